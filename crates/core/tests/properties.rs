//! Property tests of the engine over random schedules (valid or not), event streams
//! and time-off: the §5 buckets partition work_time, late and early arrival never
//! both show, day + night = work, the event order never matters, nothing panics.

use davomat_core::engine::{
    self, Attendance, Calendar, ClockEvent, DayRow, Employment, EventKind, Holiday, HolidayKind,
    Rules, TimeOff, TimeOffStatus, Timesheet,
};
use davomat_core::schedule::{ClockTime, Day, Lunch, ScheduleDefinition, ScheduleKind, Slot};
use davomat_core::zone::CompanyZone;
use jiff::civil::Date;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

const DAY: i64 = 86_400;

fn date(y: i16, m: i8, d: u32) -> Date {
    Date::new(y, m, d as i8).expect("a date")
}

fn clock() -> impl Strategy<Value = ClockTime> {
    (0u16..24 * 4).prop_map(|quarter| ClockTime(quarter * 15))
}

fn lunch() -> impl Strategy<Value = Lunch> {
    prop_oneof![
        Just(Lunch {
            lunch_start: None,
            lunch_end: None,
            lunch_minutes: None
        }),
        (0u16..120).prop_map(|m| Lunch {
            lunch_start: None,
            lunch_end: None,
            lunch_minutes: Some(m)
        }),
        (clock(), clock()).prop_map(|(a, b)| Lunch {
            lunch_start: Some(a),
            lunch_end: Some(b),
            lunch_minutes: None
        }),
    ]
}

fn slot() -> impl Strategy<Value = Option<Slot>> {
    prop_oneof![
        1 => Just(None),
        3 => (clock(), clock(), lunch()).prop_map(|(start, end, lunch)| Some(Slot { start, end, lunch })),
    ]
}

fn day(kind: ScheduleKind) -> impl Strategy<Value = Day> {
    (1u8..=7, clock(), clock(), clock(), clock(), lunch()).prop_map(
        move |(weekday, a, b, c, d, lunch)| {
            let mut day = Day {
                weekday,
                start: None,
                end: None,
                start_from: None,
                start_to: None,
                production_time: None,
                lunch,
            };
            match kind {
                ScheduleKind::Fixed | ScheduleKind::Shift => {
                    day.start = Some(a);
                    day.end = Some(b);
                }
                ScheduleKind::Floating => {
                    day.start_from = Some(a.min(b));
                    day.start_to = Some(a.max(b));
                    day.production_time = Some(c);
                }
                ScheduleKind::Free => day.production_time = Some(d),
            }
            day
        },
    )
}

fn schedule() -> impl Strategy<Value = ScheduleDefinition> {
    let kind = prop_oneof![
        Just(ScheduleKind::Free),
        Just(ScheduleKind::Fixed),
        Just(ScheduleKind::Floating),
        Just(ScheduleKind::Shift),
    ];
    (kind, 0u16..30, 0u16..30, any::<bool>()).prop_flat_map(|(kind, late, early, night)| {
        (
            prop::collection::vec(day(kind), 0..8),
            prop::collection::vec(slot(), 0..12),
        )
            .prop_map(move |(days, cycle)| ScheduleDefinition {
                kind,
                late_grace: late,
                early_exit_grace: early,
                night_split: night,
                days: if kind == ScheduleKind::Shift {
                    Vec::new()
                } else {
                    days
                },
                cycle: if kind == ScheduleKind::Shift {
                    cycle
                } else {
                    Vec::new()
                },
            })
    })
}

/// Events around March 2025 (seconds after 2025-03-01 00:00 UTC), a few far away.
fn events() -> impl Strategy<Value = Vec<ClockEvent>> {
    let at = prop_oneof![
        12 => -3 * DAY..40 * DAY,
        1 => any::<i64>(),
        1 => Just(0i64),
    ];
    prop::collection::vec((at, any::<bool>(), 0i64..3, any::<bool>()), 0..60).prop_map(|raw| {
        let base = 1_740_787_200; // 2025-03-01 00:00 UTC
        raw.into_iter()
            .enumerate()
            .map(|(i, (at, is_in, location, manual))| ClockEvent {
                id: i as i64 + 1,
                kind: if is_in { EventKind::In } else { EventKind::Out },
                at: if at.abs() < 100 * DAY { base + at } else { at },
                location_id: (location > 0).then_some(location),
                manual,
            })
            .collect()
    })
}

/// Realistic stretches: an in and, mostly, an out up to 18 h later, on minute or
/// second boundaries, plus the noise of `events()`.
fn stretches() -> impl Strategy<Value = Vec<ClockEvent>> {
    let stretch = (
        0i64..34 * DAY,
        0i64..18 * 3600,
        0u8..10,
        0i64..3,
        any::<bool>(),
    );
    (prop::collection::vec(stretch, 0..40), events()).prop_map(|(raw, noise)| {
        let base = 1_740_787_200; // 2025-03-01 00:00 UTC
        let mut events = noise;
        for (start, length, shape, location, manual) in raw {
            let id = events.len() as i64 + 1;
            let start = if shape % 2 == 0 {
                start - start % 60
            } else {
                start
            };
            events.push(ClockEvent {
                id,
                kind: EventKind::In,
                at: base + start,
                location_id: (location > 0).then_some(location),
                manual,
            });
            if shape < 9 {
                events.push(ClockEvent {
                    id: id + 1,
                    kind: EventKind::Out,
                    at: base + start + length,
                    location_id: (location > 1).then_some(location),
                    manual: false,
                });
            }
        }
        events
    })
}

fn time_offs() -> impl Strategy<Value = Vec<TimeOff>> {
    prop::collection::vec(
        (
            0i64..4,
            any::<bool>(),
            any::<bool>(),
            -2 * DAY..35 * DAY,
            0i64..3 * DAY,
            1i64..5,
        ),
        0..6,
    )
    .prop_map(|raw| {
        let base = 1_740_769_200; // 2025-03-01 00:00 Tashkent
        raw.into_iter()
            .enumerate()
            .map(
                |(i, (status, paid, daily, start, length, type_id))| TimeOff {
                    id: i as i64 + 1,
                    type_id,
                    status: TimeOffStatus::from_id(status).unwrap_or(TimeOffStatus::Pending),
                    paid,
                    daily,
                    start: base + start,
                    end: base + start + length,
                },
            )
            .collect()
    })
}

fn holidays() -> impl Strategy<Value = Vec<Holiday>> {
    prop::collection::vec((1u32..=31, any::<bool>()), 0..4).prop_map(|raw| {
        raw.into_iter()
            .map(|(d, holiday)| Holiday {
                date: date(2025, 3, d),
                kind: if holiday {
                    HolidayKind::Holiday
                } else {
                    HolidayKind::Shortened
                },
            })
            .collect()
    })
}

#[derive(Clone, Debug)]
struct Input {
    zone: CompanyZone,
    schedule: ScheduleDefinition,
    employment: Employment,
    events: Vec<ClockEvent>,
    time_offs: Vec<TimeOff>,
    holidays: Vec<Holiday>,
    now: i64,
}

fn input() -> impl Strategy<Value = Input> {
    (
        prop_oneof![Just("Asia/Tashkent"), Just("Europe/Berlin")],
        schedule(),
        (1u32..=20, 10u32..=31, 1u32..=31, any::<bool>()),
        prop_oneof![1 => events(), 3 => stretches()],
        time_offs(),
        holidays(),
        -2 * DAY..40 * DAY,
    )
        .prop_map(
            |(
                zone,
                schedule,
                (start, end, anchor, dismissed),
                events,
                time_offs,
                holidays,
                now,
            )| Input {
                zone: CompanyZone::named_or_default(zone),
                schedule,
                employment: Employment {
                    start_date: date(2025, 2, start),
                    dismissal_date: dismissed.then(|| date(2025, 3, end)),
                    schedule_start_date: date(2025, 3, anchor),
                },
                events,
                time_offs,
                holidays,
                now: 1_740_787_200 + now,
            },
        )
}

fn sheet(input: &Input, events: &[ClockEvent]) -> Timesheet {
    let (from, to) = (date(2025, 3, 1), date(2025, 3, 31));
    let calendar = Calendar::new(&input.zone, &input.holidays, Rules::default(), from, to);
    let attendance = Attendance {
        schedule: &input.schedule,
        employment: &input.employment,
        events,
        time_offs: &input.time_offs,
    };
    engine::timesheet(&calendar, &attendance, input.now, from, to)
}

fn buckets(row: &DayRow) -> [i64; 7] {
    [
        row.authorized,
        row.auth_lunch.unwrap_or(0),
        row.paid,
        row.not_paid,
        row.paid_over.unwrap_or(0),
        row.not_paid_over.unwrap_or(0),
        row.not_authorized,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 384,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn buckets_partition_work_time(input in input()) {
        for row in sheet(&input, &input.events).rows {
            let parts = buckets(&row);
            prop_assert!(parts.iter().all(|p| *p >= 0), "negative bucket {:?} in {:#?}", parts, row);
            prop_assert_eq!(parts.iter().sum::<i64>(), row.work, "{:#?}", row);
            prop_assert!(row.expected >= 0 && row.overtime >= 0);
        }
    }

    #[test]
    fn late_and_early_arrival_never_both_show(input in input()) {
        for row in sheet(&input, &input.events).rows {
            prop_assert!(!(row.late_in.is_some() && row.early_in.is_some()), "{:#?}", row);
            prop_assert!(!(row.early_out.is_some() && row.late_out.is_some()), "{:#?}", row);
        }
    }

    #[test]
    fn day_and_night_make_work_time(input in input()) {
        for row in sheet(&input, &input.events).rows {
            prop_assert!(row.night >= 0 && row.day >= 0, "{:#?}", row);
            prop_assert_eq!(row.day + row.night, row.work);
        }
    }

    #[test]
    fn the_event_order_does_not_matter(
        (input, shuffled) in input().prop_flat_map(|input| {
            let events = input.events.clone();
            (Just(input), Just(events).prop_shuffle())
        })
    ) {
        prop_assert_eq!(sheet(&input, &input.events), sheet(&input, &shuffled));
    }

    #[test]
    fn rows_cover_employment_and_nights_sum_segments(input in input()) {
        let sheet = sheet(&input, &input.events);
        let first = input.employment.start_date.max(date(2025, 3, 1));
        let last = input.employment.dismissal_date.unwrap_or(date(2025, 3, 31)).min(date(2025, 3, 31));
        let expected = i64::from(first.until(last).expect("days").get_days()).max(-1) + 1;
        prop_assert_eq!(sheet.rows.len() as i64, expected);
        let summary = engine::night(&sheet);
        let by_location: i64 = summary.locations.iter().map(|l| l.day + l.night).sum();
        prop_assert_eq!(by_location, summary.day + summary.night);
        let t12 = engine::t12(&sheet.rows);
        prop_assert_eq!(t12.all, t12.with_absence + t12.without_absence);
        prop_assert!(t12.not_worked <= t12.without_absence);
    }
}

#[test]
fn the_generators_reach_every_bucket() {
    // Not a property of the engine: a check that the inputs above exercise it.
    let mut runner = TestRunner::deterministic();
    let strategy = input();
    let mut seen = [0usize; 7];
    for _ in 0..300 {
        let Ok(tree) = strategy.new_tree(&mut runner) else {
            continue;
        };
        let input = tree.current();
        for row in sheet(&input, &input.events).rows {
            for (i, part) in buckets(&row).iter().enumerate() {
                seen[i] += usize::from(*part > 0);
            }
        }
    }
    assert!(
        seen.iter().all(|n| *n > 0),
        "buckets never reached: {seen:?}"
    );
}

#[test]
fn equal_timestamps_and_extremes_do_not_panic() {
    let zone = CompanyZone::named_or_default("Asia/Tashkent");
    let event = |id: i64, kind: EventKind, at: i64| ClockEvent {
        id,
        kind,
        at,
        location_id: None,
        manual: false,
    };
    let events = vec![
        event(1, EventKind::In, 1_741_000_000),
        event(2, EventKind::Out, 1_741_000_000),
        event(3, EventKind::In, 1_741_000_000),
        event(4, EventKind::In, i64::MIN),
        event(5, EventKind::Out, i64::MAX),
        event(6, EventKind::Out, 253_402_300_799),
        event(7, EventKind::In, -62_135_596_800),
    ];
    let empty = ScheduleDefinition {
        kind: ScheduleKind::Shift,
        late_grace: 0,
        early_exit_grace: 0,
        night_split: false,
        days: Vec::new(),
        cycle: Vec::new(),
    };
    let input = Input {
        zone: zone.clone(),
        schedule: empty,
        employment: Employment {
            start_date: date(2025, 1, 1),
            dismissal_date: None,
            schedule_start_date: date(2025, 1, 1),
        },
        events,
        time_offs: vec![TimeOff {
            id: 1,
            type_id: 1,
            status: TimeOffStatus::Accepted,
            paid: true,
            daily: true,
            start: i64::MIN,
            end: i64::MAX,
        }],
        holidays: Vec::new(),
        now: i64::MAX,
    };
    let sheet = sheet(&input, &input.events);
    assert_eq!(sheet.rows.len(), 31);
    let calendar = Calendar::new(&zone, &[], Rules::default(), Date::MIN, Date::MAX);
    let attendance = Attendance {
        schedule: &input.schedule,
        employment: &input.employment,
        events: &input.events,
        time_offs: &input.time_offs,
    };
    let far = engine::days(
        &calendar,
        &attendance,
        0,
        date(9999, 12, 1),
        date(9999, 12, 31),
    );
    assert_eq!(far.len(), 31);
    let _ = engine::event_window(&calendar, Date::MIN, Date::MAX);
}
