//! Departments (отделы): the company's tree — read it within the caller's scope; create,
//! rename, move and delete — admins only (CONTRACT.md §4).
//!
//! Titles: 1..200 characters of the name rule, unique among the siblings, stored
//! trimmed. `pid` 0 (or none) is the root; a department cannot move under itself. A
//! delete takes the department's empty sub-departments with it and is refused while an
//! employee (of any status, or an open history period) is in it or below. Every write
//! takes the company's department lock first, so that two moves cannot make a cycle,
//! and writes one activity row per department it changes (`createdDepartment`,
//! `updatedDepartment`, `deletedDepartment`) in its transaction.

use std::collections::{HashMap, HashSet};

use davomat_core::activity::{Message, ObjectKind};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule, check_title};
use davomat_core::{DepartmentId, Role};
use davomat_store::departments::{self, DepartmentFields, DepartmentRow};
use davomat_store::read_cache::Dependency;
use davomat_store::{Store, StoreError, WriteTransaction};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::Sent;
use crate::scope::Scope;

/// Title length limits of the reference.
pub const TITLE_MIN: usize = 1;
pub const TITLE_MAX: usize = 200;

/// Who may change departments. A door whose input may be malformed calls it before
/// reading that input (CONTRACT.md §2's order of checks); the use cases check it again.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin])
}

/// A department with the departments below it, each by id.
#[derive(Clone, Debug)]
pub struct Department {
    pub row: DepartmentRow,
    pub childs: Vec<Department>,
}

/// A new department, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewDepartment {
    /// Letters, digits, space and ' ` _ ( ) & - № , . ; unique among the siblings.
    #[schema(value_type = String, min_length = 1, max_length = 200, example = "Sales")]
    pub title: Sent<String>,
    /// The parent department; absent or 0: at the root.
    #[schema(value_type = Option<i64>)]
    pub pid: Sent<i64>,
}

/// A change of a department, as sent: what it names changes (PUT and PATCH alike).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct DepartmentChange {
    /// As for a new department; absent or empty: unchanged.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub title: Sent<String>,
    /// The new parent; 0 moves the department to the root; absent: unchanged.
    #[schema(value_type = Option<i64>)]
    pub pid: Sent<i64>,
}

/// The top departments of the caller's scope, each with everything of the scope below
/// it: admins the company, heads, managers and observers their departments, employees
/// their own department.
pub async fn list(store: &Store, caller: &Caller) -> AppResult<Vec<Department>> {
    let conn = store.connection();
    let company = caller.company_id;
    let visible: Option<HashSet<DepartmentId>> = match Scope::of(store, caller).await? {
        Scope::Company => None,
        Scope::Departments(ids) => Some(ids.into_iter().collect()),
        Scope::Myself(employee) => {
            let own = match employee {
                Some(id) => departments::of_employee(conn, company, id).await?,
                None => None,
            };
            Some(own.into_iter().collect())
        }
    };
    let rows = departments::all(conn, company).await?;
    let forest = Forest::new(&rows, |id| visible.as_ref().is_none_or(|v| v.contains(&id)));
    Ok(forest.roots.iter().map(|root| forest.tree(root)).collect())
}

/// One department of the company with everything below it (any role);
/// [`AppError::NotFound`] outside the company.
pub async fn get(store: &Store, caller: &Caller, id: DepartmentId) -> AppResult<Department> {
    tree_of(store, caller, id).await
}

/// Checks that the department is the company's, so that a door answers an unknown id
/// before a bad body (CONTRACT.md §2's order of checks).
pub async fn require_exists(store: &Store, caller: &Caller, id: DepartmentId) -> AppResult<()> {
    departments::find(store.connection(), caller.company_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(())
}

async fn tree_of(store: &Store, caller: &Caller, id: DepartmentId) -> AppResult<Department> {
    let rows = departments::subtree(store.connection(), caller.company_id, id).await?;
    let forest = Forest::new(&rows, |_| true);
    let row = rows.iter().find(|r| r.id == id).ok_or(AppError::NotFound)?;
    Ok(forest.tree(row))
}

/// The `pid` field: 0 is the root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Parent {
    Root,
    Of(DepartmentId),
}

fn checked_parent(pid: Sent<i64>, errors: &mut FieldErrors) -> Option<Parent> {
    match pid.optional("pid", errors)? {
        0 => Some(Parent::Root),
        id if id > 0 => Some(Parent::Of(DepartmentId(id))),
        _ => {
            errors.add("pid", FieldCode::InvalidValue, Reason::Plain);
            None
        }
    }
}

fn checked_title(title: Option<String>, errors: &mut FieldErrors) -> Option<String> {
    let title = title?;
    check_title("title", &title, TITLE_MIN, TITLE_MAX, errors);
    Some(title.trim().to_string())
}

/// A transaction holding the company's department write lock.
async fn begin(store: &Store, caller: &Caller) -> AppResult<WriteTransaction> {
    let txn = store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    departments::lock(&txn, caller.company_id).await?;
    Ok(txn)
}

/// Creates a department; answers it.
pub async fn create(
    store: &Store,
    caller: &Caller,
    request: NewDepartment,
    now: i64,
) -> AppResult<Department> {
    authorize(caller)?;
    let mut errors = FieldErrors::new();
    let title = checked_title(request.title.required("title", &mut errors), &mut errors);
    let parent = checked_parent(request.pid, &mut errors);
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = begin(store, caller).await?;
    let pid = match parent {
        None | Some(Parent::Root) => None,
        Some(Parent::Of(pid)) => {
            if departments::find(&txn, company, pid).await?.is_none() {
                errors.add("pid", FieldCode::UnknownReference, Reason::Plain);
            }
            Some(pid)
        }
    };
    if let Some(title) = &title
        && !errors.has("title")
        && !errors.has("pid")
        && departments::title_taken(&txn, company, pid, title, None).await?
    {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    let new = DepartmentFields {
        title: title.unwrap_or_default(),
        pid,
    };
    let id = departments::create(&txn, company, &new, now).await?;
    let message = Message::Created {
        kind: ObjectKind::Department,
        title: new.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "createdDepartment", id.0, message, now)
        .await?;
    txn.commit().await?;
    tree_of(store, caller, id).await
}

/// Renames and/or moves a department; a change that changes nothing writes nothing.
pub async fn update(
    store: &Store,
    caller: &Caller,
    id: DepartmentId,
    change: DepartmentChange,
    now: i64,
) -> AppResult<Department> {
    authorize(caller)?;
    let company = caller.company_id;
    require_exists(store, caller, id).await?;
    let mut errors = FieldErrors::new();
    let title = checked_title(change.title.optional("title", &mut errors), &mut errors);
    let parent = checked_parent(change.pid, &mut errors);
    let actor = caller.actor();
    let txn = begin(store, caller).await?;
    let current = departments::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let pid = match parent {
        None => current.pid,
        Some(Parent::Root) => None,
        Some(Parent::Of(pid)) => {
            if departments::find(&txn, company, pid).await?.is_none() {
                errors.add("pid", FieldCode::UnknownReference, Reason::Plain);
            } else if departments::subtree_ids(&txn, company, id)
                .await?
                .contains(&pid)
            {
                errors.add(
                    "pid",
                    FieldCode::InvalidValue,
                    Reason::Rule(Rule::DepartmentCycle),
                );
            }
            Some(pid)
        }
    };
    let changed = DepartmentFields {
        title: title.unwrap_or_else(|| current.title.clone()),
        pid,
    };
    let unchanged = changed.title == current.title && changed.pid == current.pid;
    if !unchanged
        && !errors.has("title")
        && !errors.has("pid")
        && departments::title_taken(&txn, company, changed.pid, &changed.title, Some(id)).await?
    {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    if !unchanged {
        departments::update(&txn, company, id, &changed).await?;
        let message = Message::Updated {
            kind: ObjectKind::Department,
            title: changed.title.clone(),
        };
        caller
            .log_object_change(&txn, actor, "updatedDepartment", id.0, message, now)
            .await?;
    }
    txn.commit().await?;
    tree_of(store, caller, id).await
}

/// Deletes a department and its sub-departments ([`AppError::InUse`] while an employee
/// is in one of them).
pub async fn delete(store: &Store, caller: &Caller, id: DepartmentId, now: i64) -> AppResult<()> {
    authorize(caller)?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = begin(store, caller).await?;
    let rows = departments::subtree(&txn, company, id).await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    let ids: Vec<DepartmentId> = rows.iter().map(|r| r.id).collect();
    if departments::in_use(&txn, company, &ids).await? {
        return Err(AppError::InUse);
    }
    match departments::delete(&txn, company, &ids).await {
        Ok(_) => {}
        // Something attached in the meantime: the database's restriction answers.
        Err(StoreError::Conflict(_)) => return Err(AppError::InUse),
        Err(err) => return Err(err.into()),
    }
    // One row per department that went, the one asked for first.
    let ordered = rows
        .iter()
        .filter(|r| r.id == id)
        .chain(rows.iter().filter(|r| r.id != id));
    for row in ordered {
        let message = Message::Deleted {
            kind: ObjectKind::Department,
            title: row.title.clone(),
        };
        caller
            .log_object_change(
                &txn,
                actor.clone(),
                "deletedDepartment",
                row.id.0,
                message,
                now,
            )
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Departments arranged as a forest: each kept row under its parent.
struct Forest<'a> {
    children: HashMap<DepartmentId, Vec<&'a DepartmentRow>>,
    roots: Vec<&'a DepartmentRow>,
    size: usize,
}

impl<'a> Forest<'a> {
    /// The rows that `keep` admits; a kept row whose parent is not kept is a root.
    /// Rows come ordered by id, and so do roots and children.
    fn new(rows: &'a [DepartmentRow], keep: impl Fn(DepartmentId) -> bool) -> Self {
        let kept: Vec<&DepartmentRow> = rows.iter().filter(|r| keep(r.id)).collect();
        let ids: HashSet<DepartmentId> = kept.iter().map(|r| r.id).collect();
        let mut children: HashMap<DepartmentId, Vec<&DepartmentRow>> = HashMap::new();
        let mut roots = Vec::new();
        for row in &kept {
            match row.pid.filter(|pid| ids.contains(pid)) {
                Some(pid) => children.entry(pid).or_default().push(row),
                None => roots.push(*row),
            }
        }
        Forest {
            children,
            roots,
            size: kept.len(),
        }
    }

    /// `row` with its kept descendants.
    fn tree(&self, row: &DepartmentRow) -> Department {
        self.tree_at(row, 0)
    }

    fn tree_at(&self, row: &DepartmentRow, depth: usize) -> Department {
        // A tree holds no cycle; the bound only keeps bad data from recursing forever.
        let childs = if depth < self.size {
            self.children
                .get(&row.id)
                .map(|list| list.iter().map(|c| self.tree_at(c, depth + 1)).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Department {
            row: row.clone(),
            childs,
        }
    }
}
