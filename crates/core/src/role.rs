//! The five account roles of the reference (AccountRole) and what each may do.

use crate::Lang;

/// An account role. The numbers are the reference's ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Admin = 1,
    DepartmentHead = 2,
    DepartmentManager = 3,
    Observer = 4,
    Employee = 5,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::DepartmentHead,
        Role::DepartmentManager,
        Role::Observer,
        Role::Employee,
    ];

    pub fn id(self) -> i64 {
        self as i64
    }

    pub fn from_id(id: i64) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The role's display name; Russian names are the reference's.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Role::Admin, Lang::Ru) => "Администратор",
            (Role::DepartmentHead, Lang::Ru) => "Руководитель отдела",
            (Role::DepartmentManager, Lang::Ru) => "Менеджер отдела",
            (Role::Observer, Lang::Ru) => "Наблюдатель",
            (Role::Employee, Lang::Ru) => "Сотрудник",
            (Role::Admin, Lang::En) => "Administrator",
            (Role::DepartmentHead, Lang::En) => "Department head",
            (Role::DepartmentManager, Lang::En) => "Department manager",
            (Role::Observer, Lang::En) => "Observer",
            (Role::Employee, Lang::En) => "Employee",
            (Role::Admin, Lang::Uz) => "Administrator",
            (Role::DepartmentHead, Lang::Uz) => "Boʻlim rahbari",
            (Role::DepartmentManager, Lang::Uz) => "Boʻlim menejeri",
            (Role::Observer, Lang::Uz) => "Kuzatuvchi",
            (Role::Employee, Lang::Uz) => "Xodim",
        }
    }

    /// The short English key used in the demo listing and the CLI.
    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::DepartmentHead => "head",
            Role::DepartmentManager => "manager",
            Role::Observer => "observer",
            Role::Employee => "employee",
        }
    }

    /// The OAuth `scope` string of the token response, in the reference's form.
    pub fn scope(self) -> &'static str {
        match self {
            Role::Admin => "v1:list:employee,v1:view:employee,v1:delete:employee",
            Role::DepartmentHead => "v1:list:employee,v1:view:employee,v1:update:employee",
            Role::DepartmentManager | Role::Observer => "v1:list:employee,v1:view:employee",
            Role::Employee => "v1:view:employee",
        }
    }

    /// Roles 2–4 oversee a set of departments; admins see everything; employees themselves.
    pub fn oversees_departments(self) -> bool {
        matches!(
            self,
            Role::DepartmentHead | Role::DepartmentManager | Role::Observer
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_id(role.id()), Some(role));
        }
        assert_eq!(Role::from_id(0), None);
        assert_eq!(Role::from_id(6), None);
    }
}
