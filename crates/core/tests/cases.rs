//! Golden cases of our own, beyond SEMANTICS.md §10: shift cycles, night shifts,
//! lunches, holidays, time-off, employment bounds, absence timing, graces, window
//! boundaries, segments, orphans and open intervals.

mod common;

use common::{Case, date, fx, local};
use davomat_core::engine::{self, EventKind, HolidayKind, PieceState, TimeOffStatus, duration};
use serde_json::{Value, json};

const ACCEPTED: TimeOffStatus = TimeOffStatus::Accepted;

/// A shift cycle of `slots` (null = off), Tashkent.
fn cycle(slots: Value, anchor: &str) -> Case {
    Case::new("Asia/Tashkent", json!({"type": 4, "cycle": slots}), anchor)
}

fn day_slot() -> Value {
    json!({"start": "08:00", "end": "20:00", "lunch_minutes": 60})
}

#[test]
fn a_cycle_anchored_after_the_date_counts_backwards() {
    // Slots: work, work, off, off from 2025-03-10; (D − anchor) mod 4.
    let case = cycle(json!([day_slot(), day_slot(), null, null]), "2025-03-10");
    case.check(&json!({
        "2025-03-05": {"is_work_day": false, "production_time": "00:00", "start_time": null},
        "2025-03-06": {"is_work_day": true, "production_time": "11:00",
                        "start_time": "2025-03-06 08:00:00", "end_time": "2025-03-06 20:00:00"},
        "2025-03-07": {"is_work_day": true},
        "2025-03-08": {"is_work_day": false},
        "2025-03-10": {"is_work_day": true},
    }));
}

#[test]
fn a_cycle_anchored_long_before_keeps_its_phase() {
    // From 2025-01-01: 03-02 is day 60 (slot 0), 03-03 day 61 (slot 1), 03-04 slot 2.
    let case = cycle(json!([day_slot(), day_slot(), null, null]), "2025-01-01");
    case.check(&json!({
        "2025-03-02": {"is_work_day": true},
        "2025-03-03": {"is_work_day": true},
        "2025-03-04": {"is_work_day": false},
        "2025-03-05": {"is_work_day": false},
        "2025-03-06": {"is_work_day": true},
    }));
}

#[test]
fn a_cycle_longer_than_a_week() {
    let a = json!({"start": "09:00", "end": "18:00", "lunch_start": "13:00", "lunch_end": "14:00"});
    let b = json!({"start": "10:00", "end": "16:00"});
    let slots = json!([a, a, a, a, a, a, a, null, null, b]);
    let case = cycle(slots, "2025-03-01")
        .clock_in("2025-03-10 10:00")
        .clock_out("2025-03-10 16:30");
    case.check(&json!({
        "2025-03-07": {"is_work_day": true, "production_time": "08:00"},
        "2025-03-08": {"is_work_day": false},
        "2025-03-09": {"is_work_day": false},
        "2025-03-10": {"production_time": "06:00", "auth_lunch_time": null,
                        "work_time": "06:30", "authorized_time": "06:00", "late_out": "00:30",
                        "overtime": "00:30"},
        "2025-03-11": {"is_work_day": true, "production_time": "08:00"},
        "2025-03-20": {"is_work_day": true, "production_time": "06:00"},
    }));
}

#[test]
fn a_fixed_night_shift_with_its_lunch_after_midnight() {
    let days: Vec<Value> = (1..=5)
        .map(|w| {
            json!({"weekday": w, "start": "22:00", "end": "07:00",
                         "lunch_start": "02:00", "lunch_end": "03:00"})
        })
        .collect();
    let case = Case::tashkent(json!({"type": 2, "days": days}))
        .clock_in("2025-03-03 21:55")
        .clock_out("2025-03-04 07:05");
    case.check(&json!({
        "2025-03-03": {"start_time": "2025-03-03 22:00:00", "end_time": "2025-03-04 07:00:00",
                        "production_time": "08:00", "first_in": "21:55", "last_out": "07:05",
                        "early_in": "00:05", "late_out": "00:05", "work_time": "09:10",
                        "authorized_time": "08:00", "auth_lunch_time": "01:00",
                        "not_authorized_time": "00:10", "night_time": "08:00", "day_time": "01:10",
                        "overtime": "00:10"},
        "2025-03-04": {"first_in": null, "last_event": null, "work_time": "00:00"},
    }));
}

fn duration_lunch() -> Value {
    json!({"type": 2, "days": [{"weekday": 1, "start": "09:00", "end": "18:00", "lunch_minutes": 60}]})
}

#[test]
fn a_long_gap_already_took_the_duration_lunch() {
    let case = Case::tashkent(duration_lunch())
        .clock_in("2025-03-03 09:00")
        .clock_out("2025-03-03 12:00")
        .clock_in("2025-03-03 13:30")
        .clock_out("2025-03-03 18:00");
    case.check(&json!({"2025-03-03": {
        "production_time": "08:00", "work_time": "07:30", "auth_lunch_time": "00:00",
        "authorized_time": "07:30", "not_authorized_time": "00:00", "norm_worktime": "-00:30"}}));
}

#[test]
fn a_short_gap_takes_part_of_the_duration_lunch() {
    let case = Case::tashkent(duration_lunch())
        .clock_in("2025-03-03 09:00")
        .clock_out("2025-03-03 12:00")
        .clock_in("2025-03-03 12:20")
        .clock_out("2025-03-03 18:00");
    case.check(&json!({"2025-03-03": {
        "work_time": "08:40", "auth_lunch_time": "00:40", "authorized_time": "08:00",
        "not_authorized_time": "00:00", "norm_worktime": "00:00", "overtime": "00:00"}}));
}

fn every_day_slot() -> Value {
    json!([{"start": "09:00", "end": "18:00", "lunch_start": "13:00", "lunch_end": "14:00"}])
}

#[test]
fn a_holiday_on_a_shift_schedule_is_still_a_work_day() {
    let case = cycle(every_day_slot(), "2025-03-01")
        .holiday("2025-03-21", HolidayKind::Holiday)
        .clock_in("2025-03-21 09:00")
        .clock_out("2025-03-21 18:00")
        .now("2025-03-25 00:00:00");
    case.check(&json!({
        "2025-03-21": {"is_work_day": true, "is_holiday": true, "production_time": "08:00",
                        "work_time": "09:00", "authorized_time": "08:00", "overtime": "00:00"},
        "2025-03-22": {"is_work_day": true, "is_holiday": false, "absent": true},
    }));
    let rows = case.sheet(date("2025-03-21"), date("2025-03-21")).rows;
    // Work on a holiday goes to weekend_holidays in T12.
    assert_eq!(engine::t12(&rows).weekend_holidays, 9 * 3600);
}

#[test]
fn an_unworked_holiday_on_a_shift_is_absent() {
    let case = cycle(every_day_slot(), "2025-03-01")
        .holiday("2025-03-21", HolidayKind::Holiday)
        .now("2025-03-25 00:00:00");
    case.check(
        &json!({"2025-03-21": {"is_holiday": true, "absent": true, "norm_worktime": "-08:00"}}),
    );
}

#[test]
fn a_shortened_day_on_a_shift_loses_an_hour_at_the_end() {
    let case = cycle(json!([{"start": "08:00", "end": "20:00"}]), "2025-03-01")
        .holiday("2025-03-20", HolidayKind::Shortened)
        .clock_in("2025-03-20 08:00")
        .clock_out("2025-03-20 19:00");
    case.check(&json!({"2025-03-20": {
        "is_work_day": true, "is_holiday": false, "end_time": "2025-03-20 19:00:00",
        "production_time": "11:00", "work_time": "11:00", "authorized_time": "11:00",
        "early_out": null, "late_out": null, "norm_worktime": "00:00"}}));
}

#[test]
fn time_off_at_the_end_moves_e_prime() {
    let case = Case::tashkent(fx())
        .time_off(
            1,
            ACCEPTED,
            false,
            false,
            "2025-03-05 16:00:00",
            "2025-03-05 18:00:00",
        )
        .clock_in("2025-03-05 09:00")
        .clock_out("2025-03-05 15:30");
    case.check(&json!({"2025-03-05": {
        "timeoff_id": 1, "sum_not_paid_time": "02:00", "sum_paid_time": "00:00",
        "sum_not_paid_over_time": "00:00", "expected": "06:00", "early_out": "00:30",
        "work_time": "06:30", "authorized_time": "05:30", "auth_lunch_time": "01:00",
        "norm_worktime": "-00:30", "paid_over_time": "00:00", "not_paid_over_time": "00:00"}}));
}

#[test]
fn leaving_when_the_time_off_starts_is_not_early() {
    let case = Case::tashkent(fx())
        .time_off(
            1,
            ACCEPTED,
            false,
            false,
            "2025-03-05 16:00:00",
            "2025-03-05 18:00:00",
        )
        .clock_in("2025-03-05 09:00")
        .clock_out("2025-03-05 16:00");
    case.check(&json!({"2025-03-05": {"early_out": null, "late_out": null,
                                      "authorized_time": "06:00", "norm_worktime": "00:00"}}));
}

#[test]
fn hourly_time_off_outside_the_schedule() {
    let case = Case::tashkent(fx())
        .time_off(
            2,
            ACCEPTED,
            true,
            false,
            "2025-03-03 19:00:00",
            "2025-03-03 21:00:00",
        )
        .clock_in("2025-03-03 09:00")
        .clock_out("2025-03-03 18:00")
        .clock_in("2025-03-03 19:00")
        .clock_out("2025-03-03 20:00");
    case.check(&json!({"2025-03-03": {
        "timeoff_id": 2, "sum_paid_time": "00:00", "sum_paid_over_time": "02:00",
        "sum_not_paid_time": "00:00", "sum_not_paid_over_time": "00:00",
        "work_time": "10:00", "authorized_time": "08:00", "auth_lunch_time": "01:00",
        "paid_time": "00:00", "paid_over_time": "01:00", "not_authorized_time": "00:00",
        "expected": "08:00", "norm_worktime": "00:00", "overtime": "00:00"}}));
}

#[test]
fn the_largest_time_off_names_the_day() {
    let case = Case::tashkent(fx())
        .time_off(
            5,
            ACCEPTED,
            false,
            false,
            "2025-03-05 09:00:00",
            "2025-03-05 10:00:00",
        )
        .time_off(
            3,
            ACCEPTED,
            true,
            false,
            "2025-03-05 15:00:00",
            "2025-03-05 17:00:00",
        )
        .clock_in("2025-03-05 10:00")
        .clock_out("2025-03-05 15:00")
        .clock_in("2025-03-05 17:00")
        .clock_out("2025-03-05 18:00");
    case.check(&json!({"2025-03-05": {
        "timeoff_id": 3, "sum_paid_time": "02:00", "sum_not_paid_time": "01:00",
        "expected": "05:00", "late_in": null, "early_out": null,
        "authorized_time": "05:00", "norm_worktime": "00:00"}}));
}

#[test]
fn equal_time_offs_go_to_the_lowest_id() {
    let case = Case::tashkent(fx())
        .time_off(
            7,
            ACCEPTED,
            false,
            false,
            "2025-03-05 09:00:00",
            "2025-03-05 10:00:00",
        )
        .time_off(
            4,
            ACCEPTED,
            false,
            false,
            "2025-03-05 16:00:00",
            "2025-03-05 17:00:00",
        );
    case.check(&json!({"2025-03-05": {"timeoff_id": 4, "sum_not_paid_time": "02:00"}}));
    let row = case.row("2025-03-05").expect("row");
    assert_eq!(row.timeoff_type_id, Some(104));
}

#[test]
fn rejected_and_deleted_time_off_do_nothing() {
    for status in [
        TimeOffStatus::Pending,
        TimeOffStatus::Rejected,
        TimeOffStatus::Deleted,
    ] {
        let case = Case::tashkent(fx())
            .time_off(
                1,
                status,
                true,
                true,
                "2025-03-04 00:00:00",
                "2025-03-04 23:59:59",
            )
            .now("2025-03-06 00:00:00");
        case.check(&json!({"2025-03-04": {
            "timeoff_id": null, "sum_paid_time": null, "paid_over_time": null,
            "absent": true, "norm_worktime": "-08:00"}}));
    }
}

#[test]
fn rows_stay_within_employment() {
    let mut case = Case::tashkent(fx());
    case.employment.start_date = date("2025-03-05");
    case.employment.dismissal_date = Some(date("2025-03-07"));
    let rows = case.sheet(date("2025-03-01"), date("2025-03-31")).rows;
    let dates: Vec<String> = rows.iter().map(|r| r.date.to_string()).collect();
    assert_eq!(dates, ["2025-03-05", "2025-03-06", "2025-03-07"]);
    assert!(
        case.sheet(date("2025-03-08"), date("2025-03-31"))
            .rows
            .is_empty()
    );
    assert!(
        case.sheet(date("2025-02-01"), date("2025-03-04"))
            .rows
            .is_empty()
    );
}

fn graced(late: u16, early: u16) -> Value {
    let mut body = fx();
    body["late_grace"] = json!(late);
    body["early_exit_grace"] = json!(early);
    body
}

#[test]
fn absent_today_only_once_the_grace_is_over() {
    let at = |now: &str| {
        Case::tashkent(graced(10, 0))
            .now(now)
            .row("2025-03-04")
            .expect("row")
            .absent
    };
    assert!(!at("2025-03-04 08:00:00"));
    assert!(!at("2025-03-04 09:09:59"));
    assert!(at("2025-03-04 09:10:00"));
    assert!(at("2025-03-05 00:00:00"));
    // A later date is never absent yet.
    assert!(
        !Case::tashkent(fx())
            .now("2025-03-04 12:00:00")
            .row("2025-03-05")
            .expect("row")
            .absent
    );
}

#[test]
fn late_grace_is_a_threshold() {
    let late = |at: &str| {
        Case::tashkent(graced(10, 5))
            .clock_in(at)
            .clock_out("2025-03-03 18:00")
            .row("2025-03-03")
            .expect("row")
    };
    assert_eq!(late("2025-03-03 09:07").late_in, None);
    assert_eq!(late("2025-03-03 09:10").late_in, None);
    assert_eq!(late("2025-03-03 09:12").late_in, Some(12 * 60));
}

#[test]
fn early_exit_grace_is_a_threshold() {
    let early = |at: &str| {
        Case::tashkent(graced(10, 5))
            .clock_in("2025-03-03 09:00")
            .clock_out(at)
            .row("2025-03-03")
            .expect("row")
            .early_out
    };
    assert_eq!(early("2025-03-03 17:56"), None);
    assert_eq!(early("2025-03-03 17:55"), None);
    assert_eq!(early("2025-03-03 17:50"), Some(10 * 60));
}

fn e8_schedule() -> Case {
    cycle(
        json!([
            {"start": "16:00", "end": "02:00", "lunch_start": "19:00", "lunch_end": "20:00"},
            {"start": "06:00", "end": "15:00", "lunch_start": "10:00", "lunch_end": "11:00"}
        ]),
        "2025-03-10",
    )
}

#[test]
fn the_shared_window_boundary_goes_to_the_earlier_shift() {
    let case = e8_schedule()
        .clock_in("2025-03-11 02:00")
        .clock_out("2025-03-11 03:00");
    case.check(&json!({
        "2025-03-10": {"first_in": "02:00", "work_time": "01:00", "late_in": "10:00"},
        "2025-03-11": {"first_in": null, "work_time": "00:00"},
    }));
    let later = e8_schedule()
        .clock_in("2025-03-11 02:01")
        .clock_out("2025-03-11 03:00");
    later.check(&json!({
        "2025-03-10": {"first_in": null},
        "2025-03-11": {"first_in": "02:01", "early_in": "03:59", "work_time": "00:59"},
    }));
}

#[test]
fn a_window_end_is_included_and_the_minute_after_falls_back() {
    // E6's nights: W(03-05) = [17:00, 13:00 next day]; 03-06 opens at 17:00.
    let nights = || {
        cycle(
            json!([
        {"start": "21:00", "end": "09:00"}, {"start": "21:00", "end": "09:00"}, null, null]),
            "2025-03-01",
        )
    };
    nights()
        .clock_in("2025-03-06 13:00")
        .clock_out("2025-03-06 14:00")
        .check(
            &json!({"2025-03-05": {"first_in": "13:00", "work_time": "01:00"},
                       "2025-03-06": {"first_in": null}}),
        );
    nights()
        .clock_in("2025-03-06 13:01")
        .clock_out("2025-03-06 14:00")
        .check(&json!({"2025-03-05": {"first_in": null},
                       "2025-03-06": {"first_in": "13:01", "early_in": "07:59"}}));
    nights()
        .clock_in("2025-03-05 17:00")
        .clock_out("2025-03-05 18:00")
        .check(
            &json!({"2025-03-05": {"first_in": "17:00", "early_in": "04:00"},
                       "2025-03-04": {"first_in": null}}),
        );
}

#[test]
fn an_overlap_goes_to_the_later_shift_from_the_earlier_end() {
    // D 08:00–22:00, D+1 04:00–12:00: W(D) would end 02:00, W(D+1) starts 00:00.
    let case = cycle(
        json!([{"start": "08:00", "end": "22:00"}, {"start": "04:00", "end": "12:00"}]),
        "2025-03-10",
    )
    .clock_in("2025-03-10 08:00")
    .clock_out("2025-03-10 22:00")
    .clock_in("2025-03-10 23:30")
    .clock_out("2025-03-10 23:50")
    .clock_in("2025-03-11 00:30")
    .clock_out("2025-03-11 12:00");
    case.check(&json!({
        "2025-03-10": {"work_time": "14:20", "last_out": "23:50", "late_out": "01:50"},
        "2025-03-11": {"first_in": "00:30", "early_in": "03:30", "work_time": "11:30",
                        "authorized_time": "08:00", "not_authorized_time": "03:30"},
    }));
}

#[test]
fn ins_at_one_location_merge_and_other_locations_cut_segments() {
    let zone_case = |locations: [i64; 3]| {
        Case::tashkent(fx())
            .event_at(EventKind::In, "2025-03-03 09:00", Some(locations[0]))
            .event_at(EventKind::In, "2025-03-03 12:00", Some(locations[1]))
            .event_at(EventKind::In, "2025-03-03 15:00", Some(locations[2]))
            .clock_out("2025-03-03 18:00")
    };
    let sheet = |case: &Case| case.sheet(date("2025-03-03"), date("2025-03-03"));
    let same = sheet(&zone_case([1, 1, 1]));
    assert_eq!(same.segments.len(), 1);
    assert_eq!(same.rows[0].work, 9 * 3600);
    assert_eq!(same.rows[0].events, 4);
    let case = zone_case([1, 2, 2]);
    let two = sheet(&case);
    let spans: Vec<(Option<i64>, Option<i64>, Option<i64>)> = two
        .segments
        .iter()
        .map(|s| (s.in_location, s.first_time, s.last_time))
        .collect();
    let at = |t: &str| Some(local(&case.zone, t));
    assert_eq!(
        spans,
        vec![
            (Some(1), at("2025-03-03 09:00"), at("2025-03-03 12:00")),
            (Some(2), at("2025-03-03 12:00"), at("2025-03-03 18:00")),
        ]
    );
    assert_eq!(two.rows[0].work, 9 * 3600);
    assert_eq!(sheet(&zone_case([1, 2, 1])).segments.len(), 3);
}

#[test]
fn an_out_more_than_sixteen_hours_on_is_an_orphan() {
    let case = Case::tashkent(fx())
        .clock_in("2025-03-03 08:00")
        .clock_out("2025-03-04 01:00");
    case.check(&json!({
        "2025-03-03": {"first_in": "08:00", "last_out": null, "work_time": "00:00",
                        "missing_out": true, "missing_in": false, "last_event": "in", "absent": false},
        "2025-03-04": {"first_in": null, "last_out": "01:00", "missing_in": true,
                        "last_event": "out", "work_time": "00:00", "absent": false,
                        // §5 read literally: E' − last_out, since the last event is an out.
                        "early_out": "17:00", "late_in": null},
    }));
    let sheet = case.sheet(date("2025-03-03"), date("2025-03-04"));
    let states: Vec<PieceState> = sheet.segments.iter().map(|s| s.state).collect();
    assert_eq!(states, vec![PieceState::UnpairedIn, PieceState::OrphanOut]);
    assert_eq!(sheet.segments[1].first_time, None);
}

#[test]
fn exactly_sixteen_hours_still_pairs() {
    Case::tashkent(fx())
        .clock_in("2025-03-03 08:00")
        .clock_out("2025-03-04 00:00")
        .check(&json!({"2025-03-03": {"work_time": "16:00", "night_time": "02:00", "missing_out": false}}));
}

#[test]
fn an_interval_open_at_now_counts_nothing_yet() {
    let case = Case::tashkent(fx())
        .clock_in("2025-03-03 09:00")
        .now("2025-03-03 12:00:00");
    case.check(&json!({"2025-03-03": {
        "status": true, "first_in": "09:00", "last_out": null, "last_event": "in",
        "work_time": "00:00", "authorized_time": "00:00", "early_out": null,
        "late_in": null, "absent": false, "norm_worktime": "-08:00", "missing_out": false}}));
}

#[test]
fn duplicates_within_a_minute_go_and_a_minute_later_stay() {
    let row = |second_in: &str| {
        Case::tashkent(fx())
            .clock_in("2025-03-03 09:00:00")
            .clock_in(second_in)
            .clock_out("2025-03-03 18:00:00")
            .row("2025-03-03")
            .expect("row")
    };
    assert_eq!(row("2025-03-03 09:01:00").events, 2);
    assert_eq!(row("2025-03-03 09:01:01").events, 3);
    assert_eq!(row("2025-03-03 09:01:01").work, 9 * 3600);
}

#[test]
fn work_on_a_day_off_is_all_unauthorised_and_weekend_time() {
    let case = Case::tashkent(fx())
        .clock_in("2025-03-08 10:00")
        .clock_out("2025-03-08 14:00");
    case.check(&json!({"2025-03-08": {
        "is_work_day": false, "production_time": "00:00", "start_time": null,
        "work_time": "04:00", "authorized_time": "00:00", "not_authorized_time": "04:00",
        "auth_lunch_time": null, "norm_worktime": "04:00", "overtime": "00:00",
        "late_in": null, "early_out": null, "absent": false}}));
    let rows = case.sheet(date("2025-03-08"), date("2025-03-08")).rows;
    let sums = engine::t12(&rows);
    assert_eq!(
        (sums.weekend_holidays, sums.worked_days, sums.overtime),
        (4 * 3600, 1, 0)
    );
}

#[test]
fn a_daily_time_off_covers_a_night_shift_past_midnight() {
    let case = cycle(
        json!([
        {"start": "21:00", "end": "09:00"}, {"start": "21:00", "end": "09:00"}, null, null]),
        "2025-03-01",
    )
    .time_off(
        9,
        ACCEPTED,
        true,
        true,
        "2025-03-05 00:00:00",
        "2025-03-05 23:59:59",
    )
    .now("2025-03-10 00:00:00");
    case.check(&json!({
        "2025-03-05": {"timeoff_id": 9, "sum_paid_time": "12:00", "expected": "00:00",
                        "absent": false, "norm_worktime": "00:00"},
        "2025-03-06": {"timeoff_id": null, "absent": true},
    }));
}

#[test]
fn work_running_into_a_day_of_time_off_meets_it_after_midnight() {
    let case = Case::tashkent(fx())
        .time_off(
            6,
            ACCEPTED,
            true,
            true,
            "2025-03-04 00:00:00",
            "2025-03-04 23:59:59",
        )
        .clock_in("2025-03-03 09:00")
        .clock_out("2025-03-03 18:00")
        .clock_in("2025-03-03 21:00")
        .clock_out("2025-03-04 02:00");
    case.check(&json!({
        "2025-03-03": {"timeoff_id": 6, "work_time": "14:00", "authorized_time": "08:00",
                        "auth_lunch_time": "01:00", "paid_over_time": "02:00", "paid_time": "00:00",
                        "not_authorized_time": "03:00", "sum_paid_time": "00:00",
                        "sum_paid_over_time": "00:00", "norm_worktime": "03:00", "overtime": "03:00"},
        "2025-03-04": {"timeoff_id": 6, "sum_paid_time": "08:00", "work_time": "00:00", "absent": false},
    }));
}

#[test]
fn a_free_day_with_a_daily_time_off_is_not_absent() {
    let body = json!({"type": 1, "days": [{"weekday": 2, "production_time": "08:00"}]});
    let case = Case::tashkent(body)
        .time_off(
            1,
            ACCEPTED,
            false,
            true,
            "2025-03-04 00:00:00",
            "2025-03-04 23:59:59",
        )
        .now("2025-03-20 00:00:00");
    case.check(&json!({
        "2025-03-04": {"absent": false, "sum_not_paid_time": "08:00", "norm_worktime": "00:00",
                        "start_time": null},
        "2025-03-11": {"absent": true, "norm_worktime": "-08:00", "late_in": null},
        "2025-03-12": {"is_work_day": false, "absent": false},
    }));
}

#[test]
fn dst_gaps_move_a_planned_start_forward() {
    // 2025-03-30, Berlin: 02:00–03:00 does not exist; a 02:30–05:00 shift starts at 03:30.
    let days: Vec<Value> = (1..=7)
        .map(|w| json!({"weekday": w, "start": "02:30", "end": "05:00"}))
        .collect();
    let case = Case::new(
        "Europe/Berlin",
        json!({"type": 2, "days": days}),
        "2025-03-01",
    );
    case.check(&json!({
        "2025-03-29": {"production_time": "02:30"},
        "2025-03-30": {"start_time": "2025-03-30 03:30:00", "production_time": "01:30"},
        "2025-03-31": {"production_time": "02:30"},
    }));
    // A day shift on the DST dates is unaffected.
    let office = Case::new("Europe/Berlin", fx(), "2025-03-01");
    office.check(&json!({"2025-03-31": {"production_time": "08:00"}}));
}

#[test]
fn floating_days_stop_on_holidays_and_shorten_before_them() {
    let days: Vec<Value> = (1..=5)
        .map(|w| {
            json!({"weekday": w, "start_from": "08:00", "start_to": "10:00",
                         "production_time": "08:00", "lunch_minutes": 60})
        })
        .collect();
    let case = Case::tashkent(json!({"type": 3, "days": days}))
        .holiday("2025-03-21", HolidayKind::Holiday)
        .holiday("2025-03-20", HolidayKind::Shortened)
        .clock_in("2025-03-20 09:00")
        .clock_out("2025-03-20 17:00");
    case.check(&json!({
        "2025-03-21": {"is_work_day": false, "is_holiday": true, "start_time": null},
        "2025-03-20": {"production_time": "07:00", "start_time": "2025-03-20 09:00:00",
                        "end_time": "2025-03-20 17:00:00", "authorized_time": "07:00",
                        "auth_lunch_time": "01:00", "early_out": null, "norm_worktime": "00:00"},
    }));
}

#[test]
fn night_reports_show_half_open_segments_and_count_manual_events() {
    let mut case = Case::tashkent(json!({"type": 1, "night_split": true,
        "days": [{"weekday": 3, "production_time": "08:00"}]}))
    .event_at(EventKind::In, "2025-03-05 20:00:00", Some(3))
    .event_at(EventKind::Out, "2025-03-06 04:30:30", Some(3))
    .event_at(EventKind::In, "2025-03-07 10:00:00", Some(3))
    .event_at(EventKind::Out, "2025-03-09 10:00:00", Some(4));
    case.events[0].manual = true;
    let sheet = case.sheet(date("2025-03-01"), date("2025-03-31"));
    let summary = engine::night(&sheet);
    assert_eq!(summary.night, 6 * 3600 + 30 * 60 + 30);
    assert_eq!(summary.day, 2 * 3600);
    assert_eq!(duration::hh_mm_ss(summary.day + summary.night), "08:30:30");
    assert_eq!(summary.production, 4 * 8 * 3600);
    assert_eq!(summary.work_days, 4);
    let dates: Vec<String> = summary.dates.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(dates, ["2025-03-05", "2025-03-07", "2025-03-09"]);
    assert_eq!(summary.dates[0].manual_events, 1);
    let unpaired = &sheet.segments[summary.dates[1].segments.start];
    assert_eq!(
        (unpaired.state, unpaired.last_time),
        (PieceState::UnpairedIn, None)
    );
    let orphan = &sheet.segments[summary.dates[2].segments.start];
    assert_eq!((orphan.first_time, orphan.out_location), (None, Some(4)));
    let ids: Vec<Option<i64>> = summary.locations.iter().map(|l| l.location_id).collect();
    assert_eq!(ids, [Some(3), Some(4)]);
    assert_eq!(summary.locations[0].segments, 2);
}

#[test]
fn t12_sums_a_week() {
    // Mon E1-like (+15 min), Tue absent, Wed late 47 min (E2), Thu paid daily leave, Fri nothing yet.
    let case = Case::tashkent(fx())
        .clock_in("2025-03-03 08:55")
        .clock_out("2025-03-03 18:10")
        .clock_in("2025-03-05 09:47")
        .clock_out("2025-03-05 18:00")
        .time_off(
            1,
            ACCEPTED,
            true,
            true,
            "2025-03-06 00:00:00",
            "2025-03-06 23:59:59",
        )
        .now("2025-03-07 08:00:00");
    let rows = case.sheet(date("2025-03-03"), date("2025-03-09")).rows;
    let sums = engine::t12(&rows);
    let hour = 3600;
    assert_eq!(sums.production, 5 * 8 * hour);
    assert_eq!(sums.work, 9 * hour + 15 * 60 + 8 * hour + 13 * 60);
    assert_eq!(sums.authorized, 8 * hour + 7 * hour + 13 * 60);
    assert_eq!(sums.worked_days, 2);
    assert_eq!(sums.with_absence, 8 * hour);
    // Tue −8:00, Wed −0:47, Fri −8:00 (not yet absent, still short).
    assert_eq!(sums.without_absence, 16 * hour + 47 * 60);
    assert_eq!(sums.all, 24 * hour + 47 * 60);
    assert_eq!(sums.not_worked, 47 * 60);
    assert_eq!(sums.overtime, 15 * 60);
    assert_eq!(sums.weekend_holidays, 0);
    let absent: Vec<bool> = rows.iter().map(|r| r.absent).collect();
    assert_eq!(absent, [false, true, false, false, false, false, false]);
}

#[test]
fn the_event_window_is_enough_for_the_range() {
    let full = Case::tashkent(fx())
        .clock_in("2025-02-27 09:00")
        .clock_out("2025-02-27 18:00")
        .clock_in("2025-02-28 21:00")
        .clock_in("2025-03-03 08:50")
        .clock_out("2025-03-03 18:00")
        .clock_in("2025-03-07 21:00")
        .clock_out("2025-03-08 03:00")
        .clock_in("2025-03-10 09:00");
    let (from, to) = (date("2025-03-03"), date("2025-03-07"));
    let calendar = engine::Calendar::new(&full.zone, &[], full.rules, from, to);
    let (first, last) = engine::event_window(&calendar, from, to);
    let mut windowed = Case::tashkent(fx());
    windowed.events = full
        .events
        .iter()
        .copied()
        .filter(|e| (first..=last).contains(&e.at))
        .collect();
    windowed.now = full.now;
    assert!(windowed.events.len() < full.events.len());
    assert_eq!(windowed.sheet(from, to), full.sheet(from, to));
}

// --- Transferred working days (SEMANTICS.md §2): a Saturday the government moves to a
// working day, entered as `workday` with the weekday it is worked as.

#[test]
fn a_moved_saturday_is_planned_as_its_weekday_on_a_fixed_schedule() {
    // 2025-03-08 is a Saturday; FX has no Saturday.
    let case = Case::tashkent(fx())
        .holiday("2025-03-08", HolidayKind::Workday(1))
        .holiday("2025-03-15", HolidayKind::Workday(1))
        .clock_in("2025-03-08 09:17")
        .clock_out("2025-03-08 18:00")
        .now("2025-03-20 00:00:00");
    case.check(&json!({
        "2025-03-08": {"is_work_day": true, "is_holiday": false,
                        "start_time": "2025-03-08 09:00:00", "end_time": "2025-03-08 18:00:00",
                        "production_time": "08:00", "late_in": "00:17",
                        "authorized_time": "07:43", "absent": false},
        // Moved and not worked: absent, as any working day.
        "2025-03-15": {"is_work_day": true, "absent": true, "norm_worktime": "-08:00"},
        // The Sunday after stays a day off.
        "2025-03-09": {"is_work_day": false, "absent": false},
    }));
}

#[test]
fn a_workday_takes_the_plan_of_the_weekday_it_names_even_a_day_off() {
    // A Wednesday entered as worked like a Saturday: FX plans no Saturday.
    let case = Case::tashkent(fx())
        .holiday("2025-03-05", HolidayKind::Workday(6))
        .now("2025-03-20 00:00:00");
    case.check(&json!({
        "2025-03-05": {"is_work_day": false, "absent": false, "start_time": null,
                        "production_time": "00:00"},
    }));
}

#[test]
fn a_moved_saturday_on_floating_and_free_schedules_takes_their_weekday() {
    let floating: Vec<Value> = (1..=5)
        .map(|w| {
            json!({"weekday": w, "start_from": "08:00", "start_to": "10:00",
                   "production_time": "08:00", "lunch_minutes": 60})
        })
        .collect();
    let case = Case::tashkent(json!({"type": 3, "days": floating}))
        .holiday("2025-03-08", HolidayKind::Workday(1))
        .clock_in("2025-03-08 09:30")
        .clock_out("2025-03-08 18:30");
    case.check(&json!({"2025-03-08": {
        "is_work_day": true, "production_time": "08:00",
        "start_time": "2025-03-08 09:30:00", "end_time": "2025-03-08 18:30:00",
        "authorized_time": "08:00", "norm_worktime": "00:00"}}));

    let free = json!({"type": 1, "days": [{"weekday": 2, "production_time": "06:00"}]});
    let case = Case::tashkent(free)
        .holiday("2025-03-08", HolidayKind::Workday(2))
        .now("2025-03-20 00:00:00");
    case.check(&json!({
        "2025-03-08": {"is_work_day": true, "production_time": "06:00", "absent": true,
                        "start_time": null, "norm_worktime": "-06:00"},
    }));
}

#[test]
fn a_shift_cycle_ignores_a_moved_saturday() {
    // Two slots from Friday 2025-03-07: Friday works, Saturday is off, and stays off.
    let case = cycle(json!([day_slot(), null]), "2025-03-07")
        .holiday("2025-03-08", HolidayKind::Workday(1))
        .now("2025-03-20 00:00:00");
    case.check(&json!({
        "2025-03-08": {"is_work_day": false, "absent": false, "production_time": "00:00"},
        "2025-03-09": {"is_work_day": true, "production_time": "11:00"},
    }));
}
