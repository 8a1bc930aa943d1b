//! An employee's department and position history: `GET /v1/employees/{id}/departments`,
//! `GET /v1/employees/{id}/positions` (paginated), and removing the pending change:
//! `DELETE /v1/employees/{id}/department`, `DELETE /v1/employees/{id}/position`.
//!
//! The rules (who sees whose history, who may remove a pending change, its activity row)
//! are the use cases' (`davomat_app::employee_history`); these handlers read the path,
//! call them and render the periods.

use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use davomat_app::employee_history as use_cases;
use davomat_core::EmployeeId;
use davomat_store::employees::history::{Kind, Period};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiResult, ErrorBody, MessageBody};
use crate::guard::Access;
use crate::input::path_id;
use crate::routes::RouteTable;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(departments))
        .documented(Access::Authenticated, routes!(positions))
        .documented(Access::Authenticated, routes!(drop_department))
        .documented(Access::Authenticated, routes!(drop_position))
}

/// One period of an employee in a department.
#[derive(Serialize, ToSchema)]
#[schema(as = EmployeeDepartmentPeriod)]
pub struct DepartmentPeriodObject {
    id: i64,
    employee_id: i64,
    department_id: i64,
    department_title: String,
    /// True when the period covers today.
    department_is_active: bool,
    #[schema(format = Date, example = "2025-01-15")]
    start_date: String,
    /// The period's last day; null while it is open.
    #[schema(format = Date)]
    end_date: Option<String>,
}

impl DepartmentPeriodObject {
    fn of(period: &Period, today: NaiveDate) -> Self {
        DepartmentPeriodObject {
            id: period.id,
            employee_id: period.employee_id,
            department_id: period.object_id,
            department_title: period.object_title.clone(),
            department_is_active: period.covers(today),
            start_date: period.start_date.to_string(),
            end_date: period.end_date.map(|d| d.to_string()),
        }
    }
}

/// One period of an employee in a position.
#[derive(Serialize, ToSchema)]
#[schema(as = EmployeePositionPeriod)]
pub struct PositionPeriodObject {
    id: i64,
    employee_id: i64,
    /// The employee's id again, under the reference's name.
    person_id: i64,
    position_id: i64,
    position_title: String,
    /// True when the period covers today.
    position_is_active: bool,
    #[schema(format = Date, example = "2025-01-15")]
    start_date: String,
    /// The period's last day; null while it is open.
    #[schema(format = Date)]
    end_date: Option<String>,
}

impl PositionPeriodObject {
    fn of(period: &Period, today: NaiveDate) -> Self {
        PositionPeriodObject {
            id: period.id,
            employee_id: period.employee_id,
            person_id: period.employee_id,
            position_id: period.object_id,
            position_title: period.object_title.clone(),
            position_is_active: period.covers(today),
            start_date: period.start_date.to_string(),
            end_date: period.end_date.map(|d| d.to_string()),
        }
    }
}

/// One page of the employee's periods of `kind`, each rendered by `shape`.
async fn history_page<T: Serialize>(
    state: &AppState,
    caller: &Caller,
    id: &str,
    list: &ListRequest,
    kind: Kind,
    shape: impl Fn(&Period, NaiveDate) -> T,
) -> ApiResult<Json<Envelope<T>>> {
    let employee = EmployeeId(path_id(id)?);
    let (periods, total) =
        use_cases::periods(&state.store, caller, employee, kind, list.page).await?;
    let today = caller.today(state.clock.now());
    let items = periods.iter().map(|p| shape(p, today)).collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// An employee's department history
///
/// Oldest period first; a period starting after today is a pending change. Roles see the
/// employees of their scope (an employee themself).
#[utoipa::path(get, path = "/v1/employees/{id}/departments", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id"), Paging),
    responses(
        (status = 200, description = "One page of periods", body = Envelope<DepartmentPeriodObject>),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
    ))]
async fn departments(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    list: ListRequest,
) -> ApiResult<Json<Envelope<DepartmentPeriodObject>>> {
    history_page(
        &state,
        &caller,
        &id,
        &list,
        Kind::Department,
        DepartmentPeriodObject::of,
    )
    .await
}

/// An employee's position history
///
/// Oldest period first; a period starting after today is a pending change. Roles see the
/// employees of their scope (an employee themself).
#[utoipa::path(get, path = "/v1/employees/{id}/positions", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id"), Paging),
    responses(
        (status = 200, description = "One page of periods", body = Envelope<PositionPeriodObject>),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
    ))]
async fn positions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    list: ListRequest,
) -> ApiResult<Json<Envelope<PositionPeriodObject>>> {
    history_page(
        &state,
        &caller,
        &id,
        &list,
        Kind::Position,
        PositionPeriodObject::of,
    )
    .await
}

async fn drop_pending(
    state: &AppState,
    caller: &Caller,
    id: &str,
    kind: Kind,
) -> ApiResult<Json<MessageBody>> {
    use_cases::authorize(caller)?;
    let employee = EmployeeId(path_id(id)?);
    use_cases::drop_pending(&state.store, caller, employee, kind, state.clock.now()).await?;
    Ok(Json(MessageBody::success()))
}

/// Remove the pending department change (admin, head)
///
/// Removes the pending change and reopens the period it would have closed. 400/4001 when
/// nothing is pending.
#[utoipa::path(delete, path = "/v1/employees/{id}/department", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id")),
    responses(
        (status = 200, description = "Removed", body = MessageBody),
        (status = 400, description = "Nothing is pending (4001)", body = ErrorBody),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
    ))]
async fn drop_department(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    drop_pending(&state, &caller, &id, Kind::Department).await
}

/// Remove the pending position change (admin, head)
///
/// Removes the pending change and reopens the period it would have closed. 400/4001 when
/// nothing is pending.
#[utoipa::path(delete, path = "/v1/employees/{id}/position", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id")),
    responses(
        (status = 200, description = "Removed", body = MessageBody),
        (status = 400, description = "Nothing is pending (4001)", body = ErrorBody),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
    ))]
async fn drop_position(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    drop_pending(&state, &caller, &id, Kind::Position).await
}
