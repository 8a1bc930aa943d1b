//! davomat-web: the console at `/` — server-rendered pages for the people davomat is
//! for, in Russian, Uzbek and English, over the same use cases as the API (never over
//! the HTTP API itself).
//!
//! [`router`] gives the console's routes; the binary merges them with the API's under
//! the same edge layers (compression, request ids, time limit, panics). Every console
//! answer carries the security headers of [`security_headers`]: a Content-Security-Policy
//! without inline scripts or styles, no framing, no sniffing. While maintenance mode is
//! on the console is read-only ([`read_only_in_maintenance`]).

mod assets;
mod charts;
mod form;
mod i18n;
mod pages;
mod session;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use davomat_api::AppState;

pub use assets::asset_path;

/// The console's routes, for the API's router to merge (`state` for the maintenance
/// flag).
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(pages::today::page))
        .route("/today/board", get(pages::today::board))
        .route("/employees", get(pages::employees::list))
        .route(
            "/employees/new",
            get(pages::employee_form::new_form).post(pages::employee_form::create),
        )
        .route("/employees/{id}", get(pages::employees::file))
        .route(
            "/employees/{id}/edit",
            get(pages::employee_form::edit_form).post(pages::employee_form::update),
        )
        .route(
            "/employees/{id}/photo",
            post(pages::photo::upload).layer(axum::extract::DefaultBodyLimit::max(
                davomat_api::faces::UPLOAD_BODY_LIMIT,
            )),
        )
        .route("/employees/{id}/photo/delete", post(pages::photo::remove))
        .route(
            "/employees/{id}/biometrics/consent",
            post(pages::photo::record_consent),
        )
        .route(
            "/employees/{id}/biometrics/withdraw",
            post(pages::photo::withdraw_consent),
        )
        .route(
            "/employees/{id}/biometrics/export",
            get(pages::photo::export),
        )
        .route("/employees/{id}/payroll", get(pages::payroll::page))
        .route(
            "/payroll/rates",
            get(pages::payroll::rates).post(pages::payroll::give_rates),
        )
        .route("/employees/{id}/payroll/{kind}", post(pages::payroll::add))
        .route(
            "/employees/{id}/payroll/{kind}/{period}/delete",
            post(pages::payroll::remove),
        )
        .route("/employees/{id}/{step}", post(pages::employees::step))
        .route("/activity", get(pages::activity::page))
        .route("/timesheet", get(pages::timesheet::page))
        .route("/timesheet/export", post(pages::timesheet::export))
        .route("/files/{id}", get(pages::files::page))
        .route("/files/{id}/status", get(pages::files::status))
        .route("/files/{id}/download", get(pages::files::download))
        .route("/charts", get(pages::charts::page))
        .route("/reports/{name}", get(pages::reports::page))
        .route("/timesheet/day", get(pages::timesheet_day::page))
        .route("/time-offs", get(pages::time_offs::list))
        .route("/time-offs/calendar", get(pages::away::page))
        .route("/time-offs/{id}/{decision}", post(pages::time_offs::decide))
        .route(
            "/time-offs/types/{id}/code",
            post(pages::time_offs::set_code),
        )
        .route("/timesheet/day/add", post(pages::timesheet_day::add))
        .route("/timesheet/day/void", post(pages::timesheet_day::void))
        .route(
            "/timesheet/picture/{event}",
            get(pages::timesheet_day::picture),
        )
        .route("/settings", get(pages::settings::page))
        .route("/settings/company", post(pages::settings::update_company))
        .route("/settings/clients", post(pages::settings::create_client))
        .route(
            "/settings/webhooks",
            get(pages::webhooks::page).post(pages::webhooks::create),
        )
        .route("/settings/webhooks/{id}", get(pages::webhooks::log))
        .route(
            "/settings/webhooks/{id}/delete",
            post(pages::webhooks::delete),
        )
        .route(
            "/settings/webhooks/{id}/deliveries/{delivery}/resend",
            post(pages::webhooks::resend),
        )
        .route("/settings/users", get(pages::users::list))
        .route(
            "/settings/users/{id}",
            get(pages::users::edit).post(pages::users::update),
        )
        .route(
            "/settings/clients/{client_id}/rotate",
            post(pages::settings::rotate_client),
        )
        .route(
            "/settings/clients/{client_id}/state",
            post(pages::settings::client_state),
        )
        .route("/me", get(pages::me::page))
        .route("/me/clock", post(pages::me::clock))
        .route("/me/time-offs", post(pages::me::request_time_off))
        .route(
            "/me/time-offs/{id}/cancel",
            post(pages::me::cancel_time_off),
        )
        .route(
            "/departments",
            get(pages::departments::tree).post(pages::departments::create),
        )
        .route(
            "/departments/{id}",
            get(pages::departments::edit).post(pages::departments::update),
        )
        .route("/departments/{id}/delete", post(pages::departments::delete))
        .route(
            "/positions",
            get(pages::positions::list).post(pages::positions::create),
        )
        .route(
            "/positions/{id}",
            get(pages::positions::edit).post(pages::positions::update),
        )
        .route("/positions/{id}/delete", post(pages::positions::delete))
        .route(
            "/locations",
            get(pages::locations::list).post(pages::locations::create),
        )
        .route(
            "/locations/{id}",
            get(pages::locations::edit).post(pages::locations::update),
        )
        .route("/locations/{id}/delete", post(pages::locations::delete))
        .route(
            "/holidays",
            get(pages::holidays::calendar).post(pages::holidays::add),
        )
        .route("/holidays/{id}/delete", post(pages::holidays::remove))
        .route(
            "/devices",
            get(pages::devices::list).post(pages::devices::register),
        )
        .route("/devices/claim", post(pages::devices::claim))
        .route("/devices/unmatched", get(pages::devices::unmatched))
        .route("/devices/unmatched/{id}", post(pages::devices::attach))
        .route("/devices/{id}/rules", post(pages::devices::set_rules))
        .route("/devices/{id}/command", post(pages::devices::command))
        .route("/devices/{id}/secret", post(pages::devices::new_secret))
        .route(
            "/devices/{id}/employee-key",
            post(pages::devices::set_employee_key),
        )
        .route("/devices/{id}/import", post(pages::devices::import))
        .route(
            "/devices/{id}",
            get(pages::devices::show).post(pages::devices::update),
        )
        .route("/devices/{id}/delete", post(pages::devices::remove))
        .route("/schedules", get(pages::schedules::list))
        .route(
            "/schedules/new",
            get(pages::schedules::new_form).post(pages::schedules::create),
        )
        .route(
            "/schedules/{id}",
            get(pages::schedules::edit).post(pages::schedules::update),
        )
        .route("/schedules/{id}/delete", post(pages::schedules::delete))
        .route(
            "/login",
            get(pages::sign_in::form).post(pages::sign_in::submit),
        )
        .route("/logout", post(pages::sign_in::sign_out))
        .route(
            "/forgot-password",
            get(pages::password_reset::form).post(pages::password_reset::submit),
        )
        .route("/language", post(pages::language::choose))
        .route(
            "/settings/biometrics",
            post(pages::settings::set_biometric_policy),
        )
        .route("/kiosk", get(pages::kiosk::page))
        .route("/kiosk-sw.js", get(pages::kiosk::service_worker))
        .route("/devices/kiosk", post(pages::devices::add_kiosk))
        .route("/assets/{name}", get(assets::serve))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            read_only_in_maintenance,
        ))
        .layer(middleware::from_fn(security_headers))
}

/// While maintenance mode is on (`davomat maintenance on`, seen by every node within
/// five seconds) pages still open, but every form — signing in included — answers 503
/// with `Retry-After` and a page saying why — in the signed-in user's language, a
/// visitor's otherwise (cookie, browser): nothing is written, as through the API.
async fn read_only_in_maintenance(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let reads = matches!(*request.method(), Method::GET | Method::HEAD);
    if reads || !state.maintenance.is_on() {
        return next.run(request).await;
    }
    let lang = session::request_lang(&state, request.headers()).await;
    let mut response = pages::ErrorPage::new(lang, pages::Problem::Maintenance).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}

/// The headers every console answer carries.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
             object-src 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}
