//! `/v1/employees/time-off`: employees' time-offs (TimeEmployee).
//!
//! - `GET /v1/employees/time-off`: the caller's scope; `f=status&fv=0..3`,
//!   `start_date`/`end_date` (local dates; time-offs overlapping them), newest first.
//! - `GET /v1/employees/time-off/{id}`: any role of the company.
//! - `POST /v1/employees/time-off` (ext, SEMANTICS.md §12; 201): every role for
//!   themself; admins, heads and managers for their scope, and only they may pass
//!   `"status": 1` to create it accepted.
//! - `POST …/{id}/approve` → status 1, `POST …/{id}/reject` → status 2 (admins, heads,
//!   managers in scope); a deleted time-off cannot be decided (400/4001).
//! - `DELETE …/{id}` → status 3 (`{"success": true}`): admins, heads and managers in
//!   scope, or the owner while it is pending.
//!
//! A daily time-off covers whole local days (`start_date_time`'s date 00:00:00 to
//! `end_date_time`'s date 23:59:59; a bare date is accepted); an hourly one must begin
//! and end on one local day. Ending before the start is 8010.
//!
//! The rules of the changes (who may do what, every field's check) are the use cases'
//! (`davomat_app::time_offs`); these handlers read the request, call them and render
//! the TimeEmployee object.

use axum::Json;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{Method, StatusCode};
use davomat_app::time_offs::{self as use_cases, TimeOffRequest};
use davomat_core::engine::TimeOffStatus;
use davomat_core::zone::CompanyZone;
use davomat_store::time_offs::{self, TimeOff, TimeOffFilter};
use serde_json::{Value, json};

use super::RouteTable;
use super::positions::read_fields;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult, Malformed};
use crate::guard::Access;
use crate::input::{Fields, path_id, query_range};
use crate::openapi::{Operation, body, id_in_path, paging, query, schema_ref, with_errors};
use crate::scope::Scope;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(
            Method::GET,
            "/v1/employees/time-off",
            Access::Authenticated,
            list,
        )
        .add(
            Method::POST,
            "/v1/employees/time-off",
            Access::Authenticated,
            create,
        )
        .add(
            Method::GET,
            "/v1/employees/time-off/{id}",
            Access::Authenticated,
            get,
        )
        .add(
            Method::DELETE,
            "/v1/employees/time-off/{id}",
            Access::Authenticated,
            delete,
        )
        .add(
            Method::POST,
            "/v1/employees/time-off/{id}/approve",
            Access::Authenticated,
            approve,
        )
        .add(
            Method::POST,
            "/v1/employees/time-off/{id}/reject",
            Access::Authenticated,
            reject,
        )
}

/// The TimeEmployee object.
fn object(time_off: &TimeOff, zone: &CompanyZone) -> Value {
    json!({
        "id": time_off.id,
        "employee_id": time_off.employee_id,
        "start_date_time": zone.format(time_off.start_at),
        "end_date_time": zone.format(time_off.end_at),
        "description": time_off.description,
        "status": time_off.status,
        "paid": time_off.paid,
        "absence_type": time_off.absence_type,
        "absence": {
            "id": time_off.type_id,
            "title": time_off.type_title,
            "description": time_off.type_description,
            "color": time_off.type_color,
        },
        "created_at": zone.format(time_off.created_at),
    })
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let fields = Fields::from_query(raw.as_deref());
    let zone = caller.zone();
    let status = match (
        fields.query_text("f").as_deref().map(str::trim),
        fields.query_text("fv"),
    ) {
        (Some(f), _) if !f.is_empty() && f != "status" => {
            return Err(ApiError::Malformed(Malformed::QueryValue("f".into())));
        }
        (Some("status"), Some(value)) if !value.trim().is_empty() => {
            match value.trim().parse::<i64>() {
                Ok(status) if TimeOffStatus::from_id(status).is_some() => Some(status),
                _ => return Err(ApiError::Malformed(Malformed::QueryValue("fv".into()))),
            }
        }
        _ => None,
    };
    let (start, end) = query_range(
        fields.query_text("start_date").as_deref(),
        fields.query_text("end_date").as_deref(),
    )?;
    let filter = TimeOffFilter {
        visibility: Scope::of(&state.store, &caller).await?.visibility(),
        status,
        from: start.map(|d| zone.day_start(d)),
        to: end
            .and_then(|d| d.succ_opt())
            .map(|next| zone.day_start(next)),
        employees: None,
    };
    let (rows, total) = time_offs::list(
        state.store.connection(),
        caller.company_id,
        &filter,
        list.page,
    )
    .await?;
    let items = rows.iter().map(|t| object(t, &zone)).collect();
    Ok(Json(list.envelope(items, total)))
}

async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = path_id(&id)?;
    let time_off = time_offs::find(state.store.connection(), caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(object(&time_off, &caller.zone())))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (fields, _) = read_fields(request).await?;
    let request = TimeOffRequest {
        employee_id: fields.sent_int("employee_id"),
        absence_id: fields.sent_int("absence_id"),
        absence_type: fields.sent_text("absence_type"),
        start_date_time: fields.sent_text("start_date_time"),
        end_date_time: fields.sent_text("end_date_time"),
        paid: fields.sent_bool("paid"),
        description: fields.sent_text("description"),
        status: fields.sent_int("status"),
    };
    let time_off = use_cases::request(&state.store, &caller, request, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(object(&time_off, &caller.zone()))))
}

async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = state.clock.now();
    let time_off = use_cases::approve(&state.store, &caller, path_id(&id)?, now).await?;
    Ok(Json(object(&time_off, &caller.zone())))
}

async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = state.clock.now();
    let time_off = use_cases::reject(&state.store, &caller, path_id(&id)?, now).await?;
    Ok(Json(object(&time_off, &caller.zone())))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = state.clock.now();
    use_cases::cancel(&state.store, &caller, path_id(&id)?, now).await?;
    Ok(Json(json!({"success": true})))
}

fn time_off_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "employee_id", "start_date_time", "end_date_time", "description", "status", "paid", "absence_type", "absence", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "employee_id": {"type": "integer"},
            "start_date_time": {"type": "string", "description": "local YYYY-MM-DD HH:MM:SS"},
            "end_date_time": {"type": "string", "description": "local YYYY-MM-DD HH:MM:SS (a daily time-off ends at 23:59:59)"},
            "description": {"type": ["string", "null"]},
            "status": {"type": "integer", "enum": [0, 1, 2, 3], "description": "0 pending, 1 accepted, 2 rejected, 3 deleted"},
            "paid": {"type": "boolean"},
            "absence_type": {"type": "string", "enum": ["daily", "hourly"]},
            "absence": schema_ref("TimeOffType"),
            "created_at": {"type": "string"}
        }
    })
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let id = || vec![id_in_path("id")];
    let not_found = || {
        (
            "404",
            "No such time-off in the company (3000)",
            schema_ref("Error"),
        )
    };
    let not_applicable = || ("400", "The time-off is deleted (4001)", schema_ref("Error"));
    let mut list_parameters = paging();
    list_parameters.extend([
        query(
            "f",
            "`status` to filter by status",
            json!({"type": "string", "enum": ["status"]}),
        ),
        query(
            "fv",
            "the status: 0 pending, 1 accepted, 2 rejected, 3 deleted",
            json!({"type": "integer"}),
        ),
        query(
            "start_date",
            "time-offs ending on or after this local date",
            json!({"type": "string", "format": "date"}),
        ),
        query(
            "end_date",
            "time-offs starting on or before this local date",
            json!({"type": "string", "format": "date"}),
        ),
    ]);
    let decision = |path: &'static str, summary: &'static str| Operation {
        method: "post",
        path,
        tag: "Time-off",
        summary,
        description: "Admins, heads and managers, for employees in their scope.",
        secured: true,
        parameters: id(),
        request: None,
        responses: with_errors(
            true,
            vec![
                ("200", "The time-off", time_off_schema()),
                not_found(),
                not_applicable(),
            ],
        ),
    };
    vec![
        Operation {
            method: "get",
            path: "/v1/employees/time-off",
            tag: "Time-off",
            summary: "Time-offs in the caller's scope",
            description: "Newest start first. An employee sees their own.",
            secured: true,
            parameters: list_parameters,
            request: None,
            responses: with_errors(
                true,
                vec![
                    (
                        "200",
                        "One page of time-offs",
                        json!({"type": "object", "properties": {
                            "items": {"type": "array", "items": time_off_schema()},
                            "_links": schema_ref("Links"),
                            "_meta": schema_ref("Meta")
                        }}),
                    ),
                    (
                        "400",
                        "fv or a date unreadable, or end_date before start_date (4001)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/employees/time-off",
            tag: "Time-off",
            summary: "Request (or record) a time-off",
            description: "Every role for themself (employee_id defaults to the caller's own profile); admins, heads and managers for their scope, and only they may pass status 1 to create it accepted.",
            secured: true,
            parameters: vec![],
            request: Some(body(json!({
                "type": "object",
                "required": ["absence_id", "start_date_time", "end_date_time"],
                "properties": {
                    "employee_id": {"type": "integer"},
                    "absence_id": {"type": "integer", "description": "the time-off type"},
                    "absence_type": {"type": "string", "enum": ["daily", "hourly"], "default": "daily"},
                    "start_date_time": {"type": "string", "description": "local YYYY-MM-DD HH:MM:SS (a bare date for daily)"},
                    "end_date_time": {"type": "string", "description": "local; an hourly time-off ends on its start's day"},
                    "paid": {"type": "boolean", "default": false},
                    "description": {"type": "string", "maxLength": 1000},
                    "status": {"type": "integer", "enum": [0, 1], "default": 0}
                }
            }))),
            responses: with_errors(
                true,
                vec![
                    ("201", "The new time-off", time_off_schema()),
                    (
                        "422",
                        "a field missing (8002), invalid (8003), an unknown employee or type (8004), status 1 from a role that cannot decide (8005), a date-time unreadable (8009), ending before it starts (8010)",
                        schema_ref("ValidationError"),
                    ),
                ],
            ),
        },
        Operation {
            method: "get",
            path: "/v1/employees/time-off/{id}",
            tag: "Time-off",
            summary: "One time-off",
            description: "Any role of the company.",
            secured: true,
            parameters: id(),
            request: None,
            responses: with_errors(
                true,
                vec![("200", "The time-off", time_off_schema()), not_found()],
            ),
        },
        Operation {
            method: "delete",
            path: "/v1/employees/time-off/{id}",
            tag: "Time-off",
            summary: "Delete a time-off (status 3)",
            description: "Admins, heads and managers in scope; the owner while it is pending.",
            secured: true,
            parameters: id(),
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "Deleted", schema_ref("Success")),
                    not_found(),
                    not_applicable(),
                ],
            ),
        },
        decision(
            "/v1/employees/time-off/{id}/approve",
            "Accept a time-off (status 1)",
        ),
        decision(
            "/v1/employees/time-off/{id}/reject",
            "Reject a time-off (status 2)",
        ),
    ]
}
