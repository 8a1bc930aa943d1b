//! Kiosks (CONTRACT.md §9): `POST /v1/kiosks` and `DELETE /v1/kiosks/{id}` for admins,
//! and `POST /v1/kiosk/punch` with a kiosk's token. The use cases are
//! `davomat_app::kiosks`; this door reads the bodies (the snapshot's base64 decoded here)
//! and writes the answers.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use davomat_app::kiosks::{self, Kiosk, KioskRequest, PunchRequest};
use davomat_app::request::Sent;
use davomat_core::engine::EventKind;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use super::identification::decode_base64;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::base_url;
use crate::error::{ApiResult, ErrorBody, MessageBody, ValidationBody};
use crate::guard::{Access, DeviceCaller};
use crate::input::{body_fields, path_id};
use crate::objects::{PhotoBase, Photos};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(create))
        .documented(Access::Authenticated, routes!(delete))
        .documented(Access::Device, routes!(punch))
}

/// A kiosk just created: its id and its token, shown only here.
#[derive(Serialize, ToSchema)]
pub struct CreatedKiosk {
    id: i64,
    /// 40 hex characters: the kiosk page's key (`Authorization: Bearer` on
    /// `POST /v1/kiosk/punch`).
    #[schema(pattern = "^[0-9a-f]{40}$")]
    token: String,
}

/// Create a kiosk (ext, admin)
///
/// A device of type `kiosk` at one location, for the `/kiosk` page on a tablet at the
/// entrance. Answers its token once.
#[utoipa::path(post, path = "/v1/kiosks", tag = "Kiosks",
    request_body(content(
        (KioskRequest = "application/json"),
        (KioskRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "The kiosk and its token", body = CreatedKiosk),
        (status = 422, description = "location_id or title missing (8002), location_id unknown (8004), title too long (8003)", body = ValidationBody),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<CreatedKiosk>)> {
    davomat_app::devices::authorize(&caller)?;
    let new: KioskRequest = body_fields(request).await?.request()?;
    let created = kiosks::create(&state.store, &caller, new, state.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedKiosk {
            id: created.id,
            token: created.token,
        }),
    ))
}

/// Remove a kiosk (ext, admin)
///
/// Its token stops working; its punches stay.
#[utoipa::path(delete, path = "/v1/kiosks/{id}", tag = "Kiosks",
    params(("id" = i64, Path, description = "The kiosk's id")),
    responses(
        (status = 200, description = "Removed", body = MessageBody),
        (status = 404, description = "No such kiosk in the company (3000)", body = ErrorBody),
    ))]
async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    davomat_app::devices::authorize(&caller)?;
    let id = path_id(&id)?;
    kiosks::remove(&state.store, &caller, id, state.clock.now()).await?;
    Ok(Json(MessageBody::success()))
}

/// The person a punch was for.
#[derive(Serialize, ToSchema)]
pub struct KioskPerson {
    id: i64,
    full_name: String,
    /// The face template's thumbnails; null without one.
    photos: Option<Photos>,
}

/// What a punch became.
#[derive(Serialize, ToSchema)]
pub struct KioskPunch {
    employee: KioskPerson,
    /// `in` or `out`.
    #[schema(example = "in")]
    event: &'static str,
    /// The kiosk's local `YYYY-MM-DD HH:MM:SS`.
    #[schema(example = "2025-03-04 09:00:00")]
    event_time: String,
}

/// Punch at a kiosk (ext, the kiosk's token)
///
/// The person's PIN code or QR code; in or out by their events of the day. Idempotent
/// by `uid`: a replay (a kiosk that was offline) answers the event it became.
#[utoipa::path(post, path = "/v1/kiosk/punch", tag = "Kiosks",
    request_body(content(
        (PunchRequest = "application/json"),
        (PunchRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The punch", body = KioskPunch),
        (status = 403, description = "The token is not a kiosk's (7004)", body = ErrorBody),
        (status = 422, description = "uid or both pin_code and qrcode missing (8002); nobody has the code (8004); not employed now, not allowed at this location, a time ahead, a snapshot that is not a JPEG or PNG up to 512 KB (8003); event_time unreadable (8009)", body = ValidationBody),
    ))]
async fn punch(
    State(state): State<AppState>,
    device: DeviceCaller,
    request: Request,
) -> ApiResult<Json<KioskPunch>> {
    let base = base_url(&state, request.headers());
    let fields = body_fields(request).await?;
    let photo = match fields.raw("photo") {
        None => Sent::Absent,
        Some(serde_json::Value::String(text)) if text.trim().is_empty() => Sent::Absent,
        Some(serde_json::Value::String(text)) => {
            decode_base64(text).map_or(Sent::Unreadable, Sent::Value)
        }
        Some(_) => Sent::Unreadable,
    };
    let mut sent: PunchRequest = fields.request()?;
    sent.photo = photo;
    let kiosk = Kiosk {
        device_id: device.device_id,
        company_id: device.company_id,
    };
    let done = kiosks::punch(&state.store, kiosk, sent, state.clock.now()).await?;
    let photos = PhotoBase::new(base, device.company_id.0)
        .photos(done.person.id, done.person.photo_key.as_deref());
    Ok(Json(KioskPunch {
        employee: KioskPerson {
            id: done.person.id,
            full_name: done.person.full_name,
            photos,
        },
        event: match done.kind {
            EventKind::In => "in",
            EventKind::Out => "out",
        },
        event_time: done.zone.format(done.at),
    }))
}
