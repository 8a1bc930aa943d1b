//! `POST /v1/employees`: hire an employee (admins; heads into the departments they
//! oversee), optionally with a login user (`username`), a role, the departments that
//! role oversees and a password (ext). 201 with the Employee object.
//!
//! The rules (who may hire whom, every field's check, the login and its role) are the
//! use case's (`davomat_app::hiring`); this handler reads the request, calls it and
//! renders the Employee object.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use davomat_app::hiring::{self, Hire};

use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody, ValidationBody};
use crate::input::body_fields;
use crate::objects::{Employee, PhotoBase};
use crate::{AppState, objects};

/// Hire an employee
///
/// Admins; heads into the departments they oversee (403/7004 otherwise). JSON or form
/// body (arrays as a[]=1&a[]=2 or a=1,2). qrcode is generated; pin_code too unless one is
/// sent (ext: the PIN a terminal already knows the employee by). With username a login
/// user is created with the given role (default 5) and password. Writes addEmployee (and
/// assignedRole for roles 1..4) in the activity log.
#[utoipa::path(post, path = "/v1/employees", tag = "Employees",
    request_body(content(
        (Hire = "application/json"),
        (Hire = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "The new employee", body = Employee<'static>),
        (status = 400, description = "The company's employee limit is reached (7012), or a malformed body (4001)", body = ErrorBody),
        (status = 403, description = "Not an admin or head, or the department is outside the head's (7004)", body = ErrorBody),
        (status = 422, description = "Every failing field: 8002 required, 8003 invalid, 8004 id not in the company, 8005 role not grantable, 8006 invalid role, 8007 invalid email, 8008 username, tab_number or pin_code taken, 8009 date format, 8010 schedule_start_date before start_date", body = ValidationBody),
    ))]
pub(super) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    request: Request,
) -> ApiResult<Response> {
    hiring::authorize(&caller)?;
    let hire: Hire = super::with_notes(body_fields(request).await?).request()?;
    let card = hiring::hire(&state.store, &caller, hire, state.clock.now()).await?;
    // Serialised here: the Employee object borrows the card.
    let body = serde_json::to_vec(&objects::employee(&card, &photo_base))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}
