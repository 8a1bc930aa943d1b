//! `PUT /v1/employees/{id}`: a partial update of an employee (admins; heads for the
//! employees of their departments). Answers 200 with the Employee object, bare, as the
//! reference shows and as CONTRACT.md §1 has single objects (only `GET` of one employee
//! wraps it in `{"success", "data"}`).
//!
//! The rules (who may edit whom, what each field sent means, the activity rows) are
//! the use case's (`davomat_app::employee_edit`); this handler reads which fields were
//! sent, calls it and renders the Employee object.

use axum::extract::{Path, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use davomat_app::employee_edit::{self as use_cases, EmployeeEdit};
use davomat_core::EmployeeId;

use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody, ValidationBody};
use crate::input::{body_fields, path_id};
use crate::objects::{Employee, PhotoBase};
use crate::{AppState, objects};

/// Edit an employee (partial)
///
/// Admins; heads for the employees of their departments, into their departments
/// (403/7004 otherwise). JSON or form body. Answers the Employee object. A department or
/// position change takes effect on efct_date (pending when later than today); schedule
/// and locations change at once. Writes editPersonProfile, editEmployeeCode,
/// transferEmpDep, assignedPosition, assignedSchedule, assignedLocation as the change
/// calls for; a change that changes nothing writes nothing.
#[utoipa::path(put, path = "/v1/employees/{id}", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id")),
    request_body(content(
        (EmployeeEdit = "application/json"),
        (EmployeeEdit = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The employee as it is now", body = Employee<'static>),
        (status = 400, description = "A malformed body (4001)", body = ErrorBody),
        (status = 403, description = "Not an admin or head, or the employee or the new department is outside the head's (7004)", body = ErrorBody),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
        (status = 422, description = "Every failing field: 8002 required field emptied, 8003 invalid, 8004 id not in the company, 8008 tab_number or pin_code taken, 8009 date format, 8010 schedule_start_date or efct_date before start_date", body = ValidationBody),
    ))]
pub(super) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    let employee = EmployeeId(path_id(&id)?);
    // Refused before the body is read (403 and 404 come before 400 and 422).
    use_cases::check(&state.store, &caller, employee).await?;
    let edit: EmployeeEdit = super::with_notes(body_fields(request).await?).request()?;
    let card = use_cases::edit(&state.store, &caller, employee, edit, state.clock.now()).await?;
    // Serialised here: the Employee object borrows the card.
    let body = serde_json::to_vec(&objects::employee(&card, &photo_base))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
