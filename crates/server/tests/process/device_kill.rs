//! Durability of clock events: the server is killed with SIGKILL right after it
//! answered 2xx, and every event it accepted is in the SQLite file afterwards (read
//! directly, and as duplicates when the device resends its batch to the restarted
//! server). The same for a self clock-in and for a manual clock-in with its activity
//! row (written in one transaction).

use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::time::Duration;

use davomat_store::Store;
use davomat_store::testing::scalar;
use serde_json::{Value, json};

use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Reply, Server, TempDb, create_company, send, text,
};

/// SIGKILL to the server, then waits (bounded) until it is gone.
pub(crate) fn kill_hard(server: &mut Server) {
    let pid = server.proc.pid();
    let status = Command::new("kill")
        .arg("-KILL")
        .arg(pid.to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -KILL {pid} failed");
    let exit = server
        .proc
        .wait_exit(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("pid {pid} still running 10 s after SIGKILL"));
    assert_eq!(exit.signal(), Some(9), "killed by SIGKILL: {exit:?}");
}

/// A POST with a bearer token and a JSON body.
async fn post(server: &Server, path: &str, token: &str, body: &Value) -> Reply {
    send(
        server
            .http
            .post(server.url(path))
            .bearer_auth(token)
            .json(body),
    )
    .await
}

/// A single integer from the database file, read with a connection of our own (the
/// server is not running).
async fn count(db: &TempDb, sql: &str, params: &[i64]) -> i64 {
    let store = Store::connect(db.url())
        .await
        .expect("open the database file");
    let n = scalar(&store, sql, params).await;
    let _ = store.close().await;
    n
}

/// The admin's employee card from `GET /v1/accounts`.
async fn admin_card(server: &Server, token: &str) -> Value {
    let reply = server.get("/v1/accounts", Some(token)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["employee"].clone()
}

#[tokio::test]
async fn device_events_answered_2xx_survive_a_sigkill() {
    let db = TempDb::new("device-kill");
    let company = create_company(&db, "Device Kill");
    let mut server = Server::start(&db, &[]).await;
    let admin = server.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let card = admin_card(&server, &admin).await;
    let employee = card["id"].as_i64().expect("employee id");
    let office = card["locations"][0]["id"].as_i64().expect("location id");
    let pin = {
        let reply = server
            .get(&format!("/v1/employees/{employee}"), Some(&admin))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        text(&reply.body["data"], "pin_code")
    };
    let created = post(
        &server,
        "/v1/devices",
        &admin,
        &json!({"serial_number": "KILL-1", "location_id": office}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let device = created.body["id"].as_i64().expect("device id");
    let token = text(&created.body, "token");

    let mut total = 0;
    for round in 0..3 {
        // A batch as large as the API takes: 1,000 events, over several statements.
        let events: Value = (0..1000)
            .map(|i| {
                let mut event = json!({"uid": format!("r{round}-{i}"), "event": if i % 2 == 0 { "in" } else { "out" }});
                if i % 3 == 0 {
                    event["pin_code"] = json!(pin);
                } else {
                    event["employee_id"] = json!(employee);
                }
                event
            })
            .collect();
        let body = json!({ "events": events });
        let reply = post(&server, "/v1/device/events", &token, &body).await;
        kill_hard(&mut server);
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(
            reply.body,
            json!({"accepted": 1000, "duplicates": 0, "rejected": []})
        );
        total += 1000;

        // Every accepted event is in the file, once.
        assert_eq!(
            count(
                &db,
                "SELECT count(*) FROM clock_events WHERE device_id = $1",
                &[device]
            )
            .await,
            total
        );
        assert_eq!(
            count(
                &db,
                "SELECT count(DISTINCT device_uid) FROM clock_events WHERE device_id = $1 AND mode = 'auto' AND location_id = $2",
                &[device, office]
            )
            .await,
            total
        );

        // The restarted server knows them all: the resend is all duplicates.
        server = Server::start(&db, &[]).await;
        let reply = post(&server, "/v1/device/events", &token, &body).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(
            reply.body,
            json!({"accepted": 0, "duplicates": 1000, "rejected": []})
        );
    }
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM clock_events WHERE device_id = $1",
            &[device]
        )
        .await,
        total
    );
}

#[tokio::test]
async fn clock_ins_answered_2xx_survive_a_sigkill() {
    let db = TempDb::new("clock-kill");
    let company = create_company(&db, "Clock Kill");
    let mut server = Server::start(&db, &[]).await;
    let admin = server.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let card = admin_card(&server, &admin).await;
    let own = card["id"].as_i64().expect("employee id");
    let office = card["locations"][0]["id"].as_i64().expect("location id");

    // A self clock-in, then the kill.
    let reply = post(
        &server,
        "/v1/times/clockin",
        &admin,
        &json!({"location_id": office}),
    )
    .await;
    kill_hard(&mut server);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["location"]["id"], office);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM clock_events WHERE employee_id = $1 AND kind = 'in' AND mode = 'auto' AND location_id = $2",
            &[own, office]
        )
        .await,
        1
    );

    // A self clock-out on the restarted server, then the kill.
    let mut server = Server::start(&db, &[]).await;
    let reply = post(
        &server,
        "/v1/times/clockout",
        &admin,
        &json!({"location_id": office}),
    )
    .await;
    kill_hard(&mut server);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM clock_events WHERE employee_id = $1",
            &[own]
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM clock_events WHERE employee_id = $1 AND kind = 'out'",
            &[own]
        )
        .await,
        1
    );

    // A manual clock-in for another employee: the event and its activity row.
    let mut server = Server::start(&db, &[]).await;
    let hired = post(
        &server,
        "/v1/employees",
        &admin,
        &json!({
            "first_name": "Рабочий",
            "last_name": "Тестов",
            "department_id": card["department"]["id"],
            "schedule_id": card["schedule"]["id"],
            "locations": [office],
            "start_date": "2025-01-01",
            "schedule_start_date": "2025-01-01"
        }),
    )
    .await;
    assert_eq!(hired.status, 201, "{}", hired.text);
    let worker = hired.body["id"]
        .as_i64()
        .or_else(|| hired.body["data"]["id"].as_i64())
        .unwrap_or_else(|| panic!("the new employee's id in {}", hired.text));
    let reply = post(
        &server,
        "/v1/times/clockin",
        &admin,
        &json!({"location_id": office, "employee_id": worker, "event_time": "2025-03-03 09:10:00"}),
    )
    .await;
    kill_hard(&mut server);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["event_time"], "2025-03-03 09:10:00");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM clock_events WHERE employee_id = $1 AND mode = 'manual'",
            &[worker]
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM activity_log a JOIN clock_events c ON c.id = a.object_id \
             WHERE a.action_name = 'clockInManual' AND a.person_id = $1 AND c.employee_id = $1",
            &[worker]
        )
        .await,
        1
    );

    // The restarted server serves from the same file.
    let server = Server::start(&db, &[]).await;
    let log = server
        .get(
            "/v1/user-activities?action_name=clockInManual",
            Some(&admin),
        )
        .await;
    assert_eq!(log.status, 200, "{}", log.text);
    assert_eq!(log.body["items"][0]["person_id"], worker);
}
