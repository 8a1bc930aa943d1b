//! Kiosks (CONTRACT.md §9): an admin creates one for a location and removes it; the
//! kiosk punches people in and out by PIN code or QR code, replays what it queued while
//! offline (stored once, answered the same), and refuses people it does not know, who
//! are not employed or who may not clock at its location — on SQLite and PostgreSQL.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use davomat_core::Role;
use davomat_store::testing::scalar;
use serde_json::{Value, json};

use crate::support::{Reply, START, TestApp, each_backend};

async fn first_location(app: &TestApp, admin: &str) -> i64 {
    let list = app.get("/v1/locations", Some(admin)).await;
    list.body["items"][0]["id"].as_i64().expect("a location")
}

async fn card(app: &TestApp, admin: &str, employee: i64) -> Value {
    app.get(&format!("/v1/employees/{employee}"), Some(admin))
        .await
        .body["data"]
        .clone()
}

async fn punch(app: &TestApp, token: &str, body: Value) -> Reply {
    app.call("POST", "/v1/kiosk/punch", Some(token), Some(&body))
        .await
}

fn field_codes(reply: &Reply) -> Vec<(String, i64)> {
    reply.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or_default().to_string(),
                        e["code"].as_i64().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_kiosk_punches_people_in_and_out_and_a_replay_is_stored_once() {
    each_backend(|app| async move {
        let admin = app.admin_token().await;
        let location = first_location(&app, &admin).await;

        // Created by an admin: all fields checked at once, then made.
        let empty = app.post_json("/v1/kiosks", &json!({}), Some(&admin)).await;
        assert_eq!(empty.status, 422, "{}", empty.text);
        assert_eq!(
            field_codes(&empty),
            vec![("location_id".to_string(), 8002), ("title".to_string(), 8002)]
        );
        let elsewhere = app
            .post_json("/v1/kiosks", &json!({"location_id": 999_999, "title": "Вход"}), Some(&admin))
            .await;
        assert_eq!(field_codes(&elsewhere), vec![("location_id".to_string(), 8004)]);
        let created = app
            .post_json("/v1/kiosks", &json!({"location_id": location, "title": "Главный вход"}), Some(&admin))
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        let kiosk = created.body["id"].as_i64().expect("kiosk id");
        let token = created.body["token"].as_str().expect("the token, once").to_string();
        let devices = app.get("/v1/devices", Some(&admin)).await;
        assert!(
            devices.body["items"].as_array().expect("devices").iter().any(|d| d["id"] == kiosk && d["type"] == "kiosk"),
            "{}",
            devices.text
        );

        // In by PIN code, then out; the replay of the first answers what it became.
        let me = card(&app, &admin, app.company.admin_employee_id.0).await;
        let pin = me["pin_code"].as_str().expect("pin").to_string();
        let first = punch(&app, &token, json!({"uid": "tablet-1", "pin_code": pin})).await;
        assert_eq!(first.status, 200, "{}", first.text);
        assert_eq!(first.body["employee"]["id"], app.company.admin_employee_id.0);
        assert_eq!(first.body["employee"]["full_name"], me["full_name"]);
        assert_eq!(first.body["employee"]["photos"], Value::Null);
        assert_eq!(first.body["event"], "in");
        assert_eq!(first.body["event_time"], "2025-03-04 09:00:00");
        app.clock.advance(3_600);
        let qr = me["qrcode"].as_str().expect("qrcode").to_string();
        let second = punch(&app, &token, json!({"uid": "tablet-2", "qrcode": qr})).await;
        assert_eq!((second.body["event"].clone(), second.body["event_time"].clone()), (json!("out"), json!("2025-03-04 10:00:00")));
        let replay = punch(&app, &token, json!({"uid": "tablet-1", "pin_code": pin})).await;
        assert_eq!(replay.body, first.body, "a replay answers what it became");
        assert_eq!(
            scalar(&app.store, "SELECT count(*) FROM clock_events WHERE device_id = $1", &[kiosk]).await,
            2
        );

        // Queued offline at 08:00 (an instant with its offset) with a snapshot: kept with
        // the time it happened, in before the 09:00 arrival counted again.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
        jpeg.extend_from_slice(&[7u8; 300]);
        let photo = format!("data:image/jpeg;base64,{}", STANDARD.encode(&jpeg));
        let offline = punch(
            &app,
            &token,
            json!({"uid": "tablet-0", "pin_code": pin, "event_time": "2025-03-04T03:00:00Z", "photo": photo}),
        )
        .await;
        assert_eq!(offline.status, 200, "{}", offline.text);
        assert_eq!((offline.body["event"].clone(), offline.body["event_time"].clone()), (json!("in"), json!("2025-03-04 08:00:00")));
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM clock_event_pictures p JOIN clock_events e ON e.id = p.clock_event_id \
                 WHERE e.device_id = $1 AND e.at = $2",
                &[kiosk, START - 3_600]
            )
            .await,
            1
        );

        // Refusals name their fields.
        let nothing = punch(&app, &token, json!({})).await;
        assert_eq!(field_codes(&nothing), vec![("uid".to_string(), 8002), ("pin_code".to_string(), 8002)]);
        let nobody = punch(&app, &token, json!({"uid": "x1", "pin_code": "98765432"})).await;
        assert_eq!(field_codes(&nobody), vec![("pin_code".to_string(), 8004)]);
        let no_qr = punch(&app, &token, json!({"uid": "x2", "qrcode": "not-a-code"})).await;
        assert_eq!(field_codes(&no_qr), vec![("qrcode".to_string(), 8004)]);
        let bad = punch(
            &app,
            &token,
            json!({"uid": "x3", "pin_code": pin, "event_time": "yesterday", "photo": "bm90IGFuIGltYWdl"}),
        )
        .await;
        assert_eq!(field_codes(&bad), vec![("event_time".to_string(), 8009), ("photo".to_string(), 8003)]);
        let ahead = punch(&app, &token, json!({"uid": "x4", "pin_code": pin, "event_time": "2025-03-04 11:00:00"})).await;
        assert_eq!(field_codes(&ahead), vec![("event_time".to_string(), 8003)]);

        // Someone not allowed at the kiosk's location, and someone dismissed: 8003.
        let other = app
            .post_json(
                "/v1/locations",
                &json!({"title": "Склад", "latitude": "41.3", "longitude": "69.2", "radius": 100}),
                Some(&admin),
            )
            .await;
        let (worker, _) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let moved = app
            .put_json(&format!("/v1/employees/{worker}"), &json!({"locations": [other.body["id"]]}), &admin)
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text);
        let worker_pin = card(&app, &admin, worker).await["pin_code"].as_str().expect("pin").to_string();
        let not_here = punch(&app, &token, json!({"uid": "x5", "pin_code": worker_pin})).await;
        assert_eq!(field_codes(&not_here), vec![("pin_code".to_string(), 8003)]);
        let (gone, _) = app.add_user("gone@t.uz", Role::Employee, "Уволенный").await;
        let dismissed = app
            .post_json(&format!("/v1/employees/{gone}/dismiss"), &json!({"exp_date": "2025-03-03"}), Some(&admin))
            .await;
        assert_eq!(dismissed.status, 200, "{}", dismissed.text);
        let gone_pin = card(&app, &admin, gone).await["pin_code"].as_str().expect("pin").to_string();
        let not_employed = punch(&app, &token, json!({"uid": "x6", "pin_code": gone_pin})).await;
        assert_eq!(field_codes(&not_employed), vec![("pin_code".to_string(), 8003)]);
        assert_eq!(
            scalar(&app.store, "SELECT count(*) FROM clock_events WHERE device_id = $1", &[kiosk]).await,
            3,
            "no refusal stored anything"
        );

        // Another device's token is not a kiosk's; a removed kiosk's token stops working;
        // /v1/kiosks/{id} removes kiosks only.
        let terminal = app
            .post_json("/v1/devices", &json!({"serial_number": "T-1", "location_id": location}), Some(&admin))
            .await;
        let terminal_token = terminal.body["token"].as_str().expect("token");
        let refused = punch(&app, terminal_token, json!({"uid": "y1", "pin_code": pin})).await;
        assert_eq!((refused.status, refused.body["code"].clone()), (403, json!(7004)), "{}", refused.text);
        let not_a_kiosk = app.delete(&format!("/v1/kiosks/{}", terminal.body["id"]), &admin).await;
        assert_eq!(not_a_kiosk.status, 404, "{}", not_a_kiosk.text);
        let removed = app.delete(&format!("/v1/kiosks/{kiosk}"), &admin).await;
        assert_eq!(removed.status, 200, "{}", removed.text);
        let after = punch(&app, &token, json!({"uid": "y2", "pin_code": pin})).await;
        assert_eq!((after.status, after.body["code"].clone()), (401, json!(7008)), "{}", after.text);
    })
    .await;
}
