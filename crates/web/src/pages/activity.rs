//! `GET /activity` — the activity log with the API's filters (`start_date`, `end_date`
//! as local dates of the company, `action_name`), newest first, 50 a page; each row
//! links to the employee it is about. The rows and who may read them are the use case's
//! (`davomat_app::user_activities`): admins the company's log, heads, managers and
//! observers the rows about their people, employees none (403).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use davomat_api::AppState;
use davomat_app::user_activities::{self, LogFilter};
use davomat_core::page::PageRequest;
use serde::Deserialize;

use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::Signed;

/// Rows on one page of the log.
const PAGE_SIZE: u64 = 50;

/// The query as sent; a date that does not read is no filter (and is said so).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
    #[serde(default)]
    action_name: String,
    #[serde(default)]
    page: String,
}

impl LogQuery {
    fn date(text: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
    }

    fn page(&self) -> u64 {
        self.page.parse().unwrap_or(1).max(1)
    }

    fn link_to(&self, page: u64) -> String {
        format!(
            "/activity?page={page}&start_date={}&end_date={}&action_name={}",
            self.start_date.trim(),
            self.end_date.trim(),
            crate::pages::employees::encode(self.action_name.trim())
        )
    }
}

/// One row as the page shows it.
struct Line {
    at: String,
    action: String,
    message: String,
    by: String,
    person: Option<i64>,
}

#[derive(Template)]
#[template(path = "activity.html")]
struct LogPage {
    frame: Frame,
    t: Words,
    query: LogQuery,
    lines: Vec<Line>,
    total: u64,
    page: u64,
    pages: u64,
    previous: Option<String>,
    next: Option<String>,
    /// A date typed that is not one, or an end before the start.
    bad_dates: bool,
}

/// `GET /activity`.
pub async fn page(
    State(state): State<AppState>,
    Signed(user): Signed,
    Query(query): Query<LogQuery>,
) -> Response {
    let caller = &user.caller;
    let start = LogQuery::date(&query.start_date);
    let end = LogQuery::date(&query.end_date);
    let unreadable =
        |text: &str, read: Option<NaiveDate>| !text.trim().is_empty() && read.is_none();
    let reversed = matches!((start, end), (Some(s), Some(e)) if e < s);
    let bad_dates =
        unreadable(&query.start_date, start) || unreadable(&query.end_date, end) || reversed;
    let filter = LogFilter {
        start,
        end: if reversed { None } else { end },
        action_name: Some(query.action_name.trim().to_string()).filter(|a| !a.is_empty()),
        person: None,
    };
    let page = query.page();
    let request = PageRequest {
        page,
        per_page: PAGE_SIZE,
    };
    let (rows, total) = match user_activities::list(&state.store, caller, filter, request).await {
        Ok(found) => found,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let zone = caller.zone();
    let lines = rows
        .iter()
        .map(|row| Line {
            at: zone.format(row.created_at),
            action: row.action_name.clone(),
            message: row.message.clone(),
            by: davomat_core::person::full_name(
                row.user_last_name.as_deref().unwrap_or(""),
                row.user_first_name.as_deref().unwrap_or(""),
                row.user_patronymic.as_deref().unwrap_or(""),
            ),
            person: row.person_id.map(|id| id.0),
        })
        .collect();
    let frame = Frame::new(&user, "activity");
    let t = frame.t;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let log = LogPage {
        lines,
        total,
        page,
        pages,
        previous: (page > 1).then(|| query.link_to(page - 1)),
        next: (page < pages).then(|| query.link_to(page + 1)),
        bad_dates,
        query,
        frame,
        t,
    };
    render(StatusCode::OK, &log)
}
