//! Clocking in and out (SEMANTICS.md §12): an employee's arrival or departure, entered
//! by themself or by someone who may enter events for them.
//!
//! - Clocking themself (no employee, or their own): any role; the time (local, default
//!   now) at most 5 minutes ahead and 72 hours back (8003); mode `auto`; not logged (the
//!   event is the record).
//! - For another employee: admins, heads and managers within their scope (forbidden
//!   otherwise); any past time, at most 5 minutes ahead; mode `manual`, logged as
//!   `clockInManual` in the same transaction, with the optional `reason` of the
//!   correction in its message (CONTRACT.md §9; ignored when clocking oneself).
//! - The location (required) must be one of the employee's locations (8003; 8004 when
//!   not a location of the company). With coordinates and a radius on the location and
//!   a latitude/longitude sent, a point outside the radius is 8003 on `latitude`. With an
//!   address (`ipv4`) on the location, a self clock-in must come from that address (8003
//!   on `ip`). The address sent in the request is recorded, never trusted.

use davomat_core::activity::Message;
use davomat_core::dates::civil;
use davomat_core::engine::EventKind;
use davomat_core::validation::{
    FieldCode, FieldErrors, Reason, Rule, parse_local_date_time, supported_date,
};
use davomat_core::{ClockMode, EmployeeId, LocationId, Role, geo};
use davomat_store::activity::NewActivity;
use davomat_store::clock_events::{self, NewEvent};
use davomat_store::locations::{self, EmployeeAtLocation, Location};
use davomat_store::read_cache::Dependency;
use davomat_store::{Store, StoreError};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::locations::Coordinate;
use crate::request::Sent;
use crate::scope::Scope;

/// How far ahead of the server's clock an event may be.
pub const FUTURE_SLACK: i64 = 5 * 60;
/// How far back an employee may clock themself (an offline phone's queue).
pub const SELF_PAST_LIMIT: i64 = 72 * 3600;
/// Roles that may enter events for others.
const MANUAL_ROLES: [Role; 3] = [Role::Admin, Role::DepartmentHead, Role::DepartmentManager];

/// A clock-in or clock-out, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ClockRequest {
    /// Another employee (admins, heads, managers in scope; a manual event); absent:
    /// the caller's own profile.
    #[schema(value_type = Option<i64>)]
    pub employee_id: Sent<i64>,
    /// One of the employee's locations.
    #[schema(value_type = i64)]
    pub location_id: Sent<i64>,
    /// Local `YYYY-MM-DD HH:MM[:SS]` in the company's zone; absent: now. At most 5
    /// minutes ahead; for oneself at most 72 hours back.
    #[schema(value_type = Option<String>, example = "2025-03-04 09:00:00")]
    pub event_time: Sent<String>,
    /// Where the client is; checked against the location's radius.
    #[serde(default)]
    #[schema(value_type = Coordinate, example = "41.310")]
    pub latitude: Sent<String>,
    #[serde(default)]
    #[schema(value_type = Coordinate, example = "69.240")]
    pub longitude: Sent<String>,
    /// The address the client says it has: recorded, never trusted.
    #[schema(value_type = Option<String>)]
    pub ip: Sent<String>,
    /// Why the event is added for another employee (a correction: the terminal missed
    /// it); at most 500 characters, shown in the activity log. Ignored for oneself.
    #[schema(value_type = Option<String>, example = "The terminal missed the arrival")]
    pub reason: Sent<String>,
    /// The address the request came from, as the door saw it (the peer, or
    /// `X-Forwarded-For` behind a trusted proxy); never read from the body.
    #[serde(skip)]
    pub peer: String,
}

/// The event written: its instant and its location.
#[derive(Clone, Debug)]
pub struct Clocked {
    pub at: i64,
    pub location: Location,
}

/// Whom the event is for: the caller's own profile, or another employee the caller may
/// enter events for, read with the location sent (their name is for the activity row).
enum Subject {
    Myself(EmployeeId),
    Other(Box<EmployeeAtLocation>),
}

impl Subject {
    fn id(&self) -> EmployeeId {
        match self {
            Subject::Myself(id) => *id,
            Subject::Other(other) => other.employee_id,
        }
    }
}

/// Clocks an employee in or out (see the module's text).
pub async fn clock(
    store: &Store,
    caller: &Caller,
    direction: EventKind,
    request: ClockRequest,
    now: i64,
) -> AppResult<Clocked> {
    let mut errors = FieldErrors::new();
    let asked_location = request.location_id.clone().value().map(LocationId);
    let subject = subject(
        store,
        caller,
        request.employee_id,
        asked_location,
        &mut errors,
    )
    .await?;
    let for_myself = !matches!(subject, Some(Subject::Other(_)));
    let at = event_time(request.event_time, caller, now, for_myself, &mut errors);
    let location_id = request.location_id.required("location_id", &mut errors);
    let latitude = request.latitude.optional("latitude", &mut errors);
    let longitude = request.longitude.optional("longitude", &mut errors);
    let location = match (&subject, location_id) {
        (Some(subject), Some(id)) => {
            let sent = Origin {
                latitude: latitude.as_deref(),
                longitude: longitude.as_deref(),
                peer: &request.peer,
            };
            location(store, caller, id, subject, sent, &mut errors).await?
        }
        (None, Some(id)) => {
            // Without an employee the link cannot be checked; the company can.
            if locations::find(store.connection(), caller.company_id, LocationId(id))
                .await?
                .is_none()
            {
                errors.add("location_id", FieldCode::UnknownReference, Reason::Plain);
            }
            None
        }
        (_, None) => None,
    };
    let ip = request.ip.optional("ip", &mut errors);
    let reason = if for_myself {
        None
    } else {
        crate::corrections::optional_reason(request.reason, &mut errors)
    };
    errors.finish()?;
    let (Some(subject), Some(location)) = (subject, location) else {
        return Err(StoreError::Invalid(
            "a clock-in passed its checks without its employee or location".into(),
        )
        .into());
    };
    let event = NewEvent {
        employee_id: subject.id(),
        kind: direction,
        at,
        location_id: Some(location.id),
        mode: if for_myself {
            ClockMode::Auto
        } else {
            ClockMode::Manual
        },
        device_id: None,
        device_uid: None,
        ip: ip.or(Some(request.peer)),
        latitude,
        longitude,
        created_by: Some(caller.user_id),
        verify_mode: None,
        work_code: None,
    };
    write(store, caller, &subject, &event, reason, now).await?;
    Ok(Clocked { at, location })
}

/// Writes the event: a self clock-in alone (the event is the record), another
/// employee's with its `clockInManual` row in one transaction. Either drops what was
/// computed from that employee's events (their day), not their card.
async fn write(
    store: &Store,
    caller: &Caller,
    subject: &Subject,
    event: &NewEvent,
    reason: Option<String>,
    now: i64,
) -> AppResult<()> {
    let company = caller.company_id;
    let changed = [Dependency::Attendance(event.employee_id)];
    match subject {
        // With a subscription to clock events, the event and its deliveries commit
        // together; without one the event is written alone.
        Subject::Myself(_)
            if crate::webhooks::wants_clock_events(store.connection(), company).await? =>
        {
            let txn = store.begin().await?;
            txn.changes(changed);
            clock_events::insert(&txn, company, event, now).await?;
            crate::webhooks::clock_events(&txn, company, &[event], now).await?;
            txn.commit().await?;
        }
        Subject::Myself(_) => {
            let writer = store.write_connection().await;
            writer.changes(changed);
            clock_events::insert(&writer, company, event, now).await?;
        }
        Subject::Other(other) => {
            let actor = caller.actor();
            let txn = store.begin().await?;
            txn.changes(changed);
            let entry = NewActivity {
                company_id: company,
                actor: Some(actor),
                action_name: "clockInManual",
                object_id: None, // the event, named by the statement that stores it
                person_id: Some(other.employee_id),
                assigned: Some(event.kind.name().to_string()),
                message: Message::ManualClock {
                    clock_in: event.kind == EventKind::In,
                    name: other.full_name.clone(),
                    time: caller.zone().format(event.at),
                    reason,
                },
            };
            clock_events::insert_logged(&txn, company, event, entry, caller.company_lang, now)
                .await?;
            crate::webhooks::clock_events(&txn, company, &[event], now).await?;
            txn.commit().await?;
        }
    }
    Ok(())
}

async fn subject(
    store: &Store,
    caller: &Caller,
    asked: Sent<i64>,
    asked_location: Option<LocationId>,
    errors: &mut FieldErrors,
) -> AppResult<Option<Subject>> {
    let own = caller.employee_id;
    let asked = asked.optional("employee_id", errors);
    match (asked, own) {
        (None, Some(own)) => return Ok(Some(Subject::Myself(own))),
        (Some(id), Some(own)) if id == own.0 => return Ok(Some(Subject::Myself(own))),
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
    let Some(other) = locations::employee_at(store, caller.company_id, id, asked_location).await?
    else {
        errors.add("employee_id", FieldCode::UnknownReference, Reason::Plain);
        return Ok(None);
    };
    if !Scope::of(store, caller)
        .await?
        .covers_employee(other.employee_id, other.department_id)
    {
        return Err(AppError::Forbidden);
    }
    Ok(Some(Subject::Other(Box::new(other))))
}

/// The event's instant: the time sent or now, within the limits of §12.
fn event_time(
    sent: Sent<String>,
    caller: &Caller,
    now: i64,
    for_myself: bool,
    errors: &mut FieldErrors,
) -> i64 {
    let at = match sent.optional("event_time", errors) {
        None => now,
        Some(text) => match parse_local_date_time(&text) {
            Some((date, seconds)) => match supported_date("event_time", date, errors) {
                Some(date) => caller.zone().local_instant(civil(date), seconds),
                None => now,
            },
            None => {
                errors.add("event_time", FieldCode::DateFormat, Reason::Plain);
                now
            }
        },
    };
    if at > now + FUTURE_SLACK {
        errors.add(
            "event_time",
            FieldCode::InvalidValue,
            Reason::Rule(Rule::AheadOfServerClock {
                minutes: FUTURE_SLACK / 60,
            }),
        );
    } else if for_myself && at < now - SELF_PAST_LIMIT {
        errors.add(
            "event_time",
            FieldCode::InvalidValue,
            Reason::Rule(Rule::TooFarBack {
                hours: SELF_PAST_LIMIT / 3600,
            }),
        );
    }
    at
}

/// Where the request says it was made from.
struct Origin<'a> {
    latitude: Option<&'a str>,
    longitude: Option<&'a str>,
    peer: &'a str,
}

/// The location of the event, checked against the employee's links, the geofence and
/// the address rule.
async fn location(
    store: &Store,
    caller: &Caller,
    id: i64,
    subject: &Subject,
    sent: Origin<'_>,
    errors: &mut FieldErrors,
) -> AppResult<Option<Location>> {
    let company = caller.company_id;
    let id = LocationId(id);
    // Another employee's was read with them; one's own is read now.
    let (linked, known) = match subject {
        Subject::Other(other) if other.location_id == Some(id) => {
            (other.linked.clone(), Some(other.location_exists))
        }
        _ => (
            locations::find_linked(store, company, id, subject.id()).await?,
            None,
        ),
    };
    let Some(location) = linked else {
        let known = match known {
            Some(known) => known,
            None => locations::find(store.connection(), company, id)
                .await?
                .is_some(),
        };
        let code = if known {
            FieldCode::InvalidValue
        } else {
            FieldCode::UnknownReference
        };
        errors.add("location_id", code, Reason::Plain);
        return Ok(None);
    };
    if let (Some(lat), Some(lon)) = (sent.latitude, sent.longitude)
        && let (Some(centre), Some(radius)) =
            (geo::point(&location.lat, &location.lon), location.radius)
    {
        match geo::point(lat, lon) {
            Some(point) if geo::distance(centre, point) <= radius as f64 => {}
            Some(_) => errors.add(
                "latitude",
                FieldCode::InvalidValue,
                Reason::Rule(Rule::OutsideRadius { metres: radius }),
            ),
            None => errors.add("latitude", FieldCode::InvalidValue, Reason::Plain),
        }
    }
    if let (Subject::Myself(_), Some(ipv4)) = (subject, &location.ipv4)
        && !same_address(ipv4, sent.peer)
    {
        errors.add(
            "ip",
            FieldCode::InvalidValue,
            Reason::Rule(Rule::NotLocationAddress),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_request_reads_leniently_and_never_takes_the_peer_from_the_body() {
        let request: ClockRequest = serde_json::from_value(json!({
            "location_id": "4", "latitude": 41.31, "longitude": "", "ip": "10.0.0.1",
            "peer": "1.2.3.4", "employee_id": [1]
        }))
        .expect("a clock request reads from any object");
        assert_eq!(request.location_id, Sent::Value(4));
        assert_eq!(request.latitude, Sent::Value("41.31".to_string()));
        assert_eq!(request.longitude, Sent::Absent);
        assert_eq!(request.event_time, Sent::Absent);
        assert_eq!(request.ip, Sent::Value("10.0.0.1".to_string()));
        assert_eq!(request.employee_id, Sent::Unreadable);
        assert_eq!(request.peer, "");
    }
}
