//! A field of a request as a door read it from its wire format, before the use case
//! checks it: absent, a value, or something of the wrong type (the door cannot tell
//! more). The use case turns these into the contract's field errors, together with its
//! own, so that every failing field is reported at once.

use chrono::NaiveDate;
use davomat_core::LocationId;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, parse_date, supported_date};

/// One field as sent.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Sent<T> {
    /// Not sent, null, or (for text) empty: "not set" (CONTRACT.md §1).
    #[default]
    Absent,
    Value(T),
    /// Sent with a type the field cannot take (8003).
    Unreadable,
}

impl<T> Sent<T> {
    /// The value of a field that must be there: 8002 when absent, 8003 when unreadable.
    pub fn required(self, name: &str, errors: &mut FieldErrors) -> Option<T> {
        match self {
            Sent::Value(value) => Some(value),
            Sent::Absent => {
                errors.add(name, FieldCode::Required, Reason::Plain);
                None
            }
            Sent::Unreadable => {
                errors.add(name, FieldCode::InvalidValue, Reason::Plain);
                None
            }
        }
    }

    /// The value of an optional field (`None` when absent): 8003 when unreadable.
    pub fn optional(self, name: &str, errors: &mut FieldErrors) -> Option<T> {
        match self {
            Sent::Value(value) => Some(value),
            Sent::Absent => None,
            Sent::Unreadable => {
                errors.add(name, FieldCode::InvalidValue, Reason::Plain);
                None
            }
        }
    }
}

impl Sent<String> {
    /// A `YYYY-MM-DD` date that must be there: 8002 when absent, 8003 when unreadable or
    /// outside the dates davomat stores, 8009 on any other shape.
    pub fn required_date(self, name: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
        if self == Sent::Absent {
            errors.add(name, FieldCode::Required, Reason::Plain);
            return None;
        }
        self.optional_date(name, errors)
    }

    /// An optional `YYYY-MM-DD` date (`None` when absent): 8003 when unreadable or outside
    /// the dates davomat stores, 8009 on any other shape.
    pub fn optional_date(self, name: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
        let text = self.optional(name, errors)?;
        match parse_date(text.trim()) {
            Some(date) => supported_date(name, date, errors),
            None => {
                errors.add(name, FieldCode::DateFormat, Reason::Plain);
                None
            }
        }
    }
}

/// The locations a request names: every location of the company (`"*"`) or these ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Locations {
    All,
    Ids(Vec<LocationId>),
}

/// How a field of a request is read from the value a client sent, with Workly's
/// leniency (CONTRACT.md §1): numbers as strings, strings as numbers, id lists as
/// comma-separated text. Never fails: what cannot be read is [`Sent::Unreadable`], and
/// the use case reports it with the request's other field errors.
pub trait FromSent: Sized {
    fn from_sent(value: &serde_json::Value) -> Sent<Self>;
}

impl FromSent for String {
    /// A string (empty or blank is not set) or a number's decimal text.
    fn from_sent(value: &serde_json::Value) -> Sent<Self> {
        use serde_json::Value;
        match value {
            Value::Null => Sent::Absent,
            Value::String(s) if s.trim().is_empty() => Sent::Absent,
            Value::String(s) => Sent::Value(s.clone()),
            Value::Number(n) => Sent::Value(n.to_string()),
            _ => Sent::Unreadable,
        }
    }
}

impl FromSent for i64 {
    /// A number or a numeric string (empty is not set).
    fn from_sent(value: &serde_json::Value) -> Sent<Self> {
        use serde_json::Value;
        match value {
            Value::Null => Sent::Absent,
            Value::Number(n) => n.as_i64().map_or(Sent::Unreadable, Sent::Value),
            Value::String(s) if s.trim().is_empty() => Sent::Absent,
            Value::String(s) => s.trim().parse().map_or(Sent::Unreadable, Sent::Value),
            _ => Sent::Unreadable,
        }
    }
}

impl FromSent for bool {
    /// true/false, 0/1, or their text (`"true"`, `"0"`, trimmed, any case); empty or
    /// blank is not set.
    fn from_sent(value: &serde_json::Value) -> Sent<Self> {
        use serde_json::Value;
        let read = match value {
            Value::Null => return Sent::Absent,
            Value::String(s) if s.trim().is_empty() => return Sent::Absent,
            Value::Bool(b) => Some(*b),
            Value::Number(n) => match n.as_i64() {
                Some(0) => Some(false),
                Some(1) => Some(true),
                _ => None,
            },
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        };
        read.map_or(Sent::Unreadable, Sent::Value)
    }
}

impl FromSent for Vec<i64> {
    /// A JSON array of numbers or numeric strings, `"1,2,3"`, or one number.
    fn from_sent(value: &serde_json::Value) -> Sent<Self> {
        match value {
            serde_json::Value::Null => Sent::Absent,
            value => ids_of(value).map_or(Sent::Unreadable, Sent::Value),
        }
    }
}

impl FromSent for Vec<String> {
    /// A JSON array of strings, or one string of comma-separated names (as a form sends
    /// it); blank names are dropped.
    fn from_sent(value: &serde_json::Value) -> Sent<Self> {
        use serde_json::Value;
        let names: Option<Vec<String>> = match value {
            Value::Null => return Sent::Absent,
            Value::String(s) => Some(s.split(',').map(str::to_string).collect()),
            Value::Array(items) => items.iter().map(|i| i.as_str().map(String::from)).collect(),
            _ => None,
        };
        match names {
            Some(names) => Sent::Value(
                names
                    .into_iter()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect(),
            ),
            None => Sent::Unreadable,
        }
    }
}

impl FromSent for Locations {
    /// `"*"` (or `["*"]`) for every location of the company, else a list of ids.
    fn from_sent(value: &serde_json::Value) -> Sent<Self> {
        use serde_json::Value;
        match value {
            Value::String(s) if s.trim() == "*" => Sent::Value(Locations::All),
            Value::Array(items)
                if items.len() == 1 && items[0].as_str().is_some_and(|s| s.trim() == "*") =>
            {
                Sent::Value(Locations::All)
            }
            value => Vec::<i64>::from_sent(value)
                .map(|ids| Locations::Ids(ids.into_iter().map(LocationId).collect())),
        }
    }
}

impl<T> Sent<T> {
    /// The value, when one was sent and read (nothing is reported otherwise): for the
    /// fields whose absence the use case answers in its own way (a login's credentials).
    pub fn value(self) -> Option<T> {
        match self {
            Sent::Value(value) => Some(value),
            Sent::Absent | Sent::Unreadable => None,
        }
    }

    /// The same field with its value converted.
    pub fn map<U>(self, convert: impl FnOnce(T) -> U) -> Sent<U> {
        match self {
            Sent::Absent => Sent::Absent,
            Sent::Value(value) => Sent::Value(convert(value)),
            Sent::Unreadable => Sent::Unreadable,
        }
    }
}

/// A list of ids: a JSON array of numbers or numeric strings, `"1,2,3"` (blank parts
/// skipped), or one number; `None` when any part is not an id.
pub fn ids_of(value: &serde_json::Value) -> Option<Vec<i64>> {
    use serde_json::Value;
    let id = |item: &Value| match item {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match value {
        Value::Array(items) => items.iter().map(id).collect(),
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| part.parse::<i64>().ok())
            .collect(),
        Value::Number(_) => id(value).map(|id| vec![id]),
        _ => None,
    }
}

/// A request field read with [`FromSent`]. Deserialising one never fails, and a field
/// the request leaves out is [`Sent::Absent`] (serde asks a missing field for
/// `deserialize_option`'s none), so a request struct of them reads from any JSON
/// object, unknown fields ignored, without `#[serde(default)]`.
impl<'de, T: FromSent> serde::Deserialize<'de> for Sent<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_option(SentVisitor(std::marker::PhantomData))
    }
}

struct SentVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: FromSent> serde::de::Visitor<'de> for SentVisitor<T> {
    type Value = Sent<T>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any value")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Sent::Absent)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Sent::Absent)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, value: D) -> Result<Self::Value, D::Error> {
        use serde::Deserialize;
        let value = serde_json::Value::deserialize(value)?;
        Ok(T::from_sent(&value))
    }
}

/// Text exactly as sent: an empty string is a value (it clears the field), only null
/// or a missing field is not set; a number is its decimal text. For a request field:
/// `#[serde(default, deserialize_with = "verbatim")]`.
pub fn verbatim<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Sent<String>, D::Error> {
    use serde::Deserialize;
    use serde_json::Value;
    Ok(match Value::deserialize(deserializer)? {
        Value::Null => Sent::Absent,
        Value::String(s) => Sent::Value(s),
        Value::Number(n) => Sent::Value(n.to_string()),
        _ => Sent::Unreadable,
    })
}

/// A secret (a password) as typed, spaces included; only an empty string is not set.
/// For a request field: `#[serde(default, deserialize_with = "secret")]`.
pub fn secret<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Sent<String>, D::Error> {
    use serde::Deserialize;
    use serde_json::Value;
    Ok(match Value::deserialize(deserializer)? {
        Value::Null => Sent::Absent,
        Value::String(s) if s.is_empty() => Sent::Absent,
        Value::String(s) => Sent::Value(s),
        Value::Number(n) => Sent::Value(n.to_string()),
        _ => Sent::Unreadable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Deserialize, Debug)]
    struct Request {
        title: Sent<String>,
        count: Sent<i64>,
        ids: Sent<Vec<i64>>,
        locations: Sent<Locations>,
        #[serde(default, deserialize_with = "secret")]
        password: Sent<String>,
        #[serde(default)]
        flag: Sent<bool>,
    }

    fn read(value: serde_json::Value) -> Request {
        serde_json::from_value(value).expect("a request of Sent fields reads from any object")
    }

    #[test]
    fn absent_null_and_blank_are_not_set() {
        let request = read(json!({"title": null, "count": "", "unknown": [1, {"x": 2}]}));
        assert_eq!(request.title, Sent::Absent);
        assert_eq!(request.count, Sent::Absent);
        assert_eq!(request.ids, Sent::Absent);
        assert_eq!(request.locations, Sent::Absent);
        assert_eq!(request.password, Sent::Absent);
        assert_eq!(read(json!({"title": "  "})).title, Sent::Absent);
    }

    #[test]
    fn a_flag_reads_booleans_zero_one_and_their_text() {
        let flag = |value| read(json!({ "flag": value })).flag;
        assert_eq!(flag(json!(true)), Sent::Value(true));
        assert_eq!(flag(json!(0)), Sent::Value(false));
        assert_eq!(flag(json!(" TRUE ")), Sent::Value(true));
        assert_eq!(flag(json!("0")), Sent::Value(false));
        assert_eq!(flag(json!("")), Sent::Absent);
        assert_eq!(flag(json!(null)), Sent::Absent);
        assert_eq!(flag(json!(2)), Sent::Unreadable);
        assert_eq!(flag(json!("yes")), Sent::Unreadable);
        assert_eq!(flag(json!([true])), Sent::Unreadable);
    }

    #[test]
    fn workly_leniency_reads_numbers_as_text_and_text_as_numbers() {
        let request = read(json!({
            "title": 42, "count": " 7 ", "ids": "1, 2,,3", "locations": ["*"], "password": " a "
        }));
        assert_eq!(request.title, Sent::Value("42".to_string()));
        assert_eq!(request.count, Sent::Value(7));
        assert_eq!(request.ids, Sent::Value(vec![1, 2, 3]));
        assert_eq!(request.locations, Sent::Value(Locations::All));
        assert_eq!(request.password, Sent::Value(" a ".to_string()));
        assert_eq!(
            read(json!({"locations": [4, "5"]})).locations,
            Sent::Value(Locations::Ids(vec![LocationId(4), LocationId(5)]))
        );
    }

    #[test]
    fn a_value_of_the_wrong_type_is_unreadable_not_a_failure() {
        let request = read(json!({
            "title": {"a": 1}, "count": 1.5, "ids": [1, "x"], "locations": true, "password": []
        }));
        assert_eq!(request.title, Sent::Unreadable);
        assert_eq!(request.count, Sent::Unreadable);
        assert_eq!(request.ids, Sent::Unreadable);
        assert_eq!(request.locations, Sent::Unreadable);
        assert_eq!(request.password, Sent::Unreadable);
    }
}
