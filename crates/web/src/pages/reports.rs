//! `GET /reports/{name}`: the eight reports of the API (at-work, late-in, absence,
//! inouts, dismissed, night, night-by-location, t12) as pages — the dates, a department
//! (and below) or a location (the API's `f` takes one kind at a time, so choosing both
//! is refused with a message), an employee by tab number, the date order; 50 rows a
//! page, every column of the report's rows — and downloadable as
//! XLSX or CSV (`format=`). Each is answered by the API's own report handler inside the
//! server (`davomat_api::routes::reports::inside`), so the page, the file and
//! `GET /v1/reports/{name}` never disagree.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use davomat_api::AppState;
use davomat_api::routes::files::table_of;
use davomat_api::routes::reports::{NAMES, inside};
use davomat_app::exports::Cell;
use davomat_app::personnel::{self, PAGE_SIZE};
use davomat_core::page::PageRequest;
use serde::Deserialize;
use serde_json::Value;

use crate::i18n::Words;
use crate::pages::employees::{department_options, encode};
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::Signed;

/// The page's query as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    tab_number: String,
    /// `desc` for the newest date first.
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    format: String,
}

impl ReportQuery {
    /// The filters as the page's links repeat them (`&department=…&location=…`).
    fn link_filters(&self) -> String {
        let mut text = String::new();
        for (name, value) in [
            ("department", &self.department),
            ("location", &self.location),
            ("tab_number", &self.tab_number),
            ("sort", &self.sort),
        ] {
            if !value.trim().is_empty() {
                text.push_str(&format!("&{name}={}", encode(value.trim())));
            }
        }
        text
    }

    /// The filters as the API reads them; `Err` when a department and a location are
    /// both chosen (its `f` takes one kind).
    fn api_filters(&self) -> Result<String, ()> {
        let department = self.department.parse::<i64>().ok();
        let location = self.location.parse::<i64>().ok();
        let mut text = match (department, location) {
            (Some(_), Some(_)) => return Err(()),
            (Some(id), None) => format!("&f=department&ids={id}"),
            (None, Some(id)) => format!("&f=location&ids={id}"),
            (None, None) => String::new(),
        };
        if !self.tab_number.trim().is_empty() {
            text.push_str(&format!("&tab_number={}", encode(self.tab_number.trim())));
        }
        if self.sort == "desc" {
            text.push_str("&sort=desc");
        }
        Ok(text)
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    frame: Frame,
    t: Words,
    name: String,
    title: String,
    tabs: Vec<(&'static str, String)>,
    start_date: String,
    end_date: String,
    department: String,
    departments: Vec<(String, String)>,
    location: String,
    locations: Vec<(String, String)>,
    tab_number: String,
    descending: bool,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    total: u64,
    page: u64,
    pages: u64,
    previous: Option<String>,
    next: Option<String>,
    /// (format, label, link).
    downloads: Vec<(&'static str, String, String)>,
    problem: Option<String>,
}

fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
        Cell::Number(n) => format!("{n:.2}"),
        Cell::Empty => String::new(),
    }
}

/// `GET /reports/{name}`.
pub async fn page(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(name): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Response {
    let caller = user.caller.clone();
    let lang = caller.lang;
    let Some(name) = NAMES.iter().find(|n| **n == name).copied() else {
        return ErrorPage::new(lang, Problem::NotFound).into_response();
    };
    let today = caller.today(state.clock.now());
    let first = today.with_day(1).unwrap_or(today);
    let date = |text: &str, default: NaiveDate| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .unwrap_or(default)
            .format("%Y-%m-%d")
            .to_string()
    };
    let (start_date, end_date) = (date(&query.start_date, first), date(&query.end_date, today));
    let t = Words::new(lang);
    let mut asked = format!("start_date={start_date}&end_date={end_date}");
    let mut refused = None;
    match query.api_filters() {
        Ok(filters) => asked.push_str(&filters),
        Err(()) => refused = Some(t.get("reports-one-place")),
    }
    let page = query.page.parse().unwrap_or(1).max(1);
    let paging = PageRequest {
        page,
        per_page: PAGE_SIZE,
    };
    let file = matches!(query.format.as_str(), "xlsx" | "csv");
    let mut ask = asked.clone();
    if file {
        ask.push_str(&format!("&format={}", query.format));
    }
    let answered = match refused {
        Some(_) => Ok(None),
        None => inside(state.clone(), caller.clone(), name, ask, paging)
            .await
            .unwrap_or_else(|| Err(davomat_api::ApiError::NotFound))
            .map(Some),
    };
    let (body, problem) = match answered {
        Ok(None) => (Value::Null, refused),
        Ok(Some(response)) if file => return response,
        Ok(Some(response)) => (read_json(response).await, None),
        Err(davomat_api::ApiError::Forbidden) => {
            return ErrorPage::new(lang, Problem::Forbidden).into_response();
        }
        Err(err) => (
            Value::Null,
            Some(davomat_api::i18n::error_message(&err, lang)),
        ),
    };
    let items = body["items"].as_array().cloned().unwrap_or_default();
    let total = body["_meta"]["totalCount"].as_u64().unwrap_or(0);
    let table = table_of(&items, lang);
    let choices = match personnel::choices(&state.store, &caller).await {
        Ok(choices) => choices,
        Err(err) => return ErrorPage::new(lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(&user, "reports");
    let t = frame.t;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let base = format!(
        "/reports/{name}?start_date={start_date}&end_date={end_date}{}",
        query.link_filters()
    );
    let view = ReportPage {
        name: name.to_string(),
        title: t.get(&format!("report-{name}")),
        tabs: NAMES
            .iter()
            .map(|n| (*n, t.get(&format!("report-{n}"))))
            .collect(),
        columns: table.columns,
        rows: table
            .rows
            .iter()
            .map(|row| row.iter().map(text_of).collect())
            .collect(),
        total,
        page,
        pages,
        previous: (page > 1).then(|| format!("{base}&page={}", page - 1)),
        next: (page < pages).then(|| format!("{base}&page={}", page + 1)),
        downloads: ["xlsx", "csv"]
            .into_iter()
            .map(|f| {
                (
                    f,
                    t.get(&format!("report-download-{f}")),
                    format!("{base}&format={f}"),
                )
            })
            .collect(),
        start_date,
        end_date,
        department: query.department.clone(),
        departments: department_options(&choices),
        location: query.location.clone(),
        locations: choices
            .locations
            .iter()
            .map(|(id, title)| (id.to_string(), title.clone()))
            .collect(),
        tab_number: query.tab_number.clone(),
        descending: query.sort == "desc",
        problem,
        frame,
        t,
    };
    let status = if view.problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render(status, &view)
}

async fn read_json(response: Response) -> Value {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}
