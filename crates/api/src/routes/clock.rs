//! `POST /v1/times/clockin` and `/clockout`: an employee's arrival or departure. The
//! rules (SEMANTICS.md §12: who may clock whom, how far back and ahead, the location,
//! its geofence and address) are the use case's (`davomat_app::clock`); this door reads
//! the request — the client's address as the peer, or `X-Forwarded-For` behind a trusted
//! proxy — and answers `{"event_time", "location": Location}` as the reference shows.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::Method;
use davomat_app::clock::{self as use_cases, ClockRequest, Direction};
use serde_json::{Value, json};

use super::RouteTable;
use super::locations::LocationObject;
use crate::AppState;
use crate::caller::Caller;
use crate::error::ApiResult;
use crate::guard::{Access, client_ip};
use crate::input::{BODY_LIMIT, Fields, read_body};
use crate::openapi::{Operation, body, schema_ref, with_errors};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(
            Method::POST,
            "/v1/times/clockin",
            Access::Authenticated,
            clock_in,
        )
        .add(
            Method::POST,
            "/v1/times/clockout",
            Access::Authenticated,
            clock_out,
        )
}

async fn clock_in(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<Value>> {
    clock(state, caller, request, Direction::In).await
}

async fn clock_out(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<Value>> {
    clock(state, caller, request, Direction::Out).await
}

async fn clock(
    state: AppState,
    caller: Caller,
    request: Request,
    direction: Direction,
) -> ApiResult<Json<Value>> {
    let peer = client_ip(&state, &request);
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, BODY_LIMIT).await?;
    let fields = Fields::from_body(&parts.headers, &bytes)?;
    let sent = ClockRequest {
        employee_id: fields.sent_int("employee_id"),
        location_id: fields.sent_int("location_id"),
        event_time: fields.sent_text("event_time"),
        latitude: fields.sent_text("latitude"),
        longitude: fields.sent_text("longitude"),
        ip: fields.sent_text("ip"),
        peer,
    };
    let clocked =
        use_cases::clock(&state.store, &caller, direction, sent, state.clock.now()).await?;
    Ok(Json(json!({
        "event_time": caller.zone().format(clocked.at),
        "location": LocationObject::from(&clocked.location),
    })))
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let request = || {
        body(json!({
            "type": "object",
            "required": ["location_id"],
            "properties": {
                "location_id": {"type": "integer", "description": "one of the employee's locations"},
                "employee_id": {"type": "integer", "description": "another employee (admins, heads, managers in scope; a manual event); default: the caller"},
                "event_time": {"type": "string", "description": "local YYYY-MM-DD HH:MM:SS; default now; at most 5 minutes ahead; self: at most 72 hours back"},
                "latitude": {"type": ["string", "number"]},
                "longitude": {"type": ["string", "number"]},
                "ip": {"type": "string", "description": "recorded, never trusted"}
            }
        }))
    };
    let answer = || {
        json!({"type": "object", "required": ["event_time", "location"], "properties": {
            "event_time": {"type": "string"},
            "location": schema_ref("Location")
        }})
    };
    let operation = |path: &'static str, summary: &'static str| Operation {
        method: "post",
        path,
        tag: "Clock",
        summary,
        description: "Every role for themself (mode auto, not logged); admins, heads and managers for employees in their scope (mode manual, logged as clockInManual). Geofence and address rules of SEMANTICS.md §12.",
        secured: true,
        parameters: vec![],
        request: Some(request()),
        responses: with_errors(
            true,
            vec![
                ("200", "The stored event", answer()),
                (
                    "422",
                    "location_id missing (8002), not the employee's (8003) or not the company's (8004); event_time unreadable (8009) or out of range (8003); latitude outside the radius (8003); ip not the location's (8003); employee_id unknown (8004)",
                    schema_ref("ValidationError"),
                ),
            ],
        ),
    };
    vec![
        operation("/v1/times/clockin", "Clock in"),
        operation("/v1/times/clockout", "Clock out"),
    ]
}
