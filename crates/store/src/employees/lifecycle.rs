//! An employee's lifecycle: dismissal (a future last day is pending), its cancellation,
//! re-hire (a future first day is pending), its cancellation, and removal; and the
//! daily step that makes pending dismissals and re-hires take effect.

use chrono::NaiveDate;
use davomat_core::dates::naive;
use davomat_core::zone::CompanyZone;
use davomat_core::{
    CompanyId, DepartmentId, EmployeeId, EmployeeStatus, LocationId, PositionId, ScheduleId,
};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::{Deserialize, Serialize};

use crate::read_cache::Dependency;
use crate::text::{Text, bound};
use crate::{Store, StoreResult, sql};

/// Where an employee stands.
#[derive(Clone, Debug, FromQueryResult)]
pub struct LifecycleRow {
    pub id: EmployeeId,
    pub status: Text<EmployeeStatus>,
    pub start_date: NaiveDate,
    pub department_id: DepartmentId,
    pub dismissal_date: Option<NaiveDate>,
    pub recovery_date: Option<NaiveDate>,
    pub full_name: String,
}

impl LifecycleRow {
    pub fn is_dismissed(&self) -> bool {
        self.status.0 == EmployeeStatus::Dismissed
    }

    /// A dismissal whose last day has not passed yet.
    pub fn has_pending_dismissal(&self) -> bool {
        !self.is_dismissed() && self.dismissal_date.is_some()
    }
}

/// Reads where an employee of the company stands.
pub async fn get(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<Option<LifecycleRow>> {
    sql::one(
        conn,
        "SELECT id, status, start_date, department_id, dismissal_date, recovery_date, full_name \
         FROM employees WHERE id = $1 AND company_id = $2",
        vec![employee.0.into(), company.0.into()],
    )
    .await
}

/// Records the last day employed; when it has already passed the employee is dismissed
/// now, otherwise the dismissal is pending until [`apply_due`] sees the day pass.
pub async fn dismiss(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    last_day: NaiveDate,
    today: NaiveDate,
) -> StoreResult<()> {
    let status = if last_day < today {
        EmployeeStatus::Dismissed
    } else {
        EmployeeStatus::Active
    };
    sql::execute(
        conn,
        "UPDATE employees SET dismissal_date = $1, status = $2 WHERE id = $3 AND company_id = $4",
        vec![
            last_day.into(),
            bound(status),
            employee.0.into(),
            company.0.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Forgets a pending dismissal.
pub async fn cancel_dismissal(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE employees SET dismissal_date = NULL WHERE id = $1 AND company_id = $2 AND status = 'active'",
        vec![employee.0.into(), company.0.into()],
    )
    .await?;
    Ok(())
}

/// What a re-hire sets, kept as JSON while it is pending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryPlan {
    pub first_day: NaiveDate,
    pub start_date: NaiveDate,
    pub department_id: DepartmentId,
    pub schedule_id: ScheduleId,
    pub location_ids: Vec<LocationId>,
    pub position_id: Option<PositionId>,
    pub tab_number: Option<String>,
}

/// Re-hires now (`first_day` ≤ today) or records the pending re-hire.
pub async fn recover(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    plan: &RecoveryPlan,
    today: NaiveDate,
    now: i64,
) -> StoreResult<()> {
    if plan.first_day <= today {
        return apply_recovery(conn, company, employee.0, plan, now).await;
    }
    let text =
        serde_json::to_string(plan).map_err(|e| crate::StoreError::Database(e.to_string()))?;
    sql::execute(
        conn,
        "UPDATE employees SET recovery_date = $1, recovery_plan = $2 WHERE id = $3 AND company_id = $4",
        vec![plan.first_day.into(), text.into(), employee.0.into(), company.0.into()],
    )
    .await?;
    Ok(())
}

/// Forgets a pending re-hire.
pub async fn cancel_recovery(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE employees SET recovery_date = NULL, recovery_plan = NULL WHERE id = $1 AND company_id = $2",
        vec![employee.0.into(), company.0.into()],
    )
    .await?;
    Ok(())
}

/// Makes the employee active again with the plan's department, schedule, locations,
/// position and tab number, opening new history periods on the first day.
async fn apply_recovery(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: i64,
    plan: &RecoveryPlan,
    now: i64,
) -> StoreResult<()> {
    let ends = plan.first_day.pred_opt().unwrap_or(plan.first_day);
    sql::execute(
        conn,
        "UPDATE employees SET status = 'active', dismissal_date = NULL, recovery_date = NULL, recovery_plan = NULL, \
         start_date = $1, schedule_start_date = $2, department_id = $3, schedule_id = $4, \
         tab_number = COALESCE($5, tab_number) WHERE id = $6",
        vec![
            plan.start_date.into(),
            plan.first_day.into(),
            plan.department_id.into(),
            plan.schedule_id.into(),
            plan.tab_number.clone().into(),
            employee.into(),
        ],
    )
    .await?;
    for table in ["employee_departments", "employee_positions"] {
        sql::execute(
            conn,
            &format!("UPDATE {table} SET end_date = $1 WHERE employee_id = $2 AND (end_date IS NULL OR end_date > $1)"),
            vec![ends.into(), employee.into()],
        )
        .await?;
    }
    sql::execute(
        conn,
        "INSERT INTO employee_departments (employee_id, department_id, start_date, end_date, created_at) VALUES ($1, $2, $3, NULL, $4)",
        vec![employee.into(), plan.department_id.into(), plan.first_day.into(), now.into()],
    )
    .await?;
    if let Some(position) = plan.position_id {
        sql::execute(
            conn,
            "INSERT INTO employee_positions (employee_id, position_id, start_date, end_date, created_at) VALUES ($1, $2, $3, NULL, $4)",
            vec![employee.into(), position.into(), plan.first_day.into(), now.into()],
        )
        .await?;
    }
    super::update::set_locations(conn, company, EmployeeId(employee), &plan.location_ids, now).await
}

/// Removes the person and everything that hangs on it (history, locations, login user
/// and its tokens go by the foreign keys' cascades).
pub async fn remove(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "DELETE FROM employees WHERE id = $1 AND company_id = $2",
        vec![employee.0.into(), company.0.into()],
    )
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct DueRecovery {
    id: i64,
    recovery_plan: String,
}

/// Lets the day pass for one company: dismissals whose last day is before `today` take
/// effect, department changes and re-hires whose first day has come are applied.
/// Answers how many employees changed.
pub async fn apply_due(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    today: NaiveDate,
    now: i64,
) -> StoreResult<u64> {
    crate::terminal_users::note_due_dismissals(conn, company, today, now).await?;
    let dismissed = sql::execute(
        conn,
        "UPDATE employees SET status = 'dismissed' WHERE company_id = $1 AND status = 'active' \
         AND dismissal_date IS NOT NULL AND dismissal_date < $2",
        vec![company.0.into(), today.into()],
    )
    .await?;
    // Department changes whose first day has come.
    let moved = sql::execute(
        conn,
        "UPDATE employees SET department_id = (SELECT h.department_id FROM employee_departments h \
         WHERE h.employee_id = employees.id AND h.start_date <= $2 AND (h.end_date IS NULL OR h.end_date >= $2) \
         ORDER BY h.start_date DESC, h.id DESC LIMIT 1) \
         WHERE company_id = $1 AND EXISTS (SELECT 1 FROM employee_departments h WHERE h.employee_id = employees.id \
         AND h.start_date <= $2 AND (h.end_date IS NULL OR h.end_date >= $2) AND h.department_id <> employees.department_id)",
        vec![company.0.into(), today.into()],
    )
    .await?;
    let due: Vec<DueRecovery> = sql::all(
        conn,
        "SELECT id, recovery_plan FROM employees WHERE company_id = $1 AND recovery_date IS NOT NULL \
         AND recovery_date <= $2 AND recovery_plan IS NOT NULL",
        vec![company.0.into(), today.into()],
    )
    .await?;
    let mut rehired = 0;
    for row in due {
        match serde_json::from_str::<RecoveryPlan>(&row.recovery_plan) {
            Ok(plan) => {
                apply_recovery(conn, company, row.id, &plan, now).await?;
                crate::terminal_users::note_change(conn, company, EmployeeId(row.id), now).await?;
                rehired += 1;
            }
            Err(err) => {
                tracing::error!(employee = row.id, error = %err, "unreadable recovery plan left pending")
            }
        }
    }
    Ok(dismissed + moved + rehired)
}

#[derive(FromQueryResult)]
struct CompanyZoneRow {
    id: i64,
    time_zone: String,
}

/// [`apply_due`] for every company, each on its own local date.
pub async fn apply_due_everywhere(store: &Store, now: i64) -> StoreResult<()> {
    let companies: Vec<CompanyZoneRow> = sql::all(
        store.conn(),
        "SELECT id, time_zone FROM companies ORDER BY id",
        vec![],
    )
    .await?;
    for company in companies {
        let zone = CompanyZone::named_or_default(&company.time_zone);
        let Some(today) = zone.date_of(now).map(naive) else {
            continue;
        };
        let company = CompanyId(company.id);
        // One company's failure (say, a re-hire whose tab number was taken meanwhile)
        // must not hold the others' day back.
        if let Err(err) = apply_due_in(store, company, today, now).await {
            tracing::warn!(company = company.0, error = %err, "pending employee changes not applied");
        }
    }
    Ok(())
}

/// [`apply_due`] for one company, in a transaction of its own.
async fn apply_due_in(
    store: &Store,
    company: CompanyId,
    today: NaiveDate,
    now: i64,
) -> StoreResult<()> {
    let txn = store.begin().await?;
    // Every minute, for every company: it changes something cached only when a
    // dismissal, a move or a re-hire took effect, and then it may be anyone's.
    if apply_due(&txn, company, today, now).await? > 0 {
        txn.changes([Dependency::Company(company), Dependency::Roster(company)]);
    } else {
        txn.changes_nothing_cached();
    }
    txn.commit().await
}
