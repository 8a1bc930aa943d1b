//! Many clients writing at once (a 9 a.m. rush, several HR users): on SQLite and on
//! PostgreSQL a valid write never fails because another one is running.
//!
//! 16 clients write through ten endpoints (renaming locations, creating holidays,
//! positions, payroll rules, time-off types and departments, clocking in, a terminal's
//! batch of events, hiring, requesting a time-off) for
//! `DAVOMAT_TEST_WRITE_SECONDS` (default 20) seconds on each backend; every write must
//! succeed. The throughput is printed (run with `--nocapture` to see it); it is a
//! figure for docs/performance.md, never an assertion.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use davomat_store::testing::scalar;
use serde_json::{Value, json};

use crate::support::{TestApp, each_backend};

const CLIENTS: u64 = 16;

fn test_duration() -> Duration {
    let seconds = std::env::var("DAVOMAT_TEST_WRITE_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(20);
    Duration::from_secs(seconds)
}

/// What the mix writes with: the locations to rename and clock in at, the terminal's
/// token, and what hires and time-offs name.
struct Targets {
    locations: Vec<i64>,
    employee: i64,
    device_token: String,
    department: i64,
    schedule: i64,
    time_off_type: i64,
}

/// The number of kinds of write in the mix.
const KINDS: u64 = 10;

/// One write of the mix: client `client`'s `n`-th request, as (method, path, body,
/// expected status, whether it goes with the terminal's token).
fn write_of(client: u64, n: u64, targets: &Targets) -> (&'static str, String, Value, u16, bool) {
    let tag = format!("{client} {n}");
    let locations = &targets.locations;
    let (method, path, body, status) = match n % KINDS {
        0 => {
            let location = locations[(client as usize) % locations.len()];
            (
                "PUT",
                format!("/v1/locations/{location}"),
                json!({"title": format!("Склад {tag}")}),
                200,
            )
        }
        1 => {
            // One date per (client, n): 2000-01-01 plus a day number unique to the write.
            let day = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)
                .expect("date")
                .checked_add_days(chrono::Days::new(n / KINDS * CLIENTS + client))
                .expect("date in range");
            (
                "POST",
                "/v1/holidays".into(),
                json!({"date": day.to_string(), "title": format!("Праздник {tag}"), "kind": "holiday"}),
                201,
            )
        }
        2 => (
            "POST",
            "/v1/positions".into(),
            json!({"title": format!("Должность {tag}")}),
            201,
        ),
        3 => (
            "POST",
            "/v1/payroll/payroll-list".into(),
            json!({"title": format!("Правило {tag}")}),
            201,
        ),
        4 => (
            "POST",
            "/v1/time-offs".into(),
            json!({"title": format!("Отгул {tag}")}),
            201,
        ),
        5 => (
            "POST",
            "/v1/departments".into(),
            json!({"title": format!("Отдел {tag}")}),
            201,
        ),
        6 => (
            "POST",
            "/v1/times/clockin".into(),
            json!({"location_id": locations[0]}),
            200,
        ),
        7 => (
            "POST",
            "/v1/device/events".into(),
            json!({"events": [{"uid": format!("e{tag}"), "employee_id": targets.employee, "event": "in"}]}),
            200,
        ),
        8 => (
            "POST",
            "/v1/employees".into(),
            json!({
                "first_name": format!("Сотрудник {client}"),
                "last_name": format!("Новый {n}"),
                "department_id": targets.department,
                "schedule_id": targets.schedule,
                "locations": [locations[0]],
                "start_date": "2025-03-01",
                "schedule_start_date": "2025-03-01",
            }),
            201,
        ),
        _ => {
            // One day per (client, n), as the holidays.
            let day = chrono::NaiveDate::from_ymd_opt(2030, 1, 1)
                .expect("date")
                .checked_add_days(chrono::Days::new(n / KINDS * CLIENTS + client))
                .expect("date in range");
            (
                "POST",
                "/v1/employees/time-off".into(),
                json!({"absence_id": targets.time_off_type, "start_date_time": day.to_string(), "end_date_time": day.to_string()}),
                201,
            )
        }
    };
    (method, path, body, status, n % KINDS == 7)
}

async fn new_location(app: &TestApp, token: &str, title: &str) -> i64 {
    let reply = app
        .post_json("/v1/locations", &json!({"title": title}), Some(token))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["id"].as_i64().expect("location id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_clients_writing_through_ten_endpoints_never_fail() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let first = new_location(&app, &token, "Первый склад").await;
        let second = new_location(&app, &token, "Второй склад").await;
        // The admin works at the first location (to clock in there).
        let me = app.company.admin_employee_id.0;
        let linked = app
            .put_json(&format!("/v1/employees/{me}"), &json!({"locations": [first, second]}), &token)
            .await;
        assert_eq!(linked.status, 200, "{}", linked.text);
        let device = app
            .post_json("/v1/devices", &json!({"serial_number": "MIX-1", "location_id": first}), Some(&token))
            .await;
        assert_eq!(device.status, 201, "{}", device.text);
        let time_off_type = app
            .post_json("/v1/time-offs", &json!({"title": "Отгул для всех"}), Some(&token))
            .await;
        assert_eq!(time_off_type.status, 201, "{}", time_off_type.text);
        let company = [app.company.company_id.0];
        let first_id = |table: &str| {
            format!("SELECT min(id) FROM {table} WHERE company_id = $1")
        };
        let department = scalar(&app.store, &first_id("departments"), &company).await;
        let schedule = scalar(&app.store, &first_id("schedules"), &company).await;
        let targets = Arc::new(Targets {
            locations: vec![first, second],
            employee: me,
            device_token: device.body["token"].as_str().expect("device token").to_string(),
            department,
            schedule,
            time_off_type: time_off_type.body["id"].as_i64().expect("type id"),
        });
        let app = Arc::new(app);
        let written = Arc::new(AtomicU64::new(0));
        let failures = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let duration = test_duration();
        let started = Instant::now();
        let mut clients = Vec::new();
        for client in 0..CLIENTS {
            let (app, token, targets) = (Arc::clone(&app), token.clone(), Arc::clone(&targets));
            let (written, failures) = (Arc::clone(&written), Arc::clone(&failures));
            clients.push(tokio::spawn(async move {
                let mut n = 0;
                while started.elapsed() < duration {
                    let (method, path, body, expected, terminal) = write_of(client, n, &targets);
                    let bearer = if terminal { &targets.device_token } else { &token };
                    let reply = app.call(method, &path, Some(bearer), Some(&body)).await;
                    if reply.status == expected {
                        written.fetch_add(1, Ordering::Relaxed);
                    } else {
                        let mut failures = failures.lock().unwrap_or_else(|p| p.into_inner());
                        failures.push(format!("{method} {path}: {} {}", reply.status, reply.text));
                    }
                    n += 1;
                }
            }));
        }
        for client in clients {
            client.await.expect("client task");
        }
        let elapsed = started.elapsed().as_secs_f64();
        let written = written.load(Ordering::Relaxed);
        let failures = failures.lock().unwrap_or_else(|p| p.into_inner()).clone();
        eprintln!(
            "concurrent writes on {:?}: {written} writes by {CLIENTS} clients in {elapsed:.1} s = {:.0} writes/s, {} failed",
            app.backend,
            written as f64 / elapsed,
            failures.len()
        );
        assert!(
            failures.is_empty(),
            "{} of {} writes failed; first: {:?}",
            failures.len(),
            written + failures.len() as u64,
            failures.iter().take(3).collect::<Vec<_>>()
        );
        assert!(written > 0, "no write was made");
    })
    .await;
}
