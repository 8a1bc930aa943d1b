//! The per-day fields of SEMANTICS.md §5: one [`DayRow`] per report date, from
//! its plan, the pieces attributed to it and its time-off. Day rows work on event
//! times truncated to the minute (§1).

use std::ops::Range;

use jiff::civil::Date;

use super::EventKind;
use super::calendar::{Calendar, DayNumber, weekday};
use super::leave::{Leave, LeaveDay, RowFrame};
use super::pairing::{Piece, PieceState};
use super::plan::{Lunch, Plan, Rota, Shape};
use super::span::{Span, clip, cover, cover_outside, first_free, last_free, length};
use super::{ClockEvent, Rules};

/// One employee's numbers for one report date. Instants are unix seconds,
/// durations seconds; `None` is the API's `null` (§5 null rules).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayRow {
    pub date: Date,
    /// ISO weekday (`day_number`), 1 = Monday.
    pub weekday: u8,
    pub is_work_day: bool,
    pub is_holiday: bool,
    /// Planned start `S` (floating: `S_eff`); none on days off and free schedules.
    pub start: Option<i64>,
    /// Planned end `E` (floating: `E_eff`).
    pub end: Option<i64>,
    pub production: i64,
    /// Earliest in attributed (minute-truncated), unpaired ins included.
    pub first_in: Option<i64>,
    /// Latest out attributed (minute-truncated), orphan outs included.
    pub last_out: Option<i64>,
    pub last_event: Option<EventKind>,
    /// An interval of this date is open at `now`.
    pub status: bool,
    pub late_in: Option<i64>,
    pub early_in: Option<i64>,
    pub early_out: Option<i64>,
    pub late_out: Option<i64>,
    pub work: i64,
    pub authorized: i64,
    /// None when the day has no lunch.
    pub auth_lunch: Option<i64>,
    pub not_authorized: i64,
    pub paid: i64,
    pub not_paid: i64,
    /// This and the four `sum_*`: none when no accepted time-off counts for the day.
    pub paid_over: Option<i64>,
    pub not_paid_over: Option<i64>,
    pub sum_paid: Option<i64>,
    pub sum_not_paid: Option<i64>,
    pub sum_paid_over: Option<i64>,
    pub sum_not_paid_over: Option<i64>,
    pub expected: i64,
    /// `authorized + not_authorized − expected`, signed.
    pub norm_worktime: i64,
    pub overtime: i64,
    /// Work inside the night window (§6) and the rest.
    pub night: i64,
    pub day: i64,
    pub absent: bool,
    pub timeoff_id: Option<i64>,
    /// The time-off type of `timeoff_id`: the absence cause of T12.
    pub timeoff_type_id: Option<i64>,
    /// Exception: an in never closed (unpaired in).
    pub missing_out: bool,
    /// Exception: an out with no in (orphan out).
    pub missing_in: bool,
    /// Clock events attributed (after dedupe).
    pub events: u32,
    /// This date's segments in [`super::Timesheet::segments`].
    pub segments: Range<usize>,
}

impl DayRow {
    /// Overtime split by pay tier (§6): the first two hours of the day and the rest.
    pub fn overtime_tiers(&self) -> (i64, i64) {
        let first = self.overtime.min(2 * 3600);
        (first, self.overtime - first)
    }
}

/// What one employee's rows share.
pub(crate) struct RowContext<'a> {
    pub calendar: &'a Calendar,
    pub rota: &'a Rota,
    pub events: &'a [ClockEvent],
    pub leaves: &'a [Leave],
    pub now: i64,
    pub today: DayNumber,
}

/// Buffers reused from row to row.
#[derive(Debug, Default)]
pub(crate) struct RowScratch {
    intervals: Vec<Span>,
    holes: Vec<Span>,
    leave: LeaveDay,
}

/// Who came and went on a date.
#[derive(Debug, Default)]
struct Presence {
    first_in: Option<i64>,
    last_out: Option<i64>,
    last_event: Option<EventKind>,
    status: bool,
    missing_out: bool,
    missing_in: bool,
    events: u32,
}

fn minute(at: i64) -> i64 {
    at - at.rem_euclid(60)
}

fn positive(value: i64) -> Option<i64> {
    (value > 0).then_some(value)
}

/// Reads the pieces of a date; pushes its closed intervals (truncated to the
/// minute) into `intervals`.
fn presence(pieces: &[Piece], events: &[ClockEvent], intervals: &mut Vec<Span>) -> Presence {
    let mut presence = Presence::default();
    let mut last_index = None;
    for piece in pieces {
        let first = minute(events[piece.first].at);
        let last = minute(events[piece.last].at);
        presence.events += (piece.last + 1 - piece.first) as u32;
        if last_index < Some(piece.last) {
            last_index = Some(piece.last);
        }
        if piece.state != PieceState::OrphanOut {
            presence.first_in = Some(presence.first_in.map_or(first, |f| f.min(first)));
        }
        let out = match piece.state {
            PieceState::Closed => {
                intervals.push((first, last));
                Some(last)
            }
            PieceState::Open => {
                presence.status = true;
                None
            }
            PieceState::UnpairedIn => {
                presence.missing_out = true;
                None
            }
            PieceState::OrphanOut => {
                presence.missing_in = true;
                Some(first)
            }
        };
        if let Some(out) = out {
            presence.last_out = Some(presence.last_out.map_or(out, |l| l.max(out)));
        }
    }
    presence.last_event = last_index.map(|i| events[i].kind);
    intervals.sort_unstable();
    presence
}

/// `[S, E]` and the lunch of the date; floating days place S from the first in.
fn planned(shape: Shape, first_in: Option<i64>) -> (Option<Span>, Lunch) {
    match shape {
        Shape::Fixed { start, end, lunch } => (Some((start, end)), lunch),
        Shape::Floating {
            from,
            to,
            length,
            lunch,
        } => {
            let start = first_in.map_or(from, |at| at.clamp(from, to));
            let lunch = if lunch > 0 {
                Lunch::Minutes(lunch)
            } else {
                Lunch::None
            };
            (Some((start, start + length)), lunch)
        }
        Shape::Free | Shape::Off => (None, Lunch::None),
    }
}

/// How work splits into the §5 buckets.
struct Buckets {
    authorized: i64,
    auth_lunch: Option<i64>,
    paid: i64,
    not_paid: i64,
    paid_over: i64,
    not_paid_over: i64,
}

fn buckets(
    intervals: &[Span],
    planned: Option<Span>,
    lunch: Lunch,
    schedule: Option<Span>,
    leave: &LeaveDay,
    expected: i64,
    free: bool,
) -> Buckets {
    let inside = |spans: &[Span]| -> i64 {
        schedule.map_or(0, |schedule| {
            spans
                .iter()
                .map(|h| cover(intervals, clip(*h, schedule)))
                .sum()
        })
    };
    let total = |spans: &[Span]| -> i64 { spans.iter().map(|h| cover(intervals, *h)).sum() };
    let paid = inside(&leave.paid);
    let not_paid = inside(&leave.unpaid);
    let paid_over = total(&leave.paid) - paid;
    let not_paid_over = total(&leave.unpaid) - not_paid;
    let (authorized, auth_lunch) = match planned {
        Some(window) => {
            let base = cover_outside(intervals, window, &leave.all);
            match lunch {
                Lunch::None => (base, None),
                Lunch::Window(lunch) => {
                    let taken = cover_outside(intervals, lunch, &leave.all);
                    (base - taken, Some(taken))
                }
                Lunch::Minutes(minutes) => {
                    let gaps = gaps(intervals, window, &leave.all);
                    let taken = (minutes - gaps).min(base).max(0);
                    (base - taken, Some(taken))
                }
            }
        }
        None if free => {
            let work: i64 = intervals.iter().map(|s| length(*s)).sum();
            ((work - total(&leave.all)).min(expected).max(0), None)
        }
        None => (0, None),
    };
    Buckets {
        authorized,
        auth_lunch,
        paid,
        not_paid,
        paid_over,
        not_paid_over,
    }
}

/// Time inside `[S, E]` between the first in and the last out that neither work
/// nor time-off covers: an absence that long already took a duration lunch.
fn gaps(intervals: &[Span], window: Span, time_off: &[Span]) -> i64 {
    let (Some(first), Some(last)) = (intervals.first(), intervals.last()) else {
        return 0;
    };
    let span = clip((first.0, last.1), window);
    if length(span) == 0 {
        return 0;
    }
    let free_of_leave = length(span) - cover(time_off, span);
    free_of_leave - cover_outside(intervals, span, time_off)
}

/// Computes one row. `pieces` are the pieces attributed to the date.
pub(crate) fn day_row(
    context: &RowContext,
    plan: &Plan,
    pieces: &[Piece],
    segments: Range<usize>,
    scratch: &mut RowScratch,
) -> DayRow {
    let calendar = context.calendar;
    scratch.intervals.clear();
    let presence = presence(pieces, context.events, &mut scratch.intervals);
    let intervals = &scratch.intervals;
    let (planned, lunch) = planned(plan.shape, presence.first_in);
    let day_span = (
        calendar.start(plan.day),
        calendar.start(plan.day.saturating_add(1)),
    );
    let free = plan.shape == Shape::Free;
    let schedule = if free { Some(day_span) } else { planned };
    let lunch_window = match lunch {
        Lunch::Window(window) => Some(window),
        _ => None,
    };
    let frame = RowFrame {
        day: plan.day,
        day_span,
        planned,
        schedule,
        lunch_window,
        production: plan.production,
        intervals,
    };
    let leave = &mut scratch.leave;
    leave.compute(context.leaves, &frame);
    let expected = (plan.production - leave.sum_paid - leave.sum_not_paid).max(0);
    let work: i64 = intervals.iter().map(|s| length(*s)).sum();
    let split = buckets(intervals, planned, lunch, schedule, leave, expected, free);
    let not_authorized = work
        - split.authorized
        - split.auth_lunch.unwrap_or(0)
        - split.paid
        - split.not_paid
        - split.paid_over
        - split.not_paid_over;
    // P = [S, E] − lunch window − time-off; S' and E' are its ends.
    scratch.holes.clear();
    scratch.holes.extend_from_slice(&leave.all);
    scratch.holes.extend(lunch_window);
    let open_start = planned.and_then(|w| first_free(w, &scratch.holes));
    let open_end = planned.and_then(|w| last_free(w, &scratch.holes));
    let marks = marks(plan.shape, context.rota, &presence, open_start, open_end);
    let norm_worktime = split.authorized + not_authorized - expected;
    let overtime = overtime(plan, norm_worktime, calendar.rules());
    let night: i64 = intervals.iter().map(|s| calendar.night_seconds(*s)).sum();
    // Time-off covers the whole planned shift (a free day: a daily time-off).
    let covered = if free {
        leave.daily
    } else {
        leave.touched && planned.is_some() && open_start.is_none()
    };
    let absent = absent(context, plan, presence.events == 0 && !covered);
    let touched = leave.touched;
    let when_touched = |value: i64| touched.then_some(value);
    DayRow {
        date: calendar.date(plan.day),
        weekday: weekday(plan.day),
        is_work_day: plan.is_work_day,
        is_holiday: plan.is_holiday,
        start: planned.map(|w| w.0),
        end: planned.map(|w| w.1),
        production: plan.production,
        first_in: presence.first_in,
        last_out: presence.last_out,
        last_event: presence.last_event,
        status: presence.status,
        late_in: marks.late_in,
        early_in: marks.early_in,
        early_out: marks.early_out,
        late_out: marks.late_out,
        work,
        authorized: split.authorized,
        auth_lunch: split.auth_lunch,
        not_authorized,
        paid: split.paid,
        not_paid: split.not_paid,
        paid_over: when_touched(split.paid_over),
        not_paid_over: when_touched(split.not_paid_over),
        sum_paid: when_touched(leave.sum_paid),
        sum_not_paid: when_touched(leave.sum_not_paid),
        sum_paid_over: when_touched(leave.sum_paid_over),
        sum_not_paid_over: when_touched(leave.sum_not_paid_over),
        expected,
        norm_worktime,
        overtime,
        night,
        day: work - night,
        absent,
        timeoff_id: leave.timeoff.map(|t| t.0),
        timeoff_type_id: leave.timeoff.map(|t| t.1),
        missing_out: presence.missing_out,
        missing_in: presence.missing_in,
        events: presence.events,
        segments,
    }
}

/// Work day: the positive balance above the company threshold; days off: 0 (their
/// work goes to T12's weekend_holidays).
fn overtime(plan: &Plan, norm_worktime: i64, rules: &Rules) -> i64 {
    let over = norm_worktime.max(0);
    if !plan.is_work_day || over <= rules.ot_threshold {
        return 0;
    }
    over
}

/// A work day up to today with nothing attributed and no covering time-off
/// (`unexplained`), once the date is past or today's shift has begun.
fn absent(context: &RowContext, plan: &Plan, unexplained: bool) -> bool {
    plan.is_work_day
        && unexplained
        && plan.day <= context.today
        && (plan.day < context.today || started(plan.shape, context.rota, context.now))
}

/// Late and early arrivals and departures.
struct Marks {
    late_in: Option<i64>,
    early_in: Option<i64>,
    early_out: Option<i64>,
    late_out: Option<i64>,
}

fn marks(
    shape: Shape,
    rota: &Rota,
    presence: &Presence,
    open_start: Option<i64>,
    open_end: Option<i64>,
) -> Marks {
    // Fixed and shift days measure against S'; floating days against their range.
    let (late_from, early_before) = match shape {
        Shape::Fixed { .. } => (open_start, open_start),
        Shape::Floating { from, to, .. } => (Some(to), Some(from)),
        Shape::Free | Shape::Off => (None, None),
    };
    let first_in = presence.first_in;
    let late_in = first_in
        .zip(late_from)
        .map(|(at, start)| at - start)
        .filter(|late| *late > rota.late_grace);
    let early_in = first_in
        .zip(early_before)
        .and_then(|(at, start)| positive(start - at));
    let end = match shape {
        Shape::Fixed { .. } | Shape::Floating { .. } => open_end,
        Shape::Free | Shape::Off => None,
    };
    let last_out = presence.last_out;
    let early_out = last_out
        .zip(end)
        .filter(|_| presence.last_event == Some(EventKind::Out))
        .map(|(at, end)| end - at)
        .filter(|early| *early > rota.early_exit_grace);
    let late_out = last_out.zip(end).and_then(|(at, end)| positive(at - end));
    Marks {
        late_in,
        early_in,
        early_out,
        late_out,
    }
}

/// Today's shift has begun (past its grace) for the absence rule; a floating day
/// from the end of its start range; a free day never before it is over.
fn started(shape: Shape, rota: &Rota, now: i64) -> bool {
    match shape {
        Shape::Fixed { start, .. } => now >= start + rota.late_grace,
        Shape::Floating { to, .. } => now >= to + rota.late_grace,
        Shape::Free | Shape::Off => false,
    }
}
