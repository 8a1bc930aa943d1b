//! What a caller may see (CONTRACT.md §4): the whole company (admins), the departments
//! assigned to them and everything below (heads, managers, observers), or themself
//! (employees). Store queries take the scope so that tenancy and roles live in the query.

use davomat_core::{DepartmentId, EmployeeId, Role};
use davomat_store::employees::Visibility;
use davomat_store::{Store, scope};

use crate::caller::Caller;
use crate::error::{AppError, AppResult};

/// The part of the company a caller sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every department and employee of the company.
    Company,
    /// These departments (sub-departments included, already expanded).
    Departments(Vec<DepartmentId>),
    /// Only the caller's own employee profile (none when the user has no profile).
    Myself(Option<EmployeeId>),
}

impl Scope {
    /// The scope of the caller, read from the store for roles 2–4.
    pub async fn of(store: &Store, caller: &Caller) -> AppResult<Scope> {
        Ok(match caller.role {
            Role::Admin => Scope::Company,
            Role::DepartmentHead | Role::DepartmentManager | Role::Observer => Scope::Departments(
                scope::departments_overseen(store, caller.company_id, caller.user_id).await?,
            ),
            Role::Employee => Scope::Myself(caller.employee_id),
        })
    }

    /// Refused ([`AppError::Forbidden`]) unless the caller's scope covers the department.
    pub async fn require_department(
        store: &Store,
        caller: &Caller,
        department_id: DepartmentId,
    ) -> AppResult<()> {
        if Scope::of(store, caller)
            .await?
            .covers_department(department_id)
        {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The scope as the store's employee queries apply it.
    pub fn visibility(self) -> Visibility {
        match self {
            Scope::Company => Visibility::Company,
            Scope::Departments(ids) => Visibility::Departments(ids),
            Scope::Myself(id) => Visibility::Only(id),
        }
    }

    /// True when the employee (in `department_id`) is inside the scope.
    pub fn covers_employee(&self, employee_id: EmployeeId, department_id: DepartmentId) -> bool {
        match self {
            Scope::Myself(me) => *me == Some(employee_id),
            _ => self.covers_department(department_id),
        }
    }

    /// True when the department is inside the scope.
    pub fn covers_department(&self, department_id: DepartmentId) -> bool {
        match self {
            Scope::Company => true,
            Scope::Departments(ids) => ids.contains(&department_id),
            Scope::Myself(_) => false,
        }
    }
}
