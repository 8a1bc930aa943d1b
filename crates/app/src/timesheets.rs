//! The monthly timesheet (T-13 layout): the employees of the caller's scope — all, of a
//! department and below, or of a location — one page of them, each with a mark per
//! day of the month and totals for each half of the month and the whole of it. The
//! marks are the engine's day rows coded as `engine::t13` says; a time-off day takes
//! its type's code. The API's `GET /v1/timesheets/t13` and the console's timesheet page
//! read it from here, and the console's day detail ([`day`]) the same engine row.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use davomat_core::dates::{civil, naive};
use davomat_core::engine::t13::{DayCode, DayMark, LeaveCode, MarkTotals, day_mark, mark_totals};
use davomat_core::engine::{DayRow, TimeOffStatus};
use davomat_core::page::PageRequest;
use davomat_core::{DepartmentId, EmployeeId, LocationId, Role};
use davomat_store::attendance::{self, RosterEmployee, RosterFilter};
use davomat_store::clock_events::{self, DayEvent};
use davomat_store::employees::{self, EmployeeCard, Visibility};
use davomat_store::time_offs::{self, TimeOff, TimeOffFilter};
use davomat_store::{Store, StoreError, departments, time_off_types};

use crate::attendance::{Sheet, compute, compute_in_chunks};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::scope::Scope;

/// Who reads timesheets: roles 1–4, each over their scope.
pub const READERS: [Role; 4] = [
    Role::Admin,
    Role::DepartmentHead,
    Role::DepartmentManager,
    Role::Observer,
];

/// The first day of the month a `YYYY-MM` names.
pub fn parse_month(text: &str) -> Option<NaiveDate> {
    let (year, month) = text.trim().split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

/// The month a page asks for (`YYYY-MM`), or the caller's current month when it asks
/// for none or one that does not read.
pub fn month_or_current(text: &str, caller: &Caller, now: i64) -> NaiveDate {
    parse_month(text).unwrap_or_else(|| {
        let today = caller.today(now);
        today.with_day(1).unwrap_or(today)
    })
}

/// The first and last day of the month that starts on `first`.
pub fn month_days(first: NaiveDate) -> (NaiveDate, NaiveDate) {
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    (first, next.pred_opt().unwrap_or(first))
}

/// Which month and which employees.
#[derive(Clone, Debug)]
pub struct MonthQuery {
    /// The month's first day.
    pub month: NaiveDate,
    /// A department and its sub-departments.
    pub department: Option<DepartmentId>,
    /// Employees linked to a location.
    pub location: Option<LocationId>,
    /// One page of employees; `None` for all of them (the exports).
    pub page: Option<PageRequest>,
}

/// One employee's month.
#[derive(Clone, Debug)]
pub struct EmployeeMonth {
    pub employee: RosterEmployee,
    /// One entry per day of the month; `None` on days outside the employment.
    pub days: Vec<Option<DayMark>>,
    /// Totals of days 1–15 and of the days from the 16th.
    pub halves: [MarkTotals; 2],
    pub totals: MarkTotals,
}

/// A page of the monthly timesheet.
#[derive(Clone, Debug)]
pub struct MonthSheet {
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The department the sheet was asked for, with its title.
    pub department: Option<(DepartmentId, String)>,
    pub employees: Vec<EmployeeMonth>,
    /// Employees of the filter in all pages.
    pub total: u64,
}

impl MonthSheet {
    /// The dates of the month in order.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.first.iter_days().take_while(|d| *d <= self.last)
    }
}

/// The month's timesheet of the query's employees, as the caller may see them.
pub async fn month(
    store: &Store,
    caller: &Caller,
    query: &MonthQuery,
    now: i64,
) -> AppResult<MonthSheet> {
    let plan = MonthPlan::of(store, caller, query).await?;
    let mut sheet = plan.heading();
    let employees = &mut sheet.employees;
    let keep = |chunk: Vec<EmployeeMonth>| {
        employees.extend(chunk);
        std::future::ready(Ok(()))
    };
    plan.compute(store, caller, now, keep).await?;
    Ok(sheet)
}

/// Whose month is computed: the query's checks passed (role, scope, department), its
/// roster (the page asked for, or everyone) and the type codes read.
pub struct MonthPlan {
    first: NaiveDate,
    last: NaiveDate,
    department: Option<(DepartmentId, String)>,
    roster: Vec<RosterEmployee>,
    total: u64,
    codes: HashMap<i64, LeaveCode>,
}

impl MonthPlan {
    /// Checks the query against the caller (403 outside the scope, 404 for a department
    /// not the company's) and reads its roster.
    pub async fn of(store: &Store, caller: &Caller, query: &MonthQuery) -> AppResult<MonthPlan> {
        caller.require(&READERS)?;
        let (first, last) = month_days(query.month);
        let scope = Scope::of(store, caller).await?;
        let mut filter = RosterFilter::all(scope.clone().visibility());
        filter.employed = Some((first, last));
        let mut department = None;
        if let Some(id) = query.department {
            let row = departments::find(store.connection(), caller.company_id, id)
                .await?
                .ok_or(AppError::NotFound)?;
            if !scope.covers_department(id) {
                return Err(AppError::Forbidden);
            }
            filter.departments =
                Some(departments::subtree_ids(store.connection(), caller.company_id, id).await?);
            department = Some((id, row.title));
        }
        if let Some(location) = query.location {
            filter.locations = Some(vec![location.0]);
        }
        let (roster, total) = attendance::roster(
            store.connection(),
            caller.company_id,
            &filter,
            last,
            query.page,
        )
        .await?;
        Ok(MonthPlan {
            first,
            last,
            department,
            roster,
            total,
            codes: type_codes(store, caller).await?,
        })
    }

    /// The sheet's month, department and total, without employees.
    pub fn heading(&self) -> MonthSheet {
        MonthSheet {
            first: self.first,
            last: self.last,
            department: self.department.clone(),
            employees: Vec::new(),
            total: self.total,
        }
    }

    /// Employees in the plan (a page's, or everyone's).
    pub fn len(&self) -> usize {
        self.roster.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roster.is_empty()
    }

    /// Computes the plan's employees and hands them to `sink` a chunk at a time, in
    /// order (`attendance::compute_in_chunks`).
    pub async fn compute<S, Fut>(
        self,
        store: &Store,
        caller: &Caller,
        now: i64,
        sink: S,
    ) -> AppResult<()>
    where
        S: FnMut(Vec<EmployeeMonth>) -> Fut,
        Fut: Future<Output = AppResult<()>>,
    {
        let (first, codes) = (self.first, self.codes);
        let length = (self.last - first).num_days() as usize + 1;
        compute_in_chunks(
            store,
            caller.company_id,
            &caller.zone(),
            self.roster,
            (first, self.last),
            now,
            move |sheet| employee_month(sheet, first, length, &codes),
            sink,
        )
        .await
    }
}

/// One employee's sheet as the month's marks and totals.
fn employee_month(
    sheet: Sheet,
    first: NaiveDate,
    length: usize,
    codes: &HashMap<i64, LeaveCode>,
) -> EmployeeMonth {
    let mut days = vec![None; length];
    for row in &sheet.timesheet.rows {
        let code = row.timeoff_type_id.and_then(|t| codes.get(&t).copied());
        let index = (naive(row.date) - first).num_days() as usize;
        if let Some(slot) = days.get_mut(index) {
            *slot = Some(day_mark(row, code));
        }
    }
    let marks = |range: std::ops::Range<usize>| {
        mark_totals(days.get(range).unwrap_or_default().iter().flatten())
    };
    let halves = [marks(0..15), marks(15..days.len())];
    EmployeeMonth {
        totals: mark_totals(days.iter().flatten()),
        halves,
        days,
        employee: sheet.employee,
    }
}

/// The company's time-off types that carry a timesheet code, by type id.
async fn type_codes(store: &Store, caller: &Caller) -> AppResult<HashMap<i64, LeaveCode>> {
    Ok(time_off_types::all(store.connection(), caller.company_id)
        .await?
        .into_iter()
        .filter_map(|t| {
            let code = LeaveCode::parse(t.timesheet_code.as_deref()?)?;
            Some((t.id.0, code))
        })
        .collect())
}

/// The day of the month a date is (1-based), for the cells' headers.
pub fn day_number(date: NaiveDate) -> u32 {
    date.day()
}

/// One day of one employee, explained: the plan, every clock event (voided ones too),
/// the engine's numbers and the time-offs that touch the date.
#[derive(Clone, Debug)]
pub struct DayDetail {
    pub card: EmployeeCard,
    pub date: NaiveDate,
    /// The engine's row; none on a date outside the employment.
    pub row: Option<DayRow>,
    pub mark: Option<DayMark>,
    pub events: Vec<DayEvent>,
    /// Time-offs overlapping the date, whatever their status (deleted ones aside).
    pub time_offs: Vec<TimeOff>,
    /// The caller may add and void events of this employee (corrections).
    pub may_correct: bool,
}

/// Roles that correct events: admins, and heads and managers in their departments.
const CORRECTING_ROLES: [Role; 3] = [Role::Admin, Role::DepartmentHead, Role::DepartmentManager];

/// The day's detail of an employee the caller may see (404 when not the company's, 403
/// outside the caller's scope).
pub async fn day(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    date: NaiveDate,
    now: i64,
) -> AppResult<DayDetail> {
    caller.require(&READERS)?;
    let conn = store.connection();
    let company = caller.company_id;
    let card = match employees::card(conn, company, employee, date).await {
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        other => other?,
    };
    if !Scope::of(store, caller)
        .await?
        .covers_employee(employee, card.department_id)
    {
        return Err(AppError::Forbidden);
    }
    let mut filter = RosterFilter::all(Visibility::Company);
    filter.employees = Some(vec![employee.0]);
    let (roster, _) = attendance::roster(conn, company, &filter, date, None).await?;
    let computed = compute(store, company, &caller.zone(), roster, (date, date), now).await?;
    let codes = type_codes(store, caller).await?;
    let (row, segments) = match computed.sheets.into_iter().next() {
        Some(sheet) => {
            let row = sheet.timesheet.rows.into_iter().next();
            let segments = match &row {
                Some(row) => sheet.timesheet.segments[row.segments.clone()].to_vec(),
                None => Vec::new(),
            };
            (row, segments)
        }
        None => (None, Vec::new()),
    };
    let zone = caller.zone();
    let day_start = zone.local_instant(civil(date), 0);
    let day_end = zone.local_instant(civil(date.succ_opt().unwrap_or(date)), 0);
    let from = segments
        .iter()
        .filter_map(|s| s.first_time)
        .fold(day_start, i64::min);
    let to = segments
        .iter()
        .filter_map(|s| s.last_time)
        .fold(day_end, |to, at| to.max(at + 1));
    let events = clock_events::of_employee_between(conn, company, employee, (from, to)).await?;
    let time_offs = time_offs::all(
        conn,
        company,
        &TimeOffFilter {
            visibility: Visibility::Company,
            status: None,
            from: Some(day_start),
            to: Some(day_end),
            employees: Some(vec![employee.0]),
        },
    )
    .await?
    .into_iter()
    .filter(|t| t.status != TimeOffStatus::Deleted as i64)
    .collect();
    let mark = row.as_ref().map(|row| {
        let code = row.timeoff_type_id.and_then(|t| codes.get(&t).copied());
        day_mark(row, code)
    });
    Ok(DayDetail {
        may_correct: caller.require(&CORRECTING_ROLES).is_ok(),
        card,
        date,
        row,
        mark,
        events,
        time_offs,
    })
}

/// How many employees of the scope were in each state on one date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub on_time: u32,
    pub late: u32,
    pub absent: u32,
    pub on_leave: u32,
}

/// The month at a glance, for the charts: each date's counts and the hours worked by
/// department (most first).
#[derive(Clone, Debug)]
pub struct MonthSummary {
    pub first: NaiveDate,
    pub days: Vec<DayCounts>,
    pub departments: Vec<(String, i64)>,
}

/// Sums the whole month of the query's employees (every page) into [`MonthSummary`].
pub async fn month_summary(
    store: &Store,
    caller: &Caller,
    query: &MonthQuery,
    now: i64,
) -> AppResult<MonthSummary> {
    let mut query = query.clone();
    query.page = None;
    let sheet = month(store, caller, &query, now).await?;
    let mut days = vec![DayCounts::default(); sheet.dates().count()];
    let mut hours: HashMap<String, i64> = HashMap::new();
    for employee in &sheet.employees {
        for (counts, mark) in days.iter_mut().zip(&employee.days) {
            let Some(mark) = mark else { continue };
            match mark.code {
                DayCode::Worked | DayCode::WorkedOnDayOff if mark.late.is_some() => {
                    counts.late += 1
                }
                DayCode::Worked | DayCode::WorkedOnDayOff => counts.on_time += 1,
                DayCode::Absent => counts.absent += 1,
                DayCode::Leave(_) => counts.on_leave += 1,
                DayCode::DayOff | DayCode::Blank => {}
            }
        }
        *hours
            .entry(employee.employee.department_title.clone())
            .or_default() += employee.totals.work;
    }
    let mut departments: Vec<(String, i64)> = hours.into_iter().collect();
    departments.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(MonthSummary {
        first: sheet.first,
        days,
        departments,
    })
}
