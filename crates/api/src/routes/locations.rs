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
//! object answers `lat`/`lon` as the text sent (a JSON number as its literal text),
//! `""` when not set. Titles: 1..100 characters of the name rule, unique in the company
//! (8008; compared trimmed and case-insensitively), stored trimmed.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode};
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule, check_title};
use davomat_core::{LocationId, Role};
use davomat_store::activity::{self, NewActivity};
use davomat_store::locations::{self, Location, LocationFields};
use davomat_store::read_cache::Dependency;
use serde_json::{Value, json};

use super::RouteTable;
use super::positions::read_fields;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult};
use crate::guard::Access;
use crate::input::Fields;
use crate::input::path_id;
use crate::openapi::{Operation, body, id_in_path, paging, schema_ref, with_errors};

/// Title length limits of the reference.
const TITLE_MIN: usize = 1;
const TITLE_MAX: usize = 100;
/// The longest `ipv4` of the reference (an IPv6 address fits).
const IPV4_MAX: usize = 39;
/// The largest radius taken, in metres.
const RADIUS_MAX: i64 = 1_000_000;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::GET, "/v1/locations", Access::Authenticated, list)
        .add(Method::POST, "/v1/locations", Access::Authenticated, create)
        .add(
            Method::GET,
            "/v1/locations/{id}",
            Access::Authenticated,
            get,
        )
        .add(
            Method::PUT,
            "/v1/locations/{id}",
            Access::Authenticated,
            update,
        )
        .add(
            Method::DELETE,
            "/v1/locations/{id}",
            Access::Authenticated,
            delete,
        )
}

/// The Location object of the reference, plus `ipv4` so that what was set can be read.
pub(crate) fn object(location: &Location) -> Value {
    json!({
        "id": location.id,
        "title": location.title,
        "lat": location.lat,
        "lon": location.lon,
        "radius": location.radius,
        "address": location.address,
        "ipv4": location.ipv4,
        "count_employees": location.count_employees,
        "count_devices": location.count_devices,
    })
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Value>> {
    let (rows, total) =
        locations::list(state.store.connection(), caller.company_id, list.page).await?;
    let items = rows.iter().map(object).collect();
    Ok(Json(list.envelope(items, total)))
}

async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = LocationId(path_id(&id)?);
    let location = locations::find(state.store.connection(), caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(object(&location)))
}

/// Reads the body over `base` (the current location on PUT, an empty one on POST):
/// every field present replaces its value; an empty optional field unsets it. The
/// title is required on POST (8002); on PUT an empty one leaves it as it is.
fn read_location(
    fields: &Fields,
    body: &[u8],
    base: LocationFields,
    creating: bool,
    errors: &mut FieldErrors,
) -> LocationFields {
    let mut out = base;
    let title = if creating {
        fields.required_text("title", errors)
    } else {
        fields
            .text("title", errors)
            .filter(|t| !t.trim().is_empty())
    };
    if let Some(title) = title {
        check_title("title", &title, TITLE_MIN, TITLE_MAX, errors);
        out.title = title.trim().to_string();
    }
    if let Some(lat) = coordinate(fields, body, ["latitude", "lat"], 90.0, errors) {
        out.lat = lat;
    }
    if let Some(lon) = coordinate(fields, body, ["longitude", "lon"], 180.0, errors) {
        out.lon = lon;
    }
    if fields.contains("radius") {
        out.radius = fields.int("radius", errors);
        if out.radius.is_some_and(|r| !(0..=RADIUS_MAX).contains(&r)) {
            errors.add(
                "radius",
                FieldCode::InvalidValue,
                Reason::Rule(Rule::RadiusRange { max: RADIUS_MAX }),
            );
        }
    }
    if let Some(address) = fields.text("address", errors) {
        out.address = Some(address.trim().to_string()).filter(|a| !a.is_empty());
    }
    if let Some(ipv4) = fields.text("ipv4", errors) {
        let ipv4 = ipv4.trim().to_string();
        if ipv4.chars().count() > IPV4_MAX {
            errors.add("ipv4", FieldCode::InvalidValue, Reason::TooLong(IPV4_MAX));
        }
        out.ipv4 = Some(ipv4).filter(|i| !i.is_empty());
    }
    out
}

/// A coordinate under the first of `names` present: the text sent (a JSON number as its
/// literal text), trimmed; `""` unsets it. A non-empty value must be a number within
/// `-limit..=limit` (8003). `None` when absent or refused.
fn coordinate(
    fields: &Fields,
    body: &[u8],
    names: [&str; 2],
    limit: f64,
    errors: &mut FieldErrors,
) -> Option<String> {
    let name = names.into_iter().find(|n| fields.contains(n))?;
    let text = match fields.raw(name)? {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => number_literal(body, name).unwrap_or_else(|| n.to_string()),
        _ => {
            errors.add(name, FieldCode::InvalidValue, Reason::Plain);
            return None;
        }
    };
    if text.is_empty() {
        return Some(text);
    }
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && (-limit..=limit).contains(&value) => Some(text),
        _ => {
            errors.add(
                name,
                FieldCode::InvalidValue,
                Reason::Rule(Rule::CoordinateRange {
                    limit: limit as i64,
                }),
            );
            None
        }
    }
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

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin])?;
    let (fields, bytes) = read_fields(request).await?;
    let mut errors = FieldErrors::new();
    let empty = LocationFields {
        title: String::new(),
        lat: String::new(),
        lon: String::new(),
        radius: None,
        address: None,
        ipv4: None,
    };
    let new = read_location(&fields, &bytes, empty, true, &mut errors);
    let company = caller.company_id;
    let actor = caller.actor(&state.store).await?;
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    if !errors.has("title") && locations::title_taken(&txn, company, &new.title, None).await? {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    let now = state.clock.now();
    let id = locations::create(&txn, company, &new, now).await?;
    let message = Message::Created {
        kind: ObjectKind::Location,
        title: new.title.clone(),
    };
    activity::record(
        &txn,
        NewActivity::object_change(
            caller.company_id,
            actor.clone(),
            "createdLocation",
            id.0,
            message,
        ),
        caller.company_lang,
        now,
    )
    .await?;
    let location = locations::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    davomat_store::commit(txn).await?;
    Ok((StatusCode::CREATED, Json(object(&location))))
}

/// The fields of a stored location.
fn fields_of(location: &Location) -> LocationFields {
    LocationFields {
        title: location.title.clone(),
        lat: location.lat.clone(),
        lon: location.lon.clone(),
        radius: location.radius,
        address: location.address.clone(),
        ipv4: location.ipv4.clone(),
    }
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let id = LocationId(path_id(&id)?);
    let company = caller.company_id;
    locations::find(state.store.connection(), company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (fields, bytes) = read_fields(request).await?;
    let actor = caller.actor(&state.store).await?;
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    let current = locations::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let before = fields_of(&current);
    let mut errors = FieldErrors::new();
    let changed = read_location(&fields, &bytes, before.clone(), false, &mut errors);
    if changed.title != before.title
        && !errors.has("title")
        && locations::title_taken(&txn, company, &changed.title, Some(id)).await?
    {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    if changed == before {
        return Ok(Json(object(&current)));
    }
    locations::update(&txn, company, id, &changed).await?;
    let message = Message::Updated {
        kind: ObjectKind::Location,
        title: changed.title.clone(),
    };
    activity::record(
        &txn,
        NewActivity::object_change(
            caller.company_id,
            actor.clone(),
            "updatedLocation",
            id.0,
            message,
        ),
        caller.company_lang,
        state.clock.now(),
    )
    .await?;
    let location = locations::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    davomat_store::commit(txn).await?;
    Ok(Json(object(&location)))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let id = LocationId(path_id(&id)?);
    let company = caller.company_id;
    let actor = caller.actor(&state.store).await?;
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    let current = locations::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if locations::is_linked(&txn, company, id).await? {
        return Err(ApiError::DeleteRefused);
    }
    locations::delete(&txn, company, id).await?;
    let message = Message::Deleted {
        kind: ObjectKind::Location,
        title: current.title.clone(),
    };
    activity::record(
        &txn,
        NewActivity::object_change(
            caller.company_id,
            actor.clone(),
            "deletedLocation",
            id.0,
            message,
        ),
        caller.company_lang,
        state.clock.now(),
    )
    .await?;
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"message": "success"})))
}

/// The Location object.
pub(crate) fn location_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "title", "lat", "lon", "radius", "address", "ipv4", "count_employees", "count_devices"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "lat": {"type": "string", "description": "latitude as sent; \"\" when not set"},
            "lon": {"type": "string", "description": "longitude as sent; \"\" when not set"},
            "radius": {"type": ["integer", "null"], "description": "metres"},
            "address": {"type": ["string", "null"]},
            "ipv4": {"type": ["string", "null"], "description": "ext: not in the reference's object; shown so that what was set can be read"},
            "count_employees": {"type": "integer", "description": "active employees linked to the location"},
            "count_devices": {"type": "integer", "description": "devices placed at the location"}
        }
    })
}

fn id_parameter() -> Value {
    id_in_path("id")
}

fn write_body(title_required: bool) -> Value {
    let coordinate = |limit: u32, what: &str| json!({"type": ["string", "number"], "description": format!("{what}: a number within -{limit}..{limit}, kept as the text sent; \"\" unsets it")});
    let mut schema = json!({"type": "object", "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 100,
                  "description": "letters, digits, space and ' ` _ ( ) & - № , . ; unique in the company (case-insensitive)"},
        "latitude": coordinate(90, "latitude (also accepted as lat)"),
        "longitude": coordinate(180, "longitude (also accepted as lon)"),
        "radius": {"type": ["integer", "string"], "minimum": 0, "maximum": RADIUS_MAX, "description": "metres; \"\" unsets it"},
        "address": {"type": "string", "description": "\"\" unsets it"},
        "ipv4": {"type": "string", "maxLength": 39, "description": "\"\" unsets it"}
    }});
    if title_required {
        schema["required"] = json!(["title"]);
    }
    body(schema)
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let invalid = || {
        (
            "422",
            "title missing (8002); title too long or with other characters, latitude/longitude not a number in range, radius not an integer in range, ipv4 over 39 characters (8003); title taken in the company (8008)",
            schema_ref("ValidationError"),
        )
    };
    let not_found = || {
        (
            "404",
            "No such location in the company (3000)",
            schema_ref("Error"),
        )
    };
    vec![
        Operation {
            method: "get",
            path: "/v1/locations",
            tag: "Locations",
            summary: "The company's locations",
            description: "Any role of the company. By id.",
            secured: true,
            parameters: paging(),
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "One page of locations",
                    json!({"type": "object", "properties": {
                        "items": {"type": "array", "items": location_schema()},
                        "_links": schema_ref("Links"),
                        "_meta": schema_ref("Meta")
                    }}),
                )],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/locations",
            tag: "Locations",
            summary: "Create a location",
            description: "Admins only.",
            secured: true,
            parameters: vec![],
            request: Some(write_body(true)),
            responses: with_errors(
                true,
                vec![("201", "The new location", location_schema()), invalid()],
            ),
        },
        Operation {
            method: "get",
            path: "/v1/locations/{id}",
            tag: "Locations",
            summary: "One location",
            description: "Any role of the company.",
            secured: true,
            parameters: vec![id_parameter()],
            request: None,
            responses: with_errors(
                true,
                vec![("200", "The location", location_schema()), not_found()],
            ),
        },
        Operation {
            method: "put",
            path: "/v1/locations/{id}",
            tag: "Locations",
            summary: "Change a location",
            description: "Admins only. Changes the fields the body names; an empty optional field unsets it; an empty title leaves the title as it is.",
            secured: true,
            parameters: vec![id_parameter()],
            request: Some(write_body(false)),
            responses: with_errors(
                true,
                vec![
                    ("200", "The location", location_schema()),
                    not_found(),
                    invalid(),
                ],
            ),
        },
        Operation {
            method: "delete",
            path: "/v1/locations/{id}",
            tag: "Locations",
            summary: "Delete a location",
            description: "Admins only. Refused (7011) while an employee of any status is linked to the location. Its devices stay, with no location.",
            secured: true,
            parameters: vec![id_parameter()],
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "Deleted", schema_ref("Message")),
                    ("400", "Employees linked (7011)", schema_ref("Error")),
                    not_found(),
                ],
            ),
        },
    ]
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

    #[test]
    fn coordinates_are_numbers_in_range() {
        let body = br#"{"latitude":"91","longitude":"abc","lat":"1"}"#;
        let fields = Fields::from_body(&axum::http::HeaderMap::new(), body).expect("json");
        let mut errors = FieldErrors::new();
        assert_eq!(
            coordinate(&fields, body, ["latitude", "lat"], 90.0, &mut errors),
            None
        );
        assert_eq!(
            coordinate(&fields, body, ["longitude", "lon"], 180.0, &mut errors),
            None
        );
        let failed: Vec<String> = errors.into_vec().into_iter().map(|e| e.field).collect();
        assert_eq!(failed, vec!["latitude", "longitude"]);
        let body = br#"{"lat":" -90 ","lon":"","longitude":"NaN"}"#;
        let fields = Fields::from_body(&axum::http::HeaderMap::new(), body).expect("json");
        let mut errors = FieldErrors::new();
        assert_eq!(
            coordinate(&fields, body, ["latitude", "lat"], 90.0, &mut errors).as_deref(),
            Some("-90")
        );
        assert_eq!(
            coordinate(&fields, body, ["longitude", "lon"], 180.0, &mut errors),
            None
        );
        assert!(errors.has("longitude"));
    }
}
