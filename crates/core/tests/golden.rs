//! The worked examples of SEMANTICS.md §10, loaded from `golden/semantics-examples.json`
//! (a copy of the shared file, unchanged): every case, every expected field.

mod common;

use common::{Case, date, local, schedule, view};
use davomat_core::engine::{
    self, Attendance, Calendar, ClockEvent, Employment, EventKind, Holiday, HolidayKind, Rules,
    TimeOff, TimeOffStatus, duration,
};
use davomat_core::zone::CompanyZone;
use jiff::ToSpan;
use serde_json::Value;

fn examples() -> Value {
    let text = include_str!("golden/semantics-examples.json");
    serde_json::from_str(text).expect("the golden file is JSON")
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {value}"))
}

/// Builds the case from its JSON: zone, schedule, holidays, time-offs, events, now.
fn case_of(value: &Value) -> Case {
    let zone = CompanyZone::named(text(value, "time_zone")).expect("zone");
    let anchor = date(text(value, "schedule_start_date"));
    let mut locations: Vec<String> = Vec::new();
    let events = value["events"]
        .as_array()
        .expect("events")
        .iter()
        .enumerate()
        .map(|(i, event)| {
            let location = event["location"].as_str().map(|name| {
                if !locations.iter().any(|l| l == name) {
                    locations.push(name.to_string());
                }
                locations
                    .iter()
                    .position(|l| l == name)
                    .map_or(0, |p| p as i64 + 1)
            });
            ClockEvent {
                id: i as i64 + 1,
                kind: match text(event, "event") {
                    "in" => EventKind::In,
                    "out" => EventKind::Out,
                    other => panic!("unknown event {other}"),
                },
                at: local(&zone, text(event, "time")),
                location_id: location,
                manual: false,
            }
        })
        .collect();
    let holidays = value["holidays"]
        .as_array()
        .expect("holidays")
        .iter()
        .map(|h| Holiday {
            date: date(text(h, "date")),
            kind: match text(h, "kind") {
                "holiday" => HolidayKind::Holiday,
                "shortened" => HolidayKind::Shortened,
                other => panic!("unknown holiday kind {other}"),
            },
        })
        .collect();
    let time_offs = value["time_offs"]
        .as_array()
        .expect("time_offs")
        .iter()
        .map(|t| TimeOff {
            id: t["id"].as_i64().expect("id"),
            type_id: 1000 + t["id"].as_i64().expect("id"),
            status: t["status"]
                .as_i64()
                .and_then(TimeOffStatus::from_id)
                .expect("status 0-3"),
            paid: t["paid"].as_bool().expect("paid"),
            daily: text(t, "absence_type") == "daily",
            start: local(&zone, text(t, "start_date_time")),
            end: local(&zone, text(t, "end_date_time")),
        })
        .collect();
    Case {
        now: local(&zone, text(value, "now")),
        zone,
        rules: Rules::default(),
        schedule: schedule(&value["schedule"]),
        employment: Employment {
            start_date: date("2000-01-01"),
            dismissal_date: None,
            schedule_start_date: anchor,
        },
        holidays,
        events,
        time_offs,
    }
}

#[test]
fn every_worked_example_holds() {
    let examples = examples();
    let cases = examples["cases"].as_array().expect("cases");
    assert!(cases.len() >= 23, "the file lost cases");
    let mut checked = 0;
    for value in cases {
        let name = text(value, "name");
        let case = case_of(value);
        let expect = value["expect"].as_object().expect("expect");
        for (key, fields) in expect {
            match key.as_str() {
                "night" | "night_by_location" => night_report(&case, key, fields, name),
                on => {
                    let row = case
                        .row(on)
                        .unwrap_or_else(|| panic!("{name}: no row for {on}"));
                    let shown = view(&case.zone, &row);
                    for (field, wanted) in fields.as_object().expect("fields") {
                        let got = shown
                            .get(field)
                            .unwrap_or_else(|| panic!("{name}: the engine shows no {field}"));
                        assert_eq!(got, wanted, "{name}, {on}, {field}\n{row:#?}");
                        checked += 1;
                    }
                }
            }
        }
    }
    // Every field of every dated expectation (the night ones are counted apart).
    assert_eq!(checked, 190, "fields checked");
}

/// E16: the sums of the night reports over the month of the events.
fn night_report(case: &Case, key: &str, fields: &Value, name: &str) {
    let first = case.events.iter().map(|e| e.at).min().expect("events");
    let day = case.zone.date_of(first).expect("date");
    let from = day.first_of_month();
    let to = from + 30.days();
    let sheet = case.sheet(from, to);
    let summary = engine::night(&sheet);
    let fields = fields.as_object().expect("fields");
    if key == "night" {
        for (field, wanted) in fields {
            let got = match field.as_str() {
                "day_time_sum" => Value::from(duration::hh_mm(summary.day)),
                "night_time_sum" => Value::from(duration::hh_mm(summary.night)),
                "sum_day_night_time" => {
                    Value::from(duration::hh_mm_ss(summary.day + summary.night))
                }
                "sum_day_night_minute" => {
                    Value::from(duration::minutes(summary.day + summary.night))
                }
                other => panic!("{name}: no night field {other}"),
            };
            assert_eq!(&got, wanted, "{name}, night, {field}");
        }
        return;
    }
    // Locations are numbered in order of first appearance: "A" = 1, "B" = 2 …
    for (label, wanted) in fields {
        let id = i64::from(label.as_bytes()[0] - b'A' + 1);
        let location = summary
            .locations
            .iter()
            .find(|l| l.location_id == Some(id))
            .unwrap_or_else(|| panic!("{name}: no location {label}"));
        for (field, value) in wanted.as_object().expect("fields") {
            let got = match field.as_str() {
                "day_time_sum" => duration::hh_mm_ss(location.day),
                "night_time_sum" => duration::hh_mm_ss(location.night),
                other => panic!("{name}: no location field {other}"),
            };
            assert_eq!(
                Value::from(got),
                *value,
                "{name}, location {label}, {field}"
            );
        }
    }
    // Both segments of E16 belong to the date of the first in.
    let dates: Vec<_> = summary.dates.iter().map(|d| d.date).collect();
    assert_eq!(dates, vec![day], "{name}: inout dates");
    // Two segments: A closed by the in at B (no out location), B closed by its out.
    let segments = &sheet.segments[summary.dates[0].segments.clone()];
    let ends: Vec<_> = segments
        .iter()
        .map(|s| (s.in_location, s.out_location))
        .collect();
    assert_eq!(
        ends,
        vec![(Some(1), None), (Some(2), Some(2))],
        "{name}: segments"
    );
}

#[test]
fn the_formatting_table_holds() {
    let examples = examples();
    for row in examples["formatting"].as_array().expect("formatting") {
        let seconds = row["seconds"].as_i64().expect("seconds");
        assert_eq!(duration::hh_mm(seconds), text(row, "hh_mm"));
        assert_eq!(duration::hh_mm_ss(seconds), text(row, "hh_mm_ss"));
        assert_eq!(Some(duration::minutes(seconds)), row["minutes"].as_i64());
    }
}

#[test]
fn tashkent_production_is_eight_hours_any_date() {
    // E19's last line: no DST in Tashkent.
    let case = Case::tashkent(common::fx());
    for on in ["2025-03-31", "2025-10-27", "2026-03-30"] {
        let row = case.row(on).expect("row");
        assert_eq!(row.production, 8 * 3600, "{on}");
    }
}

#[test]
fn e3_and_e4_in_t12() {
    let examples = examples();
    let cases = examples["cases"].as_array().expect("cases");
    let find = |prefix: &str| {
        cases
            .iter()
            .find(|c| text(c, "name").starts_with(prefix))
            .map(case_of)
            .expect("case")
    };
    let sums = |case: &Case| {
        let calendar = Calendar::new(
            &case.zone,
            &case.holidays,
            case.rules,
            date("2025-03-04"),
            date("2025-03-04"),
        );
        let attendance = Attendance {
            schedule: &case.schedule,
            employment: &case.employment,
            events: &case.events,
            time_offs: &case.time_offs,
        };
        let rows = engine::days(
            &calendar,
            &attendance,
            case.now,
            date("2025-03-04"),
            date("2025-03-04"),
        );
        (engine::t12(&rows), rows)
    };
    let (absent, _) = sums(&find("E3 "));
    assert_eq!(absent.without_absence, 8 * 3600);
    assert_eq!(absent.with_absence, 0);
    let (leave, rows) = sums(&find("E4 "));
    assert_eq!(leave.with_absence, 8 * 3600);
    assert_eq!(leave.without_absence, 0);
    assert_eq!(rows[0].timeoff_type_id, Some(1001));
    let (pending, _) = sums(&find("E4b"));
    assert_eq!(pending, absent);
}

/// The worked examples as the monthly timesheet marks them (SEMANTICS.md §9's codes).
#[test]
fn worked_examples_on_the_timesheet() {
    use engine::t13::{DayCode, LeaveCode, day_mark, mark_totals};
    let examples = examples();
    let cases = examples["cases"].as_array().expect("cases");
    let mark = |prefix: &str, on: &str, type_code: Option<LeaveCode>| {
        let value = cases
            .iter()
            .find(|c| text(c, "name").starts_with(prefix))
            .expect("case");
        let row = case_of(value).row(on).expect("a row");
        day_mark(&row, type_code)
    };
    let worked = mark("E1 ", "2025-03-03", None);
    assert_eq!(worked.code, DayCode::Worked);
    assert_eq!((worked.work, worked.late), ((8 * 60 + 15) * 60, None));
    let late = mark("E2 ", "2025-03-03", None);
    assert_eq!((late.code, late.late), (DayCode::Worked, Some(47 * 60)));
    assert_eq!(mark("E3 ", "2025-03-04", None).code, DayCode::Absent);
    assert_eq!(
        mark("E4 ", "2025-03-04", None).code,
        DayCode::Leave(LeaveCode::AnnualLeave)
    );
    let sick = mark("E4 ", "2025-03-04", Some(LeaveCode::SickLeave));
    assert_eq!((sick.code.letters(), sick.code.number()), ("Б", "19"));
    assert_eq!(mark("E4b", "2025-03-04", None).code, DayCode::Absent);
    // Hourly unpaid leave on a day with work: the day is worked.
    assert_eq!(mark("E5 ", "2025-03-05", None).code, DayCode::Worked);
    let night = mark("E6 ", "2025-03-05", None);
    assert_eq!((night.code, night.night), (DayCode::Worked, 8 * 3600));
    let holiday = mark("E13", "2025-03-21", None);
    assert_eq!(holiday.code, DayCode::WorkedOnDayOff);
    assert_eq!(holiday.code.letters(), "РВ");
    // Work during a paid day of leave still shows the work.
    assert_eq!(mark("E17", "2025-03-05", None).code, DayCode::Worked);

    let totals = mark_totals(&[worked, late, mark("E3 ", "2025-03-04", None), sick, holiday]);
    assert_eq!(totals.days_worked, 3);
    assert_eq!(totals.absences, 1);
    assert_eq!(totals.leave_days, 1);
    assert_eq!((totals.late_days, totals.late), (1, 47 * 60));
    assert_eq!(totals.work_on_days_off, 4 * 3600);
    assert_eq!(totals.work, worked.work + late.work + holiday.work);
}

/// A day off with no work is В; a working day still to come is blank.
#[test]
fn days_off_and_days_to_come_on_the_timesheet() {
    use engine::t13::{DayCode, day_mark};
    let examples = examples();
    let value = examples["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| text(c, "name").starts_with("E3 "))
        .expect("case");
    let mut case = case_of(value);
    let saturday = case.row("2025-03-08").expect("a row");
    assert_eq!(day_mark(&saturday, None).code, DayCode::DayOff);
    case.now = local(&case.zone, "2025-03-04 08:00");
    let coming = case.row("2025-03-05").expect("a row");
    assert_eq!(day_mark(&coming, None).code, DayCode::Blank);
}
