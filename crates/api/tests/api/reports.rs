//! `/v1/reports/*`, `GET /v1/employees/attendance` and the account's `scheduled`/
//! `actual`: situations built through the API, whole rows compared with SEMANTICS.md.
//!
//! Each test builds its situation with the public API only (schedules, holidays,
//! time-off types and time-offs, employees, manual clock events entered by the admin,
//! self clock-ins, device batches, dismissals), moves the manual clock, and compares
//! whole report items with the numbers of SEMANTICS.md §5–§13 (worked examples E1–E18).

use davomat_core::Role;
use davomat_store::testing::scalar;
use serde_json::{Map, Value, json};

use crate::support::{TestApp, each_backend};

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// The admin's own employee id and first location.
async fn admin_profile(app: &TestApp, token: &str) -> (i64, i64) {
    let account = app.get("/v1/accounts", Some(token)).await;
    assert_eq!(account.status, 200, "{}", account.text);
    let employee = &account.body["employee"];
    (
        employee["id"].as_i64().expect("employee id"),
        employee["locations"][0]["id"].as_i64().expect("location"),
    )
}

/// Clocks the caller in or out at a local time.
async fn clock(app: &TestApp, token: &str, kind: &str, location: i64, time: &str) {
    let reply = app
        .post_json(
            &format!("/v1/times/clock{kind}"),
            &json!({"location_id": location, "event_time": time}),
            Some(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

/// A unix second of a local Tashkent time (UTC+5, no DST), `YYYY-MM-DD HH:MM:SS`.
fn local(text: &str) -> i64 {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .expect("a local time")
        .and_utc()
        .timestamp()
        - 5 * 3600
}

/// Moves the manual clock forward to a local time.
fn move_to(app: &TestApp, text: &str) {
    let by = local(text) - app.clock.now();
    assert!(by >= 0, "the clock only goes forward, not to {text}");
    app.clock.advance(by);
}

/// After every event of the historic tests (tokens live 30 days from 2025-03-04).
const APRIL: &str = "2025-04-01 00:00:00";

/// The company as the admin sees it.
struct World {
    admin: String,
    /// The admin's own employee (started 2025-03-04).
    me: i64,
    department: i64,
    department_title: String,
    /// The default schedule: fixed Mon–Fri 09:00–18:00, lunch 13:00–14:00.
    schedule: i64,
    /// The main office, linked to every employee of `add_user`.
    office: i64,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin_token().await;
    let account = app.get("/v1/accounts", Some(&admin)).await;
    assert_eq!(account.status, 200, "{}", account.text);
    let employee = &account.body["employee"];
    World {
        me: employee["id"].as_i64().expect("employee id"),
        department: employee["department"]["id"].as_i64().expect("department"),
        department_title: employee["department"]["title"]
            .as_str()
            .expect("department title")
            .to_string(),
        schedule: employee["schedule"]["id"].as_i64().expect("schedule"),
        office: employee["locations"][0]["id"].as_i64().expect("location"),
        admin,
    }
}

/// An employee as the tests expect them in rows: the Employee object the API answered.
#[derive(Clone, Debug)]
struct Person {
    id: i64,
    card: Value,
    /// `department_parent_title` of their department.
    parent_title: Value,
}

impl Person {
    fn text(&self, key: &str) -> Value {
        self.card[key].clone()
    }

    fn department_id(&self) -> Value {
        self.card["department"]["id"].clone()
    }

    fn department_title(&self) -> Value {
        self.card["department"]["title"].clone()
    }

    fn pin(&self) -> Value {
        let pin = self.card["pin_code"].as_str().expect("pin_code");
        pin.parse::<i64>().map_or_else(|_| json!(pin), |n| json!(n))
    }

    /// ReportEmployeeInfo.
    fn info(&self) -> Value {
        json!({
            "id": self.id,
            "full_name": self.text("full_name"),
            "first_name": self.text("first_name"),
            "last_name": self.text("last_name"),
            "department_id": self.department_id(),
            "department_title": self.department_title(),
            "position_id": null,
            "position_title": null,
            "photos": null,
        })
    }
}

/// The body of `POST /v1/employees` for someone on the default schedule in the
/// default department at the main office, employed since 2025-01-01.
fn hire_body(w: &World, first_name: &str, last_name: &str) -> Value {
    json!({
        "first_name": first_name,
        "last_name": last_name,
        "department_id": w.department,
        "locations": [w.office],
        "schedule_id": w.schedule,
        "start_date": "2025-01-01",
        "schedule_start_date": "2025-01-01",
    })
}

async fn hire(app: &TestApp, token: &str, body: Value) -> Person {
    let reply = app.post_json("/v1/employees", &body, Some(token)).await;
    assert_eq!(reply.status, 201, "hire {body}: {}", reply.text);
    Person {
        id: reply.body["id"].as_i64().expect("employee id"),
        card: reply.body,
        parent_title: Value::Null,
    }
}

/// The Employee object of an existing employee (e.g. one made by `add_user`).
async fn person(app: &TestApp, token: &str, id: i64) -> Person {
    let reply = app.get(&format!("/v1/employees/{id}"), Some(token)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    Person {
        id,
        card: reply.body["data"].clone(),
        parent_title: Value::Null,
    }
}

/// Manual events entered by `token` (an admin) for `who` at a location: (kind, time).
async fn punches(app: &TestApp, token: &str, who: i64, location: i64, events: &[(&str, &str)]) {
    for (kind, time) in events {
        let reply = app
            .post_json(
                &format!("/v1/times/clock{kind}"),
                &json!({"employee_id": who, "location_id": location, "event_time": time}),
                Some(token),
            )
            .await;
        assert_eq!(reply.status, 200, "{kind} at {time}: {}", reply.text);
    }
}

async fn created_id(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let reply = app.post_json(path, &body, Some(token)).await;
    assert_eq!(reply.status, 201, "POST {path} {body}: {}", reply.text);
    reply.body["id"].as_i64().expect("id")
}

async fn location(app: &TestApp, token: &str, title: &str) -> i64 {
    created_id(app, token, "/v1/locations", json!({"title": title})).await
}

async fn department(app: &TestApp, token: &str, title: &str, parent: Option<i64>) -> i64 {
    let mut body = json!({"title": title});
    if let Some(parent) = parent {
        body["pid"] = json!(parent);
    }
    created_id(app, token, "/v1/departments", body).await
}

async fn absence_type(app: &TestApp, token: &str, title: &str, color: &str) -> i64 {
    created_id(
        app,
        token,
        "/v1/time-offs",
        json!({"title": title, "description": "", "color": color}),
    )
    .await
}

/// A time-off through `POST /v1/employees/time-off`: (daily?, start, end, paid, status).
async fn time_off(
    app: &TestApp,
    token: &str,
    employee: i64,
    kind: i64,
    (daily, start, end): (bool, &str, &str),
    paid: bool,
    status: i64,
) -> i64 {
    created_id(
        app,
        token,
        "/v1/employees/time-off",
        json!({
            "employee_id": employee, "absence_id": kind,
            "absence_type": if daily { "daily" } else { "hourly" },
            "start_date_time": start, "end_date_time": end,
            "paid": paid, "description": "", "status": status,
        }),
    )
    .await
}

async fn holiday(app: &TestApp, token: &str, date: &str, title: &str, kind: &str) {
    created_id(
        app,
        token,
        "/v1/holidays",
        json!({"date": date, "title": title, "kind": kind}),
    )
    .await;
}

async fn dismiss(app: &TestApp, token: &str, employee: i64, last_day: &str) {
    let reply = app
        .post_json(
            &format!("/v1/employees/{employee}/dismiss"),
            &json!({"exp_date": last_day}),
            Some(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

/// Registers a device at a location; answers its token.
async fn device(app: &TestApp, token: &str, serial: &str, location: i64) -> String {
    let reply = app
        .post_json(
            "/v1/devices",
            &json!({"serial_number": serial, "location_id": location}),
            Some(token),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["token"]
        .as_str()
        .expect("device token")
        .to_string()
}

/// Sends a device batch that must be stored whole.
async fn device_events(app: &TestApp, device_token: &str, events: Value) {
    let count = events.as_array().map_or(0, Vec::len) as i64;
    let reply = app
        .post_json(
            "/v1/device/events",
            &json!({ "events": events }),
            Some(device_token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["accepted"], count, "{}", reply.text);
}

/// A report page that must answer 200.
async fn report(app: &TestApp, token: &str, path: &str) -> Value {
    let reply = app.get(path, Some(token)).await;
    assert_eq!(reply.status, 200, "GET {path}: {}", reply.text);
    reply.body
}

fn items(body: &Value) -> Vec<Value> {
    body["items"].as_array().cloned().unwrap_or_default()
}

fn ids(list: &[&Person]) -> String {
    list.iter()
        .map(|p| p.id.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Overrides keys of an object; every key must already be there (catches typos).
#[track_caller]
fn merge(mut base: Value, over: Value) -> Value {
    let Value::Object(over) = over else {
        panic!("merge takes an object")
    };
    for (key, value) in over {
        assert!(base.get(&key).is_some(), "unknown key {key} in {base}");
        base[&key] = value;
    }
    base
}

/// The paths where two JSON values differ.
fn differences(path: &str, got: Option<&Value>, want: Option<&Value>, out: &mut Vec<String>) {
    match (got, want) {
        (Some(Value::Object(g)), Some(Value::Object(w))) => {
            let mut keys: Vec<&String> = g.keys().chain(w.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                differences(&format!("{path}.{key}"), g.get(key), w.get(key), out);
            }
        }
        (Some(Value::Array(g)), Some(Value::Array(w))) if g.len() == w.len() => {
            for (i, (g, w)) in g.iter().zip(w).enumerate() {
                differences(&format!("{path}[{i}]"), Some(g), Some(w), out);
            }
        }
        (g, w) if g == w => {}
        (g, w) => out.push(format!(
            "{path}: got {}, want {}",
            g.map_or("<absent>".to_string(), Value::to_string),
            w.map_or("<absent>".to_string(), Value::to_string)
        )),
    }
}

/// Asserts two JSON values are equal, listing every differing path.
#[track_caller]
fn same(got: &Value, want: &Value, what: &str) {
    let mut out = Vec::new();
    differences("", Some(got), Some(want), &mut out);
    assert!(
        out.is_empty(),
        "{what}: {} difference(s)\n{}\n--- got ---\n{}",
        out.len(),
        out.join("\n"),
        serde_json::to_string_pretty(got).unwrap_or_default()
    );
}

// --- expected rows ---------------------------------------------------------------

/// TimesScheduled of a date of the fixed default schedule.
fn fx(date: &str, schedule: i64) -> Value {
    json!({
        "report_date": date, "is_work_day": true, "production_time": "08:00",
        "start_time": format!("{date} 09:00:00"), "end_time": format!("{date} 18:00:00"),
        "schedule_id": schedule, "timeoff_id": null,
    })
}

/// TimesActual with nothing in it, overridden.
fn actual(over: Value) -> Value {
    merge(
        json!({
            "first_in": null, "last_out": null, "late_in": null, "early_in": null,
            "early_out": null, "late_out": null, "authorized_time": "00:00",
            "work_time": "00:00", "last_event": null,
        }),
        over,
    )
}

/// A row of at-work / late-in: no time-off touches the day unless overridden.
fn day_row(p: &Person, scheduled: Value, actual: Value, over: Value) -> Value {
    let base = json!({
        "employee": p.info(),
        "scheduled": scheduled,
        "actual": actual,
        "sum_paid_time": null,
        "sum_not_paid_time": null,
        "sum_paid_over_time": null,
        "sum_not_paid_over_time": null,
        "paid_time": "00:00",
        "not_paid_time": "00:00",
        "paid_over_time": null,
        "not_paid_over_time": null,
        "status": false,
        "not_authorized_time": "00:00",
        "auth_lunch_time": "00:00",
        "norm_worktime": "00:00",
        "overtime": "00:00",
    });
    merge(base, over)
}

/// The time-off sums and buckets of a day some accepted time-off touches (all
/// "00:00"), overridden.
fn touched(over: Value) -> Value {
    let mut base = json!({
        "sum_paid_time": "00:00", "sum_not_paid_time": "00:00",
        "sum_paid_over_time": "00:00", "sum_not_paid_over_time": "00:00",
        "paid_over_time": "00:00", "not_paid_over_time": "00:00",
    });
    if let (Value::Object(base), Value::Object(over)) = (&mut base, over) {
        base.extend(over);
    }
    base
}

/// A row of the absence report.
fn absence_row(p: &Person, scheduled: Value) -> Value {
    json!({"employee": p.info(), "scheduled": scheduled})
}

/// An item of the night report.
fn night_item(p: &Person, sums: Value, report: Value) -> Value {
    let mut item = json!({
        "employeeID": p.id,
        "lastName": p.text("last_name"),
        "firstName": p.text("first_name"),
        "patronymic": p.text("patronymic"),
        "fullName": p.text("full_name"),
        "tab_number": p.text("tab_number"),
        "pinCode": p.pin(),
        "report": report,
    });
    if let (Value::Object(item), Value::Object(sums)) = (&mut item, sums) {
        item.extend(sums);
    }
    item
}

/// The sums of a night item: (day, night, overtime, production) in seconds.
fn night_sums(day: i64, night: i64, overtime: i64, production: i64) -> Value {
    json!({
        "day_time_sum": hm(day),
        "night_time_sum": hm(night),
        "sum_day_night_time": hms(day + night),
        "sum_day_night_minute": (day + night) / 60,
        "over_time_sum": hm(overtime),
        "over_time_sum_minute": overtime / 60,
        "production_time_sum": hm(production),
        "production_time_sum_minute": production / 60,
    })
}

/// One `report[]` date of the night report: (first_time, last_time) per segment.
fn night_date(date: &str, manual: i64, times: &[(&str, &str)]) -> Value {
    json!({
        "inoutDate": date,
        "mode_col_count": manual,
        "subtract_time": "00:00:00",
        "subtract_time_minute": 0,
        "times_count": times.len(),
        "times": times.iter().map(|(f, l)| json!({"first_time": f, "last_time": l})).collect::<Vec<_>>(),
    })
}

/// `HH:MM` of positive seconds.
fn hm(seconds: i64) -> String {
    format!("{:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

/// `HH:MM:SS` of positive seconds.
fn hms(seconds: i64) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

const H: i64 = 3600;
const M: i64 = 60;

/// A T12 item.
fn t12_item(p: &Person, report: Value) -> Value {
    json!({
        "employee_id": p.id,
        "first_name": p.text("first_name"),
        "last_name": p.text("last_name"),
        "patronymic": p.text("patronymic"),
        "tab_number": p.text("tab_number"),
        "department_id": p.department_id(),
        "department_title": p.department_title(),
        "department_parent_title": p.parent_title,
        "first_department_title": null,
        "position_id": null,
        "position_title": null,
        "photos": null,
        "report": report,
    })
}

/// T12 sums, in the order: production, work, authorized, worked_days,
/// weekend_holidays, with_absence, without_absence, not_worked, overtime (seconds).
#[allow(clippy::too_many_arguments)]
fn t12_report(
    production: i64,
    work: i64,
    authorized: i64,
    worked_days: i64,
    weekend_holidays: i64,
    with_absence: i64,
    without_absence: i64,
    not_worked: i64,
    overtime: i64,
    days: Vec<Value>,
) -> Value {
    json!({
        "authorized_time_sum": hm(authorized),
        "weekend_holidays": hm(weekend_holidays),
        "not_work_time_all_sum": hm(with_absence + without_absence),
        "not_work_time_with_absence_sum": hm(with_absence),
        "not_work_time_without_absence_sum": hm(without_absence),
        "worked_days": worked_days,
        "production_time_sum": hm(production),
        "work_time_sum": hm(work),
        "days": days,
        "not_worked_time": hm(not_worked),
        "overtime": hm(overtime),
    })
}

/// A T12 day; `cause` = (title, color) of the time-off type.
fn t12_day(
    date: &str,
    work_day: bool,
    holiday: bool,
    work: &str,
    cause: Option<(&str, &str)>,
) -> Value {
    json!({
        "report_date": date,
        "absence_cause_name": cause.map(|c| c.0),
        "absence_cause_title": cause.map(|c| c.0),
        "absence_cause_color": cause.map_or("000", |c| c.1),
        "is_work_day": work_day,
        "is_holiday": holiday,
        "work_time": work,
    })
}

/// A flattened row of the dismissed report on the default schedule, all zero.
fn dismissed_row(p: &Person, date: &str, day_number: u32, over: Value) -> Value {
    let base = json!({
        "production_time": "08:00",
        "paid_time": "00:00",
        "not_paid_time": "00:00",
        "first_in": null,
        "last_out": null,
        "authorized_time": "00:00",
        "late_in": "00:00",
        "early_out": "00:00",
        "not_authorized_time": "00:00:00",
        "work_time": "00:00",
        "norm_worktime": "-08:00",
        "start_time": "09:00",
        "end_time": "18:00",
        "report_day": &date[8..10],
        "day_number": day_number,
        "employee_id": p.id,
        "report_date": date,
        "absence_cause_id": null,
        "type_abs": null,
        "absence_cause_name": null,
        "absence_cause_title": null,
        "department_id": p.department_id(),
        "department_title": p.department_title(),
        "department_parent_title": p.parent_title,
        "last_name": p.text("last_name"),
        "first_name": p.text("first_name"),
        "full_name": p.text("full_name"),
        "early_in": "00:00",
        "late_out": "00:00",
        "sum_paid_time": "00:00",
        "sum_not_paid_time": "00:00",
        "sum_paid_over_time": "00:00",
        "is_work_day": true,
    });
    merge(base, over)
}

/// An item of the inouts report.
fn inout(
    p: &Person,
    full: &str,
    kind: &str,
    mode: &str,
    place: (i64, &str),
    serial: &str,
) -> Value {
    json!({
        "employee_id": p.id,
        "pin_code": p.pin(),
        "last_name": p.text("last_name"),
        "first_name": p.text("first_name"),
        "patronymic": p.text("patronymic"),
        "full_name": p.text("full_name"),
        "tab_number": p.text("tab_number"),
        "position_id": null,
        "department_id": p.department_id(),
        "department_title": p.department_title(),
        "position_title": null,
        "event_date": &full[..10],
        "event_full_date": full,
        "event_time": &full[11..],
        "event_code": if kind == "in" { 0 } else { 1 },
        "event_name": kind,
        "mode": mode,
        "location_title": place.1,
        "location_id": place.0,
        "serial_number": serial,
    })
}

/// The items with each `id` checked against the stored events (the employee's event at
/// that local time) and taken out, so that the rest compares as the reference shows it.
async fn checked_event_ids(app: &TestApp, items: &Value) -> Value {
    let mut items = items.clone();
    for item in items.as_array_mut().expect("items") {
        let id = item
            .as_object_mut()
            .and_then(|fields| fields.remove("id"))
            .and_then(|id| id.as_i64())
            .expect("an inouts item names its event");
        let employee = item["employee_id"].as_i64().expect("employee id");
        let at = local(item["event_full_date"].as_str().expect("full date"));
        let matching = scalar(
            &app.store,
            "SELECT count(*) FROM clock_events WHERE id = $1 AND employee_id = $2 AND at = $3",
            &[id, employee, at],
        )
        .await;
        assert_eq!(matching, 1, "the item {item} names event {id}");
    }
    items
}

/// The employee id of an item of any report.
fn employee_of(item: &Value) -> i64 {
    item["employee"]["id"]
        .as_i64()
        .or_else(|| item["employee_id"].as_i64())
        .or_else(|| item["employeeID"].as_i64())
        .expect("an employee id in the item")
}

/// The date an item of a day-row report is about.
fn date_of(item: &Value) -> String {
    item["scheduled"]["report_date"]
        .as_str()
        .or_else(|| item["report_date"].as_str())
        .or_else(|| item["event_full_date"].as_str())
        .expect("a date in the item")
        .to_string()
}

// ---------------------------------------------------------------------------------
// The smoke tests
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn at_work_shows_the_e1_day_of_the_fixed_schedule() {
    each_backend(|app| async move {
        let token = app.admin_token().await;
        let (employee, location) = admin_profile(&app, &token).await;
        // The admin started on 2025-03-04 (a Tuesday); now is 2025-03-05 21:00.
        app.clock.advance(36 * 3600);
        for (kind, time) in [
            ("in", "2025-03-04 08:55:00"),
            ("out", "2025-03-04 13:00:00"),
            ("in", "2025-03-04 14:00:00"),
            ("out", "2025-03-04 18:10:00"),
        ] {
            clock(&app, &token, kind, location, time).await;
        }
        let reply = app
            .get(
                "/v1/reports/at-work?start_date=2025-03-04&end_date=2025-03-04",
                Some(&token),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["_meta"]["totalCount"], 1, "{}", reply.text);
        let row = &reply.body["items"][0];
        assert_eq!(row["employee"]["id"], employee);
        let schedule_id = row["scheduled"]["schedule_id"].clone();
        assert_eq!(
            row["scheduled"],
            json!({
                "report_date": "2025-03-04", "is_work_day": true, "production_time": "08:00",
                "start_time": "2025-03-04 09:00:00", "end_time": "2025-03-04 18:00:00",
                "schedule_id": schedule_id, "timeoff_id": null
            })
        );
        assert_eq!(
            row["actual"],
            json!({
                "first_in": "08:55", "last_out": "18:10", "late_in": null, "early_in": "00:05",
                "early_out": null, "late_out": "00:10", "authorized_time": "08:00",
                "work_time": "08:15", "last_event": "out"
            })
        );
        for (field, value) in [
            ("not_authorized_time", json!("00:15")),
            ("auth_lunch_time", json!("00:00")),
            ("paid_time", json!("00:00")),
            ("sum_paid_time", Value::Null),
            ("status", json!(false)),
            ("norm_worktime", json!("00:15")),
            ("overtime", json!("00:15")),
        ] {
            assert_eq!(row[field], value, "{field}: {}", reply.text);
        }
        // Nobody was late; the admin was absent on 03-05.
        let late = app
            .get(
                "/v1/reports/late-in?start_date=2025-03-04&end_date=2025-03-05",
                Some(&token),
            )
            .await;
        assert_eq!(late.body["_meta"]["totalCount"], 0, "{}", late.text);
        let t12 = app
            .get(
                "/v1/reports/t12?start_date=2025-03-04&end_date=2025-03-05",
                Some(&token),
            )
            .await;
        assert_eq!(t12.status, 200, "{}", t12.text);
        let report = &t12.body["items"][0]["report"];
        assert_eq!(report["work_time_sum"], "08:15", "{}", t12.text);
        assert_eq!(report["days"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            report["not_work_time_without_absence_sum"], "08:00",
            "{}",
            t12.text
        );
        let absence = app
            .get(
                "/v1/reports/absence?start_date=2025-03-04&end_date=2025-03-05",
                Some(&token),
            )
            .await;
        assert_eq!(absence.body["_meta"]["totalCount"], 1, "{}", absence.text);
        assert_eq!(
            absence.body["items"][0]["scheduled"]["report_date"],
            "2025-03-05"
        );
        let counts = app.get("/v1/employees/attendance", Some(&token)).await;
        assert_eq!(counts.status, 200, "{}", counts.text);
        assert_eq!(counts.body["count_employees"], 1, "{}", counts.text);
        let inouts = app
            .get(
                "/v1/reports/inouts?start_date=2025-03-04&end_date=2025-03-04",
                Some(&token),
            )
            .await;
        assert_eq!(inouts.body["_meta"]["totalCount"], 4, "{}", inouts.text);
        assert_eq!(
            inouts.body["items"][0]["event_full_date"],
            "2025-03-04 08:55:00"
        );
        assert_eq!(inouts.body["items"][0]["event_time"], "08:55:00");
        assert_eq!(inouts.body["items"][0]["mode"], "auto");
    })
    .await;
}

#[tokio::test]
async fn a_report_needs_its_start_date_and_a_sane_range() {
    each_backend(|app| async move {
        let token = app.admin_token().await;
        app.get("/v1/reports/at-work", Some(&token))
            .await
            .assert_error(400, 4000);
        app.get(
            "/v1/reports/t12?start_date=2025-03-05&end_date=2025-03-01",
            Some(&token),
        )
        .await
        .assert_error(400, 4001);
        app.get(
            "/v1/reports/t12?start_date=2024-01-01&end_date=2025-03-01",
            Some(&token),
        )
        .await
        .assert_error(400, 4001);
        app.get("/v1/reports/night?start_date=03/01/2025", Some(&token))
            .await
            .assert_error(400, 4001);
        // inouts pages stored events: any range, as a sync client set up long ago sends
        // only its first start_date; every engine-computed report keeps 366 days.
        let (_, location) = admin_profile(&app, &token).await;
        clock(&app, &token, "in", location, "2025-03-04 08:55:00").await;
        let since_setup = app
            .get("/v1/reports/inouts?start_date=2020-01-01", Some(&token))
            .await;
        assert_eq!(since_setup.status, 200, "{}", since_setup.text);
        assert_eq!(
            since_setup.body["_meta"]["totalCount"], 1,
            "{}",
            since_setup.text
        );
        for path in [
            "at-work",
            "late-in",
            "absence",
            "dismissed",
            "night",
            "night-by-location",
            "t12",
        ] {
            app.get(
                &format!("/v1/reports/{path}?start_date=2020-01-01"),
                Some(&token),
            )
            .await
            .assert_error(400, 4001);
        }
        app.get(
            "/v1/reports/inouts?start_date=2025-03-05&end_date=2025-03-01",
            Some(&token),
        )
        .await
        .assert_error(400, 4001);
        // The OpenAPI document says which is which.
        let document = app.get("/v1/openapi.json", None).await.body;
        let end_date = |path: &str| {
            document["paths"][path]["get"]["parameters"]
                .as_array()
                .expect("parameters")
                .iter()
                .find(|p| p["name"] == "end_date")
                .and_then(|p| p["description"].as_str())
                .expect("end_date")
                .to_string()
        };
        assert!(end_date("/v1/reports/inouts").contains("any range"));
        assert!(end_date("/v1/reports/at-work").contains("366 days"));
    })
    .await;
}

// ---------------------------------------------------------------------------------
// at-work: E1, E2, E9, E12, an open interval
// ---------------------------------------------------------------------------------

/// E1 (early in, late out, lunch taken), E2 (late, works through lunch) and E9
/// (duplicates within 60 s) on Monday 2025-03-03, each a whole at-work row, in the
/// order date then full name.
#[tokio::test]
async fn at_work_rows_of_e1_e2_and_e9() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let e1 = hire(&app, &w.admin, hire_body(&w, "Anvar", "Aliyev")).await;
        let e2 = hire(&app, &w.admin, hire_body(&w, "Botir", "Bakirov")).await;
        let e9 = hire(&app, &w.admin, hire_body(&w, "Sardor", "Sobirov")).await;
        move_to(&app, APRIL);
        punches(
            &app,
            &w.admin,
            e1.id,
            w.office,
            &[
                ("in", "2025-03-03 08:55:00"),
                ("out", "2025-03-03 13:00:00"),
                ("in", "2025-03-03 14:00:00"),
                ("out", "2025-03-03 18:10:00"),
            ],
        )
        .await;
        punches(
            &app,
            &w.admin,
            e2.id,
            w.office,
            &[
                ("in", "2025-03-03 09:47:00"),
                ("out", "2025-03-03 18:00:00"),
            ],
        )
        .await;
        punches(
            &app,
            &w.admin,
            e9.id,
            w.office,
            &[
                ("in", "2025-03-03 08:58:10"),
                ("in", "2025-03-03 08:58:40"),
                ("out", "2025-03-03 18:02:05"),
                ("out", "2025-03-03 18:02:50"),
            ],
        )
        .await;
        let who = ids(&[&e1, &e2, &e9]);
        let body = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/at-work?start_date=2025-03-03&end_date=2025-03-03&f=employee&ids={who}"
            ),
        )
        .await;
        let want = vec![
            day_row(
                &e1,
                fx("2025-03-03", w.schedule),
                actual(json!({
                    "first_in": "08:55", "last_out": "18:10", "early_in": "00:05",
                    "late_out": "00:10", "authorized_time": "08:00", "work_time": "08:15",
                    "last_event": "out",
                })),
                json!({
                    "not_authorized_time": "00:15", "auth_lunch_time": "00:00",
                    "norm_worktime": "00:15", "overtime": "00:15",
                }),
            ),
            day_row(
                &e2,
                fx("2025-03-03", w.schedule),
                actual(json!({
                    "first_in": "09:47", "last_out": "18:00", "late_in": "00:47",
                    "authorized_time": "07:13", "work_time": "08:13", "last_event": "out",
                })),
                json!({
                    "not_authorized_time": "00:00", "auth_lunch_time": "01:00",
                    "norm_worktime": "-00:47", "overtime": "00:00",
                }),
            ),
            day_row(
                &e9,
                fx("2025-03-03", w.schedule),
                actual(json!({
                    "first_in": "08:58", "last_out": "18:02", "early_in": "00:02",
                    "late_out": "00:02", "authorized_time": "08:00", "work_time": "09:04",
                    "last_event": "out",
                })),
                json!({
                    "not_authorized_time": "00:04", "auth_lunch_time": "01:00",
                    "norm_worktime": "00:04", "overtime": "00:04",
                }),
            ),
        ];
        same(&body["items"], &json!(want), "at-work 03-03");
        same(
            &body["_meta"],
            &json!({"totalCount": 3, "pageCount": 1, "currentPage": 1, "perPage": 50}),
            "at-work meta",
        );
        // Only E2 was late; the late-in report shows the same row.
        let late = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/late-in?start_date=2025-03-03&end_date=2025-03-03&f=employee&ids={who}"
            ),
        )
        .await;
        same(&late["items"], &json!([want[1].clone()]), "late-in 03-03");
        // Nobody of them is absent; the duplicates stay stored (inouts lists E9's four).
        let absence = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/absence?start_date=2025-03-03&end_date=2025-03-03&f=employee&ids={who}"
            ),
        )
        .await;
        same(&absence["items"], &json!([]), "absence 03-03");
        let inouts = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/inouts?start_date=2025-03-03&end_date=2025-03-03&f=employee&ids={}",
                e9.id
            ),
        )
        .await;
        assert_eq!(inouts["_meta"]["totalCount"], 4, "{inouts}");
    })
    .await;
}

/// E12: an evening return that crosses midnight stays with Monday (last_out 02:00,
/// late_out 08:00, overtime 05:00, night 04:00); Tuesday is a normal day. Checked
/// in at-work and in the night report (segments, day/night split, sums).
#[tokio::test]
async fn at_work_and_night_of_e12_evening_return_crossing_midnight() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let e = hire(&app, &w.admin, hire_body(&w, "Dilshod", "Davronov")).await;
        move_to(&app, APRIL);
        punches(&app, &w.admin, e.id, w.office, &[
            ("in", "2025-03-03 09:00:00"),
            ("out", "2025-03-03 18:00:00"),
            ("in", "2025-03-03 21:00:00"),
            ("out", "2025-03-04 02:00:00"),
            ("in", "2025-03-04 09:00:00"),
            ("out", "2025-03-04 18:00:00"),
        ])
        .await;
        let body = report(
            &app,
            &w.admin,
            &format!("/v1/reports/at-work?start_date=2025-03-03&end_date=2025-03-04&employee_id={}", e.id),
        )
        .await;
        let want = json!([
            day_row(
                &e,
                fx("2025-03-03", w.schedule),
                actual(json!({
                    "first_in": "09:00", "last_out": "02:00", "late_out": "08:00",
                    "authorized_time": "08:00", "work_time": "14:00", "last_event": "out",
                })),
                json!({
                    "not_authorized_time": "05:00", "auth_lunch_time": "01:00",
                    "norm_worktime": "05:00", "overtime": "05:00",
                }),
            ),
            day_row(
                &e,
                fx("2025-03-04", w.schedule),
                actual(json!({
                    "first_in": "09:00", "last_out": "18:00", "authorized_time": "08:00",
                    "work_time": "09:00", "last_event": "out",
                })),
                json!({"auth_lunch_time": "01:00"}),
            ),
        ]);
        same(&body["items"], &want, "at-work E12");
        // Reversed date order.
        let reversed = report(
            &app,
            &w.admin,
            &format!("/v1/reports/at-work?start_date=2025-03-03&end_date=2025-03-04&employee_id={}&sort=-date", e.id),
        )
        .await;
        same(
            &reversed["items"],
            &json!([want[1].clone(), want[0].clone()]),
            "at-work E12 sort=-date",
        );
        // Night: Monday 09–18 (day 9 h) and 21–02 (day 1 h, night 4 h); Tuesday 9 h.
        let night = report(
            &app,
            &w.admin,
            &format!("/v1/reports/night?start_date=2025-03-03&end_date=2025-03-04&employee_id={}", e.id),
        )
        .await;
        let want = json!([night_item(
            &e,
            night_sums(19 * H, 4 * H, 5 * H, 16 * H),
            json!([
                night_date("2025-03-03", 4, &[
                    ("2025-03-03 09:00:00", "2025-03-03 18:00:00"),
                    ("2025-03-03 21:00:00", "2025-03-04 02:00:00"),
                ]),
                night_date("2025-03-04", 2, &[("2025-03-04 09:00:00", "2025-03-04 18:00:00")]),
            ]),
        )]);
        same(&night["items"], &want, "night E12");
    })
    .await;
}

/// An interval open at now (Q1, as E7): status true, work 00:00, late_in counted,
/// early_out null; once closed it counts.
#[tokio::test]
async fn an_open_interval_is_at_work_with_nothing_counted_yet() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let (id, token) = app
            .add_user("open@test.uz", Role::Employee, "Ulugbek")
            .await;
        let e = person(&app, &w.admin, id).await;
        // Now 2025-03-04 10:00; they clock themselves in for 09:30.
        move_to(&app, "2025-03-04 10:00:00");
        clock(&app, &token, "in", w.office, "2025-03-04 09:30:00").await;
        let path = format!(
            "/v1/reports/at-work?start_date=2025-03-04&end_date=2025-03-04&employee_id={id}"
        );
        let open = day_row(
            &e,
            fx("2025-03-04", w.schedule),
            actual(json!({"first_in": "09:30", "late_in": "00:30", "last_event": "in"})),
            json!({"status": true, "norm_worktime": "-08:00"}),
        );
        same(
            &report(&app, &w.admin, &path).await["items"],
            &json!([open.clone()]),
            "open interval",
        );
        let late = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/late-in?start_date=2025-03-04&end_date=2025-03-04&employee_id={id}"
            ),
        )
        .await;
        same(&late["items"], &json!([open]), "late-in while open");
        // They leave at 18:00: the interval closes.
        move_to(&app, "2025-03-04 18:00:00");
        clock(&app, &token, "out", w.office, "2025-03-04 18:00:00").await;
        let closed = day_row(
            &e,
            fx("2025-03-04", w.schedule),
            actual(json!({
                "first_in": "09:30", "last_out": "18:00", "late_in": "00:30",
                "authorized_time": "07:30", "work_time": "08:30", "last_event": "out",
            })),
            json!({"auth_lunch_time": "01:00", "norm_worktime": "-00:30"}),
        );
        same(
            &report(&app, &w.admin, &path).await["items"],
            &json!([closed]),
            "closed interval",
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------
// A night-shift schedule of type 4: E6, E7
// ---------------------------------------------------------------------------------

/// A 2/2 night-shift cycle created through `POST /v1/schedules` and assigned with
/// `schedule_start_date` 2025-03-01: E6 (a whole night with early in and late out,
/// night/day split in the night report) and E7 (the Workly sample: an in the next
/// morning is still attributed to the shift's date, open, late 12:11).
#[tokio::test]
async fn a_night_shift_cycle_gives_e6_and_e7() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let nights = created_id(
            &app,
            &w.admin,
            "/v1/schedules",
            json!({
                "title": "Ночные 2/2",
                "type": 4,
                "cycle": [
                    {"start": "21:00", "end": "09:00", "lunch_minutes": 0},
                    {"start": "21:00", "end": "09:00", "lunch_minutes": 0},
                    null,
                    null
                ]
            }),
        )
        .await;
        let on_nights = |first: &str, last: &str| {
            let mut body = hire_body(&w, first, last);
            body["schedule_id"] = json!(nights);
            body["start_date"] = json!("2025-03-01");
            body["schedule_start_date"] = json!("2025-03-01");
            body
        };
        let p = hire(&app, &w.admin, on_nights("Nodir", "Nazarov")).await;
        let q = hire(&app, &w.admin, on_nights("Qosim", "Qodirov")).await;
        assert_eq!(p.card["schedule"]["type"], 4, "{}", p.card);
        // Now 2025-03-06 10:00.
        move_to(&app, "2025-03-06 10:00:00");
        punches(
            &app,
            &w.admin,
            p.id,
            w.office,
            &[
                ("in", "2025-03-05 20:50:00"),
                ("out", "2025-03-06 09:05:00"),
            ],
        )
        .await;
        punches(
            &app,
            &w.admin,
            q.id,
            w.office,
            &[("in", "2025-03-06 09:11:00")],
        )
        .await;
        let who = ids(&[&p, &q]);
        let night_of = |date: &str, next: &str| {
            json!({
                "report_date": date, "is_work_day": true, "production_time": "12:00",
                "start_time": format!("{date} 21:00:00"), "end_time": format!("{next} 09:00:00"),
                "schedule_id": nights, "timeoff_id": null,
            })
        };
        let e6 = day_row(
            &p,
            night_of("2025-03-05", "2025-03-06"),
            actual(json!({
                "first_in": "20:50", "last_out": "09:05", "early_in": "00:10",
                "late_out": "00:05", "authorized_time": "12:00", "work_time": "12:15",
                "last_event": "out",
            })),
            json!({
                "not_authorized_time": "00:15", "auth_lunch_time": null,
                "norm_worktime": "00:15", "overtime": "00:15",
            }),
        );
        let e7 = day_row(
            &q,
            night_of("2025-03-05", "2025-03-06"),
            actual(json!({"first_in": "09:11", "late_in": "12:11", "last_event": "in"})),
            json!({"status": true, "auth_lunch_time": null, "norm_worktime": "-12:00"}),
        );
        let body = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/at-work?start_date=2025-03-05&end_date=2025-03-06&f=employee&ids={who}"
            ),
        )
        .await;
        same(
            &body["items"],
            &json!([e6.clone(), e7.clone()]),
            "at-work E6/E7",
        );
        let late = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/late-in?start_date=2025-03-05&end_date=2025-03-06&f=employee&ids={who}"
            ),
        )
        .await;
        same(&late["items"], &json!([e7]), "late-in E7");
        // Slots: 03-01 N, 03-02 N, 03-03 off, 03-04 off, 03-05 N, 03-06 N (starts at
        // 21:00, after now). Absent on 03-01 and 03-02 only.
        let absence = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/absence?start_date=2025-03-01&end_date=2025-03-06&f=employee&ids={who}"
            ),
        )
        .await;
        same(
            &absence["items"],
            &json!([
                absence_row(&p, night_of("2025-03-01", "2025-03-02")),
                absence_row(&q, night_of("2025-03-01", "2025-03-02")),
                absence_row(&p, night_of("2025-03-02", "2025-03-03")),
                absence_row(&q, night_of("2025-03-02", "2025-03-03")),
            ]),
            "absence of the night shift",
        );
        // P's night report of 03-05 alone: 8 h of night, 4:15 of day, overtime 00:15,
        // production 12:00. (Q's interval of 03-05 has its only event on 03-06:
        // `night_reports_list_employees_by_the_date_of_their_intervals`.)
        let night = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/night?start_date=2025-03-05&end_date=2025-03-05&employee_id={}",
                p.id
            ),
        )
        .await;
        same(
            &night["items"],
            &json!([night_item(
                &p,
                night_sums(4 * H + 15 * M, 8 * H, 15 * M, 12 * H),
                json!([night_date(
                    "2025-03-05",
                    2,
                    &[("2025-03-05 20:50:00", "2025-03-06 09:05:00")]
                )]),
            )]),
            "night of 03-05",
        );
        // Over 03-05..03-06 both are listed; Q's open interval has no last time.
        let night = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/night?start_date=2025-03-05&end_date=2025-03-06&f=employee&ids={who}"
            ),
        )
        .await;
        same(
            &night["items"],
            &json!([
                night_item(
                    &p,
                    night_sums(4 * H + 15 * M, 8 * H, 15 * M, 24 * H),
                    json!([night_date(
                        "2025-03-05",
                        2,
                        &[("2025-03-05 20:50:00", "2025-03-06 09:05:00")]
                    )]),
                ),
                night_item(
                    &q,
                    night_sums(0, 0, 0, 24 * H),
                    json!([night_date("2025-03-05", 1, &[("2025-03-06 09:11:00", "")])]),
                ),
            ]),
            "night of 03-05..03-06",
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------
// absence: E3, E4, E4b, E10, E11
// ---------------------------------------------------------------------------------

/// The absence report lists absent work days only (E3): not days off, not an
/// orphan-out day (E11) nor an unpaired-in day (E10); today only once the shift has
/// started (now ≥ S). The E10/E11 days are at-work rows instead.
#[tokio::test]
async fn absence_lists_absent_work_days_only() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let x = hire(&app, &w.admin, hire_body(&w, "Xurshid", "Xolmatov")).await;
        let y = hire(&app, &w.admin, hire_body(&w, "Yorqin", "Yusupov")).await;
        // Friday 2025-03-07 08:59: the day's shift has not started yet.
        move_to(&app, "2025-03-07 08:59:00");
        // X: only an out on Monday (E11). Y: an in on Monday, the next in on Tuesday
        // more than 16 h later (E10).
        punches(
            &app,
            &w.admin,
            x.id,
            w.office,
            &[("out", "2025-03-03 18:00:00")],
        )
        .await;
        punches(
            &app,
            &w.admin,
            y.id,
            w.office,
            &[("in", "2025-03-03 09:00:00"), ("in", "2025-03-04 08:55:00")],
        )
        .await;
        let who = ids(&[&x, &y]);
        let path = format!(
            "/v1/reports/absence?start_date=2025-03-01&end_date=2025-03-07&f=employee&ids={who}"
        );
        let mut want = vec![
            absence_row(&x, fx("2025-03-04", w.schedule)),
            absence_row(&x, fx("2025-03-05", w.schedule)),
            absence_row(&y, fx("2025-03-05", w.schedule)),
            absence_row(&x, fx("2025-03-06", w.schedule)),
            absence_row(&y, fx("2025-03-06", w.schedule)),
        ];
        let body = report(&app, &w.admin, &path).await;
        same(&body["items"], &json!(want), "absence before 09:00");
        // From 09:00 today is absent too.
        move_to(&app, "2025-03-07 09:00:00");
        want.push(absence_row(&x, fx("2025-03-07", w.schedule)));
        want.push(absence_row(&y, fx("2025-03-07", w.schedule)));
        let body = report(&app, &w.admin, &path).await;
        same(&body["items"], &json!(want), "absence from 09:00");
        same(
            &body["_meta"],
            &json!({"totalCount": 7, "pageCount": 1, "currentPage": 1, "perPage": 50}),
            "absence meta",
        );
        // Reversed: the dates go backwards.
        let reversed = report(&app, &w.admin, &format!("{path}&sort=DESC")).await;
        let dates: Vec<String> = items(&reversed).iter().map(date_of).collect();
        assert_eq!(
            dates,
            [
                "2025-03-07",
                "2025-03-07",
                "2025-03-06",
                "2025-03-06",
                "2025-03-05",
                "2025-03-05",
                "2025-03-04"
            ],
            "{reversed}"
        );
        // The E11 and E10 days are in at-work instead.
        let at_work = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/at-work?start_date=2025-03-01&end_date=2025-03-07&f=employee&ids={who}"
            ),
        )
        .await;
        same(
            &at_work["items"],
            &json!([
                day_row(
                    &x,
                    fx("2025-03-03", w.schedule),
                    actual(json!({"last_out": "18:00", "last_event": "out"})),
                    json!({"norm_worktime": "-08:00"}),
                ),
                day_row(
                    &y,
                    fx("2025-03-03", w.schedule),
                    actual(json!({"first_in": "09:00", "last_event": "in"})),
                    json!({"norm_worktime": "-08:00"}),
                ),
                day_row(
                    &y,
                    fx("2025-03-04", w.schedule),
                    actual(json!({"first_in": "08:55", "early_in": "00:05", "last_event": "in"})),
                    json!({"norm_worktime": "-08:00"}),
                ),
            ]),
            "at-work of E10/E11",
        );
    })
    .await;
}

/// Only an accepted time-off covers a day (E4): a rejected, pending (E4b) or deleted
/// request leaves the day absent, as E3. The accepted day shows in the T12 with the
/// type's title and color.
#[tokio::test]
async fn absence_counts_only_accepted_time_off_e4_e4b() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let x = hire(&app, &w.admin, hire_body(&w, "Xurshid", "Xolmatov")).await;
        let leave = absence_type(&app, &w.admin, "Отпуск", "00FF00").await;
        let daily = |date: &str| (true, format!("{date} 00:00:00"), format!("{date} 23:59:59"));
        // 03-04: a rejected request; 03-05: accepted; 03-06: pending; 03-07: deleted.
        let (d, s, e) = daily("2025-03-04");
        let rejected = time_off(&app, &w.admin, x.id, leave, (d, &s, &e), true, 0).await;
        let reply = app
            .post_json(
                &format!("/v1/employees/time-off/{rejected}/reject"),
                &json!({}),
                Some(&w.admin),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let (d, s, e) = daily("2025-03-05");
        time_off(&app, &w.admin, x.id, leave, (d, &s, &e), true, 1).await;
        let (d, s, e) = daily("2025-03-06");
        time_off(&app, &w.admin, x.id, leave, (d, &s, &e), true, 0).await;
        let (d, s, e) = daily("2025-03-07");
        let deleted = time_off(&app, &w.admin, x.id, leave, (d, &s, &e), true, 0).await;
        let reply = app
            .delete(&format!("/v1/employees/time-off/{deleted}"), &w.admin)
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        move_to(&app, APRIL);
        let body = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/absence?start_date=2025-03-03&end_date=2025-03-07&employee_id={}",
                x.id
            ),
        )
        .await;
        same(
            &body["items"],
            &json!([
                absence_row(&x, fx("2025-03-03", w.schedule)),
                absence_row(&x, fx("2025-03-04", w.schedule)),
                absence_row(&x, fx("2025-03-06", w.schedule)),
                absence_row(&x, fx("2025-03-07", w.schedule)),
            ]),
            "absence around time-offs",
        );
        let t12 = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/t12?start_date=2025-03-03&end_date=2025-03-07&employee_id={}",
                x.id
            ),
        )
        .await;
        same(
            &t12["items"],
            &json!([t12_item(
                &x,
                t12_report(
                    40 * H,
                    0,
                    0,
                    0,
                    0,
                    8 * H,
                    32 * H,
                    0,
                    0,
                    vec![
                        t12_day("2025-03-03", true, false, "00:00", None),
                        t12_day("2025-03-04", true, false, "00:00", None),
                        t12_day(
                            "2025-03-05",
                            true,
                            false,
                            "00:00",
                            Some(("Отпуск", "00FF00"))
                        ),
                        t12_day("2025-03-06", true, false, "00:00", None),
                        t12_day("2025-03-07", true, false, "00:00", None),
                    ]
                ),
            )]),
            "t12 of E4",
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------
// Time-off effects: E5, E17, E18
// ---------------------------------------------------------------------------------

/// E5 (accepted hourly unpaid 09:00–11:00, in 11:05), E17 (work during an accepted
/// paid daily time-off) and E18 (accepted hourly paid 17:00–20:00, partly outside the
/// schedule) on Wednesday 2025-03-05: whole at-work rows with `timeoff_id`, the sums
/// and the buckets; late-in and T12 of the same days.
#[tokio::test]
async fn time_off_shapes_the_day_rows_e5_e17_e18() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let e5 = hire(&app, &w.admin, hire_body(&w, "Farrux", "Fayziyev")).await;
        let e17 = hire(&app, &w.admin, hire_body(&w, "Gulnora", "Gafurova")).await;
        let e18 = hire(&app, &w.admin, hire_body(&w, "Hamid", "Hasanov")).await;
        let kind = absence_type(&app, &w.admin, "Отгул", "1E90FF").await;
        let t5 = time_off(
            &app,
            &w.admin,
            e5.id,
            kind,
            (false, "2025-03-05 09:00:00", "2025-03-05 11:00:00"),
            false,
            1,
        )
        .await;
        let t17 = time_off(
            &app,
            &w.admin,
            e17.id,
            kind,
            (true, "2025-03-05 00:00:00", "2025-03-05 23:59:59"),
            true,
            1,
        )
        .await;
        // E18's request is made pending and then approved.
        let t18 = time_off(
            &app,
            &w.admin,
            e18.id,
            kind,
            (false, "2025-03-05 17:00:00", "2025-03-05 20:00:00"),
            true,
            0,
        )
        .await;
        let reply = app
            .post_json(
                &format!("/v1/employees/time-off/{t18}/approve"),
                &json!({}),
                Some(&w.admin),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        move_to(&app, APRIL);
        punches(
            &app,
            &w.admin,
            e5.id,
            w.office,
            &[
                ("in", "2025-03-05 11:05:00"),
                ("out", "2025-03-05 18:00:00"),
            ],
        )
        .await;
        punches(
            &app,
            &w.admin,
            e17.id,
            w.office,
            &[
                ("in", "2025-03-05 10:00:00"),
                ("out", "2025-03-05 12:00:00"),
            ],
        )
        .await;
        punches(
            &app,
            &w.admin,
            e18.id,
            w.office,
            &[
                ("in", "2025-03-05 09:00:00"),
                ("out", "2025-03-05 17:00:00"),
            ],
        )
        .await;
        let with_off = |id: i64| merge(fx("2025-03-05", w.schedule), json!({"timeoff_id": id}));
        let row5 = day_row(
            &e5,
            with_off(t5),
            actual(json!({
                "first_in": "11:05", "last_out": "18:00", "late_in": "00:05",
                "authorized_time": "05:55", "work_time": "06:55", "last_event": "out",
            })),
            touched(json!({
                "sum_not_paid_time": "02:00", "auth_lunch_time": "01:00",
                "norm_worktime": "-00:05",
            })),
        );
        let row17 = day_row(
            &e17,
            with_off(t17),
            actual(json!({
                "first_in": "10:00", "last_out": "12:00", "work_time": "02:00",
                "last_event": "out",
            })),
            touched(json!({"sum_paid_time": "08:00", "paid_time": "02:00"})),
        );
        let row18 = day_row(
            &e18,
            with_off(t18),
            actual(json!({
                "first_in": "09:00", "last_out": "17:00", "authorized_time": "07:00",
                "work_time": "08:00", "last_event": "out",
            })),
            touched(json!({
                "sum_paid_time": "01:00", "sum_paid_over_time": "02:00",
                "auth_lunch_time": "01:00",
            })),
        );
        let who = ids(&[&e5, &e17, &e18]);
        let query = format!("start_date=2025-03-05&end_date=2025-03-05&f=employee&ids={who}");
        let body = report(&app, &w.admin, &format!("/v1/reports/at-work?{query}")).await;
        same(
            &body["items"],
            &json!([row5.clone(), row17, row18]),
            "at-work with time-off",
        );
        let late = report(&app, &w.admin, &format!("/v1/reports/late-in?{query}")).await;
        same(&late["items"], &json!([row5]), "late-in with time-off");
        let absence = report(&app, &w.admin, &format!("/v1/reports/absence?{query}")).await;
        same(&absence["items"], &json!([]), "absence with time-off");
        let cause = Some(("Отгул", "1E90FF"));
        let t12 = report(&app, &w.admin, &format!("/v1/reports/t12?{query}")).await;
        same(
            &t12["items"],
            &json!([
                t12_item(
                    &e5,
                    t12_report(
                        8 * H,
                        6 * H + 55 * M,
                        5 * H + 55 * M,
                        1,
                        0,
                        2 * H,
                        5 * M,
                        5 * M,
                        0,
                        vec![t12_day("2025-03-05", true, false, "06:55", cause)]
                    ),
                ),
                t12_item(
                    &e17,
                    t12_report(
                        8 * H,
                        2 * H,
                        0,
                        1,
                        0,
                        8 * H,
                        0,
                        0,
                        0,
                        vec![t12_day("2025-03-05", true, false, "02:00", cause)]
                    ),
                ),
                t12_item(
                    &e18,
                    t12_report(
                        8 * H,
                        8 * H,
                        7 * H,
                        1,
                        0,
                        H,
                        0,
                        0,
                        0,
                        vec![t12_day("2025-03-05", true, false, "08:00", cause)]
                    ),
                ),
            ]),
            "t12 with time-off",
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------
// Holidays: E13
// ---------------------------------------------------------------------------------

/// E13 through `POST /v1/holidays`: Navruz 2025-03-21 (a holiday: no work day, no
/// production, its work goes to weekend_holidays) and 2025-03-20 (shortened: ends at
/// 17:00, production 07:00). At-work, absence and T12.
#[tokio::test]
async fn holidays_and_shortened_days_e13() {
    each_backend(|app| async move {
        let w = world(&app).await;
        holiday(&app, &w.admin, "2025-03-21", "Навруз", "holiday").await;
        holiday(&app, &w.admin, "2025-03-20", "Предпраздничный", "shortened").await;
        let h1 = hire(&app, &w.admin, hire_body(&w, "Ibrohim", "Ismoilov")).await;
        let h2 = hire(&app, &w.admin, hire_body(&w, "Jasur", "Jalilov")).await;
        move_to(&app, APRIL);
        punches(
            &app,
            &w.admin,
            h1.id,
            w.office,
            &[
                ("in", "2025-03-20 09:00:00"),
                ("out", "2025-03-20 18:00:00"),
                ("in", "2025-03-21 10:00:00"),
                ("out", "2025-03-21 14:00:00"),
            ],
        )
        .await;
        let shortened = merge(
            fx("2025-03-20", w.schedule),
            json!({"production_time": "07:00", "end_time": "2025-03-20 17:00:00"}),
        );
        let navruz = json!({
            "report_date": "2025-03-21", "is_work_day": false, "production_time": "00:00",
            "start_time": null, "end_time": null, "schedule_id": w.schedule, "timeoff_id": null,
        });
        let who = ids(&[&h1, &h2]);
        let query = format!("start_date=2025-03-20&end_date=2025-03-21&f=employee&ids={who}");
        let body = report(&app, &w.admin, &format!("/v1/reports/at-work?{query}")).await;
        same(
            &body["items"],
            &json!([
                day_row(
                    &h1,
                    shortened.clone(),
                    actual(json!({
                        "first_in": "09:00", "last_out": "18:00", "late_out": "01:00",
                        "authorized_time": "07:00", "work_time": "09:00", "last_event": "out",
                    })),
                    json!({
                        "not_authorized_time": "01:00", "auth_lunch_time": "01:00",
                        "norm_worktime": "01:00", "overtime": "01:00",
                    }),
                ),
                day_row(
                    &h1,
                    navruz,
                    actual(json!({
                        "first_in": "10:00", "last_out": "14:00", "work_time": "04:00",
                        "last_event": "out",
                    })),
                    json!({
                        "not_authorized_time": "04:00", "auth_lunch_time": null,
                        "norm_worktime": "04:00", "overtime": "00:00",
                    }),
                ),
            ]),
            "at-work around Navruz",
        );
        // H2 stayed home both days: absent on the shortened day only.
        let absence = report(&app, &w.admin, &format!("/v1/reports/absence?{query}")).await;
        same(
            &absence["items"],
            &json!([absence_row(&h2, shortened)]),
            "absence around Navruz",
        );
        let t12 = report(&app, &w.admin, &format!("/v1/reports/t12?{query}")).await;
        same(
            &t12["items"],
            &json!([
                t12_item(
                    &h1,
                    t12_report(
                        7 * H,
                        13 * H,
                        7 * H,
                        2,
                        4 * H,
                        0,
                        0,
                        0,
                        H,
                        vec![
                            t12_day("2025-03-20", true, false, "09:00", None),
                            t12_day("2025-03-21", false, true, "04:00", None),
                        ]
                    ),
                ),
                t12_item(
                    &h2,
                    t12_report(
                        7 * H,
                        0,
                        0,
                        0,
                        0,
                        0,
                        7 * H,
                        0,
                        0,
                        vec![
                            t12_day("2025-03-20", true, false, "00:00", None),
                            t12_day("2025-03-21", false, true, "00:00", None),
                        ]
                    ),
                ),
            ]),
            "t12 around Navruz",
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------
// Night reports with two locations: E16
// ---------------------------------------------------------------------------------

/// E16 on a Free+ schedule (type 1 with `night_split`): an in at A 18:00, an in at B
/// 23:00, an out at B 03:30 the next day (all entered by the admin) give two segments of
/// 2019-12-12: A 04:00:00 day + 01:00:00 night, B 04:30:00 night. The whole night and
/// night-by-location items are compared, `report` and `locations[].dates[].times`
/// included.
#[tokio::test]
async fn night_reports_split_by_location_e16() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let free_plus = created_id(
            &app,
            &w.admin,
            "/v1/schedules",
            json!({
                "title": "Свободный+",
                "type": 1,
                "night_split": true,
                "days": (1..=7).map(|d| json!({"weekday": d, "production_time": "08:00"})).collect::<Vec<_>>(),
            }),
        )
        .await;
        let a = location(&app, &w.admin, "Склад Альфа").await;
        let b = location(&app, &w.admin, "Склад Бета").await;
        let mut body = hire_body(&w, "Kamol", "Karimov");
        body["schedule_id"] = json!(free_plus);
        body["locations"] = json!([a, b]);
        body["start_date"] = json!("2019-12-01");
        body["schedule_start_date"] = json!("2019-12-01");
        body["tab_number"] = json!("N-16");
        let k = hire(&app, &w.admin, body).await;
        // Someone on the same schedule with an event only after the range: not listed.
        let mut body = hire_body(&w, "Lola", "Latipova");
        body["schedule_id"] = json!(free_plus);
        body["start_date"] = json!("2019-12-01");
        body["schedule_start_date"] = json!("2019-12-01");
        let l = hire(&app, &w.admin, body).await;
        punches(&app, &w.admin, l.id, w.office, &[("in", "2019-12-14 10:00:00")]).await;
        punches(&app, &w.admin, k.id, a, &[("in", "2019-12-12 18:00:00")]).await;
        punches(&app, &w.admin, k.id, b, &[("in", "2019-12-12 23:00:00")]).await;
        punches(&app, &w.admin, k.id, b, &[("out", "2019-12-13 03:30:00")]).await;
        let query = "start_date=2019-12-12&end_date=2019-12-12";
        // Free: authorized = min(work, production) = 08:00, overtime 01:30.
        let sums = night_sums(4 * H, 5 * H + 30 * M, H + 30 * M, 8 * H);
        let night = report(&app, &w.admin, &format!("/v1/reports/night?{query}")).await;
        same(
            &night["items"],
            &json!([night_item(
                &k,
                sums.clone(),
                json!([night_date("2019-12-12", 3, &[
                    ("2019-12-12 18:00:00", "2019-12-12 23:00:00"),
                    ("2019-12-12 23:00:00", "2019-12-13 03:30:00"),
                ])]),
            )]),
            "night E16",
        );
        same(
            &night["_meta"],
            &json!({"totalCount": 1, "pageCount": 1, "currentPage": 1, "perPage": 50}),
            "night meta",
        );
        assert_eq!(sums["sum_day_night_time"], "09:30:00");
        assert_eq!(sums["sum_day_night_minute"], 570);
        let mut item = night_item(&k, sums, json!(null));
        let map: &mut Map<String, Value> = item.as_object_mut().expect("object");
        map.remove("report");
        map.insert("sum_prod_days".into(), json!(1));
        map.insert(
            "locations".into(),
            json!([
                {
                    "location_id": a,
                    "location_title": "Склад Альфа",
                    "mode_col_count": 1,
                    "day_time_sum": "04:00:00",
                    "night_time_sum": "01:00:00",
                    "day_time_sum_minutes": 240,
                    "night_time_sum_minutes": 60,
                    "sum_prod_shifts": 1,
                    "subtract_time": "00:00:00",
                    "subtract_time_minute": 0,
                    "dates": [{
                        "inout_date": "2019-12-12",
                        "subtract_time": "00:00:00",
                        "subtract_time_minute": 0,
                        "day_time": "04:00:00",
                        "night_time": "01:00:00",
                        "times": [{
                            "inout_date": "2019-12-12",
                            "in_location_id": a,
                            "in_location_title": "Склад Альфа",
                            "out_location_id": null,
                            "out_location_title": null,
                            "first_time": "2019-12-12 18:00:00",
                            "last_time": "2019-12-12 23:00:00",
                        }],
                    }],
                },
                {
                    "location_id": b,
                    "location_title": "Склад Бета",
                    "mode_col_count": 2,
                    "day_time_sum": "00:00:00",
                    "night_time_sum": "04:30:00",
                    "day_time_sum_minutes": 0,
                    "night_time_sum_minutes": 270,
                    "sum_prod_shifts": 1,
                    "subtract_time": "00:00:00",
                    "subtract_time_minute": 0,
                    "dates": [{
                        "inout_date": "2019-12-12",
                        "subtract_time": "00:00:00",
                        "subtract_time_minute": 0,
                        "day_time": "00:00:00",
                        "night_time": "04:30:00",
                        "times": [{
                            "inout_date": "2019-12-12",
                            "in_location_id": b,
                            "in_location_title": "Склад Бета",
                            "out_location_id": b,
                            "out_location_title": "Склад Бета",
                            "first_time": "2019-12-12 23:00:00",
                            "last_time": "2019-12-13 03:30:00",
                        }],
                    }],
                },
            ]),
        );
        let by_location = report(&app, &w.admin, &format!("/v1/reports/night-by-location?{query}")).await;
        same(&by_location["items"], &json!([item.clone()]), "night-by-location E16");
        // The same item through every way of naming the employee.
        for filter in [
            format!("f=location&ids={b}"),
            "f=tab_number&ids=N-16".to_string(),
            "tab_number=N-16".to_string(),
            format!("employee_id={}", k.id),
        ] {
            let body = report(&app, &w.admin, &format!("/v1/reports/night-by-location?{query}&{filter}")).await;
            same(&body["items"], &json!([item.clone()]), &filter);
        }
        // The inouts report of the same events.
        let inouts = report(
            &app,
            &w.admin,
            &format!("/v1/reports/inouts?start_date=2019-12-12&end_date=2019-12-13&employee_id={}", k.id),
        )
        .await;
        same(
            &checked_event_ids(&app, &inouts["items"]).await,
            &json!([
                inout(&k, "2019-12-12 18:00:00", "in", "manual", (a, "Склад Альфа"), ""),
                inout(&k, "2019-12-12 23:00:00", "in", "manual", (b, "Склад Бета"), ""),
                inout(&k, "2019-12-13 03:30:00", "out", "manual", (b, "Склад Бета"), ""),
            ]),
            "inouts E16",
        );
    })
    .await;
}

/// Device events (`POST /v1/device/events`) are `auto` with the device's serial
/// number in inouts, count as no manual event in the night reports (`mode_col_count`)
/// and close a segment at the device's location; the night reports keep seconds.
#[tokio::test]
async fn device_events_are_auto_with_their_serial_number() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let gate = location(&app, &w.admin, "Проходная").await;
        let mut body = hire_body(&w, "Malika", "Mirzayeva");
        body["locations"] = json!([w.office, gate]);
        let m = hire(&app, &w.admin, body).await;
        let terminal = device(&app, &w.admin, "SN-GATE-1", gate).await;
        move_to(&app, APRIL);
        punches(&app, &w.admin, m.id, w.office, &[("in", "2025-03-03 09:00:00")]).await;
        device_events(
            &app,
            &terminal,
            json!([{"uid": "gate-out-1", "pin_code": m.card["pin_code"], "event": "out", "event_time": "2025-03-03 18:00:15"}]),
        )
        .await;
        let query = format!("start_date=2025-03-03&end_date=2025-03-03&employee_id={}", m.id);
        let inouts = report(&app, &w.admin, &format!("/v1/reports/inouts?{query}")).await;
        same(
            &checked_event_ids(&app, &inouts["items"]).await,
            &json!([
                inout(&m, "2025-03-03 09:00:00", "in", "manual", (w.office, "Главный офис"), ""),
                inout(&m, "2025-03-03 18:00:15", "out", "auto", (gate, "Проходная"), "SN-GATE-1"),
            ]),
            "inouts with a device event",
        );
        let only_gate = report(&app, &w.admin, &format!("/v1/reports/inouts?{query}&f=location&ids={gate}")).await;
        assert_eq!(only_gate["_meta"]["totalCount"], 1, "{only_gate}");
        // 09:00:00 → 18:00:15 is 9 h 15 s of day time; the day row (minutes) has no
        // overtime.
        let sums = night_sums(9 * H + 15, 0, 0, 8 * H);
        assert_eq!(sums["sum_day_night_time"], "09:00:15");
        let night = report(&app, &w.admin, &format!("/v1/reports/night?{query}")).await;
        same(
            &night["items"],
            &json!([night_item(
                &m,
                sums.clone(),
                json!([night_date("2025-03-03", 1, &[("2025-03-03 09:00:00", "2025-03-03 18:00:15")])]),
            )]),
            "night with a device event",
        );
        let mut item = night_item(&m, sums, json!(null));
        let map: &mut Map<String, Value> = item.as_object_mut().expect("object");
        map.remove("report");
        map.insert("sum_prod_days".into(), json!(1));
        map.insert(
            "locations".into(),
            json!([{
                "location_id": w.office,
                "location_title": "Главный офис",
                "mode_col_count": 1,
                "day_time_sum": "09:00:15",
                "night_time_sum": "00:00:00",
                "day_time_sum_minutes": 540,
                "night_time_sum_minutes": 0,
                "sum_prod_shifts": 1,
                "subtract_time": "00:00:00",
                "subtract_time_minute": 0,
                "dates": [{
                    "inout_date": "2025-03-03",
                    "subtract_time": "00:00:00",
                    "subtract_time_minute": 0,
                    "day_time": "09:00:15",
                    "night_time": "00:00:00",
                    "times": [{
                        "inout_date": "2025-03-03",
                        "in_location_id": w.office,
                        "in_location_title": "Главный офис",
                        "out_location_id": gate,
                        "out_location_title": "Проходная",
                        "first_time": "2025-03-03 09:00:00",
                        "last_time": "2025-03-03 18:00:15",
                    }],
                }],
            }]),
        );
        let by_location = report(&app, &w.admin, &format!("/v1/reports/night-by-location?{query}")).await;
        same(&by_location["items"], &json!([item]), "night-by-location with a device event");
    })
    .await;
}

// ---------------------------------------------------------------------------------
// T12
// ---------------------------------------------------------------------------------

/// T12 over Mon 2025-03-03 .. Mon 2025-03-10 with a normal day, an absent day (E3), a
/// day of accepted paid daily time-off (E4: the cause from its type), a late day (E2),
/// a holiday with work (E13), a day off with work, a quiet Sunday and an overtime
/// day; and someone who starts on 03-06 (the dates before are outside employment).
#[tokio::test]
async fn t12_sums_and_days_over_a_mixed_range() {
    each_backend(|app| async move {
        let w = world(&app).await;
        holiday(&app, &w.admin, "2025-03-07", "Праздник", "holiday").await;
        let t1 = hire(&app, &w.admin, hire_body(&w, "Temur", "Abdullayev")).await;
        let mut body = hire_body(&w, "Umid", "Boltayev");
        body["start_date"] = json!("2025-03-06");
        body["schedule_start_date"] = json!("2025-03-06");
        let t2 = hire(&app, &w.admin, body).await;
        // Starts after the range: not listed.
        let mut body = hire_body(&w, "Vohid", "Choriyev");
        body["start_date"] = json!("2025-03-11");
        body["schedule_start_date"] = json!("2025-03-11");
        let t3 = hire(&app, &w.admin, body).await;
        let leave = absence_type(&app, &w.admin, "Отпуск", "FF0000").await;
        time_off(
            &app,
            &w.admin,
            t1.id,
            leave,
            (true, "2025-03-05 00:00:00", "2025-03-05 23:59:59"),
            true,
            1,
        )
        .await;
        move_to(&app, APRIL);
        punches(
            &app,
            &w.admin,
            t1.id,
            w.office,
            &[
                ("in", "2025-03-03 09:00:00"),
                ("out", "2025-03-03 18:00:00"),
                ("in", "2025-03-06 09:47:00"),
                ("out", "2025-03-06 18:00:00"),
                ("in", "2025-03-07 10:00:00"),
                ("out", "2025-03-07 14:00:00"),
                ("in", "2025-03-08 10:00:00"),
                ("out", "2025-03-08 12:00:00"),
                ("in", "2025-03-10 09:00:00"),
                ("out", "2025-03-10 19:00:00"),
            ],
        )
        .await;
        let who = ids(&[&t1, &t2, &t3]);
        let query = format!("start_date=2025-03-03&end_date=2025-03-10&f=employee&ids={who}");
        let t12 = report(&app, &w.admin, &format!("/v1/reports/t12?{query}")).await;
        let want = json!([
            t12_item(
                &t1,
                t12_report(
                    40 * H,          // five work days of 08:00 (the holiday has none)
                    33 * H + 13 * M, // 9:00 + 8:13 + 4:00 + 2:00 + 10:00
                    23 * H + 13 * M, // 8:00 + 7:13 + 8:00
                    5,               // 03, 06, 07, 08, 10
                    6 * H,           // holiday 4:00 + Saturday 2:00
                    8 * H,           // the time-off day
                    8 * H + 47 * M,  // absent 8:00 + late 0:47
                    47 * M,          // undertime on a worked day
                    H,               // 03-10
                    vec![
                        t12_day("2025-03-03", true, false, "09:00", None),
                        t12_day("2025-03-04", true, false, "00:00", None),
                        t12_day(
                            "2025-03-05",
                            true,
                            false,
                            "00:00",
                            Some(("Отпуск", "FF0000"))
                        ),
                        t12_day("2025-03-06", true, false, "08:13", None),
                        t12_day("2025-03-07", false, true, "04:00", None),
                        t12_day("2025-03-08", false, false, "02:00", None),
                        t12_day("2025-03-09", false, false, "00:00", None),
                        t12_day("2025-03-10", true, false, "10:00", None),
                    ],
                ),
            ),
            t12_item(
                &t2,
                t12_report(
                    16 * H,
                    0,
                    0,
                    0,
                    0,
                    0,
                    16 * H,
                    0,
                    0,
                    vec![
                        t12_day("2025-03-03", false, false, "00:00", None),
                        t12_day("2025-03-04", false, false, "00:00", None),
                        t12_day("2025-03-05", false, false, "00:00", None),
                        t12_day("2025-03-06", true, false, "00:00", None),
                        t12_day("2025-03-07", false, true, "00:00", None),
                        t12_day("2025-03-08", false, false, "00:00", None),
                        t12_day("2025-03-09", false, false, "00:00", None),
                        t12_day("2025-03-10", true, false, "00:00", None),
                    ]
                ),
            ),
        ]);
        same(&t12["items"], &want, "t12 03-03..03-10");
        same(
            &t12["_meta"],
            &json!({"totalCount": 2, "pageCount": 1, "currentPage": 1, "perPage": 50}),
            "t12 meta",
        );
        // One employee per page.
        let second = report(
            &app,
            &w.admin,
            &format!("/v1/reports/t12?{query}&per-page=1&page=2"),
        )
        .await;
        same(&second["items"], &json!([want[1].clone()]), "t12 page 2");
        same(
            &second["_meta"],
            &json!({"totalCount": 2, "pageCount": 2, "currentPage": 2, "perPage": 1}),
            "t12 page 2 meta",
        );
        // The absence report of the same range.
        let absence = report(&app, &w.admin, &format!("/v1/reports/absence?{query}")).await;
        same(
            &absence["items"],
            &json!([
                absence_row(&t1, fx("2025-03-04", w.schedule)),
                absence_row(&t2, fx("2025-03-06", w.schedule)),
                absence_row(&t2, fx("2025-03-10", w.schedule)),
            ]),
            "absence 03-03..03-10",
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------
// dismissed
// ---------------------------------------------------------------------------------

/// Employees dismissed in the range (`POST /v1/employees/{id}/dismiss`), a flattened
/// row for each date from the later of start_date and their start date to the
/// dismissal date, by dismissal date then date; durations never null. A late day and
/// absent days. Not listed: active employees, a pending dismissal after the range, a
/// dismissal before it.
#[tokio::test]
async fn dismissed_lists_flattened_rows_up_to_the_dismissal() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let d1 = hire(&app, &w.admin, hire_body(&w, "Zafar", "Ergashev")).await;
        let mut body = hire_body(&w, "Shahlo", "Fozilova");
        body["start_date"] = json!("2025-03-06");
        body["schedule_start_date"] = json!("2025-03-06");
        let d2 = hire(&app, &w.admin, body).await;
        let later = hire(&app, &w.admin, hire_body(&w, "Oybek", "Ganiyev")).await;
        let earlier = hire(&app, &w.admin, hire_body(&w, "Rustam", "Hakimov")).await;
        let stays = hire(&app, &w.admin, hire_body(&w, "Nilufar", "Ibragimova")).await;
        move_to(&app, "2025-03-10 12:00:00");
        punches(&app, &w.admin, d1.id, w.office, &[
            ("in", "2025-03-03 09:10:00"),
            ("out", "2025-03-03 18:00:00"),
        ])
        .await;
        dismiss(&app, &w.admin, d1.id, "2025-03-05").await;
        dismiss(&app, &w.admin, d2.id, "2025-03-07").await;
        dismiss(&app, &w.admin, later.id, "2025-03-12").await;
        dismiss(&app, &w.admin, earlier.id, "2025-03-02").await;
        let who = ids(&[&d1, &d2, &later, &earlier, &stays]);
        let query = format!("start_date=2025-03-03&end_date=2025-03-09&f=employee&ids={who}");
        let body = report(&app, &w.admin, &format!("/v1/reports/dismissed?{query}")).await;
        let want = json!([
            dismissed_row(&d1, "2025-03-03", 1, json!({
                "first_in": "09:10", "last_out": "18:00", "authorized_time": "07:50",
                "late_in": "00:10", "work_time": "08:50", "norm_worktime": "-00:10",
            })),
            dismissed_row(&d1, "2025-03-04", 2, json!({})),
            dismissed_row(&d1, "2025-03-05", 3, json!({})),
            dismissed_row(&d2, "2025-03-06", 4, json!({})),
            dismissed_row(&d2, "2025-03-07", 5, json!({})),
        ]);
        same(&body["items"], &want, "dismissed 03-03..03-09");
        same(
            &body["_meta"],
            &json!({"totalCount": 5, "pageCount": 1, "currentPage": 1, "perPage": 50}),
            "dismissed meta",
        );
        // One employee's rows with sort=-date go backwards.
        let reversed = report(
            &app,
            &w.admin,
            &format!("/v1/reports/dismissed?start_date=2025-03-03&end_date=2025-03-09&employee_id={}&sort=-date", d1.id),
        )
        .await;
        same(
            &reversed["items"],
            &json!([want[2].clone(), want[1].clone(), want[0].clone()]),
            "dismissed sort=-date",
        );
        // Paging: two rows a page, the second page.
        let second = report(&app, &w.admin, &format!("/v1/reports/dismissed?{query}&per-page=2&page=2")).await;
        same(&second["items"], &json!([want[2].clone(), want[3].clone()]), "dismissed page 2");
        same(
            &second["_meta"],
            &json!({"totalCount": 5, "pageCount": 3, "currentPage": 2, "perPage": 2}),
            "dismissed page 2 meta",
        );
        // A range ending before the dismissal date: rows up to the range's end.
        let body = report(
            &app,
            &w.admin,
            &format!("/v1/reports/dismissed?start_date=2025-03-04&end_date=2025-03-06&f=employee&ids={who}"),
        )
        .await;
        same(
            &body["items"],
            &json!([want[1].clone(), want[2].clone()]),
            "dismissed 03-04..03-06",
        );
        // After the dismissal the dates are outside employment: not absent, and in the
        // T12 no work day.
        let query = format!("start_date=2025-03-03&end_date=2025-03-09&employee_id={}", d1.id);
        let absence = report(&app, &w.admin, &format!("/v1/reports/absence?{query}")).await;
        same(
            &absence["items"],
            &json!([
                absence_row(&d1, fx("2025-03-04", w.schedule)),
                absence_row(&d1, fx("2025-03-05", w.schedule)),
            ]),
            "absence up to the dismissal",
        );
        let t12 = report(&app, &w.admin, &format!("/v1/reports/t12?{query}")).await;
        same(
            &t12["items"],
            &json!([t12_item(
                &d1,
                t12_report(
                    24 * H,
                    8 * H + 50 * M,
                    7 * H + 50 * M,
                    1,
                    0,
                    0,
                    16 * H + 10 * M,
                    10 * M,
                    0,
                    vec![
                        t12_day("2025-03-03", true, false, "08:50", None),
                        t12_day("2025-03-04", true, false, "00:00", None),
                        t12_day("2025-03-05", true, false, "00:00", None),
                        t12_day("2025-03-06", false, false, "00:00", None),
                        t12_day("2025-03-07", false, false, "00:00", None),
                        t12_day("2025-03-08", false, false, "00:00", None),
                        t12_day("2025-03-09", false, false, "00:00", None),
                    ],
                ),
            )]),
            "t12 of a dismissed employee",
        );
    })
    .await;
}

/// A dismissed employee's day of accepted unpaid daily time-off: `sum_not_paid_time`
/// 08:00, norm 00:00, and the cause is the time-off type (причина отсутствия): its id,
/// `type_abs` daily, its title.
#[tokio::test]
async fn dismissed_rows_name_the_time_off_type_as_the_cause() {
    each_backend(|app| async move {
        let w = world(&app).await;
        // A first type nobody uses, so that type ids and time-off ids differ.
        absence_type(&app, &w.admin, "Командировка", "808080").await;
        let unpaid = absence_type(&app, &w.admin, "Без сохранения", "123456").await;
        let d = hire(&app, &w.admin, hire_body(&w, "Zafar", "Ergashev")).await;
        let off = time_off(
            &app,
            &w.admin,
            d.id,
            unpaid,
            (true, "2025-03-05 00:00:00", "2025-03-05 23:59:59"),
            false,
            1,
        )
        .await;
        assert_ne!(off, unpaid, "the ids must differ for this test to tell");
        move_to(&app, "2025-03-10 12:00:00");
        dismiss(&app, &w.admin, d.id, "2025-03-05").await;
        let body = report(
            &app,
            &w.admin,
            &format!("/v1/reports/dismissed?start_date=2025-03-04&end_date=2025-03-05&employee_id={}", d.id),
        )
        .await;
        same(
            &body["items"],
            &json!([
                dismissed_row(&d, "2025-03-04", 2, json!({})),
                dismissed_row(&d, "2025-03-05", 3, json!({
                    "norm_worktime": "00:00", "sum_not_paid_time": "08:00",
                    "absence_cause_id": unpaid, "type_abs": "daily",
                    "absence_cause_name": "Без сохранения", "absence_cause_title": "Без сохранения",
                })),
            ]),
            "dismissed with time-off",
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------
// inouts
// ---------------------------------------------------------------------------------

/// Every stored event of the range in time order: manual (entered by the admin for
/// someone) and auto (a self clock-in); the local date, full date and time with
/// seconds; `sort=-date`/`DESC` reverses; `f=location` filters by the event's own
/// location; an event of the day before is not listed. (Device events:
/// `device_events_are_auto_with_their_serial_number`.)
#[tokio::test]
async fn inouts_lists_manual_and_auto_events() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let (id, token) = app
            .add_user("inouts@test.uz", Role::Employee, "Pulat")
            .await;
        let p = person(&app, &w.admin, id).await;
        let store = location(&app, &w.admin, "Склад").await;
        let mut body = hire_body(&w, "Qahramon", "Qurbonov");
        body["locations"] = json!([w.office, store]);
        let f = hire(&app, &w.admin, body).await;
        punches(
            &app,
            &w.admin,
            p.id,
            w.office,
            &[
                ("out", "2025-03-02 23:59:00"),
                ("in", "2025-03-03 08:55:30"),
            ],
        )
        .await;
        punches(
            &app,
            &w.admin,
            f.id,
            w.office,
            &[("in", "2025-03-03 12:00:00")],
        )
        .await;
        punches(
            &app,
            &w.admin,
            f.id,
            store,
            &[("out", "2025-03-03 18:00:15")],
        )
        .await;
        // Their own clock-in at now (2025-03-04 09:00:00), no event_time.
        let reply = app
            .post_json(
                "/v1/times/clockin",
                &json!({"location_id": w.office}),
                Some(&token),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let office = (w.office, "Главный офис");
        let want = vec![
            inout(&p, "2025-03-03 08:55:30", "in", "manual", office, ""),
            inout(&f, "2025-03-03 12:00:00", "in", "manual", office, ""),
            inout(
                &f,
                "2025-03-03 18:00:15",
                "out",
                "manual",
                (store, "Склад"),
                "",
            ),
            inout(&p, "2025-03-04 09:00:00", "in", "auto", office, ""),
        ];
        let query = "start_date=2025-03-03&end_date=2025-03-04";
        let body = report(&app, &w.admin, &format!("/v1/reports/inouts?{query}")).await;
        same(
            &checked_event_ids(&app, &body["items"]).await,
            &json!(want),
            "inouts",
        );
        same(
            &body["_meta"],
            &json!({"totalCount": 4, "pageCount": 1, "currentPage": 1, "perPage": 50}),
            "inouts meta",
        );
        let mut reversed = want.clone();
        reversed.reverse();
        for sort in ["-date", "DESC"] {
            let body = report(
                &app,
                &w.admin,
                &format!("/v1/reports/inouts?{query}&sort={sort}"),
            )
            .await;
            same(
                &checked_event_ids(&app, &body["items"]).await,
                &json!(reversed),
                sort,
            );
        }
        let body = report(
            &app,
            &w.admin,
            &format!("/v1/reports/inouts?{query}&f=location&ids={store}"),
        )
        .await;
        same(
            &checked_event_ids(&app, &body["items"]).await,
            &json!([want[2].clone()]),
            "inouts at the store",
        );
        let body = report(
            &app,
            &w.admin,
            &format!("/v1/reports/inouts?{query}&f=location&ids={}", w.office),
        )
        .await;
        same(
            &checked_event_ids(&app, &body["items"]).await,
            &json!([want[0].clone(), want[1].clone(), want[3].clone()]),
            "inouts at the office",
        );
        let body = report(
            &app,
            &w.admin,
            &format!("/v1/reports/inouts?{query}&f=employee&ids={}", f.id),
        )
        .await;
        same(
            &checked_event_ids(&app, &body["items"]).await,
            &json!([want[1].clone(), want[2].clone()]),
            "inouts of F",
        );
        let body = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/inouts?{query}&employee_id={}&f=location&ids={store}",
                p.id
            ),
        )
        .await;
        same(&body["items"], &json!([]), "inouts of P at the store");
        let body = report(
            &app,
            &w.admin,
            &format!("/v1/reports/inouts?{query}&per-page=1&page=2"),
        )
        .await;
        same(
            &checked_event_ids(&app, &body["items"]).await,
            &json!([want[1].clone()]),
            "inouts page 2",
        );
        same(
            &body["_meta"],
            &json!({"totalCount": 4, "pageCount": 4, "currentPage": 2, "perPage": 1}),
            "inouts page 2 meta",
        );
        // The Sunday event shows on its own date only.
        let body = report(
            &app,
            &w.admin,
            "/v1/reports/inouts?start_date=2025-03-02&end_date=2025-03-02",
        )
        .await;
        same(
            &checked_event_ids(&app, &body["items"]).await,
            &json!([inout(
                &p,
                "2025-03-02 23:59:00",
                "out",
                "manual",
                office,
                ""
            )]),
            "inouts of Sunday",
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------
// Filters, order and paging on every report
// ---------------------------------------------------------------------------------

const REPORTS: [&str; 8] = [
    "at-work",
    "late-in",
    "absence",
    "inouts",
    "dismissed",
    "night",
    "night-by-location",
    "t12",
];

fn sorted_unique(mut list: Vec<i64>) -> Vec<i64> {
    list.sort_unstable();
    list.dedup();
    list
}

/// `f=employee`, `f=department` (sub-departments included), `f=location`,
/// `f=tab_number`, `employee_id` and `tab_number` on each of the eight reports; `f`
/// without `ids` (400/4000) and an unknown `f` (400/4001); date order and its reversal;
/// the second page of one row.
#[tokio::test]
async fn every_report_filters_orders_and_pages() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let plant = department(&app, &w.admin, "Производство", None).await;
        let shop = department(&app, &w.admin, "Цех", Some(plant)).await;
        let branch = location(&app, &w.admin, "Филиал").await;
        let mut body = hire_body(&w, "Anvar", "Aliyev");
        body["department_id"] = json!(plant);
        body["tab_number"] = json!("A-1");
        let a = hire(&app, &w.admin, body).await;
        let mut body = hire_body(&w, "Botir", "Bakirov");
        body["department_id"] = json!(shop);
        body["locations"] = json!([branch]);
        body["tab_number"] = json!("B-2");
        let b = hire(&app, &w.admin, body).await;
        let mut body = hire_body(&w, "Sardor", "Sobirov");
        body["tab_number"] = json!("C-3");
        let c = hire(&app, &w.admin, body).await;
        move_to(&app, "2025-03-06 10:00:00");
        for (who, place) in [(&a, w.office), (&b, branch), (&c, w.office)] {
            punches(
                &app,
                &w.admin,
                who.id,
                place,
                &[
                    ("in", "2025-03-03 09:10:00"),
                    ("out", "2025-03-03 18:00:00"),
                    ("in", "2025-03-04 09:20:00"),
                    ("out", "2025-03-04 18:00:00"),
                ],
            )
            .await;
            dismiss(&app, &w.admin, who.id, "2025-03-05").await;
        }
        let query = "start_date=2025-03-03&end_date=2025-03-05";
        let (a, b, c, me) = (a.id, b.id, c.id, w.me);
        // Who each report lists without a filter: the admin's own employee (from
        // 03-04, no events, not dismissed) is absent on 03-04 and 03-05 and in the T12.
        let base = |name: &str| -> Vec<i64> {
            match name {
                "absence" | "t12" => vec![a, b, c, me],
                _ => vec![a, b, c],
            }
        };
        let filters: Vec<(String, Vec<i64>)> = vec![
            (String::new(), vec![a, b, c, me]),
            (format!("f=employee&ids={a},{b}"), vec![a, b]),
            (format!("f=department&ids={plant}"), vec![a, b]),
            (format!("f=department&ids={shop}"), vec![b]),
            (format!("f=location&ids={branch}"), vec![b]),
            (format!("f=location&ids={}", w.office), vec![a, c, me]),
            ("f=tab_number&ids=A-1,C-3".to_string(), vec![a, c]),
            (format!("employee_id={c}"), vec![c]),
            ("tab_number=B-2".to_string(), vec![b]),
            (format!("f=department&ids={plant}&employee_id={a}"), vec![a]),
            ("f=employee&ids=999999".to_string(), vec![]),
        ];
        for name in REPORTS {
            for (filter, wanted) in &filters {
                let body = report(
                    &app,
                    &w.admin,
                    &format!("/v1/reports/{name}?{query}&{filter}"),
                )
                .await;
                let got = sorted_unique(items(&body).iter().map(employee_of).collect());
                let want = sorted_unique(
                    base(name)
                        .into_iter()
                        .filter(|id| wanted.contains(id))
                        .collect(),
                );
                assert_eq!(got, want, "{name} with {filter:?}: {body}");
            }
            // f without ids; an unknown f; unreadable ids.
            app.get(
                &format!("/v1/reports/{name}?{query}&f=employee"),
                Some(&w.admin),
            )
            .await
            .assert_error(400, 4000);
            app.get(
                &format!("/v1/reports/{name}?{query}&f=position&ids=1"),
                Some(&w.admin),
            )
            .await
            .assert_error(400, 4001);
            app.get(
                &format!("/v1/reports/{name}?{query}&f=employee&ids=x"),
                Some(&w.admin),
            )
            .await
            .assert_error(400, 4001);
            // The second page of one row is the second row of the whole list.
            let whole = report(&app, &w.admin, &format!("/v1/reports/{name}?{query}")).await;
            let all = items(&whole);
            let total = all.len();
            assert!(total >= 3, "{name}: {whole}");
            assert_eq!(whole["_meta"]["totalCount"], total, "{name}: {whole}");
            let page = report(
                &app,
                &w.admin,
                &format!("/v1/reports/{name}?{query}&per-page=1&page=2"),
            )
            .await;
            same(
                &page["items"],
                &json!([all[1].clone()]),
                &format!("{name} page 2"),
            );
            same(
                &page["_meta"],
                &json!({"totalCount": total, "pageCount": total, "currentPage": 2, "perPage": 1}),
                &format!("{name} page 2 meta"),
            );
        }
        // Row counts of the day reports: 3 employees × 2 days at work and late; absent
        // 3 × 03-05 + the admin twice; 3 × 4 events; 3 × 3 dismissed days.
        for (name, rows) in [
            ("at-work", 6),
            ("late-in", 6),
            ("absence", 5),
            ("inouts", 12),
            ("dismissed", 9),
        ] {
            let body = report(&app, &w.admin, &format!("/v1/reports/{name}?{query}")).await;
            assert_eq!(body["_meta"]["totalCount"], rows, "{name}: {body}");
            // Date order, then full name within a date; reversed by sort=-date/DESC.
            let keys: Vec<(String, i64)> = items(&body)
                .iter()
                .map(|i| (date_of(i), employee_of(i)))
                .collect();
            let dates: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
            let mut ascending = dates.clone();
            ascending.sort();
            assert_eq!(dates, ascending, "{name} in date order");
            if name != "inouts" {
                // Aliyev < Bakirov < Sobirov < Администратор within each date.
                let rank = |id: i64| [a, b, c, me].iter().position(|x| *x == id).unwrap_or(9);
                let mut by_name = keys.clone();
                by_name.sort_by_key(|(d, id)| (d.clone(), rank(*id)));
                assert_eq!(keys, by_name, "{name} by name within a date");
            }
            for sort in ["-date", "DESC"] {
                let body = report(
                    &app,
                    &w.admin,
                    &format!("/v1/reports/{name}?{query}&sort={sort}"),
                )
                .await;
                let dates: Vec<String> = items(&body).iter().map(date_of).collect();
                let mut descending = ascending.clone();
                descending.reverse();
                assert_eq!(dates, descending, "{name} with sort={sort}");
            }
        }
        // The `limit` header is an alias of per-page (the reference's examples send it).
        let limited = app
            .send(
                app.http
                    .get(app.url(&format!("/v1/reports/at-work?{query}&page=2")))
                    .header("limit", "1")
                    .bearer_auth(&w.admin),
            )
            .await;
        assert_eq!(limited.status, 200, "{}", limited.text);
        same(
            &limited.body["_meta"],
            &json!({"totalCount": 6, "pageCount": 6, "currentPage": 2, "perPage": 1}),
            "limit header",
        );
        // The night reports and the T12 go by full name.
        for name in ["night", "night-by-location", "t12"] {
            let body = report(&app, &w.admin, &format!("/v1/reports/{name}?{query}")).await;
            let order: Vec<i64> = items(&body).iter().map(employee_of).collect();
            let want = if name == "t12" {
                vec![a, b, c, me]
            } else {
                vec![a, b, c]
            };
            assert_eq!(order, want, "{name} by full name");
        }
    })
    .await;
}

/// The night reports page employees (the page unit of §13): with one employee a
/// page, page 2 is the second employee by full name and a page past the end is empty.
#[tokio::test]
async fn night_reports_page_by_employee() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let mut people = Vec::new();
        for (first, last) in [
            ("Anvar", "Aliyev"),
            ("Botir", "Bakirov"),
            ("Sardor", "Sobirov"),
        ] {
            people.push(hire(&app, &w.admin, hire_body(&w, first, last)).await);
        }
        move_to(&app, "2025-03-06 10:00:00");
        for who in &people {
            punches(
                &app,
                &w.admin,
                who.id,
                w.office,
                &[
                    ("in", "2025-03-03 09:00:00"),
                    ("out", "2025-03-03 18:00:00"),
                    ("in", "2025-03-04 09:00:00"),
                    ("out", "2025-03-04 18:00:00"),
                ],
            )
            .await;
        }
        let query = "start_date=2025-03-03&end_date=2025-03-05";
        for name in ["night", "night-by-location"] {
            for page in 1..=4_usize {
                let body = report(
                    &app,
                    &w.admin,
                    &format!("/v1/reports/{name}?{query}&per-page=1&page={page}"),
                )
                .await;
                let got: Vec<i64> = items(&body).iter().map(employee_of).collect();
                let want: Vec<i64> = people.get(page - 1).map(|p| p.id).into_iter().collect();
                assert_eq!(got, want, "{name} page {page}: {body}");
                same(
                    &body["_meta"],
                    &json!({"totalCount": 3, "pageCount": 3, "currentPage": page, "perPage": 1}),
                    &format!("{name} page {page} meta"),
                );
            }
        }
    })
    .await;
}

// ---------------------------------------------------------------------------------
// Roles and scope
// ---------------------------------------------------------------------------------

/// Reports are for roles 1–4 within their scope (CONTRACT.md §4): an employee gets
/// 403/7004 on every report and on the attendance counts; a head, a manager and an
/// observer see the employees of their department and its sub-departments only;
/// ids outside the scope match nothing.
#[tokio::test]
async fn reports_follow_roles_and_scope() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let (_, employee) = app.add_user("staff@test.uz", Role::Employee, "Saida").await;
        let (_, head) = app
            .add_user("head@test.uz", Role::DepartmentHead, "Tohir")
            .await;
        let (_, manager) = app
            .add_user("manager@test.uz", Role::DepartmentManager, "Umar")
            .await;
        let (_, observer) = app
            .add_user("observer@test.uz", Role::Observer, "Vali")
            .await;
        let elsewhere = department(&app, &w.admin, "Другой отдел", None).await;
        let below = department(&app, &w.admin, "Подотдел", Some(w.department)).await;
        let mut body = hire_body(&w, "Xolida", "Xasanova");
        body["department_id"] = json!(elsewhere);
        let x = hire(&app, &w.admin, body).await;
        let mut body = hire_body(&w, "Yulduz", "Yoqubova");
        body["department_id"] = json!(below);
        let mut y = hire(&app, &w.admin, body).await;
        y.parent_title = json!(w.department_title);
        let z = hire(&app, &w.admin, hire_body(&w, "Zarina", "Zokirova")).await;
        move_to(&app, "2025-03-06 10:00:00");
        for who in [&x, &y, &z] {
            punches(
                &app,
                &w.admin,
                who.id,
                w.office,
                &[
                    ("in", "2025-03-03 09:30:00"),
                    ("out", "2025-03-03 18:00:00"),
                ],
            )
            .await;
        }
        let query = "start_date=2025-03-03&end_date=2025-03-03";
        for name in REPORTS {
            app.get(&format!("/v1/reports/{name}?{query}"), Some(&employee))
                .await
                .assert_error(403, 7004);
            // The role check comes before the query's.
            app.get(&format!("/v1/reports/{name}"), Some(&employee))
                .await
                .assert_error(403, 7004);
        }
        app.get("/v1/employees/attendance", Some(&employee))
            .await
            .assert_error(403, 7004);
        for token in [&head, &manager, &observer] {
            assert!(counts(&app, token).await["count_employees"].is_u64());
        }
        let who = ids(&[&x, &y, &z]);
        for (token, role, visible) in [
            (&w.admin, "admin", vec![x.id, y.id, z.id]),
            (&head, "head", vec![y.id, z.id]),
            (&manager, "manager", vec![y.id, z.id]),
            (&observer, "observer", vec![y.id, z.id]),
        ] {
            for name in [
                "at-work",
                "late-in",
                "inouts",
                "night",
                "night-by-location",
                "t12",
            ] {
                let body = report(
                    &app,
                    token,
                    &format!("/v1/reports/{name}?{query}&f=employee&ids={who}"),
                )
                .await;
                let got = sorted_unique(items(&body).iter().map(employee_of).collect());
                assert_eq!(
                    got,
                    sorted_unique(visible.clone()),
                    "{role} on {name}: {body}"
                );
                // Without a filter: the same people among those with events.
                let body = report(&app, token, &format!("/v1/reports/{name}?{query}")).await;
                let got: Vec<i64> = items(&body)
                    .iter()
                    .map(employee_of)
                    .filter(|id| [x.id, y.id, z.id].contains(id))
                    .collect();
                assert_eq!(
                    sorted_unique(got),
                    sorted_unique(visible.clone()),
                    "{role} on {name} unfiltered: {body}"
                );
                // An id outside the scope matches nothing (not 403).
                let body = report(
                    &app,
                    token,
                    &format!("/v1/reports/{name}?{query}&employee_id={}", x.id),
                )
                .await;
                let expected = if visible.contains(&x.id) { 1 } else { 0 };
                let got = sorted_unique(items(&body).iter().map(employee_of).collect()).len();
                assert_eq!(got, expected, "{role} asking for X on {name}: {body}");
            }
            for name in ["absence", "dismissed"] {
                report(&app, token, &format!("/v1/reports/{name}?{query}")).await;
            }
        }
        // The head's late-in row of Y, whole: department below the head's.
        let body = report(
            &app,
            &head,
            &format!("/v1/reports/late-in?{query}&employee_id={}", y.id),
        )
        .await;
        same(
            &body["items"],
            &json!([day_row(
                &y,
                fx("2025-03-03", w.schedule),
                actual(json!({
                    "first_in": "09:30", "last_out": "18:00", "late_in": "00:30",
                    "authorized_time": "07:30", "work_time": "08:30", "last_event": "out",
                })),
                json!({"auth_lunch_time": "01:00", "norm_worktime": "-00:30"}),
            )]),
            "head's late-in row",
        );
        let body = report(
            &app,
            &head,
            &format!("/v1/reports/t12?{query}&employee_id={}", y.id),
        )
        .await;
        assert_eq!(
            body["items"][0]["department_parent_title"],
            json!(w.department_title),
            "{body}"
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------
// GET /v1/employees/attendance and GET /v1/accounts
// ---------------------------------------------------------------------------------

async fn counts(app: &TestApp, token: &str) -> Value {
    let reply = app.get("/v1/employees/attendance", Some(token)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

/// Today's counts (CONTRACT.md §5): active employees employed today, arrived, late,
/// absent = employees − arrived − time-off; a head counts their departments only.
/// (Time-off: `attendance_counts_accepted_time_off_only`.)
#[tokio::test]
async fn attendance_counts_today() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let (late_one, _) = app.add_user("late@test.uz", Role::Employee, "Bekzod").await;
        let (_, head) = app
            .add_user("boss@test.uz", Role::DepartmentHead, "Doniyor")
            .await;
        hire(&app, &w.admin, hire_body(&w, "Elmurod", "Eshonov")).await;
        let missing = hire(&app, &w.admin, hire_body(&w, "Feruza", "Fayzullayeva")).await;
        let early = hire(&app, &w.admin, hire_body(&w, "Gayrat", "Gulomov")).await;
        let gone = hire(&app, &w.admin, hire_body(&w, "Hurshida", "Hamidova")).await;
        let mut body = hire_body(&w, "Iroda", "Islomova");
        body["start_date"] = json!("2025-03-10");
        body["schedule_start_date"] = json!("2025-03-10");
        hire(&app, &w.admin, body).await;
        hire(&app, &w.admin, hire_body(&w, "Jamshid", "Jurayev")).await;
        let elsewhere = department(&app, &w.admin, "Склад", None).await;
        let mut body = hire_body(&w, "Kamola", "Kamolova");
        body["department_id"] = json!(elsewhere);
        let outside = hire(&app, &w.admin, body).await;
        dismiss(&app, &w.admin, gone.id, "2025-03-01").await;
        move_to(&app, "2025-03-04 10:00:00");
        clock(&app, &w.admin, "in", w.office, "2025-03-04 08:50:00").await;
        punches(
            &app,
            &w.admin,
            late_one,
            w.office,
            &[("in", "2025-03-04 09:30:00")],
        )
        .await;
        punches(
            &app,
            &w.admin,
            early.id,
            w.office,
            &[("in", "2025-03-04 08:00:00")],
        )
        .await;
        punches(
            &app,
            &w.admin,
            outside.id,
            w.office,
            &[("in", "2025-03-04 09:05:00")],
        )
        .await;
        // Admin: me, Bekzod, Doniyor, Elmurod, Feruza, Gayrat, Jamshid, Kamola.
        same(
            &counts(&app, &w.admin).await,
            &json!({
                "count_employees": 8, "count_inout": 4, "count_late_in": 2,
                "count_time_off": 0, "count_absence": 4,
            }),
            "admin's counts",
        );
        // The head: the default department only (Kamola is elsewhere).
        same(
            &counts(&app, &head).await,
            &json!({
                "count_employees": 7, "count_inout": 3, "count_late_in": 1,
                "count_time_off": 0, "count_absence": 4,
            }),
            "head's counts",
        );
        // Feruza arrives at 10:30.
        move_to(&app, "2025-03-04 10:31:00");
        punches(
            &app,
            &w.admin,
            missing.id,
            w.office,
            &[("in", "2025-03-04 10:30:00")],
        )
        .await;
        same(
            &counts(&app, &w.admin).await,
            &json!({
                "count_employees": 8, "count_inout": 5, "count_late_in": 3,
                "count_time_off": 0, "count_absence": 3,
            }),
            "admin's counts at 10:31",
        );
    })
    .await;
}

/// An accepted time-off today counts in `count_time_off` and not as absent; a pending
/// one does not cover the day.
#[tokio::test]
async fn attendance_counts_accepted_time_off_only() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let leave = absence_type(&app, &w.admin, "Отпуск", "A0522D").await;
        let on_leave = hire(&app, &w.admin, hire_body(&w, "Elmurod", "Eshonov")).await;
        let asking = hire(&app, &w.admin, hire_body(&w, "Jamshid", "Jurayev")).await;
        let today = (true, "2025-03-04 00:00:00", "2025-03-04 23:59:59");
        time_off(&app, &w.admin, on_leave.id, leave, today, true, 1).await;
        time_off(&app, &w.admin, asking.id, leave, today, true, 0).await;
        move_to(&app, "2025-03-04 10:00:00");
        clock(&app, &w.admin, "in", w.office, "2025-03-04 08:50:00").await;
        same(
            &counts(&app, &w.admin).await,
            &json!({
                "count_employees": 3, "count_inout": 1, "count_late_in": 0,
                "count_time_off": 1, "count_absence": 1,
            }),
            "counts with time-off",
        );
    })
    .await;
}

/// `GET /v1/accounts` shows today's `scheduled` and `actual` of the caller: after a
/// clock-in, first_in, late_in and last_event "in" (no `status` field); after the
/// clock-out, the closed day.
#[tokio::test]
async fn the_account_shows_today_after_a_clock_in() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let (_, token) = app.add_user("today@test.uz", Role::Employee, "Aziz").await;
        move_to(&app, "2025-03-04 09:12:00");
        let reply = app
            .post_json(
                "/v1/times/clockin",
                &json!({"location_id": w.office}),
                Some(&token),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let account = app.get("/v1/accounts", Some(&token)).await;
        assert_eq!(account.status, 200, "{}", account.text);
        same(
            &account.body["scheduled"],
            &fx("2025-03-04", w.schedule),
            "scheduled",
        );
        same(
            &account.body["actual"],
            &actual(json!({"first_in": "09:12", "late_in": "00:12", "last_event": "in"})),
            "actual after the clock-in",
        );
        assert!(account.body.get("status").is_none(), "{}", account.text);
        move_to(&app, "2025-03-04 18:30:00");
        let reply = app
            .post_json(
                "/v1/times/clockout",
                &json!({"location_id": w.office}),
                Some(&token),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let account = app.get("/v1/accounts", Some(&token)).await;
        same(
            &account.body["actual"],
            &actual(json!({
                "first_in": "09:12", "last_out": "18:30", "late_in": "00:12",
                "late_out": "00:30", "authorized_time": "07:48", "work_time": "09:18",
                "last_event": "out",
            })),
            "actual after the clock-out",
        );
        same(
            &account.body["scheduled"],
            &fx("2025-03-04", w.schedule),
            "scheduled after",
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------
// The other schedule kinds and graces: E8, E14, E15
// ---------------------------------------------------------------------------------

/// E8: a "late" slot 16:00–02:00 followed by an "early" slot 06:00–15:00; the out at
/// 02:30 falls in the next window but stays with its in (pairing before
/// attribution). At-work rows and the night split of both dates.
#[tokio::test]
async fn overlapping_shift_windows_keep_an_out_with_its_in_e8() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let rota = created_id(
            &app,
            &w.admin,
            "/v1/schedules",
            json!({
                "title": "Поздняя/ранняя",
                "type": 4,
                "cycle": [
                    {"start": "16:00", "end": "02:00", "lunch_start": "19:00", "lunch_end": "20:00"},
                    {"start": "06:00", "end": "15:00", "lunch_start": "10:00", "lunch_end": "11:00"}
                ]
            }),
        )
        .await;
        let mut body = hire_body(&w, "Laziz", "Latipov");
        body["schedule_id"] = json!(rota);
        body["schedule_start_date"] = json!("2025-03-10");
        let e = hire(&app, &w.admin, body).await;
        move_to(&app, APRIL);
        punches(&app, &w.admin, e.id, w.office, &[
            ("in", "2025-03-10 15:50:00"),
            ("out", "2025-03-11 02:30:00"),
            ("in", "2025-03-11 05:40:00"),
            ("out", "2025-03-11 15:00:00"),
        ])
        .await;
        let query = format!("start_date=2025-03-10&end_date=2025-03-11&employee_id={}", e.id);
        let body = report(&app, &w.admin, &format!("/v1/reports/at-work?{query}")).await;
        same(
            &body["items"],
            &json!([
                day_row(
                    &e,
                    json!({
                        "report_date": "2025-03-10", "is_work_day": true, "production_time": "09:00",
                        "start_time": "2025-03-10 16:00:00", "end_time": "2025-03-11 02:00:00",
                        "schedule_id": rota, "timeoff_id": null,
                    }),
                    actual(json!({
                        "first_in": "15:50", "last_out": "02:30", "early_in": "00:10",
                        "late_out": "00:30", "authorized_time": "09:00", "work_time": "10:40",
                        "last_event": "out",
                    })),
                    json!({
                        "not_authorized_time": "00:40", "auth_lunch_time": "01:00",
                        "norm_worktime": "00:40", "overtime": "00:40",
                    }),
                ),
                day_row(
                    &e,
                    json!({
                        "report_date": "2025-03-11", "is_work_day": true, "production_time": "08:00",
                        "start_time": "2025-03-11 06:00:00", "end_time": "2025-03-11 15:00:00",
                        "schedule_id": rota, "timeoff_id": null,
                    }),
                    actual(json!({
                        "first_in": "05:40", "last_out": "15:00", "early_in": "00:20",
                        "authorized_time": "08:00", "work_time": "09:20", "last_event": "out",
                    })),
                    json!({
                        "not_authorized_time": "00:20", "auth_lunch_time": "01:00",
                        "norm_worktime": "00:20", "overtime": "00:20",
                    }),
                ),
            ]),
            "at-work E8",
        );
        // Night: 22:00–02:30 on 03-10 (04:30), 05:40–06:00 on 03-11 (00:20).
        let night = report(&app, &w.admin, &format!("/v1/reports/night?{query}")).await;
        same(
            &night["items"],
            &json!([night_item(
                &e,
                night_sums(15 * H + 10 * M, 4 * H + 50 * M, H, 17 * H),
                json!([
                    night_date("2025-03-10", 2, &[("2025-03-10 15:50:00", "2025-03-11 02:30:00")]),
                    night_date("2025-03-11", 2, &[("2025-03-11 05:40:00", "2025-03-11 15:00:00")]),
                ]),
            )]),
            "night E8",
        );
    })
    .await;
}

/// E14 on a floating schedule (start 08:00–10:00, production 08:00, lunch 60
/// minutes): (a) a start inside the window moves the shift, leaving early; (b) an in
/// before the window starts it at 08:00; (c) an in after it is late from 10:00. E15 on
/// a free schedule: no start/end, authorized capped at production, the rest overtime;
/// its night split in the night report.
#[tokio::test]
async fn floating_and_free_schedules_e14_e15() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let floating = created_id(
            &app,
            &w.admin,
            "/v1/schedules",
            json!({
                "title": "Плавающий",
                "type": 3,
                "days": (1..=5).map(|d| json!({
                    "weekday": d, "start_from": "08:00", "start_to": "10:00",
                    "production_time": "08:00", "lunch_minutes": 60,
                })).collect::<Vec<_>>(),
            }),
        )
        .await;
        let free = created_id(
            &app,
            &w.admin,
            "/v1/schedules",
            json!({"title": "Свободный", "type": 1, "days": [{"weekday": 1, "production_time": "08:00"}]}),
        )
        .await;
        let mut body = hire_body(&w, "Mansur", "Mahmudov");
        body["schedule_id"] = json!(floating);
        let f = hire(&app, &w.admin, body).await;
        let mut body = hire_body(&w, "Nargiza", "Nazarova");
        body["schedule_id"] = json!(free);
        let n = hire(&app, &w.admin, body).await;
        move_to(&app, "2025-03-10 00:00:00");
        punches(&app, &w.admin, f.id, w.office, &[
            ("in", "2025-03-03 09:30:00"),
            ("out", "2025-03-03 18:10:00"),
            ("in", "2025-03-04 07:30:00"),
            ("out", "2025-03-04 17:00:00"),
            ("in", "2025-03-05 10:20:00"),
        ])
        .await;
        punches(&app, &w.admin, n.id, w.office, &[
            ("in", "2025-03-03 11:00:00"),
            ("out", "2025-03-03 15:00:00"),
            ("in", "2025-03-03 16:00:00"),
            ("out", "2025-03-03 22:30:00"),
        ])
        .await;
        let planned = |date: &str, start: &str, end: &str| {
            json!({
                "report_date": date, "is_work_day": true, "production_time": "08:00",
                "start_time": format!("{date} {start}:00"), "end_time": format!("{date} {end}:00"),
                "schedule_id": floating, "timeoff_id": null,
            })
        };
        let body = report(
            &app,
            &w.admin,
            &format!("/v1/reports/at-work?start_date=2025-03-03&end_date=2025-03-05&employee_id={}", f.id),
        )
        .await;
        let e14c = day_row(
            &f,
            planned("2025-03-05", "10:00", "19:00"),
            actual(json!({"first_in": "10:20", "late_in": "00:20", "last_event": "in"})),
            json!({"norm_worktime": "-08:00"}),
        );
        same(
            &body["items"],
            &json!([
                day_row(
                    &f,
                    planned("2025-03-03", "09:30", "18:30"),
                    actual(json!({
                        "first_in": "09:30", "last_out": "18:10", "early_out": "00:20",
                        "authorized_time": "07:40", "work_time": "08:40", "last_event": "out",
                    })),
                    json!({"auth_lunch_time": "01:00", "norm_worktime": "-00:20"}),
                ),
                day_row(
                    &f,
                    planned("2025-03-04", "08:00", "17:00"),
                    actual(json!({
                        "first_in": "07:30", "last_out": "17:00", "early_in": "00:30",
                        "authorized_time": "08:00", "work_time": "09:30", "last_event": "out",
                    })),
                    json!({
                        "not_authorized_time": "00:30", "auth_lunch_time": "01:00",
                        "norm_worktime": "00:30", "overtime": "00:30",
                    }),
                ),
                e14c.clone(),
            ]),
            "at-work E14",
        );
        let late = report(
            &app,
            &w.admin,
            &format!("/v1/reports/late-in?start_date=2025-03-03&end_date=2025-03-05&employee_id={}", f.id),
        )
        .await;
        same(&late["items"], &json!([e14c]), "late-in E14");
        // E15: the free schedule works Mondays only.
        let query = format!("start_date=2025-03-03&end_date=2025-03-04&employee_id={}", n.id);
        let body = report(&app, &w.admin, &format!("/v1/reports/at-work?{query}")).await;
        same(
            &body["items"],
            &json!([day_row(
                &n,
                json!({
                    "report_date": "2025-03-03", "is_work_day": true, "production_time": "08:00",
                    "start_time": null, "end_time": null, "schedule_id": free, "timeoff_id": null,
                }),
                actual(json!({
                    "first_in": "11:00", "last_out": "22:30", "authorized_time": "08:00",
                    "work_time": "10:30", "last_event": "out",
                })),
                json!({
                    "not_authorized_time": "02:30", "auth_lunch_time": null,
                    "norm_worktime": "02:30", "overtime": "02:30",
                }),
            )]),
            "at-work E15",
        );
        // Tuesday is a day off of the free schedule: not absent.
        let absence = report(&app, &w.admin, &format!("/v1/reports/absence?{query}")).await;
        same(&absence["items"], &json!([]), "absence E15");
        let night = report(&app, &w.admin, &format!("/v1/reports/night?{query}")).await;
        same(
            &night["items"],
            &json!([night_item(
                &n,
                night_sums(10 * H, 30 * M, 2 * H + 30 * M, 8 * H),
                json!([night_date("2025-03-03", 4, &[
                    ("2025-03-03 11:00:00", "2025-03-03 15:00:00"),
                    ("2025-03-03 16:00:00", "2025-03-03 22:30:00"),
                ])]),
            )]),
            "night E15",
        );
    })
    .await;
}

/// A fixed schedule with `late_grace` 15 and `early_exit_grace` 10 minutes: arriving
/// within the grace is not late (and not in late-in), beyond it late_in counts from
/// the start; leaving within the exit grace has no early_out; today is absent only
/// from S + late_grace.
#[tokio::test]
async fn graces_decide_late_in_early_out_and_absence() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let graced = created_id(
            &app,
            &w.admin,
            "/v1/schedules",
            json!({
                "title": "С допуском",
                "type": 2,
                "late_grace": 15,
                "early_exit_grace": 10,
                "days": (1..=5).map(|d| json!({
                    "weekday": d, "start": "09:00", "end": "18:00",
                    "lunch_start": "13:00", "lunch_end": "14:00",
                })).collect::<Vec<_>>(),
            }),
        )
        .await;
        let mut body = hire_body(&w, "Oydin", "Olimova");
        body["schedule_id"] = json!(graced);
        let g = hire(&app, &w.admin, body).await;
        move_to(&app, "2025-03-05 09:14:00");
        punches(
            &app,
            &w.admin,
            g.id,
            w.office,
            &[
                ("in", "2025-03-03 09:10:00"),
                ("out", "2025-03-03 17:55:00"),
                ("in", "2025-03-04 09:20:00"),
                ("out", "2025-03-04 17:45:00"),
            ],
        )
        .await;
        let planned = |date: &str| merge(fx(date, w.schedule), json!({"schedule_id": graced}));
        let query = format!(
            "start_date=2025-03-03&end_date=2025-03-05&employee_id={}",
            g.id
        );
        let monday = day_row(
            &g,
            planned("2025-03-03"),
            actual(json!({
                "first_in": "09:10", "last_out": "17:55", "authorized_time": "07:45",
                "work_time": "08:45", "last_event": "out",
            })),
            json!({"auth_lunch_time": "01:00", "norm_worktime": "-00:15"}),
        );
        let tuesday = day_row(
            &g,
            planned("2025-03-04"),
            actual(json!({
                "first_in": "09:20", "last_out": "17:45", "late_in": "00:20",
                "early_out": "00:15", "authorized_time": "07:25", "work_time": "08:25",
                "last_event": "out",
            })),
            json!({"auth_lunch_time": "01:00", "norm_worktime": "-00:35"}),
        );
        let body = report(&app, &w.admin, &format!("/v1/reports/at-work?{query}")).await;
        same(
            &body["items"],
            &json!([monday, tuesday.clone()]),
            "at-work with graces",
        );
        let late = report(&app, &w.admin, &format!("/v1/reports/late-in?{query}")).await;
        same(&late["items"], &json!([tuesday]), "late-in with graces");
        // 09:14 on Wednesday: within the grace, not absent yet; 09:15: absent.
        let absence = report(&app, &w.admin, &format!("/v1/reports/absence?{query}")).await;
        same(&absence["items"], &json!([]), "absence at 09:14");
        move_to(&app, "2025-03-05 09:15:00");
        let absence = report(&app, &w.admin, &format!("/v1/reports/absence?{query}")).await;
        same(
            &absence["items"],
            &json!([absence_row(&g, planned("2025-03-05"))]),
            "absence at 09:15",
        );
    })
    .await;
}

/// The night reports list employees with at least one interval in the range (§13), by
/// the date the interval is attributed to, not by the dates of its events: a night
/// shift entered at 00:30 belongs to the previous evening's shift; a Sunday evening
/// out at 02:00 on Monday belongs to Sunday.
#[tokio::test]
async fn night_reports_list_employees_by_the_date_of_their_intervals() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let nights = created_id(
            &app,
            &w.admin,
            "/v1/schedules",
            json!({
                "title": "Ночные 2/2",
                "type": 4,
                "cycle": [
                    {"start": "21:00", "end": "09:00"},
                    {"start": "21:00", "end": "09:00"},
                    null,
                    null
                ]
            }),
        )
        .await;
        let mut body = hire_body(&w, "Rahim", "Rahimov");
        body["schedule_id"] = json!(nights);
        body["start_date"] = json!("2025-03-01");
        body["schedule_start_date"] = json!("2025-03-01");
        let r = hire(&app, &w.admin, body).await;
        let s = hire(&app, &w.admin, hire_body(&w, "Sanjar", "Saidov")).await;
        move_to(&app, APRIL);
        // R: the 03-05 night shift (21:00–09:00), arriving at 00:30 on 03-06.
        punches(
            &app,
            &w.admin,
            r.id,
            w.office,
            &[
                ("in", "2025-03-06 00:30:00"),
                ("out", "2025-03-06 09:00:00"),
            ],
        )
        .await;
        // S (fixed Mon–Fri): Sunday 21:00 to Monday 02:00, attributed to Sunday.
        punches(
            &app,
            &w.admin,
            s.id,
            w.office,
            &[
                ("in", "2025-03-02 21:00:00"),
                ("out", "2025-03-03 02:00:00"),
            ],
        )
        .await;
        let night =
            |range: &str, who: &Person| format!("/v1/reports/night?{range}&employee_id={}", who.id);
        // The at-work row of R is on 03-05, as §2 attributes it.
        let at_work = report(
            &app,
            &w.admin,
            &format!(
                "/v1/reports/at-work?start_date=2025-03-05&end_date=2025-03-06&employee_id={}",
                r.id
            ),
        )
        .await;
        let dates: Vec<String> = items(&at_work).iter().map(date_of).collect();
        assert_eq!(dates, ["2025-03-05"], "{at_work}");
        // 00:30–06:00 night, 06:00–09:00 day; authorized 08:30 of 12:00, no overtime.
        let body = report(
            &app,
            &w.admin,
            &night("start_date=2025-03-05&end_date=2025-03-05", &r),
        )
        .await;
        same(
            &body["items"],
            &json!([night_item(
                &r,
                night_sums(3 * H, 5 * H + 30 * M, 0, 12 * H),
                json!([night_date(
                    "2025-03-05",
                    2,
                    &[("2025-03-06 00:30:00", "2025-03-06 09:00:00")]
                )]),
            )]),
            "R's night of 03-05",
        );
        let body = report(
            &app,
            &w.admin,
            &night("start_date=2025-03-06&end_date=2025-03-06", &r),
        )
        .await;
        same(
            &body["items"],
            &json!([]),
            "R's night of 03-06: no interval",
        );
        let body = report(
            &app,
            &w.admin,
            &night("start_date=2025-03-02&end_date=2025-03-02", &s),
        )
        .await;
        same(
            &body["items"],
            &json!([night_item(
                &s,
                night_sums(H, 4 * H, 0, 0),
                json!([night_date(
                    "2025-03-02",
                    2,
                    &[("2025-03-02 21:00:00", "2025-03-03 02:00:00")]
                )]),
            )]),
            "S's night of Sunday",
        );
        let body = report(
            &app,
            &w.admin,
            &night("start_date=2025-03-03&end_date=2025-03-03", &s),
        )
        .await;
        same(
            &body["items"],
            &json!([]),
            "S's night of Monday: no interval",
        );
    })
    .await;
}

#[tokio::test]
async fn a_voided_event_leaves_inouts_and_the_engines_reports_at_once() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let e = hire(&app, &w.admin, hire_body(&w, "Bobur", "Karimov")).await;
        // The terminal read him twice; the 09:40 read made him late.
        punches(
            &app,
            &w.admin,
            e.id,
            w.office,
            &[
                ("in", "2025-03-03 09:40:00"),
                ("out", "2025-03-03 18:05:00"),
            ],
        )
        .await;
        let day = format!(
            "start_date=2025-03-03&end_date=2025-03-03&f=employee&ids={}",
            e.id
        );
        let late = report(&app, &w.admin, &format!("/v1/reports/late-in?{day}")).await;
        assert_eq!(items(&late).len(), 1, "late before the correction: {late}");
        let inouts = report(&app, &w.admin, &format!("/v1/reports/inouts?{day}")).await;
        let wrong = items(&inouts)[0]["id"]
            .as_i64()
            .expect("an inouts item has its event id");
        assert_eq!(items(&inouts)[0]["event_time"], "09:40:00");

        // HR adds the arrival the terminal missed and voids the wrong read.
        punches(
            &app,
            &w.admin,
            e.id,
            w.office,
            &[("in", "2025-03-03 08:55:00")],
        )
        .await;
        let reply = app
            .post_json(
                &format!("/v1/times/{wrong}/void"),
                &json!({"reason": "Двойное считывание"}),
                Some(&w.admin),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);

        let late = report(&app, &w.admin, &format!("/v1/reports/late-in?{day}")).await;
        assert_eq!(
            items(&late),
            Vec::<Value>::new(),
            "late after the correction"
        );
        let inouts = report(&app, &w.admin, &format!("/v1/reports/inouts?{day}")).await;
        let listed: Vec<(Value, Value)> = items(&inouts)
            .iter()
            .map(|i| (i["event_time"].clone(), i["mode"].clone()))
            .collect();
        assert_eq!(
            listed,
            vec![
                (json!("08:55:00"), json!("manual")),
                (json!("18:05:00"), json!("manual"))
            ]
        );
        assert!(items(&inouts).iter().all(|i| i["id"] != wrong));
        let at_work = report(&app, &w.admin, &format!("/v1/reports/at-work?{day}")).await;
        assert_eq!(
            items(&at_work)[0]["actual"]["first_in"],
            "08:55",
            "{at_work}"
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------
// The monthly timesheet (GET /v1/timesheets/t13)
// ---------------------------------------------------------------------------------

/// The codes of an item's days joined by spaces ("-" for a day outside employment).
fn codes(item: &Value) -> String {
    item["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|day| {
            if day.is_null() {
                "-".to_string()
            } else {
                day["code"].as_str().expect("code").to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// March 2025 as the T-13 grid: the mixed week of the T12 test, the rest of the month
/// absent, a paid and an unpaid time-off, and someone who starts on 03-06.
#[tokio::test]
async fn t13_marks_a_month_with_codes_hours_and_half_month_totals() {
    each_backend(|app| async move {
        let w = world(&app).await;
        holiday(&app, &w.admin, "2025-03-07", "Праздник", "holiday").await;
        let t1 = hire(&app, &w.admin, hire_body(&w, "Temur", "Abdullayev")).await;
        let mut body = hire_body(&w, "Umid", "Boltayev");
        body["start_date"] = json!("2025-03-06");
        body["schedule_start_date"] = json!("2025-03-06");
        let t2 = hire(&app, &w.admin, body).await;
        let leave = absence_type(&app, &w.admin, "Отпуск", "FF0000").await;
        let day = |d: &str| {
            (
                true,
                format!("2025-03-{d} 00:00:00"),
                format!("2025-03-{d} 23:59:59"),
            )
        };
        for (who, date, paid) in [(t1.id, "05", true), (t2.id, "12", false)] {
            let (daily, start, end) = day(date);
            time_off(&app, &w.admin, who, leave, (daily, &start, &end), paid, 1).await;
        }
        move_to(&app, APRIL);
        punches(
            &app,
            &w.admin,
            t1.id,
            w.office,
            &[
                ("in", "2025-03-03 09:00:00"),
                ("out", "2025-03-03 18:00:00"),
                ("in", "2025-03-06 09:47:00"),
                ("out", "2025-03-06 18:00:00"),
                ("in", "2025-03-07 10:00:00"),
                ("out", "2025-03-07 14:00:00"),
                ("in", "2025-03-08 10:00:00"),
                ("out", "2025-03-08 12:00:00"),
                ("in", "2025-03-10 09:00:00"),
                ("out", "2025-03-10 19:00:00"),
            ],
        )
        .await;
        let sheet = app
            .get(
                &format!(
                    "/v1/timesheets/t13?month=2025-03&department_id={}",
                    w.department
                ),
                Some(&w.admin),
            )
            .await;
        assert_eq!(sheet.status, 200, "{}", sheet.text);
        let list = items(&sheet.body);
        let item = |id: i64| {
            list.iter()
                .find(|i| i["employee_id"] == json!(id))
                .unwrap_or_else(|| panic!("employee {id} listed: {}", sheet.text))
                .clone()
        };
        let first = item(t1.id);
        assert_eq!(
            codes(&first),
            "В В Я НН ОТ Я РВ РВ В Я НН НН НН НН В В НН НН НН НН НН В В НН НН НН НН НН В В НН"
        );
        let days = first["days"].as_array().expect("days");
        assert_eq!(days.len(), 31);
        same(
            &days[5],
            &json!({"date": "2025-03-06", "code": "Я", "code_number": "01",
                "work_time": "08:13", "night_time": "00:00", "overtime": "00:00",
                "late_in": "00:47"}),
            "the late day",
        );
        assert_eq!(days[6]["code_number"], json!("03"));
        assert_eq!(days[4]["code_number"], json!("09"));
        same(
            &first["first_half"],
            &json!({"days_worked": 5, "work_time": "33:13", "overtime": "01:00",
                "night_time": "00:00", "work_on_days_off": "06:00", "absences": 5,
                "leave_days": 1, "days_off": 4, "late_days": 1, "late_minutes": 47}),
            "days 1-15",
        );
        same(
            &first["second_half"],
            &json!({"days_worked": 0, "work_time": "00:00", "overtime": "00:00",
                "night_time": "00:00", "work_on_days_off": "00:00", "absences": 11,
                "leave_days": 0, "days_off": 5, "late_days": 0, "late_minutes": 0}),
            "days 16-31",
        );
        assert_eq!(first["totals"]["absences"], json!(16));
        assert_eq!(first["totals"]["work_time"], json!("33:13"));
        let second = item(t2.id);
        assert_eq!(
            codes(&second),
            "- - - - - НН В В В НН НН ДО НН НН В В НН НН НН НН НН В В НН НН НН НН НН В В НН"
        );
        assert_eq!(second["totals"]["leave_days"], json!(1));
        assert_eq!(second["full_name"], t2.card["full_name"]);

        // The same month as the T-13 form: read back, the heading, Temur's four rows.
        let path = format!(
            "/v1/timesheets/t13?month=2025-03&department_id={}&format=xlsx",
            w.department
        );
        let (content_type, bytes) = download(&app, &w.admin, &path).await;
        assert_eq!(
            content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let rows = xlsx_rows(bytes);
        let find = |text: &str| {
            rows.iter()
                .position(|row| row.iter().any(|c| c.contains(text)))
                .unwrap_or_else(|| panic!("{text} in the form: {rows:?}"))
        };
        assert!(rows[2][1].contains("ТАБЕЛЬ"), "{:?}", rows[2]);
        assert_eq!(rows[3][1], "Отчётный период: 01.03.2025 – 31.03.2025");
        assert_eq!(rows[0][21], "Унифицированная форма № Т-13");
        let temur = find("Abdullayev Temur");
        // Codes of days 1-15 (columns D..R), then their hours.
        let codes: Vec<&str> = rows[temur][3..18].iter().map(String::as_str).collect();
        assert_eq!(
            codes,
            [
                "В", "В", "Я", "НН", "ОТ", "Я", "РВ", "РВ", "В", "Я", "НН", "НН", "НН", "НН", "В"
            ]
        );
        assert_eq!(rows[temur + 1][5], "9");
        assert_eq!(rows[temur + 1][8], "8.22", "08:13 in hours");
        assert_eq!(rows[temur + 1][12], "10");
        // Days 16-31 on the third row, the month's totals on the first.
        assert_eq!(rows[temur + 2][3], "В");
        assert_eq!(rows[temur + 2][18], "НН", "the 31st");
        assert_eq!(rows[temur][19], "5", "days worked in days 1-15");
        assert_eq!(rows[temur + 1][20], "33.22", "hours in days 1-15");
        assert_eq!(rows[temur][21..27], ["5", "33.22", "0", "1", "16", "47"]);
        let umid = find("Boltayev Umid");
        assert_eq!(rows[umid][3], "–", "not employed on the 1st");
        find("Ответственное лицо");

        // And as CSV for Excel: BOM, ';', CRLF, titles in the caller's language.
        let path = path.replace("xlsx", "csv");
        let (content_type, bytes) = download(&app, &w.admin, &path).await;
        assert_eq!(content_type, "text/csv; charset=utf-8");
        let text = String::from_utf8(bytes).expect("UTF-8");
        let text = text.strip_prefix('\u{feff}').expect("a BOM");
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(lines[0].starts_with("ID сотрудника;ФИО;Табельный номер;Отдел;Должность;01;02;"));
        let temur = lines
            .iter()
            .find(|l| l.contains("Abdullayev Temur"))
            .expect("Temur's line");
        let cells: Vec<&str> = temur.split(';').collect();
        assert_eq!(cells[5..10], ["В", "В", "Я 09:00", "НН", "ОТ"]);
        assert_eq!(cells[36..], ["5", "33,22", "1", "0", "6", "16", "1", "47"]);
    })
    .await;
}

/// A file from the API: its content type and bytes (a JSON Accept is not needed).
async fn download(app: &TestApp, token: &str, path: &str) -> (String, Vec<u8>) {
    let response = app
        .http
        .get(app.url(path))
        .bearer_auth(token)
        .header(
            "accept",
            "text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let disposition = response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename="),
        "{disposition}"
    );
    (
        content_type,
        response.bytes().await.expect("a body").to_vec(),
    )
}

/// The first sheet of an XLSX file as rows of text (numbers as Rust prints them).
fn xlsx_rows(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an XLSX file");
    let range = workbook
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("the sheet reads");
    let width = range.width();
    let (top, _) = range.start().unwrap_or((0, 0));
    let mut rows = vec![vec![String::new(); width]; top as usize];
    rows.extend(
        range
            .rows()
            .map(|row| row.iter().map(|cell| cell.to_string()).collect::<Vec<_>>()),
    );
    rows
}

#[tokio::test]
async fn t13_refuses_a_bad_month_and_unknown_or_foreign_departments() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let missing = app.get("/v1/timesheets/t13", Some(&w.admin)).await;
        assert_eq!(
            (missing.status, missing.body["code"].clone()),
            (400, json!(4000))
        );
        for month in ["2025-13", "2025-3", "march", "2025-03-01"] {
            let bad = app
                .get(&format!("/v1/timesheets/t13?month={month}"), Some(&w.admin))
                .await;
            assert_eq!(bad.status, 400, "{month}: {}", bad.text);
            assert_eq!(bad.body["code"], json!(4001), "{month}");
        }
        let unknown = app
            .get(
                "/v1/timesheets/t13?month=2025-03&department_id=999999",
                Some(&w.admin),
            )
            .await;
        assert_eq!(unknown.status, 404, "{}", unknown.text);
        let other = department(&app, &w.admin, "Склад", None).await;
        let (_, head) = app
            .add_user("head-t13@example.com", Role::DepartmentHead, "Head")
            .await;
        let foreign = app
            .get(
                &format!("/v1/timesheets/t13?month=2025-03&department_id={other}"),
                Some(&head),
            )
            .await;
        assert_eq!(foreign.status, 403, "{}", foreign.text);
        let (_, employee) = app
            .add_user("worker-t13@example.com", Role::Employee, "Worker")
            .await;
        let own = app
            .get("/v1/timesheets/t13?month=2025-03", Some(&employee))
            .await;
        assert_eq!((own.status, own.body["code"].clone()), (403, json!(7004)));
    })
    .await;
}

/// A report as a file: every row of the range whatever the page, the titles in the
/// caller's language, the same rows in CSV and XLSX; an unknown format is 400/4001.
#[tokio::test]
async fn reports_download_as_csv_and_xlsx_with_every_row() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let t1 = hire(&app, &w.admin, hire_body(&w, "Temur", "Abdullayev")).await;
        move_to(&app, APRIL);
        punches(
            &app,
            &w.admin,
            t1.id,
            w.office,
            &[
                ("in", "2025-03-06 09:47:00"),
                ("out", "2025-03-06 18:00:00"),
                ("in", "2025-03-10 09:05:00"),
                ("out", "2025-03-10 18:00:00"),
            ],
        )
        .await;
        let query = format!(
            "start_date=2025-03-01&end_date=2025-03-31&f=employee&ids={}&per-page=1",
            t1.id
        );
        let page = report(&app, &w.admin, &format!("/v1/reports/late-in?{query}")).await;
        assert_eq!(items(&page).len(), 1, "the JSON answer is still paged");

        let (content_type, bytes) = download(
            &app,
            &w.admin,
            &format!("/v1/reports/late-in?{query}&format=csv"),
        )
        .await;
        assert_eq!(content_type, "text/csv; charset=utf-8");
        let text = String::from_utf8(bytes).expect("UTF-8");
        let lines: Vec<&str> = text
            .trim_start_matches('\u{feff}')
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(lines.len(), 3, "titles and both late days: {text}");
        let titles: Vec<&str> = lines[0].split(';').collect();
        let name = titles.iter().position(|t| *t == "ФИО").expect("ФИО");
        let date = titles.iter().position(|t| *t == "Дата").expect("Дата");
        let late = titles
            .iter()
            .position(|t| *t == "Опоздание")
            .expect("Опоздание");
        let first: Vec<&str> = lines[1].split(';').collect();
        assert_eq!(
            (first[name], first[date], first[late]),
            ("Abdullayev Temur", "2025-03-06", "00:47")
        );
        let second: Vec<&str> = lines[2].split(';').collect();
        assert_eq!((second[date], second[late]), ("2025-03-10", "00:05"));

        let (_, bytes) = download(
            &app,
            &w.admin,
            &format!("/v1/reports/late-in?{query}&format=xlsx"),
        )
        .await;
        let rows = xlsx_rows(bytes);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][name], "ФИО");
        assert_eq!(
            (rows[2][date].as_str(), rows[2][late].as_str()),
            ("2025-03-10", "00:05")
        );

        let bad = app
            .get(
                &format!("/v1/reports/late-in?{query}&format=pdf"),
                Some(&w.admin),
            )
            .await;
        assert_eq!((bad.status, bad.body["code"].clone()), (400, json!(4001)));
    })
    .await;
}
