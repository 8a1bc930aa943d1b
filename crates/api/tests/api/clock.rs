//! `POST /v1/times/clockin` and `/clockout` (SEMANTICS.md §12): the answer's shape, the
//! stored events, the location, time, geofence and address rules, manual events for
//! others with their activity rows, roles and scopes, tenancy and form bodies.

use davomat_api::ApiConfig;
use davomat_core::{CompanyStatus, Lang, Role};
use davomat_store::clock_events::{self, StoredEvent};
use davomat_store::companies::{self, CreatedCompany};
use davomat_store::testing::{execute, scalar};
use serde_json::{Value, json};

use crate::support::{Reply, START, TestApp, each_backend, each_backend_with, test_config};

/// 2025-03-04 09:00:00 local, the harness's now, as the API writes it.
const NOW: &str = "2025-03-04 09:00:00";

/// The harness company's own location (linked to the admin and to every `add_user`).
async fn main_office(app: &TestApp, token: &str) -> i64 {
    let list = app.get("/v1/locations", Some(token)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    list.body["items"][0]["id"].as_i64().expect("location id")
}

/// The Location object as `GET /v1/locations/{id}` answers it now.
async fn location_object(app: &TestApp, token: &str, id: i64) -> Value {
    let reply = app.get(&format!("/v1/locations/{id}"), Some(token)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

/// Creates a location as the admin; answers its id.
async fn create_location(app: &TestApp, admin: &str, body: Value) -> i64 {
    let reply = app.post_json("/v1/locations", &body, Some(admin)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["id"].as_i64().expect("location id")
}

/// Links an employee to a location.
async fn link(app: &TestApp, employee: i64, location: i64) {
    execute(
        &app.store,
        "INSERT INTO employee_locations (employee_id, location_id) VALUES ($1, $2)",
        &[employee, location],
    )
    .await;
}

/// Every stored event of an employee, in time order.
async fn events_of(app: &TestApp, employee: i64) -> Vec<StoredEvent> {
    clock_events::of_employees(
        app.store.connection(),
        app.company.company_id,
        &[employee],
        0,
        i64::MAX,
    )
    .await
    .expect("events")
}

/// How many events the company holds.
async fn event_count(app: &TestApp) -> i64 {
    scalar(
        &app.store,
        "SELECT count(*) FROM clock_events WHERE company_id = $1",
        &[app.company.company_id.0],
    )
    .await
}

/// How many events match a condition on the `clock_events` row `c` (with `$1` the event id).
async fn event_matches(app: &TestApp, event: i64, condition: &str) -> bool {
    scalar(
        &app.store,
        &format!("SELECT count(*) FROM clock_events c WHERE c.id = $1 AND {condition}"),
        &[event],
    )
    .await
        == 1
}

/// The unix second of a local Tashkent time (UTC+5, no DST), `YYYY-MM-DD HH:MM:SS`.
fn local(text: &str) -> i64 {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .expect("a local time")
        .and_utc()
        .timestamp()
        - 5 * 3600
}

async fn clock(app: &TestApp, kind: &str, token: &str, body: Value) -> Reply {
    app.post_json(&format!("/v1/times/clock{kind}"), &body, Some(token))
        .await
}

/// The activity rows of one action, newest first.
async fn activities(app: &TestApp, token: &str, action: &str) -> Vec<Value> {
    let reply = app
        .get(
            &format!(
                "/v1/user-activities?action_name={action}&start_date=2025-01-01&end_date=2025-12-31"
            ),
            Some(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["items"].as_array().expect("items").clone()
}

/// The number of rows in the whole activity log.
async fn log_size(app: &TestApp) -> i64 {
    scalar(
        &app.store,
        "SELECT count(*) FROM activity_log WHERE company_id = $1",
        &[app.company.company_id.0],
    )
    .await
}

/// A second company; answers it and its location's id.
async fn other_company(app: &TestApp) -> (CreatedCompany, i64) {
    let other = app.second_company("other-admin@test.uz", Lang::Ru).await;
    let location = scalar(
        &app.store,
        "SELECT id FROM locations WHERE company_id = $1",
        &[other.company_id.0],
    )
    .await;
    (other, location)
}

/// Moves an employee into a new top department (outside every head's scope).
async fn move_elsewhere(app: &TestApp, employee: i64) {
    execute(
        &app.store,
        "INSERT INTO departments (company_id, pid, title, created_at) VALUES ($1, NULL, 'Elsewhere', 0)",
        &[app.company.company_id.0],
    )
    .await;
    let elsewhere = scalar(
        &app.store,
        "SELECT max(id) FROM departments WHERE company_id = $1",
        &[app.company.company_id.0],
    )
    .await;
    execute(
        &app.store,
        "UPDATE employees SET department_id = $1 WHERE id = $2",
        &[elsewhere, employee],
    )
    .await;
}

#[tokio::test]
async fn self_clock_in_and_out_answer_the_event_time_and_the_location() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, token) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let office = main_office(&app, &admin).await;
        let log_before = log_size(&app).await;

        let reply = clock(&app, "in", &token, json!({"location_id": office})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let location = location_object(&app, &admin, office).await;
        assert_eq!(location["id"], office);
        assert_eq!(reply.body, json!({"event_time": NOW, "location": location}));

        app.clock.advance(9 * 3600);
        let reply = clock(
            &app,
            "out",
            &token,
            json!({"location_id": office.to_string(), "event_time": "2025-03-04 17:58:30", "ip": "192.168.5.101"}),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(
            reply.body,
            json!({"event_time": "2025-03-04 17:58:30", "location": location})
        );

        let stored = events_of(&app, worker).await;
        assert_eq!(stored.len(), 2, "{stored:?}");
        assert_eq!(
            (stored[0].kind.0.name(), stored[0].at, stored[0].location_id.map(|l| l.0), stored[0].mode.0.as_str()),
            ("in", START, Some(office), "auto")
        );
        assert_eq!(
            (stored[1].kind.0.name(), stored[1].at, stored[1].location_id.map(|l| l.0), stored[1].mode.0.as_str()),
            ("out", local("2025-03-04 17:58:30"), Some(office), "auto")
        );
        // The peer's address is recorded when the body names none; the body's as sent.
        assert!(event_matches(&app, stored[0].id.0, "c.ip = '127.0.0.1' AND c.device_id IS NULL").await);
        assert!(event_matches(&app, stored[1].id.0, "c.ip = '192.168.5.101'").await);
        // Self clock-ins are not logged: the events are the record.
        assert_eq!(log_size(&app).await, log_before);
        assert!(activities(&app, &admin, "clockInManual").await.is_empty());

        // An admin clocks themself the same way (their own id is not "another employee").
        let own = app.company.admin_employee_id.0;
        let reply = clock(&app, "in", &admin, json!({"location_id": office, "employee_id": own})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let mine = events_of(&app, own).await;
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].mode.0.as_str(), "auto");
        assert_eq!(log_size(&app).await, log_before);

        // No token, no event.
        app.post_json("/v1/times/clockin", &json!({"location_id": office}), None)
            .await
            .assert_error(401, 7007);
        // An expired company clocks nobody.
        companies::set_status(&app.store, app.company.company_id, CompanyStatus::Expired)
            .await
            .expect("expire");
        clock(&app, "in", &token, json!({"location_id": office}))
            .await
            .assert_error(402, 7004);
        assert_eq!(event_count(&app).await, 3);
    })
    .await;
}

#[tokio::test]
async fn the_location_is_required_and_must_be_one_of_the_employees() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, token) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let (_, theirs) = other_company(&app).await;
        let annex = create_location(&app, &admin, json!({"title": "Annex"})).await;
        for kind in ["in", "out"] {
            let missing = clock(&app, kind, &token, json!({})).await;
            missing.assert_error(422, 8001);
            assert_eq!(
                missing.field_errors(),
                vec![("location_id".to_string(), 8002)]
            );
            let empty = clock(&app, kind, &token, json!({"location_id": ""})).await;
            assert_eq!(
                empty.field_errors(),
                vec![("location_id".to_string(), 8002)]
            );
            let shape = clock(&app, kind, &token, json!({"location_id": "first"})).await;
            assert_eq!(
                shape.field_errors(),
                vec![("location_id".to_string(), 8003)]
            );
            for unknown in [theirs, 999_999] {
                let reply = clock(&app, kind, &token, json!({"location_id": unknown})).await;
                reply.assert_error(422, 8001);
                assert_eq!(
                    reply.field_errors(),
                    vec![("location_id".to_string(), 8004)]
                );
            }
            // A location of the company that is not one of the employee's.
            let reply = clock(&app, kind, &token, json!({"location_id": annex})).await;
            reply.assert_error(422, 8001);
            assert_eq!(
                reply.field_errors(),
                vec![("location_id".to_string(), 8003)]
            );
            // Not theirs for an admin entering it either.
            let manual = clock(
                &app,
                kind,
                &admin,
                json!({"location_id": annex, "employee_id": worker}),
            )
            .await;
            assert_eq!(
                manual.field_errors(),
                vec![("location_id".to_string(), 8003)]
            );
        }
        // Every failing field at once.
        let reply = clock(&app, "in", &token, json!({"event_time": "soon"})).await;
        let fields = reply.sorted_field_errors();
        assert_eq!(
            fields,
            vec![
                ("event_time".to_string(), 8009),
                ("location_id".to_string(), 8002)
            ]
        );
        assert_eq!(event_count(&app).await, 0);
        // Linked, it works.
        link(&app, worker, annex).await;
        let reply = clock(&app, "in", &token, json!({"location_id": annex})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["location"]["title"], "Annex");
        assert_eq!(
            events_of(&app, worker).await[0].location_id.map(|l| l.0),
            Some(annex)
        );
    })
    .await;
}

#[tokio::test]
async fn event_times_are_at_most_five_minutes_ahead_and_self_at_most_72_hours_back() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, token) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let office = main_office(&app, &admin).await;
        let at = |time: &str| json!({"location_id": office, "event_time": time});
        let refused = |reply: Reply, field: &str, code: i64| {
            reply.assert_error(422, 8001);
            assert_eq!(
                reply.field_errors(),
                vec![(field.to_string(), code)],
                "{}",
                reply.text
            );
        };

        // Ahead: five minutes is the limit, for everyone.
        refused(
            clock(&app, "in", &token, at("2025-03-04 09:05:01")).await,
            "event_time",
            8003,
        );
        refused(
            clock(&app, "out", &token, at("2025-03-05 09:00:00")).await,
            "event_time",
            8003,
        );
        let mut manual = at("2025-03-04 09:06:00");
        manual["employee_id"] = json!(worker);
        refused(clock(&app, "in", &admin, manual).await, "event_time", 8003);
        let reply = clock(&app, "in", &token, at("2025-03-04 09:05:00")).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["event_time"], "2025-03-04 09:05:00");

        // Back: 72 hours when clocking yourself.
        refused(
            clock(&app, "in", &token, at("2025-03-01 08:59:59")).await,
            "event_time",
            8003,
        );
        refused(
            clock(&app, "out", &token, at("2024-12-31 18:00:00")).await,
            "event_time",
            8003,
        );
        let reply = clock(&app, "out", &token, at("2025-03-01 09:00:00")).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["event_time"], "2025-03-01 09:00:00");

        // An admin may enter any past time for another employee.
        for time in ["2025-03-01 08:59:59", "2024-12-31 18:00:00"] {
            let mut body = at(time);
            body["employee_id"] = json!(worker);
            let reply = clock(&app, "in", &admin, body).await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            assert_eq!(reply.body["event_time"], time);
        }
        // ...but not for themself.
        let mut own = at("2025-03-01 08:00:00");
        own["employee_id"] = json!(app.company.admin_employee_id.0);
        refused(clock(&app, "in", &admin, own).await, "event_time", 8003);

        // Unreadable times.
        for bad in [
            "04.03.2025 09:00:00",
            "2025-03-04",
            "2025-02-30 10:00:00",
            "2025-03-04 25:00:00",
            "now",
        ] {
            refused(clock(&app, "in", &token, at(bad)).await, "event_time", 8009);
        }
        // An empty time is "now".
        let reply = clock(&app, "in", &token, at("")).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["event_time"], NOW);

        let stored: Vec<(String, i64, String)> = events_of(&app, worker)
            .await
            .into_iter()
            .map(|e| {
                (
                    e.kind.0.name().to_string(),
                    e.at,
                    e.mode.0.as_str().to_string(),
                )
            })
            .collect();
        assert_eq!(
            stored,
            vec![
                (
                    "in".to_string(),
                    local("2024-12-31 18:00:00"),
                    "manual".to_string()
                ),
                (
                    "in".to_string(),
                    local("2025-03-01 08:59:59"),
                    "manual".to_string()
                ),
                (
                    "out".to_string(),
                    local("2025-03-01 09:00:00"),
                    "auto".to_string()
                ),
                ("in".to_string(), START, "auto".to_string()),
                (
                    "in".to_string(),
                    local("2025-03-04 09:05:00"),
                    "auto".to_string()
                ),
            ]
        );
        assert_eq!(event_count(&app).await, 5);
    })
    .await;
}

#[tokio::test]
async fn a_point_outside_the_locations_radius_is_refused_on_latitude() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, token) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let fenced = create_location(
            &app,
            &admin,
            json!({"title": "Fenced", "latitude": "41.29373705615318", "longitude": "69.24595508650816", "radius": 300}),
        )
        .await;
        link(&app, worker, fenced).await;
        let body = |lat: Value, lon: Value| json!({"location_id": fenced, "latitude": lat, "longitude": lon});

        // Some 3 km away.
        let outside = clock(&app, "in", &token, body(json!("41.3111"), json!("69.2797"))).await;
        outside.assert_error(422, 8001);
        assert_eq!(outside.field_errors(), vec![("latitude".to_string(), 8003)]);
        // Outside for an admin's manual event too.
        let mut manual = body(json!(41.3111), json!(69.2797));
        manual["employee_id"] = json!(worker);
        let reply = clock(&app, "out", &admin, manual).await;
        assert_eq!(reply.field_errors(), vec![("latitude".to_string(), 8003)]);
        // Unreadable coordinates.
        let reply = clock(&app, "in", &token, body(json!("north"), json!("69.2459"))).await;
        assert_eq!(reply.field_errors(), vec![("latitude".to_string(), 8003)]);
        assert_eq!(event_count(&app).await, 0);

        // About 120 m north of the centre, as a string and as numbers (the reference
        // sends numbers).
        let inside = clock(&app, "in", &token, body(json!("41.2948"), json!("69.24595508650816"))).await;
        assert_eq!(inside.status, 200, "{}", inside.text);
        assert_eq!(inside.body["location"]["radius"], 300);
        let inside = clock(&app, "out", &token, body(json!(41.2938726905277), json!(69.2459))).await;
        assert_eq!(inside.status, 200, "{}", inside.text);
        let stored = events_of(&app, worker).await;
        assert_eq!(stored.len(), 2);
        assert!(event_matches(&app, stored[0].id.0, "c.latitude = '41.2948' AND c.longitude = '69.24595508650816'").await);

        // A location without coordinates has no fence.
        let office = main_office(&app, &admin).await;
        let reply = clock(&app, "in", &token, json!({"location_id": office, "latitude": "0", "longitude": "0"})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    })
    .await;
}

#[tokio::test]
async fn a_locations_address_binds_self_clock_ins_to_it() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, token) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let elsewhere = create_location(
            &app,
            &admin,
            json!({"title": "Branch", "ipv4": "10.20.30.40"}),
        )
        .await;
        let here =
            create_location(&app, &admin, json!({"title": "Here", "ipv4": "127.0.0.1"})).await;
        link(&app, worker, elsewhere).await;
        link(&app, worker, here).await;

        for kind in ["in", "out"] {
            let reply = clock(&app, kind, &token, json!({"location_id": elsewhere})).await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.field_errors(), vec![("ip".to_string(), 8003)]);
        }
        // The body's ip is recorded, never trusted; nor is X-Forwarded-For from a peer
        // that is not a trusted proxy.
        let reply = clock(
            &app,
            "in",
            &token,
            json!({"location_id": elsewhere, "ip": "10.20.30.40"}),
        )
        .await;
        assert_eq!(reply.field_errors(), vec![("ip".to_string(), 8003)]);
        let forwarded = app
            .send(
                app.http
                    .post(app.url("/v1/times/clockin"))
                    .bearer_auth(&token)
                    .header("x-forwarded-for", "10.20.30.40")
                    .json(&json!({"location_id": elsewhere})),
            )
            .await;
        assert_eq!(forwarded.field_errors(), vec![("ip".to_string(), 8003)]);
        assert_eq!(event_count(&app).await, 0);

        // The tests connect from 127.0.0.1.
        let reply = clock(&app, "in", &token, json!({"location_id": here})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["location"]["ipv4"], "127.0.0.1");
        // The rule is for employees clocking themselves: an admin's manual event passes.
        let reply = clock(
            &app,
            "out",
            &admin,
            json!({"location_id": elsewhere, "employee_id": worker}),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let stored = events_of(&app, worker).await;
        assert_eq!(
            stored
                .iter()
                .map(|e| (e.location_id.map(|l| l.0), e.mode.0.as_str()))
                .collect::<Vec<_>>(),
            vec![(Some(here), "auto"), (Some(elsewhere), "manual")]
        );
    })
    .await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_clients() {
    let config = || ApiConfig {
        trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
        ..test_config()
    };
    each_backend_with(config, |app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, token) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let branch = create_location(
            &app,
            &admin,
            json!({"title": "Branch", "ipv4": "10.20.30.40"}),
        )
        .await;
        link(&app, worker, branch).await;
        let send = |forwarded: &'static str| {
            app.send(
                app.http
                    .post(app.url("/v1/times/clockin"))
                    .bearer_auth(&token)
                    .header("x-forwarded-for", forwarded)
                    .json(&json!({"location_id": branch})),
            )
        };
        let reply = send("10.20.30.40").await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let reply = send("10.20.30.41").await;
        assert_eq!(reply.field_errors(), vec![("ip".to_string(), 8003)]);
        let stored = events_of(&app, worker).await;
        assert_eq!(stored.len(), 1);
        assert!(event_matches(&app, stored[0].id.0, "c.ip = '10.20.30.40'").await);
    })
    .await;
}

#[tokio::test]
async fn an_admin_enters_events_for_others_as_manual_and_logged() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, token) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let office = main_office(&app, &admin).await;

        let reply = clock(
            &app,
            "in",
            &admin,
            json!({"employee_id": worker, "location_id": office, "event_time": "2025-03-03 09:10:00"}),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["event_time"], "2025-03-03 09:10:00");
        assert_eq!(reply.body["location"], location_object(&app, &admin, office).await);
        let reply = clock(&app, "out", &admin, json!({"employee_id": worker.to_string(), "location_id": office})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["event_time"], NOW);

        let stored = events_of(&app, worker).await;
        assert_eq!(stored.len(), 2);
        assert_eq!(
            stored.iter().map(|e| (e.kind.0.name(), e.at, e.mode.0.as_str())).collect::<Vec<_>>(),
            vec![("in", local("2025-03-03 09:10:00"), "manual"), ("out", START, "manual")]
        );
        let admin_user = app.company.admin_user_id.0;
        assert!(event_matches(&app, stored[0].id.0, &format!("c.created_by = {admin_user}")).await);
        assert!(events_of(&app, app.company.admin_employee_id.0).await.is_empty());

        let rows = activities(&app, &admin, "clockInManual").await;
        assert_eq!(rows.len(), 2, "{rows:?}");
        let (out_row, in_row) = (&rows[0], &rows[1]);
        assert_eq!(in_row["person_id"], worker);
        assert_eq!(in_row["object_id"], stored[0].id.0);
        assert_eq!(in_row["assigned"], "in");
        assert_eq!(
            in_row["user"],
            json!({"id": admin_user, "full_name": "Администратор"})
        );
        assert_eq!(
            in_row["message"],
            "Администратор добавил(а) приход сотрудника Тестов Рабочий: 2025-03-03 09:10:00"
        );
        assert_eq!(in_row["created_at"], NOW);
        assert_eq!(out_row["person_id"], worker);
        assert_eq!(out_row["object_id"], stored[1].id.0);
        assert_eq!(out_row["assigned"], "out");
        assert_eq!(
            out_row["message"],
            "Администратор добавил(а) уход сотрудника Тестов Рабочий: 2025-03-04 09:00:00"
        );

        // The worker's own clock-in writes no activity row.
        let before = log_size(&app).await;
        assert_eq!(clock(&app, "in", &token, json!({"location_id": office})).await.status, 200);
        assert_eq!(log_size(&app).await, before);
        assert_eq!(activities(&app, &admin, "clockInManual").await.len(), 2);
        assert_eq!(events_of(&app, worker).await.len(), 3);
    })
    .await;
}

#[tokio::test]
async fn heads_and_managers_enter_events_in_their_scope_only() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let (worker, _) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let (outsider, _) = app.add_user("out@t.uz", Role::Employee, "Чужой").await;
        move_elsewhere(&app, outsider).await;
        let (_, head) = app
            .add_user("head@t.uz", Role::DepartmentHead, "Руководитель")
            .await;
        let (_, manager) = app
            .add_user("manager@t.uz", Role::DepartmentManager, "Менеджер")
            .await;
        let (_, observer) = app
            .add_user("observer@t.uz", Role::Observer, "Наблюдатель")
            .await;
        let (_, staff) = app
            .add_user("staff@t.uz", Role::Employee, "Сотрудник")
            .await;

        for (token, kind) in [(&head, "in"), (&manager, "out")] {
            let reply = clock(
                &app,
                kind,
                token,
                json!({"employee_id": worker, "location_id": office}),
            )
            .await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            clock(
                &app,
                kind,
                token,
                json!({"employee_id": outsider, "location_id": office}),
            )
            .await
            .assert_error(403, 7004);
        }
        for token in [&observer, &staff] {
            for employee in [worker, outsider] {
                clock(
                    &app,
                    "in",
                    token,
                    json!({"employee_id": employee, "location_id": office}),
                )
                .await
                .assert_error(403, 7004);
            }
            // They clock themselves.
            assert_eq!(
                clock(&app, "in", token, json!({"location_id": office}))
                    .await
                    .status,
                200
            );
        }
        let stored = events_of(&app, worker).await;
        assert_eq!(
            stored
                .iter()
                .map(|e| (e.kind.0.name(), e.mode.0.as_str()))
                .collect::<Vec<_>>(),
            vec![("in", "manual"), ("out", "manual")]
        );
        assert!(events_of(&app, outsider).await.is_empty());
        assert_eq!(event_count(&app).await, 4);
        let rows = activities(&app, &admin, "clockInManual").await;
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r["person_id"] == worker));
        assert_eq!(
            rows[0]["message"]
                .as_str()
                .map(|m| m.starts_with("Тестов Менеджер добавил(а) уход")),
            Some(true),
            "{}",
            rows[0]
        );
        // The admin reaches the outsider.
        let reply = clock(
            &app,
            "in",
            &admin,
            json!({"employee_id": outsider, "location_id": office}),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    })
    .await;
}

#[tokio::test]
async fn unknown_and_foreign_employees_are_8004() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let (other, theirs) = other_company(&app).await;
        for employee in [json!(999_999), json!(other.admin_employee_id.0)] {
            let reply = clock(
                &app,
                "in",
                &admin,
                json!({"employee_id": employee, "location_id": office}),
            )
            .await;
            reply.assert_error(422, 8001);
            assert_eq!(
                reply.field_errors(),
                vec![("employee_id".to_string(), 8004)]
            );
        }
        let reply = clock(
            &app,
            "out",
            &admin,
            json!({"employee_id": "someone", "location_id": office}),
        )
        .await;
        assert_eq!(
            reply.field_errors(),
            vec![("employee_id".to_string(), 8003)]
        );
        let reply = clock(
            &app,
            "in",
            &admin,
            json!({"employee_id": 999_999, "location_id": theirs}),
        )
        .await;
        assert_eq!(reply.status, 422, "{}", reply.text);
        assert!(
            reply
                .field_errors()
                .contains(&("employee_id".to_string(), 8004))
        );
        assert_eq!(event_count(&app).await, 0);
        let foreign = scalar(&app.store, "SELECT count(*) FROM clock_events", &[]).await;
        assert_eq!(foreign, 0, "nothing stored in the other company either");
    })
    .await;
}

#[tokio::test]
async fn every_failing_field_is_reported_at_once_even_with_an_unknown_employee() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (other, theirs) = other_company(&app).await;
        let sorted = |reply: Reply| {
            reply.assert_error(422, 8001);
            reply.sorted_field_errors()
        };
        let reply = clock(&app, "in", &admin, json!({"employee_id": 999_999})).await;
        assert_eq!(
            sorted(reply),
            vec![("employee_id".to_string(), 8004), ("location_id".to_string(), 8002)]
        );
        let reply = clock(
            &app,
            "in",
            &admin,
            json!({"employee_id": other.admin_employee_id.0, "location_id": theirs, "event_time": "soon"}),
        )
        .await;
        assert_eq!(
            sorted(reply),
            vec![
                ("employee_id".to_string(), 8004),
                ("event_time".to_string(), 8009),
                ("location_id".to_string(), 8004)
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_role_without_manual_rights_is_refused_whatever_employee_id_it_names() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let (other, _) = other_company(&app).await;
        let (_, observer) = app
            .add_user("observer@t.uz", Role::Observer, "Наблюдатель")
            .await;
        let (_, staff) = app
            .add_user("staff@t.uz", Role::Employee, "Сотрудник")
            .await;
        for token in [&observer, &staff] {
            for employee in [
                999_999,
                other.admin_employee_id.0,
                app.company.admin_employee_id.0,
            ] {
                clock(
                    &app,
                    "in",
                    token,
                    json!({"employee_id": employee, "location_id": office}),
                )
                .await
                .assert_error(403, 7004);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn form_bodies_work_as_json_does() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, token) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let office = main_office(&app, &admin).await;
        let fenced = create_location(
            &app,
            &admin,
            json!({"title": "Fenced", "latitude": "41.29373705615318", "longitude": "69.24595508650816", "radius": 300}),
        )
        .await;
        link(&app, worker, fenced).await;

        let reply = app.form("POST", "/v1/times/clockin",
            &token,
            &format!("location_id={fenced}&event_time=2025-03-04+08:55:00&latitude=41.2938&longitude=69.2459&ip=192.168.5.101"),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["event_time"], "2025-03-04 08:55:00");
        assert_eq!(reply.body["location"], location_object(&app, &admin, fenced).await);
        let outside = app.form("POST", "/v1/times/clockout",
            &token,
            &format!("location_id={fenced}&latitude=41.3111&longitude=69.2797"),
        )
        .await;
        assert_eq!(outside.field_errors(), vec![("latitude".to_string(), 8003)]);
        let missing = app.form("POST", "/v1/times/clockout", &token, "event_time=2025-03-04%2008:58:00").await;
        assert_eq!(missing.field_errors(), vec![("location_id".to_string(), 8002)]);
        let unreadable = app.form("POST", "/v1/times/clockout", &token, &format!("location_id={office}&event_time=yesterday")).await;
        assert_eq!(unreadable.field_errors(), vec![("event_time".to_string(), 8009)]);
        let reply = app.form("POST", "/v1/times/clockout",
            &admin,
            &format!("employee_id={worker}&location_id={office}&event_time=2025-03-02%2018:00:00"),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["event_time"], "2025-03-02 18:00:00");

        let stored = events_of(&app, worker).await;
        assert_eq!(
            stored.iter().map(|e| (e.kind.0.name(), e.at, e.location_id.map(|l| l.0), e.mode.0.as_str())).collect::<Vec<_>>(),
            vec![
                ("out", local("2025-03-02 18:00:00"), Some(office), "manual"),
                ("in", local("2025-03-04 08:55:00"), Some(fenced), "auto"),
            ]
        );
        assert!(event_matches(&app, stored[1].id.0, "c.ip = '192.168.5.101' AND c.latitude = '41.2938'").await);
        assert_eq!(activities(&app, &admin, "clockInManual").await.len(), 1);
    })
    .await;
}

/// Voids an event as `token`.
async fn void(app: &TestApp, token: &str, event: i64, body: Value) -> Reply {
    app.post_json(&format!("/v1/times/{event}/void"), &body, Some(token))
        .await
}

#[tokio::test]
async fn a_wrong_event_is_voided_kept_and_logged_by_those_who_may_correct() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let (worker, staff) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let (outsider, _) = app.add_user("out@t.uz", Role::Employee, "Чужой").await;
        move_elsewhere(&app, outsider).await;
        let (_, head) = app
            .add_user("head@t.uz", Role::DepartmentHead, "Руководитель")
            .await;
        let (_, observer) = app
            .add_user("observer@t.uz", Role::Observer, "Наблюдатель")
            .await;
        for (employee, time) in [(worker, "2025-03-03 09:40:00"), (outsider, "2025-03-03 09:41:00")] {
            let body = json!({"employee_id": employee, "location_id": office, "event_time": time});
            assert_eq!(clock(&app, "in", &admin, body).await.status, 200);
        }
        let wrong = events_of(&app, worker).await[0].id.0;
        let outsiders = events_of(&app, outsider).await[0].id.0;
        let stored = event_count(&app).await;
        let reason = json!({"reason": "  Двойное считывание  "});

        // Who may not: 403 before anything else, even for an id that does not exist.
        for token in [&staff, &observer] {
            void(&app, token, wrong, reason.clone()).await.assert_error(403, 7004);
            void(&app, token, 999_999, json!({})).await.assert_error(403, 7004);
        }
        void(&app, &head, outsiders, reason.clone()).await.assert_error(403, 7004);
        // Not the company's event: 404, before the body is read.
        void(&app, &admin, 999_999, reason.clone()).await.assert_error(404, 3000);
        let (other, other_office) = other_company(&app).await;
        let stranger = scalar(
            &app.store,
            "SELECT employee_id FROM users WHERE company_id = $1",
            &[other.company_id.0],
        )
        .await;
        execute(
            &app.store,
            "INSERT INTO clock_events (company_id, employee_id, kind, at, location_id, mode, created_at) \
             VALUES ($1, $2, 'in', 0, $3, 'manual', 0)",
            &[other.company_id.0, stranger, other_office],
        )
        .await;
        let foreign = scalar(&app.store, "SELECT max(id) FROM clock_events", &[]).await;
        void(&app, &admin, foreign, reason.clone()).await.assert_error(404, 3000);
        // A reason is required, and bounded.
        let reply = void(&app, &head, wrong, json!({"reason": "   "})).await;
        reply.assert_error(422, 8001);
        assert_eq!(reply.body["errors"][0]["field"], "reason");
        assert_eq!(reply.body["errors"][0]["code"], 8002);
        let reply = void(&app, &head, wrong, json!({"reason": "x".repeat(501)})).await;
        reply.assert_error(422, 8001);
        assert_eq!(reply.body["errors"][0]["code"], 8003);
        assert!(event_matches(&app, wrong, "c.voided_at IS NULL").await);
        assert!(activities(&app, &admin, "voidedClockEvent").await.is_empty());

        // The head voids their worker's event: kept, marked, logged.
        let reply = void(&app, &head, wrong, reason.clone()).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(
            reply.body,
            json!({
                "id": wrong, "employee_id": worker, "event_name": "in",
                "event_time": "2025-03-03 09:40:00", "voided_at": NOW,
                "reason": "Двойное считывание",
            })
        );
        assert_eq!(event_count(&app).await, stored, "kept");
        assert!(event_matches(&app, wrong, &format!("c.voided_at = {START} AND c.void_reason = 'Двойное считывание'")).await);
        assert!(events_of(&app, worker).await.is_empty(), "the engine no longer reads it");
        let rows = activities(&app, &admin, "voidedClockEvent").await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0]["person_id"], worker);
        assert_eq!(rows[0]["object_id"], wrong);
        assert_eq!(rows[0]["assigned"], "in");
        assert_eq!(
            rows[0]["message"],
            "Тестов Руководитель аннулировал(а) приход сотрудника Тестов Рабочий: 2025-03-03 09:40:00 (причина: Двойное считывание)"
        );
        // Once is enough: a second void does not apply, and logs nothing.
        void(&app, &admin, wrong, reason.clone()).await.assert_error(400, 4001);
        assert_eq!(activities(&app, &admin, "voidedClockEvent").await.len(), 1);
        // The admin reaches everyone; a form body works as JSON does.
        let reply = app
            .form("POST", &format!("/v1/times/{outsiders}/void"), &admin, "reason=Wrong+read")
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert!(events_of(&app, outsider).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_event_added_for_another_employee_carries_its_reason_into_the_log() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let (worker, token) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let missed = json!({"employee_id": worker, "location_id": office,
                            "event_time": "2025-03-03 08:55:00",
                            "reason": " Терминал не считал лицо "});
        let reply = clock(&app, "in", &admin, missed).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let rows = activities(&app, &admin, "clockInManual").await;
        assert_eq!(
            rows[0]["message"],
            "Администратор добавил(а) приход сотрудника Тестов Рабочий: 2025-03-03 08:55:00 (причина: Терминал не считал лицо)"
        );
        let long = json!({"employee_id": worker, "location_id": office, "reason": "x".repeat(501)});
        let reply = clock(&app, "out", &admin, long).await;
        assert_eq!(reply.field_errors(), vec![("reason".to_string(), 8003)]);
        assert_eq!(events_of(&app, worker).await.len(), 1, "nothing half-written");
        // Clocking oneself takes no reason: ignored, as the event is its own record.
        let own = json!({"location_id": office, "reason": "x".repeat(501)});
        assert_eq!(clock(&app, "in", &token, own).await.status, 200);
    })
    .await;
}
