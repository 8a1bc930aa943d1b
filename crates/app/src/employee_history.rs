//! An employee's department and position history (CONTRACT.md §7, employees): the
//! periods, oldest first (a period starting after today is a pending change), and
//! removing the pending change, which reopens the period it would have closed.
//!
//! Who sees the history: admins any employee of the company, heads, managers and
//! observers the employees of their departments, an employee themself. Removing a pending
//! change is for admins and heads; it writes `cancelTransferEmpDep` or
//! `deletedAssignedPosition` in the activity log and tells the caches about the employee
//! and the company's lists.

use davomat_core::activity::{LifecycleAction, Message};
use davomat_core::page::PageRequest;
use davomat_core::{EmployeeId, Role};
use davomat_store::Store;
use davomat_store::activity::{self, NewActivity};
use davomat_store::employees::history::{self, Kind, Period};
use davomat_store::employees::lifecycle::{self, LifecycleRow};
use davomat_store::read_cache::Dependency;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::scope::Scope;

/// Who may remove a pending change.
const DROPPING_ROLES: [Role; 2] = [Role::Admin, Role::DepartmentHead];

/// Refused ([`AppError::Forbidden`]) unless the caller may remove a pending change. A
/// door calls it before reading the path's id (CONTRACT.md §2's order of checks); the
/// use case checks it again.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&DROPPING_ROLES)
}

/// The employee when the caller may see them: [`AppError::NotFound`] outside the
/// company, [`AppError::Forbidden`] outside the caller's scope.
pub async fn visible_employee(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
) -> AppResult<LifecycleRow> {
    let row = lifecycle::get(store.connection(), caller.company_id, employee)
        .await?
        .ok_or(AppError::NotFound)?;
    let visible = match Scope::of(store, caller).await? {
        Scope::Company => true,
        Scope::Departments(ids) => ids.contains(&row.department_id),
        Scope::Myself(me) => me == Some(row.id),
    };
    if visible {
        Ok(row)
    } else {
        Err(AppError::Forbidden)
    }
}

/// One page of the employee's periods of `kind`, and their total.
pub async fn periods(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    kind: Kind,
    page: PageRequest,
) -> AppResult<(Vec<Period>, u64)> {
    let row = visible_employee(store, caller, employee).await?;
    let (periods, total) =
        history::list(store.connection(), kind, caller.company_id, row.id, page).await?;
    Ok((periods, total))
}

/// Removes the employee's pending change of `kind` and reopens the period it would
/// have closed; [`AppError::NotApplicable`] when nothing is pending.
pub async fn drop_pending(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    kind: Kind,
    now: i64,
) -> AppResult<()> {
    authorize(caller)?;
    let row = visible_employee(store, caller, employee).await?;
    let today = caller.today(now);
    let txn = store.begin().await?;
    txn.changes([
        Dependency::Employee(row.id),
        Dependency::Roster(caller.company_id),
    ]);
    let pending = history::pending(&txn, kind, row.id, today).await?;
    let Some(first) = pending.first() else {
        return Err(AppError::NotApplicable);
    };
    let (action, what) = match kind {
        Kind::Department => ("cancelTransferEmpDep", LifecycleAction::TransferCancelled),
        Kind::Position => (
            "deletedAssignedPosition",
            LifecycleAction::PositionCancelled,
        ),
    };
    let assigned = Some(first.object_title.clone());
    history::drop_pending(&txn, kind, row.id, today).await?;
    activity::record(
        &txn,
        NewActivity {
            company_id: caller.company_id,
            actor: Some(caller.actor()),
            action_name: action,
            object_id: Some(row.id.0),
            person_id: Some(row.id),
            assigned,
            message: Message::Lifecycle {
                action: what,
                name: row.full_name.clone(),
            },
        },
        caller.company_lang,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
