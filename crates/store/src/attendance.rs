//! What the attendance engine and the reports read: the roster (employees of a report,
//! filtered and paged in SQL, each with their schedule, department and position), and
//! for a set of employees their clock events and accepted time-offs of a window, and
//! the company's holidays. A report reads only the rows of the employees it shows.

use std::collections::HashMap;

use chrono::NaiveDate;
use davomat_core::page::PageRequest;
use davomat_core::{CompanyId, DepartmentId, EmployeeId, EmployeeStatus, PositionId, ScheduleId};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};

use crate::clock_events::{self, StoredEvent};
use crate::employees::{Visibility, id_list};
use crate::text::Text;
use crate::time_offs::{self, TimeOff, TimeOffFilter};
use crate::{StoreResult, sql};

/// An employee as the reports show and compute them.
#[derive(Clone, Debug, FromQueryResult)]
pub struct RosterEmployee {
    pub id: EmployeeId,
    pub first_name: String,
    pub last_name: String,
    pub patronymic: String,
    pub full_name: String,
    pub tab_number: String,
    pub pin_code: String,
    pub status: Text<EmployeeStatus>,
    pub start_date: NaiveDate,
    pub schedule_start_date: NaiveDate,
    pub dismissal_date: Option<NaiveDate>,
    pub department_id: DepartmentId,
    pub department_title: String,
    pub department_parent_title: Option<String>,
    pub position_id: Option<PositionId>,
    pub position_title: Option<String>,
    pub schedule_id: ScheduleId,
    /// The schedule's `type` (1–4).
    pub schedule_kind: i64,
    /// The schedule's definition as stored (JSON of SEMANTICS.md §12; `type` may be
    /// left to `schedule_kind`).
    pub schedule_definition: String,
    /// The `k` of the photo URLs; `None` without a face template.
    pub photo_key: Option<String>,
}

/// Which employees a report covers.
#[derive(Clone, Debug)]
pub struct RosterFilter {
    pub visibility: Visibility,
    pub employees: Option<Vec<i64>>,
    /// Departments, sub-departments already expanded.
    pub departments: Option<Vec<DepartmentId>>,
    /// Employees linked to any of these locations.
    pub locations: Option<Vec<i64>>,
    pub tab_numbers: Option<Vec<String>>,
    /// Employed on at least one date of the range (started by its end, not dismissed
    /// before its start).
    pub employed: Option<(NaiveDate, NaiveDate)>,
    /// Dismissed on a date of the range.
    pub dismissed: Option<(NaiveDate, NaiveDate)>,
    /// With at least one clock event in `[from, to)` (unix seconds).
    pub with_events: Option<(i64, i64)>,
    /// Only active employees.
    pub active_only: bool,
}

impl RosterFilter {
    /// Every employee the visibility allows.
    pub fn all(visibility: Visibility) -> RosterFilter {
        RosterFilter {
            visibility,
            employees: None,
            departments: None,
            locations: None,
            tab_numbers: None,
            employed: None,
            dismissed: None,
            with_events: None,
            active_only: false,
        }
    }
}

/// The WHERE clause; `$1` is the company and `$2` the date positions are read on.
fn conditions(
    backend: DbBackend,
    filter: &RosterFilter,
    mut values: Vec<Value>,
) -> (String, Vec<Value>) {
    let mut clauses = vec!["e.company_id = $1".to_string()];
    if let Some(clause) = filter.visibility.clause("e") {
        clauses.push(clause);
    }
    if let Some(ids) = &filter.employees {
        clauses.push(sql::id_in(backend, "e.id", ids, &mut values));
    }
    if let Some(ids) = &filter.departments {
        clauses.push(format!("e.department_id IN ({})", id_list(ids)));
    }
    if let Some(ids) = &filter.locations {
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM employee_locations el WHERE el.employee_id = e.id AND el.location_id IN ({}))",
            id_list(ids)
        ));
    }
    if let Some(tabs) = &filter.tab_numbers {
        let marks: Vec<String> = tabs
            .iter()
            .map(|tab| {
                values.push(tab.clone().into());
                format!("${}", values.len())
            })
            .collect();
        clauses.push(if marks.is_empty() {
            "1 = 0".to_string()
        } else {
            format!("e.tab_number IN ({})", marks.join(", "))
        });
    }
    if let Some((from, to)) = filter.employed {
        values.push(to.into());
        clauses.push(format!("e.start_date <= ${}", values.len()));
        values.push(from.into());
        clauses.push(format!(
            "(e.dismissal_date IS NULL OR e.dismissal_date >= ${})",
            values.len()
        ));
    }
    if let Some((from, to)) = filter.dismissed {
        values.push(from.into());
        clauses.push(format!("e.dismissal_date >= ${}", values.len()));
        values.push(to.into());
        clauses.push(format!("e.dismissal_date <= ${}", values.len()));
    }
    if let Some((from, to)) = filter.with_events {
        values.push(from.into());
        let first = values.len();
        values.push(to.into());
        // An `EXISTS` here made the bundled SQLite ignore the page's OFFSET; `IN` pages right.
        clauses.push(format!(
            "e.id IN (SELECT c.employee_id FROM clock_events c WHERE c.company_id = $1 \
             AND c.at >= ${first} AND c.at < ${} AND c.voided_at IS NULL)",
            values.len()
        ));
    }
    if filter.active_only {
        clauses.push("e.status = 'active'".to_string());
    }
    (clauses.join(" AND "), values)
}

const ROSTER: &str = "SELECT e.id, e.first_name, e.last_name, e.patronymic, e.full_name, e.tab_number, \
     e.pin_code, e.status, e.start_date, e.schedule_start_date, e.dismissal_date, e.department_id, \
     d.title AS department_title, pd.title AS department_parent_title, \
     p.id AS position_id, p.title AS position_title, e.schedule_id, s.kind AS schedule_kind, s.definition AS schedule_definition, \
     fc.photo_key \
     FROM employees e JOIN departments d ON d.id = e.department_id \
     LEFT JOIN departments pd ON pd.id = d.pid \
     LEFT JOIN faces fc ON fc.employee_id = e.id \
     JOIN schedules s ON s.id = e.schedule_id \
     LEFT JOIN positions p ON p.id = (SELECT min(ep.position_id) FROM employee_positions ep \
       WHERE ep.employee_id = e.id AND ep.start_date <= $2 AND (ep.end_date IS NULL OR ep.end_date >= $2))";

/// The employees of the filter by full name, with positions held on `on`: one page
/// and the total, or all of them (`page` None; the total is their number).
pub async fn roster(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    filter: &RosterFilter,
    on: NaiveDate,
    page: Option<PageRequest>,
) -> StoreResult<(Vec<RosterEmployee>, u64)> {
    let (clauses, values) = conditions(
        conn.get_database_backend(),
        filter,
        vec![company.0.into(), on.into()],
    );
    let order = "ORDER BY e.search_name, e.id";
    let Some(page) = page else {
        let rows: Vec<RosterEmployee> =
            sql::all(conn, &format!("{ROSTER} WHERE {clauses} {order}"), values).await?;
        let total = rows.len() as u64;
        return Ok((rows, total));
    };
    // The count does not read `$2`; keep the numbering by comparing it with itself.
    let total = sql::scalar(
        conn,
        &format!("SELECT count(*) FROM employees e WHERE {clauses} AND $2 = $2"),
        values.clone(),
    )
    .await?
    .unwrap_or(0) as u64;
    // The page's ids first (an index walk of the filter), then their rows.
    let rows = sql::all(
        conn,
        &format!(
            "{ROSTER} WHERE e.id IN (SELECT e.id FROM employees e WHERE {clauses} {order} LIMIT {} OFFSET {}) {order}",
            page.per_page,
            page.offset()
        ),
        values,
    )
    .await?;
    Ok((rows, total))
}

/// The ids of the filter's employees by full name, as [`roster`] orders them, without
/// their rows: one statement over the employees table alone.
pub async fn roster_ids(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    filter: &RosterFilter,
    on: NaiveDate,
) -> StoreResult<Vec<i64>> {
    let (clauses, values) = conditions(
        conn.get_database_backend(),
        filter,
        vec![company.0.into(), on.into()],
    );
    // `$2` is not read here; keep the numbering by comparing it with itself.
    sql::ids(
        conn,
        &format!(
            "SELECT e.id FROM employees e WHERE {clauses} AND $2 = $2 ORDER BY e.search_name, e.id"
        ),
        values,
    )
    .await
}

/// The engine's inputs for a set of employees over a window of instants.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub events: HashMap<EmployeeId, Vec<StoredEvent>>,
    /// Accepted time-offs only: the others have no effect (SEMANTICS.md §5).
    pub time_offs: HashMap<EmployeeId, Vec<TimeOff>>,
}

/// Reads the events and accepted time-offs of these employees within `[from, to]`
/// (unix seconds): two statements. (The company's holidays are read once per request
/// by the caller, not once per chunk of employees.)
pub async fn inputs(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employees: &[i64],
    (from, to): (i64, i64),
) -> StoreResult<Inputs> {
    let mut inputs = Inputs::default();
    if employees.is_empty() {
        return Ok(inputs);
    }
    for event in clock_events::of_employees(conn, company, employees, from, to + 1).await? {
        inputs
            .events
            .entry(event.employee_id)
            .or_default()
            .push(event);
    }
    let filter = TimeOffFilter {
        visibility: Visibility::Company,
        status: Some(1),
        from: Some(from),
        to: Some(to + 1),
        employees: Some(employees.to_vec()),
    };
    for time_off in time_offs::all(conn, company, &filter).await? {
        inputs
            .time_offs
            .entry(time_off.employee_id)
            .or_default()
            .push(time_off);
    }
    Ok(inputs)
}
