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
use davomat_app::terminal_events::{self, Terminal, TerminalEvent, When, Who};
use davomat_core::engine;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, parse_local_date_time};
use davomat_core::zone::CompanyZone;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::error::{ApiResult, ValidationBody};
use crate::guard::{Access, DeviceCaller};
use crate::input::body_fields;

/// The most events one batch may carry.
pub const BATCH_LIMIT: usize = 1000;
/// The longest uid accepted.
const UID_MAX: usize = 100;

pub fn routes(table: RouteTable) -> RouteTable {
    table.documented(Access::Device, routes!(events))
}

/// A batch of events as a device sends it. The batch is refused as a whole only when
/// `events` is missing, not an array or too long; each event is read on its own.
#[derive(Deserialize, ToSchema)]
#[schema(as = DeviceEventBatch)]
pub struct EventBatch {
    /// Up to 1,000 events.
    #[schema(value_type = Vec<EventSent>, max_items = 1000)]
    events: Option<Value>,
}

/// One event as a device sends it: each field is read leniently (numbers as text, ids
/// as numeric text) and a bad one refuses this event only.
#[derive(Deserialize, ToSchema)]
#[schema(as = DeviceEvent)]
pub struct EventSent {
    /// The device's own id for the event (a string or an integer, at most 100
    /// characters); makes a resend idempotent.
    #[schema(value_type = String, max_length = 100)]
    uid: Option<Value>,
    /// The employee; or `pin_code`.
    #[schema(value_type = Option<i64>)]
    employee_id: Option<Value>,
    /// Instead of employee_id.
    #[schema(value_type = Option<String>)]
    pin_code: Option<Value>,
    #[schema(value_type = EventKind)]
    event: Option<Value>,
    /// Local `YYYY-MM-DD HH:MM:SS`; default now; at most 5 minutes ahead.
    #[schema(value_type = Option<String>, example = "2025-03-04 09:00:00")]
    event_time: Option<Value>,
    /// Default: the device's location.
    #[schema(value_type = Option<i64>)]
    location_id: Option<Value>,
}

/// Arrival or departure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[schema(as = DeviceEventKind, rename_all = "lowercase")]
pub enum EventKind {
    In,
    Out,
}

/// What became of a batch, once its events are committed.
#[derive(Serialize, ToSchema)]
#[schema(as = DeviceEventsRecorded)]
pub struct RecordedObject {
    /// Events stored now.
    accepted: u64,
    /// Events this device had sent before (not stored again).
    duplicates: u64,
    rejected: Vec<Rejected>,
}

/// A rejected event.
#[derive(Serialize, ToSchema)]
#[schema(as = DeviceEventRejected)]
pub struct Rejected {
    /// The event's uid as sent (null when it sent none).
    uid: Value,
    /// 8002 missing, 8003 invalid, 8004 unknown employee or location, 8009 unreadable
    /// time.
    #[serde(serialize_with = "code_number")]
    #[schema(value_type = u16, example = 8004)]
    code: FieldCode,
    message: String,
}

fn code_number<S: serde::Serializer>(code: &FieldCode, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u16(code.code())
}

impl Rejected {
    fn new(uid: Value, code: FieldCode, message: &str) -> Rejected {
        Rejected {
            uid,
            code,
            message: message.to_string(),
        }
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
    let not_an_object = || Rejected::new(Value::Null, FieldCode::InvalidValue, "not an object");
    if !item.is_object() {
        return Err(not_an_object());
    }
    let sent: EventSent = serde_json::from_value(item.clone()).map_err(|_| not_an_object())?;
    let uid_value = sent.uid.clone().unwrap_or(Value::Null);
    let Some(uid) = text_of(sent.uid.as_ref()) else {
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
    let employee = match (&sent.employee_id, text_of(sent.pin_code.as_ref())) {
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
    let direction = match text_of(sent.event.as_ref()).as_deref() {
        Some("in") => EventKind::In,
        Some("out") => EventKind::Out,
        None => return Err(reject(FieldCode::Required, "event is required")),
        Some(_) => return Err(reject(FieldCode::InvalidValue, "event is in or out")),
    };
    let when = match text_of(sent.event_time.as_ref()) {
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
    let location_id = match &sent.location_id {
        None => None,
        Some(value) => Some(
            integer_of(value)
                .ok_or_else(|| reject(FieldCode::InvalidValue, "location_id is not an integer"))?,
        ),
    };
    Ok(TerminalEvent {
        uid,
        employee,
        direction: match direction {
            EventKind::In => engine::EventKind::In,
            EventKind::Out => engine::EventKind::Out,
        },
        when,
        location_id,
        verify_mode: None,
        work_code: None,
    })
}

/// The batch array, or the field error that refuses the whole request.
fn batch(sent: EventBatch) -> Result<Vec<Value>, FieldErrors> {
    let mut errors = FieldErrors::new();
    match sent.events {
        None => errors.add("events", FieldCode::Required, Reason::Plain),
        Some(Value::Array(items)) if items.len() > BATCH_LIMIT => errors.add(
            "events",
            FieldCode::InvalidValue,
            Reason::TooManyItems(BATCH_LIMIT),
        ),
        Some(Value::Array(items)) => return Ok(items),
        Some(_) => errors.add("events", FieldCode::InvalidValue, Reason::Plain),
    }
    Err(errors)
}

/// Send a batch of clock events from a device
///
/// Authenticated with the device's token (Authorization: Bearer, from POST
/// /v1/devices). Up to 1,000 events; each is checked on its own. A uid this device
/// already sent counts as a duplicate and is not stored again. The answer comes after
/// the events are committed.
#[utoipa::path(post, path = "/v1/device/events", tag = "Device API",
    request_body(content(
        (EventBatch = "application/json"),
        (EventBatch = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "What was stored", body = RecordedObject),
        (status = 422, description = "events missing (8002), not an array or more than 1,000 (8003)", body = ValidationBody),
    ))]
async fn events(
    State(state): State<AppState>,
    device: DeviceCaller,
    request: Request,
) -> ApiResult<Json<RecordedObject>> {
    let items = batch(body_fields(request).await?.request()?)?;
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
        future_slack: davomat_app::clock::FUTURE_SLACK,
    };
    let recorded = terminal_events::record(&state.store, &terminal, sent, now).await?;
    rejected.extend(
        recorded
            .refused
            .into_iter()
            .map(|r| Rejected::new(Value::String(r.uid), r.code, r.reason)),
    );
    Ok(Json(RecordedObject {
        accepted: recorded.accepted,
        duplicates: recorded.duplicates,
        rejected,
    }))
}
