//! `/v1/departments`: the company's department tree.
//!
//! - `GET /v1/departments`: the top departments of the caller's scope, each with its
//!   `childs` nested to any depth; a page counts top departments.
//! - `POST /v1/departments`: create one (admins; 201).
//! - `GET /v1/departments/{id}`: one department and everything below it (any role).
//! - `PUT`, `PATCH /v1/departments/{id}`: rename and/or move (admins; both partial).
//! - `DELETE /v1/departments/{id}`: delete it with its empty sub-departments (admins);
//!   400/7011 while an employee is in it or below.

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode};
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule, check_title};
use davomat_core::{DepartmentId, Role};
use davomat_store::activity::{self, NewActivity};
use davomat_store::departments::{self, DepartmentFields, DepartmentRow};
use davomat_store::read_cache::Dependency;
use davomat_store::{StoreError, WriteTransaction};
use serde_json::{Value, json};

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult};
use crate::guard::Access;
use crate::input::{Fields, body_fields};
use crate::openapi::{Operation, body, id_in_path, paging, schema_ref, with_errors};
use crate::scope::Scope;

/// Title length limits of the reference.
const TITLE_MIN: usize = 1;
const TITLE_MAX: usize = 200;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::GET, "/v1/departments", Access::Authenticated, list)
        .add(
            Method::POST,
            "/v1/departments",
            Access::Authenticated,
            create,
        )
        .add(
            Method::GET,
            "/v1/departments/{id}",
            Access::Authenticated,
            get,
        )
        .add(
            Method::PUT,
            "/v1/departments/{id}",
            Access::Authenticated,
            update,
        )
        .add(
            Method::PATCH,
            "/v1/departments/{id}",
            Access::Authenticated,
            update,
        )
        .add(
            Method::DELETE,
            "/v1/departments/{id}",
            Access::Authenticated,
            delete,
        )
}

/// Departments arranged as a forest: each kept row under its parent.
struct Forest<'a> {
    children: HashMap<i64, Vec<&'a DepartmentRow>>,
    roots: Vec<&'a DepartmentRow>,
    size: usize,
}

impl<'a> Forest<'a> {
    /// The rows that `keep` admits; a kept row whose parent is not kept is a root.
    /// Rows come ordered by id, and so do roots and children.
    fn new(rows: &'a [DepartmentRow], keep: impl Fn(i64) -> bool) -> Self {
        let kept: Vec<&DepartmentRow> = rows.iter().filter(|r| keep(r.id)).collect();
        let ids: HashSet<i64> = kept.iter().map(|r| r.id).collect();
        let mut children: HashMap<i64, Vec<&DepartmentRow>> = HashMap::new();
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

    /// The Department object of `row` with its kept descendants.
    fn object(&self, row: &DepartmentRow) -> Value {
        self.object_at(row, 0)
    }

    fn object_at(&self, row: &DepartmentRow, depth: usize) -> Value {
        // A tree holds no cycle; the bound only keeps bad data from recursing forever.
        let childs: Vec<Value> = if depth < self.size {
            self.children
                .get(&row.id)
                .map(|list| list.iter().map(|c| self.object_at(c, depth + 1)).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        json!({
            "id": row.id,
            "title": row.title,
            "pid": row.pid,
            "count_employees": row.count_employees,
            "childs": childs,
        })
    }
}

/// A path id: anything that is not an integer names no department (404/3000).
fn path_id(raw: &str) -> ApiResult<DepartmentId> {
    raw.trim()
        .parse::<i64>()
        .map(DepartmentId)
        .map_err(|_| ApiError::NotFound)
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Value>> {
    let conn = state.store.connection();
    let company = caller.company_id;
    let visible: Option<HashSet<i64>> = match Scope::of(&state.store, &caller).await? {
        Scope::Company => None,
        Scope::Departments(ids) => Some(ids.into_iter().collect()),
        Scope::Myself(employee) => {
            let own = match employee {
                Some(id) => departments::of_employee(conn, company, davomat_core::EmployeeId(id))
                    .await?
                    .map(|d| d.0),
                None => None,
            };
            Some(own.into_iter().collect())
        }
    };
    let rows = departments::all(conn, company).await?;
    let forest = Forest::new(&rows, |id| visible.as_ref().is_none_or(|v| v.contains(&id)));
    let total = forest.roots.len() as u64;
    let items = forest
        .roots
        .iter()
        .skip(usize::try_from(list.page.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(list.page.per_page).unwrap_or(usize::MAX))
        .map(|root| forest.object(root))
        .collect();
    Ok(Json(list.envelope(items, total)))
}

async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = path_id(&id)?;
    Ok(Json(department_object(&state, &caller, id).await?))
}

/// The Department object of `id` with everything below it; 404 outside the company.
async fn department_object(
    state: &AppState,
    caller: &Caller,
    id: DepartmentId,
) -> ApiResult<Value> {
    let rows = departments::subtree(state.store.connection(), caller.company_id, id).await?;
    let forest = Forest::new(&rows, |_| true);
    let row = rows
        .iter()
        .find(|r| r.id == id.0)
        .ok_or(ApiError::NotFound)?;
    Ok(forest.object(row))
}

/// The `pid` field: absent, null or empty leaves the parent as it is; 0 is the root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Parent {
    Root,
    Of(DepartmentId),
}

fn read_parent(fields: &Fields, errors: &mut FieldErrors) -> Option<Parent> {
    match fields.int("pid", errors)? {
        0 => Some(Parent::Root),
        id if id > 0 => Some(Parent::Of(DepartmentId(id))),
        _ => {
            errors.add("pid", FieldCode::InvalidValue, Reason::Plain);
            None
        }
    }
}

/// A transaction holding the company's department write lock.
async fn begin(state: &AppState, caller: &Caller) -> ApiResult<WriteTransaction> {
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    departments::lock(&txn, caller.company_id).await?;
    Ok(txn)
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin])?;
    let fields = body_fields(request).await?;
    let mut errors = FieldErrors::new();
    let title = fields.required_text("title", &mut errors);
    if let Some(title) = &title {
        check_title("title", title, TITLE_MIN, TITLE_MAX, &mut errors);
    }
    let parent = read_parent(&fields, &mut errors);
    let company = caller.company_id;
    let actor = caller.actor(&state.store).await?;
    let txn = begin(&state, &caller).await?;
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
        title: title.unwrap_or_default().trim().to_string(),
        pid,
    };
    let id = departments::create(&txn, company, &new, state.clock.now()).await?;
    let message = Message::Created {
        kind: ObjectKind::Department,
        title: new.title.clone(),
    };
    activity::record(
        &txn,
        NewActivity::object_change(
            caller.company_id,
            actor.clone(),
            "createdDepartment",
            id.0,
            message,
        ),
        caller.company_lang,
        state.clock.now(),
    )
    .await?;
    davomat_store::commit(txn).await?;
    let object = department_object(&state, &caller, id).await?;
    Ok((StatusCode::CREATED, Json(object)))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let id = path_id(&id)?;
    let company = caller.company_id;
    departments::find(state.store.connection(), company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let fields = body_fields(request).await?;
    let mut errors = FieldErrors::new();
    // An empty title is "not set" (CONTRACT.md §1): PUT and PATCH change what they name.
    let title = fields
        .text("title", &mut errors)
        .filter(|t| !t.trim().is_empty());
    if let Some(title) = &title {
        check_title("title", title, TITLE_MIN, TITLE_MAX, &mut errors);
    }
    let parent = read_parent(&fields, &mut errors);
    let actor = caller.actor(&state.store).await?;
    let txn = begin(&state, &caller).await?;
    let current = departments::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let pid = match parent {
        None => current.pid.map(DepartmentId),
        Some(Parent::Root) => None,
        Some(Parent::Of(pid)) => {
            if departments::find(&txn, company, pid).await?.is_none() {
                errors.add("pid", FieldCode::UnknownReference, Reason::Plain);
            } else if departments::subtree_ids(&txn, company, id)
                .await?
                .contains(&pid.0)
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
        title: title
            .as_deref()
            .unwrap_or(&current.title)
            .trim()
            .to_string(),
        pid,
    };
    let unchanged = changed.title == current.title && changed.pid.map(|p| p.0) == current.pid;
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
        activity::record(
            &txn,
            NewActivity::object_change(
                caller.company_id,
                actor.clone(),
                "updatedDepartment",
                id.0,
                message,
            ),
            caller.company_lang,
            state.clock.now(),
        )
        .await?;
    }
    davomat_store::commit(txn).await?;
    Ok(Json(department_object(&state, &caller, id).await?))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let id = path_id(&id)?;
    let company = caller.company_id;
    let actor = caller.actor(&state.store).await?;
    let txn = begin(&state, &caller).await?;
    let rows = departments::subtree(&txn, company, id).await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound);
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    if departments::in_use(&txn, company, &ids).await? {
        return Err(ApiError::DeleteRefused);
    }
    match departments::delete(&txn, company, &ids).await {
        Ok(_) => {}
        // Something attached in the meantime: the database's restriction answers.
        Err(StoreError::Conflict(_)) => return Err(ApiError::DeleteRefused),
        Err(err) => return Err(err.into()),
    }
    // One row per department that went, the one asked for first.
    let now = state.clock.now();
    let ordered = rows
        .iter()
        .filter(|r| r.id == id.0)
        .chain(rows.iter().filter(|r| r.id != id.0));
    for row in ordered {
        let message = Message::Deleted {
            kind: ObjectKind::Department,
            title: row.title.clone(),
        };
        activity::record(
            &txn,
            NewActivity::object_change(
                caller.company_id,
                actor.clone(),
                "deletedDepartment",
                row.id,
                message,
            ),
            caller.company_lang,
            now,
        )
        .await?;
    }
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"message": "success"})))
}

/// The Department object, nested through `childs`.
fn department_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "title", "pid", "count_employees", "childs"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "pid": {"type": ["integer", "null"], "description": "the parent; null at the root"},
            "count_employees": {"type": "integer", "description": "active employees of this department itself (sub-departments not counted)"},
            "childs": {"type": "array", "description": "sub-departments, each a Department object", "items": {"type": "object"}}
        }
    })
}

fn id_parameter() -> Value {
    id_in_path("id")
}

fn write_body(title_required: bool) -> Value {
    let mut schema = json!({"type": "object", "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 200,
                  "description": "letters, digits, space and ' ` _ ( ) & - № , . ; unique among the siblings"},
        "pid": {"type": ["integer", "string"], "description": "the parent department; 0 moves to the root"}
    }});
    if title_required {
        schema["required"] = json!(["title"]);
    }
    body(schema)
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let department = department_schema;
    let invalid = || {
        (
            "422",
            "title missing (8002), too long or with other characters (8003), pid below 0 or under itself (8003), pid not a department of the company (8004), title taken among the siblings (8008)",
            schema_ref("ValidationError"),
        )
    };
    let update = |method: &'static str| Operation {
        method,
        path: "/v1/departments/{id}",
        tag: "Departments",
        summary: if method == "put" {
            "Rename or move a department"
        } else {
            "Rename or move a department (PATCH form)"
        },
        description: "Admins only. Changes what the body names: title, pid (0 moves to the root). PUT and PATCH are the same partial update.",
        secured: true,
        parameters: vec![id_parameter()],
        request: Some(write_body(false)),
        responses: with_errors(
            true,
            vec![
                (
                    "200",
                    "The department with its sub-departments",
                    department(),
                ),
                (
                    "404",
                    "No such department in the company (3000)",
                    schema_ref("Error"),
                ),
                invalid(),
            ],
        ),
    };
    vec![
        Operation {
            method: "get",
            path: "/v1/departments",
            tag: "Departments",
            summary: "The departments of the caller's scope",
            description: "Items are the top departments of the caller's scope, by id, each with its childs to any depth; a page counts top departments. Admins see the company; heads, managers and observers the departments assigned to them and below; employees their own department.",
            secured: true,
            parameters: paging(),
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "One page of top departments",
                    json!({"type": "object", "properties": {
                        "items": {"type": "array", "items": department()},
                        "_links": schema_ref("Links"),
                        "_meta": schema_ref("Meta")
                    }}),
                )],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/departments",
            tag: "Departments",
            summary: "Create a department",
            description: "Admins only. Without pid (or with 0) the department is at the root.",
            secured: true,
            parameters: vec![],
            request: Some(write_body(true)),
            responses: with_errors(
                true,
                vec![("201", "The new department", department()), invalid()],
            ),
        },
        Operation {
            method: "get",
            path: "/v1/departments/{id}",
            tag: "Departments",
            summary: "One department and its sub-departments",
            description: "Any role of the company.",
            secured: true,
            parameters: vec![id_parameter()],
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "The department", department()),
                    (
                        "404",
                        "No such department in the company (3000)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
        update("put"),
        update("patch"),
        Operation {
            method: "delete",
            path: "/v1/departments/{id}",
            tag: "Departments",
            summary: "Delete a department and its empty sub-departments",
            description: "Admins only. Refused (7011) while an employee of any status is in the department or below, or an open period of an employee's department history is. Closed history periods in them are deleted with them.",
            secured: true,
            parameters: vec![id_parameter()],
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "Deleted", schema_ref("Message")),
                    ("400", "Employees attached (7011)", schema_ref("Error")),
                    (
                        "404",
                        "No such department in the company (3000)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
    ]
}
