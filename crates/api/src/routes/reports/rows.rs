//! The report rows (reference file 13) as typed answers, each describing itself in the
//! OpenAPI document: the employee info, the TimesScheduled and TimesActual objects, the
//! day rows of at-work and late-in, the absence rows, the flattened dismissed rows, the
//! night reports, the inouts rows and the T12. Durations are `HH:MM` (or `HH:MM:SS`
//! where the reference has seconds), local times in the company's zone.

use chrono::{Datelike, NaiveDate};
use davomat_core::dates::naive;
use davomat_core::engine::duration::{
    hh_mm, hh_mm_opt, hh_mm_ss, local_date_time, local_hh_mm, minutes,
};
use davomat_core::engine::{DayRow, EventKind, NightSummary, Segment, T12Sums};
use davomat_core::zone::CompanyZone;
use davomat_store::attendance::RosterEmployee;
use davomat_store::clock_events::InOut;
use serde::Serialize;
use utoipa::ToSchema;

use crate::objects::{PhotoBase, Photos};
use davomat_app::attendance::Cause;

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Who a report row is about.
#[derive(Serialize, ToSchema)]
#[schema(as = ReportEmployeeInfo)]
pub struct EmployeeInfo<'a> {
    id: i64,
    full_name: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    department_id: i64,
    department_title: &'a str,
    /// The position held on the report's last date; null without one.
    position_id: Option<i64>,
    position_title: Option<&'a str>,
    /// Null without a face template.
    photos: Option<Photos>,
}

pub fn employee_info<'a>(e: &'a RosterEmployee, photos: &PhotoBase) -> EmployeeInfo<'a> {
    EmployeeInfo {
        id: e.id.0,
        full_name: &e.full_name,
        first_name: &e.first_name,
        last_name: &e.last_name,
        department_id: e.department_id.0,
        department_title: &e.department_title,
        position_id: e.position_id.map(|id| id.0),
        position_title: e.position_title.as_deref(),
        photos: photos.photos(e.id.0, e.photo_key.as_deref()),
    }
}

/// The plan of one date (SEMANTICS.md).
#[derive(Serialize, ToSchema)]
pub struct TimesScheduled {
    #[schema(format = Date, example = "2026-03-02")]
    report_date: String,
    is_work_day: bool,
    /// The planned work time, `HH:MM`.
    #[schema(example = "08:00")]
    production_time: String,
    /// The planned start, `YYYY-MM-DD HH:MM:SS` local; null on a day without a shift.
    start_time: Option<String>,
    /// The planned end, as start_time.
    end_time: Option<String>,
    schedule_id: i64,
    /// The accepted time-off covering the date, if any.
    timeoff_id: Option<i64>,
}

/// TimesScheduled of a date.
pub fn scheduled(row: &DayRow, schedule_id: i64, zone: &CompanyZone) -> TimesScheduled {
    TimesScheduled {
        report_date: date_text(naive(row.date)),
        is_work_day: row.is_work_day,
        production_time: hh_mm(row.production),
        start_time: row.start.map(|at| local_date_time(zone, at)),
        end_time: row.end.map(|at| local_date_time(zone, at)),
        schedule_id,
        timeoff_id: row.timeoff_id,
    }
}

/// What happened on one date (SEMANTICS.md): local `HH:MM` times and durations.
#[derive(Serialize, ToSchema)]
pub struct TimesActual {
    /// The first in, `HH:MM` local; null without one.
    first_in: Option<String>,
    /// The last out, `HH:MM` local; null without one.
    last_out: Option<String>,
    late_in: Option<String>,
    early_in: Option<String>,
    early_out: Option<String>,
    late_out: Option<String>,
    authorized_time: String,
    work_time: String,
    /// The kind of the date's last event: `in` or `out`; null without events.
    #[schema(value_type = Option<String>, example = "out")]
    last_event: Option<&'static str>,
}

/// TimesActual of a date.
pub fn actual(row: &DayRow, zone: &CompanyZone) -> TimesActual {
    TimesActual {
        first_in: row.first_in.map(|at| local_hh_mm(zone, at)),
        last_out: row.last_out.map(|at| local_hh_mm(zone, at)),
        late_in: hh_mm_opt(row.late_in),
        early_in: hh_mm_opt(row.early_in),
        early_out: hh_mm_opt(row.early_out),
        late_out: hh_mm_opt(row.late_out),
        authorized_time: hh_mm(row.authorized),
        work_time: hh_mm(row.work),
        last_event: row.last_event.map(|kind| kind.name()),
    }
}

/// A row of the at-work and late-in reports: one employee on one date.
#[derive(Serialize, ToSchema)]
#[schema(as = DayReportRow)]
pub struct DayReportRow<'a> {
    employee: EmployeeInfo<'a>,
    scheduled: TimesScheduled,
    actual: TimesActual,
    sum_paid_time: Option<String>,
    sum_not_paid_time: Option<String>,
    sum_paid_over_time: Option<String>,
    sum_not_paid_over_time: Option<String>,
    paid_time: String,
    not_paid_time: String,
    paid_over_time: Option<String>,
    not_paid_over_time: Option<String>,
    /// Open at the request's time: the last event is an in.
    status: bool,
    not_authorized_time: String,
    auth_lunch_time: Option<String>,
    norm_worktime: String,
    overtime: String,
}

/// A row of at-work and late-in.
pub fn day_row<'a>(
    e: &'a RosterEmployee,
    row: &DayRow,
    zone: &CompanyZone,
    photos: &PhotoBase,
) -> DayReportRow<'a> {
    DayReportRow {
        employee: employee_info(e, photos),
        scheduled: scheduled(row, e.schedule_id.0, zone),
        actual: actual(row, zone),
        sum_paid_time: hh_mm_opt(row.sum_paid),
        sum_not_paid_time: hh_mm_opt(row.sum_not_paid),
        sum_paid_over_time: hh_mm_opt(row.sum_paid_over),
        sum_not_paid_over_time: hh_mm_opt(row.sum_not_paid_over),
        paid_time: hh_mm(row.paid),
        not_paid_time: hh_mm(row.not_paid),
        paid_over_time: hh_mm_opt(row.paid_over),
        not_paid_over_time: hh_mm_opt(row.not_paid_over),
        status: row.status,
        not_authorized_time: hh_mm(row.not_authorized),
        auth_lunch_time: hh_mm_opt(row.auth_lunch),
        norm_worktime: hh_mm(row.norm_worktime),
        overtime: hh_mm(row.overtime),
    }
}

/// A row of the absence report: one employee absent on one work date.
#[derive(Serialize, ToSchema)]
#[schema(as = AbsenceReportRow)]
pub struct AbsenceRow<'a> {
    employee: EmployeeInfo<'a>,
    scheduled: TimesScheduled,
}

/// A row of the absence report.
pub fn absence_row<'a>(
    e: &'a RosterEmployee,
    row: &DayRow,
    zone: &CompanyZone,
    photos: &PhotoBase,
) -> AbsenceRow<'a> {
    AbsenceRow {
        employee: employee_info(e, photos),
        scheduled: scheduled(row, e.schedule_id.0, zone),
    }
}

fn zero_if_none(seconds: Option<i64>) -> String {
    hh_mm(seconds.unwrap_or(0))
}

/// A flattened day row of the dismissed report: durations are never null.
#[derive(Serialize, ToSchema)]
#[schema(as = DismissedReportRow)]
pub struct DismissedRow<'a> {
    production_time: String,
    paid_time: String,
    not_paid_time: String,
    first_in: Option<String>,
    last_out: Option<String>,
    authorized_time: String,
    late_in: String,
    early_out: String,
    /// `HH:MM:SS`.
    not_authorized_time: String,
    work_time: String,
    norm_worktime: String,
    /// The planned start, `HH:MM` local.
    start_time: Option<String>,
    end_time: Option<String>,
    /// The day of the month, two digits.
    #[schema(example = "05")]
    report_day: String,
    /// ISO weekday, 1 = Monday.
    day_number: u8,
    employee_id: i64,
    #[schema(format = Date)]
    report_date: String,
    /// The time-off type covering the date, if any.
    absence_cause_id: Option<i64>,
    type_abs: Option<&'a str>,
    absence_cause_name: Option<&'a str>,
    absence_cause_title: Option<&'a str>,
    department_id: i64,
    department_title: &'a str,
    department_parent_title: Option<&'a str>,
    last_name: &'a str,
    first_name: &'a str,
    full_name: &'a str,
    early_in: String,
    late_out: String,
    sum_paid_time: String,
    sum_not_paid_time: String,
    sum_paid_over_time: String,
    is_work_day: bool,
}

/// A flattened day row of the dismissed report (durations never null).
pub fn dismissed_row<'a>(
    e: &'a RosterEmployee,
    row: &DayRow,
    cause: Option<(i64, &'a Cause)>,
    zone: &CompanyZone,
) -> DismissedRow<'a> {
    DismissedRow {
        production_time: hh_mm(row.production),
        paid_time: hh_mm(row.paid),
        not_paid_time: hh_mm(row.not_paid),
        first_in: row.first_in.map(|at| local_hh_mm(zone, at)),
        last_out: row.last_out.map(|at| local_hh_mm(zone, at)),
        authorized_time: hh_mm(row.authorized),
        late_in: zero_if_none(row.late_in),
        early_out: zero_if_none(row.early_out),
        not_authorized_time: hh_mm_ss(row.not_authorized),
        work_time: hh_mm(row.work),
        norm_worktime: hh_mm(row.norm_worktime),
        start_time: row.start.map(|at| local_hh_mm(zone, at)),
        end_time: row.end.map(|at| local_hh_mm(zone, at)),
        report_day: format!("{:02}", naive(row.date).day()),
        day_number: row.weekday,
        employee_id: e.id.0,
        report_date: date_text(naive(row.date)),
        absence_cause_id: cause.map(|(id, _)| id),
        type_abs: cause.map(|(_, c)| c.absence_type.as_str()),
        absence_cause_name: cause.map(|(_, c)| c.title.as_str()),
        absence_cause_title: cause.map(|(_, c)| c.title.as_str()),
        department_id: e.department_id.0,
        department_title: &e.department_title,
        department_parent_title: e.department_parent_title.as_deref(),
        last_name: &e.last_name,
        first_name: &e.first_name,
        full_name: &e.full_name,
        early_in: zero_if_none(row.early_in),
        late_out: zero_if_none(row.late_out),
        sum_paid_time: zero_if_none(row.sum_paid),
        sum_not_paid_time: zero_if_none(row.sum_not_paid),
        sum_paid_over_time: zero_if_none(row.sum_paid_over),
        is_work_day: row.is_work_day,
    }
}

/// A PIN code as the night and inouts reports show it: a number when it reads as one.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum PinNumber<'a> {
    Number(i64),
    Text(&'a str),
}

pub fn pin_number(pin: &str) -> PinNumber<'_> {
    pin.parse::<i64>()
        .map_or(PinNumber::Text(pin), PinNumber::Number)
}

/// The employee header of both night reports: sums over the range.
#[derive(Serialize, ToSchema)]
pub struct NightHeader<'a> {
    /// `HH:MM`.
    day_time_sum: String,
    night_time_sum: String,
    /// `HH:MM:SS`.
    sum_day_night_time: String,
    sum_day_night_minute: i64,
    #[serde(rename = "employeeID")]
    employee_id: i64,
    #[serde(rename = "lastName")]
    last_name: &'a str,
    #[serde(rename = "firstName")]
    first_name: &'a str,
    patronymic: &'a str,
    #[serde(rename = "fullName")]
    full_name: &'a str,
    tab_number: &'a str,
    #[serde(rename = "pinCode")]
    pin_code: PinNumber<'a>,
    over_time_sum: String,
    over_time_sum_minute: i64,
    production_time_sum: String,
    production_time_sum_minute: i64,
}

fn night_header<'a>(e: &'a RosterEmployee, summary: &NightSummary) -> NightHeader<'a> {
    let total = summary.day + summary.night;
    NightHeader {
        day_time_sum: hh_mm(summary.day),
        night_time_sum: hh_mm(summary.night),
        sum_day_night_time: hh_mm_ss(total),
        sum_day_night_minute: minutes(total),
        employee_id: e.id.0,
        last_name: &e.last_name,
        first_name: &e.first_name,
        patronymic: &e.patronymic,
        full_name: &e.full_name,
        tab_number: &e.tab_number,
        pin_code: pin_number(&e.pin_code),
        over_time_sum: hh_mm(summary.overtime),
        over_time_sum_minute: minutes(summary.overtime),
        production_time_sum: hh_mm(summary.production),
        production_time_sum_minute: minutes(summary.production),
    }
}

fn side(at: Option<i64>, zone: &CompanyZone) -> String {
    at.map(|at| local_date_time(zone, at)).unwrap_or_default()
}

/// One interval of work: its in and its out, `YYYY-MM-DD HH:MM:SS` local (`""` when
/// that side is missing).
#[derive(Serialize, ToSchema)]
pub struct NightTimes {
    first_time: String,
    last_time: String,
}

/// The intervals attributed to one date.
#[derive(Serialize, ToSchema)]
pub struct NightDateRow {
    #[serde(rename = "inoutDate")]
    #[schema(format = Date)]
    inout_date: String,
    /// Manual events among the date's.
    mode_col_count: u32,
    #[schema(example = "00:00:00")]
    subtract_time: &'static str,
    subtract_time_minute: i64,
    times_count: usize,
    times: Vec<NightTimes>,
}

/// A row of the night report: the employee's intervals by the date of their in.
#[derive(Serialize, ToSchema)]
#[schema(as = NightReportRow)]
pub struct NightRow<'a> {
    #[serde(flatten)]
    header: NightHeader<'a>,
    report: Vec<NightDateRow>,
}

/// A row of the night report: the employee's segments by the date of their in.
pub fn night_row<'a>(
    e: &'a RosterEmployee,
    summary: &NightSummary,
    segments: &[Segment],
    zone: &CompanyZone,
) -> NightRow<'a> {
    let report = summary
        .dates
        .iter()
        .map(|date| {
            let times: Vec<NightTimes> = segments[date.segments.clone()]
                .iter()
                .map(|s| NightTimes {
                    first_time: side(s.first_time, zone),
                    last_time: side(s.last_time, zone),
                })
                .collect();
            NightDateRow {
                inout_date: date_text(naive(date.date)),
                mode_col_count: date.manual_events,
                subtract_time: "00:00:00",
                subtract_time_minute: 0,
                times_count: times.len(),
                times,
            }
        })
        .collect();
    NightRow {
        header: night_header(e, summary),
        report,
    }
}

/// One interval of the night-by-location report, with the locations of its sides.
#[derive(Serialize, ToSchema)]
pub struct LocationTimes {
    #[schema(format = Date)]
    inout_date: String,
    in_location_id: Option<i64>,
    in_location_title: Option<String>,
    out_location_id: Option<i64>,
    out_location_title: Option<String>,
    first_time: String,
    last_time: String,
}

/// One date of a location's intervals.
#[derive(Serialize, ToSchema)]
pub struct LocationDateRow {
    #[schema(format = Date)]
    inout_date: String,
    #[schema(example = "00:00:00")]
    subtract_time: &'static str,
    subtract_time_minute: i64,
    /// `HH:MM:SS`.
    day_time: String,
    night_time: String,
    times: Vec<LocationTimes>,
}

/// The intervals whose in was at one location (null: without a location).
#[derive(Serialize, ToSchema)]
pub struct LocationRow {
    location_id: Option<i64>,
    location_title: Option<String>,
    mode_col_count: u32,
    /// `HH:MM:SS`.
    day_time_sum: String,
    night_time_sum: String,
    day_time_sum_minutes: i64,
    night_time_sum_minutes: i64,
    sum_prod_shifts: u32,
    #[schema(example = "00:00:00")]
    subtract_time: &'static str,
    subtract_time_minute: i64,
    dates: Vec<LocationDateRow>,
}

/// A row of the night-by-location report.
#[derive(Serialize, ToSchema)]
#[schema(as = NightByLocationReportRow)]
pub struct NightByLocationRow<'a> {
    #[serde(flatten)]
    header: NightHeader<'a>,
    /// Dates with work.
    sum_prod_days: u32,
    locations: Vec<LocationRow>,
}

/// A row of the night-by-location report: the employee's segments by the location
/// of their in, then by date.
pub fn night_by_location_row<'a>(
    e: &'a RosterEmployee,
    summary: &NightSummary,
    segments: &[Segment],
    location_title: &dyn Fn(Option<i64>) -> Option<String>,
    zone: &CompanyZone,
) -> NightByLocationRow<'a> {
    let locations = summary
        .locations
        .iter()
        .map(|location| {
            let dates = location
                .dates
                .iter()
                .map(|date| {
                    let times = date
                        .segments
                        .iter()
                        .filter_map(|&i| segments.get(i))
                        .map(|s| LocationTimes {
                            inout_date: date_text(naive(s.date)),
                            in_location_id: s.in_location,
                            in_location_title: location_title(s.in_location),
                            out_location_id: s.out_location,
                            out_location_title: location_title(s.out_location),
                            first_time: side(s.first_time, zone),
                            last_time: side(s.last_time, zone),
                        })
                        .collect();
                    LocationDateRow {
                        inout_date: date_text(naive(date.date)),
                        subtract_time: "00:00:00",
                        subtract_time_minute: 0,
                        day_time: hh_mm_ss(date.day),
                        night_time: hh_mm_ss(date.night),
                        times,
                    }
                })
                .collect();
            LocationRow {
                location_id: location.location_id,
                location_title: location_title(location.location_id),
                mode_col_count: location.manual_events,
                day_time_sum: hh_mm_ss(location.day),
                night_time_sum: hh_mm_ss(location.night),
                day_time_sum_minutes: minutes(location.day),
                night_time_sum_minutes: minutes(location.night),
                sum_prod_shifts: location.segments,
                subtract_time: "00:00:00",
                subtract_time_minute: 0,
                dates,
            }
        })
        .collect();
    NightByLocationRow {
        header: night_header(e, summary),
        sum_prod_days: summary.work_days,
        locations,
    }
}

/// A row of the inouts report: one stored clock event.
#[derive(Serialize, ToSchema)]
#[schema(as = InOutReportRow)]
pub struct InOutRow<'a> {
    /// The clock event's id (what `POST /v1/times/{event_id}/void` takes).
    id: i64,
    employee_id: i64,
    /// A number when the PIN reads as one.
    pin_code: PinNumber<'a>,
    last_name: &'a str,
    first_name: &'a str,
    patronymic: &'a str,
    full_name: &'a str,
    tab_number: &'a str,
    /// The position the employee holds now.
    position_id: Option<i64>,
    department_id: Option<i64>,
    department_title: Option<&'a str>,
    position_title: Option<&'a str>,
    /// The event's local date.
    #[schema(format = Date, example = "2026-03-02")]
    event_date: String,
    /// `YYYY-MM-DD HH:MM:SS` local.
    #[schema(example = "2026-03-02 08:57:10")]
    event_full_date: String,
    /// `HH:MM:SS` local.
    #[schema(example = "08:57:10")]
    event_time: String,
    /// 0 for an in, 1 for an out.
    event_code: u8,
    /// `in` or `out`.
    #[schema(example = "in")]
    event_name: &'a str,
    /// How the event was made (`manual`, `device`, …).
    mode: &'a str,
    location_title: Option<&'a str>,
    location_id: Option<i64>,
    /// The terminal's serial number; `""` for events not from a terminal.
    serial_number: &'a str,
}

/// A row of the inouts report.
pub fn inout_row<'a>(event: &'a InOut, zone: &CompanyZone) -> InOutRow<'a> {
    let full = zone.format(event.at);
    InOutRow {
        id: event.id.0,
        employee_id: event.employee_id.0,
        pin_code: pin_number(&event.pin_code),
        last_name: &event.last_name,
        first_name: &event.first_name,
        patronymic: &event.patronymic,
        full_name: &event.full_name,
        tab_number: &event.tab_number,
        position_id: event.position_id.map(|id| id.0),
        department_id: event.department_id.map(|id| id.0),
        department_title: event.department_title.as_deref(),
        position_title: event.position_title.as_deref(),
        event_date: full.get(..10).unwrap_or_default().to_string(),
        event_time: full.get(11..).unwrap_or_default().to_string(),
        event_full_date: full,
        event_code: if event.kind.0 == EventKind::In { 0 } else { 1 },
        event_name: event.kind.0.name(),
        mode: event.mode.0.as_str(),
        location_title: event.location_title.as_deref(),
        location_id: event.location_id.map(|id| id.0),
        serial_number: event.serial_number.as_deref().unwrap_or_default(),
    }
}

/// One date of a T12 row.
#[derive(Serialize, ToSchema)]
pub struct T12Day {
    #[schema(format = Date)]
    report_date: String,
    /// The time-off type covering the date, if any.
    absence_cause_name: Option<String>,
    absence_cause_title: Option<String>,
    /// The type's colour; `000` without one.
    #[schema(example = "000")]
    absence_cause_color: String,
    is_work_day: bool,
    is_holiday: bool,
    /// `HH:MM`.
    work_time: String,
}

/// The sums of a T12 row (SEMANTICS.md §9), `HH:MM`, and its days.
#[derive(Serialize, ToSchema)]
pub struct T12Report {
    authorized_time_sum: String,
    weekend_holidays: String,
    not_work_time_all_sum: String,
    not_work_time_with_absence_sum: String,
    not_work_time_without_absence_sum: String,
    worked_days: u32,
    production_time_sum: String,
    work_time_sum: String,
    /// A day for every date of the range.
    days: Vec<T12Day>,
    not_worked_time: String,
    overtime: String,
}

/// A row of the T-12 timesheet: one employee over the range.
#[derive(Serialize, ToSchema)]
#[schema(as = T12ReportRow)]
pub struct T12Row<'a> {
    employee_id: i64,
    first_name: &'a str,
    last_name: &'a str,
    patronymic: &'a str,
    tab_number: &'a str,
    department_id: i64,
    department_title: &'a str,
    department_parent_title: Option<&'a str>,
    /// Always null (kept for the reference's shape).
    #[schema(value_type = Option<String>)]
    first_department_title: Option<&'a str>,
    position_id: Option<i64>,
    position_title: Option<&'a str>,
    photos: Option<Photos>,
    report: T12Report,
}

/// A T12 row: the sums and a day for every date of the range (a date outside
/// employment: not a work day, no work, no cause).
pub fn t12_row<'a>(
    e: &'a RosterEmployee,
    rows: &[DayRow],
    sums: &T12Sums,
    (from, to): (NaiveDate, NaiveDate),
    cause_of: &dyn Fn(&DayRow) -> Option<Cause>,
    photos: &PhotoBase,
) -> T12Row<'a> {
    let mut days = Vec::new();
    let mut computed = rows.iter().peekable();
    for date in from.iter_days().take_while(|d| *d <= to) {
        let row = computed.next_if(|r| naive(r.date) == date);
        let cause = row.and_then(cause_of);
        days.push(T12Day {
            report_date: date_text(date),
            absence_cause_name: cause.as_ref().map(|c| c.title.clone()),
            absence_cause_title: cause.as_ref().map(|c| c.title.clone()),
            absence_cause_color: cause.map_or_else(|| "000".to_string(), |c| c.color),
            is_work_day: row.is_some_and(|r| r.is_work_day),
            is_holiday: row.is_some_and(|r| r.is_holiday),
            work_time: hh_mm(row.map_or(0, |r| r.work)),
        });
    }
    T12Row {
        employee_id: e.id.0,
        first_name: &e.first_name,
        last_name: &e.last_name,
        patronymic: &e.patronymic,
        tab_number: &e.tab_number,
        department_id: e.department_id.0,
        department_title: &e.department_title,
        department_parent_title: e.department_parent_title.as_deref(),
        first_department_title: None,
        position_id: e.position_id.map(|id| id.0),
        position_title: e.position_title.as_deref(),
        photos: photos.photos(e.id.0, e.photo_key.as_deref()),
        report: T12Report {
            authorized_time_sum: hh_mm(sums.authorized),
            weekend_holidays: hh_mm(sums.weekend_holidays),
            not_work_time_all_sum: hh_mm(sums.all),
            not_work_time_with_absence_sum: hh_mm(sums.with_absence),
            not_work_time_without_absence_sum: hh_mm(sums.without_absence),
            worked_days: sums.worked_days,
            production_time_sum: hh_mm(sums.production),
            work_time_sum: hh_mm(sums.work),
            days,
            not_worked_time: hh_mm(sums.not_worked),
            overtime: hh_mm(sums.overtime),
        },
    }
}
