//! The JSON shapes of the report rows (reference file 13): the employee info, the
//! TimesScheduled and TimesActual objects, the day rows of at-work and late-in, the
//! absence rows, the flattened dismissed rows, the night reports and the T12.

use chrono::{Datelike, NaiveDate};
use davomat_core::engine::duration::{
    hh_mm, hh_mm_opt, hh_mm_ss, local_date_time, local_hh_mm, minutes,
};
use davomat_core::engine::{DayRow, NightSummary, Segment, T12Sums};
use davomat_core::zone::CompanyZone;
use davomat_store::attendance::RosterEmployee;
use serde_json::{Value, json};

use crate::attendance::Cause;
use crate::objects::PhotoBase;

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// ReportEmployeeInfo.
pub fn employee_info(e: &RosterEmployee, photos: &PhotoBase) -> Value {
    json!({
        "id": e.id,
        "full_name": e.full_name,
        "first_name": e.first_name,
        "last_name": e.last_name,
        "department_id": e.department_id,
        "department_title": e.department_title,
        "position_id": e.position_id,
        "position_title": e.position_title,
        "photos": photos.photos(e.id, e.photo_key.as_deref()),
    })
}

/// TimesScheduled of a date.
pub fn scheduled(row: &DayRow, schedule_id: i64, zone: &CompanyZone) -> Value {
    json!({
        "report_date": date_text(row.date),
        "is_work_day": row.is_work_day,
        "production_time": hh_mm(row.production),
        "start_time": row.start.map(|at| local_date_time(zone, at)),
        "end_time": row.end.map(|at| local_date_time(zone, at)),
        "schedule_id": schedule_id,
        "timeoff_id": row.timeoff_id,
    })
}

/// TimesActual of a date.
pub fn actual(row: &DayRow, zone: &CompanyZone) -> Value {
    json!({
        "first_in": row.first_in.map(|at| local_hh_mm(zone, at)),
        "last_out": row.last_out.map(|at| local_hh_mm(zone, at)),
        "late_in": hh_mm_opt(row.late_in),
        "early_in": hh_mm_opt(row.early_in),
        "early_out": hh_mm_opt(row.early_out),
        "late_out": hh_mm_opt(row.late_out),
        "authorized_time": hh_mm(row.authorized),
        "work_time": hh_mm(row.work),
        "last_event": row.last_event.map(|kind| kind.name()),
    })
}

/// A row of at-work and late-in.
pub fn day_row(e: &RosterEmployee, row: &DayRow, zone: &CompanyZone, photos: &PhotoBase) -> Value {
    json!({
        "employee": employee_info(e, photos),
        "scheduled": scheduled(row, e.schedule_id, zone),
        "actual": actual(row, zone),
        "sum_paid_time": hh_mm_opt(row.sum_paid),
        "sum_not_paid_time": hh_mm_opt(row.sum_not_paid),
        "sum_paid_over_time": hh_mm_opt(row.sum_paid_over),
        "sum_not_paid_over_time": hh_mm_opt(row.sum_not_paid_over),
        "paid_time": hh_mm(row.paid),
        "not_paid_time": hh_mm(row.not_paid),
        "paid_over_time": hh_mm_opt(row.paid_over),
        "not_paid_over_time": hh_mm_opt(row.not_paid_over),
        "status": row.status,
        "not_authorized_time": hh_mm(row.not_authorized),
        "auth_lunch_time": hh_mm_opt(row.auth_lunch),
        "norm_worktime": hh_mm(row.norm_worktime),
        "overtime": hh_mm(row.overtime),
    })
}

/// A row of the absence report.
pub fn absence_row(
    e: &RosterEmployee,
    row: &DayRow,
    zone: &CompanyZone,
    photos: &PhotoBase,
) -> Value {
    json!({
        "employee": employee_info(e, photos),
        "scheduled": scheduled(row, e.schedule_id, zone),
    })
}

fn zero_if_none(seconds: Option<i64>) -> String {
    hh_mm(seconds.unwrap_or(0))
}

/// A flattened day row of the dismissed report (durations never null).
pub fn dismissed_row(
    e: &RosterEmployee,
    row: &DayRow,
    cause: Option<(i64, &Cause)>,
    zone: &CompanyZone,
) -> Value {
    json!({
        "production_time": hh_mm(row.production),
        "paid_time": hh_mm(row.paid),
        "not_paid_time": hh_mm(row.not_paid),
        "first_in": row.first_in.map(|at| local_hh_mm(zone, at)),
        "last_out": row.last_out.map(|at| local_hh_mm(zone, at)),
        "authorized_time": hh_mm(row.authorized),
        "late_in": zero_if_none(row.late_in),
        "early_out": zero_if_none(row.early_out),
        "not_authorized_time": hh_mm_ss(row.not_authorized),
        "work_time": hh_mm(row.work),
        "norm_worktime": hh_mm(row.norm_worktime),
        "start_time": row.start.map(|at| local_hh_mm(zone, at)),
        "end_time": row.end.map(|at| local_hh_mm(zone, at)),
        "report_day": format!("{:02}", row.date.day()),
        "day_number": row.weekday,
        "employee_id": e.id,
        "report_date": date_text(row.date),
        "absence_cause_id": cause.map(|(id, _)| id),
        "type_abs": cause.map(|(_, c)| c.absence_type.clone()),
        "absence_cause_name": cause.map(|(_, c)| c.title.clone()),
        "absence_cause_title": cause.map(|(_, c)| c.title.clone()),
        "department_id": e.department_id,
        "department_title": e.department_title,
        "department_parent_title": e.department_parent_title,
        "last_name": e.last_name,
        "first_name": e.first_name,
        "full_name": e.full_name,
        "early_in": zero_if_none(row.early_in),
        "late_out": zero_if_none(row.late_out),
        "sum_paid_time": zero_if_none(row.sum_paid),
        "sum_not_paid_time": zero_if_none(row.sum_not_paid),
        "sum_paid_over_time": zero_if_none(row.sum_paid_over),
        "is_work_day": row.is_work_day,
    })
}

/// A PIN code as the night reports show it: a number when it reads as one.
pub fn pin_number(pin: &str) -> Value {
    pin.parse::<i64>().map_or_else(|_| json!(pin), |n| json!(n))
}

/// The employee header shared by both night reports.
fn night_header(e: &RosterEmployee, summary: &NightSummary) -> serde_json::Map<String, Value> {
    let total = summary.day + summary.night;
    let value = json!({
        "day_time_sum": hh_mm(summary.day),
        "night_time_sum": hh_mm(summary.night),
        "sum_day_night_time": hh_mm_ss(total),
        "sum_day_night_minute": minutes(total),
        "employeeID": e.id,
        "lastName": e.last_name,
        "firstName": e.first_name,
        "patronymic": e.patronymic,
        "fullName": e.full_name,
        "tab_number": e.tab_number,
        "pinCode": pin_number(&e.pin_code),
        "over_time_sum": hh_mm(summary.overtime),
        "over_time_sum_minute": minutes(summary.overtime),
        "production_time_sum": hh_mm(summary.production),
        "production_time_sum_minute": minutes(summary.production),
    });
    match value {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

fn side(at: Option<i64>, zone: &CompanyZone) -> String {
    at.map(|at| local_date_time(zone, at)).unwrap_or_default()
}

/// A row of the night report: the employee's segments by the date of their in.
pub fn night_row(
    e: &RosterEmployee,
    summary: &NightSummary,
    segments: &[Segment],
    zone: &CompanyZone,
) -> Value {
    let mut row = night_header(e, summary);
    let report: Vec<Value> = summary
        .dates
        .iter()
        .map(|date| {
            let times: Vec<Value> = segments[date.segments.clone()]
                .iter()
                .map(|s| json!({"first_time": side(s.first_time, zone), "last_time": side(s.last_time, zone)}))
                .collect();
            json!({
                "inoutDate": date_text(date.date),
                "mode_col_count": date.manual_events,
                "subtract_time": "00:00:00",
                "subtract_time_minute": 0,
                "times_count": times.len(),
                "times": times,
            })
        })
        .collect();
    row.insert("report".into(), Value::Array(report));
    Value::Object(row)
}

/// A row of the night-by-location report: the employee's segments by the location
/// of their in, then by date.
pub fn night_by_location_row(
    e: &RosterEmployee,
    summary: &NightSummary,
    segments: &[Segment],
    location_title: &dyn Fn(Option<i64>) -> Option<String>,
    zone: &CompanyZone,
) -> Value {
    let mut row = night_header(e, summary);
    row.insert("sum_prod_days".into(), json!(summary.work_days));
    let locations: Vec<Value> = summary
        .locations
        .iter()
        .map(|location| {
            let dates: Vec<Value> = location
                .dates
                .iter()
                .map(|date| {
                    let times: Vec<Value> = date
                        .segments
                        .iter()
                        .filter_map(|&i| segments.get(i))
                        .map(|s| {
                            json!({
                                "inout_date": date_text(s.date),
                                "in_location_id": s.in_location,
                                "in_location_title": location_title(s.in_location),
                                "out_location_id": s.out_location,
                                "out_location_title": location_title(s.out_location),
                                "first_time": side(s.first_time, zone),
                                "last_time": side(s.last_time, zone),
                            })
                        })
                        .collect();
                    json!({
                        "inout_date": date_text(date.date),
                        "subtract_time": "00:00:00",
                        "subtract_time_minute": 0,
                        "day_time": hh_mm_ss(date.day),
                        "night_time": hh_mm_ss(date.night),
                        "times": times,
                    })
                })
                .collect();
            json!({
                "location_id": location.location_id,
                "location_title": location_title(location.location_id),
                "mode_col_count": location.manual_events,
                "day_time_sum": hh_mm_ss(location.day),
                "night_time_sum": hh_mm_ss(location.night),
                "day_time_sum_minutes": minutes(location.day),
                "night_time_sum_minutes": minutes(location.night),
                "sum_prod_shifts": location.segments,
                "subtract_time": "00:00:00",
                "subtract_time_minute": 0,
                "dates": dates,
            })
        })
        .collect();
    row.insert("locations".into(), Value::Array(locations));
    Value::Object(row)
}

/// A T12 row: the sums and a day for every date of the range (a date outside
/// employment: not a work day, no work, no cause).
pub fn t12_row(
    e: &RosterEmployee,
    rows: &[DayRow],
    sums: &T12Sums,
    (from, to): (NaiveDate, NaiveDate),
    cause_of: &dyn Fn(&DayRow) -> Option<Cause>,
    photos: &PhotoBase,
) -> Value {
    let mut days = Vec::new();
    let mut computed = rows.iter().peekable();
    for date in from.iter_days().take_while(|d| *d <= to) {
        let row = computed.next_if(|r| r.date == date);
        let cause = row.and_then(cause_of);
        days.push(json!({
            "report_date": date_text(date),
            "absence_cause_name": cause.as_ref().map(|c| c.title.clone()),
            "absence_cause_title": cause.as_ref().map(|c| c.title.clone()),
            "absence_cause_color": cause.as_ref().map_or("000".to_string(), |c| c.color.clone()),
            "is_work_day": row.is_some_and(|r| r.is_work_day),
            "is_holiday": row.is_some_and(|r| r.is_holiday),
            "work_time": hh_mm(row.map_or(0, |r| r.work)),
        }));
    }
    json!({
        "employee_id": e.id,
        "first_name": e.first_name,
        "last_name": e.last_name,
        "patronymic": e.patronymic,
        "tab_number": e.tab_number,
        "department_id": e.department_id,
        "department_title": e.department_title,
        "department_parent_title": e.department_parent_title,
        "first_department_title": Value::Null,
        "position_id": e.position_id,
        "position_title": e.position_title,
        "photos": photos.photos(e.id, e.photo_key.as_deref()),
        "report": {
            "authorized_time_sum": hh_mm(sums.authorized),
            "weekend_holidays": hh_mm(sums.weekend_holidays),
            "not_work_time_all_sum": hh_mm(sums.all),
            "not_work_time_with_absence_sum": hh_mm(sums.with_absence),
            "not_work_time_without_absence_sum": hh_mm(sums.without_absence),
            "worked_days": sums.worked_days,
            "production_time_sum": hh_mm(sums.production),
            "work_time_sum": hh_mm(sums.work),
            "days": days,
            "not_worked_time": hh_mm(sums.not_worked),
            "overtime": hh_mm(sums.overtime),
        }
    })
}
