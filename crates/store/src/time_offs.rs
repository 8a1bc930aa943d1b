//! Employees' time-offs (отгулы): a daily or hourly absence of one employee, of a
//! time-off type, paid or not, with a status — 0 pending, 1 accepted, 2 rejected,
//! 3 deleted. Only accepted ones count in the engine (SEMANTICS.md §5). Start and end
//! are unix seconds; a daily time-off runs from the start of its first local day to
//! the last second of its last (`23:59:59`, inclusive).

use davomat_core::page::PageRequest;
use davomat_core::{
    AbsenceType, CompanyId, DepartmentId, EmployeeId, TimeOffId, TimeOffTypeId, UserId,
};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use crate::employees::Visibility;
use crate::sql::Columns;
use crate::text::{Text, bound};
use crate::{StoreError, StoreResult, sql};

/// A time-off with its type, as TimeEmployee shows it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct TimeOff {
    pub id: TimeOffId,
    pub employee_id: EmployeeId,
    pub start_at: i64,
    pub end_at: i64,
    pub description: Option<String>,
    pub status: i64,
    pub paid: bool,
    pub absence_type: Text<AbsenceType>,
    pub type_id: TimeOffTypeId,
    pub type_title: String,
    pub type_description: String,
    pub type_color: String,
    pub created_at: i64,
    /// The employee's department, for scope checks.
    pub department_id: Option<DepartmentId>,
    /// The employee's full name, for lists.
    pub employee_name: String,
    /// What the decider wrote with the approval or rejection (the console's).
    pub decision_comment: Option<String>,
}

/// A new time-off.
#[derive(Clone, Debug)]
pub struct NewTimeOff {
    pub employee_id: EmployeeId,
    pub type_id: TimeOffTypeId,
    pub daily: bool,
    pub start_at: i64,
    pub end_at: i64,
    pub description: Option<String>,
    pub paid: bool,
    pub status: i64,
    /// The user who entered it (none for seeded data).
    pub created_by: Option<UserId>,
}

/// The filters of `GET /v1/employees/time-off`.
#[derive(Clone, Debug)]
pub struct TimeOffFilter {
    pub visibility: Visibility,
    pub status: Option<i64>,
    /// Time-offs overlapping `[from, to)`, unix seconds.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub employees: Option<Vec<i64>>,
}

const SELECT: &str = "SELECT t.id, t.employee_id, t.start_at, t.end_at, t.description, t.status, t.paid, \
     t.absence_type, t.type_id, y.title AS type_title, y.description AS type_description, \
     y.color AS type_color, t.created_at, e.department_id, e.full_name AS employee_name, \
     t.decision_comment \
     FROM time_offs t JOIN time_off_types y ON y.id = t.type_id JOIN employees e ON e.id = t.employee_id";

fn conditions(company: CompanyId, filter: &TimeOffFilter) -> (String, Vec<Value>) {
    let mut clauses = vec!["t.company_id = $1".to_string()];
    let mut values: Vec<Value> = vec![company.0.into()];
    if let Some(clause) = filter.visibility.clause("e") {
        clauses.push(clause);
    }
    if let Some(status) = filter.status {
        values.push(status.into());
        clauses.push(format!("t.status = ${}", values.len()));
    }
    if let Some(from) = filter.from {
        values.push(from.into());
        clauses.push(format!("t.end_at >= ${}", values.len()));
    }
    if let Some(to) = filter.to {
        values.push(to.into());
        clauses.push(format!("t.start_at < ${}", values.len()));
    }
    if let Some(ids) = &filter.employees {
        clauses.push(format!(
            "t.employee_id IN ({})",
            crate::employees::id_list(ids)
        ));
    }
    (clauses.join(" AND "), values)
}

/// One page of time-offs, newest start first, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    filter: &TimeOffFilter,
    page: PageRequest,
) -> StoreResult<(Vec<TimeOff>, u64)> {
    let (clauses, values) = conditions(company, filter);
    let total = sql::scalar(
        conn,
        &format!(
            "SELECT count(*) FROM time_offs t JOIN employees e ON e.id = t.employee_id WHERE {clauses}"
        ),
        values.clone(),
    )
    .await?
    .unwrap_or(0) as u64;
    let rows = sql::all(
        conn,
        &format!(
            "{SELECT} WHERE {clauses} ORDER BY t.start_at DESC, t.id DESC LIMIT {} OFFSET {}",
            page.per_page,
            page.offset()
        ),
        values,
    )
    .await?;
    Ok((rows, total))
}

/// Every time-off matching the filter (for the engine and the reports), by id.
pub async fn all(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    filter: &TimeOffFilter,
) -> StoreResult<Vec<TimeOff>> {
    let (clauses, values) = conditions(company, filter);
    sql::all(
        conn,
        &format!("{SELECT} WHERE {clauses} ORDER BY t.id"),
        values,
    )
    .await
}

/// One time-off of the company, if it is one.
pub async fn find(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: TimeOffId,
) -> StoreResult<Option<TimeOff>> {
    sql::one(
        conn,
        &format!("{SELECT} WHERE t.company_id = $1 AND t.id = $2"),
        vec![company.0.into(), id.into()],
    )
    .await
}

/// Inserts a time-off; answers its id.
pub async fn create(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    new: &NewTimeOff,
    now: i64,
) -> StoreResult<TimeOffId> {
    let id = sql::insert_row(
        conn,
        "time_offs",
        Columns::new()
            .set("company_id", company.0)
            .set("employee_id", new.employee_id)
            .set("type_id", new.type_id)
            .set(
                "absence_type",
                bound(if new.daily {
                    AbsenceType::Daily
                } else {
                    AbsenceType::Hourly
                }),
            )
            .set("start_at", new.start_at)
            .set("end_at", new.end_at)
            .set("description", new.description.clone())
            .set("status", new.status)
            .set("paid", new.paid)
            .set("created_by", new.created_by)
            .set("created_at", now),
    )
    .await?;
    Ok(TimeOffId(id))
}

/// Sets a time-off's status. `NotFound` when it is not the company's.
pub async fn set_status(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: TimeOffId,
    status: i64,
) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        "UPDATE time_offs SET status = $1 WHERE company_id = $2 AND id = $3",
        vec![status.into(), company.0.into(), id.into()],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Sets the status of a decision and the decider's comment with it (`None` clears an
/// earlier one).
pub async fn decide(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: TimeOffId,
    status: i64,
    comment: Option<&str>,
) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        "UPDATE time_offs SET status = $1, decision_comment = $4 WHERE company_id = $2 AND id = $3",
        vec![status.into(), company.0.into(), id.into(), comment.into()],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
