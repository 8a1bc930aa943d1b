//! Devices: `GET /v1/devices` (every role) and the ext admin writes `POST /v1/devices`
//! (answers the DeviceInfo plus the device API token, shown once), `PUT` and `DELETE
//! /v1/devices/{id}`.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode};
use davomat_core::Role;
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule};
use davomat_core::zone::CompanyZone;
use davomat_store::activity::{self, NewActivity};
use davomat_store::devices::{self, DeviceFields, DeviceRow};
use davomat_store::read_cache::Dependency;
use davomat_store::secrets;
use serde_json::{Value, json};

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult};
use crate::guard::Access;
use crate::input::{body_fields, path_id};
use crate::openapi::{Operation, body, id_in_path, paging, schema_ref, with_errors};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::GET, "/v1/devices", Access::Authenticated, list)
        .add(Method::POST, "/v1/devices", Access::Authenticated, create)
        .add(
            Method::PUT,
            "/v1/devices/{id}",
            Access::Authenticated,
            update,
        )
        .add(
            Method::DELETE,
            "/v1/devices/{id}",
            Access::Authenticated,
            delete,
        )
}

/// The DeviceInfo object of the reference (plus `location_id`).
fn device_object(row: &DeviceRow, zone: &CompanyZone) -> Value {
    json!({
        "id": row.id,
        "serial_number": row.serial_number,
        "last_request_time": row.last_request_at.map(|t| zone.format(t)),
        "time_zone": row.time_zone,
        "battery_level": row.battery_level,
        "os_type": row.os_type,
        "os_version": row.os_version,
        "app_version": row.app_version,
        "logged_user_name": row.logged_user_name,
        "additional_button": row.additional_button,
        "save_image_gallery": row.save_image_gallery,
        "front_camera": row.front_camera,
        "photo_audit": row.photo_audit,
        "qr_code": row.qr_code,
        "location_id": row.location_id,
        "location_name": row.location_name,
        "type": row.kind,
    })
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Value>> {
    let zone = CompanyZone::named_or_default(&caller.time_zone);
    let (rows, total) = devices::list(&state.store, caller.company_id, list.page).await?;
    Ok(Json(list.envelope(
        rows.iter().map(|r| device_object(r, &zone)).collect(),
        total,
    )))
}

const SETTINGS: [&str; 5] = [
    "additional_button",
    "save_image_gallery",
    "front_camera",
    "photo_audit",
    "qr_code",
];

/// Reads a device body over the current values (`None` on create) and checks it.
async fn read_device(
    state: &AppState,
    caller: &Caller,
    request: Request,
    current: Option<&DeviceRow>,
) -> ApiResult<DeviceFields> {
    let fields = body_fields(request).await?;
    let mut errors = FieldErrors::new();
    let serial = match current {
        None => fields.required_text("serial_number", &mut errors),
        Some(row) => Some(
            fields
                .text("serial_number", &mut errors)
                .unwrap_or_else(|| row.serial_number.clone()),
        ),
    }
    .map(|s| s.trim().to_string());
    if let Some(serial) = &serial {
        if serial.is_empty() {
            errors.add("serial_number", FieldCode::Required, Reason::Plain);
        } else if serial.chars().count() > 100 || serial.chars().any(char::is_control) {
            errors.add(
                "serial_number",
                FieldCode::InvalidValue,
                Reason::TooLong(100),
            );
        } else if devices::serial_taken(state.store.connection(), serial, current.map(|r| r.id))
            .await?
        {
            errors.add("serial_number", FieldCode::AlreadyExists, Reason::Plain);
        }
    }
    let kind = fields
        .text("type", &mut errors)
        .map(|t| t.trim().to_string())
        .or_else(|| current.map(|r| r.kind.clone()))
        .unwrap_or_else(|| "Terminal".to_string());
    if kind.is_empty() || kind.chars().count() > 50 {
        errors.add("type", FieldCode::InvalidValue, Reason::TooLong(50));
    }
    let location_id = if fields
        .raw("location_id")
        .is_some_and(|v| v.as_str() == Some("") || v.as_i64() == Some(0))
    {
        None
    } else {
        match fields.int("location_id", &mut errors) {
            Some(id) => {
                if !devices::location_exists(state.store.connection(), caller.company_id, id)
                    .await?
                {
                    errors.add("location_id", FieldCode::UnknownReference, Reason::Plain);
                }
                Some(id)
            }
            None => current.and_then(|r| r.location_id),
        }
    };
    let time_zone = fields
        .text("time_zone", &mut errors)
        .or_else(|| current.map(|r| r.time_zone.clone()))
        .unwrap_or_else(|| caller.time_zone.clone());
    if CompanyZone::named(&time_zone).is_none() {
        errors.add(
            "time_zone",
            FieldCode::InvalidValue,
            Reason::Rule(Rule::UnknownTimeZone),
        );
    }
    let mut flags = [false; 5];
    for (i, name) in SETTINGS.iter().enumerate() {
        let existing = current.map(|r| {
            [
                r.additional_button,
                r.save_image_gallery,
                r.front_camera,
                r.photo_audit,
                r.qr_code,
            ][i]
        });
        flags[i] = fields
            .boolean(name, &mut errors)
            .or(existing)
            .unwrap_or(false);
    }
    errors.finish()?;
    Ok(DeviceFields {
        serial_number: serial.unwrap_or_default(),
        kind,
        location_id,
        time_zone,
        additional_button: flags[0],
        save_image_gallery: flags[1],
        front_camera: flags[2],
        photo_audit: flags[3],
        qr_code: flags[4],
    })
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin])?;
    let fields = read_device(&state, &caller, request, None).await?;
    let actor = caller.actor(&state.store).await?;
    let token = secrets::new_token();
    let now = state.clock.now();
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    let id = devices::insert(
        &txn,
        caller.company_id,
        &fields,
        &davomat_core::token::digest(&token),
        now,
    )
    .await?;
    let title = fields.serial_number.clone();
    activity::record(
        &txn,
        NewActivity::object_change(
            caller.company_id,
            actor,
            "createDevice",
            id,
            Message::Created {
                kind: ObjectKind::Device,
                title,
            },
        ),
        caller.company_lang,
        now,
    )
    .await?;
    let row = devices::get(&txn, caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    davomat_store::commit(txn).await?;
    let mut object = device_object(&row, &CompanyZone::named_or_default(&caller.time_zone));
    object["token"] = json!(token);
    Ok((StatusCode::CREATED, Json(object)))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let id = path_id(&id)?;
    let current = devices::get(state.store.connection(), caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let fields = read_device(&state, &caller, request, Some(&current)).await?;
    let actor = caller.actor(&state.store).await?;
    let now = state.clock.now();
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    devices::update(&txn, caller.company_id, id, &fields).await?;
    let title = fields.serial_number.clone();
    activity::record(
        &txn,
        NewActivity::object_change(
            caller.company_id,
            actor,
            "updateDevice",
            id,
            Message::Updated {
                kind: ObjectKind::Device,
                title,
            },
        ),
        caller.company_lang,
        now,
    )
    .await?;
    let row = devices::get(&txn, caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    davomat_store::commit(txn).await?;
    Ok(Json(device_object(
        &row,
        &CompanyZone::named_or_default(&caller.time_zone),
    )))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let id = path_id(&id)?;
    let current = devices::get(state.store.connection(), caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let actor = caller.actor(&state.store).await?;
    let now = state.clock.now();
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    devices::delete(&txn, caller.company_id, id).await?;
    let title = current.serial_number;
    activity::record(
        &txn,
        NewActivity::object_change(
            caller.company_id,
            actor,
            "deleteDevice",
            id,
            Message::Deleted {
                kind: ObjectKind::Device,
                title,
            },
        ),
        caller.company_lang,
        now,
    )
    .await?;
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"message": "success"})))
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let id = id_in_path("id");
    let info = json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "serial_number": {"type": "string"},
        "last_request_time": {"type": ["string", "null"]}, "time_zone": {"type": "string"},
        "battery_level": {"type": ["integer", "null"]}, "os_type": {"type": ["string", "null"]},
        "os_version": {"type": ["string", "null"]}, "app_version": {"type": ["string", "null"]},
        "logged_user_name": {"type": ["string", "null"]}, "additional_button": {"type": "boolean"},
        "save_image_gallery": {"type": "boolean"}, "front_camera": {"type": "boolean"},
        "photo_audit": {"type": "boolean"}, "qr_code": {"type": "boolean"},
        "location_id": {"type": ["integer", "null"]}, "location_name": {"type": ["string", "null"]},
        "type": {"type": "string"}}});
    let input = json!({"type": "object", "properties": {
        "serial_number": {"type": "string", "description": "required on POST; unique"},
        "type": {"type": "string", "default": "Terminal"}, "location_id": {"type": ["integer", "null"]},
        "time_zone": {"type": "string", "description": "IANA zone; the company's by default"},
        "additional_button": {"type": "boolean"}, "save_image_gallery": {"type": "boolean"},
        "front_camera": {"type": "boolean"}, "photo_audit": {"type": "boolean"}, "qr_code": {"type": "boolean"}}});
    let mut created = info.clone();
    created["properties"]["token"] = json!({"type": "string", "description": "40 hex characters for the device API; shown only here"});
    vec![
        Operation {
            method: "get",
            path: "/v1/devices",
            tag: "Devices",
            summary: "List the company's devices",
            description: "Every role.",
            secured: true,
            parameters: paging(),
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "One page of DeviceInfo",
                    json!({"type": "object", "properties": {"items": {"type": "array", "items": info.clone()}, "_links": schema_ref("Links"), "_meta": schema_ref("Meta")}}),
                )],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/devices",
            tag: "Devices",
            summary: "Register a device (ext, admin)",
            description: "Answers the DeviceInfo and the device's token for the device API, shown once.",
            secured: true,
            parameters: vec![],
            request: Some(body(input.clone())),
            responses: with_errors(
                true,
                vec![
                    ("201", "The device and its token", created),
                    (
                        "422",
                        "serial_number missing (8002) or taken (8008), location_id unknown (8004), invalid values (8003)",
                        schema_ref("ValidationError"),
                    ),
                ],
            ),
        },
        Operation {
            method: "put",
            path: "/v1/devices/{id}",
            tag: "Devices",
            summary: "Change a device (ext, admin)",
            description: "Partial: absent fields stay; location_id 0 or \"\" detaches it from its location.",
            secured: true,
            parameters: vec![id.clone()],
            request: Some(body(input)),
            responses: with_errors(
                true,
                vec![
                    ("200", "The device", info),
                    (
                        "404",
                        "No such device in the company (3000)",
                        schema_ref("Error"),
                    ),
                    ("422", "As for POST", schema_ref("ValidationError")),
                ],
            ),
        },
        Operation {
            method: "delete",
            path: "/v1/devices/{id}",
            tag: "Devices",
            summary: "Remove a device (ext, admin)",
            description: "Its token stops working.",
            secured: true,
            parameters: vec![id],
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "Removed", schema_ref("Message")),
                    (
                        "404",
                        "No such device in the company (3000)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
    ]
}
