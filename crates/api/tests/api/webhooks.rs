//! Webhooks (CONTRACT.md §9, issue 16) over real HTTP with local receivers, on SQLite
//! and PostgreSQL: subscriptions made, read, changed and removed, with every refusal on
//! its field; each clock event reaches each subscription that asked for it exactly
//! once, signed with the subscription's secret (checked here with an HMAC of our own);
//! a receiver that fails is tried again after the back-off until it answers, the log
//! showing each attempt; a delivery given up after a day is sent again on request; and
//! a receiver that does not answer does not hold up the clock-in that caused the event.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::Semaphore;

use davomat_api::ApiConfig;

use crate::support::{TestApp, each_backend, each_backend_with, test_config};

/// One request a receiver got.
#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: Vec<u8>,
}

/// How a receiver answers.
#[derive(Default)]
struct Behaviour {
    /// Answers 500 to this many requests first.
    failures: usize,
    /// When set, each answer waits for a permit (the test releases them).
    gate: Option<Arc<Semaphore>>,
}

struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Shared {
    got: Arc<Mutex<Vec<Received>>>,
    behaviour: Mutex<Behaviour>,
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let gate = {
        let behaviour = shared.behaviour.lock().unwrap_or_else(|p| p.into_inner());
        behaviour.gate.clone()
    };
    shared
        .got
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Received {
            headers,
            body: body.to_vec(),
        });
    if let Some(gate) = gate {
        let _ = gate.acquire().await.map(|p| p.forget());
    }
    let mut behaviour = shared.behaviour.lock().unwrap_or_else(|p| p.into_inner());
    if behaviour.failures > 0 {
        behaviour.failures -= 1;
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    StatusCode::NO_CONTENT
}

async fn receiver(behaviour: Behaviour) -> Receiver {
    let got = Arc::new(Mutex::new(Vec::new()));
    let shared = Arc::new(Shared {
        got: Arc::clone(&got),
        behaviour: Mutex::new(behaviour),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!(
        "http://{}/hooks/davomat",
        listener.local_addr().expect("its address")
    );
    let app = Router::new()
        .fallback(axum::routing::post(receive))
        .with_state(shared);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Receiver { url, got, task }
}

impl Receiver {
    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Waits (at most 10 s) until the receiver got `count` requests.
    async fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.got();
            if got.len() >= count {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{} requests, {count} expected",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

fn header<'a>(received: &'a Received, name: &str) -> &'a str {
    received
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Checks the signature as a receiver would, with an HMAC of its own.
fn assert_signed(received: &Received, secret: &str) {
    let timestamp = header(received, "x-davomat-timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("a key");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(&received.body);
    let expected = format!("sha256={}", hex_of(&mac.finalize().into_bytes()));
    assert_eq!(header(received, "x-davomat-signature"), expected);
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn body_of(received: &Received) -> Value {
    serde_json::from_slice(&received.body).expect("a JSON body")
}

async fn subscribe(app: &TestApp, admin: &str, url: &str, events: &[&str]) -> (i64, String) {
    let reply = app
        .post_json(
            "/v1/webhooks",
            &json!({"url": url, "events": events}),
            Some(admin),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let secret = reply.body["secret"]
        .as_str()
        .expect("the secret")
        .to_string();
    (reply.body["id"].as_i64().expect("an id"), secret)
}

async fn office(app: &TestApp, admin: &str) -> i64 {
    let list = app.get("/v1/locations", Some(admin)).await;
    list.body["items"][0]["id"].as_i64().expect("location id")
}

async fn clock(app: &TestApp, admin: &str, kind: &str) {
    let location = office(app, admin).await;
    let reply = app
        .post_json(
            &format!("/v1/times/{kind}"),
            &json!({"location_id": location}),
            Some(admin),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

async fn log_of(app: &TestApp, admin: &str, webhook: i64) -> Vec<Value> {
    let reply = app
        .get(&format!("/v1/webhooks/{webhook}/deliveries"), Some(admin))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["items"].as_array().cloned().unwrap_or_default()
}

/// Waits (at most 10 s) until the delivery log's newest entry has made `attempts`
/// attempts and has `status` (any status when `None`).
async fn newest_after(
    app: &TestApp,
    admin: &str,
    webhook: i64,
    attempts: i64,
    status: Option<&str>,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = log_of(app, admin, webhook).await;
        if let Some(newest) = log.first()
            && newest["attempts"] == attempts
            && status.is_none_or(|s| newest["status"] == s)
        {
            return newest.clone();
        }
        assert!(
            Instant::now() < deadline,
            "never {status:?} after {attempts}: {log:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn subscriptions_are_made_read_changed_and_removed_with_every_refusal_named() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (id, secret) = subscribe(&app, &admin, "http://127.0.0.1:9/a", &["clock.in"]).await;
        assert_eq!(secret.len(), 40);
        let shown = app.get(&format!("/v1/webhooks/{id}"), Some(&admin)).await;
        assert_eq!(shown.status, 200, "{}", shown.text);
        assert_eq!(shown.body["events"], json!(["clock.in"]));
        assert!(
            shown.body.get("secret").is_none(),
            "the secret is shown once"
        );
        let changed = app
            .call(
                "PUT",
                &format!("/v1/webhooks/{id}"),
                Some(&admin),
                Some(&json!({"events": ["clock.out", "employee.created"], "active": false})),
            )
            .await;
        assert_eq!(changed.status, 200, "{}", changed.text);
        assert_eq!(
            (
                changed.body["events"].clone(),
                changed.body["active"].clone(),
                changed.body["url"].clone()
            ),
            (
                json!(["clock.out", "employee.created"]),
                json!(false),
                json!("http://127.0.0.1:9/a")
            )
        );
        let list = app.get("/v1/webhooks", Some(&admin)).await;
        assert_eq!(list.body["_meta"]["totalCount"], 1, "{}", list.text);

        // Every refusal on its field.
        for (body, field, code) in [
            (json!({"events": ["clock.in"]}), "url", 8002),
            (json!({"url": "http://127.0.0.1:9/b"}), "events", 8002),
            (
                json!({"url": "ftp://127.0.0.1/b", "events": ["clock.in"]}),
                "url",
                8003,
            ),
            (
                json!({"url": "http://no-such-host.invalid/b", "events": ["clock.in"]}),
                "url",
                8003,
            ),
            (
                json!({"url": "http://127.0.0.1:9/b", "events": ["clock.sideways"]}),
                "events",
                8003,
            ),
            (
                json!({"url": "http://127.0.0.1:9/b", "events": []}),
                "events",
                8002,
            ),
        ] {
            let reply = app.post_json("/v1/webhooks", &body, Some(&admin)).await;
            assert_eq!(reply.status, 422, "{body}: {}", reply.text);
            let errors = reply.body["errors"].as_array().expect("errors");
            assert!(
                errors
                    .iter()
                    .any(|e| e["field"] == field && e["code"] == code),
                "{body}: {}",
                reply.text
            );
        }
        let removed = app
            .call("DELETE", &format!("/v1/webhooks/{id}"), Some(&admin), None)
            .await;
        assert_eq!(removed.status, 200, "{}", removed.text);
        assert_eq!(
            app.get(&format!("/v1/webhooks/{id}"), Some(&admin))
                .await
                .status,
            404
        );
    })
    .await;
}

fn strict() -> ApiConfig {
    ApiConfig {
        webhook_allow_private: false,
        ..test_config()
    }
}

#[tokio::test]
async fn private_addresses_are_refused_unless_the_operator_allows_them() {
    each_backend_with(strict, |app: TestApp| async move {
        let admin = app.admin_token().await;
        for url in [
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://10.0.0.7/x",
            "http://[::1]/x",
        ] {
            let reply = app
                .post_json(
                    "/v1/webhooks",
                    &json!({"url": url, "events": ["clock.in"]}),
                    Some(&admin),
                )
                .await;
            assert_eq!(reply.status, 422, "{url}: {}", reply.text);
            assert_eq!(reply.body["errors"][0]["field"], "url", "{}", reply.text);
            assert!(
                reply.body["errors"][0]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("частный")),
                "{}",
                reply.text
            );
        }
    })
    .await;
}

#[tokio::test]
async fn each_clock_event_reaches_each_subscription_that_asked_once_and_signed() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (a, b, c) = (
            receiver(Behaviour::default()).await,
            receiver(Behaviour::default()).await,
            receiver(Behaviour::default()).await,
        );
        let (_, secret_a) = subscribe(&app, &admin, &a.url, &["clock.in", "clock.out"]).await;
        let (_, secret_b) = subscribe(&app, &admin, &b.url, &["clock.in", "clock.out"]).await;
        let (_, secret_c) = subscribe(&app, &admin, &c.url, &["clock.out"]).await;
        let me = app.company.admin_employee_id.0;

        clock(&app, &admin, "clockin").await;
        for (receiver, secret) in [(&a, &secret_a), (&b, &secret_b)] {
            let got = receiver.wait_for(1).await;
            assert_eq!(header(&got[0], "x-davomat-event"), "clock.in");
            assert_signed(&got[0], secret);
            let body = body_of(&got[0]);
            assert_eq!(
                (body["event"].clone(), body["data"]["employee_id"].clone()),
                (json!("clock.in"), json!(me))
            );
            assert_eq!(body["data"]["kind"], "in");
        }
        clock(&app, &admin, "clockout").await;
        for (receiver, secret, count) in
            [(&a, &secret_a, 2), (&b, &secret_b, 2), (&c, &secret_c, 1)]
        {
            let got = receiver.wait_for(count).await;
            let last = &got[count - 1];
            assert_eq!(header(last, "x-davomat-event"), "clock.out");
            assert_signed(last, secret);
        }
        // Exactly once: nothing more arrives.
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!((a.got().len(), b.got().len(), c.got().len()), (2, 2, 1));
        // Each delivery has its own id; a receiver can tell a resend by it.
        let ids: Vec<String> = a
            .got()
            .iter()
            .map(|r| header(r, "x-davomat-delivery").to_string())
            .collect();
        assert_ne!(ids[0], ids[1]);
    })
    .await;
}

#[tokio::test]
async fn a_failing_receiver_is_tried_again_until_it_answers_and_a_given_up_one_on_request() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let flaky = receiver(Behaviour {
            failures: 2,
            gate: None,
        })
        .await;
        let (webhook, _) = subscribe(&app, &admin, &flaky.url, &["clock.in"]).await;
        clock(&app, &admin, "clockin").await;
        flaky.wait_for(1).await;
        let first = newest_after(&app, &admin, webhook, 1, Some("pending")).await;
        let metrics = app.get("/metrics", None).await.text;
        assert!(
            metrics.contains("\ndavomat_webhook_outbox_pending 1\n"),
            "{metrics}"
        );
        assert_eq!(
            (first["attempts"].clone(), first["last_status"].clone()),
            (json!(1), json!(500)),
            "{first}"
        );
        // The back-off: 10 s, then 20 s (the server's clock is the test's).
        app.clock.advance(10);
        flaky.wait_for(2).await;
        app.clock.advance(20);
        flaky.wait_for(3).await;
        let done = newest_after(&app, &admin, webhook, 3, Some("delivered")).await;
        assert_eq!(
            (done["attempts"].clone(), done["last_status"].clone()),
            (json!(3), json!(204)),
            "{done}"
        );
        let copies: Vec<String> = flaky
            .got()
            .iter()
            .map(|r| header(r, "x-davomat-delivery").to_string())
            .collect();
        assert!(
            copies.iter().all(|c| *c == copies[0]),
            "the same delivery each time: {copies:?}"
        );

        // Nobody listens at all: given up after a day, then sent again on request.
        let (gone, _) = subscribe(&app, &admin, "http://127.0.0.1:9/gone", &["clock.in"]).await;
        clock(&app, &admin, "clockin").await;
        newest_after(&app, &admin, gone, 1, Some("pending")).await;
        // Each step past the next try: the worker tries (and fails) again.
        let mut attempts = 1;
        let failed = loop {
            app.clock.advance(3600);
            attempts += 1;
            let newest = newest_after(&app, &admin, gone, attempts, None).await;
            if newest["status"] == "failed" {
                break newest;
            }
        };
        assert!(
            failed["last_error"]
                .as_str()
                .is_some_and(|e| e.contains("connect")),
            "{failed}"
        );
        let delivery = failed["id"].as_i64().expect("an id");
        let resent = app
            .call(
                "POST",
                &format!("/v1/webhooks/{gone}/deliveries/{delivery}/resend"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(resent.status, 200, "{}", resent.text);
        let log = log_of(&app, &admin, gone).await;
        assert_eq!(log[0]["status"], "pending", "{log:?}");
        let missing = app
            .call(
                "POST",
                &format!("/v1/webhooks/{webhook}/deliveries/{delivery}/resend"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(
            missing.status, 404,
            "another subscription's delivery: {}",
            missing.text
        );
    })
    .await;
}

#[tokio::test]
async fn a_receiver_that_does_not_answer_does_not_hold_up_the_clock_in() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let gate = Arc::new(Semaphore::new(0));
        let slow = receiver(Behaviour {
            failures: 0,
            gate: Some(Arc::clone(&gate)),
        })
        .await;
        let (webhook, _) = subscribe(&app, &admin, &slow.url, &["clock.in"]).await;
        clock(&app, &admin, "clockin").await;
        // The clock-in was answered; its delivery reached the receiver, which holds it.
        slow.wait_for(1).await;
        let held = log_of(&app, &admin, webhook).await;
        assert_eq!(held[0]["status"], "pending", "{held:?}");
        // A second clock-in is answered too while the first delivery is held.
        clock(&app, &admin, "clockout").await;
        gate.add_permits(10);
        newest_after(&app, &admin, webhook, 1, Some("delivered")).await;
    })
    .await;
}

#[tokio::test]
async fn hiring_editing_dismissing_and_time_offs_are_delivered_to_who_asked() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let people = receiver(Behaviour::default()).await;
        let absences = receiver(Behaviour::default()).await;
        let (_, people_secret) = subscribe(
            &app,
            &admin,
            &people.url,
            &["employee.created", "employee.updated", "employee.dismissed"],
        )
        .await;
        let (_, absence_secret) = subscribe(
            &app,
            &admin,
            &absences.url,
            &["timeoff.created", "timeoff.accepted", "timeoff.rejected"],
        )
        .await;
        let defaults = crate::tenancy_probe::defaults(&app, &admin).await;
        let hired = app
            .post_json(
                "/v1/employees",
                &crate::tenancy_probe::hire_body(defaults, "Dilnoza"),
                Some(&admin),
            )
            .await;
        assert_eq!(hired.status, 201, "{}", hired.text);
        let id = hired.body["data"]["id"]
            .as_i64()
            .or_else(|| hired.body["id"].as_i64())
            .expect("the employee's id");
        let edited = app
            .call(
                "PUT",
                &format!("/v1/employees/{id}"),
                Some(&admin),
                Some(&json!({"first_name": "Dilfuza"})),
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.text);
        let kind = app
            .post_json("/v1/time-offs", &json!({"title": "Отпуск"}), Some(&admin))
            .await;
        let kind = kind.body["id"].as_i64().expect("a time-off type");
        let requested = app
            .post_json(
                "/v1/employees/time-off",
                &json!({"employee_id": id, "absence_id": kind, "absence_type": "daily",
                        "start_date_time": "2025-03-10", "end_date_time": "2025-03-12",
                        "paid": true, "description": ""}),
                Some(&admin),
            )
            .await;
        assert_eq!(requested.status, 201, "{}", requested.text);
        let time_off = requested.body["id"].as_i64().expect("a time-off");
        let approved = app
            .post_json(
                &format!("/v1/employees/time-off/{time_off}/approve"),
                &json!({}),
                Some(&admin),
            )
            .await;
        assert_eq!(approved.status, 200, "{}", approved.text);
        let dismissed = app
            .post_json(
                &format!("/v1/employees/{id}/dismiss"),
                &json!({"exp_date": "2025-03-31"}),
                Some(&admin),
            )
            .await;
        assert_eq!(dismissed.status, 200, "{}", dismissed.text);

        let got = people.wait_for(3).await;
        let mut events: Vec<(String, Value)> = got
            .iter()
            .map(|r| {
                assert_signed(r, &people_secret);
                let body = body_of(r);
                (
                    body["event"].as_str().unwrap_or("").to_string(),
                    body["data"].clone(),
                )
            })
            .collect();
        events.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            events.iter().map(|(e, _)| e.as_str()).collect::<Vec<_>>(),
            ["employee.created", "employee.dismissed", "employee.updated"]
        );
        assert!(
            events.iter().all(|(_, data)| data["employee_id"] == id),
            "{events:?}"
        );
        assert_eq!(events[1].1["last_day"], "2025-03-31");
        assert_eq!(
            events[2].1["full_name"]
                .as_str()
                .map(|n| n.contains("Dilfuza")),
            Some(true)
        );

        let got = absences.wait_for(2).await;
        let mut kinds: Vec<String> = got
            .iter()
            .map(|r| {
                assert_signed(r, &absence_secret);
                let body = body_of(r);
                assert_eq!(body["data"]["time_off_id"], time_off);
                body["event"].as_str().unwrap_or("").to_string()
            })
            .collect();
        kinds.sort();
        assert_eq!(kinds, ["timeoff.accepted", "timeoff.created"]);
        // Nothing else: no clock events were asked for.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!((people.got().len(), absences.got().len()), (3, 2));
    })
    .await;
}

#[tokio::test]
async fn a_device_that_falls_silent_is_announced_offline_once_until_heard_from_again() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let watcher = receiver(Behaviour::default()).await;
        let (_, secret) = subscribe(&app, &admin, &watcher.url, &["device.offline"]).await;
        let location = office(&app, &admin).await;
        let registered = app
            .post_json(
                "/v1/devices",
                &json!({"serial_number": "GATE-7", "type": "terminal", "location_id": location}),
                Some(&admin),
            )
            .await;
        assert_eq!(registered.status, 201, "{}", registered.text);
        let device = registered.body["id"].as_i64().expect("a device");
        let token = registered.body["token"]
            .as_str()
            .expect("its token")
            .to_string();
        let heard = || async {
            let reply = app.get("/v1/device/commands", Some(&token)).await;
            assert_eq!(reply.status, 200, "{}", reply.text);
        };
        heard().await;
        let step = || async {
            davomat_app::webhooks::announce_offline_devices(&app.store, app.clock.now())
                .await
                .expect("the step")
        };
        // Heard from a minute ago: still online.
        app.clock.advance(60);
        assert_eq!(step().await, 0);
        // Three minutes of silence: announced, once.
        app.clock.advance(120);
        assert_eq!(step().await, 1);
        assert_eq!(step().await, 0);
        let got = watcher.wait_for(1).await;
        assert_signed(&got[0], &secret);
        let body = body_of(&got[0]);
        assert_eq!(body["event"], "device.offline");
        assert_eq!(
            (
                body["data"]["device_id"].clone(),
                body["data"]["serial_number"].clone()
            ),
            (json!(device), json!("GATE-7"))
        );
        // Heard from again, then silent again: announced again.
        heard().await;
        assert_eq!(step().await, 0);
        app.clock.advance(180);
        assert_eq!(step().await, 1);
        watcher.wait_for(2).await;
    })
    .await;
}

#[tokio::test]
async fn finished_deliveries_leave_the_log_after_thirty_days_and_waiting_ones_stay() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (webhook, _) = subscribe(&app, &admin, "http://127.0.0.1:9/hr", &["clock.in"]).await;
        let now = app.clock.now();
        let day = 24 * 3600;
        let mut made = Vec::new();
        for (age, status) in [
            (31, "delivered"),
            (31, "failed"),
            (31, "pending"),
            (1, "delivered"),
        ] {
            let at = now - age * day;
            davomat_store::webhooks::enqueue(
                app.store.connection(),
                app.company.company_id,
                davomat_core::webhooks::WebhookEvent::ClockIn,
                &[format!(r#"{{"event":"clock.in","age":{age}}}"#)],
                at,
            )
            .await
            .expect("a delivery");
            let id = davomat_store::testing::scalar(
                &app.store,
                "SELECT max(id) FROM webhook_deliveries",
                &[],
            )
            .await;
            // Out of the worker's way: not due, not expired.
            davomat_store::testing::execute(
                &app.store,
                &format!(
                    "UPDATE webhook_deliveries SET status = '{status}', \
                         next_attempt_at = {}, expires_at = {} WHERE id = $1",
                    now + day,
                    now + 2 * day
                ),
                &[id],
            )
            .await;
            made.push(id);
        }
        let pruned = davomat_store::webhooks::prune_finished(&app.store, now)
            .await
            .expect("pruned");
        assert_eq!(pruned, 2, "the old delivered and the old given-up one");
        let mut left: Vec<i64> = log_of(&app, &admin, webhook)
            .await
            .iter()
            .map(|d| d["id"].as_i64().expect("an id"))
            .collect();
        left.sort();
        assert_eq!(
            left,
            vec![made[2], made[3]],
            "the waiting one and the recent one"
        );
    })
    .await;
}
