//! Tenancy, probed from the server's own OpenAPI document (CONTRACT.md §1 "tenancy"):
//! company B gets one object of every kind a path id can name; then every operation of
//! `GET /v1/openapi.json` whose path takes a parameter is called by company A with B's
//! ids in it (every mix of A's and B's ids on two-id paths), and must answer 404/3000
//! without showing anything of B. A route added later is probed as soon as it is
//! documented, or the test fails naming the parameter it cannot fill. B's ids in a body
//! are 422/8004 on their field, B's ids in `ids=` filters match nothing, no list of A
//! shows B, and B reads its own objects back unchanged at the end.
//!
//! [`populate`], [`Objects`] and [`write_body`] are shared with `role_probe.rs`.

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use davomat_core::Lang;
use davomat_store::companies::CreatedCompany;
use davomat_store::testing::scalar;
use serde_json::{Value, json};

use crate::faces::{png, upload};
use crate::support::{OTHER_PASSWORD, Reply, TestApp, each_backend};

/// The word in every title and name of company B: a body of A showing it leaks.
const MARK: &str = "Zephyrine";
const B_ADMIN: &str = "boss@zephyrine.uz";

/// Operations of the document with a path parameter when these tests were written; the
/// probe must reach at least as many (a shrinking document is a finding too).
const KNOWN_PATH_OPERATIONS: usize = 48;

/// Where a company puts new employees: its default department, schedule and location.
#[derive(Clone, Copy, Debug)]
pub struct Defaults {
    pub department: i64,
    pub schedule: i64,
    pub location: i64,
}

/// The defaults of the token's company, read from the admin's own card.
pub async fn defaults(app: &TestApp, token: &str) -> Defaults {
    let reply = app.get("/v1/accounts", Some(token)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let employee = &reply.body["employee"];
    Defaults {
        department: employee["department"]["id"].as_i64().expect("department"),
        schedule: employee["schedule"]["id"].as_i64().expect("schedule"),
        location: employee["locations"][0]["id"].as_i64().expect("location"),
    }
}

/// What an id in a path can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Department,
    Position,
    Location,
    Schedule,
    Device,
    TimeOffType,
    Holiday,
    PayrollRule,
    Fine,
    Employee,
    TimeOff,
    Salary,
    PayrollPeriod,
    FinePeriod,
    Command,
    ClockEvent,
    Company,
    /// `{employee_id}.png` of a photo URL.
    PhotoFile,
    Webhook,
    WebhookDelivery,
}

/// One object of every [`Kind`] in one company, made through the API by its admin.
#[derive(Clone, Debug)]
pub struct Objects {
    pub company: i64,
    pub defaults: Defaults,
    pub department: i64,
    pub position: i64,
    pub location: i64,
    pub schedule: i64,
    pub device: i64,
    pub device_token: String,
    pub time_off_type: i64,
    pub holiday: i64,
    pub payroll_rule: i64,
    pub fine: i64,
    /// An employee in the default department, with a face and a position.
    pub employee: i64,
    /// A pending time-off of `employee`.
    pub time_off: i64,
    pub salary: i64,
    pub payroll_period: i64,
    pub fine_period: i64,
    /// The `addface` command of `employee`'s face for `device`.
    pub command: i64,
    /// A manual clock-in of `employee`.
    pub clock_event: i64,
    /// The `k` of `employee`'s photo URLs.
    pub photo_key: String,
    /// A subscription to clock-ins, and the delivery of `clock_event` to it.
    pub webhook: i64,
    pub webhook_delivery: i64,
}

impl Objects {
    /// The text of a path parameter naming this company's object of `kind`.
    pub fn segment(&self, kind: Kind) -> String {
        let id = match kind {
            Kind::Department => self.department,
            Kind::Position => self.position,
            Kind::Location => self.location,
            Kind::Schedule => self.schedule,
            Kind::Device => self.device,
            Kind::TimeOffType => self.time_off_type,
            Kind::Holiday => self.holiday,
            Kind::PayrollRule => self.payroll_rule,
            Kind::Fine => self.fine,
            Kind::Employee => self.employee,
            Kind::TimeOff => self.time_off,
            Kind::Salary => self.salary,
            Kind::PayrollPeriod => self.payroll_period,
            Kind::FinePeriod => self.fine_period,
            Kind::Command => self.command,
            Kind::ClockEvent => self.clock_event,
            Kind::Company => self.company,
            Kind::PhotoFile => return format!("{}.png", self.employee),
            Kind::Webhook => self.webhook,
            Kind::WebhookDelivery => self.webhook_delivery,
        };
        id.to_string()
    }
}

/// What fills one parameter of a path template.
#[derive(Clone, Copy, Debug)]
pub enum Slot {
    /// An id of a company's object.
    Id(Kind),
    /// A value that names nothing of a company (a photo size).
    Fixed(&'static str),
}

/// The slot of `{param}` in `template`: by the parameter's name, or for `{id}` by the
/// collection the path segment before it names. `None`: a parameter nobody taught this
/// test, which fails it.
pub fn slot_of(template: &str, param: &str) -> Option<Slot> {
    let segments: Vec<&str> = template.split('/').collect();
    let at = segments.iter().position(|s| *s == format!("{{{param}}}"))?;
    // `/v1/positions/delete/{id}` names a position.
    let before = segments[..at]
        .iter()
        .rev()
        .find(|s| **s != "delete")
        .copied()
        .unwrap_or("");
    let kind = match (param, before) {
        ("size", _) => return Some(Slot::Fixed("40")),
        // A report's file (`/v1/reports/{name}/export`): names a report, not an object.
        ("name", "reports") => return Some(Slot::Fixed("late-in")),
        // A terminal's secret names no object of a company's.
        ("device_secret", _) => return Some(Slot::Fixed("no-such-secret")),
        ("employee_id", _) => Kind::Employee,
        ("company_id", _) => Kind::Company,
        ("file", _) => Kind::PhotoFile,
        ("event_id", _) => Kind::ClockEvent,
        ("id", "departments") => Kind::Department,
        ("id", "positions") => Kind::Position,
        ("id", "locations") => Kind::Location,
        ("id", "schedules") => Kind::Schedule,
        ("id", "devices" | "kiosks") => Kind::Device,
        ("id", "employees") => Kind::Employee,
        ("id", "time-off") => Kind::TimeOff,
        ("id", "time-offs") => Kind::TimeOffType,
        ("id", "holidays") => Kind::Holiday,
        ("id", "payroll-list") => Kind::PayrollRule,
        ("id", "fine-list") => Kind::Fine,
        ("id", "delete-salary") => Kind::Salary,
        ("id", "delete-payroll") => Kind::PayrollPeriod,
        ("id", "delete-fine") => Kind::FinePeriod,
        ("id", "commands") => Kind::Command,
        ("id", "times") => Kind::ClockEvent,
        ("id", "webhooks") => Kind::Webhook,
        ("delivery_id", _) => Kind::WebhookDelivery,
        _ => return None,
    };
    Some(Slot::Id(kind))
}

/// The names of the path parameters of `template`, in order.
pub fn path_params(template: &str) -> Vec<String> {
    template
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_string)
        .collect()
}

/// Every (method, path template, operation) of the server's OpenAPI document, methods
/// upper-case.
pub async fn documented(app: &TestApp) -> Vec<(String, String, Value)> {
    let reply = app.get("/v1/openapi.json", None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let mut operations = Vec::new();
    for (path, item) in reply.body["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                operations.push((method.to_uppercase(), path.clone(), operation.clone()));
            }
        }
    }
    assert!(
        operations.len() > 50,
        "a document of {} operations",
        operations.len()
    );
    operations
}

/// A fixed schedule titled `title`.
pub fn schedule_body(title: &str) -> Value {
    json!({"title": title, "type": 2, "days": [
        {"weekday": 1, "start": "09:00", "end": "18:00", "lunch_minutes": 60}]})
}

/// A face image as the JSON upload takes it.
pub fn face_body() -> Value {
    json!({"imgdata": STANDARD.encode(png(400, 400))})
}

/// A body with which an admin's call of a write on a path with ids succeeds, given the
/// caller's own company's `defaults`; `None` for writes that take no body. `n` makes
/// titles unique.
pub fn write_body(method: &str, template: &str, own: Defaults, n: usize) -> Option<Value> {
    let title = format!("Изменено {n}");
    let body = match (method, template) {
        ("PUT" | "PATCH", "/v1/departments/{id}")
        | ("PUT", "/v1/positions/{id}")
        | ("PUT", "/v1/locations/{id}")
        | ("PUT", "/v1/time-offs/{id}")
        | ("PUT", "/v1/payroll/payroll-list/{id}") => json!({"title": title}),
        ("PUT", "/v1/payroll/fine-list/{id}") => json!({"title": title, "amount": "30"}),
        ("PUT", "/v1/schedules/{id}") => schedule_body(&title),
        ("PUT", "/v1/devices/{id}") => json!({"type": "Phone", "qr_code": true}),
        ("PUT", "/v1/employees/{id}") => json!({"first_name": "Изменённый"}),
        ("POST", "/v1/employees/{id}/dismiss") => json!({"exp_date": "2025-03-03"}),
        ("POST", "/v1/employees/{id}/recovery") => json!({
            "department_id": own.department, "schedule_id": own.schedule,
            "efct_date": "2025-03-04", "location_ids": "*"}),
        ("POST", "/v1/identification/addface/{employee_id}") => face_body(),
        _ => return None,
    };
    Some(body)
}

/// The id of a created object, checking the status.
fn created(reply: &Reply, what: &str) -> i64 {
    assert_eq!(reply.status, 201, "{what}: {}", reply.text);
    reply.body["id"]
        .as_i64()
        .or_else(|| reply.body["items"]["id"].as_i64())
        .unwrap_or_else(|| panic!("{what}: no id in {}", reply.text))
}

/// The id of the one result of an add-salary/add-payroll/add-fine.
fn assigned(reply: &Reply, what: &str) -> i64 {
    assert_eq!(reply.status, 200, "{what}: {}", reply.text);
    assert_eq!(
        reply.body["items"][0]["status"], true,
        "{what}: {}",
        reply.text
    );
    reply.body["items"][0]["id"].as_i64().expect("period id")
}

/// The `k` of an employee's photo URLs.
pub async fn photo_key(app: &TestApp, token: &str, employee: i64) -> String {
    let card = app
        .get(&format!("/v1/employees/{employee}"), Some(token))
        .await;
    let small = card.body["data"]["photos"]["small"]
        .as_str()
        .unwrap_or_else(|| panic!("photos of {}", card.text));
    small.rsplit("k=").next().expect("key").to_string()
}

/// Makes one object of every kind in the company of the admin `token`, each titled
/// with `mark`; `serial` must be unique on the server.
pub async fn populate(app: &TestApp, token: &str, mark: &str) -> Objects {
    let defaults = defaults(app, token).await;
    let post = |path: &'static str, body: Value| async move {
        app.call("POST", path, Some(token), Some(&body)).await
    };
    let department = created(
        &post("/v1/departments", json!({"title": format!("{mark} отдел")})).await,
        "department",
    );
    let position = created(
        &post(
            "/v1/positions",
            json!({"title": format!("{mark} должность")}),
        )
        .await,
        "position",
    );
    let location = created(
        &post(
            "/v1/locations",
            json!({"title": format!("{mark} офис"), "latitude": "41.3", "longitude": "69.2", "radius": 100}),
        )
        .await,
        "location",
    );
    let schedule = created(
        &post("/v1/schedules", schedule_body(&format!("{mark} график"))).await,
        "schedule",
    );
    let reply = post(
        "/v1/devices",
        json!({"serial_number": format!("{mark}-SN"), "location_id": defaults.location}),
    )
    .await;
    let device = created(&reply, "device");
    let device_token = reply.body["token"].as_str().expect("token").to_string();
    let time_off_type = created(
        &post("/v1/time-offs", json!({"title": format!("{mark} отпуск")})).await,
        "time-off type",
    );
    let holiday = created(
        &post(
            "/v1/holidays",
            json!({"date": "2025-05-09", "title": format!("{mark} праздник"), "kind": "holiday"}),
        )
        .await,
        "holiday",
    );
    let payroll_rule = created(
        &post(
            "/v1/payroll/payroll-list",
            json!({"title": format!("{mark} правило")}),
        )
        .await,
        "payroll rule",
    );
    let fine = created(
        &post(
            "/v1/payroll/fine-list",
            json!({"title": format!("{mark} штраф"), "amount": "10"}),
        )
        .await,
        "fine",
    );
    let employee = created(
        &post(
            "/v1/employees",
            json!({"first_name": mark, "last_name": format!("{mark}ova"),
                   "department_id": defaults.department, "locations": [defaults.location],
                   "schedule_id": defaults.schedule, "positions": [position],
                   "start_date": "2025-01-01", "schedule_start_date": "2025-01-01"}),
        )
        .await,
        "employee",
    );
    upload(app, token, employee, png(400, 400)).await;
    let photo_key = photo_key(app, token, employee).await;
    let command = scalar(
        &app.store,
        "SELECT max(id) FROM device_commands WHERE device_id = $1",
        &[device],
    )
    .await;
    assert!(command > 0, "no command queued for the device");
    let time_off = created(
        &post(
            "/v1/employees/time-off",
            json!({"employee_id": employee, "absence_id": time_off_type,
                   "start_date_time": "2025-03-12", "end_date_time": "2025-03-12",
                   "description": format!("{mark} причина")}),
        )
        .await,
        "time-off",
    );
    let salary = assigned(
        &post(
            "/v1/payroll/add-salary",
            json!({"type_col": 3, "rate": "1000", "start_date": "2025-01-01", "employee_ids": [employee]}),
        )
        .await,
        "salary",
    );
    let payroll_period = assigned(
        &post(
            "/v1/payroll/add-payroll",
            json!({"payroll_rule_id": payroll_rule, "start_date": "2025-01-01", "person_ids": [employee]}),
        )
        .await,
        "payroll",
    );
    let fine_period = assigned(
        &post(
            "/v1/payroll/add-fine",
            json!({"fine_id": fine, "start_date": "2025-01-01", "person_ids": [employee]}),
        )
        .await,
        "fine period",
    );
    // A subscription (to a port nobody listens on) before the clock-in, so that the
    // clock-in has a delivery.
    let webhook = created(
        &post(
            "/v1/webhooks",
            json!({"url": "http://127.0.0.1:9/davomat", "events": ["clock.in"]}),
        )
        .await,
        "webhook",
    );
    let clock = post(
        "/v1/times/clockin",
        json!({"employee_id": employee, "location_id": defaults.location, "event_time": "2025-03-04 08:55:00"}),
    )
    .await;
    assert_eq!(clock.status, 200, "clock-in: {}", clock.text);
    let clock_event = scalar(
        &app.store,
        "SELECT max(id) FROM clock_events WHERE employee_id = $1",
        &[employee],
    )
    .await;
    let company = scalar(
        &app.store,
        "SELECT company_id FROM employees WHERE id = $1",
        &[employee],
    )
    .await;
    let webhook_delivery = scalar(
        &app.store,
        "SELECT max(id) FROM webhook_deliveries WHERE webhook_id = $1",
        &[webhook],
    )
    .await;
    Objects {
        company,
        defaults,
        department,
        position,
        location,
        schedule,
        device,
        device_token,
        time_off_type,
        holiday,
        payroll_rule,
        fine,
        employee,
        time_off,
        salary,
        payroll_period,
        fine_period,
        command,
        clock_event,
        photo_key,
        webhook,
        webhook_delivery,
    }
}

/// An access token of a second company's admin, through that company's client.
pub async fn other_admin_token(app: &TestApp, other: &CreatedCompany, email: &str) -> String {
    let reply = app
        .post_form(
            "/v1/oauth/token",
            &format!(
                "grant_type=password&client_id={}&client_secret={}&username={email}&password={OTHER_PASSWORD}",
                other.client.client_id, other.client.client_secret
            ),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["access_token"]
        .as_str()
        .expect("token")
        .to_string()
}

/// True when a reply shows anything of company B.
fn shows_b(reply: &Reply) -> bool {
    reply.text.to_lowercase().contains(&MARK.to_lowercase())
}

/// Tables whose rows carry `company_id`, counted per company at the end.
const COMPANY_TABLES: [&str; 19] = [
    "departments",
    "positions",
    "locations",
    "schedules",
    "devices",
    "employees",
    "users",
    "holidays",
    "time_off_types",
    "time_offs",
    "clock_events",
    "payroll_rules",
    "fines",
    "salary_rates",
    "person_payrolls",
    "person_fines",
    "faces",
    "device_commands",
    "activity_log",
];

/// Everything B can read of itself, through its own tokens: (what, reply body).
async fn b_reads(app: &TestApp, token: &str, b: &Objects) -> Vec<(String, Value)> {
    let mut seen = Vec::new();
    // The device's own view first: a device call notes when the device was last seen.
    let commands = app.get("/v1/device/commands", Some(&b.device_token)).await;
    assert_eq!(commands.status, 200, "{}", commands.text);
    seen.push(("device commands".to_string(), commands.body));
    let e = b.employee;
    let paths = [
        "/v1/departments".to_string(),
        format!("/v1/departments/{}", b.department),
        "/v1/positions".to_string(),
        format!("/v1/positions/{}", b.position),
        "/v1/locations".to_string(),
        format!("/v1/locations/{}", b.location),
        "/v1/schedules".to_string(),
        format!("/v1/schedules/{}", b.schedule),
        "/v1/devices".to_string(),
        "/v1/time-offs".to_string(),
        format!("/v1/time-offs/{}", b.time_off_type),
        "/v1/holidays".to_string(),
        "/v1/payroll/payroll-list".to_string(),
        "/v1/payroll/fine-list".to_string(),
        "/v1/employees?status=all".to_string(),
        format!("/v1/employees/{e}"),
        format!("/v1/employees/{e}/departments"),
        format!("/v1/employees/{e}/positions"),
        format!("/v1/employees/{e}/locations"),
        "/v1/employees/time-off".to_string(),
        format!("/v1/employees/time-off/{}", b.time_off),
        "/v1/payroll/salaries".to_string(),
        "/v1/payroll/payrolls".to_string(),
        "/v1/payroll/fines".to_string(),
        "/v1/reports/inouts?start_date=2025-03-01&end_date=2025-03-31".to_string(),
        "/v1/user-activities?start_date=2025-01-01&end_date=2025-12-31".to_string(),
    ];
    for path in paths {
        let reply = app.get(&path, Some(token)).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        seen.push((path, reply.body));
    }
    for table in COMPANY_TABLES {
        let rows = scalar(
            &app.store,
            &format!("SELECT count(*) FROM {table} WHERE company_id = $1"),
            &[b.company],
        )
        .await;
        seen.push((format!("rows of {table}"), json!(rows)));
    }
    seen
}

/// The company's two probe subjects, A (the harness company) and B.
struct Tenants {
    a: Objects,
    a_admin: String,
    b: Objects,
    b_admin: String,
}

async fn tenants(app: &TestApp) -> Tenants {
    let a_admin = app.admin_token().await;
    let a = populate(app, &a_admin, "Alpha").await;
    let other = app.second_company(B_ADMIN, Lang::Ru).await;
    let b_admin = other_admin_token(app, &other, B_ADMIN).await;
    let b = populate(app, &b_admin, MARK).await;
    Tenants {
        a,
        a_admin,
        b,
        b_admin,
    }
}

/// One filled path: its URL and whether any id in it is B's.
struct Filled {
    url: String,
    foreign: bool,
}

/// Every filling of `template` where each id slot is A's or B's (all A's first).
fn fillings(template: &str, slots: &[(String, Slot)], a: &Objects, b: &Objects) -> Vec<Filled> {
    let ids = slots
        .iter()
        .filter(|(_, s)| matches!(s, Slot::Id(_)))
        .count();
    let mut out = Vec::new();
    for mask in 0..(1usize << ids) {
        let mut url = template.to_string();
        let mut bit = 0;
        for (name, slot) in slots {
            let value = match slot {
                Slot::Fixed(value) => value.to_string(),
                Slot::Id(kind) => {
                    let owner = if mask & (1 << bit) != 0 { b } else { a };
                    bit += 1;
                    owner.segment(*kind)
                }
            };
            url = url.replace(&format!("{{{name}}}"), &value);
        }
        out.push(Filled {
            url,
            foreign: mask != 0,
        });
    }
    out
}

/// GETs that write (CONTRACT.md §8: deleteface is documented as a GET).
fn is_read(method: &str, template: &str) -> bool {
    method == "GET" && !template.contains("deleteface")
}

#[tokio::test]
async fn every_path_id_of_another_company_is_404_and_shows_nothing() {
    each_backend(|app: TestApp| async move {
        let Tenants {
            a,
            a_admin,
            b,
            b_admin,
        } = tenants(&app).await;
        let before = b_reads(&app, &b_admin, &b).await;
        // The mark is there to be seen by B itself, so its absence below means something.
        let own_card = app
            .get(&format!("/v1/employees/{}", b.employee), Some(&b_admin))
            .await;
        assert!(shows_b(&own_card), "{}", own_card.text);

        let mut listed = BTreeSet::new();
        let mut probed = BTreeSet::new();
        let mut unfilled = Vec::new();
        let mut failures = Vec::new();
        let (mut calls, mut controls) = (0, 0);
        for (n, (method, template, operation)) in documented(&app).await.into_iter().enumerate() {
            let params = path_params(&template);
            // The docs page's files (`/docs/{asset}`) belong to no company.
            if params.is_empty() || template.starts_with("/docs/") {
                continue;
            }
            listed.insert(format!("{method} {template}"));
            let slots: Vec<(String, Option<Slot>)> = params
                .iter()
                .map(|p| (p.clone(), slot_of(&template, p)))
                .collect();
            if let Some((param, _)) = slots.iter().find(|(_, s)| s.is_none()) {
                unfilled.push(format!("{method} {template} ({{{param}}})"));
                continue;
            }
            let slots: Vec<(String, Slot)> =
                slots.into_iter().map(|(p, s)| (p, s.expect("slot"))).collect();
            // A path with no id in it (`/v1/reports/{name}/export`) names nobody's object.
            if slots.iter().all(|(_, s)| matches!(s, Slot::Fixed(_))) {
                listed.remove(&format!("{method} {template}"));
                continue;
            }
            let secured = operation.get("security").is_some();
            let device_route = template.starts_with("/v1/device/");
            let token = match (device_route, secured) {
                (true, _) => Some(a.device_token.as_str()),
                (false, true) => Some(a_admin.as_str()),
                // Photo URLs: A's key is the only permission there is.
                (false, false) => None,
            };
            let query = if secured {
                String::new()
            } else {
                format!("?k={}", a.photo_key)
            };
            let body = write_body(&method, &template, a.defaults, n);
            for filled in fillings(&template, &slots, &a, &b) {
                let url = format!("{}{query}", filled.url);
                if !filled.foreign {
                    // A's own ids: a read must work, or the 404s below prove nothing.
                    if is_read(&method, &template) {
                        let reply = app.call(&method, &url, token, None).await;
                        controls += 1;
                        if reply.status != 200 {
                            failures.push(format!(
                                "control {method} {url}: expected 200, got {} {}",
                                reply.status, reply.text
                            ));
                        }
                    }
                    continue;
                }
                let sent = if method == "GET" { None } else { body.as_ref() };
                let reply = app.call(&method, &url, token, sent).await;
                calls += 1;
                probed.insert(format!("{method} {template}"));
                if reply.status != 404 || reply.body["code"] != 3000 {
                    failures.push(format!(
                        "{method} {url}: expected 404/3000, got {} {}",
                        reply.status, reply.text
                    ));
                }
                if shows_b(&reply) {
                    failures.push(format!("{method} {url} shows B: {}", reply.text));
                }
            }
        }
        eprintln!(
            "tenancy probe ({:?}): {} operations with path ids, {} probed by {calls} calls with B's ids, {controls} control reads with A's",
            app.backend,
            listed.len(),
            probed.len()
        );
        assert!(
            unfilled.is_empty(),
            "path templates this probe cannot fill (teach slot_of and populate about them): {unfilled:#?}"
        );
        assert!(failures.is_empty(), "tenancy leaks: {failures:#?}");
        let missed: Vec<_> = listed.difference(&probed).collect();
        assert!(missed.is_empty(), "documented but not probed: {missed:?}");
        assert!(
            probed.len() >= KNOWN_PATH_OPERATIONS,
            "only {} operations with path ids probed",
            probed.len()
        );

        // B's photos still show with B's key; B reads back exactly what it had.
        let own_photo = format!(
            "/images/employee/40/{}/{}.png?k={}",
            b.company, b.employee, b.photo_key
        );
        assert_eq!(app.get(&own_photo, None).await.status, 200);
        let after = b_reads(&app, &b_admin, &b).await;
        for ((what, then), (_, now)) in before.iter().zip(&after) {
            assert_eq!(then, now, "B's {what} changed");
        }
    })
    .await;
}

/// A body of `POST /v1/employees` that an admin's call with `own` succeeds with.
pub fn hire_body(own: Defaults, first_name: &str) -> Value {
    json!({"first_name": first_name, "last_name": "Тестов", "department_id": own.department,
           "locations": [own.location], "schedule_id": own.schedule,
           "start_date": "2025-01-01", "schedule_start_date": "2025-01-01"})
}

/// `body` with `field` set to `value`.
fn with(body: &Value, field: &str, value: Value) -> Value {
    let mut body = body.clone();
    body[field] = value;
    body
}

/// Rows of a company in [`COMPANY_TABLES`].
async fn company_rows(app: &TestApp, company: i64) -> Vec<(&'static str, i64)> {
    let mut rows = Vec::new();
    for table in COMPANY_TABLES {
        let sql = format!("SELECT count(*) FROM {table} WHERE company_id = $1");
        rows.push((table, scalar(&app.store, &sql, &[company]).await));
    }
    rows
}

#[tokio::test]
async fn ids_of_another_company_in_bodies_are_8004_and_in_filters_match_nothing() {
    each_backend(|app: TestApp| async move {
        let Tenants {
            a,
            a_admin,
            b,
            b_admin,
        } = tenants(&app).await;
        let hired = created(
            &app.post_json("/v1/employees", &hire_body(a.defaults, "Уволенный"), Some(&a_admin))
                .await,
            "employee",
        );
        let dismissed = app
            .post_json(
                &format!("/v1/employees/{hired}/dismiss"),
                &json!({"exp_date": "2025-03-01"}),
                Some(&a_admin),
            )
            .await;
        assert_eq!(dismissed.status, 200, "{}", dismissed.text);
        let before = b_reads(&app, &b_admin, &b).await;
        let a_rows = company_rows(&app, a.company).await;

        // Ids of B in the body of A's writes: 422 with 8004 on that field.
        let hire = hire_body(a.defaults, "Новичок");
        let employee = format!("/v1/employees/{}", a.employee);
        let recovery = format!("/v1/employees/{hired}/recovery");
        let rehire = write_body("POST", "/v1/employees/{id}/recovery", a.defaults, 0)
            .expect("recovery body");
        let time_off = json!({"employee_id": a.employee, "absence_id": a.time_off_type,
                              "start_date_time": "2025-03-20", "end_date_time": "2025-03-20"});
        let clock = json!({"employee_id": a.employee, "location_id": a.defaults.location,
                           "event_time": "2025-03-04 08:30:00"});
        let payroll = json!({"payroll_rule_id": a.payroll_rule, "start_date": "2025-02-01",
                             "person_ids": [a.employee]});
        let fine = json!({"fine_id": a.fine, "start_date": "2025-02-01", "person_ids": [a.employee]});
        let staff = with(&with(&hire, "role", json!(2)), "username", json!("staff@alpha.uz"));
        let cases: Vec<(&str, String, Value, &str)> = vec![
            ("POST", "/v1/employees".into(), with(&hire, "department_id", json!(b.department)), "department_id"),
            ("POST", "/v1/employees".into(), with(&hire, "schedule_id", json!(b.schedule)), "schedule_id"),
            ("POST", "/v1/employees".into(), with(&hire, "locations", json!([b.location])), "locations"),
            ("POST", "/v1/employees".into(), with(&hire, "positions", json!([b.position])), "positions"),
            ("POST", "/v1/employees".into(), with(&staff, "department_ids", json!([b.department])), "department_ids"),
            ("PUT", employee.clone(), json!({"department_id": b.department}), "department_id"),
            ("PUT", employee.clone(), json!({"schedule_id": b.schedule}), "schedule_id"),
            ("PUT", employee.clone(), json!({"locations": [a.defaults.location, b.location]}), "locations"),
            ("PUT", employee.clone(), json!({"positions": [b.position]}), "positions"),
            ("POST", recovery.clone(), with(&rehire, "department_id", json!(b.department)), "department_id"),
            ("POST", recovery.clone(), with(&rehire, "schedule_id", json!(b.schedule)), "schedule_id"),
            ("POST", recovery.clone(), with(&rehire, "location_ids", json!([b.location])), "location_ids"),
            ("POST", recovery.clone(), with(&rehire, "position_id", json!(b.position)), "position_id"),
            ("POST", "/v1/departments".into(), json!({"title": "Вложенный", "pid": b.department}), "pid"),
            ("PUT", format!("/v1/departments/{}", a.department), json!({"pid": b.department}), "pid"),
            ("PATCH", format!("/v1/departments/{}", a.department), json!({"pid": b.department}), "pid"),
            ("POST", "/v1/devices".into(), json!({"serial_number": "Alpha-2", "location_id": b.location}), "location_id"),
            ("PUT", format!("/v1/devices/{}", a.device), json!({"location_id": b.location}), "location_id"),
            ("POST", "/v1/employees/time-off".into(), with(&time_off, "employee_id", json!(b.employee)), "employee_id"),
            ("POST", "/v1/employees/time-off".into(), with(&time_off, "absence_id", json!(b.time_off_type)), "absence_id"),
            ("POST", "/v1/times/clockin".into(), with(&clock, "employee_id", json!(b.employee)), "employee_id"),
            ("POST", "/v1/times/clockin".into(), with(&clock, "location_id", json!(b.location)), "location_id"),
            ("POST", "/v1/times/clockout".into(), with(&clock, "employee_id", json!(b.employee)), "employee_id"),
            ("POST", "/v1/times/clockout".into(), with(&clock, "location_id", json!(b.location)), "location_id"),
            ("POST", "/v1/payroll/add-payroll".into(), with(&payroll, "payroll_rule_id", json!(b.payroll_rule)), "payroll_rule_id"),
            ("POST", "/v1/payroll/add-fine".into(), with(&fine, "fine_id", json!(b.fine)), "fine_id"),
        ];
        let mut failures = Vec::new();
        for (method, path, body, field) in &cases {
            let reply = app.call(method, path, Some(&a_admin), Some(body)).await;
            let wanted = (field.to_string(), 8004);
            if reply.status != 422 || !reply.field_errors().contains(&wanted) {
                failures.push(format!(
                    "{method} {path} {body}: expected 422 with {field}/8004, got {} {}",
                    reply.status, reply.text
                ));
            }
            if shows_b(&reply) {
                failures.push(format!("{method} {path} shows B: {}", reply.text));
            }
        }

        // Payroll assignments answer per employee: B's employee is refused with 4001.
        let per_employee = [
            ("/v1/payroll/add-salary", json!({"type_col": 3, "rate": "5", "start_date": "2025-02-01", "employee_ids": [b.employee]})),
            ("/v1/payroll/add-payroll", with(&payroll, "person_ids", json!([b.employee]))),
            ("/v1/payroll/add-fine", with(&fine, "person_ids", json!([b.employee]))),
        ];
        for (path, body) in &per_employee {
            let reply = app.post_json(path, body, Some(&a_admin)).await;
            let result = &reply.body["items"][0];
            if reply.status != 200
                || result["status"] != false
                || result["errors"]["code"] != 4001
                || result["employee_id"] != b.employee
            {
                failures.push(format!(
                    "POST {path}: expected a refused result for B's employee, got {} {}",
                    reply.status, reply.text
                ));
            }
        }
        // A terminal of A naming B's employee or location: that event is rejected (8004).
        for event in [
            json!({"uid": "b-employee", "employee_id": b.employee, "event": "in", "event_time": "2025-03-04 08:00:00"}),
            json!({"uid": "b-location", "employee_id": a.employee, "location_id": b.location, "event": "in", "event_time": "2025-03-04 08:00:00"}),
        ] {
            let reply = app
                .post_json("/v1/device/events", &json!({"events": [event]}), Some(&a.device_token))
                .await;
            if reply.status != 200 || reply.body["accepted"] != 0 || reply.body["rejected"][0]["code"] != 8004 {
                failures.push(format!(
                    "POST /v1/device/events {event}: expected rejected 8004, got {} {}",
                    reply.status, reply.text
                ));
            }
        }
        let body_calls = cases.len() + per_employee.len() + 2;

        // Filters naming B's ids: B's alone match nothing; with A's, the same as A's alone.
        let mut filter_calls = 0;
        let mut matched_own = 0;
        for (method, template, operation) in documented(&app).await {
            let names: Vec<&str> = operation["parameters"]
                .as_array()
                .map(|list| list.iter().filter_map(|p| p["name"].as_str()).collect())
                .unwrap_or_default();
            // The file routes answer every row as a file (their JSON twin is probed).
            let answers_json = operation["responses"]["200"]["content"]
                .get("application/json")
                .is_some();
            if method != "GET" || !names.contains(&"ids") || !answers_json {
                continue;
            }
            let dates = if names.contains(&"start_date") {
                "&start_date=2025-03-01&end_date=2025-03-31"
            } else {
                ""
            };
            // `f` goes with `ids` unless the operation has `fv` for it (`/v1/employees`).
            let kinds: Vec<(&str, i64, i64)> = if names.contains(&"f") && !names.contains(&"fv") {
                vec![
                    ("f=employee&", a.employee, b.employee),
                    ("f=department&", a.defaults.department, b.defaults.department),
                    ("f=location&", a.defaults.location, b.defaults.location),
                ]
            } else {
                vec![("", a.employee, b.employee)]
            };
            let allowed = operation["parameters"]
                .as_array()
                .and_then(|list| list.iter().find(|p| p["name"] == "f"))
                .map(|f| f["schema"]["enum"].clone())
                .unwrap_or(Value::Null);
            for (f, ours, theirs) in kinds {
                let value = f.trim_start_matches("f=").trim_end_matches('&');
                if !value.is_empty()
                    && !allowed.as_array().is_some_and(|e| e.iter().any(|v| v == value))
                {
                    continue;
                }
                let theirs_only = format!("{template}?{f}ids={theirs}{dates}");
                let ours_only = format!("{template}?{f}ids={ours}{dates}");
                let both = format!("{template}?{f}ids={ours},{theirs}{dates}");
                let alone = app.get(&theirs_only, Some(&a_admin)).await;
                let mine = app.get(&ours_only, Some(&a_admin)).await;
                let mixed = app.get(&both, Some(&a_admin)).await;
                filter_calls += 3;
                for reply in [&alone, &mine, &mixed] {
                    if reply.status != 200 || shows_b(reply) {
                        failures.push(format!("{template} with B's ids: {} {}", reply.status, reply.text));
                    }
                }
                if alone.body["items"] != json!([]) || alone.body["_meta"]["totalCount"] != 0 {
                    failures.push(format!("{theirs_only} matched: {}", alone.text));
                }
                if mine.body["items"].as_array().is_some_and(|items| !items.is_empty()) {
                    matched_own += 1;
                }
                if mixed.body["items"] != mine.body["items"] {
                    failures.push(format!("{both} differs from {ours_only}: {} vs {}", mixed.text, mine.text));
                }
            }
        }
        // A's own ids find A's rows in most of them, so that "B's match nothing" is no
        // mere empty answer.
        assert!(matched_own >= 10, "A's own ids matched in {matched_own} filters only");
        for path in [
            format!("/v1/employees?f=department&fv={}", b.defaults.department),
            format!("/v1/employees?f=department&fv={}&status=all", b.department),
        ] {
            let reply = app.get(&path, Some(&a_admin)).await;
            filter_calls += 1;
            if reply.status != 200 || reply.body["items"] != json!([]) || shows_b(&reply) {
                failures.push(format!("{path}: {} {}", reply.status, reply.text));
            }
        }

        // No GET of the document without path ids shows anything of B to A.
        let mut list_calls = 0;
        for (method, template, operation) in documented(&app).await {
            if method != "GET" || !path_params(&template).is_empty() {
                continue;
            }
            let takes_dates = operation["parameters"]
                .as_array()
                .is_some_and(|list| list.iter().any(|p| p["name"] == "start_date"));
            let url = if takes_dates {
                format!("{template}?start_date=2025-01-01&end_date=2025-03-31")
            } else {
                template.clone()
            };
            let token = if template.starts_with("/v1/device/") {
                a.device_token.as_str()
            } else {
                a_admin.as_str()
            };
            let reply = app.get(&url, Some(token)).await;
            list_calls += 1;
            if reply.status >= 500 || shows_b(&reply) {
                failures.push(format!("GET {url}: {} {}", reply.status, reply.text));
            }
        }
        eprintln!(
            "tenancy probe ({:?}): {body_calls} body-id calls, {filter_calls} filter calls, {list_calls} list calls",
            app.backend
        );
        assert!(failures.is_empty(), "tenancy leaks: {failures:#?}");
        assert_eq!(company_rows(&app, a.company).await, a_rows, "A's rows changed");
        let after = b_reads(&app, &b_admin, &b).await;
        for ((what, then), (_, now)) in before.iter().zip(&after) {
            assert_eq!(then, now, "B's {what} changed");
        }
    })
    .await;
}
