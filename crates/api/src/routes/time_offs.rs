//! `/v1/employees/time-off`: employees' time-offs (TimeEmployee).
//!
//! - `GET /v1/employees/time-off`: the caller's scope; `f=status&fv=0..3`,
//!   `start_date`/`end_date` (local dates; time-offs overlapping them), newest first.
//! - `GET /v1/employees/time-off/{id}`: any role of the company.
//! - `POST /v1/employees/time-off` (ext, SEMANTICS.md §12; 201): every role for
//!   themself; admins, heads and managers for their scope, and only they may pass
//!   `"status": 1` to create it accepted.
//! - `POST …/{id}/approve` → status 1, `POST …/{id}/reject` → status 2 (admins, heads,
//!   managers in scope); a deleted time-off cannot be decided (400/4001).
//! - `DELETE …/{id}` → status 3 (`{"success": true}`): admins, heads and managers in
//!   scope, or the owner while it is pending.
//!
//! A daily time-off covers whole local days (`start_date_time`'s date 00:00:00 to
//! `end_date_time`'s date 23:59:59; a bare date is accepted); an hourly one must begin
//! and end on one local day. Ending before the start is 8010.
//!
//! The rules of the changes (who may do what, every field's check) are the use cases'
//! (`davomat_app::time_offs`); these handlers read the request, call them and render
//! the TimeEmployee object (its `absence` is the TimeOffType object).

use axum::Json;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use davomat_app::time_offs::{self as use_cases, AbsenceKind, TimeOffRequest};
use davomat_core::TimeOffId;
use davomat_core::dates::civil;
use davomat_core::engine::TimeOffStatus;
use davomat_core::zone::CompanyZone;
use davomat_store::time_off_types::TimeOffType;
use davomat_store::time_offs::{self, TimeOff};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

use super::RouteTable;
use super::time_off_types::TimeOffTypeObject;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiError, ApiResult, ErrorBody, Malformed, SuccessBody, ValidationBody};
use crate::guard::Access;
use crate::input::{Fields, QueryValue, body_fields, path_id, query_range};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(list))
        .documented(Access::Authenticated, routes!(create))
        .documented(Access::Authenticated, routes!(get))
        .documented(Access::Authenticated, routes!(delete))
        .documented(Access::Authenticated, routes!(approve))
        .documented(Access::Authenticated, routes!(reject))
}

/// An employee's time-off.
#[derive(Serialize, ToSchema)]
#[schema(as = TimeEmployee)]
pub struct TimeOffObject {
    id: i64,
    employee_id: i64,
    /// Local `YYYY-MM-DD HH:MM:SS`.
    #[schema(example = "2025-03-04 00:00:00")]
    start_date_time: String,
    /// Local `YYYY-MM-DD HH:MM:SS` (a daily time-off ends at 23:59:59).
    #[schema(example = "2025-03-05 23:59:59")]
    end_date_time: String,
    description: Option<String>,
    /// 0 pending, 1 accepted, 2 rejected, 3 deleted.
    #[schema(minimum = 0, maximum = 3)]
    status: i64,
    paid: bool,
    #[schema(value_type = AbsenceKind)]
    absence_type: &'static str,
    /// The time-off type.
    absence: TimeOffTypeObject,
    /// Local `YYYY-MM-DD HH:MM:SS`.
    #[schema(example = "2025-03-01 10:00:00")]
    created_at: String,
}

impl TimeOffObject {
    fn of(time_off: &TimeOff, zone: &CompanyZone) -> Self {
        TimeOffObject {
            id: time_off.id.0,
            employee_id: time_off.employee_id.0,
            start_date_time: zone.format(time_off.start_at),
            end_date_time: zone.format(time_off.end_at),
            description: time_off.description.clone(),
            status: time_off.status,
            paid: time_off.paid,
            absence_type: time_off.absence_type.0.as_str(),
            absence: TimeOffTypeObject::from(&TimeOffType {
                id: time_off.type_id,
                title: time_off.type_title.clone(),
                description: time_off.type_description.clone(),
                color: time_off.type_color.clone(),
                timesheet_code: None,
            }),
            created_at: zone.format(time_off.created_at),
        }
    }
}

/// The filters of the list; each may be left out.
#[derive(Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TimeOffQuery {
    /// `status` to filter by status.
    #[param(value_type = Option<TimeOffFilterField>, inline)]
    f: QueryValue,
    /// The status: 0 pending, 1 accepted, 2 rejected, 3 deleted.
    #[param(value_type = Option<i64>)]
    fv: QueryValue,
    /// Time-offs ending on or after this local date.
    #[param(value_type = Option<String>, format = Date)]
    start_date: QueryValue,
    /// Time-offs starting on or before this local date.
    #[param(value_type = Option<String>, format = Date)]
    end_date: QueryValue,
}

/// What `f` filters the list by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum TimeOffFilterField {
    Status,
}

/// Time-offs in the caller's scope
///
/// Newest start first. An employee sees their own.
#[utoipa::path(get, path = "/v1/employees/time-off", tag = "Time-off",
    params(TimeOffQuery, Paging),
    responses(
        (status = 200, description = "One page of time-offs", body = Envelope<TimeOffObject>),
        (status = 400, description = "fv or a date unreadable, or end_date before start_date (4001)", body = ErrorBody),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Envelope<TimeOffObject>>> {
    let query: TimeOffQuery = Fields::from_query(raw.as_deref()).request()?;
    let zone = caller.zone();
    let filter_by = match query.f.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("status") => Some(TimeOffFilterField::Status),
        Some(_) => return Err(ApiError::Malformed(Malformed::QueryValue("f".into()))),
    };
    let status = match (filter_by, query.fv.as_deref().map(str::trim)) {
        (Some(TimeOffFilterField::Status), Some(value)) if !value.is_empty() => {
            match value.parse::<i64>() {
                Ok(status) if TimeOffStatus::from_id(status).is_some() => Some(status),
                _ => return Err(ApiError::Malformed(Malformed::QueryValue("fv".into()))),
            }
        }
        _ => None,
    };
    let (start, end) = query_range(query.start_date.as_deref(), query.end_date.as_deref())?;
    let filter = use_cases::ListFilter {
        status,
        from: start.map(|d| zone.day_start(civil(d))),
        to: end
            .and_then(|d| d.succ_opt())
            .map(|next| zone.day_start(civil(next))),
    };
    let (rows, total) = use_cases::list(&state.store, &caller, filter, list.page).await?;
    let items = rows.iter().map(|t| TimeOffObject::of(t, &zone)).collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// One time-off
///
/// Any role of the company.
#[utoipa::path(get, path = "/v1/employees/time-off/{id}", tag = "Time-off",
    params(("id" = i64, Path, description = "The time-off's id")),
    responses(
        (status = 200, description = "The time-off", body = TimeOffObject),
        (status = 404, description = "No such time-off in the company (3000)", body = ErrorBody),
    ))]
async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<TimeOffObject>> {
    let id = TimeOffId(path_id(&id)?);
    let time_off = time_offs::find(state.store.connection(), caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(TimeOffObject::of(&time_off, &caller.zone())))
}

/// Request (or record) a time-off
///
/// Every role for themself (employee_id defaults to the caller's own profile); admins,
/// heads and managers for their scope, and only they may pass status 1 to create it
/// accepted.
#[utoipa::path(post, path = "/v1/employees/time-off", tag = "Time-off",
    request_body(content(
        (TimeOffRequest = "application/json"),
        (TimeOffRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "The new time-off", body = TimeOffObject),
        (status = 422, description = "a field missing (8002), invalid (8003), an unknown employee or type (8004), status 1 from a role that cannot decide (8005), a date-time unreadable (8009), ending before it starts (8010)", body = ValidationBody),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<TimeOffObject>)> {
    let request: TimeOffRequest = body_fields(request).await?.request()?;
    let time_off = use_cases::request(&state.store, &caller, request, state.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(TimeOffObject::of(&time_off, &caller.zone())),
    ))
}

/// Accept a time-off (status 1)
///
/// Admins, heads and managers, for employees in their scope.
#[utoipa::path(post, path = "/v1/employees/time-off/{id}/approve", tag = "Time-off",
    params(("id" = i64, Path, description = "The time-off's id")),
    responses(
        (status = 200, description = "The time-off", body = TimeOffObject),
        (status = 400, description = "The time-off is deleted (4001)", body = ErrorBody),
        (status = 404, description = "No such time-off in the company (3000)", body = ErrorBody),
    ))]
async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<TimeOffObject>> {
    let now = state.clock.now();
    let time_off =
        use_cases::approve(&state.store, &caller, TimeOffId(path_id(&id)?), None, now).await?;
    Ok(Json(TimeOffObject::of(&time_off, &caller.zone())))
}

/// Reject a time-off (status 2)
///
/// Admins, heads and managers, for employees in their scope.
#[utoipa::path(post, path = "/v1/employees/time-off/{id}/reject", tag = "Time-off",
    params(("id" = i64, Path, description = "The time-off's id")),
    responses(
        (status = 200, description = "The time-off", body = TimeOffObject),
        (status = 400, description = "The time-off is deleted (4001)", body = ErrorBody),
        (status = 404, description = "No such time-off in the company (3000)", body = ErrorBody),
    ))]
async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<TimeOffObject>> {
    let now = state.clock.now();
    let time_off =
        use_cases::reject(&state.store, &caller, TimeOffId(path_id(&id)?), None, now).await?;
    Ok(Json(TimeOffObject::of(&time_off, &caller.zone())))
}

/// Delete a time-off (status 3)
///
/// Admins, heads and managers in scope; the owner while it is pending.
#[utoipa::path(delete, path = "/v1/employees/time-off/{id}", tag = "Time-off",
    params(("id" = i64, Path, description = "The time-off's id")),
    responses(
        (status = 200, description = "Deleted", body = SuccessBody),
        (status = 400, description = "The time-off is deleted (4001)", body = ErrorBody),
        (status = 404, description = "No such time-off in the company (3000)", body = ErrorBody),
    ))]
async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SuccessBody>> {
    let now = state.clock.now();
    use_cases::cancel(&state.store, &caller, TimeOffId(path_id(&id)?), now).await?;
    Ok(Json(SuccessBody::new()))
}
