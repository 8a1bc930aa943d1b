//! The device API (ext, CONTRACT.md §5), reached with a device's own token:
//!
//! - `POST /v1/device/events`: a batch of up to 1,000 events a terminal recorded,
//!   perhaps while offline: `{"events": [{"uid", "employee_id" or "pin_code", "event":
//!   "in"/"out", "event_time", "location_id"?}]}`. `uid` is the device's own id for the
//!   event: an event whose uid this device already sent is counted as a duplicate and
//!   not stored again, so a batch sent twice is stored once. Each event is checked on
//!   its own; the bad ones come back in `rejected` with their field code and the rest
//!   are stored (`mode` auto, with the device). Answers `{"accepted", "duplicates",
//!   "rejected": [{"uid", "code", "message"}]}` after the events are committed.
//!
//! This door reads the batch and each event's own fields (uid, event, time — at most 5
//! minutes ahead); finding the employees and storing is the use case's
//! (`davomat_app::terminal_events`), which the other terminal protocols share.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::Method;
use davomat_app::clock::Direction;
use davomat_app::terminal_events::{self, Terminal, TerminalEvent, When, Who};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, parse_local_date_time};
use davomat_core::zone::CompanyZone;
use serde_json::{Map, Value, json};

use super::RouteTable;
use crate::AppState;
use crate::error::ApiResult;
use crate::guard::{Access, DeviceCaller};
use crate::input::{BODY_LIMIT, Fields, read_body};
use crate::openapi::{Operation, body, schema_ref, with_errors};

/// The most events one batch may carry.
pub const BATCH_LIMIT: usize = 1000;
/// The longest uid accepted.
const UID_MAX: usize = 100;

pub fn routes(table: RouteTable) -> RouteTable {
    table.add(Method::POST, "/v1/device/events", Access::Device, events)
}

/// A rejected event.
struct Rejected {
    uid: Value,
    code: FieldCode,
    message: String,
}

impl Rejected {
    fn new(uid: Value, code: FieldCode, message: &str) -> Rejected {
        Rejected {
            uid,
            code,
            message: message.to_string(),
        }
    }

    fn to_json(&self) -> Value {
        json!({"uid": self.uid, "code": self.code.code(), "message": self.message})
    }
}

fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn integer_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads one event's own fields (no lookups yet).
fn read_event(item: &Value) -> Result<TerminalEvent, Rejected> {
    let Some(map) = item.as_object() else {
        return Err(Rejected::new(
            Value::Null,
            FieldCode::InvalidValue,
            "not an object",
        ));
    };
    let field = |name: &str| map.get(name).filter(|v| !v.is_null());
    let uid_value = field("uid").cloned().unwrap_or(Value::Null);
    let Some(uid) = text_of(field("uid")) else {
        return Err(Rejected::new(
            uid_value,
            FieldCode::Required,
            "uid is required",
        ));
    };
    if uid.chars().count() > UID_MAX {
        return Err(Rejected::new(
            uid_value,
            FieldCode::InvalidValue,
            "uid is longer than 100 characters",
        ));
    }
    let reject = |code, message: &str| Rejected::new(uid_value.clone(), code, message);
    let employee = match (field("employee_id"), text_of(field("pin_code"))) {
        (Some(id), _) => Who::Id(
            integer_of(id)
                .ok_or_else(|| reject(FieldCode::InvalidValue, "employee_id is not an integer"))?,
        ),
        (None, Some(pin)) => Who::Pin(pin),
        (None, None) => {
            return Err(reject(
                FieldCode::Required,
                "employee_id or pin_code is required",
            ));
        }
    };
    let direction = match text_of(field("event")).as_deref() {
        Some("in") => Direction::In,
        Some("out") => Direction::Out,
        None => return Err(reject(FieldCode::Required, "event is required")),
        Some(_) => return Err(reject(FieldCode::InvalidValue, "event is in or out")),
    };
    let when = match text_of(field("event_time")) {
        None => When::Now,
        Some(text) => match parse_local_date_time(&text) {
            Some((date, seconds)) => When::Local { date, seconds },
            None => {
                return Err(reject(
                    FieldCode::DateFormat,
                    "event_time is YYYY-MM-DD HH:MM:SS",
                ));
            }
        },
    };
    let location_id = match field("location_id") {
        None => None,
        Some(value) => Some(
            integer_of(value)
                .ok_or_else(|| reject(FieldCode::InvalidValue, "location_id is not an integer"))?,
        ),
    };
    Ok(TerminalEvent {
        uid,
        employee,
        direction,
        when,
        location_id,
    })
}

/// The batch array, or the field error that refuses the whole request.
fn batch(fields: &Fields) -> Result<Vec<Value>, FieldErrors> {
    let mut errors = FieldErrors::new();
    match fields.raw("events") {
        None => errors.add("events", FieldCode::Required, Reason::Plain),
        Some(Value::Array(items)) if items.len() > BATCH_LIMIT => errors.add(
            "events",
            FieldCode::InvalidValue,
            Reason::TooManyItems(BATCH_LIMIT),
        ),
        Some(Value::Array(items)) => return Ok(items.clone()),
        Some(_) => errors.add("events", FieldCode::InvalidValue, Reason::Plain),
    }
    Err(errors)
}

async fn events(
    State(state): State<AppState>,
    device: DeviceCaller,
    request: Request,
) -> ApiResult<Json<Value>> {
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, BODY_LIMIT).await?;
    let fields = Fields::from_body(&parts.headers, &bytes)?;
    let items = batch(&fields)?;
    let now = state.clock.now();
    let mut rejected = Vec::new();
    let mut sent = Vec::with_capacity(items.len());
    for item in &items {
        match read_event(item) {
            Ok(event) => sent.push(event),
            Err(reason) => rejected.push(reason),
        }
    }
    let terminal = Terminal {
        device_id: device.device_id,
        company_id: device.company_id,
        location_id: device.location_id,
        zone: CompanyZone::named_or_default(&device.time_zone),
    };
    let recorded = terminal_events::record(&state.store, &terminal, sent, now).await?;
    rejected.extend(
        recorded
            .refused
            .into_iter()
            .map(|r| Rejected::new(Value::String(r.uid), r.code, r.reason)),
    );
    Ok(Json(json!({
        "accepted": recorded.accepted,
        "duplicates": recorded.duplicates,
        "rejected": rejected.iter().map(Rejected::to_json).collect::<Vec<_>>(),
    })))
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let mut event = Map::new();
    event.insert("uid".into(), json!({"type": ["string", "integer"], "maxLength": UID_MAX, "description": "the device's own id for the event; makes a resend idempotent"}));
    event.insert("employee_id".into(), json!({"type": "integer"}));
    event.insert(
        "pin_code".into(),
        json!({"type": "string", "description": "instead of employee_id"}),
    );
    event.insert(
        "event".into(),
        json!({"type": "string", "enum": ["in", "out"]}),
    );
    event.insert("event_time".into(), json!({"type": "string", "description": "local YYYY-MM-DD HH:MM:SS; default now; at most 5 minutes ahead"}));
    event.insert(
        "location_id".into(),
        json!({"type": "integer", "description": "default: the device's location"}),
    );
    vec![Operation {
        method: "post",
        path: "/v1/device/events",
        tag: "Device API",
        summary: "Send a batch of clock events from a device",
        description: "Authenticated with the device's token (Authorization: Bearer, from POST /v1/devices). Up to 1,000 events; each is checked on its own. A uid this device already sent counts as a duplicate and is not stored again. The answer comes after the events are committed.",
        secured: true,
        parameters: vec![],
        request: Some(body(json!({
            "type": "object",
            "required": ["events"],
            "properties": {"events": {"type": "array", "maxItems": BATCH_LIMIT, "items": {"type": "object", "required": ["uid", "event"], "properties": event}}}
        }))),
        responses: with_errors(
            true,
            vec![
                (
                    "200",
                    "What was stored",
                    json!({"type": "object", "required": ["accepted", "duplicates", "rejected"], "properties": {
                        "accepted": {"type": "integer", "description": "events stored now"},
                        "duplicates": {"type": "integer", "description": "events this device had sent before"},
                        "rejected": {"type": "array", "items": {"type": "object", "properties": {
                            "uid": {}, "code": {"type": "integer", "description": "8002 missing, 8003 invalid, 8004 unknown employee or location, 8009 unreadable time"}, "message": {"type": "string"}
                        }}}
                    }}),
                ),
                (
                    "422",
                    "events missing (8002), not an array or more than 1,000 (8003)",
                    schema_ref("ValidationError"),
                ),
            ],
        ),
    }]
}
