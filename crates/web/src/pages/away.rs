//! `GET /time-offs/calendar?month=YYYY-MM`: a month's calendar of who is away — the
//! weeks from Monday, each day with the employees of the caller's scope on an accepted
//! time-off that day (and, marked, those waiting for a decision), their type beside
//! the name; at most a few names a day with how many more. Months are walked with the
//! previous / next links. Read from `davomat_app::time_offs::away_between`.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Months, NaiveDate};
use davomat_api::AppState;
use davomat_app::time_offs;
use davomat_app::timesheets;
use davomat_store::time_offs::TimeOff;
use serde::Deserialize;

use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::Signed;

/// Names shown in a day's cell before "and N more".
const NAMES_A_DAY: usize = 6;

/// The page's query.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CalendarQuery {
    #[serde(default)]
    month: String,
}

/// One person away on a day.
struct Away {
    name: String,
    kind: String,
    pending: bool,
}

/// A day's cell; `None` days pad the first and last weeks.
struct Day {
    date: String,
    number: u32,
    weekend: bool,
    away: Vec<Away>,
    more: usize,
}

#[derive(Template)]
#[template(path = "away.html")]
struct CalendarPage {
    frame: Frame,
    t: Words,
    title: String,
    previous_month: String,
    next_month: String,
    weekdays: Vec<String>,
    weeks: Vec<Vec<Option<Day>>>,
    total: u64,
}

/// `GET /time-offs/calendar`.
pub async fn page(
    State(state): State<AppState>,
    Signed(user): Signed,
    Query(query): Query<CalendarQuery>,
) -> Response {
    let caller = &user.caller;
    let now = state.clock.now();
    let month = timesheets::month_or_current(&query.month, caller, now);
    let (first, last) = timesheets::month_days(month);
    let found = match time_offs::away_between(&state.store, caller, first, last).await {
        Ok(found) => found,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(&user, "time-offs");
    let t = frame.t;
    let zone = caller.zone();
    let date_of = |at: i64| {
        NaiveDate::parse_from_str(zone.format(at).get(..10).unwrap_or_default(), "%Y-%m-%d")
            .unwrap_or(first)
    };
    let days: Vec<Day> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|date| day(date, &found, &date_of))
        .collect();
    let month_text = |d: NaiveDate| format!("/time-offs/calendar?month={}", d.format("%Y-%m"));
    let view = CalendarPage {
        title: format!(
            "{} {}",
            t.get(&format!("month-{}", month.month())),
            month.year()
        ),
        previous_month: month_text(month.checked_sub_months(Months::new(1)).unwrap_or(month)),
        next_month: month_text(month.checked_add_months(Months::new(1)).unwrap_or(month)),
        weekdays: (1..=7)
            .map(|n| t.get(&format!("weekday-short-{n}")))
            .collect(),
        weeks: weeks(first, days),
        total: found.len() as u64,
        frame,
        t,
    };
    render(StatusCode::OK, &view)
}

/// The people away on `date`.
fn day(date: NaiveDate, found: &[TimeOff], date_of: &impl Fn(i64) -> NaiveDate) -> Day {
    let mut away: Vec<Away> = found
        .iter()
        .filter(|t| date_of(t.start_at) <= date && date <= date_of(t.end_at))
        .map(|t| Away {
            name: t.employee_name.clone(),
            kind: t.type_title.clone(),
            pending: t.status == 0,
        })
        .collect();
    let more = away.len().saturating_sub(NAMES_A_DAY);
    away.truncate(NAMES_A_DAY);
    Day {
        date: date.format("%Y-%m-%d").to_string(),
        number: date.day(),
        weekend: date.weekday().number_from_monday() >= 6,
        away,
        more,
    }
}

/// The month's days in weeks from Monday, padded with `None`.
fn weeks(first: NaiveDate, days: Vec<Day>) -> Vec<Vec<Option<Day>>> {
    let lead = first.weekday().num_days_from_monday() as usize;
    let mut cells: Vec<Option<Day>> = (0..lead).map(|_| None).collect();
    cells.extend(days.into_iter().map(Some));
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    let mut weeks = Vec::new();
    let mut cells = cells.into_iter();
    loop {
        let week: Vec<Option<Day>> = cells.by_ref().take(7).collect();
        if week.is_empty() {
            break;
        }
        weeks.push(week);
    }
    weeks
}
