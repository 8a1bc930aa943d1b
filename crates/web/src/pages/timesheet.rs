//! `GET /timesheet`: the monthly timesheet in the T-13 layout — the employees of the
//! caller's scope (all, or a department and below, and/or those of a location), 50 a
//! page, one column per day of the month with the day's code and hours, and each
//! employee's totals. Months are
//! walked with the previous / next links; a cell opens the day's detail. The numbers
//! come from `davomat_app::timesheets`, as in `GET /v1/timesheets/t13`; the month
//! downloads as the T-13 form (XLSX), a CSV of the grid, or the hours per employee
//! for accounting (1C), written in the background (`POST /timesheet/export`, then the
//! file's page `/files/{id}`).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Months, NaiveDate};
use davomat_api::AppState;
use davomat_app::exports::{FileFormat, MonthFile};
use davomat_app::file_exports;
use davomat_app::personnel::{self, PAGE_SIZE};
use davomat_app::timesheets::{self, EmployeeMonth, MonthQuery, MonthSheet};
use davomat_core::engine::duration::hh_mm;
use davomat_core::engine::t13::{DayCode, DayMark, NIGHT_LETTERS};
use davomat_core::page::PageRequest;
use davomat_core::{DepartmentId, LocationId};
use serde::Deserialize;

use crate::form::Posted;
use crate::i18n::Words;
use crate::pages::employees::{department_options, encode};
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// The page's query as sent; what does not read is "this month" / "any".
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SheetQuery {
    #[serde(default)]
    month: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    page: String,
}

impl SheetQuery {
    fn page(&self) -> u64 {
        self.page.parse().unwrap_or(1).max(1)
    }

    /// The page for `month` (`YYYY-MM`) and `page`, keeping the department and the
    /// location.
    fn link_to(&self, month: &str, page: u64) -> String {
        let mut link = format!("/timesheet?month={month}");
        if !self.department.is_empty() {
            link.push_str(&format!("&department={}", encode(&self.department)));
        }
        if !self.location.is_empty() {
            link.push_str(&format!("&location={}", encode(&self.location)));
        }
        if page > 1 {
            link.push_str(&format!("&page={page}"));
        }
        link
    }
}

/// `YYYY-MM` of a month's first day.
pub fn month_text(first: NaiveDate) -> String {
    first.format("%Y-%m").to_string()
}

/// A day's column header.
struct DayHead {
    number: u32,
    weekday: String,
    weekend: bool,
}

/// One cell.
struct Cell {
    code: &'static str,
    /// Hours worked, `H:MM`; empty when none.
    hours: String,
    /// Night hours, `H:MM`; empty when none.
    night: String,
    late: bool,
    class: &'static str,
    /// The day's detail; none outside the employment.
    link: Option<String>,
    /// The cell read out in words.
    title: String,
}

/// One employee's line.
struct Line {
    id: i64,
    full_name: String,
    tab_number: String,
    cells: Vec<Cell>,
    days_worked: u32,
    hours: String,
    overtime: String,
    night: String,
    absences: u32,
    leave_days: u32,
    late_minutes: i64,
}

#[derive(Template)]
#[template(path = "timesheet.html")]
struct SheetPage {
    frame: Frame,
    t: Words,
    title: String,
    month: String,
    department: String,
    departments: Vec<(String, String)>,
    location: String,
    locations: Vec<(String, String)>,
    heads: Vec<DayHead>,
    lines: Vec<Line>,
    total: u64,
    page: u64,
    pages: u64,
    previous_month: String,
    next_month: String,
    previous: Option<String>,
    next: Option<String>,
    /// The month's files: (format, label), each asked for with a POST of the filter.
    downloads: Vec<(&'static str, String)>,
    /// (code, meaning) for the legend.
    legend: Vec<(&'static str, String)>,
}

/// `GET /timesheet`.
pub async fn page(
    State(state): State<AppState>,
    Signed(user): Signed,
    Query(query): Query<SheetQuery>,
) -> Response {
    let caller = &user.caller;
    let now = state.clock.now();
    let month = timesheets::month_or_current(&query.month, caller, now);
    let ask = MonthQuery {
        month,
        department: query.department.parse().ok().map(DepartmentId),
        location: query.location.parse().ok().map(LocationId),
        page: Some(PageRequest {
            page: query.page(),
            per_page: PAGE_SIZE,
        }),
    };
    let sheet = timesheets::month(&state.store, caller, &ask, now).await;
    let choices = personnel::choices(&state.store, caller).await;
    let (sheet, choices) = match (sheet, choices) {
        (Ok(sheet), Ok(choices)) => (sheet, choices),
        (Err(err), _) | (_, Err(err)) => {
            return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
        }
    };
    let frame = Frame::new(&user, "timesheet");
    let t = frame.t;
    let page = query.page();
    let pages = sheet.total.div_ceil(PAGE_SIZE).max(1);
    let this = month_text(month);
    let previous_month = month_text(month.checked_sub_months(Months::new(1)).unwrap_or(month));
    let next_month = month_text(month.checked_add_months(Months::new(1)).unwrap_or(month));
    let view = SheetPage {
        title: format!(
            "{} {}",
            t.get(&format!("month-{}", month.month())),
            month.year()
        ),
        heads: heads(&sheet, &t),
        lines: sheet
            .employees
            .iter()
            .map(|e| line(&sheet, e, &t))
            .collect(),
        total: sheet.total,
        page,
        pages,
        previous: (page > 1).then(|| query.link_to(&this, page - 1)),
        next: (page < pages).then(|| query.link_to(&this, page + 1)),
        previous_month: query.link_to(&previous_month, 1),
        next_month: query.link_to(&next_month, 1),
        downloads: ["xlsx", "csv", "1c"]
            .into_iter()
            .map(|format| (format, t.get(&format!("timesheet-download-{format}"))))
            .collect(),
        month: this,
        department: query.department.clone(),
        departments: department_options(&choices),
        location: query.location.clone(),
        locations: choices
            .locations
            .iter()
            .map(|(id, title)| (id.to_string(), title.clone()))
            .collect(),
        legend: legend(&t),
        frame,
        t,
    };
    render(StatusCode::OK, &view)
}

fn heads(sheet: &MonthSheet, t: &Words) -> Vec<DayHead> {
    sheet
        .dates()
        .map(|date| {
            let weekday = date.weekday().number_from_monday();
            DayHead {
                number: date.day(),
                weekday: t.get(&format!("weekday-short-{weekday}")),
                weekend: weekday >= 6,
            }
        })
        .collect()
}

/// `H:MM` of a non-zero duration; empty for zero.
fn short_hours(seconds: i64) -> String {
    if seconds <= 0 {
        return String::new();
    }
    format!("{}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

fn class_of(code: DayCode) -> &'static str {
    match code {
        DayCode::Worked => "ts-worked",
        DayCode::WorkedOnDayOff => "ts-worked-off",
        DayCode::DayOff => "ts-off",
        DayCode::Absent => "ts-absent",
        DayCode::Leave(_) => "ts-leave",
        DayCode::Blank => "ts-blank",
    }
}

fn cell(date: NaiveDate, employee: i64, mark: Option<&DayMark>, t: &Words) -> Cell {
    let Some(mark) = mark else {
        return Cell {
            code: "",
            hours: String::new(),
            night: String::new(),
            late: false,
            class: "ts-none",
            link: None,
            title: format!("{} — {}", date.day(), t.get("timesheet-not-employed")),
        };
    };
    let mut title = format!("{} — {}", date.day(), mark.code.letters());
    if mark.work > 0 {
        title.push_str(&format!(" {}", hh_mm(mark.work)));
    }
    if mark.night > 0 {
        title.push_str(&format!(", {NIGHT_LETTERS} {}", hh_mm(mark.night)));
    }
    if let Some(late) = mark.late {
        title.push_str(&format!(", {} {}", t.get("timesheet-late"), hh_mm(late)));
    }
    Cell {
        code: mark.code.letters(),
        hours: short_hours(mark.work),
        night: short_hours(mark.night),
        late: mark.late.is_some(),
        class: class_of(mark.code),
        link: Some(format!(
            "/timesheet/day?employee={employee}&date={}",
            date.format("%Y-%m-%d")
        )),
        title,
    }
}

fn line(sheet: &MonthSheet, month: &EmployeeMonth, t: &Words) -> Line {
    let id = month.employee.id.0;
    Line {
        id,
        full_name: month.employee.full_name.clone(),
        tab_number: month.employee.tab_number.clone(),
        cells: sheet
            .dates()
            .zip(&month.days)
            .map(|(date, mark)| cell(date, id, mark.as_ref(), t))
            .collect(),
        days_worked: month.totals.days_worked,
        hours: hh_mm(month.totals.work),
        overtime: hh_mm(month.totals.overtime),
        night: hh_mm(month.totals.night),
        absences: month.totals.absences,
        leave_days: month.totals.leave_days,
        late_minutes: month.totals.late / 60,
    }
}

fn legend(t: &Words) -> Vec<(&'static str, String)> {
    [
        ("Я", "timesheet-code-worked"),
        ("РВ", "timesheet-code-worked-off"),
        (NIGHT_LETTERS, "timesheet-code-night"),
        ("В", "timesheet-code-day-off"),
        ("НН", "timesheet-code-absent"),
        ("ОТ", "timesheet-code-annual"),
        ("ДО", "timesheet-code-unpaid"),
        ("Б", "timesheet-code-sick"),
    ]
    .into_iter()
    .map(|(code, id)| (code, t.get(id)))
    .collect()
}

/// `POST /timesheet/export` (month, department, location, format = xlsx | csv | 1c): starts
/// writing the whole month of the page's filter as the T-13 form (XLSX), the grid (CSV)
/// or the hours for accounting (1C), as `GET /v1/timesheets/t13?format=…` answers it,
/// and sends the browser to the file's page, which shows the progress and then the
/// download (`davomat_app::file_exports`).
pub async fn export(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let file = match form.value("format") {
        "1c" => Some(MonthFile::Accounting),
        other => FileFormat::parse(other).map(MonthFile::of),
    };
    let (Some(month), Some(file)) = (timesheets::parse_month(form.value("month")), file) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let ask = MonthQuery {
        month,
        department: form.value("department").parse().ok().map(DepartmentId),
        location: form.value("location").parse().ok().map(LocationId),
        page: None,
    };
    let clock = state.clock.clone();
    let started =
        file_exports::start_timesheet_file(&state.store, caller, &ask, file, move || clock.now())
            .await;
    match started {
        Ok(id) => Redirect::to(&format!("/files/{id}")).into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
