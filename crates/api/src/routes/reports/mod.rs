//! `/v1/reports/*` (reference file 13; rows as SEMANTICS.md §13 says): at-work,
//! late-in, absence, inouts, dismissed, night, night-by-location and t12. Roles 1–4,
//! each within their scope.
//!
//! Every report reads the same query: `start_date` (required, 400/4000), `end_date`
//! (default today; not before `start_date`; at most 366 days after it for the reports
//! the engine computes, any range for `inouts`: else 400/4001), `f`
//! = location / employee / department (sub-departments included) / tab_number with
//! `ids` (comma-separated; tab numbers for `tab_number`), `employee_id`, `tab_number`,
//! `sort` (`date`/`ASC` or `-date`/`DESC`), `page`, `per-page`.
//!
//! The day-row reports (at-work, late-in, absence, dismissed) and the night reports
//! compute every employee of the filter over the range and page the rows (employees);
//! t12 pages the employees in SQL and computes only the page.

pub(super) mod rows;

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use chrono::NaiveDate;
use davomat_core::dates::{civil, naive};
use davomat_core::engine::{self, DayRow};
use davomat_core::page::PageRequest;
use davomat_core::{DepartmentId, Role};
use davomat_store::attendance::{self, RosterEmployee, RosterFilter};
use davomat_store::clock_events::{self, InOutFilter};
use davomat_store::departments;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

use super::RouteTable;
use super::files::{Answer, FileParams, read_format};
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiError, ApiResult, ErrorBody, Malformed};
use crate::guard::Access;
use crate::input::{Fields, QueryValue, query_date, query_ids};
use crate::objects::PhotoBase;
use crate::scope::Scope;
use davomat_app::attendance::{Cause, Computed, Sheet, compute};
use rows::{
    AbsenceRow, DayReportRow, DismissedRow, InOutRow, NightByLocationRow, NightRow, T12Row,
};

/// The longest range a report covers, in days after `start_date`.
const MAX_RANGE_DAYS: i64 = 366;
/// Roles that read reports.
const READERS: [Role; 4] = [
    Role::Admin,
    Role::DepartmentHead,
    Role::DepartmentManager,
    Role::Observer,
];

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(at_work))
        .documented(Access::Authenticated, routes!(late_in))
        .documented(Access::Authenticated, routes!(absence))
        .documented(Access::Authenticated, routes!(inouts))
        .documented(Access::Authenticated, routes!(dismissed))
        .documented(Access::Authenticated, routes!(night))
        .documented(Access::Authenticated, routes!(night_by_location))
        .documented(Access::Authenticated, routes!(t12))
        .documented(Access::Authenticated, routes!(export))
        .documented(Access::Authenticated, routes!(attendance_today))
}

/// The reports the console shows as pages, by the last part of their path.
pub const NAMES: [&str; 8] = [
    "at-work",
    "late-in",
    "absence",
    "inouts",
    "dismissed",
    "night",
    "night-by-location",
    "t12",
];

/// A report answered inside the server, for the console's report pages: the same
/// handler as `GET /v1/reports/{name}?{query}` for `caller` (a page of JSON, or the file
/// `format` asks for). `None` for a name that is not a report.
pub async fn inside(
    state: AppState,
    caller: davomat_app::Caller,
    name: &str,
    query: String,
    page: PageRequest,
) -> Option<ApiResult<Response>> {
    let photos = PhotoBase::new(String::new(), caller.company_id.0);
    let list = ListRequest::inside(page, &format!("/reports/{name}"), &query);
    dispatch(name, state, Caller(caller), photos, list, Some(query)).await
}

/// Runs the report `name` (one of [`NAMES`]); `None` for another name.
async fn dispatch(
    name: &str,
    state: AppState,
    caller: Caller,
    photos: PhotoBase,
    list: ListRequest,
    raw: Option<String>,
) -> Option<ApiResult<Response>> {
    let (state, raw) = (State(state), RawQuery(raw));
    Some(match name {
        "at-work" => at_work(state, caller, photos, list, raw).await,
        "late-in" => late_in(state, caller, photos, list, raw).await,
        "absence" => absence(state, caller, photos, list, raw).await,
        "inouts" => inouts(state, caller, list, raw).await,
        "dismissed" => dismissed(state, caller, list, raw).await,
        "night" => night(state, caller, list, raw).await,
        "night-by-location" => night_by_location(state, caller, list, raw).await,
        "t12" => t12(state, caller, photos, list, raw).await,
        _ => return None,
    })
}

/// A report as a file
///
/// The report `name` (at-work, late-in, absence, inouts, dismissed, night,
/// night-by-location or t12) with its filters, every row of the range in one file;
/// `format` is required here (the same as the report's own path with `format`).
#[utoipa::path(get, path = "/v1/reports/{name}/export", tag = "Reports",
    params(
        ("name" = String, Path, description = "at-work, late-in, absence, inouts, dismissed, night, night-by-location or t12"),
        ReportFilters, FileParams,
    ),
    responses(
        (status = 200, description = "Every row as a file", content(
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "format or start_date missing (4000); a value unreadable or the range refused (4001)", body = ErrorBody),
        (status = 404, description = "No such report", body = ErrorBody),
    ))]
async fn export(
    State(state): State<AppState>,
    caller: Caller,
    photos: PhotoBase,
    list: ListRequest,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    if !NAMES.contains(&name.as_str()) {
        return Err(ApiError::NotFound);
    }
    if read_format(raw.as_deref())?.is_none() {
        return Err(ApiError::MissingArgument("format".into()));
    }
    dispatch(&name, state, caller, photos, list, raw)
        .await
        .unwrap_or(Err(ApiError::NotFound))
}

/// Today's counts over the caller's scope, in the company's zone.
#[derive(Serialize, ToSchema)]
#[schema(as = AttendanceCounts)]
pub struct AttendanceCounts {
    /// Active employees.
    count_employees: u64,
    /// Employees − arrived − on time-off (not below 0).
    count_absence: u64,
    /// Arrived: an in attributed to today.
    count_inout: u64,
    /// Arrived late (after the schedule's grace).
    count_late_in: u64,
    /// On accepted time-off and not arrived.
    count_time_off: u64,
}

/// Today's attendance counts
///
/// Roles 1-4, over their scope, today in the company's zone: active employees, arrived
/// (an in attributed to today), arrived late, on accepted time-off (and not arrived),
/// absent = employees - arrived - on time-off.
#[utoipa::path(get, path = "/v1/employees/attendance", tag = "Reports",
    responses((status = 200, description = "The counts", body = AttendanceCounts)))]
async fn attendance_today(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<AttendanceCounts>> {
    let counts =
        davomat_app::today::counts(&state.store, &state.today_lines, &caller, state.clock.now())
            .await?;
    Ok(Json(AttendanceCounts {
        count_employees: counts.employees,
        count_absence: counts.absent,
        count_inout: counts.arrived,
        count_late_in: counts.late,
        count_time_off: counts.on_time_off,
    }))
}

/// The filters every report reads from its query string (the paging aside). Each is
/// read leniently here and checked by [`read_query`]: 400/4000 for a missing
/// `start_date`, 400/4001 for a value that does not read.
#[derive(Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReportFilters {
    /// The first local date (required).
    #[param(value_type = String, format = Date, required = true)]
    start_date: QueryValue,
    /// The last local date; default today. At most 366 days after start_date, except
    /// for inouts (stored events are paged: any range).
    #[param(value_type = Option<String>, format = Date)]
    end_date: QueryValue,
    /// The kind of the ids filter (departments include their sub-departments).
    #[param(value_type = Option<FilterKind>, inline)]
    f: QueryValue,
    /// Comma-separated ids (tab numbers for f=tab_number); required with f.
    #[param(value_type = Option<String>, example = "3,7")]
    ids: QueryValue,
    /// One employee.
    #[param(value_type = Option<i64>)]
    employee_id: QueryValue,
    /// One tab number.
    #[param(value_type = Option<String>)]
    tab_number: QueryValue,
    /// Date order: ascending by default; `ASC`/`asc` and `DESC`/`desc` are read too.
    #[param(value_type = Option<ReportSort>, inline)]
    sort: QueryValue,
}

/// What a report's `ids` name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum FilterKind {
    Location,
    Employee,
    Department,
    TabNumber,
}

impl FilterKind {
    fn parse(text: &str) -> Option<FilterKind> {
        Some(match text {
            "location" => FilterKind::Location,
            "employee" => FilterKind::Employee,
            "department" => FilterKind::Department,
            "tab_number" => FilterKind::TabNumber,
            _ => return None,
        })
    }
}

/// A report's date order, as documented (`date` or `-date`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
pub enum ReportSort {
    #[schema(rename = "date")]
    Ascending,
    #[schema(rename = "-date")]
    Descending,
}

impl ReportSort {
    /// `date`, `ASC`, `asc`: ascending; `-date`, `DESC`, `desc`: descending.
    fn parse(text: &str) -> Option<ReportSort> {
        match text {
            "date" | "ASC" | "asc" => Some(ReportSort::Ascending),
            "-date" | "DESC" | "desc" => Some(ReportSort::Descending),
            _ => None,
        }
    }
}

/// A filter's value, when not blank.
fn sent_text(value: &QueryValue) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

/// A report's query, read.
struct ReportQuery {
    from: NaiveDate,
    to: NaiveDate,
    filter: RosterFilter,
    /// `f=location`: for inouts, the events' locations.
    locations: Option<Vec<i64>>,
    descending: bool,
}

fn malformed(name: &str) -> ApiError {
    ApiError::Malformed(Malformed::QueryValue(name.into()))
}

/// Intersects an id filter with another list.
fn narrow(current: Option<Vec<i64>>, more: Vec<i64>) -> Option<Vec<i64>> {
    Some(match current {
        None => more,
        Some(ids) => ids.into_iter().filter(|id| more.contains(id)).collect(),
    })
}

/// How long a report's date range may be (CONTRACT.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RangeLimit {
    /// The engine computes every day of the range: at most [`MAX_RANGE_DAYS`].
    Computed,
    /// Stored events are paged (`inouts`): any range, so that a sync client that sends
    /// only the `start_date` it was set up on keeps working after a year.
    Any,
}

async fn read_query(
    state: &AppState,
    caller: &Caller,
    raw: Option<&str>,
    limit: RangeLimit,
) -> ApiResult<ReportQuery> {
    caller.require(&READERS)?;
    let sent: ReportFilters = Fields::from_query(raw).request()?;
    let from = query_date(sent.start_date.as_deref(), "start_date")?
        .ok_or_else(|| ApiError::MissingArgument("start_date".into()))?;
    let to = query_date(sent.end_date.as_deref(), "end_date")?
        .unwrap_or_else(|| caller.today(state.clock.now()));
    let too_long = limit == RangeLimit::Computed && (to - from).num_days() > MAX_RANGE_DAYS;
    if to < from || too_long {
        return Err(ApiError::Malformed(Malformed::DateRange));
    }
    let descending = match sent.sort.as_deref().map(str::trim) {
        None | Some("") => false,
        Some(text) => {
            ReportSort::parse(text).ok_or_else(|| malformed("sort"))? == ReportSort::Descending
        }
    };
    let mut filter = RosterFilter::all(Scope::of(&state.store, caller).await?.visibility());
    let mut locations = None;
    if let Some(kind) = sent_text(&sent.f) {
        let ids = sent_text(&sent.ids).ok_or_else(|| ApiError::MissingArgument("ids".into()))?;
        match FilterKind::parse(kind.trim()).ok_or_else(|| malformed("f"))? {
            FilterKind::Employee => {
                filter.employees = narrow(filter.employees, query_ids(ids, "ids")?)
            }
            FilterKind::Location => {
                let ids = query_ids(ids, "ids")?;
                filter.locations = Some(ids.clone());
                locations = Some(ids);
            }
            FilterKind::Department => {
                let mut all = Vec::new();
                for id in query_ids(ids, "ids")? {
                    all.extend(
                        departments::subtree_ids(
                            state.store.connection(),
                            caller.company_id,
                            DepartmentId(id),
                        )
                        .await?,
                    );
                }
                filter.departments = Some(all);
            }
            FilterKind::TabNumber => {
                filter.tab_numbers = Some(
                    ids.split(',')
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                        .collect(),
                )
            }
        }
    }
    if let Some(id) = sent_text(&sent.employee_id) {
        let id = id
            .trim()
            .parse::<i64>()
            .map_err(|_| malformed("employee_id"))?;
        filter.employees = narrow(filter.employees, vec![id]);
    }
    if let Some(tab) = sent_text(&sent.tab_number) {
        let tab = tab.trim().to_string();
        filter.tab_numbers = Some(match filter.tab_numbers {
            None => vec![tab],
            Some(tabs) => tabs.into_iter().filter(|t| *t == tab).collect(),
        });
    }
    Ok(ReportQuery {
        from,
        to,
        filter,
        locations,
        descending,
    })
}

/// Computes the employees of the query's filter over its range — one page of them,
/// or all (`page` None) — and answers them with their total.
async fn compute_roster(
    state: &AppState,
    caller: &Caller,
    query: &ReportQuery,
    page: Option<PageRequest>,
) -> ApiResult<(Computed, u64)> {
    let (roster, total) = attendance::roster(
        state.store.connection(),
        caller.company_id,
        &query.filter,
        query.to,
        page,
    )
    .await?;
    let computed = compute(
        &state.store,
        caller.company_id,
        &caller.zone(),
        roster,
        (query.from, query.to),
        state.clock.now(),
    )
    .await?;
    Ok((computed, total))
}

/// Computes every employee of the filter employed in the range.
async fn compute_all(
    state: &AppState,
    caller: &Caller,
    query: &mut ReportQuery,
) -> ApiResult<Computed> {
    query.filter.employed = Some((query.from, query.to));
    Ok(compute_roster(state, caller, query, None).await?.0)
}

/// Pages rows (already in date-then-name order) after ordering them by date, and
/// answers the page (or, for a file, all of them).
fn page_rows<T: Serialize>(
    answer: &Answer,
    mut rows: Vec<(NaiveDate, T)>,
    descending: bool,
) -> ApiResult<Response> {
    if descending {
        rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    } else {
        rows.sort_by_key(|row| row.0);
    }
    let total = rows.len() as u64;
    let page = answer.list.page;
    let items = rows
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .map(|(_, row)| row)
        .collect();
    answer.send(items, total)
}

/// The answers of a report that computes over at most 366 days.
const RANGE_ERRORS: &str = "start_date missing (4000); a date, f, ids or sort unreadable, or the range reversed or longer than 366 days (4001)";

/// A day-row report's computation: every employee of the filter over the range.
async fn day_sheets(
    state: &AppState,
    caller: &Caller,
    raw: Option<&str>,
) -> ApiResult<(Computed, ReportQuery)> {
    let mut query = read_query(state, caller, raw, RangeLimit::Computed).await?;
    let computed = compute_all(state, caller, &mut query).await?;
    Ok((computed, query))
}

/// The day rows that `keep` selects, shaped by `shape`, with their dates.
fn day_rows<'a, R>(
    computed: &'a Computed,
    keep: impl Fn(&DayRow) -> bool,
    shape: impl Fn(&'a RosterEmployee, &'a DayRow) -> R,
) -> Vec<(NaiveDate, R)> {
    computed
        .sheets
        .iter()
        .flat_map(|sheet| {
            sheet
                .timesheet
                .rows
                .iter()
                .filter(|row| keep(row))
                .map(|row| (naive(row.date), shape(&sheet.employee, row)))
        })
        .collect()
}

/// Days with attendance
///
/// One row per employee and date with at least one event: employee, scheduled
/// (TimesScheduled), actual (TimesActual), time-off sums and buckets, status (open at
/// now). Roles 1-4 in scope; by date then full name.
#[utoipa::path(get, path = "/v1/reports/at-work", tag = "Reports", params(Paging, ReportFilters, FileParams),
    responses(
        (status = 200, description = "One page of rows; with format, every row as a file", content(
            (Envelope<DayReportRow<'static>> = "application/json"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = RANGE_ERRORS, body = ErrorBody),
    ))]
async fn at_work(
    State(state): State<AppState>,
    caller: Caller,
    photos: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let answer = Answer::new(list, raw.as_deref(), "at-work", caller.lang)?;
    let (computed, query) = day_sheets(&state, &caller, raw.as_deref()).await?;
    let zone = caller.zone();
    let rows = day_rows(
        &computed,
        |row| row.events > 0,
        |e, row| rows::day_row(e, row, &zone, &photos),
    );
    page_rows(&answer, rows, query.descending)
}

/// Late arrivals
///
/// One row per employee and date whose late_in is above zero (after the schedule's
/// grace); the at-work row shape.
#[utoipa::path(get, path = "/v1/reports/late-in", tag = "Reports", params(Paging, ReportFilters, FileParams),
    responses(
        (status = 200, description = "One page of rows; with format, every row as a file", content(
            (Envelope<DayReportRow<'static>> = "application/json"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = RANGE_ERRORS, body = ErrorBody),
    ))]
async fn late_in(
    State(state): State<AppState>,
    caller: Caller,
    photos: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let answer = Answer::new(list, raw.as_deref(), "late-in", caller.lang)?;
    let (computed, query) = day_sheets(&state, &caller, raw.as_deref()).await?;
    let zone = caller.zone();
    let rows = day_rows(
        &computed,
        |row| row.late_in.is_some_and(|late| late > 0),
        |e, row| rows::day_row(e, row, &zone, &photos),
    );
    page_rows(&answer, rows, query.descending)
}

/// Absences
///
/// One row per employee and work date with no event and no time-off covering the
/// planned shift (SEMANTICS.md §5): employee and scheduled.
#[utoipa::path(get, path = "/v1/reports/absence", tag = "Reports", params(Paging, ReportFilters, FileParams),
    responses(
        (status = 200, description = "One page of rows; with format, every row as a file", content(
            (Envelope<AbsenceRow<'static>> = "application/json"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = RANGE_ERRORS, body = ErrorBody),
    ))]
async fn absence(
    State(state): State<AppState>,
    caller: Caller,
    photos: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let answer = Answer::new(list, raw.as_deref(), "absence", caller.lang)?;
    let (computed, query) = day_sheets(&state, &caller, raw.as_deref()).await?;
    let zone = caller.zone();
    let rows = day_rows(
        &computed,
        |row| row.absent,
        |e, row| rows::absence_row(e, row, &zone, &photos),
    );
    page_rows(&answer, rows, query.descending)
}

/// Dismissed employees' days
///
/// Employees dismissed in the range; a flattened day row for each date from the later
/// of start_date and their start date to the dismissal date.
#[utoipa::path(get, path = "/v1/reports/dismissed", tag = "Reports", params(Paging, ReportFilters, FileParams),
    responses(
        (status = 200, description = "One page of rows; with format, every row as a file", content(
            (Envelope<DismissedRow<'static>> = "application/json"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = RANGE_ERRORS, body = ErrorBody),
    ))]
async fn dismissed(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let answer = Answer::new(list, raw.as_deref(), "dismissed", caller.lang)?;
    let mut query = read_query(&state, &caller, raw.as_deref(), RangeLimit::Computed).await?;
    query.filter.dismissed = Some((query.from, query.to));
    let (computed, _) = compute_roster(&state, &caller, &query, None).await?;
    let zone = caller.zone();
    let mut rows: Vec<(NaiveDate, NaiveDate, DismissedRow)> = Vec::new();
    for sheet in &computed.sheets {
        let dismissal = sheet.employee.dismissal_date.unwrap_or(query.to);
        for row in &sheet.timesheet.rows {
            let cause = row
                .timeoff_id
                .and_then(|id| computed.causes.get(&id))
                .zip(row.timeoff_type_id)
                .map(|(c, id)| (id, c));
            rows.push((
                dismissal,
                naive(row.date),
                rows::dismissed_row(&sheet.employee, row, cause, &zone),
            ));
        }
    }
    // By dismissal date, then date (reversed by sort=-date).
    rows.sort_by_key(|row| (row.0, row.1));
    if query.descending {
        rows.reverse();
    }
    let total = rows.len() as u64;
    let items = rows
        .into_iter()
        .skip(answer.list.page.offset() as usize)
        .take(answer.list.page.per_page as usize)
        .map(|(_, _, row)| row)
        .collect();
    answer.send(items, total)
}

fn cause_of(computed: &Computed, row: &DayRow) -> Option<Cause> {
    row.timeoff_id
        .and_then(|id| computed.causes.get(&id))
        .cloned()
}

/// Clock events
///
/// One row per stored event (manual and device) whose local date is in the range, in
/// time order; f=location filters by the event's location.
#[utoipa::path(get, path = "/v1/reports/inouts", tag = "Reports", params(Paging, ReportFilters, FileParams),
    responses(
        (status = 200, description = "One page of rows; with format, every row as a file", content(
            (Envelope<InOutRow<'static>> = "application/json"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "start_date missing (4000); a date, f, ids or sort unreadable, or the range reversed (4001)", body = ErrorBody),
    ))]
async fn inouts(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let answer = Answer::new(list, raw.as_deref(), "inouts", caller.lang)?;
    let query = read_query(&state, &caller, raw.as_deref(), RangeLimit::Any).await?;
    let zone = caller.zone();
    let narrowed = query.filter.employees.is_some()
        || query.filter.departments.is_some()
        || query.filter.tab_numbers.is_some();
    let employees = if narrowed {
        let mut filter = query.filter.clone();
        filter.locations = None;
        let (roster, _) = attendance::roster(
            state.store.connection(),
            caller.company_id,
            &filter,
            query.to,
            None,
        )
        .await?;
        Some(roster.iter().map(|e| e.id.0).collect())
    } else {
        None
    };
    let filter = InOutFilter {
        visibility: query.filter.visibility.clone(),
        employees,
        locations: query.locations.clone(),
        from: zone.day_start(civil(query.from)),
        to: query
            .to
            .succ_opt()
            .map_or(i64::MAX, |next| zone.day_start(civil(next))),
        descending: query.descending,
    };
    let (events, total) = clock_events::inouts(
        state.store.connection(),
        caller.company_id,
        &filter,
        answer.list.page,
    )
    .await?;
    let items = events
        .iter()
        .map(|event| rows::inout_row(event, &zone))
        .collect();
    answer.send(items, total)
}

/// T-12 timesheet
///
/// One row per employee employed on a date of the range, by full name: the sums of
/// SEMANTICS.md §9 and a day for every date of the range. Pages employees in SQL and
/// reads only the page's events.
#[utoipa::path(get, path = "/v1/reports/t12", tag = "Reports", params(Paging, ReportFilters, FileParams),
    responses(
        (status = 200, description = "One page of rows; with format, every row as a file", content(
            (Envelope<T12Row<'static>> = "application/json"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = RANGE_ERRORS, body = ErrorBody),
    ))]
async fn t12(
    State(state): State<AppState>,
    caller: Caller,
    photos: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let answer = Answer::new(list, raw.as_deref(), "t12", caller.lang)?;
    let mut query = read_query(&state, &caller, raw.as_deref(), RangeLimit::Computed).await?;
    query.filter.employed = Some((query.from, query.to));
    let (computed, total) = compute_roster(&state, &caller, &query, Some(answer.list.page)).await?;
    let items = computed
        .sheets
        .iter()
        .map(|sheet| {
            let sums = engine::t12(&sheet.timesheet.rows);
            rows::t12_row(
                &sheet.employee,
                &sheet.timesheet.rows,
                &sums,
                (query.from, query.to),
                &|row| cause_of(&computed, row),
                &photos,
            )
        })
        .collect();
    answer.send(items, total)
}

/// The night reports list the employees with at least one interval attributed to a
/// date of the range (SEMANTICS.md §13): those with an event within two days of it are
/// computed, those without an interval dropped, and the rest paged.
async fn night_page(
    state: &AppState,
    caller: &Caller,
    raw: Option<&str>,
    list: &ListRequest,
) -> ApiResult<(Vec<Sheet>, u64)> {
    let mut query = read_query(state, caller, raw, RangeLimit::Computed).await?;
    let zone = caller.zone();
    let around = |date: NaiveDate, days: u64| {
        date.checked_add_days(chrono::Days::new(days))
            .map_or(i64::MAX, |d| zone.day_start(civil(d)))
    };
    let from = query
        .from
        .checked_sub_days(chrono::Days::new(2))
        .map_or(i64::MIN, |d| zone.day_start(civil(d)));
    query.filter.with_events = Some((from, around(query.to, 3)));
    let computed = compute_all(state, caller, &mut query).await?;
    let sheets: Vec<Sheet> = computed
        .sheets
        .into_iter()
        .filter(|sheet| !sheet.timesheet.segments.is_empty())
        .collect();
    let total = sheets.len() as u64;
    let page = sheets
        .into_iter()
        .skip(list.page.offset() as usize)
        .take(list.page.per_page as usize)
        .collect();
    Ok((page, total))
}

/// Day and night work
///
/// One row per employee with an interval attributed to a date of the range:
/// day/night/overtime/production sums and the segments by date (22:00-06:00 local is
/// night).
#[utoipa::path(get, path = "/v1/reports/night", tag = "Reports", params(Paging, ReportFilters, FileParams),
    responses(
        (status = 200, description = "One page of rows; with format, every row as a file", content(
            (Envelope<NightRow<'static>> = "application/json"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = RANGE_ERRORS, body = ErrorBody),
    ))]
async fn night(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let answer = Answer::new(list, raw.as_deref(), "night", caller.lang)?;
    let (sheets, total) = night_page(&state, &caller, raw.as_deref(), &answer.list).await?;
    let zone = caller.zone();
    let items = sheets
        .iter()
        .map(|sheet| {
            let summary = engine::night(&sheet.timesheet);
            rows::night_row(&sheet.employee, &summary, &sheet.timesheet.segments, &zone)
        })
        .collect();
    answer.send(items, total)
}

/// Day and night work by location
///
/// As night, grouped by the location of each in.
#[utoipa::path(get, path = "/v1/reports/night-by-location", tag = "Reports", params(Paging, ReportFilters, FileParams),
    responses(
        (status = 200, description = "One page of rows; with format, every row as a file", content(
            (Envelope<NightByLocationRow<'static>> = "application/json"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = RANGE_ERRORS, body = ErrorBody),
    ))]
async fn night_by_location(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let answer = Answer::new(list, raw.as_deref(), "night-by-location", caller.lang)?;
    let (sheets, total) = night_page(&state, &caller, raw.as_deref(), &answer.list).await?;
    let titles: HashMap<i64, String> = davomat_store::titles::of(
        state.store.connection(),
        caller.company_id,
        davomat_store::titles::Titled::Locations,
    )
    .await?
    .into_iter()
    .collect();
    let title = |id: Option<i64>| id.and_then(|id| titles.get(&id).cloned());
    let zone = caller.zone();
    let items = sheets
        .iter()
        .map(|sheet| {
            let summary = engine::night(&sheet.timesheet);
            rows::night_by_location_row(
                &sheet.employee,
                &summary,
                &sheet.timesheet.segments,
                &title,
                &zone,
            )
        })
        .collect();
    answer.send(items, total)
}
