//! The company calendar the engine reads: the zone, the holiday calendar and the
//! engine rules, with the local day starts, wall-clock offsets and night windows of
//! a range of dates computed once, so that per-employee work does no zone lookups
//! (SEMANTICS.md §1, §2 holidays, §6 night window, §8 DST).

use jiff::SignedDuration;
use jiff::civil::Date;

use super::span::{Span, overlap};
use super::{Holiday, HolidayKind, Rules};
use crate::zone::CompanyZone;

pub(crate) const DAY: i64 = 86_400;
/// Dates kept in the table at most; dates beyond it are computed on demand.
const MAX_TABLE_DAYS: i64 = 4000;

/// A date as a day number: days since 0001-01-01 (day 1, a Monday).
pub(crate) type DayNumber = i32;

/// Day 1.
const FIRST_OF_CE: Date = Date::constant(1, 1, 1);
/// The day number of 1970-01-01, unix day 0.
const UNIX_EPOCH_DAY: DayNumber = 719_163;

pub(crate) fn day_number(date: Date) -> DayNumber {
    // jiff's dates span about 7.3 million days: the count fits a day number.
    (date.duration_since(FIRST_OF_CE).as_hours() / 24) as DayNumber + 1
}

/// The date of a day number, if jiff holds it (years −9999..=9999).
fn civil_date(day: DayNumber) -> Option<Date> {
    let hours = (i64::from(day) - 1) * 24;
    FIRST_OF_CE
        .checked_add(SignedDuration::from_hours(hours))
        .ok()
}

/// The date of a day number, the nearest end of jiff's range past it.
pub(crate) fn date_of_number(day: DayNumber) -> Date {
    civil_date(day).unwrap_or(if day < 1 { Date::MIN } else { Date::MAX })
}

/// The unix second of a day's 00:00 UTC.
fn utc_midnight(day: DayNumber) -> i64 {
    (i64::from(day) - i64::from(UNIX_EPOCH_DAY)) * DAY
}

/// ISO weekday of a day number, 1 = Monday … 7 = Sunday.
pub(crate) fn weekday(day: DayNumber) -> u8 {
    ((day - 1).rem_euclid(7) + 1) as u8
}

#[derive(Clone, Copy, Debug)]
struct CalendarDay {
    date: Date,
    /// Local 00:00.
    start: i64,
    /// Local `day_start_offset`: where the fallback day of §3 starts.
    fallback_start: i64,
    /// One UTC offset all day long: wall clock = start + seconds.
    uniform: bool,
    holiday: Option<HolidayKind>,
    night: Span,
}

/// The zone, holidays and rules of one company, with a table of the dates around
/// the range a report covers. Dates outside the table still compute correctly,
/// only slower.
#[derive(Clone, Debug)]
pub struct Calendar {
    zone: CompanyZone,
    rules: Rules,
    holidays: Vec<Holiday>,
    first: DayNumber,
    /// Days `first, first + 1, …`; the last one also bounds the search by instant.
    table: Vec<CalendarDay>,
}

impl Calendar {
    /// The calendar for reports on the dates `from..=to` (plus the margins the
    /// engine looks at around them).
    pub fn new(
        zone: &CompanyZone,
        holidays: &[Holiday],
        rules: Rules,
        from: Date,
        to: Date,
    ) -> Calendar {
        let mut holidays = holidays.to_vec();
        holidays.sort_by_key(|h| (h.date, h.kind == HolidayKind::Shortened));
        let mut calendar = Calendar {
            zone: zone.clone(),
            rules,
            holidays,
            first: 0,
            table: Vec::new(),
        };
        let margin = calendar.margin_days();
        let first = day_number(from).saturating_sub(margin);
        let last = day_number(to).max(day_number(from)).saturating_add(margin);
        let last = last.min(first.saturating_add(MAX_TABLE_DAYS as i32));
        let table: Vec<CalendarDay> = (first..=last.saturating_add(1))
            .map(|day| calendar.compute_day(day))
            .collect();
        calendar.first = first;
        calendar.table = table;
        calendar
    }

    /// The company zone.
    pub fn zone(&self) -> &CompanyZone {
        &self.zone
    }

    /// The engine rules (margins, max session, night window …).
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The local date of an instant.
    pub fn date_of(&self, at: i64) -> Date {
        self.date(self.day_of_instant(at))
    }

    /// The instant a local date starts.
    pub fn day_start(&self, date: Date) -> i64 {
        self.start(day_number(date))
    }

    /// The date of a day number (the table's, so rows and segments convert nothing).
    pub(crate) fn date(&self, day: DayNumber) -> Date {
        self.entry(day)
            .map_or_else(|| date_of_number(day), |entry| entry.date)
    }

    /// Days the engine looks at beyond a report's range, on each side.
    pub(crate) fn margin_days(&self) -> i32 {
        let reach = self.rules.pre_margin.max(0)
            + self.rules.post_margin.max(0)
            + self.rules.max_session.max(0)
            + self.rules.day_start_offset.abs();
        (3 + (reach + DAY - 1) / DAY).min(400) as i32
    }

    fn entry(&self, day: DayNumber) -> Option<&CalendarDay> {
        let index = i64::from(day) - i64::from(self.first);
        usize::try_from(index).ok().and_then(|i| self.table.get(i))
    }

    fn compute_day(&self, day: DayNumber) -> CalendarDay {
        let start = self.zone_start(day);
        let next = self.zone_start(day.saturating_add(1));
        let uniform =
            next - start == DAY && self.zone.offset_at(start) == self.zone.offset_at(next - 1);
        let wall = |seconds: i64| {
            if uniform && (0..DAY).contains(&seconds) {
                start + seconds
            } else {
                self.zone_local(day, seconds)
            }
        };
        let (night_start, night_end) = self.night_clock();
        CalendarDay {
            date: date_of_number(day),
            start,
            fallback_start: wall(self.rules.day_start_offset),
            uniform,
            holiday: self.holiday_lookup(day),
            night: (wall(night_start), wall(night_end)),
        }
    }

    /// The zone's local 00:00 of a day; a day past jiff's dates starts at UTC
    /// midnight.
    fn zone_start(&self, day: DayNumber) -> i64 {
        match civil_date(day) {
            Some(date) => self.zone.day_start(date),
            None => utc_midnight(day),
        }
    }

    /// The zone's wall-clock instant `seconds` after a day's start (§8); past jiff's
    /// dates, the UTC wall clock.
    fn zone_local(&self, day: DayNumber, seconds: i64) -> i64 {
        match civil_date(day) {
            Some(date) => self.zone.local_instant(date, seconds),
            None => utc_midnight(day) + seconds,
        }
    }

    /// The night window as seconds after the start of its first day; the end may
    /// fall on the next day.
    fn night_clock(&self) -> (i64, i64) {
        let start = self.rules.night_start.rem_euclid(DAY);
        let end = self.rules.night_end.rem_euclid(DAY);
        if end <= start {
            (start, end + DAY)
        } else {
            (start, end)
        }
    }

    fn holiday_lookup(&self, day: DayNumber) -> Option<HolidayKind> {
        let date = civil_date(day)?;
        let found = self.holidays.partition_point(|h| h.date < date);
        // A holiday outranks a shortened day flagged on the same date.
        self.holidays
            .get(found)
            .filter(|h| h.date == date)
            .map(|h| h.kind)
    }

    pub(crate) fn holiday(&self, day: DayNumber) -> Option<HolidayKind> {
        match self.entry(day) {
            Some(entry) => entry.holiday,
            None => self.holiday_lookup(day),
        }
    }

    /// The instant local 00:00 of a day.
    pub(crate) fn start(&self, day: DayNumber) -> i64 {
        match self.entry(day) {
            Some(entry) => entry.start,
            None => self.zone_start(day),
        }
    }

    /// The instant of the wall-clock time `seconds` after the start of `day`
    /// (past a day: the next day's clock), with the §8 gap and fold rules.
    pub(crate) fn local(&self, day: DayNumber, seconds: i64) -> i64 {
        let day = day.saturating_add(seconds.div_euclid(DAY) as i32);
        let seconds = seconds.rem_euclid(DAY);
        match self.entry(day) {
            Some(entry) if entry.uniform => entry.start + seconds,
            _ => self.zone_local(day, seconds),
        }
    }

    /// The local date of an instant, as a day number.
    pub(crate) fn day_of_instant(&self, at: i64) -> DayNumber {
        self.find_day(at, |entry| entry.start).unwrap_or_else(|| {
            self.zone
                .date_of(at)
                .map_or(at.div_euclid(DAY) as i32 + UNIX_EPOCH_DAY, day_number)
        })
    }

    /// §3 fallback: the local date of `at − day_start_offset`.
    pub(crate) fn fallback_day(&self, at: i64) -> DayNumber {
        self.find_day(at, |entry| entry.fallback_start)
            .unwrap_or_else(|| self.day_of_instant(at.saturating_sub(self.rules.day_start_offset)))
    }

    /// The table day whose `[bound(day), bound(day + 1))` holds `at`, if the table
    /// reaches it.
    fn find_day(&self, at: i64, bound: impl Fn(&CalendarDay) -> i64) -> Option<DayNumber> {
        let first = self.table.first()?;
        let last = self.table.last()?;
        if at < bound(first) || at >= bound(last) {
            return None;
        }
        let after = self.table.partition_point(|entry| bound(entry) <= at);
        Some(self.first + after as i32 - 1)
    }

    /// The night window that starts on `day`.
    fn night(&self, day: DayNumber) -> Span {
        match self.entry(day) {
            Some(entry) => entry.night,
            None => {
                let (start, end) = self.night_clock();
                (self.local(day, start), self.local(day, end))
            }
        }
    }

    /// Seconds of `[start, end)` inside the night windows (§6), wall-clock based.
    pub(crate) fn night_seconds(&self, span: Span) -> i64 {
        if span.1 <= span.0 {
            return 0;
        }
        let first = self.day_of_instant(span.0).saturating_sub(1);
        let last = self.day_of_instant(span.1);
        (first..=last)
            .map(|day| overlap(span, self.night(day)))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().expect("date")
    }

    #[test]
    fn day_numbers_know_their_weekday() {
        assert_eq!(weekday(day_number(date("2025-03-03"))), 1);
        assert_eq!(weekday(day_number(date("2025-03-09"))), 7);
        assert_eq!(
            date_of_number(day_number(date("2025-03-09"))),
            date("2025-03-09")
        );
    }

    #[test]
    fn day_numbers_count_from_the_first_of_ce_to_the_ends_of_jiff() {
        assert_eq!(day_number(date("0001-01-01")), 1);
        assert_eq!(day_number(date("1970-01-01")), UNIX_EPOCH_DAY);
        assert_eq!(day_number(Date::MIN), -3_652_424);
        assert_eq!(day_number(Date::MAX), 3_652_059);
        for day in [-3_652_424, -1, 0, 1, UNIX_EPOCH_DAY, 3_652_059] {
            assert_eq!(day_number(date_of_number(day)), day);
        }
        // Past jiff's years: the nearest end, and a UTC day for the zone.
        assert_eq!(date_of_number(3_652_060), Date::MAX);
        assert_eq!(date_of_number(DayNumber::MIN), Date::MIN);
        assert_eq!(utc_midnight(3_652_060), 253_402_300_800); // 10000-01-01
    }

    #[test]
    fn the_table_and_the_zone_agree_inside_and_outside_the_range() {
        let zone = CompanyZone::named("Europe/Berlin").expect("zone");
        let calendar = Calendar::new(
            &zone,
            &[],
            Rules::default(),
            date("2025-03-28"),
            date("2025-03-31"),
        );
        for day in ["2025-03-29", "2025-03-30", "2025-06-01", "2024-12-31"] {
            let number = day_number(date(day));
            assert_eq!(calendar.start(number), zone.day_start(date(day)), "{day}");
            for seconds in [0, 3600, 2 * 3600 + 1800, 22 * 3600, DAY + 6 * 3600] {
                assert_eq!(
                    calendar.local(number, seconds),
                    zone.local_instant(date(day), seconds),
                    "{day} {seconds}"
                );
            }
            let noon = calendar.local(number, 12 * 3600);
            assert_eq!(calendar.day_of_instant(noon), number);
            assert_eq!(calendar.day_of_instant(calendar.start(number)), number);
            assert_eq!(
                calendar.day_of_instant(calendar.start(number) - 1),
                number - 1
            );
        }
    }

    #[test]
    fn night_is_wall_clock_twenty_two_to_six() {
        let zone = CompanyZone::named("Asia/Tashkent").expect("zone");
        let calendar = Calendar::new(
            &zone,
            &[],
            Rules::default(),
            date("2025-03-01"),
            date("2025-03-31"),
        );
        let day = day_number(date("2025-03-05"));
        let span = (
            calendar.local(day, 20 * 3600),
            calendar.local(day, DAY + 9 * 3600),
        );
        assert_eq!(calendar.night_seconds(span), 8 * 3600);
        let early = (calendar.local(day, 3600), calendar.local(day, 7 * 3600));
        assert_eq!(calendar.night_seconds(early), 5 * 3600);
    }
}
