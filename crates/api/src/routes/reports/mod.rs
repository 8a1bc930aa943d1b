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
use axum::extract::{RawQuery, State};
use axum::http::Method;
use chrono::NaiveDate;
use davomat_core::engine::{self, DayRow};
use davomat_core::page::PageRequest;
use davomat_core::{DepartmentId, Role};
use davomat_store::attendance::{self, RosterEmployee, RosterFilter};
use davomat_store::clock_events::{self, InOutFilter};
use davomat_store::{departments, locations};
use serde_json::{Value, json};

use super::RouteTable;
use crate::AppState;
use crate::attendance::{Cause, Computed, Sheet, compute};
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult, Malformed};
use crate::guard::Access;
use crate::input::{Fields, query_date, query_ids};
use crate::objects::PhotoBase;
use crate::openapi::{Operation, paging, query, schema_ref, with_errors};
use crate::scope::Scope;

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
        .add(
            Method::GET,
            "/v1/reports/at-work",
            Access::Authenticated,
            at_work,
        )
        .add(
            Method::GET,
            "/v1/reports/late-in",
            Access::Authenticated,
            late_in,
        )
        .add(
            Method::GET,
            "/v1/reports/absence",
            Access::Authenticated,
            absence,
        )
        .add(
            Method::GET,
            "/v1/reports/inouts",
            Access::Authenticated,
            inouts,
        )
        .add(
            Method::GET,
            "/v1/reports/dismissed",
            Access::Authenticated,
            dismissed,
        )
        .add(
            Method::GET,
            "/v1/reports/night",
            Access::Authenticated,
            night,
        )
        .add(
            Method::GET,
            "/v1/reports/night-by-location",
            Access::Authenticated,
            night_by_location,
        )
        .add(Method::GET, "/v1/reports/t12", Access::Authenticated, t12)
        .add(
            Method::GET,
            "/v1/employees/attendance",
            Access::Authenticated,
            attendance_today,
        )
}

/// `GET /v1/employees/attendance`: today's counts over the caller's scope (roles 1–4):
/// active employees, those who arrived (an in attributed to today), arrived late,
/// on accepted time-off, and absent = employees − arrived − on time-off (not below 0).
async fn attendance_today(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    caller.require(&READERS)?;
    let now = state.clock.now();
    let today = caller.today(now);
    let mut filter = RosterFilter::all(Scope::of(&state.store, &caller).await?.visibility());
    filter.active_only = true;
    filter.employed = Some((today, today));
    let (roster, employees) = attendance::roster(
        state.store.connection(),
        caller.company_id,
        &filter,
        today,
        None,
    )
    .await?;
    let computed = compute(
        &state.store,
        caller.company_id,
        &caller.zone(),
        roster,
        (today, today),
        now,
    )
    .await?;
    let rows: Vec<&DayRow> = computed
        .sheets
        .iter()
        .filter_map(|s| s.timesheet.rows.first())
        .collect();
    let arrived = rows.iter().filter(|r| r.first_in.is_some()).count() as u64;
    let late = rows
        .iter()
        .filter(|r| r.late_in.is_some_and(|l| l > 0))
        .count() as u64;
    let on_time_off = rows
        .iter()
        .filter(|r| r.first_in.is_none() && r.timeoff_id.is_some())
        .count() as u64;
    Ok(Json(json!({
        "count_employees": employees,
        "count_absence": employees.saturating_sub(arrived + on_time_off),
        "count_inout": arrived,
        "count_late_in": late,
        "count_time_off": on_time_off,
    })))
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
    let fields = Fields::from_query(raw);
    let from = query_date(fields.query_text("start_date").as_deref(), "start_date")?
        .ok_or_else(|| ApiError::MissingArgument("start_date".into()))?;
    let to = query_date(fields.query_text("end_date").as_deref(), "end_date")?
        .unwrap_or_else(|| caller.today(state.clock.now()));
    let too_long = limit == RangeLimit::Computed && (to - from).num_days() > MAX_RANGE_DAYS;
    if to < from || too_long {
        return Err(ApiError::Malformed(Malformed::DateRange));
    }
    let descending = match fields.query_text("sort").as_deref().map(str::trim) {
        None | Some("") | Some("date") | Some("ASC") | Some("asc") => false,
        Some("-date") | Some("DESC") | Some("desc") => true,
        Some(_) => return Err(malformed("sort")),
    };
    let mut filter = RosterFilter::all(Scope::of(&state.store, caller).await?.visibility());
    let mut locations = None;
    let text = |name: &str| fields.query_text(name).filter(|v| !v.trim().is_empty());
    if let Some(kind) = text("f") {
        let ids = text("ids").ok_or_else(|| ApiError::MissingArgument("ids".into()))?;
        match kind.trim() {
            "employee" => filter.employees = narrow(filter.employees, query_ids(&ids, "ids")?),
            "location" => {
                let ids = query_ids(&ids, "ids")?;
                filter.locations = Some(ids.clone());
                locations = Some(ids);
            }
            "department" => {
                let mut all = Vec::new();
                for id in query_ids(&ids, "ids")? {
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
            "tab_number" => {
                filter.tab_numbers = Some(
                    ids.split(',')
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                        .collect(),
                )
            }
            _ => return Err(malformed("f")),
        }
    }
    if let Some(id) = text("employee_id") {
        let id = id
            .trim()
            .parse::<i64>()
            .map_err(|_| malformed("employee_id"))?;
        filter.employees = narrow(filter.employees, vec![id]);
    }
    if let Some(tab) = text("tab_number") {
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

/// Pages rows (already in date-then-name order) after ordering them by date.
fn page_rows(list: &ListRequest, mut rows: Vec<(NaiveDate, Value)>, descending: bool) -> Value {
    if descending {
        rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    } else {
        rows.sort_by_key(|row| row.0);
    }
    let total = rows.len() as u64;
    let items = rows
        .into_iter()
        .skip(list.page.offset() as usize)
        .take(list.page.per_page as usize)
        .map(|(_, row)| row)
        .collect();
    list.envelope(items, total)
}

/// A day-row report: the rows `keep` selects, shaped by `shape`.
async fn day_report(
    state: AppState,
    caller: Caller,
    list: ListRequest,
    raw: Option<String>,
    photos: PhotoBase,
    keep: fn(&DayRow) -> bool,
    shape: fn(&RosterEmployee, &DayRow, &davomat_core::zone::CompanyZone, &PhotoBase) -> Value,
) -> ApiResult<Json<Value>> {
    let mut query = read_query(&state, &caller, raw.as_deref(), RangeLimit::Computed).await?;
    let computed = compute_all(&state, &caller, &mut query).await?;
    let zone = caller.zone();
    let rows = computed
        .sheets
        .iter()
        .flat_map(|sheet| {
            sheet
                .timesheet
                .rows
                .iter()
                .filter(|row| keep(row))
                .map(|row| (row.date, shape(&sheet.employee, row, &zone, &photos)))
        })
        .collect();
    Ok(Json(page_rows(&list, rows, query.descending)))
}

async fn at_work(
    State(state): State<AppState>,
    caller: Caller,
    photos: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    day_report(
        state,
        caller,
        list,
        raw,
        photos,
        |row| row.events > 0,
        rows::day_row,
    )
    .await
}

async fn late_in(
    State(state): State<AppState>,
    caller: Caller,
    photos: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    day_report(
        state,
        caller,
        list,
        raw,
        photos,
        |row| row.late_in.is_some_and(|late| late > 0),
        rows::day_row,
    )
    .await
}

async fn absence(
    State(state): State<AppState>,
    caller: Caller,
    photos: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    day_report(
        state,
        caller,
        list,
        raw,
        photos,
        |row| row.absent,
        rows::absence_row,
    )
    .await
}

async fn dismissed(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let mut query = read_query(&state, &caller, raw.as_deref(), RangeLimit::Computed).await?;
    query.filter.dismissed = Some((query.from, query.to));
    let (computed, _) = compute_roster(&state, &caller, &query, None).await?;
    let zone = caller.zone();
    let mut rows: Vec<(NaiveDate, NaiveDate, Value)> = Vec::new();
    for sheet in &computed.sheets {
        let dismissal = sheet.employee.dismissal_date.unwrap_or(query.to);
        for row in &sheet.timesheet.rows {
            let cause = cause_of(&computed, row);
            let cause = cause
                .as_ref()
                .zip(row.timeoff_type_id)
                .map(|(c, id)| (id, c));
            rows.push((
                dismissal,
                row.date,
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
        .skip(list.page.offset() as usize)
        .take(list.page.per_page as usize)
        .map(|(_, _, row)| row)
        .collect();
    Ok(Json(list.envelope(items, total)))
}

fn cause_of(computed: &Computed, row: &DayRow) -> Option<Cause> {
    row.timeoff_id
        .and_then(|id| computed.causes.get(&id))
        .cloned()
}

async fn inouts(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
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
        Some(roster.iter().map(|e| e.id).collect())
    } else {
        None
    };
    let filter = InOutFilter {
        visibility: query.filter.visibility.clone(),
        employees,
        locations: query.locations.clone(),
        from: zone.day_start(query.from),
        to: query
            .to
            .succ_opt()
            .map_or(i64::MAX, |next| zone.day_start(next)),
        descending: query.descending,
    };
    let (events, total) = clock_events::inouts(
        state.store.connection(),
        caller.company_id,
        &filter,
        list.page,
    )
    .await?;
    let items = events
        .iter()
        .map(|event| {
            let full = zone.format(event.at);
            json!({
                "employee_id": event.employee_id,
                "pin_code": rows::pin_number(&event.pin_code),
                "last_name": event.last_name,
                "first_name": event.first_name,
                "patronymic": event.patronymic,
                "full_name": event.full_name,
                "tab_number": event.tab_number,
                "position_id": event.position_id,
                "department_id": event.department_id,
                "department_title": event.department_title,
                "position_title": event.position_title,
                "event_date": full.get(..10).unwrap_or_default(),
                "event_full_date": full,
                "event_time": full.get(11..).unwrap_or_default(),
                "event_code": if event.kind == "in" { 0 } else { 1 },
                "event_name": event.kind,
                "mode": event.mode,
                "location_title": event.location_title,
                "location_id": event.location_id,
                "serial_number": event.serial_number.clone().unwrap_or_default(),
            })
        })
        .collect();
    Ok(Json(list.envelope(items, total)))
}

async fn t12(
    State(state): State<AppState>,
    caller: Caller,
    photos: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let mut query = read_query(&state, &caller, raw.as_deref(), RangeLimit::Computed).await?;
    query.filter.employed = Some((query.from, query.to));
    let (computed, total) = compute_roster(&state, &caller, &query, Some(list.page)).await?;
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
    Ok(Json(list.envelope(items, total)))
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
            .map_or(i64::MAX, |d| zone.day_start(d))
    };
    let from = query
        .from
        .checked_sub_days(chrono::Days::new(2))
        .map_or(i64::MIN, |d| zone.day_start(d));
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

async fn night(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let (sheets, total) = night_page(&state, &caller, raw.as_deref(), &list).await?;
    let zone = caller.zone();
    let items = sheets
        .iter()
        .map(|sheet| {
            let summary = engine::night(&sheet.timesheet);
            rows::night_row(&sheet.employee, &summary, &sheet.timesheet.segments, &zone)
        })
        .collect();
    Ok(Json(list.envelope(items, total)))
}

async fn night_by_location(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let (sheets, total) = night_page(&state, &caller, raw.as_deref(), &list).await?;
    let titles: HashMap<i64, String> =
        locations::titles(state.store.connection(), caller.company_id)
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
    Ok(Json(list.envelope(items, total)))
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let parameters = |end_date: &'static str| {
        let mut list = paging();
        list.extend([
            query("start_date", "first local date (required)", json!({"type": "string", "format": "date"})),
            query("end_date", end_date, json!({"type": "string", "format": "date"})),
            query("f", "filter kind, with ids", json!({"type": "string", "enum": ["location", "employee", "department", "tab_number"]})),
            query("ids", "comma-separated ids (tab numbers for f=tab_number); departments include their sub-departments", json!({"type": "string"})),
            query("employee_id", "one employee", json!({"type": "integer"})),
            query("tab_number", "one tab number", json!({"type": "string"})),
            query("sort", "date order", json!({"type": "string", "enum": ["date", "-date", "ASC", "DESC"]})),
        ]);
        for p in list.iter_mut() {
            if p["name"] == "start_date" {
                p["required"] = json!(true);
            }
        }
        list
    };
    let ranged = |limit: RangeLimit,
                  path: &'static str,
                  summary: &'static str,
                  description: &'static str| Operation {
        method: "get",
        path,
        tag: "Reports",
        summary,
        description,
        secured: true,
        parameters: parameters(match limit {
            RangeLimit::Computed => {
                "last local date; default today; at most 366 days after start_date"
            }
            RangeLimit::Any => {
                "last local date; default today; any range (stored events are paged)"
            }
        }),
        request: None,
        responses: with_errors(
            true,
            vec![
                (
                    "200",
                    "One page of rows",
                    json!({"type": "object", "properties": {
                        "items": {"type": "array", "items": {"type": "object"}},
                        "_links": schema_ref("Links"),
                        "_meta": schema_ref("Meta")
                    }}),
                ),
                (
                    "400",
                    match limit {
                        RangeLimit::Computed => {
                            "start_date missing (4000); a date, f, ids or sort unreadable, or the range reversed or longer than 366 days (4001)"
                        }
                        RangeLimit::Any => {
                            "start_date missing (4000); a date, f, ids or sort unreadable, or the range reversed (4001)"
                        }
                    },
                    schema_ref("Error"),
                ),
            ],
        ),
    };
    let report =
        |path, summary, description| ranged(RangeLimit::Computed, path, summary, description);
    vec![
        Operation {
            method: "get",
            path: "/v1/employees/attendance",
            tag: "Reports",
            summary: "Today's attendance counts",
            description: "Roles 1-4, over their scope, today in the company's zone: active employees, arrived (an in attributed to today), arrived late, on accepted time-off (and not arrived), absent = employees - arrived - on time-off.",
            secured: true,
            parameters: vec![],
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "The counts",
                    json!({"type": "object", "required": ["count_employees", "count_absence", "count_inout", "count_late_in", "count_time_off"], "properties": {
                        "count_employees": {"type": "integer"},
                        "count_absence": {"type": "integer"},
                        "count_inout": {"type": "integer"},
                        "count_late_in": {"type": "integer"},
                        "count_time_off": {"type": "integer"}
                    }}),
                )],
            ),
        },
        report(
            "/v1/reports/at-work",
            "Days with attendance",
            "One row per employee and date with at least one event: employee, scheduled (TimesScheduled), actual (TimesActual), time-off sums and buckets, status (open at now). Roles 1-4 in scope; by date then full name.",
        ),
        report(
            "/v1/reports/late-in",
            "Late arrivals",
            "One row per employee and date whose late_in is above zero (after the schedule's grace); the at-work row shape.",
        ),
        report(
            "/v1/reports/absence",
            "Absences",
            "One row per employee and work date with no event and no time-off covering the planned shift (SEMANTICS.md §5): employee and scheduled.",
        ),
        ranged(
            RangeLimit::Any,
            "/v1/reports/inouts",
            "Clock events",
            "One row per stored event (manual and device) whose local date is in the range, in time order; f=location filters by the event's location.",
        ),
        report(
            "/v1/reports/dismissed",
            "Dismissed employees' days",
            "Employees dismissed in the range; a flattened day row for each date from the later of start_date and their start date to the dismissal date.",
        ),
        report(
            "/v1/reports/night",
            "Day and night work",
            "One row per employee with an interval attributed to a date of the range: day/night/overtime/production sums and the segments by date (22:00-06:00 local is night).",
        ),
        report(
            "/v1/reports/night-by-location",
            "Day and night work by location",
            "As night, grouped by the location of each in.",
        ),
        report(
            "/v1/reports/t12",
            "T-12 timesheet",
            "One row per employee employed on a date of the range, by full name: the sums of SEMANTICS.md §9 and a day for every date of the range. Pages employees in SQL and reads only the page's events.",
        ),
    ]
}
