//! The dated history of an employee's department and positions: one period per row,
//! `end_date` NULL while open; a period starting after today is a pending change.

use chrono::NaiveDate;
use davomat_core::page::PageRequest;
use davomat_core::{CompanyId, EmployeeId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{StoreResult, sql};

/// Which history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Department,
    Position,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Department => "employee_departments",
            Kind::Position => "employee_positions",
        }
    }

    fn select(self) -> &'static str {
        match self {
            Kind::Department => {
                "SELECT h.id, h.employee_id, h.department_id AS object_id, d.title AS object_title, \
                 h.start_date, h.end_date FROM employee_departments h JOIN departments d ON d.id = h.department_id"
            }
            Kind::Position => {
                "SELECT h.id, h.employee_id, h.position_id AS object_id, p.title AS object_title, \
                 h.start_date, h.end_date FROM employee_positions h JOIN positions p ON p.id = h.position_id"
            }
        }
    }
}

/// One period.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Period {
    pub id: i64,
    pub employee_id: i64,
    pub object_id: i64,
    pub object_title: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

impl Period {
    /// True when the period holds on `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.start_date <= day && self.end_date.is_none_or(|end| end >= day)
    }
}

/// One page of an employee's periods, oldest first, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    kind: Kind,
    company: CompanyId,
    employee: EmployeeId,
    page: PageRequest,
) -> StoreResult<(Vec<Period>, u64)> {
    let total = sql::scalar(
        conn,
        &format!(
            "SELECT count(*) FROM {} h JOIN employees e ON e.id = h.employee_id WHERE h.employee_id = $1 AND e.company_id = $2",
            kind.table()
        ),
        vec![employee.0.into(), company.0.into()],
    )
    .await?
    .unwrap_or(0) as u64;
    let rows = sql::all(
        conn,
        &format!(
            "{} JOIN employees e ON e.id = h.employee_id WHERE h.employee_id = $1 AND e.company_id = $2 \
             ORDER BY h.start_date, h.id LIMIT {} OFFSET {}",
            kind.select(),
            page.per_page,
            page.offset()
        ),
        vec![employee.0.into(), company.0.into()],
    )
    .await?;
    Ok((rows, total))
}

/// The pending periods (starting after `today`) of an employee.
pub async fn pending(
    conn: &impl ConnectionTrait,
    kind: Kind,
    employee: EmployeeId,
    today: NaiveDate,
) -> StoreResult<Vec<Period>> {
    sql::all(
        conn,
        &format!(
            "{} WHERE h.employee_id = $1 AND h.start_date > $2 ORDER BY h.start_date, h.id",
            kind.select()
        ),
        vec![employee.0.into(), today.into()],
    )
    .await
}

/// Removes the pending periods and reopens the periods they had closed (those ending
/// the day before the first pending one).
pub async fn drop_pending(
    conn: &impl ConnectionTrait,
    kind: Kind,
    employee: EmployeeId,
    today: NaiveDate,
) -> StoreResult<()> {
    let pending = pending(conn, kind, employee, today).await?;
    let Some(first) = pending.first() else {
        return Ok(());
    };
    let closed_on = first.start_date.pred_opt().unwrap_or(first.start_date);
    sql::execute(
        conn,
        &format!(
            "DELETE FROM {} WHERE employee_id = $1 AND start_date > $2",
            kind.table()
        ),
        vec![employee.0.into(), today.into()],
    )
    .await?;
    sql::execute(
        conn,
        &format!(
            "UPDATE {} SET end_date = NULL WHERE employee_id = $1 AND end_date = $2",
            kind.table()
        ),
        vec![employee.0.into(), closed_on.into()],
    )
    .await?;
    Ok(())
}

/// Schedules a change: the periods holding on `from` and after close the day before,
/// pending periods from `from` on are replaced, and new periods open on `from` for
/// each of `objects` (one for a department, any number of positions).
pub async fn change(
    conn: &impl ConnectionTrait,
    kind: Kind,
    employee: EmployeeId,
    objects: &[i64],
    from: NaiveDate,
    now: i64,
) -> StoreResult<()> {
    let column = match kind {
        Kind::Department => "department_id",
        Kind::Position => "position_id",
    };
    sql::execute(
        conn,
        &format!(
            "DELETE FROM {} WHERE employee_id = $1 AND start_date >= $2",
            kind.table()
        ),
        vec![employee.0.into(), from.into()],
    )
    .await?;
    let day_before = from.pred_opt().unwrap_or(from);
    sql::execute(
        conn,
        &format!("UPDATE {} SET end_date = $1 WHERE employee_id = $2 AND (end_date IS NULL OR end_date >= $3)", kind.table()),
        vec![day_before.into(), employee.0.into(), from.into()],
    )
    .await?;
    for object in objects {
        sql::execute(
            conn,
            &format!("INSERT INTO {} (employee_id, {column}, start_date, end_date, created_at) VALUES ($1, $2, $3, NULL, $4)", kind.table()),
            vec![employee.0.into(), (*object).into(), from.into(), now.into()],
        )
        .await?;
    }
    Ok(())
}

/// The department an employee is in on `day`, by the history.
pub async fn department_on(
    conn: &impl ConnectionTrait,
    employee: EmployeeId,
    day: NaiveDate,
) -> StoreResult<Option<i64>> {
    sql::scalar(
        conn,
        "SELECT department_id FROM employee_departments WHERE employee_id = $1 AND start_date <= $2 \
         AND (end_date IS NULL OR end_date >= $2) ORDER BY start_date DESC, id DESC LIMIT 1",
        vec![employee.0.into(), day.into()],
    )
    .await
}
