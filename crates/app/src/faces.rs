//! Employees' face templates (reference file 12), for the face-ID terminals at their
//! locations: admins for the company, department heads for the employees of their
//! departments (forbidden outside them, as employee edits).
//!
//! - Adding one replaces the previous template (the photos get a new key, so the old
//!   URLs stop working), logs `addedFace` and queues `addface` for the terminals. A
//!   company that requires recorded consent refuses it without (8003 on `imgdata`).
//! - Deleting one removes it, logs `deletedFace` and queues `deleteface`; without a
//!   template nothing changes (no activity row, no command).
//!
//! Each change drops the employee's cached card (it shows the photos). Reading and
//! checking the image itself is the door's (`davomat_api::faces`).

use davomat_core::activity::{Message, PayrollAction};
use davomat_core::{EmployeeId, Role};
use davomat_store::activity::{self, Actor, NewActivity};
use davomat_store::device_commands::{self, CommandKind};
use davomat_store::faces::{self as stored_faces, FaceOwner, NewFace};
use davomat_store::read_cache::Dependency;
use davomat_store::{Store, WriteTransaction};

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::scope::Scope;

/// Who may change face templates. A door whose input may be malformed calls it (or
/// [`owner`]) before reading that input (CONTRACT.md §2's order of checks).
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin, Role::DepartmentHead])
}

/// The employee whose template is changed: forbidden for other roles, not found outside
/// the company, forbidden outside a head's departments.
pub async fn owner(store: &Store, caller: &Caller, employee_id: i64) -> AppResult<FaceOwner> {
    authorize(caller)?;
    let owner = stored_faces::owner(
        store.connection(),
        caller.company_id,
        EmployeeId(employee_id),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    Scope::require_department(store, caller, owner.department_id).await?;
    Ok(owner)
}

/// A checked image and its thumbnails, as the door prepared them.
#[derive(Clone, Debug)]
pub struct Template {
    /// `jpeg` or `png`: the format of `original`.
    pub format: String,
    pub width: i64,
    pub height: i64,
    /// The bytes as uploaded.
    pub original: Vec<u8>,
    /// The 40×40 PNG.
    pub small: Vec<u8>,
    /// The 120×120 PNG.
    pub medium: Vec<u8>,
}

/// Stores the employee's template, replacing the one they had.
pub async fn add(
    store: &Store,
    caller: &Caller,
    employee_id: i64,
    template: Template,
    now: i64,
) -> AppResult<()> {
    let owner = owner(store, caller, employee_id).await?;
    let employee = owner.id;
    let actor = caller.actor();
    let face = NewFace {
        photo_key: davomat_store::secrets::new_token(),
        format: template.format,
        width: template.width,
        height: template.height,
        original: template.original,
        small: template.small,
        medium: template.medium,
    };
    let txn = store.begin().await?;
    // Read in the transaction: a withdrawal committed before it is seen.
    crate::biometrics::require_consent(&txn, caller, employee).await?;
    // Cards show the employee's photos.
    txn.changes([Dependency::Employee(employee)]);
    stored_faces::put(&txn, caller.company_id, employee, face, now).await?;
    announce(&txn, caller, actor, &owner, PayrollAction::FaceAdded, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Removes the employee's template; without one nothing changes.
pub async fn remove(store: &Store, caller: &Caller, employee_id: i64, now: i64) -> AppResult<()> {
    let owner = owner(store, caller, employee_id).await?;
    let employee = owner.id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Employee(employee)]);
    // Deleting what is not there changes nothing: no activity row, no commands.
    if stored_faces::delete(&txn, caller.company_id, employee).await? {
        announce(&txn, caller, actor, &owner, PayrollAction::FaceDeleted, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Writes the `addedFace` / `deletedFace` row about the employee and queues the
/// matching command for the terminals, in the change's transaction.
async fn announce(
    txn: &WriteTransaction,
    caller: &Caller,
    actor: Actor,
    owner: &FaceOwner,
    action: PayrollAction,
    now: i64,
) -> AppResult<()> {
    let (action_name, command) = match action {
        PayrollAction::FaceDeleted => ("deletedFace", CommandKind::DeleteFace),
        _ => ("addedFace", CommandKind::AddFace),
    };
    let entry = NewActivity {
        company_id: caller.company_id,
        actor: Some(actor),
        action_name,
        object_id: Some(owner.id.0),
        person_id: Some(owner.id),
        assigned: None,
        message: Message::Payroll {
            action,
            name: owner.full_name.clone(),
            detail: String::new(),
        },
    };
    activity::record(txn, entry, caller.company_lang, now).await?;
    device_commands::queue(
        txn,
        caller.company_id,
        owner.id,
        &owner.pin_code,
        command,
        now,
    )
    .await?;
    Ok(())
}
