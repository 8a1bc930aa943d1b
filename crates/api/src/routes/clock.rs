//! `POST /v1/times/clockin` and `/clockout`: an employee's arrival or departure, with
//! the rules of SEMANTICS.md §12.
//!
//! - Clocking themself (no `employee_id`, or their own): any role; `event_time` (local,
//!   default now) at most 5 minutes ahead and 72 hours back (8003); mode `auto`; not
//!   logged (the event is the record).
//! - For another employee: admins, heads and managers within their scope (403
//!   otherwise); any past time, at most 5 minutes ahead; mode `manual`, logged as
//!   `clockInManual` in the same transaction.
//! - `location_id` (required) must be one of the employee's locations (8003; 8004 when
//!   not a location of the company). With coordinates and a radius on the location and
//!   `latitude`/`longitude` in the request, a point outside the radius is 8003 on
//!   `latitude`. With an `ipv4` on the location, a self clock-in must come from that
//!   address (8003 on `ip`): the peer, or `X-Forwarded-For` behind a trusted proxy. The
//!   body's `ip` is recorded, never trusted.
//!
//! Answers `{"event_time", "location": Location}` as the reference shows.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::Method;
use davomat_core::activity::Message;
use davomat_core::validation::{FieldCode, FieldErrors, Reason};
use davomat_core::{EmployeeId, LocationId, Role, geo};
use davomat_store::activity::{self, NewActivity};
use davomat_store::clock_events::{self, NewEvent};
use davomat_store::employees::lifecycle;
use davomat_store::locations::{self, Location};
use davomat_store::read_cache::Dependency;
use serde_json::{Value, json};

use super::RouteTable;
use super::locations::{location_schema, object as location_object};
use crate::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};
use crate::guard::{Access, client_ip};
use crate::input::{BODY_LIMIT, Fields, read_body};
use crate::openapi::{Operation, body, schema_ref, with_errors};
use crate::scope::Scope;

/// How far ahead of the server's clock an event may be.
const FUTURE_SLACK: i64 = 5 * 60;
/// How far back an employee may clock themself (an offline phone's queue).
const SELF_PAST_LIMIT: i64 = 72 * 3600;
/// Roles that may enter events for others.
const MANUAL_ROLES: [Role; 3] = [Role::Admin, Role::DepartmentHead, Role::DepartmentManager];

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
    clock(state, caller, request, "in").await
}

async fn clock_out(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<Value>> {
    clock(state, caller, request, "out").await
}

/// Whom the event is for: the caller's own profile, or another employee the caller may
/// enter events for (with their name, for the activity row).
enum Subject {
    Myself(i64),
    Other { id: i64, full_name: String },
}

impl Subject {
    fn id(&self) -> i64 {
        match self {
            Subject::Myself(id) | Subject::Other { id, .. } => *id,
        }
    }
}

async fn subject(
    state: &AppState,
    caller: &Caller,
    fields: &Fields,
    errors: &mut FieldErrors,
) -> ApiResult<Option<Subject>> {
    let own = caller.employee_id.map(|id| id.0);
    let asked = fields.int("employee_id", errors);
    match (asked, own) {
        (None, Some(own)) => return Ok(Some(Subject::Myself(own))),
        (Some(id), Some(own)) if id == own => return Ok(Some(Subject::Myself(own))),
        (None, None) => {
            if !errors.has("employee_id") {
                errors.add("employee_id", FieldCode::Required, Reason::Plain);
            }
            return Ok(None);
        }
        _ => {}
    }
    let Some(id) = asked else {
        return Ok(None);
    };
    // Someone else's event: only these roles, whoever it names.
    caller.require(&MANUAL_ROLES)?;
    let Some(row) =
        lifecycle::get(state.store.connection(), caller.company_id, EmployeeId(id)).await?
    else {
        errors.add("employee_id", FieldCode::UnknownReference, Reason::Plain);
        return Ok(None);
    };
    if !Scope::of(&state.store, caller)
        .await?
        .covers_employee(row.id, row.department_id)
    {
        return Err(ApiError::Forbidden);
    }
    Ok(Some(Subject::Other {
        id: row.id,
        full_name: row.full_name,
    }))
}

/// The event's instant: `event_time` or now, within the limits of §12.
fn event_time(
    fields: &Fields,
    caller: &Caller,
    now: i64,
    for_myself: bool,
    errors: &mut FieldErrors,
) -> i64 {
    let at = fields
        .local_time("event_time", &caller.zone(), errors)
        .unwrap_or(now);
    if at > now + FUTURE_SLACK {
        errors.add(
            "event_time",
            FieldCode::InvalidValue,
            Reason::Note("at most 5 minutes ahead of the server's clock".into()),
        );
    } else if for_myself && at < now - SELF_PAST_LIMIT {
        errors.add(
            "event_time",
            FieldCode::InvalidValue,
            Reason::Note("at most 72 hours back when clocking yourself".into()),
        );
    }
    at
}

/// The location of the event, checked against the employee's links, the geofence and
/// the address rule.
async fn location(
    state: &AppState,
    caller: &Caller,
    fields: &Fields,
    subject: &Subject,
    peer: &str,
    errors: &mut FieldErrors,
) -> ApiResult<Option<Location>> {
    let Some(id) = fields.int("location_id", errors) else {
        if !errors.has("location_id") {
            errors.add("location_id", FieldCode::Required, Reason::Plain);
        }
        return Ok(None);
    };
    let conn = state.store.connection();
    let company = caller.company_id;
    let Some(location) =
        locations::find_linked(&state.store, company, LocationId(id), subject.id()).await?
    else {
        let code = match locations::find(conn, company, LocationId(id)).await? {
            Some(_) => FieldCode::InvalidValue,
            None => FieldCode::UnknownReference,
        };
        errors.add("location_id", code, Reason::Plain);
        return Ok(None);
    };
    let sent = (
        fields.text("latitude", errors),
        fields.text("longitude", errors),
    );
    if let (Some(lat), Some(lon)) = &sent
        && let (Some(centre), Some(radius)) =
            (geo::point(&location.lat, &location.lon), location.radius)
    {
        match geo::point(lat, lon) {
            Some(point) if geo::distance(centre, point) <= radius as f64 => {}
            Some(_) => errors.add(
                "latitude",
                FieldCode::InvalidValue,
                Reason::Note(format!("outside the location's radius of {radius} m")),
            ),
            None => errors.add("latitude", FieldCode::InvalidValue, Reason::Plain),
        }
    }
    if let (Subject::Myself(_), Some(ipv4)) = (subject, &location.ipv4)
        && !same_address(ipv4, peer)
    {
        errors.add(
            "ip",
            FieldCode::InvalidValue,
            Reason::Note("not the location's address".into()),
        );
    }
    Ok(Some(location))
}

fn same_address(expected: &str, peer: &str) -> bool {
    match (
        expected.trim().parse::<std::net::IpAddr>(),
        peer.parse::<std::net::IpAddr>(),
    ) {
        (Ok(a), Ok(b)) => a == b || a.to_canonical() == b.to_canonical(),
        _ => expected.trim() == peer,
    }
}

async fn clock(
    state: AppState,
    caller: Caller,
    request: Request,
    kind: &'static str,
) -> ApiResult<Json<Value>> {
    let peer = client_ip(&state, &request);
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, BODY_LIMIT).await?;
    let fields = Fields::from_body(&parts.headers, &bytes)?;
    let now = state.clock.now();
    let mut errors = FieldErrors::new();
    let subject = subject(&state, &caller, &fields, &mut errors).await?;
    let for_myself = !matches!(subject, Some(Subject::Other { .. }));
    let at = event_time(&fields, &caller, now, for_myself, &mut errors);
    let location = match &subject {
        Some(subject) => location(&state, &caller, &fields, subject, &peer, &mut errors).await?,
        None => {
            // Without an employee the link cannot be checked; presence and company can.
            match fields.int("location_id", &mut errors) {
                None if !errors.has("location_id") => {
                    errors.add("location_id", FieldCode::Required, Reason::Plain)
                }
                Some(id)
                    if locations::find(
                        state.store.connection(),
                        caller.company_id,
                        LocationId(id),
                    )
                    .await?
                    .is_none() =>
                {
                    errors.add("location_id", FieldCode::UnknownReference, Reason::Plain)
                }
                _ => {}
            }
            None
        }
    };
    let ip = fields.text("ip", &mut errors);
    errors.finish()?;
    let (Some(subject), Some(location)) = (subject, location) else {
        return Err(ApiError::Internal("clock fields checked".into()));
    };
    let text = |name: &str| fields.query_text(name).filter(|v| !v.trim().is_empty());
    let event = NewEvent {
        employee_id: subject.id(),
        kind,
        at,
        location_id: Some(location.id),
        mode: if for_myself { "auto" } else { "manual" },
        device_id: None,
        device_uid: None,
        ip: ip.or(Some(peer)),
        latitude: text("latitude"),
        longitude: text("longitude"),
        created_by: Some(caller.user_id.0),
    };
    let company = caller.company_id;
    match &subject {
        Subject::Myself(_) => {
            let writer = state.store.write_connection().await;
            writer.changes([Dependency::Employee(EmployeeId(event.employee_id))]);
            clock_events::insert(&writer, company, &event, now).await?;
        }
        Subject::Other { id, full_name } => {
            let actor = caller.actor(&state.store).await?;
            let txn = state.store.begin().await?;
            txn.changes([Dependency::Employee(EmployeeId(*id))]);
            let event_id = clock_events::insert(&txn, company, &event, now).await?;
            activity::record(
                &txn,
                NewActivity {
                    company_id: company,
                    actor: Some(actor),
                    action_name: "clockInManual",
                    object_id: Some(event_id),
                    person_id: Some(*id),
                    assigned: Some(kind.to_string()),
                    message: Message::ManualClock {
                        clock_in: kind == "in",
                        name: full_name.clone(),
                        time: caller.zone().format(at),
                    },
                },
                caller.company_lang,
                now,
            )
            .await?;
            davomat_store::commit(txn).await?;
        }
    }
    Ok(Json(json!({
        "event_time": caller.zone().format(at),
        "location": location_object(&location),
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
            "location": location_schema()
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
