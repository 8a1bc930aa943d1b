//! Pairing a clock-event stream into intervals before any attribution
//! (SEMANTICS.md §4): the order-free sort key, the 60 s same-type dedupe, the
//! `max_session` limit, unpaired ins, orphan outs and intervals still open at `now`.

use super::{ClockEvent, EventKind, Rules};

/// Instants the engine accepts: years 1 to 9999 (jiff's range, inside i64 math).
pub(crate) const EARLIEST: i64 = -62_135_596_800;
pub(crate) const LATEST: i64 = 253_402_300_799;

/// What became of a run of events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceState {
    /// An in closed by an out within `max_session`: its time counts.
    Closed,
    /// An in still open at `now`, within `max_session`: 0 duration, `status` true.
    Open,
    /// An in never closed within `max_session` (exception `missing_out`): 0 duration.
    UnpairedIn,
    /// An out with nothing open, or after `max_session` (exception `missing_in`).
    OrphanOut,
}

/// A run of consecutive kept events: an interval (its in, any later ins that
/// continue the presence, its out) or a lone orphan out.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Piece {
    pub state: PieceState,
    /// Index of the first event in `Pairing::events`.
    pub first: usize,
    /// Index of the last event (included).
    pub last: usize,
}

/// The kept events in stream order and the pieces they form, in time order.
#[derive(Debug, Default)]
pub(crate) struct Pairing {
    pub events: Vec<ClockEvent>,
    pub pieces: Vec<Piece>,
}

/// The §4 sort key: minute, outs before ins, the full second, location, id — so
/// the order events arrive in never matters.
fn sort_key(event: &ClockEvent) -> (i64, u8, i64, Option<i64>, i64, bool) {
    let kind = match event.kind {
        EventKind::Out => 0,
        EventKind::In => 1,
    };
    (
        event.at.div_euclid(60),
        kind,
        event.at,
        event.location_id,
        event.id,
        event.manual,
    )
}

/// Sorts, dedupes and pairs the events of one employee.
pub(crate) fn pair(events: &[ClockEvent], now: i64, rules: &Rules) -> Pairing {
    let mut sorted: Vec<ClockEvent> = events
        .iter()
        .filter(|e| (EARLIEST..=LATEST).contains(&e.at))
        .copied()
        .collect();
    if !sorted.is_sorted_by(|a, b| sort_key(a) <= sort_key(b)) {
        sorted.sort_unstable_by_key(sort_key);
    }
    let mut pairing = Pairing {
        events: Vec::with_capacity(sorted.len()),
        pieces: Vec::with_capacity(sorted.len() / 2 + 1),
    };
    let mut open: Option<usize> = None;
    for event in sorted {
        if let Some(previous) = pairing.events.last()
            && previous.kind == event.kind
            && event.at - previous.at <= rules.dedupe_window
        {
            continue;
        }
        let index = pairing.events.len();
        pairing.events.push(event);
        let within = |opened: usize, events: &[ClockEvent]| {
            event.at - events[opened].at <= rules.max_session
        };
        match (event.kind, open) {
            (EventKind::In, None) => open = Some(index),
            (EventKind::In, Some(opened)) if within(opened, &pairing.events) => {}
            (EventKind::In, Some(opened)) => {
                pairing.push(PieceState::UnpairedIn, opened, index - 1);
                open = Some(index);
            }
            (EventKind::Out, Some(opened)) if within(opened, &pairing.events) => {
                pairing.push(PieceState::Closed, opened, index);
                open = None;
            }
            (EventKind::Out, Some(opened)) => {
                pairing.push(PieceState::UnpairedIn, opened, index - 1);
                pairing.push(PieceState::OrphanOut, index, index);
                open = None;
            }
            (EventKind::Out, None) => pairing.push(PieceState::OrphanOut, index, index),
        }
    }
    if let Some(opened) = open {
        let last = pairing.events.len() - 1;
        let state = if now.clamp(EARLIEST, LATEST) - pairing.events[opened].at <= rules.max_session
        {
            PieceState::Open
        } else {
            PieceState::UnpairedIn
        };
        pairing.push(state, opened, last);
    }
    pairing
}

impl Pairing {
    fn push(&mut self, state: PieceState, first: usize, last: usize) {
        self.pieces.push(Piece { state, first, last });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i64, kind: EventKind, at: i64) -> ClockEvent {
        ClockEvent {
            id,
            kind,
            at,
            location_id: None,
            manual: false,
        }
    }

    fn states(pairing: &Pairing) -> Vec<(PieceState, usize, usize)> {
        pairing
            .pieces
            .iter()
            .map(|p| (p.state, p.first, p.last))
            .collect()
    }

    #[test]
    fn an_in_and_an_out_make_a_closed_interval_and_duplicates_go() {
        let rules = Rules::default();
        let events = [
            event(4, EventKind::Out, 36_050),
            event(1, EventKind::In, 10),
            event(2, EventKind::In, 40),
            event(3, EventKind::Out, 36_005),
        ];
        let pairing = pair(&events, 100_000, &rules);
        assert_eq!(pairing.events.len(), 2);
        assert_eq!(states(&pairing), vec![(PieceState::Closed, 0, 1)]);
    }

    #[test]
    fn max_session_makes_unpaired_ins_and_orphan_outs() {
        let rules = Rules::default();
        let hour = 3600;
        let events = [
            event(1, EventKind::In, 0),
            event(2, EventKind::In, 17 * hour),
            event(3, EventKind::Out, 34 * hour),
            event(4, EventKind::Out, 40 * hour),
            event(5, EventKind::In, 50 * hour),
        ];
        let pairing = pair(&events, 51 * hour, &rules);
        assert_eq!(
            states(&pairing),
            vec![
                (PieceState::UnpairedIn, 0, 0),
                (PieceState::UnpairedIn, 1, 1),
                (PieceState::OrphanOut, 2, 2),
                (PieceState::OrphanOut, 3, 3),
                (PieceState::Open, 4, 4),
            ]
        );
        let later = pair(&events, 70 * hour, &rules);
        assert_eq!(later.pieces[4].state, PieceState::UnpairedIn);
    }

    #[test]
    fn an_in_while_open_continues_the_presence() {
        let rules = Rules::default();
        let events = [
            event(1, EventKind::In, 0),
            event(2, EventKind::In, 3600),
            event(3, EventKind::Out, 7200),
        ];
        let pairing = pair(&events, 10_000, &rules);
        assert_eq!(states(&pairing), vec![(PieceState::Closed, 0, 2)]);
    }

    #[test]
    fn events_beyond_the_calendar_are_ignored() {
        let rules = Rules::default();
        let events = [
            event(1, EventKind::In, i64::MIN),
            event(2, EventKind::Out, i64::MAX),
        ];
        assert!(pair(&events, 0, &rules).pieces.is_empty());
    }
}
