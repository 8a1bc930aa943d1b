//! Devices: `GET /v1/devices` (every role) and the ext admin writes `POST /v1/devices`
//! (answers the DeviceInfo plus the device API token, shown once), `PUT` and `DELETE
//! /v1/devices/{id}`.
//!
//! The rules (fields, who may change them) are the use cases' (`davomat_app::devices`);
//! these handlers read the request, call them and render the DeviceInfo object.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use davomat_app::devices::{self as use_cases, DeviceRequest};
use davomat_core::zone::CompanyZone;
use davomat_store::devices::DeviceRow;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiResult, ErrorBody, MessageBody, ValidationBody};
use crate::guard::Access;
use crate::input::{body_fields, path_id};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(list))
        .documented(Access::Authenticated, routes!(create))
        .documented(Access::Authenticated, routes!(update))
        .documented(Access::Authenticated, routes!(delete))
}

/// The DeviceInfo object of the reference (plus `location_id`).
#[derive(Serialize, ToSchema)]
#[schema(as = DeviceInfo)]
pub struct DeviceObject {
    id: i64,
    #[schema(example = "F00305A7-460D")]
    serial_number: String,
    /// The device's last request to the device API, in the company's time zone
    /// (`YYYY-MM-DD HH:MM:SS`); null before its first.
    #[schema(example = "2025-03-04 08:00:00")]
    last_request_time: Option<String>,
    #[schema(example = "Asia/Tashkent")]
    time_zone: String,
    battery_level: Option<i64>,
    os_type: Option<String>,
    os_version: Option<String>,
    app_version: Option<String>,
    logged_user_name: Option<String>,
    additional_button: bool,
    save_image_gallery: bool,
    front_camera: bool,
    photo_audit: bool,
    qr_code: bool,
    location_id: Option<i64>,
    /// The title of the device's location.
    location_name: Option<String>,
    #[serde(rename = "type")]
    #[schema(example = "Terminal")]
    kind: String,
}

impl DeviceObject {
    fn of(row: &DeviceRow, zone: &CompanyZone) -> Self {
        DeviceObject {
            id: row.id.0,
            serial_number: row.serial_number.clone(),
            last_request_time: row.last_request_at.map(|t| zone.format(t)),
            time_zone: row.time_zone.clone(),
            battery_level: row.battery_level,
            os_type: row.os_type.clone(),
            os_version: row.os_version.clone(),
            app_version: row.app_version.clone(),
            logged_user_name: row.logged_user_name.clone(),
            additional_button: row.additional_button,
            save_image_gallery: row.save_image_gallery,
            front_camera: row.front_camera,
            photo_audit: row.photo_audit,
            qr_code: row.qr_code,
            location_id: row.location_id.map(|id| id.0),
            location_name: row.location_name.clone(),
            kind: row.kind.clone(),
        }
    }
}

/// A device just registered: its DeviceInfo and its token for the device API.
#[derive(Serialize, ToSchema)]
#[schema(as = RegisteredDevice)]
pub struct RegisteredObject {
    #[serde(flatten)]
    device: DeviceObject,
    /// 40 hex characters for the device API; shown only here.
    #[schema(pattern = "^[0-9a-f]{40}$")]
    token: String,
}

/// List the company's devices
///
/// Every role.
#[utoipa::path(get, path = "/v1/devices", tag = "Devices", params(Paging),
    responses((status = 200, description = "One page of DeviceInfo", body = Envelope<DeviceObject>)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Envelope<DeviceObject>>> {
    let zone = CompanyZone::named_or_default(&caller.time_zone);
    let (rows, total) = use_cases::list(&state.store, &caller, list.page).await?;
    let items = rows
        .iter()
        .map(|row| DeviceObject::of(row, &zone))
        .collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// Register a device (ext, admin)
///
/// Answers the DeviceInfo and the device's token for the device API, shown once.
#[utoipa::path(post, path = "/v1/devices", tag = "Devices",
    request_body(content(
        (DeviceRequest = "application/json"),
        (DeviceRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "The device and its token", body = RegisteredObject),
        (status = 422, description = "serial_number missing (8002) or taken (8008), location_id unknown (8004), invalid values (8003)", body = ValidationBody),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<RegisteredObject>)> {
    use_cases::authorize(&caller)?;
    let new: DeviceRequest = body_fields(request).await?.request()?;
    let registered = use_cases::register(&state.store, &caller, new, state.clock.now()).await?;
    let zone = CompanyZone::named_or_default(&caller.time_zone);
    Ok((
        StatusCode::CREATED,
        Json(RegisteredObject {
            device: DeviceObject::of(&registered.device, &zone),
            token: registered.token,
        }),
    ))
}

/// Change a device (ext, admin)
///
/// Partial: absent fields stay; location_id 0 or "" detaches it from its location.
#[utoipa::path(put, path = "/v1/devices/{id}", tag = "Devices",
    params(("id" = i64, Path, description = "The device's id")),
    request_body(content(
        (DeviceRequest = "application/json"),
        (DeviceRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The device", body = DeviceObject),
        (status = 404, description = "No such device in the company (3000)", body = ErrorBody),
        (status = 422, description = "As for POST", body = ValidationBody),
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<DeviceObject>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::get(&state.store, &caller, id).await?;
    let change: DeviceRequest = body_fields(request).await?.request()?;
    let device = use_cases::update(&state.store, &caller, id, change, state.clock.now()).await?;
    let zone = CompanyZone::named_or_default(&caller.time_zone);
    Ok(Json(DeviceObject::of(&device, &zone)))
}

/// Remove a device (ext, admin)
///
/// Its token stops working.
#[utoipa::path(delete, path = "/v1/devices/{id}", tag = "Devices",
    params(("id" = i64, Path, description = "The device's id")),
    responses(
        (status = 200, description = "Removed", body = MessageBody),
        (status = 404, description = "No such device in the company (3000)", body = ErrorBody),
    ))]
async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::remove(&state.store, &caller, id, state.clock.now()).await?;
    Ok(Json(MessageBody::success()))
}
