//! Property tests of every text parser a request reaches — dates, local date-times,
//! clock times, amounts: arbitrary text (any Unicode, near-valid shapes with one
//! character swapped) never panics, and what is accepted prints back as it was written.

use davomat_core::money::{MAX_MINOR, parse_minor};
use davomat_core::schedule::ClockTime;
use davomat_core::validation::{parse_date, parse_local_date_time};
use proptest::prelude::*;

/// A valid date-time with one character replaced by any character (multi-byte ones
/// included): the shapes a byte-index slice would break on.
fn near_date_time() -> impl Strategy<Value = String> {
    (
        1900u32..2100,
        1u32..13,
        1u32..29,
        0u32..24,
        0u32..60,
        0u32..60,
        0usize..19,
        any::<char>(),
    )
        .prop_map(|(y, mo, d, h, mi, s, at, c)| {
            let text = format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}");
            text.chars()
                .enumerate()
                .map(|(i, original)| if i == at { c } else { original })
                .collect()
        })
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), near_date_time(), "[0-9:. T+,-]{0,24}"]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn dates_never_panic_and_print_back(text in any_text()) {
        if let Some(date) = parse_date(&text) {
            prop_assert_eq!(date.format("%Y-%m-%d").to_string(), text);
        }
    }

    #[test]
    fn date_times_never_panic_and_print_back(text in any_text()) {
        if let Some((date, seconds)) = parse_local_date_time(&text) {
            prop_assert!((0..86_400).contains(&seconds));
            let written = text.trim().replace('T', " ");
            let printed = format!(
                "{} {:02}:{:02}:{:02}",
                date.format("%Y-%m-%d"),
                seconds / 3600,
                seconds / 60 % 60,
                seconds % 60
            );
            prop_assert!(
                printed == written || printed == format!("{written}:00"),
                "{} read as {}", text, printed
            );
        }
    }

    #[test]
    fn clock_times_never_panic_and_print_back(text in any_text()) {
        if let Some(time) = ClockTime::parse(&text) {
            prop_assert_eq!(String::from(time), text.trim());
        }
    }

    #[test]
    fn amounts_never_panic_and_stay_in_range(text in any_text()) {
        if let Ok(minor) = parse_minor(&text) {
            prop_assert!((0..=MAX_MINOR).contains(&minor));
        }
    }
}

#[test]
fn near_valid_shapes_are_refused_not_sliced() {
    assert_eq!(parse_local_date_time("2025-01-0Ω 10:00:00"), None);
    assert_eq!(parse_local_date_time("2025-01-01 1Ω:00:00"), None);
    assert_eq!(parse_date("2025-01-Ω"), None);
    assert_eq!(ClockTime::parse("1Ω:00"), None);
    assert!(parse_minor("1.€").is_err());
}
