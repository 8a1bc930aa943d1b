//! Hikvision access-control terminals pushing their events to davomat as an "HTTP
//! listening" host (`POST /terminals/hikvision/{device_secret}/events`, CONTRACT.md §9).
//! The terminal is a device registered with `type: hikvision`; the secret in its URL is
//! the device's token, shown once at registration and replaced from its console page.
//! A heartbeat notes that the terminal is alive; a successful verification becomes a
//! punch through the same path as an ADMS terminal's line (its time read with the
//! offset it carries, in or out from its attendance status or else the device's rule,
//! an unknown employee number kept unmatched, a time far ahead quarantined), keyed per
//! device by the employee number and the second (a resend is stored once); the picture
//! sent with it is kept with the clock event. Anything else is acknowledged and
//! dropped (docs/decisions.md, "Hikvision terminals").

use std::net::IpAddr;

use davomat_core::adms::AttLine;
use davomat_core::hikvision::{self, EventTime, Notice, Punch, Status};
use davomat_core::zone::CompanyZone;
use davomat_core::{CompanyStatus, DeviceId};
use davomat_store::Store;
use davomat_store::devices;
use davomat_store::employees::lookups;
use davomat_store::terminals::{self, NewUnmatched, PushDevice};

use crate::adms;
use crate::error::{AppError, AppResult};

/// The device type that marks a Hikvision terminal (any case).
pub const KIND: &str = "hikvision";

/// What a terminal's employee number may be matched with.
pub const EMPLOYEE_KEYS: [&str; 2] = ["pin_code", "tab_number"];

/// The largest picture kept with an event (bytes); a larger one is dropped.
pub const PICTURE_MAX: usize = 512 * 1024;

/// A picture sent with an event.
#[derive(Clone, Debug)]
pub struct Picture {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// One push as received: the event's JSON text and the picture, if one came.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub event: String,
    pub picture: Option<Picture>,
}

/// Why a push was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No Hikvision terminal has this secret.
    UnknownSecret,
    /// The terminal called from outside its allowed network.
    WrongNetwork,
    /// The company's subscription has expired.
    CompanyExpired,
    /// Not an event notification.
    Unreadable(&'static str),
}

/// What became of a push.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received {
    Heartbeat,
    Ignored(&'static str),
    /// A punch stored now.
    Stored,
    /// A punch this terminal had sent before.
    Duplicate,
    /// A punch whose employee number matched nobody (kept for the console).
    Unmatched,
    /// A punch too far ahead of the server's clock (quarantined).
    Quarantined,
}

/// Takes one push from the terminal holding `secret`.
pub async fn receive(
    store: &Store,
    secret: &str,
    source: IpAddr,
    delivery: Delivery,
    now: i64,
) -> AppResult<Result<Received, Refusal>> {
    let Some(found) = devices::by_token(store, secret, now).await? else {
        return Ok(Err(Refusal::UnknownSecret));
    };
    let device = terminals::by_id(store, found.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !device.kind.eq_ignore_ascii_case(KIND) {
        return Ok(Err(Refusal::UnknownSecret));
    }
    if !adms::network_allows(device.allowed_network.as_deref(), source) {
        return Ok(Err(Refusal::WrongNetwork));
    }
    if found.company_status.0 == CompanyStatus::Expired {
        return Ok(Err(Refusal::CompanyExpired));
    }
    let punch = match hikvision::read(&delivery.event) {
        Notice::Heartbeat => return Ok(Ok(Received::Heartbeat)),
        Notice::Ignored(why) => return Ok(Ok(Received::Ignored(why))),
        Notice::Unreadable(why) => return Ok(Err(Refusal::Unreadable(why))),
        Notice::Punch(punch) => punch,
    };
    let zone = CompanyZone::named_or_default(&device.time_zone);
    let mut line = att_line(&punch, &zone)?;
    if device.employee_key == "tab_number" {
        match lookups::pin_of_tab_number(store.connection(), device.company_id, &punch.employee_no)
            .await?
        {
            Some(pin) => line.pin = pin,
            None => return keep_unmatched(store, &device, &line, &zone, now).await,
        }
    }
    let uid = line.uid();
    let raw = format!("{} {}", punch.employee_no, punch.time_text);
    let taken = adms::take_lines(store, &device, vec![(raw, line)], now).await?;
    let received = if taken.stored > 0 {
        Received::Stored
    } else if taken.duplicates > 0 {
        Received::Duplicate
    } else if taken.unmatched > 0 {
        Received::Unmatched
    } else {
        Received::Quarantined
    };
    if matches!(received, Received::Stored | Received::Duplicate)
        && let Some(picture) = delivery.picture
    {
        keep_picture(store, device.id, &uid, picture, now).await?;
    }
    Ok(Ok(received))
}

/// The punch as an ADMS line in the device's zone: its state from the attendance
/// status (0 in, 1 out, none when undefined), its verify mode the minor code.
fn att_line(punch: &Punch, zone: &CompanyZone) -> AppResult<AttLine> {
    let local = match punch.time {
        EventTime::Instant(at) => {
            chrono::DateTime::from_timestamp(at + i64::from(zone.offset_at(at)), 0)
                .map(|t| t.naive_utc())
        }
        EventTime::Local(local) => Some(local),
    }
    .ok_or_else(|| AppError::Internal("the event's time".into()))?;
    Ok(AttLine {
        pin: punch.employee_no.clone(),
        date: local.date(),
        seconds: i64::from(chrono::Timelike::num_seconds_from_midnight(&local)),
        status: punch.status.map(|s| match s {
            Status::In => 0,
            Status::Out => 1,
        }),
        verify: Some(punch.minor),
        work_code: String::new(),
    })
}

/// An employee number no tab number matches: kept unmatched, in by default.
async fn keep_unmatched(
    store: &Store,
    device: &PushDevice,
    line: &AttLine,
    zone: &CompanyZone,
    now: i64,
) -> AppResult<Result<Received, Refusal>> {
    let punch = NewUnmatched {
        device_id: device.id,
        pin: line.pin.clone(),
        at: zone.local_instant(davomat_core::dates::civil(line.date), line.seconds),
        direction: if line.status == Some(1) { "out" } else { "in" }.to_string(),
        verify_mode: line.verify,
        work_code: None,
        uid: line.uid(),
    };
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    terminals::keep_unmatched(&writer, device.company_id, &[punch], now).await?;
    Ok(Ok(Received::Unmatched))
}

/// Keeps the picture with the event the punch became (a resend's picture fills a
/// missing one); a picture too large or not an image is dropped.
async fn keep_picture(
    store: &Store,
    device: DeviceId,
    uid: &str,
    picture: Picture,
    now: i64,
) -> AppResult<()> {
    if picture.bytes.is_empty() || picture.bytes.len() > PICTURE_MAX {
        return Ok(());
    }
    let content_type = match picture.content_type.to_ascii_lowercase().as_str() {
        "image/png" => "image/png",
        _ if picture.bytes.starts_with(&[0xFF, 0xD8]) => "image/jpeg",
        _ => return Ok(()),
    };
    let Some(event) =
        davomat_store::clock_events::id_of_device_uid(store.connection(), device, uid).await?
    else {
        return Ok(());
    };
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    terminals::keep_picture(&writer, event, content_type, &picture.bytes, now).await?;
    Ok(())
}

/// Sets what a Hikvision terminal's employee number is matched with (admins).
pub async fn set_employee_key(
    store: &Store,
    caller: &crate::caller::Caller,
    device: DeviceId,
    key: &str,
) -> AppResult<()> {
    use davomat_core::validation::{FieldCode, FieldErrors, Reason};
    crate::devices::authorize(caller)?;
    devices::get(store.connection(), caller.company_id, device.0)
        .await?
        .ok_or(AppError::NotFound)?;
    if !EMPLOYEE_KEYS.contains(&key) {
        let mut errors = FieldErrors::new();
        errors.add("employee_key", FieldCode::InvalidValue, Reason::Plain);
        return Err(AppError::Invalid(errors));
    }
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    terminals::set_employee_key(&writer, caller.company_id, device, key).await?;
    Ok(())
}

/// A picture a terminal sent with a clock event of the caller's company (admins, and
/// heads and managers whose scope holds the event's employee, as the day's page).
pub async fn picture(
    store: &Store,
    caller: &crate::caller::Caller,
    event: i64,
) -> AppResult<terminals::EventPicture> {
    caller.require(&crate::timesheets::READERS)?;
    let owner = davomat_store::clock_events::owner_of(store.connection(), caller.company_id, event)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = crate::scope::Scope::of(store, caller).await?;
    if !scope.covers_employee(owner.employee_id, owner.department_id) {
        return Err(AppError::Forbidden);
    }
    terminals::picture_of(store.connection(), caller.company_id, event)
        .await?
        .ok_or(AppError::NotFound)
}
