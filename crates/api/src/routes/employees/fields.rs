//! The field readers that hiring (`POST /v1/employees`) and editing
//! (`PUT /v1/employees/{id}`) share: names, text, gender, notes, dates, locations, and
//! the check of referenced ids against the company. Every reader records its failures
//! in a [`FieldErrors`] so that all failing fields are reported at once.

use chrono::NaiveDate;
use davomat_core::validation::{FIRST_DATE, FieldCode, FieldErrors, Reason, check_title};
use davomat_store::DatabaseTransaction;
use davomat_store::employees::create::{self as store, Reference};
use serde_json::Value;

use crate::caller::Caller;
use crate::error::ApiResult;
use crate::input::Fields;

/// Name length limits of the reference.
pub const NAME_MIN: usize = 3;
pub const NAME_MAX: usize = 70;
pub const PHONE_MAX: usize = 200;
pub const ADDRESS_MAX: usize = 255;
pub const CODE_MAX: usize = 255;

/// Which locations the employee is linked to.
pub enum Locations {
    All,
    Ids(Vec<i64>),
}

/// An integer field that must be present (8002 when absent or empty).
pub fn required_int(fields: &Fields, name: &str, errors: &mut FieldErrors) -> Option<i64> {
    let value = fields.int(name, errors);
    if value.is_none() && !errors.has(name) {
        errors.add(name, FieldCode::Required, Reason::Plain);
    }
    value
}

/// A date field that must be present (8002 when absent or empty, 8009 when malformed).
pub fn required_date(fields: &Fields, name: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let value = fields.date(name, errors);
    if value.is_none() && !errors.has(name) {
        errors.add(name, FieldCode::Required, Reason::Plain);
    }
    value
}

/// An optional birth date: a date (8009) from 1900-01-01 up to today (8003 naming the
/// window): nobody is born in the future.
pub fn birth_date(
    fields: &Fields,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    let date = fields.date("birth_date", errors)?;
    if date > today {
        errors.add(
            "birth_date",
            FieldCode::InvalidValue,
            Reason::Between(FIRST_DATE.to_string(), today.to_string()),
        );
        return None;
    }
    Some(date)
}

/// An optional text field, trimmed; `""` when absent; at most `max` characters.
pub fn optional_text(fields: &Fields, name: &str, max: usize, errors: &mut FieldErrors) -> String {
    let value = fields
        .text(name, errors)
        .map(|v| v.trim().to_string())
        .unwrap_or_default();
    if value.chars().count() > max {
        errors.add(name, FieldCode::InvalidValue, Reason::TooLong(max));
    }
    value
}

/// The first name: present, non-empty (8002) and of the name rule (8003).
pub fn first_name(fields: &Fields, errors: &mut FieldErrors) -> String {
    let value = fields
        .required_text("first_name", errors)
        .map(|v| v.trim().to_string())
        .unwrap_or_default();
    if !value.is_empty() {
        check_title("first_name", &value, NAME_MIN, NAME_MAX, errors);
    }
    value
}

/// An optional name part: `""` when absent or empty, else the name rule.
pub fn optional_name(fields: &Fields, name: &str, errors: &mut FieldErrors) -> String {
    let value = fields
        .text(name, errors)
        .map(|v| v.trim().to_string())
        .unwrap_or_default();
    if !value.is_empty() {
        check_title(name, &value, NAME_MIN, NAME_MAX, errors);
    }
    value
}

/// `gender`: `male` or `female`, case-insensitive, stored lowercase; empty = not set.
pub fn gender(fields: &Fields, errors: &mut FieldErrors) -> Option<String> {
    let gender = fields
        .text("gender", errors)
        .map(|g| g.trim().to_lowercase())
        .filter(|g| !g.is_empty());
    if gender
        .as_deref()
        .is_some_and(|g| g != "male" && g != "female")
    {
        errors.add(
            "gender",
            FieldCode::InvalidValue,
            Reason::OneOf(vec!["male".into(), "female".into()]),
        );
    }
    gender
}

/// True when the request carries `notes` or its alias `note`.
pub fn has_notes(fields: &Fields) -> bool {
    fields.contains("notes") || fields.contains("note")
}

/// `notes` (or `note`; `notes` wins when both are sent); empty = `None`.
pub fn notes(fields: &Fields, errors: &mut FieldErrors) -> Option<String> {
    let name = if fields.contains("notes") {
        "notes"
    } else {
        "note"
    };
    fields.text(name, errors).filter(|n| !n.trim().is_empty())
}

/// 8010 on `schedule_start_date` when it precedes `start_date`.
pub fn schedule_not_before_start(
    start_date: Option<NaiveDate>,
    schedule_start_date: Option<NaiveDate>,
    errors: &mut FieldErrors,
) {
    if let (Some(start), Some(schedule_start)) = (start_date, schedule_start_date)
        && schedule_start < start
    {
        errors.add(
            "schedule_start_date",
            FieldCode::DateTooEarly,
            Reason::NotBefore("start_date".into()),
        );
    }
}

/// `locations`: a list of ids, a comma-separated string, or `"*"` for all; empty or
/// absent is 8002.
pub fn locations(fields: &Fields, errors: &mut FieldErrors) -> Option<Locations> {
    let star = |v: &Value| v.as_str().is_some_and(|s| s.trim() == "*");
    match fields.raw("locations") {
        Some(v) if star(v) => return Some(Locations::All),
        Some(Value::Array(items)) if items.len() == 1 && star(&items[0]) => {
            return Some(Locations::All);
        }
        _ => {}
    }
    match fields.ids("locations", errors) {
        Some(ids) if !ids.is_empty() => Some(Locations::Ids(ids)),
        _ => {
            if !errors.has("locations") {
                errors.add("locations", FieldCode::Required, Reason::Plain);
            }
            None
        }
    }
}

/// Records 8004 on `field` when any of `ids` is not an object of the company.
pub async fn check_ids(
    conn: &DatabaseTransaction,
    caller: &Caller,
    field: &str,
    kind: Reference,
    ids: &[i64],
    errors: &mut FieldErrors,
) -> ApiResult<()> {
    if errors.has(field) || ids.is_empty() {
        return Ok(());
    }
    let unknown = store::unknown_ids(conn, caller.company_id, kind, ids).await?;
    if !unknown.is_empty() {
        let list = unknown
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        errors.add(
            field,
            FieldCode::UnknownReference,
            Reason::Note(format!("not in the company: {list}")),
        );
    }
    Ok(())
}
