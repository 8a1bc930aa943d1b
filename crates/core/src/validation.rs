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
    /// A free-form explanation (kept short and in English; the code carries the meaning).
    Note(String),
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

/// Parses a `YYYY-MM-DD` date strictly.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let bytes = s.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A local wall-clock time as written in a body: `YYYY-MM-DD HH:MM:SS` (also with a
/// `T`, or without seconds), as its date and the seconds after its midnight.
pub fn parse_local_date_time(s: &str) -> Option<(NaiveDate, i64)> {
    let s = s.trim();
    if s.len() < 16 {
        return None;
    }
    let (date, time) = s.split_at(10);
    let date = parse_date(date)?;
    let time = time.strip_prefix(' ').or_else(|| time.strip_prefix('T'))?;
    let parts: Vec<&str> = time.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.len() != 2) {
        return None;
    }
    let number = |p: &str| p.parse::<i64>().ok();
    let (h, m) = (number(parts[0])?, number(parts[1])?);
    let sec = match parts.get(2) {
        Some(p) => number(p)?,
        None => 0,
    };
    (h < 24 && m < 60 && sec < 60).then_some((date, h * 3600 + m * 60 + sec))
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
            Reason::Note("letters, digits, space and ' ` _ ( ) & - № , . only".into()),
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
