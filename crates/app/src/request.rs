//! A field of a request as a door read it from its wire format, before the use case
//! checks it: absent, a value, or something of the wrong type (the door cannot tell
//! more). The use case turns these into the contract's field errors, together with its
//! own, so that every failing field is reported at once.

use chrono::NaiveDate;
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
    Ids(Vec<i64>),
}
