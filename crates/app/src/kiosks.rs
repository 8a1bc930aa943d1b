//! Kiosks (CONTRACT.md §9): a tablet at an entrance where people clock in and out with
//! their PIN code or QR code. An admin creates one for a location (`POST /v1/kiosks`: a
//! device of type `kiosk` with a title and a generated serial; its token is answered
//! once) and removes it (`DELETE /v1/kiosks/{id}`: its token stops working). A punch
//! (`POST /v1/kiosk/punch`, with the kiosk's token) names the person, may carry the
//! time it happened (a kiosk that was offline replays its queue) and a camera snapshot;
//! it is in or out by the person's events of that day (an even count before it: in), is
//! stored through the terminals' path (idempotent on the kiosk's uid: a replay answers
//! the event it became) and answers who, in or out, and when.

use chrono::{DateTime, NaiveDate};
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::dates::civil;
use davomat_core::engine::EventKind;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule, parse_local_date_time};
use davomat_core::zone::CompanyZone;
use davomat_core::{CompanyId, DeviceId, EmployeeStatus, LocationId};
use davomat_store::devices::{self, DeviceFields};
use davomat_store::kiosks::{self, Credential, KioskPerson};
use davomat_store::read_cache::Dependency;
use davomat_store::{Store, clock_events, secrets, terminals};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::Sent;
use crate::terminal_events::{self, Terminal, TerminalEvent, When, Who};

/// The device type of a kiosk.
pub const KIND: &str = "kiosk";
/// The longest title.
pub const TITLE_MAX: usize = 100;
/// The longest uid a kiosk gives a punch.
pub const UID_MAX: usize = 100;
/// The largest snapshot kept with a punch (bytes).
pub const PHOTO_MAX: usize = 512 * 1024;

/// A kiosk as an admin creates it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = KioskRequest)]
pub struct KioskRequest {
    /// The location the kiosk stands at.
    #[schema(value_type = i64)]
    #[serde(default)]
    pub location_id: Sent<i64>,
    /// What people call it ("Main entrance"), 1..100 characters.
    #[schema(value_type = String, max_length = 100, example = "Main entrance")]
    #[serde(default)]
    pub title: Sent<String>,
}

/// A kiosk just created: its id and its token (shown this once).
#[derive(Clone, Debug)]
pub struct CreatedKiosk {
    pub id: i64,
    pub token: String,
}

/// Creates a kiosk of the caller's company (admins).
pub async fn create(
    store: &Store,
    caller: &Caller,
    request: KioskRequest,
    now: i64,
) -> AppResult<CreatedKiosk> {
    crate::devices::authorize(caller)?;
    let company = caller.company_id;
    let mut errors = FieldErrors::new();
    let location = request.location_id.required("location_id", &mut errors);
    let title = request
        .title
        .required("title", &mut errors)
        .map(|t| t.trim().to_string());
    match &title {
        Some(t) if t.is_empty() => errors.add("title", FieldCode::Required, Reason::Plain),
        Some(t) if t.chars().count() > TITLE_MAX || t.chars().any(char::is_control) => {
            errors.add("title", FieldCode::InvalidValue, Reason::TooLong(TITLE_MAX))
        }
        _ => {}
    }
    if let Some(id) = location
        && !devices::location_exists(store.connection(), company, LocationId(id)).await?
    {
        errors.add("location_id", FieldCode::UnknownReference, Reason::Plain);
    }
    let (Some(location), Some(title), true) = (location, title, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let token = secrets::new_token();
    let fields = DeviceFields {
        serial_number: format!("kiosk-{}", &davomat_core::token::digest(&token)[..16]),
        kind: KIND.to_string(),
        location_id: Some(LocationId(location)),
        time_zone: caller.time_zone.clone(),
        additional_button: false,
        save_image_gallery: false,
        front_camera: false,
        photo_audit: false,
        qr_code: true,
    };
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Directory(company)]);
    let id = devices::insert(
        &txn,
        company,
        &fields,
        &davomat_core::token::digest(&token),
        now,
    )
    .await?;
    devices::set_title(&txn, id, &title).await?;
    let message = Message::Created {
        kind: ObjectKind::Device,
        title,
    };
    caller
        .log_object_change(&txn, actor, "createDevice", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(CreatedKiosk { id, token })
}

/// Removes a kiosk of the caller's company (404 for a device that is not a kiosk).
pub async fn remove(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<()> {
    crate::devices::authorize(caller)?;
    let row = crate::devices::get(store, caller, id).await?;
    if row.kind != KIND {
        return Err(AppError::NotFound);
    }
    crate::devices::remove(store, caller, id, now).await
}

/// A punch as a kiosk sends it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = KioskPunchRequest)]
pub struct PunchRequest {
    /// The kiosk's own id for the punch (at most 100 characters): a replay with the same
    /// uid answers the event it became.
    #[schema(value_type = String, max_length = 100)]
    #[serde(default)]
    pub uid: Sent<String>,
    /// The person's PIN code (or `qrcode`).
    #[schema(value_type = Option<String>, example = "1234")]
    #[serde(default)]
    pub pin_code: Sent<String>,
    /// The person's QR code, as scanned (or `pin_code`).
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub qrcode: Sent<String>,
    /// When it happened: RFC 3339 (`2025-03-04T04:00:00Z`) or the kiosk's local
    /// `YYYY-MM-DD HH:MM:SS`; absent: now. At most 5 minutes ahead.
    #[schema(value_type = Option<String>, example = "2025-03-04T04:00:00Z")]
    #[serde(default)]
    pub event_time: Sent<String>,
    /// A camera snapshot, base64 JPEG or PNG (a `data:` URL accepted), at most 512 KB.
    #[schema(value_type = Option<String>)]
    #[serde(skip)]
    pub photo: Sent<Vec<u8>>,
}

/// What a punch became.
#[derive(Clone, Debug)]
pub struct Punched {
    pub person: KioskPerson,
    pub kind: EventKind,
    pub at: i64,
    /// The kiosk's zone (the answer's local time is in it).
    pub zone: CompanyZone,
}

/// The kiosk a punch comes from, as its token found it.
#[derive(Clone, Copy, Debug)]
pub struct Kiosk {
    pub device_id: DeviceId,
    pub company_id: CompanyId,
}

/// Takes a punch at the kiosk (see the module's text). 403 for a device that is not a
/// kiosk; 422 with every failing field; 8004 on the credential for nobody, 8003 for a
/// person not employed now or not allowed at the kiosk's location.
pub async fn punch(
    store: &Store,
    kiosk: Kiosk,
    request: PunchRequest,
    now: i64,
) -> AppResult<Punched> {
    let conn = store.connection();
    let row = devices::get(conn, kiosk.company_id, kiosk.device_id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(location) = row.location_id.filter(|_| row.kind == KIND) else {
        return Err(AppError::Forbidden);
    };
    let zone = CompanyZone::named_or_default(&row.time_zone);
    let mut errors = FieldErrors::new();
    let uid = checked_uid(request.uid, &mut errors);
    let (field, credential, value) = credential(request.pin_code, request.qrcode, &mut errors);
    let at = match request.event_time.optional("event_time", &mut errors) {
        Some(text) => instant(&text, &zone).or_else(|| {
            errors.add("event_time", FieldCode::DateFormat, Reason::Plain);
            None
        }),
        None => Some(now),
    };
    let photo = checked_photo(request.photo, &mut errors);
    let (Some(uid), Some(value), Some(at), true) = (uid, value, at, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    if let Some(done) = kiosks::event_of_uid(conn, kiosk.device_id, &uid).await? {
        return replayed(store, kiosk, location, done, zone).await;
    }
    let person = kiosks::person(conn, kiosk.company_id, credential, &value, location)
        .await?
        .ok_or_else(|| AppError::field(field, FieldCode::UnknownReference, Reason::Plain))?;
    if person.status.0 == EmployeeStatus::Dismissed {
        return Err(AppError::field(
            field,
            FieldCode::InvalidValue,
            Reason::Rule(Rule::NotEmployed),
        ));
    }
    if person.allowed_here == 0 {
        return Err(AppError::field(
            field,
            FieldCode::InvalidValue,
            Reason::Rule(Rule::NotAllowedHere),
        ));
    }
    let local = local_of(at, &zone)?;
    let kind = direction(store, kiosk.company_id, person.id, &zone, local.0, at).await?;
    let terminal = Terminal {
        device_id: kiosk.device_id,
        company_id: kiosk.company_id,
        location_id: Some(location),
        zone: zone.clone(),
        future_slack: crate::clock::FUTURE_SLACK,
    };
    let event = TerminalEvent {
        uid: uid.clone(),
        employee: Who::Id(person.id),
        direction: kind,
        when: When::Local {
            date: local.0,
            seconds: local.1,
        },
        location_id: None,
        verify_mode: None,
        work_code: None,
    };
    let recorded = terminal_events::record(store, &terminal, vec![event], now).await?;
    if let Some(refused) = recorded.refused.first() {
        let reason = Reason::Rule(Rule::AheadOfServerClock { minutes: 5 });
        return Err(if refused.code == FieldCode::UnknownReference {
            AppError::field(field, FieldCode::UnknownReference, Reason::Plain)
        } else {
            AppError::field("event_time", FieldCode::InvalidValue, reason)
        });
    }
    let done = kiosks::event_of_uid(conn, kiosk.device_id, &uid)
        .await?
        .ok_or_else(|| AppError::Internal("a kiosk punch was not stored".into()))?;
    if let Some((content_type, bytes)) = photo {
        let writer = store.write_connection().await;
        writer.changes_nothing_cached();
        terminals::keep_picture(&writer, done.id, content_type, &bytes, now).await?;
    }
    Ok(Punched {
        person,
        kind: done.kind.0,
        at: done.at,
        zone,
    })
}

/// The answer of a punch already stored under this uid.
async fn replayed(
    store: &Store,
    kiosk: Kiosk,
    location: LocationId,
    done: kiosks::KioskEvent,
    zone: CompanyZone,
) -> AppResult<Punched> {
    let person = kiosks::person_by_id(
        store.connection(),
        kiosk.company_id,
        done.employee_id,
        location,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Punched {
        person,
        kind: done.kind.0,
        at: done.at,
        zone,
    })
}

fn checked_uid(sent: Sent<String>, errors: &mut FieldErrors) -> Option<String> {
    let uid = sent.required("uid", errors)?.trim().to_string();
    if uid.is_empty() {
        errors.add("uid", FieldCode::Required, Reason::Plain);
        return None;
    }
    if uid.chars().count() > UID_MAX || uid.chars().any(char::is_control) {
        errors.add("uid", FieldCode::InvalidValue, Reason::TooLong(UID_MAX));
        return None;
    }
    Some(uid)
}

/// The credential sent: the PIN code when given, else the QR code; neither is 8002 on
/// `pin_code`.
fn credential(
    pin_code: Sent<String>,
    qrcode: Sent<String>,
    errors: &mut FieldErrors,
) -> (&'static str, Credential, Option<String>) {
    let pin = pin_code
        .optional("pin_code", errors)
        .map(|p| p.trim().to_string());
    let qr = qrcode
        .optional("qrcode", errors)
        .map(|q| q.trim().to_string());
    match (pin.filter(|p| !p.is_empty()), qr.filter(|q| !q.is_empty())) {
        (Some(pin), _) => ("pin_code", Credential::PinCode, Some(pin)),
        (None, Some(qr)) => ("qrcode", Credential::QrCode, Some(qr)),
        (None, None) => {
            if !errors.has("pin_code") && !errors.has("qrcode") {
                errors.add("pin_code", FieldCode::Required, Reason::Plain);
            }
            ("pin_code", Credential::PinCode, None)
        }
    }
}

/// The snapshot's type by its first bytes (JPEG or PNG), at most [`PHOTO_MAX`].
fn checked_photo(sent: Sent<Vec<u8>>, errors: &mut FieldErrors) -> Option<(&'static str, Vec<u8>)> {
    let bytes = sent.optional("photo", errors)?;
    let kind = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else {
        errors.add(
            "photo",
            FieldCode::InvalidValue,
            Reason::Rule(Rule::ImageFormat),
        );
        return None;
    };
    if bytes.len() > PHOTO_MAX {
        let too_large = Rule::ImageTooLarge {
            max: PHOTO_MAX,
            bytes: bytes.len(),
        };
        errors.add("photo", FieldCode::InvalidValue, Reason::Rule(too_large));
        return None;
    }
    Some((kind, bytes))
}

/// An RFC 3339 time, or a local `YYYY-MM-DD HH:MM[:SS]` in the kiosk's zone.
fn instant(text: &str, zone: &CompanyZone) -> Option<i64> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text.trim()) {
        return Some(at.timestamp());
    }
    let (date, seconds) = parse_local_date_time(text)?;
    Some(zone.local_instant(civil(date), seconds))
}

/// The local date and seconds after its midnight of an instant in the zone.
fn local_of(at: i64, zone: &CompanyZone) -> AppResult<(NaiveDate, i64)> {
    let local = at + i64::from(zone.offset_at(at));
    let date = DateTime::from_timestamp(local, 0)
        .map(|t| t.date_naive())
        .ok_or_else(|| AppError::Internal("a punch's time".into()))?;
    Ok((date, local.rem_euclid(86_400)))
}

/// In when the employee's events of the local day before `at` are even, else out.
async fn direction(
    store: &Store,
    company: CompanyId,
    employee: i64,
    zone: &CompanyZone,
    date: NaiveDate,
    at: i64,
) -> AppResult<EventKind> {
    let from = zone.day_start(civil(date));
    let before =
        clock_events::of_employees(store.connection(), company, &[employee], from, at).await?;
    Ok(if before.len() % 2 == 0 {
        EventKind::In
    } else {
        EventKind::Out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_with_an_offset_or_in_the_kiosk_s_zone() {
        let zone = CompanyZone::named_or_default("Asia/Tashkent");
        assert_eq!(instant("2025-03-04T04:00:00Z", &zone), Some(1_741_060_800));
        assert_eq!(instant("2025-03-04 09:00:00", &zone), Some(1_741_060_800));
        assert_eq!(instant("2025-03-04 09:00", &zone), Some(1_741_060_800));
        assert_eq!(instant("tomorrow", &zone), None);
        assert_eq!(
            local_of(1_741_060_800, &zone).ok(),
            NaiveDate::from_ymd_opt(2025, 3, 4).map(|d| (d, 9 * 3_600))
        );
    }
}
