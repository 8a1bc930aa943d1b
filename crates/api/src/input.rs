//! Reading request input: JSON, form and query fields into one map, and the lenient
//! typed getters of CONTRACT.md §1 (numbers as strings, strings as numbers, id lists
//! as comma-separated strings, booleans as 0/1 and "true"/"false"). Getters record
//! every failing field in a [`FieldErrors`] instead of stopping at the first.

use axum::body::Body;
use axum::http::{HeaderMap, header};
use chrono::NaiveDate;
use davomat_core::validation::{
    FieldCode, FieldErrors, Reason, is_supported_date, parse_date, supported_date,
};
use serde_json::{Map, Value};

use davomat_app::request::FromSent;
use davomat_app::{Locations, Sent};

use crate::error::{ApiError, Malformed};

/// The default body limit (CONTRACT.md §2: 1 MB).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// One parameter of a query string as a query struct reads it: its text, the last one
/// when it is repeated; `None` when absent. Reading one never fails.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryValue(pub Option<String>);

impl QueryValue {
    fn of(value: &Value) -> QueryValue {
        QueryValue(match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Array(items) => items.last().and_then(|v| v.as_str()).map(str::to_string),
            other => Some(other.to_string()),
        })
    }

    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de> serde::Deserialize<'de> for QueryValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(QueryValue::of(&Value::deserialize(deserializer)?))
    }
}

/// Named input fields of one request.
#[derive(Clone, Debug, Default)]
pub struct Fields(Map<String, Value>);

impl Fields {
    pub fn new(map: Map<String, Value>) -> Self {
        Fields(map)
    }

    /// Fields of a query string (`a[]=1&a[]=2` and repeated keys become arrays).
    pub fn from_query(query: Option<&str>) -> Fields {
        Fields(parse_form(query.unwrap_or("").as_bytes()))
    }

    /// Fields of a body, by its content type: JSON, or form-urlencoded. A body without
    /// a content type is read as JSON when it looks like JSON, else as a form.
    pub fn from_body(headers: &HeaderMap, bytes: &[u8]) -> Result<Fields, ApiError> {
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(Fields::default());
        }
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let looks_like_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        if content_type.contains("json") || (!content_type.contains("form") && looks_like_json) {
            match serde_json::from_slice::<Value>(bytes) {
                Ok(Value::Object(map)) => Ok(Fields(map)),
                Ok(_) => Err(ApiError::Malformed(Malformed::Body)),
                Err(_) => json_members(bytes)
                    .map(Fields)
                    .ok_or(ApiError::Malformed(Malformed::Body)),
            }
        } else if content_type.is_empty() || content_type.contains("x-www-form-urlencoded") {
            if std::str::from_utf8(bytes).is_err() {
                return Err(ApiError::Malformed(Malformed::Body));
            }
            Ok(Fields(parse_form(bytes)))
        } else {
            Err(ApiError::Malformed(Malformed::Body))
        }
    }

    /// Adds the other's fields where this one has none (lower preference).
    pub fn fill_from(&mut self, other: Fields) {
        for (key, value) in other.0 {
            self.0.entry(key).or_insert(value);
        }
    }

    /// The fields as a JSON object, for parsers that read nested structures.
    pub fn to_map(&self) -> Map<String, Value> {
        self.0.clone()
    }

    pub fn raw(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.raw(name).is_some()
    }

    /// A text field: strings as they are, numbers as their decimal text. Absent or
    /// null → `None`; other types record 8003.
    pub fn text(&self, name: &str, errors: &mut FieldErrors) -> Option<String> {
        match self.raw(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => {
                errors.add(name, FieldCode::InvalidValue, Reason::Plain);
                None
            }
        }
    }

    /// A text field for a use case, read as [`FromSent`] reads text.
    pub fn sent_text(&self, name: &str) -> Sent<String> {
        self.sent(name)
    }

    /// An integer field for a use case, read as [`FromSent`] reads integers.
    pub fn sent_int(&self, name: &str) -> Sent<i64> {
        self.sent(name)
    }

    /// A list of ids for a use case, read as [`FromSent`] reads id lists.
    pub fn sent_ids(&self, name: &str) -> Sent<Vec<i64>> {
        self.sent(name)
    }

    fn sent<T: FromSent>(&self, name: &str) -> Sent<T> {
        self.raw(name).map_or(Sent::Absent, T::from_sent)
    }

    /// The fields as a request of a use case (a struct of [`Sent`] fields, which reads
    /// from any object); 500 if the struct has a field that can refuse a value.
    pub fn request<T: serde::de::DeserializeOwned>(self) -> Result<T, ApiError> {
        serde_json::from_value(Value::Object(self.0))
            .map_err(|e| ApiError::Internal(format!("request fields: {e}")))
    }

    /// A secret (a password) for a use case, read as [`davomat_app::request::secret`]
    /// reads it.
    pub fn sent_secret(&self, name: &str) -> Sent<String> {
        davomat_app::request::secret(self.raw(name).cloned().unwrap_or(Value::Null))
            .unwrap_or(Sent::Unreadable)
    }

    /// A list of locations for a use case: `"*"` (or `["*"]`) for all of them, else a
    /// list of ids.
    pub fn sent_locations(&self, name: &str) -> Sent<Locations> {
        self.sent(name)
    }

    /// A text field that must be present and non-empty (8002 otherwise).
    pub fn required_text(&self, name: &str, errors: &mut FieldErrors) -> Option<String> {
        match self.text(name, errors) {
            Some(s) if !s.trim().is_empty() => Some(s),
            Some(_) | None => {
                if !errors.has(name) {
                    errors.add(name, FieldCode::Required, Reason::Plain);
                }
                None
            }
        }
    }

    /// An integer: numbers or numeric strings; an empty string is "not set".
    pub fn int(&self, name: &str, errors: &mut FieldErrors) -> Option<i64> {
        match self.raw(name)? {
            Value::Number(n) => match n.as_i64() {
                Some(v) => Some(v),
                None => {
                    errors.add(name, FieldCode::InvalidValue, Reason::Plain);
                    None
                }
            },
            Value::String(s) if s.trim().is_empty() => None,
            Value::String(s) => match s.trim().parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errors.add(name, FieldCode::InvalidValue, Reason::Plain);
                    None
                }
            },
            _ => {
                errors.add(name, FieldCode::InvalidValue, Reason::Plain);
                None
            }
        }
    }

    /// A list of ids: a JSON array of numbers or numeric strings, or `"1,2,3"`.
    pub fn ids(&self, name: &str, errors: &mut FieldErrors) -> Option<Vec<i64>> {
        let ids = davomat_app::request::ids_of(self.raw(name)?);
        if ids.is_none() {
            errors.add(name, FieldCode::InvalidValue, Reason::Plain);
        }
        ids
    }

    /// A `YYYY-MM-DD` date (8009 on any other shape; 8003 outside 1900–2100).
    pub fn date(&self, name: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
        let text = self.text(name, errors)?;
        if text.trim().is_empty() {
            return None;
        }
        match parse_date(text.trim()) {
            Some(date) => supported_date(name, date, errors),
            None => {
                errors.add(name, FieldCode::DateFormat, Reason::Plain);
                None
            }
        }
    }

    /// A local `YYYY-MM-DD HH:MM:SS` in the company's zone, as a unix second (8009 on
    /// any other shape).
    pub fn local_time(
        &self,
        name: &str,
        zone: &davomat_core::zone::CompanyZone,
        errors: &mut FieldErrors,
    ) -> Option<i64> {
        let text = self.text(name, errors)?;
        if text.trim().is_empty() {
            return None;
        }
        match davomat_core::validation::parse_local_date_time(&text) {
            Some((date, seconds)) => supported_date(name, date, errors)
                .map(|date| zone.local_instant(davomat_core::dates::civil(date), seconds)),
            None => {
                errors.add(name, FieldCode::DateFormat, Reason::Plain);
                None
            }
        }
    }

    /// A query argument as text (no type leniency needed: query values are text).
    pub fn query_text(&self, name: &str) -> Option<String> {
        QueryValue::of(self.raw(name)?).0
    }
}

/// A well-formed JSON object whose values did not all read: a number too large for a
/// float (`1e309`) or a lone surrogate escape is well-formed JSON that serde_json
/// refuses. The body is read piece by piece ([`lenient_value`]) so that only the piece
/// that does not read is lost — its field (or one event of a batch) is refused on its
/// own — instead of the whole body being malformed (400). `None` when the body is not a
/// well-formed object.
fn json_members(bytes: &[u8]) -> Option<Map<String, Value>> {
    let raw: Box<serde_json::value::RawValue> = serde_json::from_slice(bytes).ok()?;
    match lenient_value(&raw) {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The key under which [`lenient_value`] marks a value that does not read. Every field
/// reader refuses an object where it expects a number or text (8003).
pub const UNREADABLE: &str = "$unreadable";

/// A JSON value read piece by piece: arrays and objects are entered, and a leaf that
/// does not read becomes `{"$unreadable": "<its text>"}`.
fn lenient_value(raw: &serde_json::value::RawValue) -> Value {
    if let Ok(value) = serde_json::from_str::<Value>(raw.get()) {
        return value;
    }
    let text = raw.get().trim_start();
    type Members = std::collections::BTreeMap<String, Box<serde_json::value::RawValue>>;
    if text.starts_with('{')
        && let Ok(members) = serde_json::from_str::<Members>(text)
    {
        return Value::Object(
            members
                .into_iter()
                .map(|(name, value)| (name, lenient_value(&value)))
                .collect(),
        );
    }
    if text.starts_with('[')
        && let Ok(items) = serde_json::from_str::<Vec<Box<serde_json::value::RawValue>>>(text)
    {
        return Value::Array(items.iter().map(|item| lenient_value(item)).collect());
    }
    let mut marker = Map::new();
    marker.insert(UNREADABLE.into(), Value::String(raw.get().to_string()));
    Value::Object(marker)
}

/// Parses `application/x-www-form-urlencoded` text, tolerating unescaped characters
/// such as `@`. `a[]=1&a[]=2` and repeated keys become arrays.
fn parse_form(bytes: &[u8]) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, value) in form_urlencoded::parse(bytes) {
        let (key, is_list) = match key.strip_suffix("[]") {
            Some(base) => (base.to_string(), true),
            None => (key.into_owned(), false),
        };
        let value = Value::String(value.into_owned());
        match map.get_mut(&key) {
            Some(Value::Array(items)) => items.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None => {
                map.insert(
                    key,
                    if is_list {
                        Value::Array(vec![value])
                    } else {
                        value
                    },
                );
            }
        }
    }
    map
}

/// The fields of a request's body (JSON or form), read up to the default limit.
pub async fn body_fields(request: axum::extract::Request) -> Result<Fields, ApiError> {
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, BODY_LIMIT).await?;
    Fields::from_body(&parts.headers, &bytes)
}

/// A query date argument: absent or empty is `None`; `'YYYY-MM-DD'` (the reference's
/// examples quote their dates) reads as the date; any other shape, or a date outside
/// 1900–2100, is 400/4001.
pub fn query_date(value: Option<&str>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    match value
        .map(|v| v.trim().trim_matches('\''))
        .filter(|v| !v.is_empty())
    {
        None => Ok(None),
        Some(text) => parse_date(text)
            .filter(|date| is_supported_date(*date))
            .map(Some)
            .ok_or_else(|| ApiError::Malformed(Malformed::QueryValue(name.to_string()))),
    }
}

/// The optional `start_date`..`end_date` of a list query, each read by [`query_date`];
/// an end before the start is 400/4001.
pub fn query_range(
    start: Option<&str>,
    end: Option<&str>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ApiError> {
    let start = query_date(start, "start_date")?;
    let end = query_date(end, "end_date")?;
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        return Err(ApiError::Malformed(Malformed::DateRange));
    }
    Ok((start, end))
}

/// A comma-separated id list of a query argument (`ids=1,12,123`); anything but
/// integers is 400/4001 naming the argument.
pub fn query_ids(text: &str, name: &str) -> Result<Vec<i64>, ApiError> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| ApiError::Malformed(Malformed::QueryValue(name.to_string())))
        })
        .collect()
}

/// An id in the path: anything but a positive integer names nothing (404/3000).
pub fn path_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(ApiError::NotFound)
}

/// Reads a body up to `limit` bytes: 413 past it, 400 when the stream breaks.
pub async fn read_body(body: Body, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(bytes),
        Err(err) => {
            let too_large = std::error::Error::source(&err)
                .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
            if too_large {
                Err(ApiError::PayloadTooLarge(limit))
            } else {
                Err(ApiError::Malformed(Malformed::Body))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn form_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        h
    }

    #[test]
    fn unescaped_form_values_are_kept() {
        let f = Fields::from_body(&form_headers(), b"username=a@b.uz&password=p@ss+word%21")
            .expect("form");
        let mut e = FieldErrors::new();
        assert_eq!(f.text("username", &mut e).as_deref(), Some("a@b.uz"));
        assert_eq!(f.text("password", &mut e).as_deref(), Some("p@ss word!"));
    }

    #[test]
    fn lenient_types() {
        let json = br#"{"a":"368","b":331,"c":"139,846","d":[1,"2"],"g":"x","h":"","i":1.5}"#;
        let f = Fields::from_body(&HeaderMap::new(), json).expect("json");
        let mut e = FieldErrors::new();
        assert_eq!(f.int("a", &mut e), Some(368));
        assert_eq!(f.text("b", &mut e).as_deref(), Some("331"));
        assert_eq!(f.ids("c", &mut e), Some(vec![139, 846]));
        assert_eq!(f.ids("d", &mut e), Some(vec![1, 2]));
        assert!(e.is_empty());
        assert_eq!(f.int("g", &mut e), None);
        assert_eq!(f.int("h", &mut e), None);
        assert_eq!(f.int("i", &mut e), None);
        let failed: Vec<String> = e.into_vec().into_iter().map(|x| x.field).collect();
        assert_eq!(failed, vec!["g", "i"]);
    }

    #[test]
    fn arrays_in_forms() {
        let f = Fields::from_body(&form_headers(), b"a[]=1&a[]=2&b=1,2&c=3&c=4").expect("form");
        let mut e = FieldErrors::new();
        assert_eq!(f.ids("a", &mut e), Some(vec![1, 2]));
        assert_eq!(f.ids("b", &mut e), Some(vec![1, 2]));
        assert_eq!(f.ids("c", &mut e), Some(vec![3, 4]));
    }

    #[test]
    fn numbers_too_large_for_a_float_fail_their_field_only() {
        let f = Fields::from_body(
            &HeaderMap::new(),
            br#"{"radius": 1e309, "title": "A", "notes": "\ud800", "events": [{"at": 1e400}, {"at": 5}]}"#,
        )
        .expect("a well-formed body");
        let mut e = FieldErrors::new();
        assert_eq!(f.text("title", &mut e).as_deref(), Some("A"));
        assert_eq!(f.int("radius", &mut e), None);
        assert_eq!(f.text("notes", &mut e), None);
        let failed: Vec<String> = e.into_vec().into_iter().map(|x| x.field).collect();
        assert_eq!(failed, vec!["radius", "notes"]);
        // Inside a list only the piece that does not read is lost.
        let events = f.raw("events").and_then(Value::as_array).expect("events");
        assert!(events[0]["at"].get(UNREADABLE).is_some());
        assert_eq!(events[1]["at"], 5);
        assert!(Fields::from_body(&HeaderMap::new(), br#"{"radius": 1e309,}"#).is_err());
    }

    #[test]
    fn malformed_json_is_refused() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert!(Fields::from_body(&h, b"{\"a\": 1,}").is_err());
        assert!(Fields::from_body(&h, b"[1]").is_err());
        assert!(
            Fields::from_body(&h, b"  ")
                .expect("empty")
                .raw("a")
                .is_none()
        );
    }
}
