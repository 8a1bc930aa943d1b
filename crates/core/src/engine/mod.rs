//! The attendance engine of SEMANTICS.md §2–§9: from a schedule, clock events,
//! time-off, the holiday calendar and `now` to day rows, night reports and T12
//! sums. Pure code: no I/O and no clock. Instants are unix seconds and durations
//! seconds until [`duration`] formats them.
//!
//! One employee's computation: compile the schedule and plan each date around the
//! range ([`plan`]), pair the whole event stream ([`pairing`]), attribute each
//! piece to the date whose window holds its first event, then fill the rows
//! ([`day`]) with their time-off ([`leave`]) and segments ([`night`]).

mod calendar;
mod day;
pub mod duration;
mod leave;
mod night;
mod pairing;
mod plan;
mod span;
mod t12;
pub mod t13;

use jiff::civil::Date;

pub use calendar::Calendar;
pub use day::DayRow;
pub use night::{LocationDate, NightDate, NightLocation, NightSummary, Segment, night};
pub use pairing::PieceState;
pub use t12::{T12Sums, t12};

use crate::schedule::ScheduleDefinition;
use calendar::{DayNumber, day_number};
use day::{RowContext, RowScratch, day_row};
use pairing::Piece;
use plan::{Rota, Windows, plans};

/// A clock event's direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    In,
    Out,
}

impl EventKind {
    /// `"in"` or `"out"`, as `last_event` and `event_name` show it.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::In => "in",
            EventKind::Out => "out",
        }
    }
}

/// A stored clock-in or clock-out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockEvent {
    pub id: i64,
    pub kind: EventKind,
    /// Unix seconds (UTC).
    pub at: i64,
    pub location_id: Option<i64>,
    /// Entered for the employee by someone else (`mode` manual).
    pub manual: bool,
}

/// What the production calendar says of a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HolidayKind {
    /// A public holiday: fixed, floating and free days stop; shift slots work it.
    Holiday,
    /// A pre-holiday day: one hour shorter.
    Shortened,
    /// A day off the government moves to a working day: fixed, floating and free
    /// schedules plan it as the ISO weekday held here (1 = Monday … 7 = Sunday); shift
    /// cycles ignore it (SEMANTICS.md §2, transferred working day).
    Workday(u8),
}

impl HolidayKind {
    /// Every kind, in the order they are listed to users (a workday as a Monday).
    pub const ALL: [HolidayKind; 3] = [
        HolidayKind::Holiday,
        HolidayKind::Shortened,
        HolidayKind::Workday(1),
    ];

    /// The kind's name on the wire and in the store: `holiday`, `shortened`,
    /// `workday` (its weekday is stored beside it).
    pub fn as_str(self) -> &'static str {
        match self {
            HolidayKind::Holiday => "holiday",
            HolidayKind::Shortened => "shortened",
            HolidayKind::Workday(_) => "workday",
        }
    }

    /// The weekday a transferred working day is planned as, for a workday of a valid
    /// weekday (1–7).
    pub fn worked_as(self) -> Option<u8> {
        match self {
            HolidayKind::Workday(weekday) if (1..=7).contains(&weekday) => Some(weekday),
            _ => None,
        }
    }

    /// The kind of this name, if it is one (a workday as a Monday).
    pub fn parse(name: &str) -> Option<HolidayKind> {
        HolidayKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

/// One date of the company's production calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    pub kind: HolidayKind,
}

/// A time-off request's status (Workly's 0–3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeOffStatus {
    Pending = 0,
    Accepted = 1,
    Rejected = 2,
    Deleted = 3,
}

impl TimeOffStatus {
    pub fn from_id(id: i64) -> Option<TimeOffStatus> {
        match id {
            0 => Some(TimeOffStatus::Pending),
            1 => Some(TimeOffStatus::Accepted),
            2 => Some(TimeOffStatus::Rejected),
            3 => Some(TimeOffStatus::Deleted),
            _ => None,
        }
    }
}

/// An employee's time-off; only accepted ones have an effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeOff {
    pub id: i64,
    /// The time-off type (the T12 absence cause).
    pub type_id: i64,
    pub status: TimeOffStatus,
    pub paid: bool,
    /// `absence_type` daily: whole local dates from `start`'s to `end`'s.
    pub daily: bool,
    /// Unix seconds; a daily end of 23:59:59 is inclusive.
    pub start: i64,
    pub end: i64,
}

/// The dates that bound an employee's rows and anchor a shift cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Employment {
    pub start_date: Date,
    /// The last date with a row, if dismissed.
    pub dismissal_date: Option<Date>,
    pub schedule_start_date: Date,
}

/// The company's engine settings (§1 defaults). Durations are seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    pub pre_margin: i64,
    pub post_margin: i64,
    pub max_session: i64,
    pub dedupe_window: i64,
    pub ot_threshold: i64,
    /// Where the fallback day of §3 starts, after local midnight.
    pub day_start_offset: i64,
    /// The night window, seconds after local midnight; it may cross midnight.
    pub night_start: i64,
    pub night_end: i64,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            pre_margin: 240 * 60,
            post_margin: 240 * 60,
            max_session: 16 * 3600,
            dedupe_window: 60,
            ot_threshold: 0,
            day_start_offset: 0,
            night_start: 22 * 3600,
            night_end: 6 * 3600,
        }
    }
}

/// One employee's inputs.
#[derive(Clone, Copy, Debug)]
pub struct Attendance<'a> {
    pub schedule: &'a ScheduleDefinition,
    pub employment: &'a Employment,
    /// Any order.
    pub events: &'a [ClockEvent],
    pub time_offs: &'a [TimeOff],
}

/// One employee's rows and the segments they refer to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timesheet {
    /// One row per date of the range within employment, in date order.
    pub rows: Vec<DayRow>,
    /// Every row's segments, in date and time order.
    pub segments: Vec<Segment>,
}

/// The instants `[from, to]` (both included) between which a caller must load an
/// employee's events and time-offs so that the dates `from..=to` compute as with
/// the whole history: the windows and fallback days of the range, `max_session`
/// before (twice, for the interval that may be open then) and after, a day either
/// side. Only a run of ins without outs longer than that could still differ.
pub fn event_window(calendar: &Calendar, from: Date, to: Date) -> (i64, i64) {
    let rules = calendar.rules();
    let first = day_number(from).saturating_sub(1);
    let last = day_number(to).saturating_add(2);
    let reach =
        rules.max_session.max(0) + rules.dedupe_window.max(0) + rules.day_start_offset.abs();
    (
        calendar.start(first) - rules.pre_margin.max(0) - 2 * reach,
        calendar.start(last) + rules.post_margin.max(0) + reach,
    )
}

/// The day rows of one employee for the dates `from..=to`.
pub fn days(
    calendar: &Calendar,
    attendance: &Attendance,
    now: i64,
    from: Date,
    to: Date,
) -> Vec<DayRow> {
    timesheet(calendar, attendance, now, from, to).rows
}

/// The day rows and segments of one employee for the dates `from..=to`; rows only
/// for dates within employment (§2).
pub fn timesheet(
    calendar: &Calendar,
    attendance: &Attendance,
    now: i64,
    from: Date,
    to: Date,
) -> Timesheet {
    let employment = attendance.employment;
    let first = day_number(from.max(employment.start_date));
    let last = day_number(employment.dismissal_date.map_or(to, |d| d.min(to)));
    if first > last {
        return Timesheet::default();
    }
    let margin = calendar.margin_days();
    let planned_from = first.saturating_sub(margin);
    let rota = Rota::new(
        attendance.schedule,
        day_number(employment.schedule_start_date),
    );
    let plans = plans(calendar, &rota, planned_from, last.saturating_add(margin));
    let windows = Windows::new(&plans);
    let pairing = pairing::pair(attendance.events, now, calendar.rules());
    let attributed = attribute(calendar, &plans, &windows, &pairing, first, last);
    let leaves = leave::accepted(calendar, attendance.time_offs);
    let context = RowContext {
        calendar,
        rota: &rota,
        events: &pairing.events,
        leaves: &leaves,
        now,
        today: calendar.day_of_instant(now),
    };
    let mut sheet = Timesheet {
        rows: Vec::with_capacity((last - first + 1) as usize),
        segments: Vec::with_capacity(pairing.pieces.len()),
    };
    let mut scratch = RowScratch::default();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut next = 0;
    for day in first..=last {
        pieces.clear();
        let date = calendar.date(day);
        let segments_from = sheet.segments.len();
        while let Some(&(piece_day, index)) = attributed.get(next) {
            if piece_day != day {
                break;
            }
            let piece = pairing.pieces[index];
            night::push_segments(calendar, date, &piece, &pairing.events, &mut sheet.segments);
            pieces.push(piece);
            next += 1;
        }
        let Some(plan) = plans.get((day - planned_from) as usize) else {
            continue;
        };
        let segments = segments_from..sheet.segments.len();
        sheet
            .rows
            .push(day_row(&context, plan, &pieces, segments, &mut scratch));
    }
    sheet
}

/// `day_of(t)` for each piece (§3, in-anchored; an orphan out by its own time),
/// keeping those on the dates `first..=last`, sorted by date then time.
fn attribute(
    calendar: &Calendar,
    plans: &[plan::Plan],
    windows: &Windows,
    pairing: &pairing::Pairing,
    first: DayNumber,
    last: DayNumber,
) -> Vec<(DayNumber, usize)> {
    let mut attributed: Vec<(DayNumber, usize)> = pairing
        .pieces
        .iter()
        .enumerate()
        .filter_map(|(index, piece)| {
            let at = pairing.events[piece.first].at;
            let at = at - at.rem_euclid(60);
            let day = match windows.find(at) {
                Some(plan) => plans[plan].day,
                None => calendar.fallback_day(at),
            };
            (first..=last).contains(&day).then_some((day, index))
        })
        .collect();
    attributed.sort_unstable();
    attributed
}
