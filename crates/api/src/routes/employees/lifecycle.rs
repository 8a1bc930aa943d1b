//! An employee's lifecycle: `POST /v1/employees/{id}/dismiss`, `/cancel-dismiss`,
//! `/recovery`, `/reestablish` and `DELETE /v1/employees/{id}/remove`. Each answers
//! `{"success": true}`. The rules are the use cases' (`davomat_app::employee_lifecycle`);
//! these handlers read the request, call them and answer.

use axum::Json;
use axum::extract::{Path, Request, State};
use davomat_app::employee_lifecycle::{self as use_cases, Dismissal, Recovery, Step};
use davomat_core::EmployeeId;
use utoipa_axum::routes;

use crate::AppState;
use crate::caller::Caller;
use crate::error::{ApiResult, ErrorBody, SuccessBody, ValidationBody};
use crate::guard::Access;
use crate::input::{body_fields, path_id};
use crate::routes::RouteTable;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(dismiss))
        .documented(Access::Authenticated, routes!(cancel_dismiss))
        .documented(Access::Authenticated, routes!(recovery))
        .documented(Access::Authenticated, routes!(reestablish))
        .documented(Access::Authenticated, routes!(remove))
}

/// The employee behind the path.
fn employee(id: &str) -> ApiResult<EmployeeId> {
    Ok(EmployeeId(path_id(id)?))
}

fn success() -> Json<SuccessBody> {
    Json(SuccessBody::new())
}

/// The 400 of every step.
const NOT_APPLICABLE: &str =
    "The action does not apply to the employee now (4001); the employee limit is reached (7012)";

/// Dismiss an employee (admin, head)
///
/// exp_date is the last day employed; the employee counts as dismissed from the next
/// day. A future date makes the dismissal pending.
#[utoipa::path(post, path = "/v1/employees/{id}/dismiss", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id")),
    request_body(content(
        (Dismissal = "application/json"),
        (Dismissal = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Done", body = SuccessBody),
        (status = 400, description = NOT_APPLICABLE, body = ErrorBody),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
        (status = 422, description = "exp_date missing (8002), malformed (8009) or before start_date (8010)", body = ValidationBody),
    ))]
async fn dismiss(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<SuccessBody>> {
    let employee = employee(&id)?;
    // Refused before the body is read (400 comes before 422).
    use_cases::check(&state.store, &caller, employee, Step::Dismiss).await?;
    let dismissal: Dismissal = body_fields(request).await?.request()?;
    let now = state.clock.now();
    use_cases::dismiss(&state.store, &caller, employee, dismissal, now).await?;
    Ok(success())
}

/// Cancel a pending dismissal (admin, head)
///
/// 400/4001 when none is pending.
#[utoipa::path(post, path = "/v1/employees/{id}/cancel-dismiss", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id")),
    responses(
        (status = 200, description = "Done", body = SuccessBody),
        (status = 400, description = NOT_APPLICABLE, body = ErrorBody),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
    ))]
async fn cancel_dismiss(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SuccessBody>> {
    let now = state.clock.now();
    use_cases::cancel_dismissal(&state.store, &caller, employee(&id)?, now).await?;
    Ok(success())
}

/// Re-hire a dismissed employee (admin)
///
/// efct_date is the first day employed again (a future one is pending); start_date
/// defaults to it; location_ids is a list, "1,2" or "*"; code is the tab number.
#[utoipa::path(post, path = "/v1/employees/{id}/recovery", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id")),
    request_body(content(
        (Recovery = "application/json"),
        (Recovery = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Done", body = SuccessBody),
        (status = 400, description = NOT_APPLICABLE, body = ErrorBody),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
        (status = 422, description = "missing fields (8002), ids not in the company (8004), code taken (8008), malformed dates (8009), efct_date not after the last day employed (8010)", body = ValidationBody),
    ))]
async fn recovery(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<SuccessBody>> {
    let employee = employee(&id)?;
    use_cases::check(&state.store, &caller, employee, Step::Recover).await?;
    let recovery: Recovery = body_fields(request).await?.request()?;
    let now = state.clock.now();
    use_cases::recover(&state.store, &caller, employee, recovery, now).await?;
    Ok(success())
}

/// Cancel a pending re-hire (admin)
///
/// 400/4001 when none is pending.
#[utoipa::path(post, path = "/v1/employees/{id}/reestablish", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id")),
    responses(
        (status = 200, description = "Done", body = SuccessBody),
        (status = 400, description = NOT_APPLICABLE, body = ErrorBody),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
    ))]
async fn reestablish(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SuccessBody>> {
    let now = state.clock.now();
    use_cases::cancel_recovery(&state.store, &caller, employee(&id)?, now).await?;
    Ok(success())
}

/// Remove a dismissed employee (admin)
///
/// Removes the person and everything that hangs on it, its login included. 400/4001
/// unless dismissed.
#[utoipa::path(delete, path = "/v1/employees/{id}/remove", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id")),
    responses(
        (status = 200, description = "Done", body = SuccessBody),
        (status = 400, description = NOT_APPLICABLE, body = ErrorBody),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
    ))]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SuccessBody>> {
    let now = state.clock.now();
    use_cases::remove(&state.store, &caller, employee(&id)?, now).await?;
    Ok(success())
}
