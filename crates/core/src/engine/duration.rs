//! Formatting durations and instants the way the API shows them (SEMANTICS.md §7):
//! `HH:MM` and `HH:MM:SS` with unbounded hours, a sign only when the result is not
//! all zeros, and minutes truncated toward zero.

use crate::zone::CompanyZone;

/// `sign + pad2(h) + ":" + pad2(m)`, truncated toward zero ("768:27", "-09:00").
pub fn hh_mm(seconds: i64) -> String {
    let magnitude = seconds.unsigned_abs();
    let (hours, minutes) = (magnitude / 3600, magnitude / 60 % 60);
    let sign = if seconds < 0 && (hours, minutes) != (0, 0) {
        "-"
    } else {
        ""
    };
    format!("{sign}{hours:02}:{minutes:02}")
}

/// `hh_mm` with `:ss` appended ("881:43:00", "-00:00:59").
pub fn hh_mm_ss(seconds: i64) -> String {
    let magnitude = seconds.unsigned_abs();
    let sign = if seconds < 0 { "-" } else { "" };
    format!(
        "{sign}{:02}:{:02}:{:02}",
        magnitude / 3600,
        magnitude / 60 % 60,
        magnitude % 60
    )
}

/// The `*_minute` fields: seconds / 60 truncated toward zero.
pub fn minutes(seconds: i64) -> i64 {
    seconds / 60
}

/// An optional duration as `HH:MM`, `None` staying `null`.
pub fn hh_mm_opt(seconds: Option<i64>) -> Option<String> {
    seconds.map(hh_mm)
}

/// The local wall-clock `HH:MM` of an instant (`first_in`, `last_out`).
pub fn local_hh_mm(zone: &CompanyZone, at: i64) -> String {
    let full = zone.format(at);
    full.get(11..16).unwrap_or_default().to_string()
}

/// The local `YYYY-MM-DD HH:MM:SS` of an instant (`start_time`, `first_time`).
pub fn local_date_time(zone: &CompanyZone, at: i64) -> String {
    zone.format(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_follow_the_e20_table() {
        let table: [(i64, &str, &str, i64); 6] = [
            (2_766_420, "768:27", "768:27:00", 46_107),
            (-32_400, "-09:00", "-09:00:00", -540),
            (59, "00:00", "00:00:59", 0),
            (-59, "00:00", "-00:00:59", 0),
            (3_620_868, "1005:47", "1005:47:48", 60_347),
            (414_770_400, "115214:00", "115214:00:00", 6_912_840),
        ];
        for (seconds, short, long, whole_minutes) in table {
            assert_eq!(hh_mm(seconds), short, "{seconds}");
            assert_eq!(hh_mm_ss(seconds), long, "{seconds}");
            assert_eq!(minutes(seconds), whole_minutes, "{seconds}");
        }
    }

    #[test]
    fn extremes_do_not_overflow() {
        assert_eq!(hh_mm(0), "00:00");
        assert_eq!(hh_mm(-60), "-00:01");
        assert!(hh_mm(i64::MIN).starts_with('-'));
        assert!(hh_mm_ss(i64::MIN).starts_with('-'));
        assert_eq!(hh_mm_opt(None), None);
    }

    #[test]
    fn instants_show_the_company_wall_clock() {
        let zone = CompanyZone::named("Asia/Tashkent").expect("zone");
        // 2025-03-03 04:55 UTC is 09:55 in Tashkent.
        assert_eq!(local_hh_mm(&zone, 1_740_977_700), "09:55");
        assert_eq!(local_date_time(&zone, 1_740_977_700), "2025-03-03 09:55:00");
    }
}
