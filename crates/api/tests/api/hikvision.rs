//! Hikvision access-control terminals (CONTRACT.md §9, issue 15): an event sender
//! written from the public description of "HTTP listening" pushes what the firmware
//! pushes — multipart with the event as `event_log` or `AccessControllerEvent` and a
//! JPEG `Picture`, or plain JSON; heartbeats; denials that carry an employee number —
//! to the secret URL of a device registered with `type: hikvision`, on SQLite and
//! PostgreSQL.

use davomat_core::{CompanyId, DeviceId};
use davomat_store::terminals;
use davomat_store::testing::scalar;
use serde_json::{Value, json};

use crate::support::{Reply, START, TestApp, each_backend};

/// A Hikvision terminal as the firmware behaves: its event URL.
struct Sender<'a> {
    app: &'a TestApp,
    path: String,
}

impl<'a> Sender<'a> {
    fn new(app: &'a TestApp, secret: &str) -> Sender<'a> {
        Sender {
            app,
            path: format!("/terminals/hikvision/{secret}/events"),
        }
    }

    /// The event as a multipart part named `part`, with a picture when given.
    async fn multipart(&self, part: &str, event: &Value, picture: Option<&[u8]>) -> Reply {
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--MIME_boundary\r\nContent-Disposition: form-data; name=\"{part}\"\r\n\
                 Content-Type: application/json\r\n\r\n{event}\r\n"
            )
            .as_bytes(),
        );
        if let Some(picture) = picture {
            body.extend_from_slice(
                format!(
                    "--MIME_boundary\r\nContent-Disposition: form-data; name=\"Picture\"; filename=\"Picture.jpg\"\r\n\
                     Content-Type: image/jpeg\r\nContent-Length: {}\r\n\r\n",
                    picture.len()
                )
                .as_bytes(),
            );
            body.extend_from_slice(picture);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--MIME_boundary--\r\n");
        let request = self
            .app
            .http
            .post(self.app.url(&self.path))
            .header(
                "content-type",
                "multipart/form-data; boundary=MIME_boundary",
            )
            .body(body);
        self.app.send(request).await
    }

    async fn json(&self, event: &Value) -> Reply {
        let request = self
            .app
            .http
            .post(self.app.url(&self.path))
            .header("content-type", "application/json")
            .body(event.to_string());
        self.app.send(request).await
    }
}

/// An event notification: `minor` of major 5 by employee number `who` at `time`
/// (Tashkent's offset), event number `serial`.
fn event(who: &str, time: &str, minor: i64, status: &str, serial: i64) -> Value {
    json!({
        "ipAddress": "192.168.10.21", "portNo": 80, "protocol": "HTTP",
        "macAddress": "a4:d5:c2:11:22:33", "channelID": 1,
        "dateTime": format!("{time}+05:00"), "activePostCount": 1,
        "eventType": "AccessControllerEvent", "eventState": "active",
        "eventDescription": "Access Controller Event",
        "AccessControllerEvent": {
            "deviceName": "Access Controller", "majorEventType": 5, "subEventType": minor,
            "name": "Somebody", "employeeNoString": who, "serialNo": serial,
            "currentVerifyMode": "cardOrFaceOrFp", "attendanceStatus": status,
            "currentEvent": true, "picturesNumber": 1
        }
    })
}

/// A small JPEG's first bytes (what the door checks) and some more, with bytes that
/// look like the multipart boundary's start and braces inside.
fn jpeg() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend_from_slice(b"--MIME{\"x\":1}\r\n--");
    bytes.extend((0..2_000u32).map(|i| (i % 251) as u8));
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

async fn pin_of(app: &TestApp, admin: &str, employee: i64) -> String {
    let reply = app
        .get(&format!("/v1/employees/{employee}"), Some(admin))
        .await;
    reply.body["data"]["pin_code"]
        .as_str()
        .expect("pin_code")
        .to_string()
}

/// Registers a Hikvision terminal at the first location; answers its id and secret.
async fn register(app: &TestApp, admin: &str, serial: &str) -> (i64, String) {
    let locations = app.get("/v1/locations", Some(admin)).await;
    let location = locations.body["items"][0]["id"]
        .as_i64()
        .expect("a location");
    let body = json!({"serial_number": serial, "type": "hikvision", "location_id": location});
    let reply = app.post_json("/v1/devices", &body, Some(admin)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.body["id"].as_i64().expect("device id");
    let secret = reply.body["token"]
        .as_str()
        .expect("the secret, once")
        .to_string();
    (id, secret)
}

async fn events_of(app: &TestApp, device: i64) -> i64 {
    scalar(
        &app.store,
        "SELECT count(*) FROM clock_events WHERE device_id = $1",
        &[device],
    )
    .await
}

#[tokio::test]
async fn verified_faces_and_cards_become_punches_once_with_their_pictures() {
    each_backend(|app| async move {
        let admin = app.admin_token().await;
        let pin = pin_of(&app, &admin, app.company.admin_employee_id.0).await;
        let (device, secret) = register(&app, &admin, "DS-K1T341-0001").await;
        let sender = Sender::new(&app, &secret);

        // A face at 08:55 Tashkent (5 minutes before START), with its picture.
        let face = event(&pin, "2025-03-04T08:55:00", 75, "checkIn", 48211);
        let stored = sender.multipart("event_log", &face, Some(&jpeg())).await;
        assert_eq!(stored.status, 200, "{}", stored.text);
        assert_eq!(stored.body, json!({"status": "stored"}));
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM clock_events WHERE device_id = $1 AND at = $2 AND kind = 'in' \
                 AND verify_mode = 75 AND employee_id = $3",
                &[device, START - 300, app.company.admin_employee_id.0],
            )
            .await,
            1
        );
        let event_id = scalar(&app.store, "SELECT id FROM clock_events WHERE device_id = $1", &[device]).await;
        let picture = terminals::picture_of(app.store.connection(), CompanyId(app.company.company_id.0), event_id)
            .await
            .expect("read")
            .expect("the picture");
        assert_eq!((picture.content_type.as_str(), picture.picture), ("image/jpeg", jpeg()));

        // The firmware resends (no answer in time): stored once.
        let again = sender.multipart("AccessControllerEvent", &face, Some(&jpeg())).await;
        assert_eq!(again.body, json!({"status": "duplicate"}));
        assert_eq!(events_of(&app, device).await, 1);

        // A card out at 18:00 the day before, as plain JSON (a stored event uploaded late).
        let card = event(&pin, "2025-03-03T18:00:00", 1, "checkOut", 48100);
        let out = sender.json(&card).await;
        assert_eq!(out.body, json!({"status": "stored"}), "{}", out.text);
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM clock_events WHERE device_id = $1 AND kind = 'out' AND verify_mode = 1",
                &[device]
            )
            .await,
            1
        );

        // Denials carry employee numbers too; door events and heartbeats are not punches.
        for (minor, status) in [(8, "checkIn"), (6, "checkIn"), (76, "checkOut"), (21, "undefined")] {
            let denied = sender.json(&event(&pin, "2025-03-04T08:58:00", minor, status, 48300 + minor)).await;
            assert_eq!(denied.status, 200, "{}", denied.text);
            assert_eq!(denied.body["status"], "ignored", "{minor}: {}", denied.text);
        }
        let beat = json!({"ipAddress": "192.168.10.21", "dateTime": "2025-03-04T09:00:00+05:00",
                          "activePostCount": 0, "eventType": "heartBeat", "eventState": "active"});
        app.clock.advance(600);
        let alive = sender.multipart("event_log", &beat, None).await;
        assert_eq!(alive.body, json!({"status": "heartbeat"}));
        assert_eq!(
            scalar(&app.store, "SELECT last_request_at FROM devices WHERE id = $1", &[device]).await,
            START + 600,
            "a heartbeat is the terminal's last sign of life"
        );
        assert_eq!(events_of(&app, device).await, 2);

        // A number nobody has waits for the console.
        let stranger = sender.json(&event("0009999", "2025-03-04T08:59:00", 75, "checkIn", 48400)).await;
        assert_eq!(stranger.body, json!({"status": "unmatched"}));
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM unmatched_punches WHERE device_id = $1 AND pin = '0009999'",
                &[device]
            )
            .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn tab_numbers_the_device_s_rule_and_refusals() {
    each_backend(|app| async move {
        let admin = app.admin_token().await;
        let employee = app.company.admin_employee_id.0;
        let (device, secret) = register(&app, &admin, "DS-K1T671-0002").await;
        let sender = Sender::new(&app, &secret);
        let company = app.company.company_id;

        // Enrolled by tab number: the employee's tab number is the terminal's number.
        let tab = app
            .put_json(
                &format!("/v1/employees/{employee}"),
                &json!({"tab_number": "T-0042"}),
                &admin,
            )
            .await;
        assert_eq!(tab.status, 200, "{}", tab.text);
        let writer = app.store.write_connection().await;
        writer.changes_nothing_cached();
        terminals::set_employee_key(&writer, company, DeviceId(device), "tab_number")
            .await
            .expect("set");
        terminals::set_rules(&writer, company, DeviceId(device), "alternate", None)
            .await
            .expect("rules");
        drop(writer);
        // No attendance status (the terminal has no status keys): in, then out.
        for (time, serial) in [("2025-03-04T08:50:00", 1), ("2025-03-04T08:58:00", 2)] {
            let taken = sender
                .json(&event("T-0042", time, 75, "undefined", serial))
                .await;
            assert_eq!(taken.body, json!({"status": "stored"}), "{}", taken.text);
        }
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM clock_events WHERE device_id = $1 AND employee_id = $2 AND \
                 ((at = $3 AND kind = 'in') OR (at = $4 AND kind = 'out'))",
                &[device, employee, START - 600, START - 120],
            )
            .await,
            2
        );
        let unknown_tab = sender
            .json(&event("T-0043", "2025-03-04T08:51:00", 75, "checkIn", 3))
            .await;
        assert_eq!(unknown_tab.body, json!({"status": "unmatched"}));

        // Refusals: a secret nobody has, another device type's token, no event, not JSON,
        // a time far ahead (quarantined), a network the terminal is not in.
        let nobody = Sender::new(&app, "no-such-secret")
            .json(&event("1", "2025-03-04T08:00:00", 75, "checkIn", 9))
            .await;
        assert_eq!(nobody.status, 404, "{}", nobody.text);
        let phone = app
            .post_json(
                "/v1/devices",
                &json!({"serial_number": "PHONE-1", "type": "phone"}),
                Some(&admin),
            )
            .await;
        let phone_token = phone.body["token"].as_str().expect("token");
        let wrong_type = Sender::new(&app, phone_token)
            .json(&event("1", "2025-03-04T08:00:00", 75, "checkIn", 9))
            .await;
        assert_eq!(wrong_type.status, 404, "{}", wrong_type.text);
        let empty = sender
            .multipart("event_log", &json!("not an object"), None)
            .await;
        assert_eq!(empty.status, 400, "{}", empty.text);
        let xml = app
            .send(
                app.http
                    .post(app.url(&sender.path))
                    .header("content-type", "application/xml")
                    .body("<EventNotificationAlert/>"),
            )
            .await;
        assert_eq!(xml.status, 400, "{}", xml.text);
        let ahead = sender
            .json(&event("T-0042", "2025-03-04T10:00:00", 75, "checkIn", 10))
            .await;
        assert_eq!(
            ahead.body,
            json!({"status": "quarantined"}),
            "{}",
            ahead.text
        );
        let writer = app.store.write_connection().await;
        writer.changes_nothing_cached();
        terminals::set_rules(
            &writer,
            company,
            DeviceId(device),
            "alternate",
            Some("10.0.0.0/8"),
        )
        .await
        .expect("rules");
        drop(writer);
        let outside = sender
            .json(&event("T-0042", "2025-03-04T08:59:00", 75, "checkIn", 11))
            .await;
        assert_eq!(outside.status, 403, "{}", outside.text);
        assert_eq!(events_of(&app, device).await, 2);
    })
    .await;
}
