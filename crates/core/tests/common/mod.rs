//! Helpers shared by the engine's golden tests: cases written with local times and
//! schedule bodies, and day rows shown with the API's field names and formats.
#![allow(dead_code)]

use davomat_core::engine::{
    self, Attendance, Calendar, ClockEvent, DayRow, Employment, EventKind, Holiday, HolidayKind,
    Rules, TimeOff, TimeOffStatus, Timesheet, duration,
};
use davomat_core::schedule::{ScheduleDefinition, parse_definition};
use davomat_core::validation::FieldErrors;
use davomat_core::zone::CompanyZone;
use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use serde_json::{Map, Value, json};

pub fn date(text: &str) -> Date {
    text.parse().expect("a YYYY-MM-DD date")
}

/// A local `YYYY-MM-DD HH:MM:SS` (or `HH:MM`) in `zone` as a unix second.
pub fn local(zone: &CompanyZone, text: &str) -> i64 {
    let text = if text.len() == 16 {
        format!("{text}:00")
    } else {
        text.to_string()
    };
    let at: DateTime = text.parse().expect("a local date-time");
    let seconds = at.hour() as i64 * 3600 + at.minute() as i64 * 60 + at.second() as i64;
    zone.local_instant(at.date(), seconds)
}

/// A schedule from its API body (SEMANTICS.md §12).
pub fn schedule(body: &Value) -> ScheduleDefinition {
    let mut errors = FieldErrors::new();
    let map = body.as_object().cloned().unwrap_or_default();
    let definition = parse_definition(&map, &mut errors);
    assert!(
        errors.is_empty(),
        "schedule body refused: {:?}",
        errors.into_vec()
    );
    definition.expect("a schedule")
}

/// FX of §10: fixed Mon–Fri 09:00–18:00, lunch 13:00–14:00.
pub fn fx() -> Value {
    let days: Vec<Value> = (1..=5)
        .map(|weekday| {
            json!({"weekday": weekday, "start": "09:00", "end": "18:00",
                   "lunch_start": "13:00", "lunch_end": "14:00"})
        })
        .collect();
    json!({"type": 2, "days": days})
}

/// One employee's inputs, written in local time.
pub struct Case {
    pub zone: CompanyZone,
    pub rules: Rules,
    pub schedule: ScheduleDefinition,
    pub employment: Employment,
    pub holidays: Vec<Holiday>,
    pub events: Vec<ClockEvent>,
    pub time_offs: Vec<TimeOff>,
    pub now: i64,
}

impl Case {
    pub fn new(zone: &str, body: Value, anchor: &str) -> Case {
        let zone = CompanyZone::named(zone).expect("a known zone");
        let now = local(&zone, "2030-01-01 00:00:00");
        Case {
            zone,
            rules: Rules::default(),
            schedule: schedule(&body),
            employment: Employment {
                start_date: date("2000-01-01"),
                dismissal_date: None,
                schedule_start_date: date(anchor),
            },
            holidays: Vec::new(),
            events: Vec::new(),
            time_offs: Vec::new(),
            now,
        }
    }

    /// Tashkent, anchored at 2025-03-01.
    pub fn tashkent(body: Value) -> Case {
        Case::new("Asia/Tashkent", body, "2025-03-01")
    }

    pub fn now(mut self, at: &str) -> Case {
        self.now = local(&self.zone, at);
        self
    }

    pub fn event_at(mut self, kind: EventKind, at: &str, location: Option<i64>) -> Case {
        let id = self.events.len() as i64 + 1;
        self.events.push(ClockEvent {
            id,
            kind,
            at: local(&self.zone, at),
            location_id: location,
            manual: false,
        });
        self
    }

    pub fn clock_in(self, at: &str) -> Case {
        self.event_at(EventKind::In, at, None)
    }

    pub fn clock_out(self, at: &str) -> Case {
        self.event_at(EventKind::Out, at, None)
    }

    pub fn holiday(mut self, on: &str, kind: HolidayKind) -> Case {
        self.holidays.push(Holiday {
            date: date(on),
            kind,
        });
        self
    }

    /// A time-off; `daily` ones take whole dates from `start`'s to `end`'s.
    pub fn time_off(
        mut self,
        id: i64,
        status: TimeOffStatus,
        paid: bool,
        daily: bool,
        start: &str,
        end: &str,
    ) -> Case {
        self.time_offs.push(TimeOff {
            id,
            type_id: 100 + id,
            status,
            paid,
            daily,
            start: local(&self.zone, start),
            end: local(&self.zone, end),
        });
        self
    }

    pub fn sheet(&self, from: Date, to: Date) -> Timesheet {
        let calendar = Calendar::new(&self.zone, &self.holidays, self.rules, from, to);
        let attendance = Attendance {
            schedule: &self.schedule,
            employment: &self.employment,
            events: &self.events,
            time_offs: &self.time_offs,
        };
        engine::timesheet(&calendar, &attendance, self.now, from, to)
    }

    /// The row of one date, computed within its month.
    pub fn row(&self, on: &str) -> Option<DayRow> {
        let on = date(on);
        let from = on - 20.days();
        let to = on + 20.days();
        self.sheet(from, to)
            .rows
            .into_iter()
            .find(|row| row.date == on)
    }

    /// Checks every field of `expect` (`{"YYYY-MM-DD": {field: value}}`) against the
    /// rows computed over the dates around them.
    pub fn check(&self, expect: &Value) {
        let expect = expect.as_object().expect("an object of dates");
        for (on, fields) in expect {
            let row = self.row(on).unwrap_or_else(|| panic!("no row for {on}"));
            let shown = view(&self.zone, &row);
            for (field, wanted) in fields.as_object().expect("an object of fields") {
                let got = shown
                    .get(field)
                    .unwrap_or_else(|| panic!("the engine shows no field {field}"));
                assert_eq!(
                    got, wanted,
                    "{on} {field}: got {got}, expected {wanted}\n{row:#?}"
                );
            }
        }
    }
}

fn duration_or_null(seconds: Option<i64>) -> Value {
    seconds.map_or(Value::Null, |s| Value::String(duration::hh_mm(s)))
}

/// A day row with the API's field names and formats (TimesScheduled, TimesActual
/// and the report rows), plus the engine's own `absent`, `night_time`, `day_time`.
pub fn view(zone: &CompanyZone, row: &DayRow) -> Map<String, Value> {
    let time = |at: Option<i64>| {
        at.map_or(Value::Null, |at| {
            Value::String(duration::local_hh_mm(zone, at))
        })
    };
    let full = |at: Option<i64>| {
        at.map_or(Value::Null, |at| {
            Value::String(duration::local_date_time(zone, at))
        })
    };
    let hm = |seconds: i64| Value::String(duration::hh_mm(seconds));
    let fields = json!({
        "report_date": row.date.to_string(),
        "is_work_day": row.is_work_day,
        "is_holiday": row.is_holiday,
        "production_time": hm(row.production),
        "start_time": full(row.start),
        "end_time": full(row.end),
        "timeoff_id": row.timeoff_id,
        "first_in": time(row.first_in),
        "last_out": time(row.last_out),
        "late_in": duration_or_null(row.late_in),
        "early_in": duration_or_null(row.early_in),
        "early_out": duration_or_null(row.early_out),
        "late_out": duration_or_null(row.late_out),
        "authorized_time": hm(row.authorized),
        "work_time": hm(row.work),
        "last_event": row.last_event.map(EventKind::name),
        "sum_paid_time": duration_or_null(row.sum_paid),
        "sum_not_paid_time": duration_or_null(row.sum_not_paid),
        "sum_paid_over_time": duration_or_null(row.sum_paid_over),
        "sum_not_paid_over_time": duration_or_null(row.sum_not_paid_over),
        "paid_time": hm(row.paid),
        "not_paid_time": hm(row.not_paid),
        "paid_over_time": duration_or_null(row.paid_over),
        "not_paid_over_time": duration_or_null(row.not_paid_over),
        "status": row.status,
        "not_authorized_time": hm(row.not_authorized),
        "auth_lunch_time": duration_or_null(row.auth_lunch),
        "norm_worktime": hm(row.norm_worktime),
        "overtime": hm(row.overtime),
        "night_time": hm(row.night),
        "day_time": hm(row.day),
        "absent": row.absent,
        "expected": hm(row.expected),
        "missing_out": row.missing_out,
        "missing_in": row.missing_in,
        "events": row.events,
    });
    match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
