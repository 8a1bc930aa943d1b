//! `GET /v1/timesheets/t13` (CONTRACT.md §9): the monthly timesheet as a JSON grid —
//! one item per employee of the page with a mark per day of the month (its T-13 code
//! and hours) and the totals of each half and of the month. Roles 1–4, each over their
//! scope; `department_id` takes the department and everything below it. With
//! `format=xlsx` the whole month (paging ignored) comes as the T-13 form, with
//! `format=csv` as the grid in a CSV for Excel (`davomat_app::exports`).

use axum::extract::{RawQuery, State};
use axum::response::Response;
use chrono::NaiveDate;
use davomat_app::exports::{self, MonthFile};
use davomat_app::timesheets::{self, EmployeeMonth, MonthQuery};
use davomat_core::engine::duration::{hh_mm, hh_mm_opt};
use davomat_core::engine::t13::{DayMark, MarkTotals};
use davomat_core::{DepartmentId, LocationId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

use super::RouteTable;
use super::files::{FileParams, file_response, read_format};
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiError, ApiResult, ErrorBody, Malformed};
use crate::guard::Access;
use crate::input::{Fields, QueryValue};

pub fn routes(table: RouteTable) -> RouteTable {
    table.documented(Access::Authenticated, routes!(t13))
}

/// The timesheet's query.
#[derive(Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TimesheetFilters {
    /// The month, `YYYY-MM` (required).
    #[param(value_type = String, example = "2026-03", required = true)]
    month: QueryValue,
    /// A department and its sub-departments.
    #[param(value_type = Option<i64>)]
    department_id: QueryValue,
    /// Employees linked to a location.
    #[param(value_type = Option<i64>)]
    location_id: QueryValue,
}

/// One day of an employee on the timesheet.
#[derive(Serialize, ToSchema)]
pub struct TimesheetDay {
    #[schema(format = Date, example = "2026-03-02")]
    date: String,
    /// The T-13 letter code: Я, РВ, В, НН or a time-off's code (ОТ, ДО, Б, К…); empty
    /// for a working day still to come.
    #[schema(example = "Я")]
    code: &'static str,
    /// The code's two-digit number in the form's table; empty with an empty code.
    #[schema(example = "01")]
    code_number: &'static str,
    /// Time worked, `HH:MM`.
    #[schema(example = "08:15")]
    work_time: String,
    /// Of it, in the night window (the Н hours), `HH:MM`.
    night_time: String,
    overtime: String,
    /// How late the day started, `HH:MM`; null when not late.
    late_in: Option<String>,
}

/// Sums over a period of the month.
#[derive(Serialize, ToSchema)]
pub struct TimesheetTotals {
    /// Days with work (Я and РВ).
    days_worked: u32,
    work_time: String,
    overtime: String,
    night_time: String,
    /// Work on days off and holidays (РВ).
    work_on_days_off: String,
    /// Days absent with no time-off (НН).
    absences: u32,
    /// Days on time-off (any time-off code).
    leave_days: u32,
    days_off: u32,
    late_days: u32,
    /// Minutes late in all.
    late_minutes: i64,
}

/// One employee's month.
#[derive(Serialize, ToSchema)]
pub struct TimesheetRow {
    employee_id: i64,
    full_name: String,
    tab_number: String,
    department_id: i64,
    department_title: String,
    position_title: Option<String>,
    /// One entry per day of the month; null on days outside the employment.
    days: Vec<Option<TimesheetDay>>,
    /// Days 1–15.
    first_half: TimesheetTotals,
    /// Days 16 to the month's end.
    second_half: TimesheetTotals,
    totals: TimesheetTotals,
}

fn day_of(date: NaiveDate, mark: &DayMark) -> TimesheetDay {
    TimesheetDay {
        date: date.format("%Y-%m-%d").to_string(),
        code: mark.code.letters(),
        code_number: mark.code.number(),
        work_time: hh_mm(mark.work),
        night_time: hh_mm(mark.night),
        overtime: hh_mm(mark.overtime),
        late_in: hh_mm_opt(mark.late),
    }
}

fn totals_of(totals: &MarkTotals) -> TimesheetTotals {
    TimesheetTotals {
        days_worked: totals.days_worked,
        work_time: hh_mm(totals.work),
        overtime: hh_mm(totals.overtime),
        night_time: hh_mm(totals.night),
        work_on_days_off: hh_mm(totals.work_on_days_off),
        absences: totals.absences,
        leave_days: totals.leave_days,
        days_off: totals.days_off,
        late_days: totals.late_days,
        late_minutes: totals.late / 60,
    }
}

fn row_of(first: NaiveDate, month: EmployeeMonth) -> TimesheetRow {
    let e = month.employee;
    TimesheetRow {
        employee_id: e.id.0,
        full_name: e.full_name,
        tab_number: e.tab_number,
        department_id: e.department_id.0,
        department_title: e.department_title,
        position_title: e.position_title,
        days: month
            .days
            .iter()
            .zip(first.iter_days())
            .map(|(mark, date)| mark.as_ref().map(|m| day_of(date, m)))
            .collect(),
        first_half: totals_of(&month.halves[0]),
        second_half: totals_of(&month.halves[1]),
        totals: totals_of(&month.totals),
    }
}

fn malformed(name: &str) -> ApiError {
    ApiError::Malformed(Malformed::QueryValue(name.into()))
}

fn query_id(value: &QueryValue, name: &str) -> ApiResult<Option<i64>> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| malformed(name)),
    }
}

/// Reads the query; `page` as given.
pub(crate) fn read_query(
    raw: Option<&str>,
    page: Option<davomat_core::page::PageRequest>,
) -> ApiResult<MonthQuery> {
    let sent: TimesheetFilters = Fields::from_query(raw).request()?;
    let month = match sent.month.as_deref().map(str::trim) {
        None | Some("") => return Err(ApiError::MissingArgument("month".into())),
        Some(text) => timesheets::parse_month(text).ok_or_else(|| malformed("month"))?,
    };
    Ok(MonthQuery {
        month,
        department: query_id(&sent.department_id, "department_id")?.map(DepartmentId),
        location: query_id(&sent.location_id, "location_id")?.map(LocationId),
        page,
    })
}

/// The monthly timesheet (T-13)
///
/// Roles 1-4 over their scope: one item per employee employed in the month (by full
/// name, paged), each with a mark per day of the month — the T-13 code (Я worked, РВ
/// worked on a day off or holiday, В day off, НН absent, a time-off type's code such as
/// ОТ, ДО or Б) and the hours — and the totals of days 1-15, of the rest and of the
/// month. An unknown department is 404, one outside the caller's scope 403.
#[utoipa::path(get, path = "/v1/timesheets/t13", tag = "Reports", params(Paging, TimesheetFilters, FileParams),
    responses(
        (status = 200, description = "One page of employees' months; with format, the whole month as a file", content(
            (Envelope<TimesheetRow> = "application/json"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "month missing (4000) or not YYYY-MM, or an id unreadable (4001)", body = ErrorBody),
        (status = 403, description = "The department is outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such department", body = ErrorBody),
    ))]
async fn t13(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    caller.require(&timesheets::READERS)?;
    if let Some(format) = read_format(raw.as_deref())? {
        let query = read_query(raw.as_deref(), None)?;
        let now = state.clock.now();
        let (name, bytes) = exports::timesheet_file(
            &state.store,
            &caller,
            &query,
            MonthFile::of(format),
            now,
            |_, _| async {},
        )
        .await?;
        return Ok(file_response(format, &name, bytes));
    }
    let query = read_query(raw.as_deref(), Some(list.page))?;
    let sheet = timesheets::month(&state.store, &caller, &query, state.clock.now()).await?;
    let first = sheet.first;
    let items = sheet
        .employees
        .into_iter()
        .map(|month| row_of(first, month))
        .collect();
    list.envelope_of(items, sheet.total).render()
}
