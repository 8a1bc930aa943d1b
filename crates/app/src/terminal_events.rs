//! Recording what a terminal saw: a batch of events it recorded, perhaps while offline,
//! each naming its employee by id or by PIN code. Every event is checked on its own —
//! its time (a date davomat stores, at most 5 minutes ahead), its employee and its
//! location the company's; a bad one is refused with its reason and the rest are
//! stored — and a batch sent
//! twice is stored once: an event whose uid the device already sent is a duplicate.
//! Stored events are mode `auto`, with the device and (unless the event names one) the
//! device's location. The terminal protocols (the device API, and later the ZKTeco and
//! Hikvision pushes) parse their wire formats into [`TerminalEvent`]s and call
//! [`record`].

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use davomat_core::dates::civil;
use davomat_core::engine::EventKind;
use davomat_core::validation::{FieldCode, is_supported_date};
use davomat_core::zone::CompanyZone;
use davomat_core::{ClockMode, CompanyId, DeviceId, EmployeeId, LocationId};
use davomat_store::Store;
use davomat_store::clock_events::{self, NewEvent};
use davomat_store::employees::lookups;
use davomat_store::read_cache::Dependency;

use crate::clock::FUTURE_SLACK;
use crate::error::AppResult;

/// The terminal sending the events.
#[derive(Clone, Debug)]
pub struct Terminal {
    pub device_id: DeviceId,
    pub company_id: CompanyId,
    /// Where the device stands; the location of events that name none.
    pub location_id: Option<LocationId>,
    /// The zone in which the terminal's local times are read (the device's).
    pub zone: CompanyZone,
    /// How far ahead of the server's clock an event may be (seconds): the device API's
    /// 5 minutes ([`FUTURE_SLACK`]); terminals whose clocks drift more get more.
    pub future_slack: i64,
}

/// How an event names its employee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Who {
    Id(i64),
    Pin(String),
}

/// When an event happened, as the terminal said it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// The terminal gave no time: the moment it was received.
    Now,
    /// A local date and the seconds after its midnight, in the company's zone.
    Local { date: NaiveDate, seconds: i64 },
}

/// One event as the terminal recorded it, already read from its wire format.
#[derive(Clone, Debug)]
pub struct TerminalEvent {
    /// The device's own id for the event: a resend with the same uid is a duplicate.
    pub uid: String,
    pub employee: Who,
    pub direction: EventKind,
    pub when: When,
    pub location_id: Option<i64>,
    /// How the terminal verified the person (its own code), if it says.
    pub verify_mode: Option<i64>,
    /// The work code sent with the punch, if any.
    pub work_code: Option<String>,
}

/// An event refused, with the field code and a short reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub uid: String,
    pub code: FieldCode,
    pub reason: &'static str,
}

/// What became of a batch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Events stored now.
    pub accepted: u64,
    /// Events this device had already sent (not stored again).
    pub duplicates: u64,
    pub refused: Vec<Refused>,
}

/// Stores a terminal's events (see the module's text), in one transaction.
pub async fn record(
    store: &Store,
    terminal: &Terminal,
    events: Vec<TerminalEvent>,
    now: i64,
) -> AppResult<Recorded> {
    let company = terminal.company_id;
    let conn = store.connection();
    let (ids, pins) = named(&events);
    let known = lookups::by_ids_or_pins(conn, company, &ids, &pins).await?;
    let by_id: HashSet<i64> = known.iter().map(|r| r.id).collect();
    let by_pin: HashMap<&str, i64> = known.iter().map(|r| (r.pin_code.as_str(), r.id)).collect();
    let company_locations: HashSet<i64> =
        davomat_store::titles::of(conn, company, davomat_store::titles::Titled::Locations)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
    let mut refused = Vec::new();
    let mut stored = Vec::with_capacity(events.len());
    for event in events {
        let at = match instant(event.when, terminal, now) {
            Ok(at) => at,
            Err(reason) => {
                refused.push(Refused {
                    uid: event.uid,
                    code: FieldCode::InvalidValue,
                    reason,
                });
                continue;
            }
        };
        let employee_id = match &event.employee {
            Who::Id(id) => by_id.contains(id).then_some(*id),
            Who::Pin(pin) => by_pin.get(pin.as_str()).copied(),
        };
        let Some(employee_id) = employee_id else {
            refused.push(Refused {
                uid: event.uid,
                code: FieldCode::UnknownReference,
                reason: "no such employee in the company",
            });
            continue;
        };
        if let Some(id) = event.location_id
            && !company_locations.contains(&id)
        {
            refused.push(Refused {
                uid: event.uid,
                code: FieldCode::UnknownReference,
                reason: "no such location in the company",
            });
            continue;
        }
        stored.push(NewEvent {
            employee_id: EmployeeId(employee_id),
            kind: event.direction,
            at,
            location_id: event.location_id.map(LocationId).or(terminal.location_id),
            mode: ClockMode::Auto,
            device_id: Some(terminal.device_id),
            device_uid: Some(event.uid),
            ip: None,
            latitude: None,
            longitude: None,
            created_by: None,
            verify_mode: event.verify_mode,
            work_code: event.work_code,
        });
    }
    let txn = store.begin().await?;
    txn.changes(
        stored
            .iter()
            .map(|event| Dependency::Attendance(event.employee_id)),
    );
    let new_uids = clock_events::insert_batch(&txn, company, &stored, now).await?;
    let accepted = new_uids.len() as u64;
    let new_events: Vec<&NewEvent> = stored
        .iter()
        .filter(|e| {
            e.device_uid
                .as_ref()
                .is_some_and(|uid| new_uids.contains(uid))
        })
        .collect();
    crate::webhooks::clock_events(&txn, company, &new_events, now).await?;
    txn.commit().await?;
    Ok(Recorded {
        accepted,
        duplicates: stored.len() as u64 - accepted,
        refused,
    })
}

/// The event's instant: its local time in the terminal's zone (a date davomat stores,
/// 1900–2100) at most the terminal's slack ahead of the server's clock, or now.
fn instant(when: When, terminal: &Terminal, now: i64) -> Result<i64, &'static str> {
    let at = match when {
        When::Now => now,
        When::Local { date, .. } if !is_supported_date(date) => {
            return Err("event_time is between 1900-01-01 and 2100-12-31");
        }
        When::Local { date, seconds } => terminal.zone.local_instant(civil(date), seconds),
    };
    if at > now + terminal.future_slack {
        return Err(if terminal.future_slack == FUTURE_SLACK {
            "event_time is more than 5 minutes ahead"
        } else {
            "event_time is too far ahead of the server's clock"
        });
    }
    Ok(at)
}

/// The employee ids and PIN codes the batch names, each once.
fn named(events: &[TerminalEvent]) -> (Vec<i64>, Vec<String>) {
    let mut ids = Vec::new();
    let mut pins = Vec::new();
    for event in events {
        match &event.employee {
            Who::Id(id) => ids.push(*id),
            Who::Pin(pin) => pins.push(pin.clone()),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    pins.sort_unstable();
    pins.dedup();
    (ids, pins)
}
