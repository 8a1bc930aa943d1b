//! `/v1/time-offs`: time-off types (причины отсутствия), the reasons a time-off is
//! asked for.
//!
//! - `GET /v1/time-offs`, `GET /v1/time-offs/{id}`: any role.
//! - `POST /v1/time-offs` (201), `PUT /v1/time-offs/{id}`, `DELETE /v1/time-offs/{id}`:
//!   admins (ext); 400/7011 deleting a type some time-off uses.
//!
//! The rules are the use cases' (`davomat_app::time_off_types`); these handlers read the
//! request, call them and render the TimeOffType object.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use davomat_app::time_off_types::{self as use_cases, TimeOffTypeRequest};
use davomat_core::TimeOffTypeId;
use davomat_store::time_off_types::TimeOffType;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use super::positions::read_fields;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiResult, ErrorBody, MessageBody, ValidationBody};
use crate::guard::Access;
use crate::input::path_id;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(list))
        .documented(Access::Authenticated, routes!(create))
        .documented(Access::Authenticated, routes!(get))
        .documented(Access::Authenticated, routes!(update))
        .documented(Access::Authenticated, routes!(delete))
}

/// A time-off type of the company.
#[derive(Serialize, ToSchema)]
#[schema(as = TimeOffType)]
pub struct TimeOffTypeObject {
    #[schema(value_type = i64)]
    id: TimeOffTypeId,
    #[schema(example = "Business trip")]
    title: String,
    description: String,
    #[schema(pattern = "^[0-9A-Fa-f]{6}$", example = "A0522D")]
    color: String,
}

impl From<&TimeOffType> for TimeOffTypeObject {
    fn from(kind: &TimeOffType) -> Self {
        TimeOffTypeObject {
            id: kind.id,
            title: kind.title.clone(),
            description: kind.description.clone(),
            color: kind.color.clone(),
        }
    }
}

/// Time-off types
///
/// Any role of the company. By id.
#[utoipa::path(get, path = "/v1/time-offs", tag = "Time-off types", params(Paging),
    responses((status = 200, description = "One page of types", body = Envelope<TimeOffTypeObject>)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Envelope<TimeOffTypeObject>>> {
    let (rows, total) = use_cases::list(&state.store, &caller, list.page).await?;
    let items = rows.iter().map(TimeOffTypeObject::from).collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// One time-off type
///
/// Any role of the company.
#[utoipa::path(get, path = "/v1/time-offs/{id}", tag = "Time-off types",
    params(("id" = i64, Path, description = "The type's id")),
    responses(
        (status = 200, description = "The type", body = TimeOffTypeObject),
        (status = 404, description = "No such type in the company (3000)", body = ErrorBody),
    ))]
async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<TimeOffTypeObject>> {
    let kind = use_cases::get(&state.store, &caller, path_id(&id)?).await?;
    Ok(Json(TimeOffTypeObject::from(&kind)))
}

/// Create a time-off type
///
/// Admins only.
#[utoipa::path(post, path = "/v1/time-offs", tag = "Time-off types",
    request_body(content(
        (TimeOffTypeRequest = "application/json"),
        (TimeOffTypeRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "The new type", body = TimeOffTypeObject),
        (status = 422, description = "title missing (8002), invalid (8003) or taken (8008); description too long or color not six hex digits (8003)", body = ValidationBody),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<TimeOffTypeObject>)> {
    use_cases::authorize(&caller)?;
    let (fields, _) = read_fields(request).await?;
    let new: TimeOffTypeRequest = fields.request()?;
    let kind = use_cases::create(&state.store, &caller, new, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(TimeOffTypeObject::from(&kind))))
}

/// Change a time-off type
///
/// Admins only. Absent fields keep their values.
#[utoipa::path(put, path = "/v1/time-offs/{id}", tag = "Time-off types",
    params(("id" = i64, Path, description = "The type's id")),
    request_body(content(
        (TimeOffTypeRequest = "application/json"),
        (TimeOffTypeRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The type", body = TimeOffTypeObject),
        (status = 404, description = "No such type in the company (3000)", body = ErrorBody),
        (status = 422, description = "title invalid (8003) or taken (8008); description too long or color not six hex digits (8003)", body = ValidationBody),
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<TimeOffTypeObject>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::get(&state.store, &caller, id).await?;
    let (fields, _) = read_fields(request).await?;
    let change: TimeOffTypeRequest = fields.request()?;
    let kind = use_cases::update(&state.store, &caller, id, change, state.clock.now()).await?;
    Ok(Json(TimeOffTypeObject::from(&kind)))
}

/// Delete a time-off type
///
/// Admins only. Refused (7011) while any time-off, of any status, is of this type.
#[utoipa::path(delete, path = "/v1/time-offs/{id}", tag = "Time-off types",
    params(("id" = i64, Path, description = "The type's id")),
    responses(
        (status = 200, description = "Deleted", body = MessageBody),
        (status = 400, description = "Time-offs use the type (7011)", body = ErrorBody),
        (status = 404, description = "No such type in the company (3000)", body = ErrorBody),
    ))]
async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::delete(&state.store, &caller, id, state.clock.now()).await?;
    Ok(Json(MessageBody::success()))
}
