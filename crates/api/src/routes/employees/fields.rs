//! The field readers that editing (`PUT /v1/employees/{id}`) uses: each reads its
//! field as sent and applies the rule of `davomat_app::employee_fields`, the rules that
//! hiring (`davomat_app::hiring`) applies too. Every reader records its failures in a
//! [`FieldErrors`] so that all failing fields are reported at once.

use chrono::NaiveDate;
use davomat_app::employee_fields as rules;
use davomat_core::validation::FieldErrors;
use davomat_store::DatabaseTransaction;
use davomat_store::employees::create::Reference;

pub use davomat_app::Locations;
pub use davomat_app::employee_fields::{
    ADDRESS_MAX, CODE_MAX, PHONE_MAX, schedule_not_before_start,
};

use crate::caller::Caller;
use crate::error::ApiResult;
use crate::input::Fields;

/// An integer field that must be present (8002 when absent or empty).
pub fn required_int(fields: &Fields, name: &str, errors: &mut FieldErrors) -> Option<i64> {
    fields.sent_int(name).required(name, errors)
}

/// A date field that must be present (8002 when absent or empty, 8009 when malformed).
pub fn required_date(fields: &Fields, name: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    fields.sent_text(name).required_date(name, errors)
}

/// An optional birth date, up to today.
pub fn birth_date(
    fields: &Fields,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    rules::birth_date(fields.sent_text("birth_date"), today, errors)
}

/// An optional text field, trimmed; `""` when absent; at most `max` characters.
pub fn optional_text(fields: &Fields, name: &str, max: usize, errors: &mut FieldErrors) -> String {
    rules::optional_text(fields.sent_text(name), name, max, errors)
}

/// The first name: present, non-empty (8002) and of the name rule (8003).
pub fn first_name(fields: &Fields, errors: &mut FieldErrors) -> String {
    rules::first_name(fields.sent_text("first_name"), errors)
}

/// An optional name part: `""` when absent or empty, else the name rule.
pub fn optional_name(fields: &Fields, name: &str, errors: &mut FieldErrors) -> String {
    rules::optional_name(fields.sent_text(name), name, errors)
}

/// `gender`: `male` or `female`, case-insensitive.
pub fn gender(fields: &Fields, errors: &mut FieldErrors) -> Option<String> {
    rules::gender(fields.sent_text("gender"), errors)
}

/// True when the request carries `notes` or its alias `note`.
pub fn has_notes(fields: &Fields) -> bool {
    fields.contains("notes") || fields.contains("note")
}

/// The field that carries the notes: `notes`, or its alias `note` when only that is sent.
pub fn notes_name(fields: &Fields) -> &'static str {
    if !fields.contains("notes") && fields.contains("note") {
        "note"
    } else {
        "notes"
    }
}

/// `notes` (or `note`; `notes` wins when both are sent); empty = `None`.
pub fn notes(fields: &Fields, errors: &mut FieldErrors) -> Option<String> {
    let name = notes_name(fields);
    rules::notes(fields.sent_text(name), name, errors)
}

/// `locations`: a list of ids, a comma-separated string, or `"*"` for all; empty or
/// absent is 8002.
pub fn locations(fields: &Fields, errors: &mut FieldErrors) -> Option<Locations> {
    rules::locations(fields.sent_locations("locations"), errors)
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
    rules::check_ids(conn, caller.company_id, field, kind, ids, errors).await?;
    Ok(())
}
