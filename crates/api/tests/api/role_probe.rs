//! Roles, probed from the server's own OpenAPI document (CONTRACT.md §4, §5): every
//! write operation of `GET /v1/openapi.json` is classified in [`RULES`] with the roles
//! that may call it (a documented write missing from the table fails the test, so a
//! new route must be classified). For every (operation, forbidden role) pair the call
//! is made by a head, manager, observer or employee of the company, on a target inside
//! their departments with a body that succeeds for an admin, and must answer 403/7004
//! (401/7008 for a user token on a device route) and change nothing; the admin's (or
//! the device's) same call then succeeds and does change the state, which proves both
//! the body and the witness. Where a role may act only on itself (clock-in/out, its own
//! time-off request and its cancellation, its settings) the forbidden call targets
//! another employee, and a second case shows every role may still act on itself.

use davomat_core::Role;
use davomat_store::testing::scalar;
use serde_json::{Value, json};

use crate::faces::{png, upload};
use crate::support::{Reply, TestApp, each_backend};
use crate::tenancy_probe::{Defaults, defaults, documented, hire_body, schedule_body, write_body};

/// Who may call an operation.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// No token at all (the token endpoint and its kin).
    Anyone,
    /// These roles; for self-only operations, these roles acting on another employee.
    Roles(&'static [Role]),
    /// A device token only: every user token, an admin's included, is refused (401/7008).
    Device,
}

const ADMIN: Who = Who::Roles(&[Role::Admin]);
const ADMIN_HEAD: Who = Who::Roles(&[Role::Admin, Role::DepartmentHead]);
const DECIDERS: Who = Who::Roles(&[Role::Admin, Role::DepartmentHead, Role::DepartmentManager]);
const EVERY_ROLE: Who = Who::Roles(&Role::ALL);

/// One write operation of the document and who may call it.
struct Rule {
    method: &'static str,
    path: &'static str,
    who: Who,
}

const fn rule(method: &'static str, path: &'static str, who: Who) -> Rule {
    Rule { method, path, who }
}

/// Every write operation of the document (and the one GET that writes), classified
/// from CONTRACT.md. "§4 company-wide" is §4's "Company-wide objects (departments,
/// locations, positions, schedules, devices, time-off types, holidays, payroll rules,
/// fines) are created, changed and deleted by admins only".
const RULES: &[Rule] = &[
    // §3: the token endpoint, revocation and password reset need no token.
    rule("POST", "/v1/oauth/token", Who::Anyone),
    rule("POST", "/v1/oauth/revoke", Who::Anyone),
    rule("POST", "/v1/sign-in/password-reset", Who::Anyone),
    rule("POST", "/v1/sign-in/password-reset/confirm", Who::Anyone),
    // ADMS terminals: no token, known by serial number (CONTRACT.md §9; iclock.rs).
    rule("POST", "/iclock/cdata", Who::Anyone),
    rule("POST", "/iclock/cdata.aspx", Who::Anyone),
    rule("POST", "/iclock/devicecmd", Who::Anyone),
    rule("POST", "/iclock/devicecmd.aspx", Who::Anyone),
    rule("POST", "/iclock/registry", Who::Anyone),
    // Hikvision terminals: the device's secret in the path (CONTRACT.md §9; hikvision.rs).
    rule(
        "POST",
        "/terminals/hikvision/{device_secret}/events",
        Who::Anyone,
    ),
    // §5 + §8: POST /v1/accounts answers as GET, for any role; settings: the caller's own.
    rule("POST", "/v1/accounts", EVERY_ROLE),
    rule("PUT", "/v1/accounts/settings", EVERY_ROLE),
    // §4 company-wide.
    rule("POST", "/v1/departments", ADMIN),
    rule("PUT", "/v1/departments/{id}", ADMIN),
    rule("PATCH", "/v1/departments/{id}", ADMIN),
    rule("DELETE", "/v1/departments/{id}", ADMIN),
    rule("POST", "/v1/positions", ADMIN),
    rule("PUT", "/v1/positions/{id}", ADMIN),
    rule("DELETE", "/v1/positions/delete/{id}", ADMIN),
    rule("POST", "/v1/locations", ADMIN),
    rule("PUT", "/v1/locations/{id}", ADMIN),
    rule("DELETE", "/v1/locations/{id}", ADMIN),
    // §5 schedules and devices: "read all; write admin".
    rule("POST", "/v1/schedules", ADMIN),
    rule("PUT", "/v1/schedules/{id}", ADMIN),
    rule("DELETE", "/v1/schedules/{id}", ADMIN),
    rule("POST", "/v1/devices", ADMIN),
    rule("PUT", "/v1/devices/{id}", ADMIN),
    rule("DELETE", "/v1/devices/{id}", ADMIN),
    // §9: kiosks are devices: admins create and remove them; a kiosk punches.
    rule("POST", "/v1/kiosks", ADMIN),
    rule("DELETE", "/v1/kiosks/{id}", ADMIN),
    // §9: webhooks are the company's settings: admins only.
    rule("POST", "/v1/webhooks", ADMIN),
    rule("PUT", "/v1/webhooks/{id}", ADMIN),
    rule("DELETE", "/v1/webhooks/{id}", ADMIN),
    rule(
        "POST",
        "/v1/webhooks/{id}/deliveries/{delivery_id}/resend",
        ADMIN,
    ),
    rule("POST", "/v1/kiosk/punch", Who::Device),
    // §4 heads change "employees in them (create, edit, dismiss, faces)"; §5 rows.
    rule("POST", "/v1/employees", ADMIN_HEAD),
    rule("PUT", "/v1/employees/{id}", ADMIN_HEAD),
    rule("POST", "/v1/employees/{id}/dismiss", ADMIN_HEAD),
    rule("POST", "/v1/employees/{id}/cancel-dismiss", ADMIN_HEAD),
    // §5: re-hiring, cancelling it and removing are the admin's.
    rule("POST", "/v1/employees/{id}/recovery", ADMIN),
    rule("POST", "/v1/employees/{id}/reestablish", ADMIN),
    rule("DELETE", "/v1/employees/{id}/remove", ADMIN),
    // §5: removing a pending department or position change: admin, head.
    rule("DELETE", "/v1/employees/{id}/department", ADMIN_HEAD),
    rule("DELETE", "/v1/employees/{id}/position", ADMIN_HEAD),
    // §5 holidays and time-off types: "read all; write admin".
    rule("POST", "/v1/holidays", ADMIN),
    rule("DELETE", "/v1/holidays/{id}", ADMIN),
    rule("POST", "/v1/time-offs", ADMIN),
    rule("PUT", "/v1/time-offs/{id}", ADMIN),
    rule("DELETE", "/v1/time-offs/{id}", ADMIN),
    // §4 "Every role ... may request their own time-off"; §5: for others "heads,
    // managers, admins for their scope". Probed for another employee.
    rule("POST", "/v1/employees/time-off", DECIDERS),
    // §5: "admin, head, manager; the owner while pending". Probed on another's request.
    rule("DELETE", "/v1/employees/time-off/{id}", DECIDERS),
    // §5: approve and reject: admin, head, manager.
    rule("POST", "/v1/employees/time-off/{id}/approve", DECIDERS),
    rule("POST", "/v1/employees/time-off/{id}/reject", DECIDERS),
    // §4: every role clocks itself; heads and managers (and admins) enter "manual clock
    // events" for others. Probed for another employee.
    rule("POST", "/v1/times/clockin", DECIDERS),
    rule("POST", "/v1/times/clockout", DECIDERS),
    // §9: voiding an event is a correction: admin; head and manager in scope.
    rule("POST", "/v1/times/{event_id}/void", DECIDERS),
    // §5: "device token".
    rule("POST", "/v1/device/events", Who::Device),
    rule("POST", "/v1/device/commands/{id}/ack", Who::Device),
    // §4 heads: faces; §5 addface and deleteface: admin, head. §8: deleteface is
    // documented as GET and its curl uses POST; the GET writes too.
    rule(
        "POST",
        "/v1/identification/addface/{employee_id}",
        ADMIN_HEAD,
    ),
    rule(
        "GET",
        "/v1/identification/deleteface/{employee_id}",
        ADMIN_HEAD,
    ),
    rule(
        "POST",
        "/v1/identification/deleteface/{employee_id}",
        ADMIN_HEAD,
    ),
    // §4 payroll is "written by admins only"; §5 add-* and delete-*: admin.
    rule("POST", "/v1/payroll/add-salary", ADMIN),
    rule("POST", "/v1/add-salary", ADMIN),
    rule("POST", "/v1/payroll/add-payroll", ADMIN),
    rule("POST", "/v1/add-payroll", ADMIN),
    rule("POST", "/v1/payroll/add-fine", ADMIN),
    rule("POST", "/v1/add-fine", ADMIN),
    rule(
        "DELETE",
        "/v1/payroll/{employee_id}/delete-salary/{id}",
        ADMIN,
    ),
    rule(
        "DELETE",
        "/v1/payroll/{employee_id}/delete-payroll/{id}",
        ADMIN,
    ),
    rule(
        "DELETE",
        "/v1/payroll/{employee_id}/delete-fine/{id}",
        ADMIN,
    ),
    // §4 company-wide; §5 "read admin, head; write admin".
    rule("POST", "/v1/payroll/payroll-list", ADMIN),
    rule("PUT", "/v1/payroll/payroll-list/{id}", ADMIN),
    rule("DELETE", "/v1/payroll/payroll-list/{id}", ADMIN),
    rule("POST", "/v1/payroll/fine-list", ADMIN),
    rule("PUT", "/v1/payroll/fine-list/{id}", ADMIN),
    rule("DELETE", "/v1/payroll/fine-list/{id}", ADMIN),
];

fn is_write(method: &str) -> bool {
    ["POST", "PUT", "PATCH", "DELETE"].contains(&method)
}

/// The roles refused an operation.
fn forbidden(who: Who) -> Vec<Role> {
    match who {
        Who::Anyone => Vec::new(),
        Who::Device => Role::ALL.to_vec(),
        Who::Roles(allowed) => Role::ALL
            .into_iter()
            .filter(|r| !allowed.contains(r))
            .collect(),
    }
}

/// The company as the probes see it.
struct Company {
    admin: String,
    defaults: Defaults,
    /// (role, access token, employee id) of a head, a manager, an observer and an
    /// employee, each in the default department; the first three oversee it.
    staff: Vec<(Role, String, i64)>,
    device_token: String,
    device: i64,
    /// A kiosk's token (the device that may punch at `/v1/kiosk/punch`).
    kiosk_token: String,
    time_off_type: i64,
    payroll_rule: i64,
    fine: i64,
}

impl Company {
    fn token(&self, role: Role) -> &str {
        if role == Role::Admin {
            return &self.admin;
        }
        &self
            .staff
            .iter()
            .find(|(r, _, _)| *r == role)
            .expect("a user of the role")
            .1
    }
}

fn created_id(reply: &Reply) -> i64 {
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["id"]
        .as_i64()
        .or_else(|| reply.body["items"]["id"].as_i64())
        .unwrap_or_else(|| panic!("no id in {}", reply.text))
}

async fn admin_post(app: &TestApp, c: &Company, path: &str, body: Value) -> Reply {
    app.call("POST", path, Some(&c.admin), Some(&body)).await
}

async fn admin_ok(app: &TestApp, c: &Company, method: &str, path: &str, body: Value) {
    let reply = app.call(method, path, Some(&c.admin), Some(&body)).await;
    assert_eq!(reply.status, 200, "{method} {path}: {}", reply.text);
}

async fn setup(app: &TestApp) -> Company {
    let admin = app.admin_token().await;
    let defaults = defaults(app, &admin).await;
    let mut staff = Vec::new();
    for (role, email, name) in [
        (Role::DepartmentHead, "head@probe.uz", "Head"),
        (Role::DepartmentManager, "manager@probe.uz", "Manager"),
        (Role::Observer, "observer@probe.uz", "Observer"),
        (Role::Employee, "employee@probe.uz", "Employee"),
    ] {
        let (employee, token) = app.add_user(email, role, name).await;
        staff.push((role, token, employee));
    }
    let post = |path: &'static str, body: Value| {
        let admin = admin.clone();
        async move { app.call("POST", path, Some(&admin), Some(&body)).await }
    };
    let device = post(
        "/v1/devices",
        json!({"serial_number": "PROBE-T1", "location_id": defaults.location}),
    )
    .await;
    let device_id = created_id(&device);
    let device_token = device.body["token"].as_str().expect("token").to_string();
    let kiosk = post(
        "/v1/kiosks",
        json!({"location_id": defaults.location, "title": "Вход"}),
    )
    .await;
    let kiosk_token = kiosk.body["token"].as_str().expect("token").to_string();
    let time_off_type = created_id(&post("/v1/time-offs", json!({"title": "Отпуск"})).await);
    let payroll_rule =
        created_id(&post("/v1/payroll/payroll-list", json!({"title": "Правило"})).await);
    let fine = created_id(
        &post(
            "/v1/payroll/fine-list",
            json!({"title": "Штраф", "amount": "10"}),
        )
        .await,
    );
    Company {
        admin,
        defaults,
        staff,
        device_token,
        device: device_id,
        kiosk_token,
        time_off_type,
        payroll_rule,
        fine,
    }
}

/// What one probe calls: its path, body, and the admin's reads that show its effect.
struct Target {
    path: String,
    body: Option<Value>,
    witness: Vec<String>,
}

fn target(path: String, body: Option<Value>, witness: &[&str]) -> Target {
    Target {
        path,
        body,
        witness: witness.iter().map(|w| w.to_string()).collect(),
    }
}

/// A fresh employee of the default department (inside every overseer's scope).
async fn new_employee(app: &TestApp, c: &Company, n: usize) -> i64 {
    let name = format!("Сотрудник {n}");
    created_id(&admin_post(app, c, "/v1/employees", hire_body(c.defaults, &name)).await)
}

/// A fresh object of a company-wide catalog, through `POST path` with `body`.
async fn new_object(app: &TestApp, c: &Company, path: &str, body: Value) -> i64 {
    created_id(&admin_post(app, c, path, body).await)
}

/// The body of a fresh object at `collection` (`POST collection`); `n` makes it unique.
fn create_body(collection: &str, c: &Company, n: usize) -> Value {
    let title = format!("Проба {n}");
    match collection {
        "/v1/locations" => {
            json!({"title": title, "latitude": "41.3", "longitude": "69.2", "radius": 100})
        }
        "/v1/schedules" => schedule_body(&title),
        "/v1/devices" => json!({"serial_number": format!("PROBE-{n}")}),
        "/v1/holidays" => {
            json!({"date": format!("2025-06-{:02}", n % 28 + 1), "title": title, "kind": "holiday"})
        }
        "/v1/payroll/fine-list" => json!({"title": title, "amount": "15"}),
        "/v1/employees" => hire_body(c.defaults, &format!("Новый {n}")),
        _ => json!({"title": title}),
    }
}

/// Dismisses the employee of `card` with `last_day` as the last day employed (a day
/// after today: pending).
async fn dismiss(app: &TestApp, c: &Company, card: &str, last_day: &str) {
    let body = json!({"exp_date": last_day});
    admin_ok(app, c, "POST", &format!("{card}/dismiss"), body).await;
}

/// A pending daily time-off of `employee` on 2025-03-12.
async fn pending_time_off(app: &TestApp, c: &Company, employee: i64) -> i64 {
    let body = json!({"employee_id": employee, "absence_id": c.time_off_type,
                      "start_date_time": "2025-03-12", "end_date_time": "2025-03-12"});
    created_id(&admin_post(app, c, "/v1/employees/time-off", body).await)
}

/// The period id of an add-* result.
async fn assign(app: &TestApp, c: &Company, path: &str, body: Value) -> i64 {
    let reply = admin_post(app, c, path, body).await;
    assert_eq!(reply.body["items"][0]["status"], true, "{}", reply.text);
    reply.body["items"][0]["id"].as_i64().expect("period id")
}

/// A body assigning a payroll rule, fine or salary (`path` tells which) to `employee`.
fn assign_body(path: &str, c: &Company, employee: i64) -> Value {
    if path.ends_with("add-salary") || path.ends_with("delete-salary/{id}") {
        json!({"type_col": 3, "rate": "1000", "start_date": "2025-01-01", "employee_ids": [employee]})
    } else if path.ends_with("add-payroll") || path.ends_with("delete-payroll/{id}") {
        json!({"payroll_rule_id": c.payroll_rule, "start_date": "2025-01-01", "person_ids": [employee]})
    } else {
        json!({"fine_id": c.fine, "start_date": "2025-01-01", "person_ids": [employee]})
    }
}

/// The collection a path of one object belongs to (`/v1/positions/delete/{id}` →
/// `/v1/positions`).
fn collection_of(template: &str) -> String {
    template
        .trim_end_matches("/{id}")
        .trim_end_matches("/delete")
        .to_string()
}

/// Arranges what the call of `rule` needs, as the admin; `None` for a write this test
/// does not know how to arrange, which fails it.
async fn prepare(app: &TestApp, c: &Company, rule: &Rule, n: usize) -> Option<Target> {
    let (method, template) = (rule.method, rule.path);
    let update = write_body(method, template, c.defaults, n);
    let catalogs = [
        "/v1/departments",
        "/v1/positions",
        "/v1/locations",
        "/v1/schedules",
        "/v1/devices",
        "/v1/holidays",
        "/v1/time-offs",
        "/v1/payroll/payroll-list",
        "/v1/payroll/fine-list",
    ];
    let collection = collection_of(template);
    if catalogs.contains(&template) && method == "POST" {
        return Some(target(
            template.into(),
            Some(create_body(template, c, n)),
            &[template],
        ));
    }
    if catalogs.contains(&collection.as_str()) && template.ends_with("{id}") {
        let id = new_object(app, c, &collection, create_body(&collection, c, n)).await;
        let path = template.replace("{id}", &id.to_string());
        return Some(target(path, update, &[&collection]));
    }
    let employee_path = |e: i64| format!("/v1/employees/{e}");
    let t = match (method, template) {
        ("POST", "/v1/employees") => target(
            template.into(),
            Some(create_body(template, c, n)),
            &["/v1/employees?status=all"],
        ),
        (_, "/v1/employees/{id}")
        | (_, "/v1/employees/{id}/dismiss")
        | (_, "/v1/employees/{id}/cancel-dismiss")
        | (_, "/v1/employees/{id}/recovery")
        | (_, "/v1/employees/{id}/reestablish")
        | (_, "/v1/employees/{id}/remove")
        | (_, "/v1/employees/{id}/department")
        | (_, "/v1/employees/{id}/position") => {
            let e = new_employee(app, c, n).await;
            let card = employee_path(e);
            match template {
                // A pending dismissal to cancel.
                "/v1/employees/{id}/cancel-dismiss" => dismiss(app, c, &card, "2025-03-20").await,
                "/v1/employees/{id}/recovery" | "/v1/employees/{id}/remove" => {
                    dismiss(app, c, &card, "2025-03-01").await;
                }
                // A pending re-hire to cancel.
                "/v1/employees/{id}/reestablish" => {
                    dismiss(app, c, &card, "2025-03-01").await;
                    let recovery = "/v1/employees/{id}/recovery";
                    let mut later = write_body("POST", recovery, c.defaults, n).expect("body");
                    later["efct_date"] = json!("2025-03-20");
                    admin_ok(app, c, "POST", &format!("{card}/recovery"), later).await;
                }
                "/v1/employees/{id}/department" => {
                    let d = new_object(app, c, "/v1/departments", create_body("", c, n)).await;
                    let change = json!({"department_id": d, "efct_date": "2025-03-20"});
                    admin_ok(app, c, "PUT", &card, change).await;
                }
                "/v1/employees/{id}/position" => {
                    let p = new_object(app, c, "/v1/positions", create_body("", c, n)).await;
                    let change = json!({"positions": [p], "efct_date": "2025-03-20"});
                    admin_ok(app, c, "PUT", &card, change).await;
                }
                _ => {}
            }
            let path = template.replace("{id}", &e.to_string());
            let history = format!("{card}/departments");
            let positions = format!("{card}/positions");
            target(
                path,
                update,
                &[&card, &history, &positions, "/v1/employees?status=all"],
            )
        }
        ("POST", "/v1/employees/time-off") => {
            let e = new_employee(app, c, n).await;
            let body = json!({"employee_id": e, "absence_id": c.time_off_type,
                              "start_date_time": "2025-03-14", "end_date_time": "2025-03-14"});
            target(template.into(), Some(body), &["/v1/employees/time-off"])
        }
        (_, "/v1/employees/time-off/{id}")
        | (_, "/v1/employees/time-off/{id}/approve")
        | (_, "/v1/employees/time-off/{id}/reject") => {
            let e = new_employee(app, c, n).await;
            let id = pending_time_off(app, c, e).await;
            let read = format!("/v1/employees/time-off/{id}");
            target(template.replace("{id}", &id.to_string()), None, &[&read])
        }
        ("POST", "/v1/times/clockin" | "/v1/times/clockout") => {
            let e = new_employee(app, c, n).await;
            let body = json!({"employee_id": e, "location_id": c.defaults.location,
                              "event_time": "2025-03-04 08:30:00"});
            target(template.into(), Some(body), &[])
        }
        ("POST", "/v1/times/{event_id}/void") => {
            let e = new_employee(app, c, n).await;
            let clock = json!({"employee_id": e, "location_id": c.defaults.location,
                               "event_time": "2025-03-04 08:30:00"});
            admin_ok(app, c, "POST", "/v1/times/clockin", clock).await;
            let sql = "SELECT max(id) FROM clock_events WHERE employee_id = $1";
            let event = scalar(&app.store, sql, &[e]).await;
            let inouts = format!(
                "/v1/reports/inouts?start_date=2025-03-04&end_date=2025-03-04&employee_id={e}"
            );
            target(
                template.replace("{event_id}", &event.to_string()),
                Some(json!({"reason": "probe"})),
                &[&inouts],
            )
        }
        ("POST", "/v1/device/events") => {
            let e = new_employee(app, c, n).await;
            let body = json!({"events": [{"uid": format!("probe-{n}"), "employee_id": e,
                                          "event": "in", "event_time": "2025-03-04 08:40:00"}]});
            target(template.into(), Some(body), &[])
        }
        ("POST", "/v1/kiosks") => {
            let body = json!({"location_id": c.defaults.location, "title": format!("Проба {n}")});
            target(template.into(), Some(body), &["/v1/devices"])
        }
        ("DELETE", "/v1/kiosks/{id}") => {
            let body = json!({"location_id": c.defaults.location, "title": format!("Киоск {n}")});
            let kiosk = created_id(&admin_post(app, c, "/v1/kiosks", body).await);
            target(
                template.replace("{id}", &kiosk.to_string()),
                None,
                &["/v1/devices"],
            )
        }
        ("POST", "/v1/webhooks") => {
            let body =
                json!({"url": format!("http://127.0.0.1:9/probe-{n}"), "events": ["clock.in"]});
            target(template.into(), Some(body), &["/v1/webhooks"])
        }
        ("PUT" | "DELETE", "/v1/webhooks/{id}") => {
            let body =
                json!({"url": format!("http://127.0.0.1:9/hook-{n}"), "events": ["clock.out"]});
            let webhook = created_id(&admin_post(app, c, "/v1/webhooks", body).await);
            let change = json!({"events": ["clock.in", "clock.out"], "active": false});
            target(
                template.replace("{id}", &webhook.to_string()),
                (method == "PUT").then_some(change),
                &["/v1/webhooks"],
            )
        }
        ("POST", "/v1/webhooks/{id}/deliveries/{delivery_id}/resend") => {
            let body =
                json!({"url": format!("http://127.0.0.1:9/resend-{n}"), "events": ["clock.in"]});
            let webhook = created_id(&admin_post(app, c, "/v1/webhooks", body).await);
            let e = new_employee(app, c, n).await;
            let clock = json!({"employee_id": e, "location_id": c.defaults.location, "event_time": "2025-03-04 08:50:00"});
            let clocked = admin_post(app, c, "/v1/times/clockin", clock).await;
            assert_eq!(clocked.status, 200, "{}", clocked.text);
            let sql = "SELECT max(id) FROM webhook_deliveries WHERE webhook_id = $1";
            let delivery = scalar(&app.store, sql, &[webhook]).await;
            // The worker's first attempt (nobody listens) is made before the probe reads
            // the log; its next waits for a clock that does not move here.
            let tried = "SELECT count(*) FROM webhook_deliveries WHERE id = $1 AND attempts > 0";
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while scalar(&app.store, tried, &[delivery]).await == 0 {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the first attempt was never made"
                );
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            let path = format!("/v1/webhooks/{webhook}/deliveries/{delivery}/resend");
            target(path, None, &[&format!("/v1/webhooks/{webhook}/deliveries")])
        }
        ("POST", "/v1/kiosk/punch") => {
            let e = new_employee(app, c, n).await;
            let card = app.get(&employee_path(e), Some(&c.admin)).await;
            let pin = card.body["data"]["pin_code"]
                .as_str()
                .expect("pin")
                .to_string();
            let body = json!({"uid": format!("probe-{n}"), "pin_code": pin});
            target(template.into(), Some(body), &[])
        }
        ("POST", "/v1/device/commands/{id}/ack") => {
            let e = new_employee(app, c, n).await;
            upload(app, &c.admin, e, png(400, 400)).await;
            let sql = "SELECT max(id) FROM device_commands WHERE device_id = $1";
            let command = scalar(&app.store, sql, &[c.device]).await;
            target(template.replace("{id}", &command.to_string()), None, &[])
        }
        (_, "/v1/identification/addface/{employee_id}")
        | (_, "/v1/identification/deleteface/{employee_id}") => {
            let e = new_employee(app, c, n).await;
            if template.contains("deleteface") {
                upload(app, &c.admin, e, png(400, 400)).await;
            }
            let card = employee_path(e);
            let path = template.replace("{employee_id}", &e.to_string());
            target(path, update, &[&card])
        }
        ("POST", path) if path.contains("add-") => {
            let e = new_employee(app, c, n).await;
            let card = employee_path(e);
            target(path.into(), Some(assign_body(path, c, e)), &[&card])
        }
        ("DELETE", path) if path.starts_with("/v1/payroll/{employee_id}/delete-") => {
            let e = new_employee(app, c, n).await;
            let kind = path.rsplit('/').nth(1).expect("delete-…");
            let add = format!("/v1/payroll/add-{}", kind.trim_start_matches("delete-"));
            let id = assign(app, c, &add, assign_body(path, c, e)).await;
            let path = path
                .replace("{employee_id}", &e.to_string())
                .replace("{id}", &id.to_string());
            target(path, None, &[&employee_path(e)])
        }
        _ => return None,
    };
    Some(t)
}

/// Tables counted before and after every call.
const TABLES: [&str; 23] = [
    "departments",
    "positions",
    "locations",
    "schedules",
    "devices",
    "employees",
    "employee_locations",
    "employee_positions",
    "employee_departments",
    "users",
    "user_departments",
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

/// The state a call may change: row counts, pending device commands, and the admin's
/// reads of the target's witnesses.
async fn fingerprint(app: &TestApp, c: &Company, witness: &[String]) -> Vec<(String, Value)> {
    let mut state = Vec::new();
    for table in TABLES {
        let rows = scalar(&app.store, &format!("SELECT count(*) FROM {table}"), &[]).await;
        state.push((format!("rows of {table}"), json!(rows)));
    }
    let sql = "SELECT count(*) FROM device_commands WHERE acked_at IS NULL";
    let pending = scalar(&app.store, sql, &[]).await;
    state.push(("pending device commands".into(), json!(pending)));
    for path in witness {
        let reply = app.get(path, Some(&c.admin)).await;
        state.push((path.clone(), json!([reply.status, reply.body])));
    }
    state
}

/// The first entry that differs, for messages.
fn first_change(before: &[(String, Value)], after: &[(String, Value)]) -> String {
    before
        .iter()
        .zip(after)
        .find(|(b, a)| b != a)
        .map(|((what, b), (_, a))| format!("{what}: {b} → {a}"))
        .unwrap_or_else(|| "nothing".into())
}

#[tokio::test]
async fn every_forbidden_role_is_refused_every_write_and_changes_nothing() {
    each_backend(|app: TestApp| async move {
        let c = setup(&app).await;

        // The table and the document list the same writes.
        let mut documented_writes = Vec::new();
        for (method, path, _) in documented(&app).await {
            let classified = RULES.iter().any(|r| r.method == method && r.path == path);
            if is_write(&method) || classified {
                documented_writes.push((method, path));
            }
        }
        let unclassified: Vec<String> = documented_writes
            .iter()
            .filter(|(m, p)| !RULES.iter().any(|r| r.method == m && r.path == p))
            .map(|(m, p)| format!("{m} {p}"))
            .collect();
        assert!(
            unclassified.is_empty(),
            "write operations of the document missing from RULES (classify them from CONTRACT.md §4/§5): {unclassified:#?}"
        );
        let stale: Vec<String> = RULES
            .iter()
            .filter(|r| !documented_writes.iter().any(|(m, p)| m == r.method && p == r.path))
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(stale.is_empty(), "RULES lists operations the document does not: {stale:?}");

        let mut failures = Vec::new();
        let mut calls = 0;
        let mut probed = 0;
        for (n, rule) in RULES.iter().enumerate() {
            let refused = forbidden(rule.who);
            if refused.is_empty() {
                continue;
            }
            let Some(target) = prepare(&app, &c, rule, n).await else {
                failures.push(format!("{} {}: prepare() does not know it", rule.method, rule.path));
                continue;
            };
            probed += 1;
            let (method, path, body) = (rule.method, &target.path, target.body.as_ref());
            let before = fingerprint(&app, &c, &target.witness).await;
            let mut last = before.clone();
            for role in refused {
                let reply = app.call(method, path, Some(c.token(role)), body).await;
                calls += 1;
                let (status, code) = match rule.who {
                    Who::Device => (401, 7008),
                    _ => (403, 7004),
                };
                if reply.status != status || reply.body["code"] != code {
                    failures.push(format!(
                        "{method} {path} as {role:?}: expected {status}/{code}, got {} {}",
                        reply.status, reply.text
                    ));
                }
                let now = fingerprint(&app, &c, &target.witness).await;
                if now != last {
                    failures.push(format!(
                        "{method} {path} as {role:?} changed {}",
                        first_change(&last, &now)
                    ));
                }
                last = now;
            }
            // The same call by whom the contract allows succeeds and shows in the witness.
            let allowed = match rule.who {
                Who::Device if rule.path == "/v1/kiosk/punch" => c.kiosk_token.as_str(),
                Who::Device => c.device_token.as_str(),
                _ => c.admin.as_str(),
            };
            let reply = app.call(method, path, Some(allowed), body).await;
            if !(200..300).contains(&reply.status) {
                failures.push(format!(
                    "{method} {path} by the allowed caller: {} {}",
                    reply.status, reply.text
                ));
            } else if fingerprint(&app, &c, &target.witness).await == before {
                failures.push(format!("{method} {path}: the allowed call changed nothing seen"));
            }
        }
        eprintln!(
            "role probe ({:?}): {} writes classified, {probed} probed, {calls} forbidden calls",
            app.backend,
            RULES.len()
        );
        assert!(failures.is_empty(), "role probe: {failures:#?}");
    })
    .await;
}

/// The settings of the token's user.
async fn settings(app: &TestApp, token: &str) -> Value {
    let reply = app.get("/v1/accounts", Some(token)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["settings"].clone()
}

async fn time_off_status(app: &TestApp, c: &Company, id: i64) -> Value {
    let path = format!("/v1/employees/time-off/{id}");
    app.get(&path, Some(&c.admin)).await.body["status"].clone()
}

#[tokio::test]
async fn every_role_acts_on_itself_and_only_on_itself() {
    each_backend(|app: TestApp| async move {
        let c = setup(&app).await;
        let admin_employee = app.company.admin_employee_id.0;
        let mut people = vec![(Role::Admin, c.admin.clone(), admin_employee)];
        people.extend(c.staff.iter().cloned());
        let time_offs = "SELECT count(*) FROM time_offs";
        let mut forbidden_calls = 0;
        for (role, token, employee) in &people {
            let token = token.as_str();
            // §4: every role clocks itself in and out.
            for (path, at) in [("/v1/times/clockin", "08:00"), ("/v1/times/clockout", "08:45")] {
                let body = json!({"location_id": c.defaults.location,
                                  "event_time": format!("2025-03-04 {at}:00")});
                let reply = app.post_json(path, &body, Some(token)).await;
                assert_eq!(reply.status, 200, "{role:?} {path}: {}", reply.text);
            }
            // §4: every role requests its own time-off and cancels it while pending.
            let own = json!({"absence_id": c.time_off_type,
                             "start_date_time": "2025-03-18", "end_date_time": "2025-03-18"});
            let reply = app.post_json("/v1/employees/time-off", &own, Some(token)).await;
            assert_eq!(reply.status, 201, "{role:?}: {}", reply.text);
            assert_eq!(reply.body["employee_id"], *employee);
            let id = reply.body["id"].as_i64().expect("id");
            let reply = app.delete(&format!("/v1/employees/time-off/{id}"), token).await;
            assert_eq!(reply.status, 200, "{role:?}: {}", reply.text);
            assert_eq!(time_off_status(&app, &c, id).await, 3);
            if matches!(role, Role::Observer | Role::Employee) {
                // §5: only deciders create a time-off accepted (8005: not settable by
                // this role), and the owner cancels only while it is pending (403).
                let rows = scalar(&app.store, time_offs, &[]).await;
                let mut accepted = own.clone();
                accepted["status"] = json!(1);
                let reply = app.post_json("/v1/employees/time-off", &accepted, Some(token)).await;
                forbidden_calls += 1;
                reply.assert_error(422, 8001);
                assert_eq!(reply.field_errors(), vec![("status".to_string(), 8005)]);
                assert_eq!(scalar(&app.store, time_offs, &[]).await, rows);
                accepted["employee_id"] = json!(employee);
                let by_admin = admin_post(&app, &c, "/v1/employees/time-off", accepted).await;
                let id = created_id(&by_admin);
                let reply = app.delete(&format!("/v1/employees/time-off/{id}"), token).await;
                forbidden_calls += 1;
                reply.assert_error(403, 7004);
                assert_eq!(time_off_status(&app, &c, id).await, 1);
            }
            // Settings are the caller's own, whatever user the body names.
            let (other, other_user) = if *role == Role::Admin {
                (c.staff[3].1.clone(), 0)
            } else {
                (c.admin.clone(), app.company.admin_user_id.0)
            };
            let theirs = settings(&app, &other).await;
            let change = json!({"lang": "en", "fiotype": "lastfirst", "user_id": other_user, "id": other_user});
            let reply = app.put_json("/v1/accounts/settings", &change, token).await;
            forbidden_calls += 1;
            assert_eq!(reply.status, 200, "{role:?}: {}", reply.text);
            assert_eq!(reply.body["lang"], "en", "{}", reply.text);
            assert_eq!(settings(&app, token).await["lang"], "en");
            assert_eq!(settings(&app, &other).await, theirs, "{role:?} changed another's settings");
            let back = json!({"lang": "ru"});
            assert_eq!(app.put_json("/v1/accounts/settings", &back, token).await.status, 200);
        }
        eprintln!(
            "role probe ({:?}): {forbidden_calls} calls beyond the caller's own rights",
            app.backend
        );
    })
    .await;
}

/// The role of the login user of `employee`.
async fn role_of(app: &TestApp, employee: i64) -> i64 {
    let sql = "SELECT role FROM users WHERE employee_id = $1";
    scalar(&app.store, sql, &[employee]).await
}

/// A failure message unless `reply` is the error `status`/`code`.
fn unless_error(what: &str, reply: &Reply, status: u16, code: i64) -> Option<String> {
    (reply.status != status || reply.body["code"] != code).then(|| {
        format!(
            "{what}: expected {status}/{code}, got {} {}",
            reply.status, reply.text
        )
    })
}

#[tokio::test]
async fn no_role_escalates_through_its_own_card_or_a_field() {
    each_backend(|app: TestApp| async move {
        let c = setup(&app).await;
        let elsewhere = new_object(&app, &c, "/v1/departments", json!({"title": "Чужой отдел"})).await;
        let mut failures = Vec::new();
        let mut calls = 0;
        for (role, token, own) in &c.staff {
            let token = token.as_str();
            let before = fingerprint(&app, &c, &[]).await;
            let card = format!("/v1/employees/{own}");
            let mut attempts = Vec::new();
            // §5: editing, dismissing and faces are the admin's and the head's, even on
            // one's own card.
            if *role != Role::DepartmentHead {
                let edit = json!({"first_name": "Самозванец"});
                attempts.push(("PUT own card", app.put_json(&card, &edit, token).await));
                let dismiss = json!({"exp_date": "2025-03-04"});
                let path = format!("{card}/dismiss");
                attempts.push(("dismiss self", app.post_json(&path, &dismiss, Some(token)).await));
                let face = crate::tenancy_probe::face_body();
                let path = format!("/v1/identification/addface/{own}");
                attempts.push(("addface self", app.post_json(&path, &face, Some(token)).await));
            }
            // §4: payroll is written by admins only, one's own salary included.
            let salary = assign_body("/v1/payroll/add-salary", &c, *own);
            let reply = app.post_json("/v1/payroll/add-salary", &salary, Some(token)).await;
            attempts.push(("add-salary for self", reply));
            for (what, reply) in &attempts {
                calls += 1;
                failures.extend(unless_error(&format!("{role:?} {what}"), reply, 403, 7004));
            }
            let now = fingerprint(&app, &c, &[]).await;
            if now != before {
                failures.push(format!("{role:?} changed {}", first_change(&before, &now)));
            }
            if matches!(role, Role::Observer | Role::Employee) {
                // §5: deciding is for admins, heads and managers, one's own request too.
                let id = pending_time_off(&app, &c, *own).await;
                let path = format!("/v1/employees/time-off/{id}/approve");
                let reply = app.call("POST", &path, Some(token), None).await;
                calls += 1;
                failures.extend(unless_error(&format!("{role:?} approves own"), &reply, 403, 7004));
                assert_eq!(time_off_status(&app, &c, id).await, 0);
            }
        }

        // A head hires only into their departments and grants no role (8005), moves
        // no one out of them, and gains nothing through their own card.
        let head = c.token(Role::DepartmentHead).to_string();
        let head_employee = c.staff[0].2;
        let hire = hire_body(c.defaults, "Ставленник");
        let mut outside = hire.clone();
        outside["department_id"] = json!(elsewhere);
        let reply = app.post_json("/v1/employees", &outside, Some(&head)).await;
        calls += 1;
        failures.extend(unless_error("head hires outside", &reply, 403, 7004));
        for granted in [1, 2, 3, 4] {
            let mut boss = hire.clone();
            boss["role"] = json!(granted);
            boss["username"] = json!(format!("boss{granted}@probe.uz"));
            boss["password"] = json!("boss-password");
            let reply = app.post_json("/v1/employees", &boss, Some(&head)).await;
            calls += 1;
            if reply.status != 422 || !reply.field_errors().contains(&("role".into(), 8005)) {
                failures.push(format!("head grants role {granted}: {} {}", reply.status, reply.text));
            }
        }
        let worker = new_employee(&app, &c, 900).await;
        let before_move = fingerprint(&app, &c, &[]).await;
        let moved = json!({"department_id": elsewhere});
        let reply = app.put_json(&format!("/v1/employees/{worker}"), &moved, &head).await;
        calls += 1;
        failures.extend(unless_error("head moves a worker out", &reply, 403, 7004));
        let now = fingerprint(&app, &c, &[]).await;
        if now != before_move {
            failures.push(format!("head's refused calls changed {}", first_change(&before_move, &now)));
        }
        // PUT ignores `role` and `department_ids` (update.rs); the head's powers stay.
        let more = json!({"role": 1, "department_ids": [elsewhere]});
        let reply = app.put_json(&format!("/v1/employees/{head_employee}"), &more, &head).await;
        calls += 1;
        assert!(reply.status < 500, "{}", reply.text);
        assert_eq!(role_of(&app, head_employee).await, Role::DepartmentHead.id());
        let overseen = scalar(
            &app.store,
            "SELECT count(*) FROM user_departments ud JOIN users u ON u.id = ud.user_id WHERE u.employee_id = $1",
            &[head_employee],
        )
        .await;
        assert_eq!(overseen, 1, "the head's departments changed");
        let users = scalar(&app.store, "SELECT count(*) FROM users", &[]).await;
        assert_eq!(users, 5, "a login user was created");
        eprintln!("role probe ({:?}): {calls} escalation attempts", app.backend);
        assert!(failures.is_empty(), "role probe: {failures:#?}");
    })
    .await;
}
