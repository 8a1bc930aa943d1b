//! `POST /v1/device/events` (CONTRACT.md §5): the device token, batches stored once
//! however often they are sent, events checked one by one, the batch's own limits,
//! uids per device, the device's location and its last request time.

use davomat_core::{CompanyStatus, Lang, Role};
use davomat_store::clock_events;
use davomat_store::companies::{self, CreatedCompany};
use davomat_store::testing::scalar;
use serde_json::{Value, json};

use crate::support::{Reply, START, TestApp, each_backend};

const PATH: &str = "/v1/device/events";

/// Registers a device as the admin; answers (device id, device token).
async fn device(app: &TestApp, admin: &str, serial: &str, location: Option<i64>) -> (i64, String) {
    let mut body = json!({"serial_number": serial});
    if let Some(location) = location {
        body["location_id"] = json!(location);
    }
    let reply = app.post_json("/v1/devices", &body, Some(admin)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    (
        reply.body["id"].as_i64().expect("device id"),
        reply.body["token"]
            .as_str()
            .expect("device token")
            .to_string(),
    )
}

/// The harness company's own location.
async fn main_office(app: &TestApp, token: &str) -> i64 {
    let list = app.get("/v1/locations", Some(token)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    list.body["items"][0]["id"].as_i64().expect("location id")
}

/// An employee's PIN code, as the API shows it.
async fn pin_of(app: &TestApp, admin: &str, employee: i64) -> String {
    let reply = app
        .get(&format!("/v1/employees/{employee}"), Some(admin))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["data"]["pin_code"]
        .as_str()
        .expect("pin_code")
        .to_string()
}

async fn send(app: &TestApp, token: &str, events: Value) -> Reply {
    app.post_json(PATH, &json!({ "events": events }), Some(token))
        .await
}

/// Sends a batch that must be answered 200; answers (accepted, duplicates, rejected).
async fn batch(app: &TestApp, token: &str, events: Value) -> (i64, i64, Vec<Value>) {
    let reply = send(app, token, events).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let keys: Vec<&String> = reply.body.as_object().expect("object").keys().collect();
    assert_eq!(keys.len(), 3, "{}", reply.text);
    (
        reply.body["accepted"].as_i64().expect("accepted"),
        reply.body["duplicates"].as_i64().expect("duplicates"),
        reply.body["rejected"].as_array().expect("rejected").clone(),
    )
}

/// The stored events of a device.
async fn count_of_device(app: &TestApp, device: i64) -> i64 {
    scalar(
        &app.store,
        "SELECT count(*) FROM clock_events WHERE device_id = $1",
        &[device],
    )
    .await
}

/// How many events the store holds, in every company.
async fn count_all(app: &TestApp) -> i64 {
    scalar(&app.store, "SELECT count(*) FROM clock_events", &[]).await
}

/// The rows of a device's event with this uid.
async fn rows_with_uid(app: &TestApp, device: i64, uid: &str) -> i64 {
    scalar(
        &app.store,
        &format!("SELECT count(*) FROM clock_events WHERE device_id = $1 AND device_uid = '{uid}'"),
        &[device],
    )
    .await
}

/// The location of a device's event with this uid (0 when none).
async fn location_of(app: &TestApp, device: i64, uid: &str) -> i64 {
    scalar(
        &app.store,
        &format!("SELECT coalesce(location_id, 0) FROM clock_events WHERE device_id = $1 AND device_uid = '{uid}'"),
        &[device],
    )
    .await
}

/// A device's `last_request_time` as `GET /v1/devices` shows it.
async fn last_request(app: &TestApp, admin: &str, device: i64) -> Value {
    let list = app.get("/v1/devices", Some(admin)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|d| d["id"] == device)
        .expect("the device")["last_request_time"]
        .clone()
}

/// A unix second of local Tashkent time (UTC+5, no DST), `YYYY-MM-DD HH:MM:SS`.
fn local(text: &str) -> i64 {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .expect("a local time")
        .and_utc()
        .timestamp()
        - 5 * 3600
}

/// A second company with an employee and its location; answers (company, location).
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

/// The (uid, code) pairs of a `rejected` list, sorted; asserts each has a message.
fn rejections(rejected: &[Value]) -> Vec<(Value, i64)> {
    let mut pairs: Vec<(Value, i64)> = rejected
        .iter()
        .map(|r| {
            assert!(
                r["message"].as_str().is_some_and(|m| !m.is_empty()),
                "message of {r}"
            );
            assert_eq!(r.as_object().map(|o| o.len()), Some(3), "{r}");
            (r["uid"].clone(), r["code"].as_i64().expect("code"))
        })
        .collect();
    pairs.sort_by_key(|(uid, code)| (uid.to_string(), *code));
    pairs
}

#[tokio::test]
async fn the_device_api_takes_a_device_token_only() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, user_token) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let (id, token) = device(&app, &admin, "SN-1", None).await;
        let events = json!({"events": [{"uid": "e1", "employee_id": worker, "event": "in"}]});

        app.post_json(PATH, &events, None)
            .await
            .assert_error(401, 7007);
        app.post_json(PATH, &events, Some(&"0".repeat(40)))
            .await
            .assert_error(401, 7008);
        app.post_json(PATH, &events, Some("not-a-token"))
            .await
            .assert_error(401, 7008);
        // A user's access token is not a device token, nor the other way round.
        app.post_json(PATH, &events, Some(&admin))
            .await
            .assert_error(401, 7008);
        app.post_json(PATH, &events, Some(&user_token))
            .await
            .assert_error(401, 7008);
        app.get("/v1/accounts", Some(&token))
            .await
            .assert_error(401, 7008);
        let basic = app
            .send(
                app.http
                    .post(app.url(PATH))
                    .header("authorization", format!("Basic {token}"))
                    .json(&events),
            )
            .await;
        basic.assert_error(401, 7007);
        assert_eq!(count_all(&app).await, 0);

        // An expired company's devices are refused until it is active again.
        companies::set_status(&app.store, app.company.company_id, CompanyStatus::Expired)
            .await
            .expect("expire");
        app.post_json(PATH, &events, Some(&token))
            .await
            .assert_error(402, 7004);
        assert_eq!(count_all(&app).await, 0);
        companies::set_status(&app.store, app.company.company_id, CompanyStatus::Active)
            .await
            .expect("activate");
        let reply = app.post_json(PATH, &events, Some(&token)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(count_of_device(&app, id).await, 1);

        // A removed device's token stops working.
        assert_eq!(
            app.delete(&format!("/v1/devices/{id}"), &admin)
                .await
                .status,
            200
        );
        app.post_json(PATH, &events, Some(&token))
            .await
            .assert_error(401, 7008);
    })
    .await;
}

#[tokio::test]
async fn a_batch_is_stored_once_however_often_it_is_sent() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let (ali, _) = app.add_user("ali@t.uz", Role::Employee, "Али").await;
        let (vali, _) = app.add_user("vali@t.uz", Role::Employee, "Вали").await;
        let vali_pin = pin_of(&app, &admin, vali).await;
        let (id, token) = device(&app, &admin, "SN-1", Some(office)).await;
        let events = json!([
            {"uid": "a-1", "employee_id": ali, "event": "in", "event_time": "2025-03-04 08:50:00"},
            {"uid": "a-2", "employee_id": ali.to_string(), "event": "out", "event_time": "2025-03-04 08:55:10"},
            {"uid": "v-1", "pin_code": vali_pin, "event": "in", "event_time": "2025-03-03 09:01:00"},
            {"uid": "v-2", "pin_code": vali_pin, "event": "out", "event_time": "2025-03-03 18:04:00"},
            {"uid": 17, "employee_id": ali, "event": "in"}
        ]);
        let (accepted, duplicates, rejected) = batch(&app, &token, events.clone()).await;
        assert_eq!((accepted, duplicates, rejected), (5, 0, vec![]));
        assert_eq!(count_of_device(&app, id).await, 5);

        let of = |employee: i64| {
            let store = app.store.clone();
            let company = app.company.company_id;
            async move {
                clock_events::of_employees(store.connection(), company, &[employee], 0, i64::MAX)
                    .await
                    .expect("events")
                    .into_iter()
                    .map(|e| (e.kind.0.name().to_string(), e.at, e.location_id.map(|l| l.0), e.mode.0.as_str().to_string()))
                    .collect::<Vec<_>>()
            }
        };
        let row = |kind: &str, at: i64| (kind.to_string(), at, Some(office), "auto".to_string());
        assert_eq!(
            of(ali).await,
            vec![
                row("in", local("2025-03-04 08:50:00")),
                row("out", local("2025-03-04 08:55:10")),
                row("in", START),
            ]
        );
        assert_eq!(
            of(vali).await,
            vec![row("in", local("2025-03-03 09:01:00")), row("out", local("2025-03-03 18:04:00"))]
        );
        // With the device, no user, no address; the numeric uid kept as text.
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM clock_events WHERE device_id = $1 AND created_by IS NULL AND ip IS NULL AND mode = 'auto'",
                &[id]
            )
            .await,
            5
        );
        assert_eq!(rows_with_uid(&app, id, "17").await, 1);

        // The same batch again, and again later: nothing new.
        assert_eq!(batch(&app, &token, events.clone()).await, (0, 5, vec![]));
        app.clock.advance(3600);
        assert_eq!(batch(&app, &token, events.clone()).await, (0, 5, vec![]));
        assert_eq!(count_of_device(&app, id).await, 5);
        for uid in ["a-1", "a-2", "v-1", "v-2", "17"] {
            assert_eq!(rows_with_uid(&app, id, uid).await, 1, "{uid}");
        }
        // A resend with one new event, the numeric uid now sent as text.
        let (accepted, duplicates, rejected) = batch(
            &app,
            &token,
            json!([
                {"uid": "17", "employee_id": ali, "event": "in"},
                events[0].clone(),
                {"uid": "a-3", "employee_id": ali, "event": "out"}
            ]),
        )
        .await;
        assert_eq!((accepted, duplicates, rejected), (1, 2, vec![]));
        assert_eq!(count_of_device(&app, id).await, 6);
        // Device events are not logged.
        let log = app.get("/v1/user-activities?action_name=clockInManual", Some(&admin)).await;
        assert_eq!(log.body["items"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn bad_events_are_rejected_one_by_one_and_the_rest_stored() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let (ali, _) = app.add_user("ali@t.uz", Role::Employee, "Али").await;
        let ali_pin = pin_of(&app, &admin, ali).await;
        // Employees of any status are accepted (docs/decisions.md).
        let (gone, _) = app.add_user("gone@t.uz", Role::Employee, "Уволенный").await;
        davomat_store::testing::execute(
            &app.store,
            "UPDATE employees SET status = 'dismissed' WHERE id = $1",
            &[gone],
        )
        .await;
        let (other, theirs) = other_company(&app).await;
        let (id, token) = device(&app, &admin, "SN-1", None).await;
        let long_uid = "u".repeat(101);
        let events = json!([
            {"uid": "good-1", "employee_id": ali, "event": "in", "event_time": "2025-03-04 08:00:00"},
            {"uid": "good-2", "pin_code": ali_pin, "event": "out", "location_id": office},
            {"uid": "good-3", "employee_id": ali, "event": "in", "event_time": "2025-03-04 09:05:00"},
            // A device may send any past time (docs/decisions.md).
            {"uid": "good-4", "employee_id": ali, "event": "out", "event_time": "2024-01-01 10:00:00"},
            {"uid": "good-5", "employee_id": gone, "event": "in"},
            {"employee_id": ali, "event": "in"},
            {"uid": "", "employee_id": ali, "event": "in"},
            {"uid": "no-employee", "event": "in"},
            {"uid": "no-event", "employee_id": ali},
            {"uid": "bad-event", "employee_id": ali, "event": "lunch"},
            {"uid": "ahead", "employee_id": ali, "event": "in", "event_time": "2025-03-04 09:05:01"},
            {"uid": "unknown-id", "employee_id": 999_999, "event": "in"},
            {"uid": "foreign-id", "employee_id": other.admin_employee_id.0, "event": "in"},
            {"uid": "unknown-pin", "pin_code": "99999999", "event": "in"},
            {"uid": "unknown-location", "employee_id": ali, "event": "in", "location_id": 999_999},
            {"uid": "foreign-location", "employee_id": ali, "event": "in", "location_id": theirs},
            {"uid": "bad-time", "employee_id": ali, "event": "in", "event_time": "04.03.2025 08:00"},
            {"uid": "bad-id", "employee_id": "ali", "event": "in"},
            {"uid": long_uid, "employee_id": ali, "event": "in"},
            42
        ]);
        let (accepted, duplicates, rejected) = batch(&app, &token, events.clone()).await;
        assert_eq!((accepted, duplicates), (5, 0));
        let mut expected = vec![
            (Value::Null, 8002),
            (json!(""), 8002),
            (json!("no-employee"), 8002),
            (json!("no-event"), 8002),
            (json!("bad-event"), 8003),
            (json!("ahead"), 8003),
            (json!("unknown-id"), 8004),
            (json!("foreign-id"), 8004),
            (json!("unknown-pin"), 8004),
            (json!("unknown-location"), 8004),
            (json!("foreign-location"), 8004),
            (json!("bad-time"), 8009),
            (json!("bad-id"), 8003),
            (json!(long_uid), 8003),
            (Value::Null, 8003),
        ];
        expected.sort_by_key(|(uid, code)| (uid.to_string(), *code));
        assert_eq!(rejections(&rejected), expected);
        assert_eq!(count_of_device(&app, id).await, 5);
        assert_eq!(count_all(&app).await, 5, "nothing stored for the other company");
        for uid in ["good-1", "good-2", "good-3", "good-4", "good-5"] {
            assert_eq!(rows_with_uid(&app, id, uid).await, 1, "{uid}");
        }
        // A device without a location stores what the event names, or none.
        assert_eq!(location_of(&app, id, "good-1").await, 0);
        assert_eq!(location_of(&app, id, "good-2").await, office);
        // The same mix again: the good ones are duplicates, the bad ones rejected again.
        let (accepted, duplicates, rejected) = batch(&app, &token, events).await;
        assert_eq!((accepted, duplicates), (0, 5));
        assert_eq!(rejections(&rejected), expected);
        assert_eq!(count_all(&app).await, 5);
    })
    .await;
}

#[tokio::test]
async fn the_batch_itself_is_checked() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (ali, _) = app.add_user("ali@t.uz", Role::Employee, "Али").await;
        let (id, token) = device(&app, &admin, "SN-1", None).await;
        let missing = app.post_json(PATH, &json!({}), Some(&token)).await;
        missing.assert_error(422, 8001);
        assert_eq!(missing.field_errors(), vec![("events".to_string(), 8002)]);
        for shape in [json!("a-1"), json!({"uid": "a-1"}), json!(7)] {
            let reply = send(&app, &token, shape).await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.field_errors(), vec![("events".to_string(), 8003)]);
        }
        let many = |n: usize| -> Value {
            (0..n)
                .map(|i| json!({"uid": format!("e-{i}"), "employee_id": ali, "event": if i % 2 == 0 { "in" } else { "out" }}))
                .collect()
        };
        let reply = send(&app, &token, many(1001)).await;
        reply.assert_error(422, 8001);
        assert_eq!(reply.field_errors(), vec![("events".to_string(), 8003)]);
        assert_eq!(count_all(&app).await, 0);
        // An empty batch is fine and stores nothing.
        assert_eq!(batch(&app, &token, json!([])).await, (0, 0, vec![]));
        // A thousand is the limit (stored over more than one statement).
        assert_eq!(batch(&app, &token, many(1000)).await, (1000, 0, vec![]));
        assert_eq!(count_of_device(&app, id).await, 1000);
        assert_eq!(batch(&app, &token, many(1000)).await, (0, 1000, vec![]));
        assert_eq!(count_of_device(&app, id).await, 1000);
        // Not JSON at all.
        let broken = app
            .send(
                app.http
                    .post(app.url(PATH))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body("{\"events\": ["),
            )
            .await;
        broken.assert_error(400, 4001);
    })
    .await;
}

#[tokio::test]
async fn uids_are_the_devices_own() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let annex = app
            .post_json("/v1/locations", &json!({"title": "Annex"}), Some(&admin))
            .await
            .body["id"]
            .as_i64()
            .expect("annex");
        let (ali, _) = app.add_user("ali@t.uz", Role::Employee, "Али").await;
        let (first, first_token) = device(&app, &admin, "SN-1", Some(office)).await;
        let (second, second_token) = device(&app, &admin, "SN-2", Some(annex)).await;

        // A uid twice in one batch is stored once.
        let (accepted, duplicates, rejected) = batch(
            &app,
            &first_token,
            json!([
                {"uid": "x", "employee_id": ali, "event": "in", "event_time": "2025-03-04 08:00:00"},
                {"uid": "x", "employee_id": ali, "event": "in", "event_time": "2025-03-04 08:00:00"},
                {"uid": "y", "employee_id": ali, "event": "out", "location_id": annex}
            ]),
        )
        .await;
        assert_eq!((accepted, duplicates, rejected), (2, 1, vec![]));
        assert_eq!(rows_with_uid(&app, first, "x").await, 1);
        // The device's location unless the event names one.
        assert_eq!(location_of(&app, first, "x").await, office);
        assert_eq!(location_of(&app, first, "y").await, annex);

        // Another device's "x" is another event.
        let (accepted, duplicates, _) = batch(
            &app,
            &second_token,
            json!([{"uid": "x", "employee_id": ali, "event": "in", "event_time": "2025-03-04 08:00:00"}]),
        )
        .await;
        assert_eq!((accepted, duplicates), (1, 0));
        assert_eq!(rows_with_uid(&app, second, "x").await, 1);
        assert_eq!(location_of(&app, second, "x").await, annex);
        assert_eq!(count_all(&app).await, 3);
        // Clock-ins without a device do not collide with device uids either.
        let (_, own) = app.add_user("self@t.uz", Role::Employee, "Сам").await;
        for _ in 0..2 {
            let reply = app.post_json("/v1/times/clockin", &json!({"location_id": office}), Some(&own)).await;
            assert_eq!(reply.status, 200, "{}", reply.text);
        }
        assert_eq!(count_all(&app).await, 5);
    })
    .await;
}

#[tokio::test]
async fn the_devices_last_request_time_is_noted() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (ali, _) = app.add_user("ali@t.uz", Role::Employee, "Али").await;
        let (id, token) = device(&app, &admin, "SN-1", None).await;
        let (other, _) = device(&app, &admin, "SN-2", None).await;
        assert_eq!(last_request(&app, &admin, id).await, Value::Null);
        app.clock.advance(90);
        batch(
            &app,
            &token,
            json!([{"uid": "1", "employee_id": ali, "event": "in"}]),
        )
        .await;
        assert_eq!(
            last_request(&app, &admin, id).await,
            json!("2025-03-04 09:01:30")
        );
        assert_eq!(last_request(&app, &admin, other).await, Value::Null);
        app.clock.advance(3600);
        // Even a refused batch is a request of the device.
        send(&app, &token, json!("x")).await.assert_error(422, 8001);
        assert_eq!(
            last_request(&app, &admin, id).await,
            json!("2025-03-04 10:01:30")
        );
        assert_eq!(last_request(&app, &admin, other).await, Value::Null);
    })
    .await;
}
