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
    fn unknown_zone_is_refused() {
        assert!(CompanyZone::named("Mars/Olympus").is_none());
    }
}
