//! The T12 report's engine work for a large company: 10,000 employees × 31 days
//! (about 1.2 million clock events), day rows and T12 sums for everyone on one
//! thread. Target: under a second for the whole company.

use criterion::{Criterion, criterion_group, criterion_main};
use davomat_core::engine::{
    self, Attendance, Calendar, ClockEvent, Employment, EventKind, Holiday, HolidayKind, Rules,
    TimeOff, TimeOffStatus,
};
use davomat_core::schedule::{ClockTime, Day, Lunch, ScheduleDefinition, ScheduleKind, Slot};
use davomat_core::zone::CompanyZone;
use jiff::civil::{Date, Weekday};
use std::hint::black_box;

const EMPLOYEES: usize = 10_000;
const HOUR: i64 = 3600;

fn date(day: u32) -> Date {
    Date::new(2025, 3, day as i8).unwrap_or_default()
}

fn clock(hour: u16, minute: u16) -> ClockTime {
    ClockTime(hour * 60 + minute)
}

/// Mon–Sat 09:00–18:00, lunch 13:00–14:00.
fn office() -> ScheduleDefinition {
    let days = (1..=6)
        .map(|weekday| Day {
            weekday,
            start: Some(clock(9, 0)),
            end: Some(clock(18, 0)),
            start_from: None,
            start_to: None,
            production_time: None,
            lunch: Lunch {
                lunch_start: Some(clock(13, 0)),
                lunch_end: Some(clock(14, 0)),
                lunch_minutes: None,
            },
        })
        .collect();
    ScheduleDefinition {
        kind: ScheduleKind::Fixed,
        late_grace: 5,
        early_exit_grace: 0,
        night_split: false,
        days,
        cycle: Vec::new(),
    }
}

/// Two nights 21:00–09:00 with a 60-minute lunch, two days off.
fn nights() -> ScheduleDefinition {
    let night = Slot {
        start: clock(21, 0),
        end: clock(9, 0),
        lunch: Lunch {
            lunch_start: None,
            lunch_end: None,
            lunch_minutes: Some(60),
        },
    };
    ScheduleDefinition {
        kind: ScheduleKind::Shift,
        late_grace: 0,
        early_exit_grace: 0,
        night_split: true,
        days: Vec::new(),
        cycle: vec![Some(night.clone()), Some(night), None, None],
    }
}

/// A small deterministic generator (no I/O, same data on every run).
struct Jitter(u64);

impl Jitter {
    fn next(&mut self, range: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % range.max(1) as u64) as i64
    }
}

struct Employee {
    night_shift: bool,
    employment: Employment,
    events: Vec<ClockEvent>,
    time_offs: Vec<TimeOff>,
}

fn employee(index: usize, calendar: &Calendar, jitter: &mut Jitter) -> Employee {
    let night_shift = index.is_multiple_of(10);
    let mut events = Vec::with_capacity(130);
    let push = |kind: EventKind, at: i64, events: &mut Vec<ClockEvent>| {
        let id = (index * 1000 + events.len()) as i64;
        events.push(ClockEvent {
            id,
            kind,
            at,
            location_id: Some(1 + (index % 3) as i64),
            manual: false,
        });
    };
    for day in 1..=31 {
        let start = calendar.day_start(date(day));
        let sunday = date(day).weekday() == Weekday::Sunday;
        if night_shift {
            if (day + index as u32) % 4 >= 2 {
                continue;
            }
            push(
                EventKind::In,
                start + 21 * HOUR - 600 + jitter.next(1200),
                &mut events,
            );
            push(
                EventKind::Out,
                start + 26 * HOUR + jitter.next(600),
                &mut events,
            );
            push(
                EventKind::In,
                start + 27 * HOUR + jitter.next(600),
                &mut events,
            );
            push(
                EventKind::Out,
                start + 33 * HOUR - 300 + jitter.next(900),
                &mut events,
            );
            continue;
        }
        if sunday {
            continue;
        }
        push(
            EventKind::In,
            start + 9 * HOUR - 900 + jitter.next(1500),
            &mut events,
        );
        push(
            EventKind::Out,
            start + 13 * HOUR + jitter.next(300),
            &mut events,
        );
        push(
            EventKind::In,
            start + 14 * HOUR - 300 + jitter.next(600),
            &mut events,
        );
        push(
            EventKind::Out,
            start + 18 * HOUR - 600 + jitter.next(1800),
            &mut events,
        );
        if (day as usize + index).is_multiple_of(3) {
            // An evening return that runs past midnight.
            push(
                EventKind::In,
                start + 21 * HOUR + jitter.next(1800),
                &mut events,
            );
            push(
                EventKind::Out,
                start + 26 * HOUR + jitter.next(1800),
                &mut events,
            );
        }
    }
    let time_offs = if index % 20 == 7 {
        vec![TimeOff {
            id: index as i64,
            type_id: 3,
            status: TimeOffStatus::Accepted,
            paid: true,
            daily: true,
            start: calendar.day_start(date(12)),
            end: calendar.day_start(date(15)) - 1,
        }]
    } else {
        Vec::new()
    };
    Employee {
        night_shift,
        employment: Employment {
            start_date: Date::new(2024, 1, 1).unwrap_or_default(),
            dismissal_date: None,
            schedule_start_date: Date::new(2025, 1, 1).unwrap_or_default(),
        },
        events,
        time_offs,
    }
}

fn company(c: &mut Criterion) {
    let zone = CompanyZone::named_or_default("Asia/Tashkent");
    let holidays = [
        Holiday {
            date: date(20),
            kind: HolidayKind::Shortened,
        },
        Holiday {
            date: date(21),
            kind: HolidayKind::Holiday,
        },
    ];
    let (from, to) = (date(1), date(31));
    let calendar = Calendar::new(&zone, &holidays, Rules::default(), from, to);
    let (office, nights) = (office(), nights());
    let mut jitter = Jitter(7);
    let employees: Vec<Employee> = (0..EMPLOYEES)
        .map(|i| employee(i, &calendar, &mut jitter))
        .collect();
    let events: usize = employees.iter().map(|e| e.events.len()).sum();
    println!("{EMPLOYEES} employees, {events} clock events");
    let now = calendar.day_start(Date::new(2025, 4, 1).unwrap_or_default());
    let mut group = c.benchmark_group("t12");
    group.sample_size(10);
    group.bench_function("10000 employees x 31 days", |b| {
        b.iter(|| {
            let mut overtime = 0;
            for employee in &employees {
                let attendance = Attendance {
                    schedule: if employee.night_shift {
                        &nights
                    } else {
                        &office
                    },
                    employment: &employee.employment,
                    events: &employee.events,
                    time_offs: &employee.time_offs,
                };
                let rows = engine::days(&calendar, &attendance, now, from, to);
                overtime += engine::t12(black_box(&rows)).overtime;
            }
            black_box(overtime)
        })
    });
    group.finish();
}

criterion_group!(benches, company);
criterion_main!(benches);
