//! `/v1/holidays` (ext, SEMANTICS.md §12): the company's production calendar.
//!
//! - `GET /v1/holidays`: one page of entries by date, optionally `start_date`..`end_date`
//!   (any role).
//! - `POST /v1/holidays`: add an entry (admins; 201).
//! - `DELETE /v1/holidays/{id}`: remove it (admins; `{"message": "success"}`).
//!
//! The rules are the use cases' (`davomat_app::holidays`); these handlers read the
//! request, call them and render the entry.

use axum::Json;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use davomat_app::holidays::{self as use_cases, NewHoliday};
use davomat_core::HolidayId;
use davomat_core::engine::HolidayKind;
use davomat_store::holidays::Holiday;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

use super::RouteTable;
use super::positions::read_fields;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiResult, ErrorBody, MessageBody, ValidationBody};
use crate::guard::Access;
use crate::input::{Fields, QueryValue, path_id, query_range};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(list))
        .documented(Access::Authenticated, routes!(create))
        .documented(Access::Authenticated, routes!(delete))
}

/// A calendar entry.
#[derive(Serialize, ToSchema)]
#[schema(as = Holiday)]
pub struct HolidayObject {
    #[schema(value_type = i64)]
    id: HolidayId,
    #[schema(value_type = String, format = Date, example = "2026-03-21")]
    date: String,
    title: String,
    kind: Kind,
    /// For a `workday`: the ISO weekday (1 = Monday … 7 = Sunday) it is worked as; null
    /// for the other kinds.
    #[schema(minimum = 1, maximum = 7, example = json!(null))]
    as_weekday: Option<u8>,
}

/// `holiday`: a day off on fixed, floating and free schedules (shift slots stay work
/// days); `shortened`: the working day ends one hour earlier; `workday`: a day off moved
/// to a working day, planned as its `as_weekday`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = HolidayKind)]
pub enum Kind {
    Holiday,
    Shortened,
    Workday,
}

impl From<&Holiday> for HolidayObject {
    fn from(holiday: &Holiday) -> Self {
        HolidayObject {
            id: holiday.id,
            date: holiday.date.format("%Y-%m-%d").to_string(),
            title: holiday.title.clone(),
            kind: match holiday.kind {
                HolidayKind::Holiday => Kind::Holiday,
                HolidayKind::Shortened => Kind::Shortened,
                HolidayKind::Workday(_) => Kind::Workday,
            },
            as_weekday: holiday.kind.worked_as(),
        }
    }
}

/// The range of a list; either end may be left open.
#[derive(Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct HolidayRange {
    /// Entries on or after this date.
    #[param(value_type = Option<String>, format = Date)]
    start_date: QueryValue,
    /// Entries on or before this date.
    #[param(value_type = Option<String>, format = Date)]
    end_date: QueryValue,
}

/// The holiday calendar
///
/// Any role of the company. By date.
#[utoipa::path(get, path = "/v1/holidays", tag = "Holidays",
    params(Paging, HolidayRange),
    responses(
        (status = 200, description = "One page of entries", body = Envelope<HolidayObject>),
        (status = 400, description = "A date of the range is not a date, or the range ends before it starts (4001)", body = ErrorBody),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Envelope<HolidayObject>>> {
    let range: HolidayRange = Fields::from_query(raw.as_deref()).request()?;
    let (from, to) = query_range(range.start_date.as_deref(), range.end_date.as_deref())?;
    let (rows, total) = use_cases::list(&state.store, &caller, (from, to), list.page).await?;
    let items = rows.iter().map(HolidayObject::from).collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// Add a holiday or a shortened day
///
/// Admins only. One entry per date.
#[utoipa::path(post, path = "/v1/holidays", tag = "Holidays",
    request_body(content(
        (NewHoliday = "application/json"),
        (NewHoliday = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "The new entry", body = HolidayObject),
        (status = 422, description = "date missing (8002), not a date (8009) or taken (8008); title missing or invalid; kind not holiday/shortened (8003)", body = ValidationBody),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<HolidayObject>)> {
    use_cases::authorize(&caller)?;
    let (fields, _) = read_fields(request).await?;
    let new: NewHoliday = fields.request()?;
    let holiday = use_cases::add(&state.store, &caller, new, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(HolidayObject::from(&holiday))))
}

/// Remove an entry
///
/// Admins only.
#[utoipa::path(delete, path = "/v1/holidays/{id}", tag = "Holidays",
    params(("id" = i64, Path, description = "The entry's id")),
    responses(
        (status = 200, description = "Deleted", body = MessageBody),
        (status = 404, description = "No such entry in the company (3000)", body = ErrorBody),
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
