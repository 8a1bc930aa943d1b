//! Time-off on a day row (SEMANTICS.md §5): the accepted time-offs of an employee,
//! which of them count for a date, the spans they cover there, the four `sum_*`
//! fields and `timeoff_id`.

use super::calendar::{Calendar, DayNumber};
use super::pairing::{EARLIEST, LATEST};
use super::span::{Span, clip, cover, length, merge, subtract};
use super::{TimeOff, TimeOffStatus};

/// An accepted time-off, with its instants resolved.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Leave {
    id: i64,
    type_id: i64,
    paid: bool,
    /// A daily time-off: the local dates it covers, both included.
    dates: Option<(DayNumber, DayNumber)>,
    /// Its instants: a daily one from the first date's 00:00 to the day after the last.
    span: Span,
}

/// The accepted time-offs (status 1); the others have no effect (§5).
pub(crate) fn accepted(calendar: &Calendar, time_offs: &[TimeOff]) -> Vec<Leave> {
    time_offs
        .iter()
        .filter(|t| t.status == TimeOffStatus::Accepted && t.end >= t.start)
        .map(|t| {
            let (start, end) = (
                t.start.clamp(EARLIEST, LATEST),
                t.end.clamp(EARLIEST, LATEST),
            );
            if t.daily {
                let first = calendar.day_of_instant(start);
                let last = calendar.day_of_instant(end);
                Leave {
                    id: t.id,
                    type_id: t.type_id,
                    paid: t.paid,
                    dates: Some((first, last)),
                    span: (
                        calendar.start(first),
                        calendar.start(last.saturating_add(1)),
                    ),
                }
            } else {
                Leave {
                    id: t.id,
                    type_id: t.type_id,
                    paid: t.paid,
                    dates: None,
                    span: (start, end),
                }
            }
        })
        .collect()
}

/// What the engine knows of a row when it looks at its time-off.
pub(crate) struct RowFrame<'a> {
    pub day: DayNumber,
    /// The local calendar day.
    pub day_span: Span,
    /// `[S, E]` of a fixed, shift or floating day.
    pub planned: Option<Span>,
    /// What time-off is "inside the schedule" against: `[S, E]`, or the calendar
    /// day of a free schedule's work day; none on a day off.
    pub schedule: Option<Span>,
    pub lunch_window: Option<Span>,
    pub production: i64,
    /// The closed work intervals attributed to the row, sorted.
    pub intervals: &'a [Span],
}

/// The time-off of one row; its buffers are reused from row to row.
#[derive(Debug, Default)]
pub(crate) struct LeaveDay {
    /// Instants of accepted paid time-off counting for the row, disjoint.
    pub paid: Vec<Span>,
    /// Instants of accepted unpaid time-off, disjoint, paid removed.
    pub unpaid: Vec<Span>,
    /// `paid` and `unpaid` together, sorted and disjoint.
    pub all: Vec<Span>,
    /// True when an accepted time-off counts for the row.
    pub touched: bool,
    /// True when a daily time-off covers the date.
    pub daily: bool,
    pub sum_paid: i64,
    pub sum_not_paid: i64,
    pub sum_paid_over: i64,
    pub sum_not_paid_over: i64,
    /// `(id, type id)` of the time-off with the largest overlap, ties to the lowest id.
    pub timeoff: Option<(i64, i64)>,
    reach: Vec<Span>,
    spans: Vec<Span>,
    hourly_paid: Vec<Span>,
    hourly_unpaid: Vec<Span>,
}

impl LeaveDay {
    fn clear(&mut self) {
        self.paid.clear();
        self.unpaid.clear();
        self.all.clear();
        self.touched = false;
        self.daily = false;
        self.sum_paid = 0;
        self.sum_not_paid = 0;
        self.sum_paid_over = 0;
        self.sum_not_paid_over = 0;
        self.timeoff = None;
        self.hourly_paid.clear();
        self.hourly_unpaid.clear();
    }

    /// Finds the time-off of one row.
    pub(crate) fn compute(&mut self, leaves: &[Leave], frame: &RowFrame) {
        self.clear();
        if leaves.is_empty() {
            return;
        }
        // What a time-off must overlap to count: the calendar day, the planned
        // shift, the work attributed to the day.
        self.reach.clear();
        self.reach.push(frame.day_span);
        self.reach.extend(frame.planned);
        self.reach.extend_from_slice(frame.intervals);
        merge(&mut self.reach);
        let mut best: Option<(i64, i64, i64)> = None;
        let mut daily_paid = false;
        for leave in leaves {
            self.spans_on(leave, frame);
            let measure: i64 = self.spans.iter().map(|s| cover(&self.reach, *s)).sum();
            if measure <= 0 {
                continue;
            }
            self.touched = true;
            let better = match best {
                None => true,
                Some((m, id, _)) => measure > m || (measure == m && leave.id < id),
            };
            if better {
                best = Some((measure, leave.id, leave.type_id));
            }
            let target = if leave.paid {
                &mut self.paid
            } else {
                &mut self.unpaid
            };
            target.extend_from_slice(&self.spans);
            match leave.dates {
                Some((first, last)) if (first..=last).contains(&frame.day) => {
                    self.daily = true;
                    daily_paid |= leave.paid;
                }
                Some(_) => {}
                None if leave.paid => self.hourly_paid.push(leave.span),
                None => self.hourly_unpaid.push(leave.span),
            }
        }
        self.timeoff = best.map(|(_, id, type_id)| (id, type_id));
        merge(&mut self.paid);
        merge(&mut self.unpaid);
        subtract(&mut self.unpaid, &self.paid);
        self.all.extend_from_slice(&self.paid);
        self.all.extend_from_slice(&self.unpaid);
        merge(&mut self.all);
        self.sums(frame, daily_paid);
    }

    /// The instants a time-off covers for this row. A daily time-off covering the
    /// date covers its whole planned shift too; one covering other dates acts only
    /// outside this date's planned shift (work that runs into it).
    fn spans_on(&mut self, leave: &Leave, frame: &RowFrame) {
        self.spans.clear();
        self.spans.push(leave.span);
        if let (Some((first, last)), Some(planned)) = (leave.dates, frame.planned) {
            if (first..=last).contains(&frame.day) {
                self.spans.push(planned);
                merge(&mut self.spans);
            } else {
                subtract(&mut self.spans, &[planned]);
            }
        }
    }

    /// `sum_*`: a daily time-off gives the production; hourly ones their part inside
    /// the schedule (less the lunch window, at most the production) and outside it.
    fn sums(&mut self, frame: &RowFrame, daily_paid: bool) {
        if self.daily {
            if daily_paid {
                self.sum_paid = frame.production;
            } else {
                self.sum_not_paid = frame.production;
            }
            return;
        }
        merge(&mut self.hourly_paid);
        merge(&mut self.hourly_unpaid);
        subtract(&mut self.hourly_unpaid, &self.hourly_paid);
        let inside = |spans: &[Span]| match frame.schedule {
            None => 0,
            Some(schedule) => {
                let lunch = frame
                    .lunch_window
                    .map_or(0, |w| cover(spans, clip(w, schedule)));
                cover(spans, schedule) - lunch
            }
        };
        let total = |spans: &[Span]| spans.iter().map(|s| length(*s)).sum::<i64>();
        let paid_inside = inside(&self.hourly_paid);
        let unpaid_inside = inside(&self.hourly_unpaid);
        self.sum_paid = paid_inside.min(frame.production);
        self.sum_not_paid = unpaid_inside.min(frame.production - self.sum_paid).max(0);
        self.sum_paid_over = total(&self.hourly_paid) - paid_inside;
        self.sum_not_paid_over = total(&self.hourly_unpaid) - unpaid_inside;
    }
}
