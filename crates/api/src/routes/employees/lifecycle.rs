//! An employee's lifecycle: `POST /v1/employees/{id}/dismiss`, `/cancel-dismiss`,
//! `/recovery`, `/reestablish` and `DELETE /v1/employees/{id}/remove`. Each answers
//! `{"success": true}`. The rules are the use cases' (`davomat_app::employee_lifecycle`);
//! these handlers read the request, call them and answer.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::Method;
use davomat_app::employee_lifecycle::{self as use_cases, Dismissal, Recovery, Step};
use davomat_core::EmployeeId;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::error::ApiResult;
use crate::guard::Access;
use crate::input::{body_fields, path_id};
use crate::openapi::{Operation, body, id_in_path, schema_ref, with_errors};
use crate::routes::RouteTable;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(
            Method::POST,
            "/v1/employees/{id}/dismiss",
            Access::Authenticated,
            dismiss,
        )
        .add(
            Method::POST,
            "/v1/employees/{id}/cancel-dismiss",
            Access::Authenticated,
            cancel_dismiss,
        )
        .add(
            Method::POST,
            "/v1/employees/{id}/recovery",
            Access::Authenticated,
            recovery,
        )
        .add(
            Method::POST,
            "/v1/employees/{id}/reestablish",
            Access::Authenticated,
            reestablish,
        )
        .add(
            Method::DELETE,
            "/v1/employees/{id}/remove",
            Access::Authenticated,
            remove,
        )
}

/// The employee behind the path.
fn employee(id: &str) -> ApiResult<EmployeeId> {
    Ok(EmployeeId(path_id(id)?))
}

fn success() -> Json<Value> {
    Json(json!({"success": true}))
}

async fn dismiss(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    let employee = employee(&id)?;
    // Refused before the body is read (400 comes before 422).
    use_cases::check(&state.store, &caller, employee, Step::Dismiss).await?;
    let fields = body_fields(request).await?;
    let dismissal = Dismissal {
        exp_date: fields.sent_text("exp_date"),
    };
    let now = state.clock.now();
    use_cases::dismiss(&state.store, &caller, employee, dismissal, now).await?;
    Ok(success())
}

async fn cancel_dismiss(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = state.clock.now();
    use_cases::cancel_dismissal(&state.store, &caller, employee(&id)?, now).await?;
    Ok(success())
}

async fn recovery(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    let employee = employee(&id)?;
    use_cases::check(&state.store, &caller, employee, Step::Recover).await?;
    let fields = body_fields(request).await?;
    let recovery = Recovery {
        department_id: fields.sent_int("department_id"),
        schedule_id: fields.sent_int("schedule_id"),
        position_id: fields.sent_int("position_id"),
        efct_date: fields.sent_text("efct_date"),
        start_date: fields.sent_text("start_date"),
        location_ids: fields.sent_locations("location_ids"),
        code: fields.sent_text("code"),
    };
    let now = state.clock.now();
    use_cases::recover(&state.store, &caller, employee, recovery, now).await?;
    Ok(success())
}

async fn reestablish(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = state.clock.now();
    use_cases::cancel_recovery(&state.store, &caller, employee(&id)?, now).await?;
    Ok(success())
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = state.clock.now();
    use_cases::remove(&state.store, &caller, employee(&id)?, now).await?;
    Ok(success())
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let id = id_in_path("id");
    let action = |method: &'static str,
                  path: &'static str,
                  summary: &'static str,
                  description: &'static str,
                  request: Option<Value>,
                  invalid: &'static str| Operation {
        method,
        path,
        tag: "Employees",
        summary,
        description,
        secured: true,
        parameters: vec![id.clone()],
        request: request.map(body),
        responses: with_errors(
            true,
            vec![
                ("200", "Done", schema_ref("Success")),
                (
                    "400",
                    "The action does not apply to the employee now (4001); the employee limit is reached (7012)",
                    schema_ref("Error"),
                ),
                (
                    "404",
                    "No such employee in the company (3000)",
                    schema_ref("Error"),
                ),
                ("422", invalid, schema_ref("ValidationError")),
            ],
        ),
    };
    vec![
        action(
            "post",
            "/v1/employees/{id}/dismiss",
            "Dismiss an employee (admin, head)",
            "exp_date is the last day employed; the employee counts as dismissed from the next day. A future date makes the dismissal pending.",
            Some(
                json!({"type": "object", "required": ["exp_date"], "properties": {"exp_date": {"type": "string", "format": "date"}}}),
            ),
            "exp_date missing (8002), malformed (8009) or before start_date (8010)",
        ),
        action(
            "post",
            "/v1/employees/{id}/cancel-dismiss",
            "Cancel a pending dismissal (admin, head)",
            "400/4001 when none is pending.",
            None,
            "—",
        ),
        action(
            "post",
            "/v1/employees/{id}/recovery",
            "Re-hire a dismissed employee (admin)",
            "efct_date is the first day employed again (a future one is pending); start_date defaults to it; location_ids is a list, \"1,2\" or \"*\"; code is the tab number.",
            Some(
                json!({"type": "object", "required": ["department_id", "schedule_id", "efct_date", "location_ids"], "properties": {
                "department_id": {"type": "integer"}, "schedule_id": {"type": "integer"}, "efct_date": {"type": "string", "format": "date"},
                "start_date": {"type": "string", "format": "date"}, "location_ids": {"type": ["array", "string"]},
                "position_id": {"type": "integer"}, "code": {"type": "string"}}}),
            ),
            "missing fields (8002), ids not in the company (8004), code taken (8008), malformed dates (8009), efct_date not after the last day employed (8010)",
        ),
        action(
            "post",
            "/v1/employees/{id}/reestablish",
            "Cancel a pending re-hire (admin)",
            "400/4001 when none is pending.",
            None,
            "—",
        ),
        action(
            "delete",
            "/v1/employees/{id}/remove",
            "Remove a dismissed employee (admin)",
            "Removes the person and everything that hangs on it, its login included. 400/4001 unless dismissed.",
            None,
            "—",
        ),
    ]
}
