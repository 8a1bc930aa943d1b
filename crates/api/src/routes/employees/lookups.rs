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
use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use davomat_core::{EmployeeId, geo};
use davomat_store::employees::lookups;
use davomat_store::locations::Location;
use serde_json::{Value, json};

use super::super::locations::LocationObject;
use crate::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, Malformed};
use crate::input::path_id;
use crate::openapi::{Operation, id_in_path, query, schema_ref, with_errors};
use crate::scope::Scope;

pub(super) async fn letters(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Value>> {
    let visibility = Scope::of(&state.store, &caller).await?.visibility();
    let items =
        lookups::first_letters(state.store.connection(), caller.company_id, &visibility).await?;
    Ok(Json(json!({ "items": items })))
}

/// A point of the query, when both `lat` and `lon` are given.
fn query_point(query: &HashMap<String, String>) -> ApiResult<Option<(f64, f64)>> {
    let value = |name: &str, limit: f64| -> ApiResult<Option<f64>> {
        match query.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(text) => text
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && v.abs() <= limit)
                .map(Some)
                .ok_or_else(|| ApiError::Malformed(Malformed::QueryValue(name.to_string()))),
        }
    };
    match (value("lat", 90.0)?, value("lon", 180.0)?) {
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

pub(super) async fn locations(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let employee = EmployeeId(path_id(&id)?);
    let conn = state.store.connection();
    let department = lookups::department_of(conn, caller.company_id, employee)
        .await?
        .ok_or(ApiError::NotFound)?;
    if caller.employee_id != Some(employee) {
        Scope::require_department(&state.store, &caller, department).await?;
    }
    let point = query_point(&query)?;
    let mut rows = lookups::locations_of(conn, caller.company_id, employee).await?;
    if let Some(point) = point {
        by_distance(&mut rows, point);
    }
    let items: Vec<LocationObject> = rows.iter().map(LocationObject::from).collect();
    Ok(Json(json!({ "items": items })))
}

/// The OpenAPI description of these routes.
pub(super) fn operations() -> Vec<Operation> {
    let location = json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"},
        "lat": {"type": "string"}, "lon": {"type": "string"},
        "radius": {"type": ["integer", "null"]}, "address": {"type": ["string", "null"]},
        "ipv4": {"type": ["string", "null"]},
        "count_employees": {"type": "integer"}, "count_devices": {"type": "integer"}}});
    vec![
        Operation {
            method: "get",
            path: "/v1/employees/letter",
            tag: "Employees",
            summary: "First letters of the first names in the caller's scope",
            description: "Any role. Active employees only; uppercase letters, distinct, in code point order.",
            secured: true,
            parameters: vec![],
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "{items: [letter]}",
                    json!({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "string"}}}}),
                )],
            ),
        },
        Operation {
            method: "get",
            path: "/v1/employees/{id}/locations",
            tag: "Employees",
            summary: "An employee's locations",
            description: "Admins any employee, roles 2–4 those of their departments, everyone themself (403/7004 otherwise). By id; with lat and lon by distance from that point, locations without coordinates last.",
            secured: true,
            parameters: vec![
                id_in_path("id"),
                query(
                    "lat",
                    "latitude of the point to order by distance from (with lon)",
                    json!({"type": "number", "minimum": -90, "maximum": 90}),
                ),
                query(
                    "lon",
                    "longitude of the point to order by distance from (with lat)",
                    json!({"type": "number", "minimum": -180, "maximum": 180}),
                ),
            ],
            request: None,
            responses: with_errors(
                true,
                vec![
                    (
                        "200",
                        "{items: [Location]}",
                        json!({"type": "object", "properties": {"items": {"type": "array", "items": location}}}),
                    ),
                    (
                        "400",
                        "lat or lon not a number in range, or one without the other (4001)",
                        schema_ref("Error"),
                    ),
                    (
                        "403",
                        "The employee is outside the caller's scope (7004)",
                        schema_ref("Error"),
                    ),
                    (
                        "404",
                        "No such employee in the company (3000)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
    ]
}
