//! `/v1/schedules`: the company's schedules (графики).
//!
//! - `GET /v1/schedules`, `GET /v1/schedules/{id}`: every role.
//! - `POST /v1/schedules` (201), `PUT /v1/schedules/{id}`, `DELETE /v1/schedules/{id}`:
//!   admins (ext), with the body of SEMANTICS.md §12; 400/7011 deleting a schedule
//!   employees follow.
//!
//! The rules (the title, the definition, who may change schedules, what a delete
//! refuses) are the use cases' (`davomat_app::schedules`); these handlers read the
//! request, call them and render the Schedule object: `{id, title, type}` plus the
//! stored definition.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use davomat_app::schedules::{self as use_cases, ScheduleDay, ScheduleRequest, ScheduleSlot};
use davomat_core::ScheduleId;
use davomat_store::schedules::ScheduleRow;
use serde::Serialize;
use serde_json::{Map, Value};
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
        .documented(Access::Authenticated, routes!(get))
        .documented(Access::Authenticated, routes!(update))
        .documented(Access::Authenticated, routes!(delete))
}

/// A schedule of the company: `{id, title, type}` plus its definition.
#[derive(Serialize, ToSchema)]
#[schema(as = Schedule)]
pub struct ScheduleObject {
    #[schema(value_type = i64)]
    id: ScheduleId,
    #[schema(example = "Office 09:00–18:00")]
    title: String,
    /// 1 free, 2 fixed, 3 floating, 4 shift.
    #[serde(rename = "type")]
    #[schema(minimum = 1, maximum = 4, example = 2)]
    kind: i64,
    /// The other members of the stored definition.
    #[serde(flatten)]
    #[schema(value_type = DefinitionObject)]
    definition: Map<String, Value>,
}

/// The definition of a schedule as stored (SEMANTICS.md §12).
#[derive(ToSchema)]
#[schema(as = ScheduleDefinition)]
#[allow(dead_code)]
pub struct DefinitionObject {
    /// Minutes of lateness forgiven, 0..720.
    #[schema(required = false, minimum = 0, maximum = 720)]
    late_grace: i64,
    /// Minutes of early leaving forgiven, 0..720.
    #[schema(required = false, minimum = 0, maximum = 720)]
    early_exit_grace: i64,
    /// Free+: night accounting on a free schedule.
    #[schema(required = false)]
    night_split: bool,
    /// Types 1-3: the working weekdays; unlisted weekdays are days off.
    #[schema(required = false)]
    days: Vec<ScheduleDay>,
    /// Type 4: one slot per day of the cycle, or null for a day off, anchored at each
    /// employee's schedule_start_date.
    #[schema(required = false)]
    cycle: Vec<Option<ScheduleSlot>>,
}

impl From<&ScheduleRow> for ScheduleObject {
    fn from(row: &ScheduleRow) -> Self {
        let mut definition = match serde_json::from_str::<Value>(&row.definition) {
            Ok(Value::Object(definition)) => definition,
            _ => Map::new(),
        };
        // `type` is the row's; the object's own members are not the definition's.
        for key in ["type", "id", "title"] {
            definition.shift_remove(key);
        }
        ScheduleObject {
            id: row.id,
            title: row.title.clone(),
            kind: row.kind,
            definition,
        }
    }
}

/// List the company's schedules
///
/// Every role. Items are {id, title, type} plus the definition.
#[utoipa::path(get, path = "/v1/schedules", tag = "Schedules", params(Paging),
    responses((status = 200, description = "One page of schedules", body = Envelope<ScheduleObject>)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Envelope<ScheduleObject>>> {
    let (rows, total) = use_cases::list(&state.store, &caller, list.page).await?;
    let items = rows.iter().map(ScheduleObject::from).collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// One schedule
///
/// Every role.
#[utoipa::path(get, path = "/v1/schedules/{id}", tag = "Schedules",
    params(("id" = i64, Path, description = "The schedule's id")),
    responses(
        (status = 200, description = "The schedule", body = ScheduleObject),
        (status = 404, description = "No such schedule in the company (3000)", body = ErrorBody),
    ))]
async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ScheduleObject>> {
    let row = use_cases::get(&state.store, &caller, path_id(&id)?).await?;
    Ok(Json(ScheduleObject::from(&row)))
}

/// Create a schedule (ext, admin)
///
/// The body of SEMANTICS.md §12. Every failing field is reported, nested ones as days[0].start or cycle[2].end.
#[utoipa::path(post, path = "/v1/schedules", tag = "Schedules",
    request_body(content(
        (ScheduleRequest = "application/json"),
        (ScheduleRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "The new schedule", body = ScheduleObject),
        (status = 422, description = "8002 missing, 8003 invalid (type, times, weekdays, cycle, graces), 8008 a weekday twice", body = ValidationBody),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<ScheduleObject>)> {
    use_cases::authorize(&caller)?;
    let new: ScheduleRequest = body_fields(request).await?.request()?;
    let row = use_cases::create(&state.store, &caller, new, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(ScheduleObject::from(&row))))
}

/// Replace a schedule (ext, admin)
///
/// Takes the same body as POST.
#[utoipa::path(put, path = "/v1/schedules/{id}", tag = "Schedules",
    params(("id" = i64, Path, description = "The schedule's id")),
    request_body(content(
        (ScheduleRequest = "application/json"),
        (ScheduleRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The schedule", body = ScheduleObject),
        (status = 404, description = "No such schedule in the company (3000)", body = ErrorBody),
        (status = 422, description = "As for POST: 8002 missing, 8003 invalid (type, times, weekdays, cycle, graces), 8008 a weekday twice", body = ValidationBody),
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<ScheduleObject>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::get(&state.store, &caller, id).await?;
    let replacement: ScheduleRequest = body_fields(request).await?.request()?;
    let row = use_cases::update(&state.store, &caller, id, replacement, state.clock.now()).await?;
    Ok(Json(ScheduleObject::from(&row)))
}

/// Delete a schedule (ext, admin)
///
/// Refused with 400/7011 while employees follow it.
#[utoipa::path(delete, path = "/v1/schedules/{id}", tag = "Schedules",
    params(("id" = i64, Path, description = "The schedule's id")),
    responses(
        (status = 200, description = "Deleted", body = MessageBody),
        (status = 400, description = "Employees follow the schedule (7011)", body = ErrorBody),
        (status = 404, description = "No such schedule in the company (3000)", body = ErrorBody),
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
