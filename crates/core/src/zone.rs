//! Company time zones: turning local dates into UTC instants and instants into the
//! local `YYYY-MM-DD HH:MM:SS` the API shows.

use chrono::{Datelike, NaiveDate};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The zone a company works in (default `Asia/Tashkent`).
#[derive(Clone, Debug)]
pub struct CompanyZone(TimeZone);

impl CompanyZone {
    /// The named IANA zone, or `None` when the name is unknown.
    pub fn named(name: &str) -> Option<CompanyZone> {
        TimeZone::get(name).ok().map(CompanyZone)
    }

    /// The named zone, falling back to `Asia/Tashkent`, then UTC.
    pub fn named_or_default(name: &str) -> CompanyZone {
        Self::named(name)
            .or_else(|| Self::named("Asia/Tashkent"))
            .unwrap_or(CompanyZone(TimeZone::UTC))
    }

    /// The unix second at which the local day `date` starts.
    pub fn day_start(&self, date: NaiveDate) -> i64 {
        let local =
            jiff::civil::Date::new(date.year() as i16, date.month() as i8, date.day() as i8)
                .and_then(|d| d.to_zoned_datetime(self.0.clone()))
                .map(|z| z.timestamp().as_second());
        // Dates reaching here were parsed within jiff's range; fall back to UTC midnight.
        local.unwrap_or_else(|_| {
            date.and_hms_opt(0, 0, 0)
                .map_or(0, |t| t.and_utc().timestamp())
        })
    }

    /// The local date-time of a unix second, as `YYYY-MM-DD HH:MM:SS`.
    pub fn format(&self, unix_seconds: i64) -> String {
        match Timestamp::from_second(unix_seconds) {
            Ok(ts) => ts
                .to_zoned_datetime(self.0.clone())
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string(),
            Err(_) => String::new(),
        }
    }

    /// The unix second of the local wall-clock time `seconds` after the start of the
    /// civil day `date` (SEMANTICS.md §8): a time that does not exist (a gap) moves
    /// forward by the gap, an ambiguous one (a fold) takes its first occurrence.
    /// `seconds` may exceed a day (the next day's wall clock).
    pub fn local_instant(&self, date: NaiveDate, seconds: i64) -> i64 {
        let days = seconds.div_euclid(86_400);
        let second = seconds.rem_euclid(86_400);
        let date = date
            .checked_add_signed(chrono::Duration::days(days))
            .unwrap_or(date);
        let civil =
            jiff::civil::Date::new(date.year() as i16, date.month() as i8, date.day() as i8)
                .and_then(|d| {
                    d.at(
                        (second / 3600) as i8,
                        (second / 60 % 60) as i8,
                        (second % 60) as i8,
                        0,
                    )
                    .to_zoned_datetime(self.0.clone())
                })
                .map(|z| z.timestamp().as_second());
        // Dates out of jiff's range: UTC wall clock, like `day_start`.
        civil.unwrap_or_else(|_| {
            date.and_hms_opt(0, 0, 0)
                .map_or(0, |t| t.and_utc().timestamp() + second)
        })
    }

    /// The UTC offset in seconds in force at a unix second (0 out of jiff's range).
    pub fn offset_at(&self, unix_seconds: i64) -> i32 {
        Timestamp::from_second(unix_seconds).map_or(0, |ts| self.0.to_offset(ts).seconds())
    }

    /// The local calendar date of a unix second.
    pub fn date_of(&self, unix_seconds: i64) -> Option<NaiveDate> {
        let ts = Timestamp::from_second(unix_seconds).ok()?;
        let date = ts.to_zoned_datetime(self.0.clone()).date();
        NaiveDate::from_ymd_opt(date.year() as i32, date.month() as u32, date.day() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tashkent_is_utc_plus_five() {
        let zone = CompanyZone::named("Asia/Tashkent").expect("zone");
        let date = NaiveDate::from_ymd_opt(2025, 3, 4).expect("date");
        let start = zone.day_start(date);
        assert_eq!(zone.format(start), "2025-03-04 00:00:00");
        assert_eq!(start, 1_741_028_400); // 2025-03-03 19:00:00 UTC
        assert_eq!(zone.date_of(start), Some(date));
        assert_eq!(zone.date_of(start - 1), date.pred_opt());
    }

    #[test]
    fn wall_clock_gaps_move_forward_and_folds_take_the_first() {
        let zone = CompanyZone::named("Europe/Berlin").expect("zone");
        let spring = NaiveDate::from_ymd_opt(2025, 3, 30).expect("date");
        // 02:30 does not exist on 2025-03-30: it becomes 03:30 CEST = 01:30 UTC.
        assert_eq!(
            zone.format(zone.local_instant(spring, 9000)),
            "2025-03-30 03:30:00"
        );
        let autumn = NaiveDate::from_ymd_opt(2025, 10, 26).expect("date");
        // 02:30 happens twice on 2025-10-26: the first one is 00:30 UTC (CEST).
        let first = zone.local_instant(autumn, 9000);
        assert_eq!(zone.offset_at(first), 7200);
        assert_eq!(zone.offset_at(first + 3600), 3600);
        // A second past a day is the next day's wall clock.
        let before = NaiveDate::from_ymd_opt(2025, 10, 25).expect("date");
        assert_eq!(
            zone.local_instant(before, 86_400 + 6 * 3600),
            zone.local_instant(autumn, 6 * 3600)
        );
    }

    #[test]
    fn unknown_zone_is_refused() {
        assert!(CompanyZone::named("Mars/Olympus").is_none());
    }
}
