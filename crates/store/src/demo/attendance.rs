//! Two months of attendance for the demo company, up to the moment it is seeded: the
//! clock events of every employee by their schedule (most on time, some late, a few
//! absences, overtime, lunch breaks, night shifts on the 2/2 cycle), time-off types,
//! accepted and pending time-offs, one dismissal, and the official holidays of Uzbekistan for this
//! year and the last. Deterministic: the same ids and `now` give the same data.

use chrono::{Datelike, Days, NaiveDate};
use davomat_core::dates::{civil, naive};
use davomat_core::engine::{EventKind, HolidayKind};
use davomat_core::zone::CompanyZone;
use davomat_core::{ClockMode, CompanyId, EmployeeId, LocationId, TimeOffTypeId};
use sea_orm::ConnectionTrait;

use crate::StoreResult;
use crate::clock_events::{self, NewEvent};
use crate::employees::lifecycle;
use crate::holidays::{self, HolidayFields};
use crate::time_off_types::{self, TimeOffTypeFields};
use crate::time_offs::{self, NewTimeOff};

/// Days of history seeded before today.
const HISTORY_DAYS: u64 = 61;
/// The anchor of the demo's shift cycle (the employees' `schedule_start_date`).
const CYCLE_ANCHOR: (i32, u32, u32) = (2024, 1, 15);
const HOUR: i64 = 3600;
const MINUTE: i64 = 60;

/// The demo schedules in the order the directory creates them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoSchedule {
    /// The company's default: Monday–Friday 09:00–18:00, lunch 13:00–14:00.
    Office,
    /// Free, eight hours Monday–Friday.
    Free,
    /// Floating, start 08:00–10:00 Monday–Friday.
    Floating,
    /// Night shifts 21:00–09:00, two on and two off.
    NightCycle,
    /// Monday–Saturday 08:00–17:00, lunch 12:00–13:00.
    Workshop,
}

impl DemoSchedule {
    pub fn of_index(index: usize) -> DemoSchedule {
        match index {
            0 => DemoSchedule::Office,
            1 => DemoSchedule::Free,
            2 => DemoSchedule::Floating,
            3 => DemoSchedule::NightCycle,
            _ => DemoSchedule::Workshop,
        }
    }

    /// The planned start and end of a date as seconds after its local midnight (the
    /// end may pass midnight), or none on a day off. Free and floating days start at
    /// a time of the person's own.
    fn plan(self, date: NaiveDate, noise: u64) -> Option<(i64, i64)> {
        let weekday = date.weekday().number_from_monday();
        match self {
            DemoSchedule::Office => (weekday <= 5).then_some((9 * HOUR, 18 * HOUR)),
            DemoSchedule::Workshop => (weekday <= 6).then_some((8 * HOUR, 17 * HOUR)),
            DemoSchedule::Free | DemoSchedule::Floating => {
                let start = 8 * HOUR + (noise % 9) as i64 * 15 * MINUTE;
                (weekday <= 5).then_some((start, start + 9 * HOUR))
            }
            DemoSchedule::NightCycle => {
                let anchor =
                    NaiveDate::from_ymd_opt(CYCLE_ANCHOR.0, CYCLE_ANCHOR.1, CYCLE_ANCHOR.2)?;
                let slot = (date - anchor).num_days().rem_euclid(4);
                (slot < 2).then_some((21 * HOUR, 33 * HOUR))
            }
        }
    }

    fn has_lunch_window(self) -> bool {
        matches!(self, DemoSchedule::Office | DemoSchedule::Workshop)
    }
}

/// A demo employee as the attendance seeding needs them.
#[derive(Clone, Copy, Debug)]
pub struct Person {
    pub employee_id: i64,
    pub schedule: DemoSchedule,
    pub location_id: i64,
}

/// A small deterministic generator (splitmix64).
fn noise(a: i64, b: i64, salt: u64) -> u64 {
    let mut z = (a as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((b as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9))
        .wrapping_add(salt);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Seeds the holidays, time-off types, time-offs and clock events.
pub async fn seed(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    people: &[Person],
    now: i64,
) -> StoreResult<()> {
    let zone = CompanyZone::named_or_default("Asia/Tashkent");
    let today = zone.date_of(now).map(naive).unwrap_or_default();
    let first = today
        .checked_sub_days(Days::new(HISTORY_DAYS))
        .unwrap_or(today);
    let holiday_dates = seed_holidays(conn, company, today, now).await?;
    let leave = seed_time_offs(conn, company, people, today, &zone, now).await?;
    let mut events = Vec::new();
    for person in people {
        for date in first.iter_days().take_while(|d| *d <= today) {
            let on_leave = leave
                .iter()
                .any(|(id, from, to)| *id == person.employee_id && (*from..=*to).contains(&date));
            let holiday =
                holiday_dates.contains(&date) && person.schedule != DemoSchedule::NightCycle;
            let gone = person.employee_id == people.last().map_or(0, |p| p.employee_id)
                && date > today.checked_sub_days(Days::new(10)).unwrap_or(today);
            if !on_leave && !holiday && !gone {
                day_events(person, date, &zone, now, &mut events);
            }
        }
    }
    clock_events::insert_batch(conn, company, &events, now).await?;
    // The last employee left ten days ago: the dismissed report shows them.
    if let Some(last) = people.last() {
        let last_day = today.checked_sub_days(Days::new(10)).unwrap_or(today);
        lifecycle::dismiss(conn, company, EmployeeId(last.employee_id), last_day, today).await?;
    }
    Ok(())
}

/// The events of one person on one date (only those before `now`).
fn day_events(
    person: &Person,
    date: NaiveDate,
    zone: &CompanyZone,
    now: i64,
    out: &mut Vec<NewEvent>,
) {
    let day = date.num_days_from_ce() as i64;
    let roll = |salt: u64| noise(person.employee_id, day, salt);
    let Some((start, end)) = person.schedule.plan(date, noise(person.employee_id, 0, 7)) else {
        return;
    };
    // One work day in twenty is missed without a word.
    if roll(1) % 20 == 0 {
        return;
    }
    let arrival = if roll(2) % 10 == 0 {
        start + (10 + (roll(3) % 60) as i64) * MINUTE
    } else {
        start - (roll(3) % 20) as i64 * MINUTE + (roll(4) % 5) as i64 * MINUTE
    };
    let departure = if roll(5) % 12 == 0 {
        end + (60 + (roll(6) % 120) as i64) * MINUTE
    } else {
        end - (roll(6) % 10) as i64 * MINUTE + (roll(7) % 40) as i64 * MINUTE
    };
    let mut times = vec![(EventKind::In, arrival)];
    if person.schedule.has_lunch_window() && roll(8) % 4 == 0 {
        let lunch = end - 5 * HOUR + (roll(9) % 15) as i64 * MINUTE;
        times.push((EventKind::Out, lunch));
        times.push((
            EventKind::In,
            lunch + 50 * MINUTE + (roll(10) % 15) as i64 * MINUTE,
        ));
    }
    times.push((EventKind::Out, departure));
    for (kind, seconds) in times {
        let at = zone.local_instant(civil(date), seconds + (roll(11) % 60) as i64);
        if at >= now {
            break;
        }
        out.push(NewEvent {
            employee_id: EmployeeId(person.employee_id),
            kind,
            at,
            location_id: Some(LocationId(person.location_id)),
            // Now and then an office manager enters a forgotten departure by hand.
            mode: if kind == EventKind::Out && roll(12) % 25 == 0 {
                ClockMode::Manual
            } else {
                ClockMode::Auto
            },
            device_id: None,
            device_uid: None,
            ip: None,
            latitude: None,
            longitude: None,
            created_by: None,
            verify_mode: None,
            work_code: None,
        });
    }
}

/// The official holidays of this year and the last, and the shortened day before
/// Navruz; answers the holiday dates.
async fn seed_holidays(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    today: NaiveDate,
    now: i64,
) -> StoreResult<Vec<NaiveDate>> {
    const HOLIDAYS: [(u32, u32, &str); 7] = [
        (1, 1, "Новый год"),
        (3, 8, "Международный женский день"),
        (3, 21, "Навруз"),
        (5, 9, "День памяти и почестей"),
        (9, 1, "День независимости"),
        (10, 1, "День учителя и наставника"),
        (12, 8, "День Конституции"),
    ];
    let mut dates = Vec::new();
    for year in [today.year() - 1, today.year()] {
        for (month, day, title) in HOLIDAYS {
            let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
                continue;
            };
            let fields = HolidayFields {
                date,
                title: title.into(),
                kind: HolidayKind::Holiday,
            };
            holidays::create(conn, company, &fields, now).await?;
            dates.push(date);
        }
        if let Some(eve) = NaiveDate::from_ymd_opt(year, 3, 20) {
            let fields = HolidayFields {
                date: eve,
                title: "Предпраздничный день".into(),
                kind: HolidayKind::Shortened,
            };
            holidays::create(conn, company, &fields, now).await?;
        }
    }
    Ok(dates)
}

/// Time-off types and time-offs: vacations, sick days and hourly leave, accepted, and
/// a pending request; answers the accepted daily ones as (employee, first, last date).
async fn seed_time_offs(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    people: &[Person],
    today: NaiveDate,
    zone: &CompanyZone,
    now: i64,
) -> StoreResult<Vec<(i64, NaiveDate, NaiveDate)>> {
    let mut types = Vec::new();
    for (title, description, color) in [
        ("Отпуск", "Ежегодный оплачиваемый отпуск", "A0522D"),
        ("Больничный", "", "4D1A99"),
        ("Личные дела", "", "88FF00"),
    ] {
        let fields = TimeOffTypeFields {
            title: title.into(),
            description: description.into(),
            color: color.into(),
        };
        types.push(time_off_types::create(conn, company, &fields, now).await?);
    }
    let day = |back: u64| today.checked_sub_days(Days::new(back)).unwrap_or(today);
    let mut daily = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let (type_id, first, last, status) = match i % 9 {
            0 => (types[0], day(30), day(26), 1),
            4 => (types[1], day(12), day(12), 1),
            3 => (types[0], day(0) + Days::new(14), day(0) + Days::new(20), 0),
            7 => {
                let date = day(5);
                let new = NewTimeOff {
                    employee_id: EmployeeId(person.employee_id),
                    type_id: TimeOffTypeId(types[2]),
                    daily: false,
                    start_at: zone.local_instant(civil(date), 10 * HOUR),
                    end_at: zone.local_instant(civil(date), 12 * HOUR),
                    description: Some("Визит в банк".into()),
                    paid: false,
                    status: 1,
                    created_by: None,
                };
                time_offs::create(conn, company, &new, now).await?;
                continue;
            }
            _ => continue,
        };
        let new = NewTimeOff {
            employee_id: EmployeeId(person.employee_id),
            type_id: TimeOffTypeId(type_id),
            daily: true,
            start_at: zone.day_start(civil(first)),
            end_at: zone.day_start(civil(last.succ_opt().unwrap_or(last))) - 1,
            description: None,
            paid: true,
            status,
            created_by: None,
        };
        time_offs::create(conn, company, &new, now).await?;
        if status == 1 {
            daily.push((person.employee_id, first, last));
        }
    }
    Ok(daily)
}
