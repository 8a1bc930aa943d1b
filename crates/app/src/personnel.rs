//! Reading the company's personnel as a person browses it (the console): the employee
//! list with its search and filters, the choices a filter or a form offers (the
//! department tree, positions, locations, schedules), and one employee's file — the
//! card, department and position history, the last 31 days as the engine's day marks,
//! and the activity about them.
//!
//! Scope as everywhere (CONTRACT.md §4): admins read the company; heads, managers and
//! observers their departments and below; employees themself. A file outside the scope
//! is refused ([`AppError::Forbidden`]); one not in the company is not found.

use chrono::{Days, NaiveDate};
use davomat_core::dates::naive;
use davomat_core::engine::DayRow;
use davomat_core::page::PageRequest;
use davomat_core::{DepartmentId, EmployeeId, Role};
use davomat_store::Store;
use davomat_store::activity::ActivityRow;
use davomat_store::attendance::{self, RosterFilter};
use davomat_store::employees::history::{self, Kind, Period};
use davomat_store::employees::{self, EmployeeCard, EmployeeFilter, StatusFilter};
use davomat_store::titles::{self, Titled};

use crate::attendance::compute;
use crate::caller::Caller;
use crate::employee_edit;
use crate::employee_lifecycle::Step;
use crate::error::{AppError, AppResult};
use crate::scope::Scope;
use crate::user_activities::{self, LogFilter};

/// Rows on one page of the employee list.
pub const PAGE_SIZE: u64 = 50;
/// Days the file's calendar shows, today included.
pub const FILE_DAYS: u64 = 31;
/// Activity rows the file shows, newest first.
pub const FILE_ACTIVITY: u64 = 20;

/// What the list is asked for; `None` is "any".
#[derive(Clone, Debug)]
pub struct EmployeeQuery {
    /// A part of the name, or a whole tab number or PIN.
    pub search: Option<String>,
    /// A department, its sub-departments included.
    pub department: Option<i64>,
    /// Holding this position today.
    pub position: Option<i64>,
    /// Linked to this location.
    pub location: Option<i64>,
    pub status: StatusFilter,
}

impl Default for EmployeeQuery {
    fn default() -> EmployeeQuery {
        EmployeeQuery {
            search: None,
            department: None,
            position: None,
            location: None,
            status: StatusFilter::Active,
        }
    }
}

/// One page (1-based) of the employees the caller sees that match, by name, with how
/// many match in all.
pub async fn page(
    store: &Store,
    caller: &Caller,
    query: &EmployeeQuery,
    page: u64,
    now: i64,
) -> AppResult<(Vec<EmployeeCard>, u64)> {
    let today = caller.today(now);
    let mut filter =
        EmployeeFilter::new(Scope::of(store, caller).await?.visibility(), query.status);
    filter.search = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if let Some(department) = query.department {
        filter.departments = Some(
            davomat_store::departments::subtree_ids(
                store.connection(),
                caller.company_id,
                davomat_core::DepartmentId(department),
            )
            .await?,
        );
    }
    filter.position_on = query.position.map(|id| (id, today));
    filter.location = query.location;
    let request = PageRequest {
        page: page.max(1),
        per_page: PAGE_SIZE,
    };
    Ok(employees::list_cached(store, caller.company_id, &filter, request, today).await?)
}

/// The active employees of a department and below, as the caller sees them: (id, full
/// name), by name. 404 for a department that is not the company's.
pub async fn active_in_department(
    store: &Store,
    caller: &Caller,
    department: DepartmentId,
    now: i64,
) -> AppResult<Vec<(i64, String)>> {
    let conn = store.connection();
    davomat_store::departments::find(conn, caller.company_id, department)
        .await?
        .ok_or(crate::AppError::NotFound)?;
    let mut filter =
        davomat_store::attendance::RosterFilter::all(Scope::of(store, caller).await?.visibility());
    filter.departments =
        Some(davomat_store::departments::subtree_ids(conn, caller.company_id, department).await?);
    filter.active_only = true;
    let today = caller.today(now);
    let (roster, _) =
        davomat_store::attendance::roster(conn, caller.company_id, &filter, today, None).await?;
    Ok(roster.into_iter().map(|e| (e.id.0, e.full_name)).collect())
}

/// A department as a choice: its id, title and depth in the tree (0 at the top).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentChoice {
    pub id: DepartmentId,
    pub title: String,
    pub depth: usize,
}

/// What a filter or an employee form offers to choose from.
#[derive(Clone, Debug, Default)]
pub struct Choices {
    /// The departments in the caller's scope, the tree walked depth first, by title.
    pub departments: Vec<DepartmentChoice>,
    pub positions: Vec<(i64, String)>,
    pub locations: Vec<(i64, String)>,
    pub schedules: Vec<(i64, String)>,
}

/// The company's choices as the caller may use them.
pub async fn choices(store: &Store, caller: &Caller) -> AppResult<Choices> {
    let conn = store.connection();
    let company = caller.company_id;
    let scope = Scope::of(store, caller).await?;
    let rows = davomat_store::departments::all(conn, company).await?;
    let nodes: Vec<DepartmentNode> = rows.into_iter().map(|d| (d.id, d.pid, d.title)).collect();
    let departments = tree_order(&nodes)
        .into_iter()
        .filter(|d| scope.covers_department(d.id))
        .collect();
    Ok(Choices {
        departments,
        positions: titles::of(conn, company, Titled::Positions).await?,
        locations: titles::of(conn, company, Titled::Locations).await?,
        schedules: titles::of(conn, company, Titled::Schedules).await?,
    })
}

/// A department as the tree is walked: its id, its parent's and its title.
pub type DepartmentNode = (DepartmentId, Option<DepartmentId>, String);

/// The departments `(id, parent, title)` in tree order: each followed by its children,
/// siblings by title. A department whose parent is not among them counts as a root.
pub fn tree_order(nodes: &[DepartmentNode]) -> Vec<DepartmentChoice> {
    let known = |id: DepartmentId| nodes.iter().any(|n| n.0 == id);
    let children = |parent: Option<DepartmentId>| {
        let mut found: Vec<&DepartmentNode> = nodes
            .iter()
            .filter(|n| match parent {
                Some(p) => n.1 == Some(p),
                None => n.1.is_none_or(|p| !known(p)),
            })
            .collect();
        found.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(&b.0)));
        found
    };
    let mut ordered = Vec::with_capacity(nodes.len());
    let mut stack: Vec<(&DepartmentNode, usize)> =
        children(None).into_iter().rev().map(|n| (n, 0)).collect();
    while let Some((node, depth)) = stack.pop() {
        ordered.push(DepartmentChoice {
            id: node.0,
            title: node.2.clone(),
            depth,
        });
        if ordered.len() > nodes.len() {
            break; // a cycle: never in a stored tree, never a loop here
        }
        stack.extend(
            children(Some(node.0))
                .into_iter()
                .rev()
                .map(|n| (n, depth + 1)),
        );
    }
    ordered
}

/// How a day of the file's calendar went, from the engine's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayMark {
    /// Came in on time (or the schedule has no start).
    Present,
    /// Came in after the start and its grace.
    Late,
    /// A work day without coming in or a time-off.
    Absent,
    /// On an accepted time-off.
    TimeOff,
    /// A day off, not come in.
    DayOff,
    /// A holiday, not come in.
    Holiday,
    /// Not employed on that day.
    NotEmployed,
}

impl DayMark {
    /// The mark of a computed day.
    pub fn of(row: &DayRow) -> DayMark {
        if row.first_in.is_some() {
            if row.late_in.is_some_and(|l| l > 0) {
                DayMark::Late
            } else {
                DayMark::Present
            }
        } else if row.timeoff_id.is_some() {
            DayMark::TimeOff
        } else if row.is_holiday {
            DayMark::Holiday
        } else if !row.is_work_day {
            DayMark::DayOff
        } else {
            DayMark::Absent
        }
    }

    /// A stable key (`present`, `late`…) for styles and words.
    pub fn key(self) -> &'static str {
        match self {
            DayMark::Present => "present",
            DayMark::Late => "late",
            DayMark::Absent => "absent",
            DayMark::TimeOff => "time-off",
            DayMark::DayOff => "day-off",
            DayMark::Holiday => "holiday",
            DayMark::NotEmployed => "not-employed",
        }
    }
}

/// One employee's file.
#[derive(Clone, Debug)]
pub struct EmployeeFile {
    pub card: EmployeeCard,
    /// Department periods, oldest first.
    pub departments: Vec<Period>,
    /// Position periods, oldest first.
    pub positions: Vec<Period>,
    /// The last [`FILE_DAYS`] days, oldest first.
    pub days: Vec<(NaiveDate, DayMark)>,
    /// The newest activity rows about them (none for an employee reading their own).
    pub activity: Vec<ActivityRow>,
    /// How many activity rows there are about them.
    pub activity_total: u64,
    /// The last day employed, when a dismissal is set (pending or done).
    pub dismissal_date: Option<NaiveDate>,
    /// The first day of a pending re-hire.
    pub recovery_date: Option<NaiveDate>,
    /// The caller may edit them (admins; heads in their scope).
    pub may_change: bool,
    /// The steps of employment the caller may take on them now.
    pub steps: Vec<Step>,
}

/// The file of an employee in the caller's scope.
pub async fn file(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    now: i64,
) -> AppResult<EmployeeFile> {
    let conn = store.connection();
    let company = caller.company_id;
    let today = caller.today(now);
    let card = employees::card(conn, company, employee, today)
        .await
        .map_err(|err| match err {
            davomat_store::StoreError::NotFound => AppError::NotFound,
            other => other.into(),
        })?;
    let scope = Scope::of(store, caller).await?;
    if !scope.covers_employee(card.id, card.department_id) {
        return Err(AppError::Forbidden);
    }
    let everything = PageRequest {
        page: 1,
        per_page: 500,
    };
    let (departments, _) =
        history::list(conn, Kind::Department, company, employee, everything).await?;
    let (positions, _) = history::list(conn, Kind::Position, company, employee, everything).await?;
    let days = last_days(store, caller, employee, today, now).await?;
    let lifecycle = davomat_store::employees::lifecycle::get(conn, company, employee)
        .await?
        .ok_or(AppError::NotFound)?;
    let (activity, activity_total) = if caller.role == Role::Employee {
        (Vec::new(), 0)
    } else {
        let filter = LogFilter {
            person: Some(employee.0),
            ..LogFilter::default()
        };
        let page = PageRequest {
            page: 1,
            per_page: FILE_ACTIVITY,
        };
        user_activities::list(store, caller, filter, page).await?
    };
    Ok(EmployeeFile {
        card,
        departments,
        positions,
        days,
        activity,
        activity_total,
        dismissal_date: lifecycle.dismissal_date,
        recovery_date: lifecycle.recovery_date,
        may_change: employee_edit::authorize(caller).is_ok(),
        steps: Step::available(caller, &lifecycle),
    })
}

/// The marks of the employee's last [`FILE_DAYS`] days (today included).
async fn last_days(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    today: NaiveDate,
    now: i64,
) -> AppResult<Vec<(NaiveDate, DayMark)>> {
    let first = today
        .checked_sub_days(Days::new(FILE_DAYS - 1))
        .unwrap_or(today);
    let mut filter = RosterFilter::all(davomat_store::employees::Visibility::Company);
    filter.employees = Some(vec![employee.0]);
    let (roster, _) =
        attendance::roster(store.connection(), caller.company_id, &filter, today, None).await?;
    let computed = compute(
        store,
        caller.company_id,
        &caller.zone(),
        roster,
        (first, today),
        now,
    )
    .await?;
    let rows: Vec<DayRow> = computed
        .sheets
        .into_iter()
        .flat_map(|s| s.timesheet.rows)
        .collect();
    Ok(first
        .iter_days()
        .take_while(|day| *day <= today)
        .map(|day| {
            let mark = rows
                .iter()
                .find(|r| naive(r.date) == day)
                .map_or(DayMark::NotEmployed, DayMark::of);
            (day, mark)
        })
        .collect())
}

/// The company's employee whose PIN is `text`, else whose id it is (the console's
/// "PIN or ID" fields); none when neither.
pub async fn by_id_or_pin(
    store: &Store,
    caller: &Caller,
    text: &str,
) -> AppResult<Option<davomat_core::EmployeeId>> {
    use davomat_store::employees::lookups;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let conn = store.connection();
    let company = caller.company_id;
    let by_pin = lookups::by_ids_or_pins(conn, company, &[], &[text.to_string()]).await?;
    if let Some(found) = by_pin.first() {
        return Ok(Some(davomat_core::EmployeeId(found.id)));
    }
    let Ok(id) = text.parse::<i64>() else {
        return Ok(None);
    };
    let by_id = lookups::by_ids_or_pins(conn, company, &[id], &[]).await?;
    Ok(by_id
        .first()
        .map(|found| davomat_core::EmployeeId(found.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_lists_each_department_before_its_children_siblings_by_title() {
        let node = |id: i64, pid: Option<i64>, title: &str| {
            (DepartmentId(id), pid.map(DepartmentId), title.to_string())
        };
        let nodes = vec![
            node(1, None, "Head office"),
            node(2, Some(1), "Sales"),
            node(3, Some(1), "Accounting"),
            node(4, Some(2), "Retail"),
            node(5, Some(99), "Orphan"),
        ];
        let order: Vec<(i64, usize)> = tree_order(&nodes)
            .into_iter()
            .map(|d| (d.id.0, d.depth))
            .collect();
        assert_eq!(order, vec![(1, 0), (3, 1), (2, 1), (4, 2), (5, 0)]);
    }
}
