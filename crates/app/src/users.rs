//! The company's login users as its admins manage them from the console: the list with
//! each one's role and overseen departments, and a change of role (CONTRACT.md §4's
//! roles 1–5; a role 2–4 oversees the departments given, and what is below them). The
//! same change as the operator's `davomat user set-role`, made by an admin of the
//! company: logged as `assignedRole` (or `deleteAssignedRole` for the plain employee)
//! with the admin as the actor, in the change's transaction. The company's last
//! administrator who can log in keeps the role ([`AppError::LastAdmin`]).

use davomat_core::validation::{FieldCode, FieldErrors, Reason};
use davomat_core::{DepartmentId, Role, UserId};
use davomat_store::Store;
use davomat_store::employees::create::{self as references, Reference};
use davomat_store::users::{self, CompanyUser, RoleChange};

use crate::caller::Caller;
use crate::error::{AppError, AppResult};

/// Who manages the users.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin])
}

/// The company's users by email.
pub async fn list(store: &Store, caller: &Caller) -> AppResult<Vec<CompanyUser>> {
    authorize(caller)?;
    Ok(users::of_company(store, caller.company_id).await?)
}

/// One user of the company.
pub async fn get(store: &Store, caller: &Caller, id: i64) -> AppResult<CompanyUser> {
    list(store, caller)
        .await?
        .into_iter()
        .find(|u| u.id.0 == id)
        .ok_or(AppError::NotFound)
}

/// Gives the user `role` (a role id 1..5; 8006 otherwise) overseeing `departments`
/// (roles 2–4; departments not the company's are 8004 on `department_ids`).
pub async fn set_role(
    store: &Store,
    caller: &Caller,
    id: i64,
    role: &str,
    departments: Vec<i64>,
    now: i64,
) -> AppResult<()> {
    authorize(caller)?;
    let user = users::find_in_company(store, caller.company_id, UserId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let role = role.trim().parse().ok().and_then(Role::from_id);
    if role.is_none() {
        errors.add("role", FieldCode::InvalidRole, Reason::Plain);
    }
    let unknown = references::unknown_ids(
        store.connection(),
        caller.company_id,
        Reference::Department,
        &departments,
    )
    .await?;
    if !unknown.is_empty() {
        errors.add("department_ids", FieldCode::UnknownReference, Reason::Plain);
    }
    errors.finish()?;
    let Some(role) = role else {
        return Err(AppError::field(
            "role",
            FieldCode::InvalidRole,
            Reason::Plain,
        ));
    };
    if user.role == Role::Admin.id()
        && role != Role::Admin
        && users::other_active_admins(store.connection(), caller.company_id, UserId(id)).await? == 0
    {
        return Err(AppError::LastAdmin);
    }
    let change = RoleChange {
        role,
        actor: Some(caller.actor()),
        departments: Some(departments.into_iter().map(DepartmentId).collect()),
    };
    users::change_role(store, &user, &change, now)
        .await
        .map_err(|err| match err {
            davomat_store::StoreError::Invalid(_) => AppError::LastAdmin,
            other => other.into(),
        })
}
