//! `/v1/positions`: the company's positions (должности).
//!
//! - `GET /v1/positions`: one page of positions by id (any role).
//! - `POST /v1/positions`: create one (admins; 201, `{"items": Position}` as the
//!   reference shows, with the real new id).
//! - `GET /v1/positions/{id}`: one position (any role).
//! - `PUT /v1/positions/{id}`: rename it (admins).
//! - `DELETE /v1/positions/delete/{id}`: delete it (admins; the reference's path);
//!   400/7011 while an employee holds it or is due to take it.
//!
//! The rules (titles, who may change them, what a delete refuses) are the use cases'
//! (`davomat_app::positions`); these handlers read the request, call them and render
//! the Position object. `count_employees` counts the active employees holding the
//! position today in the company's zone.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use davomat_app::positions::{self as use_cases, NewPosition, PositionChange};
use davomat_core::PositionId;
use davomat_store::positions::Position;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, Items, ListRequest, Paging};
use crate::error::{ApiResult, ErrorBody, MessageBody, ValidationBody};
use crate::guard::Access;
use crate::input::{BODY_LIMIT, Fields, path_id, read_body};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(list))
        .documented(Access::Authenticated, routes!(create))
        .documented(Access::Authenticated, routes!(get))
        .documented(Access::Authenticated, routes!(update))
        .documented(Access::Authenticated, routes!(delete))
}

/// A position of the company.
#[derive(Serialize, ToSchema)]
#[schema(as = Position)]
pub struct PositionObject {
    #[schema(value_type = i64)]
    id: PositionId,
    #[schema(example = "Accountant")]
    title: String,
    /// Active employees holding the position today (the company's time zone).
    count_employees: i64,
}

impl From<&Position> for PositionObject {
    fn from(position: &Position) -> Self {
        PositionObject {
            id: position.id,
            title: position.title.clone(),
            count_employees: position.count_employees,
        }
    }
}

/// The request body's fields and its bytes (400/4001 when unreadable, 413 past the limit).
pub(super) async fn read_fields(request: Request) -> ApiResult<(Fields, axum::body::Bytes)> {
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, BODY_LIMIT).await?;
    let fields = Fields::from_body(&parts.headers, &bytes)?;
    Ok((fields, bytes))
}

/// The company's positions
///
/// Any role of the company. By id; `count_employees` is the number of active employees
/// holding the position today (company time zone).
#[utoipa::path(get, path = "/v1/positions", tag = "Positions", params(Paging),
    responses((status = 200, description = "One page of positions", body = Envelope<PositionObject>)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Envelope<PositionObject>>> {
    let (rows, total) =
        use_cases::list(&state.store, &caller, list.page, state.clock.now()).await?;
    let items = rows.iter().map(PositionObject::from).collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// One position
///
/// Any role of the company.
#[utoipa::path(get, path = "/v1/positions/{id}", tag = "Positions",
    params(("id" = i64, Path, description = "The position's id")),
    responses(
        (status = 200, description = "The position", body = PositionObject),
        (status = 404, description = "No such position in the company (3000)", body = ErrorBody),
    ))]
async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<PositionObject>> {
    let position = use_cases::get(&state.store, &caller, path_id(&id)?, state.clock.now()).await?;
    Ok(Json(PositionObject::from(&position)))
}

/// Create a position
///
/// Admins only. Answers `{"items": Position}` as the reference shows, with the real new
/// id.
#[utoipa::path(post, path = "/v1/positions", tag = "Positions",
    request_body(content(
        (NewPosition = "application/json"),
        (NewPosition = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "The new position", body = Items<PositionObject>),
        (status = 422, description = "title missing (8002), too long or with other characters (8003), title taken in the company (8008)", body = ValidationBody),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<Items<PositionObject>>)> {
    use_cases::authorize(&caller)?;
    let (fields, _) = read_fields(request).await?;
    let new: NewPosition = fields.request()?;
    let position = use_cases::create(&state.store, &caller, new, state.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(Items {
            items: PositionObject::from(&position),
        }),
    ))
}

/// Rename a position
///
/// Admins only. A title absent or empty leaves the position as it is.
#[utoipa::path(put, path = "/v1/positions/{id}", tag = "Positions",
    params(("id" = i64, Path, description = "The position's id")),
    request_body(content(
        (PositionChange = "application/json"),
        (PositionChange = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The position", body = PositionObject),
        (status = 404, description = "No such position in the company (3000)", body = ErrorBody),
        (status = 422, description = "title too long or with other characters (8003), title taken in the company (8008)", body = ValidationBody),
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<PositionObject>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    let now = state.clock.now();
    use_cases::get(&state.store, &caller, id, now).await?;
    let (fields, _) = read_fields(request).await?;
    let change: PositionChange = fields.request()?;
    let position = use_cases::rename(&state.store, &caller, id, change, now).await?;
    Ok(Json(PositionObject::from(&position)))
}

/// Delete a position
///
/// Admins only; the reference's path. Refused (7011) while an employee of any status
/// holds the position (an open period, or one ending today or later) or is due to take
/// it. Closed periods of it in employees' position histories are deleted with it.
#[utoipa::path(delete, path = "/v1/positions/delete/{id}", tag = "Positions",
    params(("id" = i64, Path, description = "The position's id")),
    responses(
        (status = 200, description = "Deleted", body = MessageBody),
        (status = 400, description = "An employee holds the position (7011)", body = ErrorBody),
        (status = 404, description = "No such position in the company (3000)", body = ErrorBody),
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
