//! Self-service, for every role with an employee profile: `GET /me` opens the caller's
//! own file (where an employee lands after signing in), and `POST /me/clock` clocks the
//! caller in or out at one of their locations — the API's `POST /v1/times/clockin` /
//! `clockout` for oneself (`davomat_app::clock`: mode `auto`, the location's address and
//! radius rules, the request's address recorded). `POST /me/time-offs` asks for a
//! whole-day time-off (pending until a head, manager or admin decides) and
//! `POST /me/time-offs/{id}/cancel` withdraws one still pending — the API's
//! `POST /v1/time-offs` for oneself and its cancel (`davomat_app::time_offs`).

use axum::Form;
use axum::extract::{FromRequest, Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::clock::{self, ClockRequest};
use davomat_app::time_offs::{self, TimeOffRequest};
use davomat_app::{AppError, Sent};
use davomat_core::TimeOffId;
use davomat_core::engine::EventKind;

use crate::form::{Messages, Posted};
use crate::pages::employees::show_file;
use crate::pages::{ErrorPage, Problem};
use crate::session::{Signed, csrf_matches};

/// `GET /me`: the caller's own file.
pub async fn page(Signed(user): Signed) -> Response {
    match user.caller.employee_id {
        Some(id) => Redirect::to(&format!("/employees/{}", id.0)).into_response(),
        None => ErrorPage::new(user.caller.lang, Problem::NotFound).into_response(),
    }
}

/// `POST /me/clock` (`direction` in or out, `location_id`): back to the file, saying
/// what was clocked, or with the use case's message.
pub async fn clock(
    State(state): State<AppState>,
    Signed(user): Signed,
    request: Request,
) -> Response {
    let caller = &user.caller;
    let peer = davomat_api::guard::client_ip(&state, &request);
    let Ok(Form(form)) = Form::<Posted>::from_request(request, &state).await else {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    };
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Some(me) = caller.employee_id else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let (direction, word) = match form.value("direction") {
        "out" => (EventKind::Out, "out"),
        _ => (EventKind::In, "in"),
    };
    let location = form.value("location_id");
    let request = ClockRequest {
        location_id: location.parse().map_or(Sent::Absent, Sent::Value),
        peer,
        ..ClockRequest::default()
    };
    let id = me.0.to_string();
    match clock::clock(&state.store, caller, direction, request, state.clock.now()).await {
        Ok(_) => Redirect::to(&format!("/employees/{id}?clocked={word}")).into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            show_file(&state, &user, &id, messages, None).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /me/time-offs` (`absence_id`, `start_date_time`, `end_date_time` as dates,
/// `description`): back to the caller's file.
pub async fn request_time_off(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Some(me) = caller.employee_id else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let fields = [
        "absence_id",
        "start_date_time",
        "end_date_time",
        "description",
    ];
    let asked = match form.request::<TimeOffRequest>(&fields, &[]) {
        Ok(request) => time_offs::request(&state.store, caller, request, state.clock.now()).await,
        Err(err) => Err(err),
    };
    let id = me.0.to_string();
    match asked {
        Ok(_) => Redirect::to(&format!("/employees/{id}#time-off")).into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            show_file(&state, &user, &id, messages, None).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /me/time-offs/{id}/cancel`.
pub async fn cancel_time_off(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(time_off): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let (Some(me), Ok(time_off)) = (caller.employee_id, time_off.parse::<i64>()) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let id = me.0.to_string();
    match time_offs::cancel(&state.store, caller, TimeOffId(time_off), state.clock.now()).await {
        Ok(()) => Redirect::to(&format!("/employees/{id}#time-off")).into_response(),
        Err(err @ AppError::NotApplicable) => {
            let messages = Messages::general(err, caller.lang);
            show_file(&state, &user, &id, messages, None).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
