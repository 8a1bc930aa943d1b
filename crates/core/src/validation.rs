//! The validation vocabulary of the contract: per-field codes 8002–8010, a collector
//! that keeps every failing field, and the shared field rules (email, names, dates).

use chrono::NaiveDate;

/// A per-field validation code (CONTRACT.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldCode {
    Required = 8002,
    InvalidValue = 8003,
    UnknownReference = 8004,
    NotSettable = 8005,
    InvalidRole = 8006,
    InvalidEmail = 8007,
    AlreadyExists = 8008,
    DateFormat = 8009,
    DateTooEarly = 8010,
}

impl FieldCode {
    pub fn code(self) -> u16 {
        self as u16
    }
}

/// Why a value was refused, in enough detail for a message that names the limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Nothing more to say than the code.
    Plain,
    TooShort(usize),
    TooLong(usize),
    OneOf(Vec<String>),
    /// The field must not be before the named other field.
    NotBefore(String),
    /// The value must lie between these two, both included (dates, numbers).
    Between(String, String),
    /// A list holds more than this many items.
    TooManyItems(usize),
    /// A rule of the field's own, named so that each door words it in the caller's
    /// language (the API: `crates/api/src/i18n.rs`).
    Rule(Rule),
}

/// The rules a value can break beyond the codes' own meaning, each with what its
/// message names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Names and titles: letters, digits, space and ' ` _ ( ) & - № , . ʻ ʼ ‘ ’ only.
    NameCharacters,
    /// These ids are not objects of the company.
    NotInCompany(Vec<i64>),
    /// A re-hire's first day must come after the last day employed.
    AfterLastDayEmployed,
    /// A role 1..4 needs a login (`username`).
    RoleNeedsLogin,
    /// A password needs a login (`username`).
    PasswordNeedsLogin,
    /// Only roles 2..4 oversee departments.
    OnlyOverseeingRolesHaveDepartments,
    /// Only administrators grant roles 1..4.
    OnlyAdminsGrantRoles,
    /// An hourly time-off ends after its start, on the same local day.
    HourlyWithinOneDay,
    /// At most this many minutes ahead of the server's clock.
    AheadOfServerClock { minutes: i64 },
    /// Clocking oneself, at most this many hours back.
    TooFarBack { hours: i64 },
    /// Outside the location's radius of this many metres.
    OutsideRadius { metres: i64 },
    /// The request did not come from the location's address.
    NotLocationAddress,
    /// The employee may not clock at this location (a kiosk's).
    NotAllowedHere,
    /// The employee is not employed now (dismissed).
    NotEmployed,
    /// The company stores face templates only with the employee's recorded consent.
    NoBiometricConsent,
    /// A webhook URL whose host resolves to a loopback or private address.
    PrivateAddress,
    /// Not a decimal number.
    NotADecimal,
    /// A negative amount.
    NegativeAmount,
    /// More than two decimals.
    TooManyDecimals,
    /// More than 999,999,999,999.99.
    AmountTooLarge,
    /// A password-reset token that is unknown, used or expired.
    ResetTokenUnusable,
    /// A payroll rule or fine that is not active.
    Inactive,
    /// A department under itself or below it.
    DepartmentCycle,
    /// Not an IANA time zone name.
    UnknownTimeZone,
    /// A radius in metres from 0 to this.
    RadiusRange { max: i64 },
    /// A coordinate from -limit to limit degrees.
    CoordinateRange { limit: i64 },
    /// An image as a file or in base64.
    FileOrBase64,
    /// An image that is neither JPEG nor PNG.
    ImageFormat,
    /// An image whose data is damaged.
    ImageDamaged,
    /// An image file larger than `max` bytes (this one: `bytes`).
    ImageTooLarge { max: usize, bytes: usize },
    /// An image with a side shorter than `min` pixels.
    ImageTooSmall { min: u32, width: u32, height: u32 },
    /// An image with a side longer than `max` pixels.
    ImageTooBig { max: u32, width: u32, height: u32 },
    /// Minutes from 0 to this.
    MinutesRange { max: i64 },
    /// A time of day as `HH:MM`.
    TimeOfDayFormat,
    /// A lunch window or lunch minutes, not both.
    LunchWindowOrMinutes,
    /// The lunch must lie within the shift.
    LunchWithinShift,
    /// A weekday from 1 (Monday) to 7 (Sunday).
    Weekday,
    /// A shift cannot end when it starts.
    ShiftEndsWhenItStarts,
    /// A floating day takes lunch minutes, not a window.
    FloatingDayLunchMinutes,
    /// A cycle of 1 to this many days.
    CycleDays { max: usize },
    /// At least one working day.
    NoWorkingDay,
    /// Digits only (0-9), from `min` to `max` of them (an employee's PIN code).
    Digits { min: usize, max: usize },
}

/// One failing field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: FieldCode,
    pub reason: Reason,
}

/// Collects every failing field of one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, code: FieldCode, reason: Reason) {
        // One entry per field: the first failure found for a field is the one reported.
        if !self.0.iter().any(|e| e.field == field) {
            self.0.push(FieldError {
                field: field.to_string(),
                code,
                reason,
            });
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(())` when nothing failed, else every failure.
    pub fn finish(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

/// A pragmatic email check: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && s.len() <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The character rule for names and titles (CONTRACT.md §5): letters of any script,
/// digits, space, ' ` _ ( ) & - № , . and the Uzbek apostrophes ʻ ʼ ‘ ’.
pub fn is_valid_name_text(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_alphabetic() || c.is_numeric() || c == ' ' || "'`_()&-№,.ʻʼ‘’".contains(c))
}

/// The first day a date field accepts (CONTRACT.md §1, docs/decisions.md "Dates").
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
/// The last day a date field accepts.
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// True for a date davomat stores: from [`FIRST_DATE`] to [`LAST_DATE`].
pub fn is_supported_date(date: NaiveDate) -> bool {
    (FIRST_DATE..=LAST_DATE).contains(&date)
}

/// `date` when davomat stores it; otherwise records 8003 on `field` naming the window
/// ([`FIRST_DATE`]..=[`LAST_DATE`]) and answers `None`.
pub fn supported_date(field: &str, date: NaiveDate, errors: &mut FieldErrors) -> Option<NaiveDate> {
    if is_supported_date(date) {
        return Some(date);
    }
    errors.add(
        field,
        FieldCode::InvalidValue,
        Reason::Between(FIRST_DATE.to_string(), LAST_DATE.to_string()),
    );
    None
}

/// The number written by ASCII digits only (no sign, no space), as `u32`.
fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 {
        return None;
    }
    bytes.iter().try_fold(0u32, |number, &b| {
        b.is_ascii_digit()
            .then(|| number * 10 + u32::from(b - b'0'))
    })
}

/// A `YYYY-MM-DD` date from exactly ten bytes.
fn date_of(bytes: &[u8]) -> Option<NaiveDate> {
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&bytes[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&bytes[5..7])?, digits(&bytes[8..])?)
}

/// Parses a `YYYY-MM-DD` date strictly: four, two and two ASCII digits. Works on bytes,
/// so any text (non-ASCII included) is simply refused.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    date_of(s.as_bytes())
}

/// A local wall-clock time as written in a body: `YYYY-MM-DD HH:MM:SS` (also with a
/// `T`, or without seconds), as its date and the seconds after its midnight. Surrounding
/// spaces are ignored; any other text is `None`.
pub fn parse_local_date_time(s: &str) -> Option<(NaiveDate, i64)> {
    let bytes = s.trim().as_bytes();
    if bytes.len() != 16 && bytes.len() != 19 {
        return None;
    }
    let date = date_of(&bytes[..10])?;
    if bytes[10] != b' ' && bytes[10] != b'T' || bytes[13] != b':' {
        return None;
    }
    let (h, m) = (digits(&bytes[11..13])?, digits(&bytes[14..16])?);
    let sec = match bytes.get(16) {
        None => 0,
        Some(b':') => digits(&bytes[17..])?,
        Some(_) => return None,
    };
    (h < 24 && m < 60 && sec < 60).then_some((date, i64::from(h * 3600 + m * 60 + sec)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_date_times() {
        let day = NaiveDate::from_ymd_opt(2025, 3, 4);
        assert_eq!(
            parse_local_date_time("2025-03-04 09:05:07"),
            day.map(|d| (d, 32707))
        );
        assert_eq!(
            parse_local_date_time("2025-03-04T09:05"),
            day.map(|d| (d, 32700))
        );
        assert_eq!(parse_local_date_time("2025-03-04 24:00:00"), None);
        assert_eq!(parse_local_date_time("2025-03-04"), None);
        assert_eq!(parse_local_date_time("2025-03-04 9:05:07"), None);
        assert_eq!(parse_local_date_time("2025-01-0Ω 10:00:00"), None);
        assert_eq!(parse_local_date_time("2025-03-04 09:05:0Ω"), None);
        assert_eq!(parse_local_date_time("2025-03-04 +9:05:07"), None);
        assert_eq!(
            parse_local_date_time(" 2025-03-04 09:05 "),
            day.map(|d| (d, 32700))
        );
    }

    #[test]
    fn emails() {
        assert!(is_valid_email("youremail@gmail.com"));
        assert!(is_valid_email("a.b+c@sub.example.uz"));
        assert!(!is_valid_email("youremail@.com"));
        assert!(!is_valid_email("no-at-sign"));
        assert!(!is_valid_email("a@b"));
        assert!(!is_valid_email("a b@c.d"));
        assert!(!is_valid_email("a@b@c.d"));
    }

    #[test]
    fn names() {
        assert!(is_valid_name_text("Oʻrinboyev Gʻayrat"));
        assert!(is_valid_name_text(
            "Отдел № 5 (склад), ООО «A»"
                .replace(['«', '»'], "")
                .as_str()
        ));
        assert!(!is_valid_name_text("<script>"));
        assert!(!is_valid_name_text("a@b"));
    }

    #[test]
    fn dates() {
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2024-2-9").is_none());
        assert!(parse_date("29.02.2024").is_none());
        assert!(parse_date("+024-02-09").is_none());
        assert!(parse_date("2024-0Ω-1").is_none());
        assert!(parse_date("0000-01-01").is_some_and(|d| !is_supported_date(d)));
        assert!(parse_date("2100-12-31").is_some_and(is_supported_date));
        assert!(parse_date("1899-12-31").is_some_and(|d| !is_supported_date(d)));
    }

    #[test]
    fn one_entry_per_field() {
        let mut errors = FieldErrors::new();
        errors.add("email", FieldCode::Required, Reason::Plain);
        errors.add("email", FieldCode::InvalidEmail, Reason::Plain);
        errors.add("password", FieldCode::InvalidValue, Reason::TooShort(8));
        let list = errors.into_vec();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].code, FieldCode::Required);
    }
}

/// Checks a name or title: `min..=max` characters (after trimming) of the name
/// character rule (CONTRACT.md §5); records 8003 with the broken limit.
pub fn check_title(field: &str, value: &str, min: usize, max: usize, errors: &mut FieldErrors) {
    let length = value.trim().chars().count();
    if length < min {
        errors.add(field, FieldCode::InvalidValue, Reason::TooShort(min));
    } else if length > max {
        errors.add(field, FieldCode::InvalidValue, Reason::TooLong(max));
    } else if !is_valid_name_text(value) {
        errors.add(
            field,
            FieldCode::InvalidValue,
            Reason::Rule(Rule::NameCharacters),
        );
    }
}

#[cfg(test)]
mod title_tests {
    use super::*;

    #[test]
    fn titles_are_checked_for_length_then_characters() {
        let mut errors = FieldErrors::new();
        check_title("a", "", 1, 200, &mut errors);
        check_title("b", &"x".repeat(201), 1, 200, &mut errors);
        check_title("c", "Склад <1>", 1, 200, &mut errors);
        check_title("d", "Oʻquv markazi № 2", 1, 200, &mut errors);
        let list = errors.into_vec();
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].reason, Reason::TooShort(1));
        assert_eq!(list[1].reason, Reason::TooLong(200));
        assert_eq!(list[2].field, "c");
    }
}
