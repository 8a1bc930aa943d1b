//! `/v1/departments`: the company's department tree.
//!
//! - `GET /v1/departments`: the top departments of the caller's scope, each with its
//!   `childs` nested to any depth; a page counts top departments.
//! - `POST /v1/departments`: create one (admins; 201).
//! - `GET /v1/departments/{id}`: one department and everything below it (any role).
//! - `PUT`, `PATCH /v1/departments/{id}`: rename and/or move (admins; both partial).
//! - `DELETE /v1/departments/{id}`: delete it with its empty sub-departments (admins);
//!   400/7011 while an employee is in it or below.
//!
//! The rules are the use cases' (`davomat_app::departments`); these handlers read the
//! request, call them and render the Department object.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use davomat_app::departments::{self as use_cases, Department, DepartmentChange, NewDepartment};
use davomat_core::DepartmentId;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiError, ApiResult, ErrorBody, MessageBody, ValidationBody};
use crate::guard::Access;
use crate::input::body_fields;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(list))
        .documented(Access::Authenticated, routes!(create))
        .documented(Access::Authenticated, routes!(get))
        .documented(Access::Authenticated, routes!(update))
        .documented(Access::Authenticated, routes!(delete))
}

/// A department with its sub-departments.
#[derive(Serialize, ToSchema)]
#[schema(as = Department)]
pub struct DepartmentObject {
    #[schema(value_type = i64)]
    id: DepartmentId,
    #[schema(example = "Sales")]
    title: String,
    /// The parent; null at the root.
    #[schema(value_type = Option<i64>)]
    pid: Option<DepartmentId>,
    /// Active employees of this department itself (sub-departments not counted).
    count_employees: i64,
    /// The sub-departments, each a Department object, by id.
    #[schema(no_recursion)]
    childs: Vec<DepartmentObject>,
}

impl From<&Department> for DepartmentObject {
    fn from(department: &Department) -> Self {
        DepartmentObject {
            id: department.row.id,
            title: department.row.title.clone(),
            pid: department.row.pid,
            count_employees: department.row.count_employees,
            childs: department
                .childs
                .iter()
                .map(DepartmentObject::from)
                .collect(),
        }
    }
}

/// A path id: anything that is not an integer names no department (404/3000).
fn path_id(raw: &str) -> ApiResult<DepartmentId> {
    raw.trim()
        .parse::<i64>()
        .map(DepartmentId)
        .map_err(|_| ApiError::NotFound)
}

/// The departments of the caller's scope
///
/// Items are the top departments of the caller's scope, by id, each with its childs to
/// any depth; a page counts top departments. Admins see the company; heads, managers and
/// observers the departments assigned to them and below; employees their own department.
#[utoipa::path(get, path = "/v1/departments", tag = "Departments", params(Paging),
    responses((status = 200, description = "One page of top departments", body = Envelope<DepartmentObject>)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Envelope<DepartmentObject>>> {
    let roots = use_cases::list(&state.store, &caller).await?;
    let total = roots.len() as u64;
    let items = roots
        .iter()
        .skip(usize::try_from(list.page.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(list.page.per_page).unwrap_or(usize::MAX))
        .map(DepartmentObject::from)
        .collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// One department and its sub-departments
///
/// Any role of the company.
#[utoipa::path(get, path = "/v1/departments/{id}", tag = "Departments",
    params(("id" = i64, Path, description = "The department's id")),
    responses(
        (status = 200, description = "The department", body = DepartmentObject),
        (status = 404, description = "No such department in the company (3000)", body = ErrorBody),
    ))]
async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<DepartmentObject>> {
    let department = use_cases::get(&state.store, &caller, path_id(&id)?).await?;
    Ok(Json(DepartmentObject::from(&department)))
}

/// Create a department
///
/// Admins only. Without pid (or with 0) the department is at the root.
#[utoipa::path(post, path = "/v1/departments", tag = "Departments",
    request_body(content(
        (NewDepartment = "application/json"),
        (NewDepartment = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "The new department", body = DepartmentObject),
        (status = 422, description = "title missing (8002), too long or with other characters (8003), pid below 0 (8003), pid not a department of the company (8004), title taken among the siblings (8008)", body = ValidationBody),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<DepartmentObject>)> {
    use_cases::authorize(&caller)?;
    let new: NewDepartment = body_fields(request).await?.request()?;
    let department = use_cases::create(&state.store, &caller, new, state.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(DepartmentObject::from(&department)),
    ))
}

/// Rename or move a department
///
/// Admins only. Changes what the body names: title, pid (0 moves to the root). PUT and
/// PATCH are the same partial update.
#[utoipa::path(method(put, patch), path = "/v1/departments/{id}", tag = "Departments",
    params(("id" = i64, Path, description = "The department's id")),
    request_body(content(
        (DepartmentChange = "application/json"),
        (DepartmentChange = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The department with its sub-departments", body = DepartmentObject),
        (status = 404, description = "No such department in the company (3000)", body = ErrorBody),
        (status = 422, description = "title too long or with other characters (8003), pid below 0 or under itself (8003), pid not a department of the company (8004), title taken among the siblings (8008)", body = ValidationBody),
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<DepartmentObject>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::require_exists(&state.store, &caller, id).await?;
    let change: DepartmentChange = body_fields(request).await?.request()?;
    let department =
        use_cases::update(&state.store, &caller, id, change, state.clock.now()).await?;
    Ok(Json(DepartmentObject::from(&department)))
}

/// Delete a department and its empty sub-departments
///
/// Admins only. Refused (7011) while an employee of any status is in the department or
/// below, or an open period of an employee's department history is. Closed history
/// periods in them are deleted with them.
#[utoipa::path(delete, path = "/v1/departments/{id}", tag = "Departments",
    params(("id" = i64, Path, description = "The department's id")),
    responses(
        (status = 200, description = "Deleted", body = MessageBody),
        (status = 400, description = "Employees attached (7011)", body = ErrorBody),
        (status = 404, description = "No such department in the company (3000)", body = ErrorBody),
    ))]
async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::delete(&state.store, &caller, id, state.clock.now()).await?;
    Ok(Json(MessageBody::success()))
}
