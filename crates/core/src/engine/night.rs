//! Segments and the night reports (SEMANTICS.md §6): each attributed piece cut into
//! segments where an in comes at another location, their day and night seconds
//! (night reports work in seconds, not minutes), and the per-employee sums of the
//! `night` and `night-by-location` reports.

use std::collections::BTreeMap;
use std::ops::Range;

use jiff::civil::Date;

use super::calendar::Calendar;
use super::pairing::{Piece, PieceState};
use super::{ClockEvent, EventKind, Timesheet};

/// A stretch of presence at one location, or a lone unpaired event: one element
/// of the night reports' `times`. Instants are full seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The report date its interval is attributed to (`inoutDate`).
    pub date: Date,
    pub state: PieceState,
    /// The in that opens it; none for an orphan out (`""`).
    pub first_time: Option<i64>,
    /// The out, or the in at another location that ends it; none while open or
    /// unpaired (`""`).
    pub last_time: Option<i64>,
    pub in_location: Option<i64>,
    /// The location of the out that closes it, if an out does.
    pub out_location: Option<i64>,
    /// Manual events among the ones it holds (`mode_col_count`).
    pub manual_events: u32,
    /// Seconds of work outside and inside the night window (closed pieces only).
    pub day: i64,
    pub night: i64,
}

impl Segment {
    /// The location it is listed under: the in's, or an orphan out's own.
    pub fn location(&self) -> Option<i64> {
        match self.state {
            PieceState::OrphanOut => self.out_location,
            _ => self.in_location,
        }
    }
}

/// Cuts one piece into segments: a new one starts at each in at another location;
/// ins at the same location merge into the running one.
pub(crate) fn push_segments(
    calendar: &Calendar,
    date: Date,
    piece: &Piece,
    events: &[ClockEvent],
    out: &mut Vec<Segment>,
) {
    let piece_events = &events[piece.first..=piece.last];
    let Some(opening) = piece_events.first() else {
        return;
    };
    if piece.state == PieceState::OrphanOut {
        out.push(Segment {
            date,
            state: piece.state,
            first_time: None,
            last_time: Some(opening.at),
            in_location: None,
            out_location: opening.location_id,
            manual_events: u32::from(opening.manual),
            day: 0,
            night: 0,
        });
        return;
    }
    let mut current = Segment {
        date,
        state: piece.state,
        first_time: Some(opening.at),
        last_time: None,
        in_location: opening.location_id,
        out_location: None,
        manual_events: u32::from(opening.manual),
        day: 0,
        night: 0,
    };
    for event in &piece_events[1..] {
        match event.kind {
            EventKind::In if event.location_id == current.in_location => {
                current.manual_events += u32::from(event.manual);
            }
            EventKind::In => {
                current.last_time = Some(event.at);
                let next = Segment {
                    first_time: Some(event.at),
                    last_time: None,
                    in_location: event.location_id,
                    manual_events: u32::from(event.manual),
                    ..current.clone()
                };
                out.push(finish(calendar, current));
                current = next;
            }
            EventKind::Out => {
                current.last_time = Some(event.at);
                current.out_location = event.location_id;
                current.manual_events += u32::from(event.manual);
            }
        }
    }
    out.push(finish(calendar, current));
}

/// Fills in the day and night seconds of a segment of a closed piece.
fn finish(calendar: &Calendar, mut segment: Segment) -> Segment {
    if segment.state == PieceState::Closed
        && let (Some(first), Some(last)) = (segment.first_time, segment.last_time)
    {
        let total = (last - first).max(0);
        segment.night = calendar.night_seconds((first, last));
        segment.day = total - segment.night;
    }
    segment
}

/// One date of the `night` report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NightDate {
    pub date: Date,
    pub manual_events: u32,
    pub day: i64,
    pub night: i64,
    /// Its segments in [`Timesheet::segments`] (`times`, `times_count`).
    pub segments: Range<usize>,
}

/// One date of one location in the `night-by-location` report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocationDate {
    pub date: Date,
    pub day: i64,
    pub night: i64,
    /// Indices into [`Timesheet::segments`].
    pub segments: Vec<usize>,
}

/// One location of the `night-by-location` report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NightLocation {
    pub location_id: Option<i64>,
    pub manual_events: u32,
    pub day: i64,
    pub night: i64,
    /// `sum_prod_shifts`: its segments.
    pub segments: u32,
    pub dates: Vec<LocationDate>,
}

/// One employee's night reports over the rows of a timesheet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NightSummary {
    /// `day_time_sum` and `night_time_sum`, in seconds.
    pub day: i64,
    pub night: i64,
    /// `over_time_sum`: Σ overtime of the rows.
    pub overtime: i64,
    /// `production_time_sum`: Σ production of the rows.
    pub production: i64,
    /// `sum_prod_days`: work days among the rows.
    pub work_days: u32,
    /// Dates with at least one segment, in order.
    pub dates: Vec<NightDate>,
    /// Locations by id (none first).
    pub locations: Vec<NightLocation>,
}

impl NightSummary {
    /// True when the employee has a segment in the range (§13: who is listed).
    pub fn has_intervals(&self) -> bool {
        !self.dates.is_empty()
    }
}

/// The night reports of one employee's timesheet.
pub fn night(sheet: &Timesheet) -> NightSummary {
    let mut summary = NightSummary::default();
    let mut locations: BTreeMap<Option<i64>, NightLocation> = BTreeMap::new();
    for row in &sheet.rows {
        summary.overtime += row.overtime;
        summary.production += row.production;
        summary.work_days += u32::from(row.is_work_day);
        let Some(segments) = sheet.segments.get(row.segments.clone()) else {
            continue;
        };
        if segments.is_empty() {
            continue;
        }
        let mut date = NightDate {
            date: row.date,
            manual_events: 0,
            day: 0,
            night: 0,
            segments: row.segments.clone(),
        };
        for (offset, segment) in segments.iter().enumerate() {
            date.manual_events += segment.manual_events;
            date.day += segment.day;
            date.night += segment.night;
            let location = locations
                .entry(segment.location())
                .or_insert_with(|| NightLocation {
                    location_id: segment.location(),
                    manual_events: 0,
                    day: 0,
                    night: 0,
                    segments: 0,
                    dates: Vec::new(),
                });
            location.manual_events += segment.manual_events;
            location.day += segment.day;
            location.night += segment.night;
            location.segments += 1;
            if location.dates.last().is_none_or(|d| d.date != row.date) {
                location.dates.push(LocationDate {
                    date: row.date,
                    day: 0,
                    night: 0,
                    segments: Vec::new(),
                });
            }
            if let Some(last) = location.dates.last_mut() {
                last.day += segment.day;
                last.night += segment.night;
                last.segments.push(row.segments.start + offset);
            }
        }
        summary.day += date.day;
        summary.night += date.night;
        summary.dates.push(date);
    }
    summary.locations = locations.into_values().collect();
    summary
}
