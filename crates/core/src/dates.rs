//! Calendar dates between the edges and the domain: the engine and the company zone
//! work on jiff's [`Date`]; store rows and API types keep chrono's `NaiveDate`
//! (sea-orm and utoipa speak chrono). These two functions are the only crossing.

use chrono::{Datelike, NaiveDate};

pub use jiff::civil::Date;

/// The domain date of a stored or requested one. jiff holds the years −9999..=9999,
/// chrono more: a date beyond jiff's range becomes [`Date::MIN`] or [`Date::MAX`]
/// (dates davomat accepts, 1900–2100, never do). Saturating keeps the order, so a
/// comparison with any date jiff holds answers as before.
pub fn civil(date: NaiveDate) -> Date {
    let fields = (
        i16::try_from(date.year()),
        i8::try_from(date.month()),
        i8::try_from(date.day()),
    );
    let civil = match fields {
        (Ok(year), Ok(month), Ok(day)) => Date::new(year, month, day).ok(),
        _ => None,
    };
    civil.unwrap_or(if date.year() < 0 {
        Date::MIN
    } else {
        Date::MAX
    })
}

/// The stored or shown date of a domain one; exact, since chrono holds every date
/// jiff does.
pub fn naive(date: Date) -> NaiveDate {
    NaiveDate::from_ymd_opt(
        i32::from(date.year()),
        date.month().unsigned_abs().into(),
        date.day().unsigned_abs().into(),
    )
    // Not reached: jiff's years −9999..=9999 are inside chrono's range.
    .unwrap_or_default()
}

/// An instant as UTC text, `YYYY-MM-DDTHH:MM:SSZ` (empty outside chrono's range).
pub fn utc_text(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrono_date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("a chrono date")
    }

    #[test]
    fn dates_cross_both_ways_unchanged() {
        for (year, month, day) in [
            (2025, 3, 4),
            (2024, 2, 29),
            (1900, 1, 1),
            (2100, 12, 31),
            (0, 1, 1),
            (-9999, 1, 1),
            (9999, 12, 31),
        ] {
            let stored = chrono_date(year, month, day);
            let domain = civil(stored);
            assert_eq!(
                (
                    i32::from(domain.year()),
                    domain.month() as u32,
                    domain.day() as u32
                ),
                (year, month, day)
            );
            assert_eq!(naive(domain), stored);
        }
        assert_eq!(naive(Date::MIN), chrono_date(-9999, 1, 1));
        assert_eq!(naive(Date::MAX), chrono_date(9999, 12, 31));
    }

    #[test]
    fn dates_beyond_jiff_saturate_in_order() {
        assert_eq!(civil(chrono_date(10_000, 1, 1)), Date::MAX);
        assert_eq!(civil(NaiveDate::MAX), Date::MAX);
        assert_eq!(civil(chrono_date(-10_000, 12, 31)), Date::MIN);
        assert_eq!(civil(NaiveDate::MIN), Date::MIN);
    }
}
