//! `/v1/locations`: the company's locations (локации).
//!
//! - `GET /v1/locations`: one page of locations by id (any role).
//! - `POST /v1/locations`: create one (admins; 201).
//! - `GET /v1/locations/{id}`: one location (any role).
//! - `PUT /v1/locations/{id}`: change it (admins; partial: absent fields stay).
//! - `DELETE /v1/locations/{id}`: delete it (admins); 400/7011 while an employee is
//!   linked to it.
//!
//! Input `latitude`/`longitude` (also `lat`/`lon`), strings or numbers; the Location
//! object answers `lat`/`lon` as the text sent (a JSON number as its literal text, which
//! this door reads from the body), `""` when not set. The rules (titles, ranges, who may
//! change locations, what a delete refuses) are the use cases'
//! (`davomat_app::locations`); these handlers read the request, call them and render the
//! Location object.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use davomat_app::Sent;
use davomat_app::locations::{self as use_cases, LocationRequest};
use davomat_core::LocationId;
use davomat_store::locations::Location;
use serde::Serialize;
use serde_json::Value;
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

/// A location of the company (the reference's Location object, plus `ipv4` so that
/// what was set can be read).
#[derive(Serialize, ToSchema)]
#[schema(as = Location)]
pub struct LocationObject {
    #[schema(value_type = i64)]
    id: LocationId,
    #[schema(example = "Main office")]
    title: String,
    /// Latitude as sent; `""` when not set.
    #[schema(example = "41.310")]
    lat: String,
    /// Longitude as sent; `""` when not set.
    #[schema(example = "69.240")]
    lon: String,
    /// Metres.
    #[schema(required = true)]
    radius: Option<i64>,
    #[schema(required = true)]
    address: Option<String>,
    /// ext: not in the reference's object; shown so that what was set can be read.
    #[schema(required = true)]
    ipv4: Option<String>,
    /// Active employees linked to the location.
    count_employees: i64,
    /// Devices placed at the location.
    count_devices: i64,
}

impl From<&Location> for LocationObject {
    fn from(location: &Location) -> Self {
        LocationObject {
            id: location.id,
            title: location.title.clone(),
            lat: location.lat.clone(),
            lon: location.lon.clone(),
            radius: location.radius,
            address: location.address.clone(),
            ipv4: location.ipv4.clone(),
            count_employees: location.count_employees,
            count_devices: location.count_devices,
        }
    }
}

/// The company's locations
///
/// Any role of the company. By id.
#[utoipa::path(get, path = "/v1/locations", tag = "Locations", params(Paging),
    responses((status = 200, description = "One page of locations", body = Envelope<LocationObject>)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Envelope<LocationObject>>> {
    let (rows, total) = use_cases::list(&state.store, &caller, list.page).await?;
    let items = rows.iter().map(LocationObject::from).collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// One location
///
/// Any role of the company.
#[utoipa::path(get, path = "/v1/locations/{id}", tag = "Locations",
    params(("id" = i64, Path, description = "The location's id")),
    responses(
        (status = 200, description = "The location", body = LocationObject),
        (status = 404, description = "No such location in the company (3000)", body = ErrorBody),
    ))]
async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<LocationObject>> {
    let location = use_cases::get(&state.store, &caller, path_id(&id)?).await?;
    Ok(Json(LocationObject::from(&location)))
}

/// The coordinate fields of a location request, whose JSON numbers keep their literal
/// text.
const COORDINATES: [&str; 4] = ["latitude", "lat", "longitude", "lon"];

/// Reads a location request from the body (400/4001 when unreadable, 413 past the
/// limit): a coordinate sent as a JSON number is its literal text (`41.310` stays
/// `41.310` where the parsed number would print `41.31`).
async fn read_location(request: Request) -> ApiResult<LocationRequest> {
    let (fields, bytes) = read_fields(request).await?;
    let literals = COORDINATES.map(|name| match fields.raw(name) {
        Some(Value::Number(_)) => number_literal(&bytes, name),
        _ => None,
    });
    let mut sent: LocationRequest = fields.request()?;
    let coordinates = [
        &mut sent.latitude,
        &mut sent.lat,
        &mut sent.longitude,
        &mut sent.lon,
    ];
    for (field, literal) in coordinates.into_iter().zip(literals) {
        if let Some(text) = literal {
            *field = Sent::Value(text);
        }
    }
    Ok(sent)
}

/// The literal text of the top-level member `name` of a JSON object body when its value
/// is a number: `41.310` stays `41.310` where the parsed value would print `41.31`. The
/// body has already been read as valid JSON; the last occurrence wins, as in the parsed
/// fields.
fn number_literal(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let bytes = text.as_bytes();
    let mut i = skip_whitespace(bytes, 0);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    let mut found = None;
    loop {
        i = skip_whitespace(bytes, i);
        if bytes.get(i) != Some(&b'"') {
            return found;
        }
        let key_end = value_end(bytes, i)?;
        let key: String = serde_json::from_str(&text[i..key_end]).ok()?;
        i = skip_whitespace(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return found;
        }
        i = skip_whitespace(bytes, i + 1);
        let end = value_end(bytes, i)?;
        if key == name && matches!(bytes.get(i), Some(b'-' | b'0'..=b'9')) {
            found = Some(text[i..end].to_string());
        }
        i = skip_whitespace(bytes, end);
        if bytes.get(i) != Some(&b',') {
            return found;
        }
        i += 1;
    }
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// Where the JSON value starting at `start` ends (exclusive).
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'"' => {
            let mut i = start + 1;
            loop {
                match bytes.get(i)? {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = value_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = start;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            Some(i)
        }
    }
}

/// Create a location
///
/// Admins only.
#[utoipa::path(post, path = "/v1/locations", tag = "Locations",
    request_body(content(
        (LocationRequest = "application/json"),
        (LocationRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "The new location", body = LocationObject),
        (status = 422, description = "title missing (8002); title too long or with other characters, latitude/longitude not a number in range, radius not an integer in range, ipv4 over 39 characters (8003); title taken in the company (8008)", body = ValidationBody),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<LocationObject>)> {
    use_cases::authorize(&caller)?;
    let new = read_location(request).await?;
    let location = use_cases::create(&state.store, &caller, new, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(LocationObject::from(&location))))
}

/// Change a location
///
/// Admins only. Changes the fields the body names; an empty optional field unsets it; an empty title leaves the title as it is.
#[utoipa::path(put, path = "/v1/locations/{id}", tag = "Locations",
    params(("id" = i64, Path, description = "The location's id")),
    request_body(content(
        (LocationRequest = "application/json"),
        (LocationRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The location", body = LocationObject),
        (status = 404, description = "No such location in the company (3000)", body = ErrorBody),
        (status = 422, description = "title too long or with other characters, latitude/longitude not a number in range, radius not an integer in range, ipv4 over 39 characters (8003); title taken in the company (8008)", body = ValidationBody),
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<LocationObject>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::get(&state.store, &caller, id).await?;
    let change = read_location(request).await?;
    let location = use_cases::update(&state.store, &caller, id, change, state.clock.now()).await?;
    Ok(Json(LocationObject::from(&location)))
}

/// Delete a location
///
/// Admins only. Refused (7011) while an employee of any status is linked to the location. Its devices stay, with no location.
#[utoipa::path(delete, path = "/v1/locations/{id}", tag = "Locations",
    params(("id" = i64, Path, description = "The location's id")),
    responses(
        (status = 200, description = "Deleted", body = MessageBody),
        (status = 400, description = "Employees linked (7011)", body = ErrorBody),
        (status = 404, description = "No such location in the company (3000)", body = ErrorBody),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_literals_keep_their_text() {
        let body = br#"{"title":"A","nested":{"latitude":1},"list":[1,"latitude",{"x":"}"}],
            "latitude" : 41.310 , "longitude":-69.2459550865081600,"radius":3e2}"#;
        assert_eq!(number_literal(body, "latitude").as_deref(), Some("41.310"));
        assert_eq!(
            number_literal(body, "longitude").as_deref(),
            Some("-69.2459550865081600")
        );
        assert_eq!(number_literal(body, "radius").as_deref(), Some("3e2"));
        assert_eq!(number_literal(body, "title"), None);
        assert_eq!(number_literal(body, "absent"), None);
        let escaped = br#"{"a\"b":"x\\","latitude":1.50,"latitude":2.50}"#;
        assert_eq!(number_literal(escaped, "latitude").as_deref(), Some("2.50"));
        assert_eq!(number_literal(b"latitude=1.0", "latitude"), None);
    }
}
