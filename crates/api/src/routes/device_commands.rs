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
//!
//! Acknowledging is a use case (`davomat_app::device_commands`); the list is one query
//! of the store, rendered here.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use davomat_app::device_commands as use_cases;
use davomat_app::terminal_events::Terminal;
use davomat_core::zone::CompanyZone;
use davomat_store::device_commands::{self, CommandKind, PendingCommand};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::envelope::base_url;
use crate::error::{ApiResult, ErrorBody, SuccessBody};
use crate::guard::{Access, DeviceCaller};
use crate::input::path_id;
use crate::objects::PhotoBase;

/// The most commands one fetch answers; the rest come once these are acknowledged.
pub const FETCH_LIMIT: u64 = 100;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Device, routes!(list))
        .documented(Access::Device, routes!(acknowledge))
}

/// The pending commands of a device.
#[derive(Serialize, ToSchema)]
#[schema(as = DeviceCommands)]
pub struct CommandsObject {
    /// Oldest first; at most 100 (`FETCH_LIMIT`).
    #[schema(max_items = 100)]
    items: Vec<CommandObject>,
}

/// A command for a face-ID terminal.
#[derive(Serialize, ToSchema)]
#[schema(as = DeviceCommand)]
pub struct CommandObject {
    id: i64,
    #[serde(rename = "type")]
    kind: CommandType,
    employee_id: i64,
    pin_code: String,
    /// `addface` only, while the employee has a template: the image as uploaded
    /// (Content-Type says JPEG or PNG); no token needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, format = "uri", required = false)]
    image_url: Option<String>,
}

/// `addface`: load the employee's face template; `deleteface`: forget it.
#[derive(Serialize, ToSchema)]
#[schema(as = DeviceCommandType)]
pub enum CommandType {
    #[serde(rename = "addface")]
    AddFace,
    #[serde(rename = "deleteface")]
    DeleteFace,
}

impl CommandObject {
    fn of(command: &PendingCommand, photos: &PhotoBase) -> ApiResult<Self> {
        let kind = match command.kind.0 {
            CommandKind::AddFace => CommandType::AddFace,
            CommandKind::DeleteFace => CommandType::DeleteFace,
        };
        let image_url = match (&kind, &command.photo_key) {
            (CommandType::AddFace, Some(key)) => {
                Some(photos.original_url(command.employee_id, key))
            }
            _ => None,
        };
        Ok(CommandObject {
            id: command.id,
            kind,
            employee_id: command.employee_id,
            pin_code: command.pin_code.clone(),
            image_url,
        })
    }
}

/// This device's pending commands
///
/// Authenticated with the device's token. Oldest first, at most 100; acknowledge each
/// when done and fetch again. A newer command about an employee replaces the pending
/// ones about them.
#[utoipa::path(get, path = "/v1/device/commands", tag = "Device API",
    responses((status = 200, description = "The pending commands", body = CommandsObject)))]
async fn list(
    State(state): State<AppState>,
    device: DeviceCaller,
    headers: HeaderMap,
) -> ApiResult<Json<CommandsObject>> {
    let photos = PhotoBase::new(base_url(&state, &headers), device.company_id.0);
    let pending = device_commands::pending(
        state.store.connection(),
        device.company_id,
        device.device_id,
        FETCH_LIMIT,
    )
    .await?;
    let items = pending
        .iter()
        .map(|command| CommandObject::of(command, &photos))
        .collect::<ApiResult<_>>()?;
    Ok(Json(CommandsObject { items }))
}

/// Acknowledge a command
///
/// Authenticated with the device's token. The command is not listed again.
/// Acknowledging it again answers success as well.
#[utoipa::path(post, path = "/v1/device/commands/{id}/ack", tag = "Device API",
    params(("id" = i64, Path, description = "The command's id")),
    responses(
        (status = 200, description = "Acknowledged", body = SuccessBody),
        (status = 404, description = "Not a command of this device, or replaced by a newer one (3000)", body = ErrorBody),
    ))]
async fn acknowledge(
    State(state): State<AppState>,
    device: DeviceCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<SuccessBody>> {
    let id = path_id(&id)?;
    let terminal = Terminal {
        device_id: device.device_id,
        company_id: device.company_id,
        location_id: device.location_id,
        zone: CompanyZone::named_or_default(&device.time_zone),
        future_slack: davomat_app::clock::FUTURE_SLACK,
    };
    use_cases::acknowledge(&state.store, &terminal, id, state.clock.now()).await?;
    Ok(Json(SuccessBody::new()))
}
