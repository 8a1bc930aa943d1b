//! The rules of an employee's fields that hiring ([`crate::hiring`]) and editing share:
//! names, text, gender, notes, dates, locations, the PIN code, the check of referenced
//! ids against the company and of the codes unique in it (PIN, tab number). Every rule
//! records its failures in a [`FieldErrors`] so that all failing fields are reported at
//! once.

use chrono::NaiveDate;
use davomat_core::validation::{FIRST_DATE, FieldCode, FieldErrors, Reason, Rule, check_title};
use davomat_core::{CompanyId, EmployeeId};
use davomat_store::DatabaseTransaction;
use davomat_store::employees::create::{self as references, Code, Reference};

use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::AppResult;
use crate::request::{Locations, Sent};

/// Name length limits of the reference.
pub const NAME_MIN: usize = 3;
pub const NAME_MAX: usize = 70;

/// A PIN code's length limits, in digits (CONTRACT.md §9).
pub const PIN_MIN: usize = 4;
pub const PIN_MAX: usize = 10;

/// The employee's free-text fields, each with its length limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    TabNumber,
    HomeAddress,
    HomePhone,
    WorkPhone,
    MobilePhone,
    BankBook,
}

impl TextField {
    /// The field's name in requests and errors.
    pub fn name(self) -> &'static str {
        match self {
            TextField::TabNumber => "tab_number",
            TextField::HomeAddress => "home_address",
            TextField::HomePhone => "home_phone",
            TextField::WorkPhone => "work_phone",
            TextField::MobilePhone => "mobile_phone",
            TextField::BankBook => "bank_book",
        }
    }

    /// The most characters it takes.
    pub fn max(self) -> usize {
        match self {
            TextField::HomePhone | TextField::WorkPhone | TextField::MobilePhone => 200,
            TextField::TabNumber | TextField::HomeAddress | TextField::BankBook => 255,
        }
    }
}

/// An optional birth date: a date (8009) from 1900-01-01 up to today (8003 naming the
/// window): nobody is born in the future.
pub fn birth_date(
    sent: Sent<String>,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    let date = sent.optional_date("birth_date", errors)?;
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

/// An optional text field, trimmed; `""` when absent; at most its limit of characters.
pub fn text(sent: Sent<String>, field: TextField, errors: &mut FieldErrors) -> String {
    let (name, max) = (field.name(), field.max());
    let value = sent
        .optional(name, errors)
        .map(|v| v.trim().to_string())
        .unwrap_or_default();
    if value.chars().count() > max {
        errors.add(name, FieldCode::InvalidValue, Reason::TooLong(max));
    }
    value
}

/// A `pin_code` that was sent, trimmed: 4..10 ASCII digits, else 8003 and `None` (an
/// absent or empty one is the caller's to answer: generated on a hire, 8002 on an
/// edit). Kept as text, leading zeros included, since terminals match it as text.
pub fn pin_code(sent: &str, errors: &mut FieldErrors) -> Option<String> {
    let pin = sent.trim();
    if (PIN_MIN..=PIN_MAX).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        return Some(pin.to_string());
    }
    let digits = Rule::Digits {
        min: PIN_MIN,
        max: PIN_MAX,
    };
    errors.add(
        Code::Pin.column(),
        FieldCode::InvalidValue,
        Reason::Rule(digits),
    );
    None
}

/// The first name: present, non-empty (8002) and of the name rule (8003).
pub fn first_name(sent: Sent<String>, errors: &mut FieldErrors) -> String {
    let value = sent
        .required("first_name", errors)
        .map(|v| v.trim().to_string())
        .unwrap_or_default();
    if !value.is_empty() {
        check_title("first_name", &value, NAME_MIN, NAME_MAX, errors);
    }
    value
}

/// An optional name part: `""` when absent or empty, else the name rule.
pub fn optional_name(sent: Sent<String>, name: &str, errors: &mut FieldErrors) -> String {
    let value = sent
        .optional(name, errors)
        .map(|v| v.trim().to_string())
        .unwrap_or_default();
    if !value.is_empty() {
        check_title(name, &value, NAME_MIN, NAME_MAX, errors);
    }
    value
}

/// `gender`: `male` or `female`, case-insensitive, stored lowercase; empty = not set.
pub fn gender(sent: Sent<String>, errors: &mut FieldErrors) -> Option<String> {
    let gender = sent
        .optional("gender", errors)
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

/// Free-form notes (the field `name`: `notes` or its alias `note`), kept as sent;
/// empty = `None`.
pub fn notes(sent: Sent<String>, name: &str, errors: &mut FieldErrors) -> Option<String> {
    sent.optional(name, errors).filter(|n| !n.trim().is_empty())
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

/// A list of locations as sent: the ids as a JSON array (numbers or numeric strings) or
/// as comma-separated text, or `"*"` (also `["*"]`) for every location of the company.
// Only the document's description: the field itself is read as a `Sent<Locations>`.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
#[schema(as = LocationIds)]
pub enum LocationIdsShape {
    /// The locations' ids.
    Ids(Vec<i64>),
    /// `"1,2"`, or `"*"` for every location of the company.
    Text(String),
}

/// The employee's locations: all of them, or a non-empty list of ids; absent or an
/// empty list is 8002, unreadable 8003.
pub fn locations(sent: Sent<Locations>, errors: &mut FieldErrors) -> Option<Locations> {
    match sent.required("locations", errors)? {
        Locations::Ids(ids) if ids.is_empty() => {
            errors.add("locations", FieldCode::Required, Reason::Plain);
            None
        }
        locations => Some(locations),
    }
}

/// Records 8004 on `field`, naming them, when any of `ids` is not an object of the
/// company (nothing when the field has already failed or names nothing).
pub async fn check_ids<Id: Copy + Into<i64>>(
    conn: &DatabaseTransaction,
    company: CompanyId,
    field: &str,
    kind: Reference,
    ids: &[Id],
    errors: &mut FieldErrors,
) -> AppResult<()> {
    if errors.has(field) || ids.is_empty() {
        return Ok(());
    }
    let unknown = references::unknown_ids(conn, company, kind, ids).await?;
    if !unknown.is_empty() {
        errors.add(
            field,
            FieldCode::UnknownReference,
            Reason::Rule(Rule::NotInCompany(
                unknown.into_iter().map(Into::into).collect(),
            )),
        );
    }
    Ok(())
}

/// Records 8008 on the code's field when another employee of the company (any status;
/// `except` the one edited) holds `value` (nothing when it is empty or the field has
/// already failed).
pub async fn check_unique(
    conn: &DatabaseTransaction,
    company: CompanyId,
    code: Code,
    value: &str,
    except: Option<EmployeeId>,
    errors: &mut FieldErrors,
) -> AppResult<()> {
    let field = code.column();
    if value.is_empty() || errors.has(field) {
        return Ok(());
    }
    if references::code_taken(conn, company, code, value, except).await? {
        errors.add(field, FieldCode::AlreadyExists, Reason::Plain);
    }
    Ok(())
}
