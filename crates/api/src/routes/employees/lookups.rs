//! Small reads about employees, answered as bare `{"items": [...]}` lists:
//!
//! - `GET /v1/employees/letter` (any role): the distinct first letters of the first
//!   names of the active employees in the caller's scope, uppercase, in code point
//!   order (Latin before Cyrillic).
//! - `GET /v1/employees/{id}/locations`: the employee's locations as Location objects,
//!   by id; with `lat` and `lon` by distance from that point (haversine), locations
//!   without coordinates last. Visibility: admins any employee of the company, roles
//!   2–4 the employees of their departments, everyone themself. An employee of the
//!   company outside the caller's scope is 403/7004; an id that is not the company's
//!   is 404/3000. `lat`/`lon` not numbers in range, or one without the other, are
//!   400/4001.

use std::cmp::Ordering;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use davomat_core::{EmployeeId, geo};
use davomat_store::employees::lookups;
use davomat_store::locations::Location;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::super::locations::LocationObject;
use crate::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody, Malformed};
use crate::input::{Fields, QueryValue, path_id};
use crate::scope::Scope;

/// The first letters of the first names in the caller's scope.
#[derive(Serialize, ToSchema)]
#[schema(as = FirstLetters)]
pub struct LettersObject {
    /// Uppercase, distinct, in code point order (Latin before Cyrillic).
    items: Vec<String>,
}

/// An employee's locations, by id or by distance from the query's point.
#[derive(Serialize, ToSchema)]
#[schema(as = EmployeeLocations)]
pub struct LocationsObject {
    items: Vec<LocationObject>,
}

/// First letters of the first names in the caller's scope
///
/// Any role. Active employees only; uppercase letters, distinct, in code point order.
#[utoipa::path(get, path = "/v1/employees/letter", tag = "Employees",
    responses((status = 200, description = "{items: [letter]}", body = LettersObject)))]
pub(super) async fn letters(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<LettersObject>> {
    let visibility = Scope::of(&state.store, &caller).await?.visibility();
    let items =
        lookups::first_letters(state.store.connection(), caller.company_id, &visibility).await?;
    Ok(Json(LettersObject { items }))
}

/// The point to order an employee's locations by distance from; 400/4001 when a value
/// is not a number in range, or one comes without the other. The last of a repeated
/// one counts.
#[derive(Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PointQuery {
    /// Latitude of the point to order by distance from (with lon).
    #[param(value_type = Option<f64>, minimum = -90, maximum = 90)]
    lat: QueryValue,
    /// Longitude of the point to order by distance from (with lat).
    #[param(value_type = Option<f64>, minimum = -180, maximum = 180)]
    lon: QueryValue,
}

/// A point of the query, when both `lat` and `lon` are given.
fn query_point(query: &PointQuery) -> ApiResult<Option<(f64, f64)>> {
    let value = |name: &str, sent: &QueryValue, limit: f64| -> ApiResult<Option<f64>> {
        match sent.as_deref().map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(text) => text
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && v.abs() <= limit)
                .map(Some)
                .ok_or_else(|| ApiError::Malformed(Malformed::QueryValue(name.to_string()))),
        }
    };
    match (
        value("lat", &query.lat, 90.0)?,
        value("lon", &query.lon, 180.0)?,
    ) {
        (Some(lat), Some(lon)) => Ok(Some((lat, lon))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(ApiError::Malformed(Malformed::QueryValue("lon".into()))),
        (None, Some(_)) => Err(ApiError::Malformed(Malformed::QueryValue("lat".into()))),
    }
}

/// A location's own coordinates, when it has readable ones.
fn coordinates(location: &Location) -> Option<(f64, f64)> {
    geo::point(&location.lat, &location.lon)
}

/// Orders the locations by distance from `point`, those without coordinates last,
/// ties by id.
fn by_distance(locations: &mut [Location], point: (f64, f64)) {
    let distance = |l: &Location| coordinates(l).map(|c| geo::distance(point, c));
    locations.sort_by(|a, b| match (distance(a), distance(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y).then(a.id.cmp(&b.id)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
}

/// An employee's locations
///
/// Admins any employee, roles 2–4 those of their departments, everyone themself
/// (403/7004 otherwise). By id; with lat and lon by distance from that point, locations
/// without coordinates last.
#[utoipa::path(get, path = "/v1/employees/{id}/locations", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id"), PointQuery),
    responses(
        (status = 200, description = "{items: [Location]}", body = LocationsObject),
        (status = 400, description = "lat or lon not a number in range, or one without the other (4001)", body = ErrorBody),
        (status = 403, description = "The employee is outside the caller's scope (7004)", body = ErrorBody),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
    ))]
pub(super) async fn locations(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<LocationsObject>> {
    let employee = EmployeeId(path_id(&id)?);
    let conn = state.store.connection();
    let department = davomat_store::departments::of_employee(conn, caller.company_id, employee)
        .await?
        .ok_or(ApiError::NotFound)?;
    if caller.employee_id != Some(employee) {
        Scope::require_department(&state.store, &caller, department).await?;
    }
    let query: PointQuery = Fields::from_query(raw.as_deref()).request()?;
    let point = query_point(&query)?;
    let mut rows = lookups::locations_of(conn, caller.company_id, employee).await?;
    if let Some(point) = point {
        by_distance(&mut rows, point);
    }
    let items = rows.iter().map(LocationObject::from).collect();
    Ok(Json(LocationsObject { items }))
}
