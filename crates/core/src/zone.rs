//! Company time zones: turning local dates into UTC instants and instants into the
//! local `YYYY-MM-DD HH:MM:SS` the API shows.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

const DAY: i64 = 86_400;
/// 1970-01-01, the date of unix second 0.
const UNIX_EPOCH: Date = Date::constant(1970, 1, 1);

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
    pub fn day_start(&self, date: Date) -> i64 {
        date.to_zoned_datetime(self.0.clone())
            .map(|z| z.timestamp().as_second())
            // An instant past jiff's timestamps (the ends of its dates): UTC midnight.
            .unwrap_or_else(|_| utc_midnight(date))
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
    pub fn local_instant(&self, date: Date, seconds: i64) -> i64 {
        let days = seconds.div_euclid(DAY);
        let second = seconds.rem_euclid(DAY);
        let Some(date) = add_days(date, days) else {
            // Past jiff's dates: the UTC wall clock, like `day_start`.
            return utc_midnight(date)
                .saturating_add(days.saturating_mul(DAY))
                .saturating_add(second);
        };
        date.at(
            (second / 3600) as i8,
            (second / 60 % 60) as i8,
            (second % 60) as i8,
            0,
        )
        .to_zoned_datetime(self.0.clone())
        .map(|z| z.timestamp().as_second())
        .unwrap_or_else(|_| utc_midnight(date) + second)
    }

    /// The UTC offset in seconds in force at a unix second (0 out of jiff's range).
    pub fn offset_at(&self, unix_seconds: i64) -> i32 {
        Timestamp::from_second(unix_seconds).map_or(0, |ts| self.0.to_offset(ts).seconds())
    }

    /// The local calendar date of a unix second.
    pub fn date_of(&self, unix_seconds: i64) -> Option<Date> {
        let ts = Timestamp::from_second(unix_seconds).ok()?;
        Some(ts.to_zoned_datetime(self.0.clone()).date())
    }
}

/// The unix second of `date`'s 00:00 UTC.
fn utc_midnight(date: Date) -> i64 {
    date.duration_since(UNIX_EPOCH).as_secs()
}

/// `date` moved by `days`, if jiff holds the result.
fn add_days(date: Date, days: i64) -> Option<Date> {
    let hours = days.checked_mul(24)?;
    date.checked_add(SignedDuration::try_from_hours(hours)?)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn tashkent_is_utc_plus_five() {
        let zone = CompanyZone::named("Asia/Tashkent").expect("zone");
        let day = date(2025, 3, 4);
        let start = zone.day_start(day);
        assert_eq!(zone.format(start), "2025-03-04 00:00:00");
        assert_eq!(start, 1_741_028_400); // 2025-03-03 19:00:00 UTC
        assert_eq!(zone.date_of(start), Some(day));
        assert_eq!(zone.date_of(start - 1), day.yesterday().ok());
    }

    #[test]
    fn wall_clock_gaps_move_forward_and_folds_take_the_first() {
        let zone = CompanyZone::named("Europe/Berlin").expect("zone");
        let spring = date(2025, 3, 30);
        // 02:30 does not exist on 2025-03-30: it becomes 03:30 CEST = 01:30 UTC.
        assert_eq!(
            zone.format(zone.local_instant(spring, 9000)),
            "2025-03-30 03:30:00"
        );
        let autumn = date(2025, 10, 26);
        // 02:30 happens twice on 2025-10-26: the first one is 00:30 UTC (CEST).
        let first = zone.local_instant(autumn, 9000);
        assert_eq!(zone.offset_at(first), 7200);
        assert_eq!(zone.offset_at(first + 3600), 3600);
        // A second past a day is the next day's wall clock.
        let before = date(2025, 10, 25);
        assert_eq!(
            zone.local_instant(before, 86_400 + 6 * 3600),
            zone.local_instant(autumn, 6 * 3600)
        );
    }

    #[test]
    fn past_the_instants_jiff_holds_the_wall_clock_is_utc() {
        let zone = CompanyZone::named("UTC").expect("zone");
        // 9999-12-31 00:00 UTC is a date jiff holds but an instant it does not.
        assert_eq!(zone.day_start(Date::MAX), 253_402_214_400);
        assert_eq!(zone.local_instant(Date::MAX, 60), 253_402_214_460);
        // Two days on (10000-01-02, as chrono counted it) and a minute.
        assert_eq!(zone.local_instant(Date::MAX, 2 * DAY + 60), 253_402_387_260);
        let tashkent = CompanyZone::named("Asia/Tashkent").expect("zone");
        assert_eq!(tashkent.date_of(i64::MAX), None);
        for seconds in [i64::MIN, i64::MAX] {
            let _ = tashkent.local_instant(Date::MIN, seconds);
            let _ = tashkent.local_instant(Date::MAX, seconds);
        }
    }

    #[test]
    fn unknown_zone_is_refused() {
        assert!(CompanyZone::named("Mars/Olympus").is_none());
    }
}
