//! The holiday calendar: `GET /holidays[?year=YYYY]` (the year's holidays, shortened
//! pre-holiday days and transferred working days with the weekday each is worked as, with the year before and after a click away; admins also get the
//! form that adds one and a delete button on each), `POST /holidays` and
//! `POST /holidays/{id}/delete`, over `davomat_app::holidays` with the API's messages.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use davomat_api::AppState;
use davomat_app::AppError;
use davomat_app::holidays::{self, NewHoliday};
use davomat_app::sign_in::ConsoleUser;
use davomat_core::engine::HolidayKind;
use davomat_core::page::PageRequest;
use serde::Deserialize;

use crate::form::{Input, Messages, Posted};
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// Entries of a year, at most (one a day).
const A_YEAR: u64 = 366;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
}

/// One entry as the page shows it.
struct Entry {
    id: i64,
    date: String,
    weekday: String,
    title: String,
    kind: String,
}

#[derive(Template)]
#[template(path = "holidays.html")]
struct CalendarPage {
    frame: Frame,
    t: Words,
    year: i32,
    entries: Vec<Entry>,
    inputs: Vec<Input>,
    messages: Messages,
}

/// `GET /holidays`.
pub async fn calendar(
    State(state): State<AppState>,
    Signed(user): Signed,
    Query(query): Query<YearQuery>,
) -> Response {
    let year = query
        .year
        .parse()
        .unwrap_or_else(|_| user.caller.today(state.clock.now()).year());
    calendar_page(&state, &user, year, None, Messages::default()).await
}

async fn calendar_page(
    state: &AppState,
    user: &ConsoleUser,
    year: i32,
    typed: Option<&Posted>,
    mut messages: Messages,
) -> Response {
    let caller = &user.caller;
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let page = PageRequest {
        page: 1,
        per_page: A_YEAR,
    };
    let rows = match holidays::list(&state.store, caller, (Some(from), Some(to)), page).await {
        Ok((rows, _)) => rows,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "holidays");
    let t = frame.t;
    let entries = rows
        .iter()
        .map(|h| Entry {
            id: h.id.0,
            date: h.date.to_string(),
            weekday: t.get(&format!(
                "weekday-{}",
                h.date.weekday().number_from_monday()
            )),
            title: h.title.clone(),
            kind: match h.kind {
                HolidayKind::Holiday => t.get("holiday-kind-holiday"),
                HolidayKind::Shortened => t.get("holiday-kind-shortened"),
                HolidayKind::Workday(weekday) => format!(
                    "{} ({})",
                    t.get("holiday-kind-workday"),
                    t.get(&format!("weekday-{weekday}"))
                ),
            },
        })
        .collect();
    let inputs = if holidays::authorize(caller).is_ok() {
        let value = |name: &str| typed.map(|f| f.value(name).to_string()).unwrap_or_default();
        let kinds = vec![
            ("holiday".to_string(), t.get("holiday-kind-holiday")),
            ("shortened".to_string(), t.get("holiday-kind-shortened")),
            ("workday".to_string(), t.get("holiday-kind-workday")),
        ];
        let weekdays = (1..=7)
            .map(|day| (day.to_string(), t.get(&format!("weekday-{day}"))))
            .collect();
        let mut list = vec![
            Input::new("date", t.get("holiday-date"), "date", value("date")).required(),
            Input::new("title", t.get("holiday-title"), "text", value("title")).required(),
            Input::new("kind", t.get("holiday-kind"), "select", value("kind")).options(kinds, &[]),
            Input::new(
                "as_weekday",
                t.get("holiday-as-weekday"),
                "select",
                value("as_weekday"),
            )
            .options(weekdays, &[]),
        ];
        for input in &mut list {
            input.error = messages.of(input.name);
        }
        list
    } else {
        Vec::new()
    };
    messages.keep_fields(&["date", "title", "kind", "as_weekday"]);
    let page = CalendarPage {
        frame,
        t,
        year,
        entries,
        inputs,
        messages,
    };
    render(page.messages.status(), &page)
}

/// `POST /holidays`: adds, back to the entry's year.
pub async fn add(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let now = state.clock.now();
    let added = match form.request::<NewHoliday>(&["date", "title", "kind", "as_weekday"], &[]) {
        Ok(request) => holidays::add(&state.store, caller, request, now).await,
        Err(err) => Err(err),
    };
    match added {
        Ok(holiday) => {
            Redirect::to(&format!("/holidays?year={}", holiday.date.year())).into_response()
        }
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            let year = NaiveDate::parse_from_str(form.value("date"), "%Y-%m-%d")
                .map_or_else(|_| caller.today(now).year(), |d| d.year());
            calendar_page(&state, &user, year, Some(&form), messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /holidays/{id}/delete`.
pub async fn remove(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Ok(id) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    match holidays::remove(&state.store, caller, id, state.clock.now()).await {
        Ok(()) => {
            let year = form.value("year");
            Redirect::to(&format!("/holidays?year={year}")).into_response()
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
