//! Devices: DeviceInfo shape, token shown once, serial uniqueness, location references,
//! roles, tenancy and activity rows.

use davomat_core::Role;
use serde_json::json;

use crate::support::{TestApp, each_backend};

#[tokio::test]
async fn registering_a_device_answers_its_info_and_a_token_once() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let location = app.get("/v1/accounts", Some(&token)).await.body["employee"]["locations"][0].clone();
        let reply = app
            .post_json("/v1/devices", &json!({"serial_number": "F00305A7-460D", "type": "Terminal", "location_id": location["id"], "front_camera": 1, "qr_code": "true"}), Some(&token))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        let id = reply.body["id"].as_i64().expect("id");
        let device_token = reply.body["token"].as_str().expect("token").to_string();
        assert!(davomat_core::token::looks_like_token(&device_token));
        let expected = json!({
            "id": id, "serial_number": "F00305A7-460D", "last_request_time": null, "time_zone": "Asia/Tashkent",
            "battery_level": null, "os_type": null, "os_version": null, "app_version": null, "logged_user_name": null,
            "additional_button": false, "save_image_gallery": false, "front_camera": true, "photo_audit": false,
            "qr_code": true, "location_id": location["id"], "location_name": location["title"], "type": "Terminal"
        });
        let mut with_token = expected.clone();
        with_token["token"] = json!(device_token);
        assert_eq!(reply.body, with_token, "{:?}", app.backend);
        let list = app.get("/v1/devices", Some(&token)).await;
        assert_eq!(list.body["items"], json!([expected]));
        // Only the digest is kept.
        let count = |hash: String| {
            let store = app.store.clone();
            async move { davomat_store::testing::scalar(&store, &format!("SELECT count(*) FROM devices WHERE token_hash = '{hash}'"), &[]).await }
        };
        assert_eq!(count(device_token.clone()).await, 0);
        assert_eq!(count(davomat_core::token::digest(&device_token)).await, 1);
    })
    .await;
}

#[tokio::test]
async fn device_input_is_validated_field_by_field() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let reply = app
            .post_json(
                "/v1/devices",
                &json!({"location_id": 999_999, "time_zone": "Mars/Base", "photo_audit": "maybe"}),
                Some(&token),
            )
            .await;
        reply.assert_error(422, 8001);
        let fields = reply.sorted_field_errors();
        assert_eq!(
            fields,
            vec![
                ("location_id".to_string(), 8004),
                ("photo_audit".to_string(), 8003),
                ("serial_number".to_string(), 8002),
                ("time_zone".to_string(), 8003)
            ]
        );
        assert_eq!(
            app.post_json(
                "/v1/devices",
                &json!({"serial_number": "SN-1"}),
                Some(&token)
            )
            .await
            .status,
            201
        );
        let twice = app
            .post_json(
                "/v1/devices",
                &json!({"serial_number": "SN-1"}),
                Some(&token),
            )
            .await;
        assert_eq!(
            twice.field_errors(),
            vec![("serial_number".to_string(), 8008)]
        );
    })
    .await;
}

#[tokio::test]
async fn changes_are_partial_logged_and_admin_only() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let id = app
            .post_json(
                "/v1/devices",
                &json!({"serial_number": "SN-2", "qr_code": true}),
                Some(&admin),
            )
            .await
            .body["id"]
            .as_i64()
            .expect("id");
        let changed = app
            .put_json(
                &format!("/v1/devices/{id}"),
                &json!({"type": "Phone", "photo_audit": 1}),
                &admin,
            )
            .await;
        assert_eq!(changed.status, 200, "{}", changed.text);
        assert_eq!(
            (
                changed.body["type"].as_str(),
                changed.body["qr_code"].as_bool(),
                changed.body["photo_audit"].as_bool()
            ),
            (Some("Phone"), Some(true), Some(true))
        );
        assert_eq!(changed.body["serial_number"], "SN-2");
        assert!(changed.body.get("token").is_none());
        let (_, staff) = app.add_user("e@t.uz", Role::Employee, "Проверка").await;
        assert_eq!(app.get("/v1/devices", Some(&staff)).await.status, 200);
        app.post_json(
            "/v1/devices",
            &json!({"serial_number": "SN-3"}),
            Some(&staff),
        )
        .await
        .assert_error(403, 7004);
        app.put_json(&format!("/v1/devices/{id}"), &json!({}), &staff)
            .await
            .assert_error(403, 7004);
        app.delete(&format!("/v1/devices/{id}"), &staff)
            .await
            .assert_error(403, 7004);
        app.put_json("/v1/devices/999999", &json!({}), &admin)
            .await
            .assert_error(404, 3000);
        assert_eq!(
            app.delete(&format!("/v1/devices/{id}"), &admin).await.body,
            json!({"message": "success"})
        );
        app.delete(&format!("/v1/devices/{id}"), &admin)
            .await
            .assert_error(404, 3000);
        let log = app
            .get("/v1/user-activities?per-page=3", Some(&admin))
            .await;
        let actions: Vec<&str> = log.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["action_name"].as_str().expect("name"))
            .collect();
        assert_eq!(
            actions,
            vec!["deleteDevice", "updateDevice", "createDevice"]
        );
    })
    .await;
}
