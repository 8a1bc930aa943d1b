//! Devices (terminals and phones): register, change, remove — admins only (CONTRACT.md
//! §5, ext). `serial_number` is required to register, at most 100 characters without
//! control characters, unique on the server (8008), stored trimmed; `type` 1..50
//! characters (default `Terminal`); `location_id` a location of the company (8004), `0`
//! or `""` detaching the device; `time_zone` an IANA zone (the company's by default);
//! five settings flags read as true/false, 1/0. Registering answers the device API token
//! once (only its digest is kept). Each change writes its activity row (`createDevice`,
//! `updateDevice`, `deleteDevice`) in its transaction and drops the company's cached
//! directory.

use davomat_core::activity::{Message, ObjectKind};
use davomat_core::page::PageRequest;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule};
use davomat_core::zone::CompanyZone;
use davomat_core::{DeviceId, LocationId, Role};
use davomat_store::device_commands::{self, PendingCommand};
use davomat_store::devices::{self, DeviceFields, DeviceRow};
use davomat_store::read_cache::Dependency;
use davomat_store::{Store, WriteTransaction, secrets, terminal_users};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::{FromSent, Sent, verbatim};

/// The longest serial number.
pub const SERIAL_MAX: usize = 100;
/// The longest type.
pub const KIND_MAX: usize = 50;
/// The type of a device registered without one.
pub const DEFAULT_KIND: &str = "Terminal";

/// Who may change devices. A door whose input may be malformed calls it before reading
/// that input (CONTRACT.md §2's order of checks); the use cases check it again.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin])
}

/// One page of the company's devices by id (any role), and the total.
pub async fn list(
    store: &Store,
    caller: &Caller,
    page: PageRequest,
) -> AppResult<(Vec<DeviceRow>, u64)> {
    Ok(devices::list(store, caller.company_id, page).await?)
}

/// The commands waiting for a device of the company (admins), oldest first, at most
/// `limit`.
pub async fn pending_commands(
    store: &Store,
    caller: &Caller,
    id: i64,
    limit: u64,
) -> AppResult<Vec<PendingCommand>> {
    authorize(caller)?;
    get(store, caller, id).await?;
    Ok(
        device_commands::pending(store.connection(), caller.company_id, DeviceId(id), limit)
            .await?,
    )
}

/// The device of the caller's company ([`AppError::NotFound`] otherwise). A door checks
/// it before reading a change's input, so that an unknown id is answered before a bad
/// body.
pub async fn get(store: &Store, caller: &Caller, id: i64) -> AppResult<DeviceRow> {
    devices::get(store.connection(), caller.company_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A device as sent: to register one (`serial_number` required) or to change one (what
/// is absent stays as it is). The settings read true/false, 1/0, "true"/"false" or
/// "1"/"0"; they are false when registered without them.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct DeviceRequest {
    /// Required to register; unique on the server; at most 100 characters. An empty one
    /// is refused as missing (8002).
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, max_length = 100, example = "F00305A7-460D")]
    pub serial_number: Sent<String>,
    /// 1..50 characters; `Terminal` when registered without one.
    #[serde(rename = "type", default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 50, default = "Terminal", example = "Terminal")]
    pub kind: Sent<String>,
    /// A location of the company; `0` or `""` detaches the device from its location.
    #[serde(default, deserialize_with = "detachable_id")]
    #[schema(value_type = Option<i64>)]
    pub location_id: Sent<Option<i64>>,
    /// An IANA zone; the company's when registered without one.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, example = "Asia/Tashkent")]
    pub time_zone: Sent<String>,
    /// A setting of the device's app; default false.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub additional_button: Sent<bool>,
    /// A setting of the device's app; default false.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub save_image_gallery: Sent<bool>,
    /// A setting of the device's app; default false.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub front_camera: Sent<bool>,
    /// A setting of the device's app; default false.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub photo_audit: Sent<bool>,
    /// A setting of the device's app; default false.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub qr_code: Sent<bool>,
}

/// A location reference that can be cleared: `0` or `""` is `Some(None)` (detach); a
/// blank string or null is not set; otherwise an id as [`FromSent`] reads one.
fn detachable_id<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Sent<Option<i64>>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    Ok(match &value {
        Value::String(s) if s.is_empty() => Sent::Value(None),
        Value::Number(n) if n.as_i64() == Some(0) => Sent::Value(None),
        value => i64::from_sent(value).map(Some),
    })
}

/// The fields of a registration (`current` none) or of a change over the current
/// values, checked in the order the errors are reported: serial number, type, location,
/// time zone, the settings.
async fn checked(
    txn: &WriteTransaction,
    caller: &Caller,
    request: DeviceRequest,
    current: Option<&DeviceRow>,
) -> AppResult<DeviceFields> {
    let mut errors = FieldErrors::new();
    let serial = match current {
        None => request.serial_number.required("serial_number", &mut errors),
        Some(row) => Some(
            request
                .serial_number
                .optional("serial_number", &mut errors)
                .unwrap_or_else(|| row.serial_number.clone()),
        ),
    }
    .map(|s| s.trim().to_string());
    if let Some(serial) = &serial {
        if serial.is_empty() {
            errors.add("serial_number", FieldCode::Required, Reason::Plain);
        } else if serial.chars().count() > SERIAL_MAX || serial.chars().any(char::is_control) {
            errors.add(
                "serial_number",
                FieldCode::InvalidValue,
                Reason::TooLong(SERIAL_MAX),
            );
        } else if devices::serial_taken(txn, serial, current.map(|r| r.id)).await? {
            errors.add("serial_number", FieldCode::AlreadyExists, Reason::Plain);
        }
    }
    let kind = request
        .kind
        .optional("type", &mut errors)
        .map(|t| t.trim().to_string())
        .or_else(|| current.map(|r| r.kind.clone()))
        .unwrap_or_else(|| DEFAULT_KIND.to_string());
    if kind.is_empty() || kind.chars().count() > KIND_MAX {
        errors.add("type", FieldCode::InvalidValue, Reason::TooLong(KIND_MAX));
    }
    let location_id = match request.location_id.optional("location_id", &mut errors) {
        Some(None) => None,
        Some(Some(id)) => {
            let id = LocationId(id);
            if !devices::location_exists(txn, caller.company_id, id).await? {
                errors.add("location_id", FieldCode::UnknownReference, Reason::Plain);
            }
            Some(id)
        }
        None => current.and_then(|r| r.location_id),
    };
    let time_zone = request
        .time_zone
        .optional("time_zone", &mut errors)
        .or_else(|| current.map(|r| r.time_zone.clone()))
        .unwrap_or_else(|| caller.time_zone.clone());
    if CompanyZone::named(&time_zone).is_none() {
        errors.add(
            "time_zone",
            FieldCode::InvalidValue,
            Reason::Rule(Rule::UnknownTimeZone),
        );
    }
    let mut setting = |sent: Sent<bool>, name: &str, existing: Option<bool>| {
        sent.optional(name, &mut errors)
            .or(existing)
            .unwrap_or(false)
    };
    let additional_button = setting(
        request.additional_button,
        "additional_button",
        current.map(|r| r.additional_button),
    );
    let save_image_gallery = setting(
        request.save_image_gallery,
        "save_image_gallery",
        current.map(|r| r.save_image_gallery),
    );
    let front_camera = setting(
        request.front_camera,
        "front_camera",
        current.map(|r| r.front_camera),
    );
    let photo_audit = setting(
        request.photo_audit,
        "photo_audit",
        current.map(|r| r.photo_audit),
    );
    let qr_code = setting(request.qr_code, "qr_code", current.map(|r| r.qr_code));
    errors.finish()?;
    Ok(DeviceFields {
        serial_number: serial.unwrap_or_default(),
        kind,
        location_id,
        time_zone,
        additional_button,
        save_image_gallery,
        front_camera,
        photo_audit,
        qr_code,
    })
}

/// A device just registered and its token for the device API, which is shown only
/// now: the store keeps its digest.
#[derive(Clone, Debug)]
pub struct Registered {
    pub device: DeviceRow,
    pub token: String,
}

/// Registers a device of the caller's company; answers it with its new token.
pub async fn register(
    store: &Store,
    caller: &Caller,
    request: DeviceRequest,
    now: i64,
) -> AppResult<Registered> {
    authorize(caller)?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(company)]);
    let fields = checked(&txn, caller, request, None).await?;
    let token = secrets::new_token();
    let digest = davomat_core::token::digest(&token);
    let id = devices::insert(&txn, company, &fields, &digest, now).await?;
    // A terminal that called before it was registered is claimed now.
    davomat_store::terminals::forget_pending(&txn, &fields.serial_number).await?;
    let message = Message::Created {
        kind: ObjectKind::Device,
        title: fields.serial_number.clone(),
    };
    caller
        .log_object_change(&txn, actor, "createDevice", id, message, now)
        .await?;
    let device = devices::get(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(Registered { device, token })
}

/// Changes a device; absent fields keep their values. Every change is written and
/// logged, even one that sets what is already there.
pub async fn update(
    store: &Store,
    caller: &Caller,
    id: i64,
    request: DeviceRequest,
    now: i64,
) -> AppResult<DeviceRow> {
    authorize(caller)?;
    let company = caller.company_id;
    get(store, caller, id).await?;
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Directory(company)]);
    let current = devices::get(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = checked(&txn, caller, request, Some(&current)).await?;
    devices::update(&txn, company, id, &fields).await?;
    if fields.location_id != current.location_id {
        // A terminal at another location holds that location's employees.
        terminal_users::forget_cursor(&txn, DeviceId(id)).await?;
    }
    let message = Message::Updated {
        kind: ObjectKind::Device,
        title: fields.serial_number.clone(),
    };
    caller
        .log_object_change(&txn, actor, "updateDevice", id, message, now)
        .await?;
    let device = devices::get(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(device)
}

/// Gives a device of the caller's company a new token (for a Hikvision terminal, the
/// secret in its URL), answered this once; the old one stops working. Logged as a
/// change of the device.
pub async fn replace_token(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<String> {
    authorize(caller)?;
    let company = caller.company_id;
    let row = get(store, caller, id).await?;
    let token = secrets::new_token();
    let digest = davomat_core::token::digest(&token);
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Directory(company)]);
    devices::replace_token(&txn, company, id, &digest).await?;
    let message = Message::Updated {
        kind: ObjectKind::Device,
        title: row.serial_number,
    };
    caller
        .log_object_change(&txn, actor, "updateDevice", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(token)
}

/// Removes a device of the caller's company; its token stops working.
pub async fn remove(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<()> {
    authorize(caller)?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Directory(company)]);
    let current = devices::get(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    devices::delete(&txn, company, id).await?;
    let message = Message::Deleted {
        kind: ObjectKind::Device,
        title: current.serial_number,
    };
    caller
        .log_object_change(&txn, actor, "deleteDevice", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value) -> DeviceRequest {
        serde_json::from_value(value).expect("a device request reads from any object")
    }

    #[test]
    fn zero_or_an_empty_string_detaches_and_a_blank_one_is_not_set() {
        assert_eq!(
            read(json!({"location_id": 0})).location_id,
            Sent::Value(None)
        );
        assert_eq!(
            read(json!({"location_id": ""})).location_id,
            Sent::Value(None)
        );
        assert_eq!(read(json!({"location_id": " "})).location_id, Sent::Absent);
        assert_eq!(read(json!({})).location_id, Sent::Absent);
        assert_eq!(
            read(json!({"location_id": "7"})).location_id,
            Sent::Value(Some(7))
        );
        assert_eq!(
            read(json!({"location_id": "x"})).location_id,
            Sent::Unreadable
        );
    }

    #[test]
    fn settings_read_as_booleans_and_an_empty_one_is_not_set() {
        let request = read(json!({
            "additional_button": 1, "save_image_gallery": " False ", "front_camera": true,
            "photo_audit": "maybe", "qr_code": ""
        }));
        assert_eq!(request.additional_button, Sent::Value(true));
        assert_eq!(request.save_image_gallery, Sent::Value(false));
        assert_eq!(request.front_camera, Sent::Value(true));
        assert_eq!(request.photo_audit, Sent::Unreadable);
        assert_eq!(request.qr_code, Sent::Absent);
        assert_eq!(read(json!({"qr_code": null})).qr_code, Sent::Absent);
    }

    #[test]
    fn an_empty_serial_or_type_is_a_value() {
        let request = read(json!({"serial_number": "", "type": "", "time_zone": ""}));
        assert_eq!(request.serial_number, Sent::Value(String::new()));
        assert_eq!(request.kind, Sent::Value(String::new()));
        assert_eq!(request.time_zone, Sent::Value(String::new()));
    }
}
