//! The command queue of the device API (ext, CONTRACT.md §5), reached with a device's
//! own token:
//!
//! - `GET /v1/device/commands`: this device's pending commands, oldest first, at most
//!   100: `{"items": [{"id", "type": "addface"/"deleteface", "employee_id", "pin_code",
//!   "image_url"?}]}`. `image_url` (the template as uploaded, no token needed) comes with
//!   an `addface` while the employee has a template.
//! - `POST /v1/device/commands/{id}/ack`: the device has carried the command out; it is
//!   not listed again. `{"success": true}`, also when it was acknowledged before;
//!   another device's command, or one dropped for a newer one, is 404/3000.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use davomat_store::device_commands;
use serde_json::{Map, Value, json};

use super::RouteTable;
use crate::AppState;
use crate::envelope::base_url;
use crate::error::{ApiError, ApiResult};
use crate::guard::{Access, DeviceCaller};
use crate::input::path_id;
use crate::objects::PhotoBase;
use crate::openapi::{Operation, id_in_path, schema_ref, with_errors};

/// The most commands one fetch answers; the rest come once these are acknowledged.
pub const FETCH_LIMIT: u64 = 100;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::GET, "/v1/device/commands", Access::Device, list)
        .add(
            Method::POST,
            "/v1/device/commands/{id}/ack",
            Access::Device,
            acknowledge,
        )
}

async fn list(
    State(state): State<AppState>,
    device: DeviceCaller,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let photos = PhotoBase::new(base_url(&state, &headers), device.company_id.0);
    let pending = device_commands::pending(
        state.store.connection(),
        device.company_id,
        device.device_id,
        FETCH_LIMIT,
    )
    .await?;
    let items: Vec<Value> = pending
        .iter()
        .map(|command| {
            let mut item = Map::new();
            item.insert("id".into(), json!(command.id));
            item.insert("type".into(), json!(command.kind));
            item.insert("employee_id".into(), json!(command.employee_id));
            item.insert("pin_code".into(), json!(command.pin_code));
            if let (Some(key), "addface") = (&command.photo_key, command.kind.as_str()) {
                item.insert(
                    "image_url".into(),
                    json!(photos.original_url(command.employee_id, key)),
                );
            }
            Value::Object(item)
        })
        .collect();
    Ok(Json(json!({"items": items})))
}

async fn acknowledge(
    State(state): State<AppState>,
    device: DeviceCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = path_id(&id)?;
    // Nothing cached shows whether a command was acknowledged.
    let writer = state.store.write_connection().await;
    writer.changes_nothing_cached();
    let known = device_commands::acknowledge(
        &writer,
        device.company_id,
        device.device_id,
        id,
        state.clock.now(),
    )
    .await?;
    if !known {
        return Err(ApiError::NotFound);
    }
    Ok(Json(json!({"success": true})))
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let command = json!({"type": "object", "required": ["id", "type", "employee_id", "pin_code"], "properties": {
        "id": {"type": "integer"},
        "type": {"type": "string", "enum": ["addface", "deleteface"]},
        "employee_id": {"type": "integer"},
        "pin_code": {"type": "string"},
        "image_url": {"type": "string", "format": "uri", "description": "addface only, while the employee has a template: the image as uploaded (Content-Type says JPEG or PNG); no token needed"}
    }});
    vec![
        Operation {
            method: "get",
            path: "/v1/device/commands",
            tag: "Device API",
            summary: "This device's pending commands",
            description: "Authenticated with the device's token. Oldest first, at most 100; acknowledge each when done and fetch again. A newer command about an employee replaces the pending ones about them.",
            secured: true,
            parameters: vec![],
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "The pending commands",
                    json!({"type": "object", "required": ["items"], "properties": {
                        "items": {"type": "array", "maxItems": FETCH_LIMIT, "items": command}
                    }}),
                )],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/device/commands/{id}/ack",
            tag: "Device API",
            summary: "Acknowledge a command",
            description: "Authenticated with the device's token. The command is not listed again. Acknowledging it again answers success as well.",
            secured: true,
            parameters: vec![id_in_path("id")],
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "Acknowledged", schema_ref("Success")),
                    (
                        "404",
                        "Not a command of this device, or replaced by a newer one (3000)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
    ]
}
