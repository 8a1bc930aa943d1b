//! `GET /timesheet/day?employee=…&date=…`: one day of one employee, explained — the
//! planned shift, every clock event with its location, device and mode (voided ones
//! struck out with the reason), the engine's numbers in words and the time-offs that
//! touch the date. Admins, and heads and managers within their departments, correct the
//! day here: `POST /timesheet/day/add` adds a missing in or out (a manual event) and
//! `POST /timesheet/day/void` voids a wrong one, each with a required reason, through
//! the same use cases as the API (`davomat_app::clock`, `davomat_app::corrections`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use davomat_api::AppState;
use davomat_app::clock::ClockRequest;
use davomat_app::corrections::{self, VoidRequest};
use davomat_app::sign_in::ConsoleUser;
use davomat_app::timesheets::{self, DayDetail};
use davomat_app::{AppError, Sent};
use davomat_core::engine::EventKind;
use davomat_core::engine::duration::hh_mm;
use davomat_core::validation::{FieldCode, FieldErrors, Reason};
use davomat_core::{ClockEventId, ClockMode, EmployeeId};
use serde::Deserialize;

use crate::form::{Messages, Posted};
use crate::i18n::Words;
use crate::pages::timesheet::month_text;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// The page's query.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DayQuery {
    #[serde(default)]
    employee: String,
    #[serde(default)]
    date: String,
    /// What was just done (`added`, `voided`), said once.
    #[serde(default)]
    done: String,
}

/// One event as listed.
struct EventLine {
    id: i64,
    time: String,
    kind: String,
    location: String,
    device: String,
    mode: String,
    voided: Option<String>,
    /// The terminal sent a picture with it.
    picture: bool,
}

/// One time-off touching the day.
struct LeaveLine {
    kind: String,
    from: String,
    to: String,
    status: String,
    paid: bool,
}

#[derive(Template)]
#[template(path = "timesheet_day.html")]
struct DayPage {
    frame: Frame,
    t: Words,
    employee_id: i64,
    full_name: String,
    date: String,
    date_title: String,
    month_link: String,
    code: String,
    plan: String,
    facts: Vec<(String, String)>,
    events: Vec<EventLine>,
    time_offs: Vec<LeaveLine>,
    may_correct: bool,
    locations: Vec<(i64, String)>,
    done: String,
    messages: Messages,
    /// The add form's values after a refusal.
    typed_kind: String,
    typed_time: String,
    typed_reason: String,
}

/// `GET /timesheet/day`.
pub async fn page(
    State(state): State<AppState>,
    Signed(user): Signed,
    Query(query): Query<DayQuery>,
) -> Response {
    let done = match query.done.as_str() {
        "added" | "voided" => query.done.clone(),
        _ => String::new(),
    };
    show(&state, &user, &query.employee, &query.date, done, None).await
}

/// What a refused form sends back to the page.
struct Refused<'a> {
    form: &'a Posted,
    messages: Messages,
}

async fn show(
    state: &AppState,
    user: &ConsoleUser,
    employee: &str,
    date: &str,
    done: String,
    refused: Option<Refused<'_>>,
) -> Response {
    let caller = &user.caller;
    let (Ok(employee), Ok(date)) = (
        employee.parse::<i64>(),
        NaiveDate::parse_from_str(date, "%Y-%m-%d"),
    ) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    let detail = match timesheets::day(&state.store, caller, EmployeeId(employee), date, now).await
    {
        Ok(detail) => detail,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "timesheet");
    let t = frame.t;
    let zone = caller.zone();
    let clock_time = |at: i64| zone.format(at).get(11..16).unwrap_or_default().to_string();
    let (messages, typed) = match refused {
        Some(refused) => {
            let typed = |name: &str| refused.form.value(name).to_string();
            (
                refused.messages,
                (typed("kind"), typed("time"), typed("reason")),
            )
        }
        None => (Messages::default(), Default::default()),
    };
    let page = DayPage {
        employee_id: employee,
        full_name: detail.card.full_name.clone(),
        date: date.format("%Y-%m-%d").to_string(),
        date_title: date.format("%d.%m.%Y").to_string(),
        month_link: format!(
            "/timesheet?month={}&department={}",
            month_text(date.with_day(1).unwrap_or(date)),
            detail.card.department_id.0
        ),
        code: detail
            .mark
            .map(|m| m.code.letters().to_string())
            .unwrap_or_default(),
        plan: plan_of(&detail, &t, &clock_time),
        facts: facts_of(&detail, &t),
        events: detail
            .events
            .iter()
            .map(|e| EventLine {
                id: e.id.0,
                time: zone.format(e.at),
                kind: t.get(match e.kind.0 {
                    EventKind::In => "event-in",
                    EventKind::Out => "event-out",
                }),
                location: e.location_title.clone().unwrap_or_default(),
                device: e.serial_number.clone().unwrap_or_default(),
                mode: t.get(&format!("event-mode-{}", mode_key(e.mode.0))),
                voided: e
                    .voided_at
                    .map(|_| e.void_reason.clone().unwrap_or_default()),
                picture: e.pictures > 0,
            })
            .collect(),
        time_offs: detail
            .time_offs
            .iter()
            .map(|o| LeaveLine {
                kind: o.type_title.clone(),
                from: zone.format(o.start_at),
                to: zone.format(o.end_at),
                status: t.get(&format!("time-off-status-{}", o.status)),
                paid: o.paid,
            })
            .collect(),
        may_correct: detail.may_correct,
        locations: detail
            .card
            .locations
            .iter()
            .map(|l| (l.id, l.title.clone()))
            .collect(),
        done,
        messages,
        typed_kind: typed.0,
        typed_time: typed.1,
        typed_reason: typed.2,
        frame,
        t,
    };
    render(page.messages.status(), &page)
}

fn mode_key(mode: ClockMode) -> &'static str {
    match mode {
        ClockMode::Manual => "manual",
        _ => "device",
    }
}

/// The planned shift in words.
fn plan_of(detail: &DayDetail, t: &Words, clock_time: &dyn Fn(i64) -> String) -> String {
    let Some(row) = &detail.row else {
        return t.get("timesheet-not-employed");
    };
    match (row.start, row.end) {
        (Some(start), Some(end)) => format!("{}–{}", clock_time(start), clock_time(end)),
        _ if !row.is_work_day || row.is_holiday => t.get("timesheet-code-day-off"),
        _ => t.get("day-free-schedule"),
    }
}

/// The engine's numbers that say something about the day, in words.
fn facts_of(detail: &DayDetail, t: &Words) -> Vec<(String, String)> {
    let Some(row) = &detail.row else {
        return Vec::new();
    };
    let mut facts = vec![(t.get("day-worked"), hh_mm(row.work))];
    let mut add = |id: &str, seconds: Option<i64>| {
        if let Some(seconds) = seconds.filter(|s| *s > 0) {
            facts.push((t.get(id), hh_mm(seconds)));
        }
    };
    add("day-late", row.late_in);
    add("day-early-out", row.early_out);
    add("day-overtime", Some(row.overtime));
    add("day-lunch", row.auth_lunch);
    add("day-night", Some(row.night));
    add("day-expected", Some(row.expected));
    add("day-paid-leave", row.sum_paid);
    add("day-unpaid-leave", row.sum_not_paid);
    if row.absent {
        facts.push((t.get("day-absent"), String::new()));
    }
    if row.missing_out {
        facts.push((t.get("day-missing-out"), String::new()));
    }
    if row.missing_in {
        facts.push((t.get("day-missing-in"), String::new()));
    }
    facts
}

/// The add form's fields, whose messages are shown beside them.
const ADD_FIELDS: &[&str] = &["kind", "time", "location_id", "reason"];

/// `POST /timesheet/day/add`: a missing in or out, entered for the employee with a
/// reason; back to the day.
pub async fn add(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let (employee, date) = (form.value("employee"), form.value("date"));
    let mut errors = FieldErrors::new();
    let kind = match form.value("kind") {
        "in" => Some(EventKind::In),
        "out" => Some(EventKind::Out),
        _ => {
            errors.add("kind", FieldCode::Required, Reason::Plain);
            None
        }
    };
    let time = form.value("time").trim();
    if chrono::NaiveTime::parse_from_str(time, "%H:%M").is_err() {
        errors.add("time", FieldCode::Required, Reason::Plain);
    }
    let outcome = match (errors.finish(), kind) {
        (Ok(()), Some(kind)) => {
            let request = ClockRequest {
                employee_id: employee.parse().map_or(Sent::Unreadable, Sent::Value),
                location_id: form
                    .value("location_id")
                    .parse()
                    .map_or(Sent::Absent, Sent::Value),
                event_time: Sent::Value(format!("{date} {time}:00")),
                reason: Sent::Value(form.value("reason").to_string()),
                ..ClockRequest::default()
            };
            corrections::add_missing(&state.store, caller, kind, request, state.clock.now())
                .await
                .map(|_| ())
        }
        (Err(err), _) => Err(AppError::Invalid(err)),
        (Ok(()), None) => Err(AppError::NotApplicable),
    };
    after(&state, &user, &form, outcome, ("added", ADD_FIELDS)).await
}

/// `POST /timesheet/day/void`: voids a wrong event with a reason; back to the day.
pub async fn void(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Ok(event) = form.value("event").parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let outcome = match corrections::voidable(&state.store, caller, ClockEventId(event)).await {
        Ok(found) => {
            let request = VoidRequest {
                reason: Sent::Value(form.value("reason").to_string()),
            };
            corrections::void_event(&state.store, caller, found, request, state.clock.now())
                .await
                .map(|_| ())
        }
        Err(err) => Err(err),
    };
    after(&state, &user, &form, outcome, ("voided", &[])).await
}

/// Back to the day after a correction, or the day again with what was refused.
async fn after(
    state: &AppState,
    user: &ConsoleUser,
    form: &Posted,
    outcome: Result<(), AppError>,
    (done, fields): (&str, &[&str]),
) -> Response {
    let (employee, date) = (form.value("employee"), form.value("date"));
    let lang = user.caller.lang;
    let messages = match outcome {
        Ok(()) => {
            return Redirect::to(&format!(
                "/timesheet/day?employee={employee}&date={date}&done={done}"
            ))
            .into_response();
        }
        Err(AppError::Invalid(errors)) => Messages::of_fields(errors, lang),
        Err(err @ (AppError::Forbidden | AppError::NotFound)) => {
            return ErrorPage::new(lang, Problem::from(err)).into_response();
        }
        Err(err) => Messages::general(err, lang),
    };
    let mut messages = messages;
    // A void's refusal is said above the events: only the add form shows its fields.
    messages.keep_fields(fields);
    let refused = Refused { form, messages };
    let mut response = show(state, user, employee, date, String::new(), Some(refused)).await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// `GET /timesheet/picture/{event}`: the picture a terminal sent with a clock event
/// (who may read the employee's day may see it), kept private in caches.
pub async fn picture(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(event): Path<String>,
) -> Response {
    let caller = &user.caller;
    let Ok(event) = event.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    match davomat_app::hikvision::picture(&state.store, caller, event).await {
        Ok(found) => (
            [
                (axum::http::header::CONTENT_TYPE, found.content_type),
                (
                    axum::http::header::CACHE_CONTROL,
                    "private, max-age=3600".to_string(),
                ),
            ],
            found.picture,
        )
            .into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
