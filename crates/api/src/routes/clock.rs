//! `POST /v1/times/clockin` and `/clockout`: an employee's arrival or departure. The
//! rules (SEMANTICS.md §12: who may clock whom, how far back and ahead, the location,
//! its geofence and address) are the use case's (`davomat_app::clock`); this door reads
//! the request — the client's address as the peer, or `X-Forwarded-For` behind a trusted
//! proxy — and answers `{"event_time", "location": Location}` as the reference shows.
//! `POST /v1/times/{event_id}/void` (CONTRACT.md §9) voids a wrong event: the rules are
//! `davomat_app::corrections`'.

use axum::Json;
use axum::extract::{Path, Request, State};
use davomat_app::clock::{self as use_cases, ClockRequest};
use davomat_app::corrections::{self, VoidRequest};
use davomat_core::ClockEventId;
use davomat_core::engine::EventKind;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use super::locations::LocationObject;
use crate::AppState;
use crate::caller::Caller;
use crate::error::{ApiResult, ErrorBody, ValidationBody};
use crate::guard::{Access, client_ip};
use crate::input::{body_fields, path_id};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(clock_in))
        .documented(Access::Authenticated, routes!(clock_out))
        .documented(Access::Authenticated, routes!(void))
}

/// A voided event: kept, and left out of every report and the engine.
#[derive(Serialize, ToSchema)]
#[schema(as = VoidedClockEvent)]
pub struct VoidedObject {
    #[schema(value_type = i64)]
    id: ClockEventId,
    employee_id: i64,
    /// `in` or `out`.
    #[schema(example = "in")]
    event_name: &'static str,
    /// The event's local `YYYY-MM-DD HH:MM:SS`.
    #[schema(example = "2025-03-04 09:00:00")]
    event_time: String,
    /// When it was voided, local `YYYY-MM-DD HH:MM:SS`.
    #[schema(example = "2025-03-04 12:30:00")]
    voided_at: String,
    reason: String,
}

/// Void a clock event
///
/// Admins, and heads and managers for employees in their scope. The event stays stored,
/// marked voided, and leaves every report and the engine; logged as voidedClockEvent. A
/// missing in or out is added with clockin/clockout for the employee (mode manual).
#[utoipa::path(post, path = "/v1/times/{event_id}/void", tag = "Clock",
    params(("event_id" = i64, Path, description = "The clock event's id (`id` of an inouts item)")),
    request_body(content(
        (VoidRequest = "application/json"),
        (VoidRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The voided event", body = VoidedObject),
        (status = 400, description = "The event is voided already (4001), or the body is unreadable (4001)", body = ErrorBody),
        (status = 404, description = "No such clock event in the company (3000)", body = ErrorBody),
        (status = 422, description = "reason missing (8002) or longer than 500 characters (8003)", body = ValidationBody),
    ))]
async fn void(
    State(state): State<AppState>,
    caller: Caller,
    Path(event_id): Path<String>,
    request: Request,
) -> ApiResult<Json<VoidedObject>> {
    let id = ClockEventId(path_id(&event_id)?);
    let event = corrections::voidable(&state.store, &caller, id).await?;
    let sent: VoidRequest = body_fields(request).await?.request()?;
    let now = state.clock.now();
    let voided = corrections::void_event(&state.store, &caller, event, sent, now).await?;
    let zone = caller.zone();
    Ok(Json(VoidedObject {
        id: voided.id,
        employee_id: voided.employee_id.0,
        event_name: voided.kind.name(),
        event_time: zone.format(voided.at),
        voided_at: zone.format(voided.voided_at),
        reason: voided.reason,
    }))
}

/// The stored event: its local time and its location.
#[derive(Serialize, ToSchema)]
#[schema(as = ClockedEvent)]
pub struct ClockedObject {
    /// Local `YYYY-MM-DD HH:MM:SS` in the company's zone.
    #[schema(example = "2025-03-04 09:00:00")]
    event_time: String,
    location: LocationObject,
}

/// Clock in
///
/// Every role for themself (mode auto, not logged); admins, heads and managers for
/// employees in their scope (mode manual, logged as clockInManual). Geofence and address
/// rules of SEMANTICS.md §12.
#[utoipa::path(post, path = "/v1/times/clockin", tag = "Clock",
    request_body(content(
        (ClockRequest = "application/json"),
        (ClockRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The stored event", body = ClockedObject),
        (status = 422, description = "location_id missing (8002), not the employee's (8003) or not the company's (8004); event_time unreadable (8009) or out of range (8003); latitude outside the radius (8003); ip not the location's (8003); employee_id unknown (8004)", body = ValidationBody),
    ))]
async fn clock_in(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<ClockedObject>> {
    clock(state, caller, request, EventKind::In).await
}

/// Clock out
///
/// Every role for themself (mode auto, not logged); admins, heads and managers for
/// employees in their scope (mode manual, logged as clockInManual). Geofence and address
/// rules of SEMANTICS.md §12.
#[utoipa::path(post, path = "/v1/times/clockout", tag = "Clock",
    request_body(content(
        (ClockRequest = "application/json"),
        (ClockRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The stored event", body = ClockedObject),
        (status = 422, description = "location_id missing (8002), not the employee's (8003) or not the company's (8004); event_time unreadable (8009) or out of range (8003); latitude outside the radius (8003); ip not the location's (8003); employee_id unknown (8004)", body = ValidationBody),
    ))]
async fn clock_out(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<ClockedObject>> {
    clock(state, caller, request, EventKind::Out).await
}

async fn clock(
    state: AppState,
    caller: Caller,
    request: Request,
    direction: EventKind,
) -> ApiResult<Json<ClockedObject>> {
    let peer = client_ip(&state, &request);
    let sent = ClockRequest {
        peer,
        ..body_fields(request).await?.request()?
    };
    let clocked =
        use_cases::clock(&state.store, &caller, direction, sent, state.clock.now()).await?;
    Ok(Json(ClockedObject {
        event_time: caller.zone().format(clocked.at),
        location: LocationObject::from(&clocked.location),
    }))
}
