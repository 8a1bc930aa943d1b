//! Locations (локации): create, change, delete — admins only (CONTRACT.md §4).
//!
//! Titles: 1..100 characters of the name rule, unique in the company (8008; compared
//! trimmed and case-insensitively), stored trimmed. Coordinates are kept as the text
//! sent (trimmed; the door gives a JSON number's literal text), a number within ±90
//! (latitude) or ±180 (longitude); `""` when not set. `radius` 0..1,000,000 metres;
//! `ipv4` up to 39 characters (an IPv6 address fits). On a change an absent field stays
//! as it is and an empty optional field unsets it. A location an employee is linked to
//! is not deleted. Each change writes its activity row (`createdLocation`,
//! `updatedLocation`, `deletedLocation`) in its transaction and drops the company's
//! cached directory (cards, accounts and lists show titles, plans, holidays, devices).

use davomat_core::activity::{Message, ObjectKind};
use davomat_core::page::PageRequest;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule, check_title};
use davomat_core::{LocationId, Role};
use davomat_store::Store;
use davomat_store::locations::{self, Location, LocationFields};
use davomat_store::read_cache::Dependency;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::{FromSent, Sent, verbatim};

/// Title length limits of the reference.
pub const TITLE_MIN: usize = 1;
pub const TITLE_MAX: usize = 100;
/// The longest `ipv4` of the reference (an IPv6 address fits).
pub const IPV4_MAX: usize = 39;
/// The largest radius taken, in metres.
pub const RADIUS_MAX: i64 = 1_000_000;

/// Who may change locations. A door whose input may be malformed calls it before
/// reading that input (CONTRACT.md §2's order of checks); the use cases check it again.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin])
}

/// One page of the company's locations by id (any role), and the total.
pub async fn list(
    store: &Store,
    caller: &Caller,
    page: PageRequest,
) -> AppResult<(Vec<Location>, u64)> {
    Ok(locations::list(store.connection(), caller.company_id, page).await?)
}

/// The location of the caller's company ([`AppError::NotFound`] otherwise). A door
/// checks it before reading a change's input, so that an unknown id is answered before
/// a bad body (CONTRACT.md §2's order of checks).
pub async fn get(store: &Store, caller: &Caller, id: i64) -> AppResult<Location> {
    locations::find(store.connection(), caller.company_id, LocationId(id))
        .await?
        .ok_or(AppError::NotFound)
}

/// A location as sent: to create one (`title` required) or to change one (what is
/// absent stays as it is; an empty optional field unsets it).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct LocationRequest {
    /// Letters, digits, space and ' ` _ ( ) & - № , . ; unique in the company
    /// (case-insensitive). Required to create; on a change absent or empty leaves it.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100, example = "Main office")]
    pub title: Sent<String>,
    /// Latitude: a number within -90..90 (a string or a JSON number), kept as the text
    /// sent; `""` unsets it.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Coordinate, example = "41.310")]
    pub latitude: Sent<String>,
    /// Alias of `latitude`, read when `latitude` is not sent.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Coordinate)]
    pub lat: Sent<String>,
    /// Longitude: a number within -180..180 (a string or a JSON number), kept as the
    /// text sent; `""` unsets it.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Coordinate, example = "69.240")]
    pub longitude: Sent<String>,
    /// Alias of `longitude`, read when `longitude` is not sent.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Coordinate)]
    pub lon: Sent<String>,
    /// Metres, 0..1000000 (an integer or its text); `""` unsets it.
    #[serde(default, deserialize_with = "clearable_int")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 1_000_000, example = 100)]
    pub radius: Sent<Option<i64>>,
    /// Free text; `""` unsets it.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>)]
    pub address: Sent<String>,
    /// The address the office's clients come from; `""` unsets it.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, max_length = 39)]
    pub ipv4: Sent<String>,
}

/// A coordinate as sent, for the request's schema: a number as text or a JSON number
/// (kept as its literal text).
pub struct Coordinate;

impl utoipa::PartialSchema for Coordinate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Number]))
            .description(Some(
                "A number as text or a JSON number, kept as the text sent; \"\" unsets it",
            ))
            .into()
    }
}

impl ToSchema for Coordinate {}

/// An integer whose empty string clears it (`Sent::Value(None)`); otherwise read as
/// [`FromSent`] reads integers. For a request field:
/// `#[serde(default, deserialize_with = "clearable_int")]`.
fn clearable_int<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Sent<Option<i64>>, D::Error> {
    use serde_json::Value;
    Ok(match Value::deserialize(deserializer)? {
        Value::String(s) if s.trim().is_empty() => Sent::Value(None),
        value => i64::from_sent(&value).map(Some),
    })
}

/// The fields of a create (`base` empty, `creating`) or of a change over the current
/// values: every field sent replaces its value; an empty optional field unsets it.
fn checked(
    request: LocationRequest,
    base: LocationFields,
    creating: bool,
    errors: &mut FieldErrors,
) -> LocationFields {
    let mut out = base;
    let title = if creating {
        request.title.required("title", errors)
    } else {
        request.title.optional("title", errors)
    };
    if let Some(title) = title {
        check_title("title", &title, TITLE_MIN, TITLE_MAX, errors);
        out.title = title.trim().to_string();
    }
    let latitude = [("latitude", request.latitude), ("lat", request.lat)];
    if let Some(lat) = coordinate(latitude, 90.0, errors) {
        out.lat = lat;
    }
    let longitude = [("longitude", request.longitude), ("lon", request.lon)];
    if let Some(lon) = coordinate(longitude, 180.0, errors) {
        out.lon = lon;
    }
    match request.radius {
        Sent::Absent => {}
        Sent::Unreadable => {
            errors.add("radius", FieldCode::InvalidValue, Reason::Plain);
            out.radius = None;
        }
        Sent::Value(radius) => {
            out.radius = radius;
            if radius.is_some_and(|r| !(0..=RADIUS_MAX).contains(&r)) {
                errors.add(
                    "radius",
                    FieldCode::InvalidValue,
                    Reason::Rule(Rule::RadiusRange { max: RADIUS_MAX }),
                );
            }
        }
    }
    if let Some(address) = request.address.optional("address", errors) {
        out.address = Some(address.trim().to_string()).filter(|a| !a.is_empty());
    }
    if let Some(ipv4) = request.ipv4.optional("ipv4", errors) {
        let ipv4 = ipv4.trim().to_string();
        if ipv4.chars().count() > IPV4_MAX {
            errors.add("ipv4", FieldCode::InvalidValue, Reason::TooLong(IPV4_MAX));
        }
        out.ipv4 = Some(ipv4).filter(|i| !i.is_empty());
    }
    out
}

/// A coordinate under the first of its names sent: its text, trimmed; `""` unsets it. A
/// non-empty value must be a number within `-limit..=limit` (8003 naming the field
/// sent). `None` when absent or refused.
fn coordinate(
    names: [(&str, Sent<String>); 2],
    limit: f64,
    errors: &mut FieldErrors,
) -> Option<String> {
    let (name, sent) = names.into_iter().find(|(_, sent)| *sent != Sent::Absent)?;
    let text = sent.optional(name, errors)?.trim().to_string();
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

/// Creates a location; answers it.
pub async fn create(
    store: &Store,
    caller: &Caller,
    request: LocationRequest,
    now: i64,
) -> AppResult<Location> {
    authorize(caller)?;
    let mut errors = FieldErrors::new();
    let empty = LocationFields {
        title: String::new(),
        lat: String::new(),
        lon: String::new(),
        radius: None,
        address: None,
        ipv4: None,
    };
    let new = checked(request, empty, true, &mut errors);
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(company)]);
    if !errors.has("title") && locations::title_taken(&txn, company, &new.title, None).await? {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    let id = locations::create(&txn, company, &new, now).await?;
    let message = Message::Created {
        kind: ObjectKind::Location,
        title: new.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "createdLocation", id.0, message, now)
        .await?;
    let location = locations::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(location)
}

/// Changes a location; a change that changes nothing writes nothing.
pub async fn update(
    store: &Store,
    caller: &Caller,
    id: i64,
    request: LocationRequest,
    now: i64,
) -> AppResult<Location> {
    authorize(caller)?;
    let company = caller.company_id;
    get(store, caller, id).await?;
    let id = LocationId(id);
    let actor = caller.actor();
    let txn = store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(company)]);
    let current = locations::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = fields_of(&current);
    let mut errors = FieldErrors::new();
    let changed = checked(request, before.clone(), false, &mut errors);
    if changed.title != before.title
        && !errors.has("title")
        && locations::title_taken(&txn, company, &changed.title, Some(id)).await?
    {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    if changed == before {
        return Ok(current);
    }
    locations::update(&txn, company, id, &changed).await?;
    let message = Message::Updated {
        kind: ObjectKind::Location,
        title: changed.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "updatedLocation", id.0, message, now)
        .await?;
    let location = locations::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(location)
}

/// Deletes a location no employee is linked to ([`AppError::InUse`] otherwise); its
/// devices stay, with no location.
pub async fn delete(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<()> {
    authorize(caller)?;
    let company = caller.company_id;
    let id = LocationId(id);
    let actor = caller.actor();
    let txn = store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(company)]);
    let current = locations::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if locations::is_linked(&txn, company, id).await? {
        return Err(AppError::InUse);
    }
    locations::delete(&txn, company, id).await?;
    let message = Message::Deleted {
        kind: ObjectKind::Location,
        title: current.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "deletedLocation", id.0, message, now)
        .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: serde_json::Value) -> LocationRequest {
        serde_json::from_value(value).expect("a request of Sent fields reads from any object")
    }

    fn failed(errors: FieldErrors) -> Vec<String> {
        errors.into_vec().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn coordinates_are_numbers_in_range() {
        let request = read(json!({"latitude": "91", "longitude": "abc", "lat": "1"}));
        let mut errors = FieldErrors::new();
        let latitude = [("latitude", request.latitude), ("lat", request.lat)];
        assert_eq!(coordinate(latitude, 90.0, &mut errors), None);
        let longitude = [("longitude", request.longitude), ("lon", request.lon)];
        assert_eq!(coordinate(longitude, 180.0, &mut errors), None);
        assert_eq!(failed(errors), vec!["latitude", "longitude"]);

        let request = read(json!({"lat": " -90 ", "lon": "", "longitude": "NaN"}));
        let mut errors = FieldErrors::new();
        let latitude = [("latitude", request.latitude), ("lat", request.lat)];
        assert_eq!(
            coordinate(latitude, 90.0, &mut errors).as_deref(),
            Some("-90")
        );
        let longitude = [("longitude", request.longitude), ("lon", request.lon)];
        assert_eq!(coordinate(longitude, 180.0, &mut errors), None);
        assert_eq!(failed(errors), vec!["longitude"]);

        // An empty coordinate unsets it; a value of another type is refused.
        let request = read(json!({"latitude": "", "lat": "5", "lon": true}));
        let mut errors = FieldErrors::new();
        let latitude = [("latitude", request.latitude), ("lat", request.lat)];
        assert_eq!(coordinate(latitude, 90.0, &mut errors).as_deref(), Some(""));
        let longitude = [("longitude", request.longitude), ("lon", request.lon)];
        assert_eq!(coordinate(longitude, 180.0, &mut errors), None);
        assert_eq!(failed(errors), vec!["lon"]);
    }

    #[test]
    fn absent_fields_stay_and_empty_ones_unset() {
        let base = LocationFields {
            title: "Office".into(),
            lat: "41.31".into(),
            lon: "69.24".into(),
            radius: Some(100),
            address: Some("Street 1".into()),
            ipv4: Some("10.0.0.1".into()),
        };
        let mut errors = FieldErrors::new();
        let same = checked(read(json!({"title": ""})), base.clone(), false, &mut errors);
        assert_eq!(same, base);
        let cleared = checked(
            read(json!({"latitude": "", "lon": " ", "radius": "", "address": "", "ipv4": " "})),
            base.clone(),
            false,
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(
            cleared,
            LocationFields {
                title: "Office".into(),
                lat: String::new(),
                lon: String::new(),
                radius: None,
                address: None,
                ipv4: None,
            }
        );
        let refused = checked(
            read(json!({"title": ["x"], "radius": 1.5, "address": false, "ipv4": {"v": 4}})),
            base,
            false,
            &mut errors,
        );
        assert_eq!(refused.title, "Office");
        assert_eq!(failed(errors), vec!["title", "radius", "address", "ipv4"]);
    }
}
