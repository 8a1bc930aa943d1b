//! `GET /v1/accounts` (and `POST`), `PUT /v1/accounts/settings`.

use davomat_core::Role;
use serde_json::json;

use crate::support::{ADMIN_EMAIL, TestApp, each_backend};

#[tokio::test]
async fn the_account_shows_user_company_role_employee_and_settings() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let reply = app.get("/v1/accounts", Some(&token)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let body = reply.body.clone();
        let employee_id = body["employee"]["id"].as_i64().expect("employee id");
        let department_id = body["employee"]["department"]["id"]
            .as_i64()
            .expect("department");
        let schedule_id = body["employee"]["schedule"]["id"]
            .as_i64()
            .expect("schedule");
        let location_id = body["employee"]["locations"][0]["id"]
            .as_i64()
            .expect("location");
        let pin = body["employee"]["pin_code"]
            .as_str()
            .expect("pin")
            .to_string();
        let qrcode = body["employee"]["qrcode"]
            .as_str()
            .expect("qrcode")
            .to_string();
        let user_id = app.company.admin_user_id.0;
        assert_eq!(
            body,
            json!({
                "id": user_id,
                "user_name": ADMIN_EMAIL,
                "company_id": app.company.company_id.0,
                "company_name": "Test Co",
                "role": {"id": 1, "name": "Администратор"},
                "employee": {
                    "id": employee_id,
                    "last_name": "",
                    "first_name": "Администратор",
                    "patronymic": "",
                    "full_name": "Администратор",
                    "gender": null,
                    "photos": null,
                    "start_date": "2025-03-04",
                    "schedule_start_date": "2025-03-04",
                    "pin_code": pin,
                    "tab_number": "",
                    "birth_date": null,
                    "home_address": "",
                    "home_phone": "",
                    "work_phone": "",
                    "notes": null,
                    "bank_book": "",
                    "mobile_phone": "",
                    "qrcode": qrcode,
                    "user": {"id": user_id, "email": ADMIN_EMAIL},
                    "department": {"id": department_id, "title": "Отдел по умолчанию"},
                    "positions": [],
                    "schedule": {"id": schedule_id, "title": "Пн–Пт 09:00–18:00", "type": 2},
                    "locations": [{"id": location_id, "title": "Главный офис"}],
                    "lastEmployeeSalaryRate": null,
                    "lastPersonPayroll": null,
                    "lastPersonFine": null,
                    "position": []
                },
                // Today (Tuesday 09:00) on the default schedule, no event yet.
                "scheduled": {
                    "report_date": "2025-03-04", "is_work_day": true, "production_time": "08:00",
                    "start_time": "2025-03-04 09:00:00", "end_time": "2025-03-04 18:00:00",
                    "schedule_id": schedule_id, "timeoff_id": null
                },
                "actual": {
                    "first_in": null, "last_out": null, "late_in": null, "early_in": null,
                    "early_out": null, "late_out": null, "authorized_time": "00:00",
                    "work_time": "00:00", "last_event": null
                },
                "settings": {
                    "id": user_id,
                    "user_id": user_id,
                    "fiotype": "lastfirstmiddle",
                    "date_format": "medium",
                    "time_zone": "Asia/Tashkent",
                    "ampm": "24",
                    "lang": "ru"
                }
            }),
            "{:?}",
            app.backend
        );
        let posted = app
            .send(app.http.post(app.url("/v1/accounts")).bearer_auth(&token))
            .await;
        assert_eq!(posted.body, body);
    })
    .await;
}

#[tokio::test]
async fn each_role_sees_its_own_account() {
    each_backend(|app: TestApp| async move {
        for (email, role, name) in [
            ("head@test.uz", Role::DepartmentHead, "Руководитель отдела"),
            (
                "manager@test.uz",
                Role::DepartmentManager,
                "Менеджер отдела",
            ),
            ("observer@test.uz", Role::Observer, "Наблюдатель"),
            ("staff@test.uz", Role::Employee, "Сотрудник"),
        ] {
            let (employee_id, token) = app.add_user(email, role, "Анвар").await;
            let reply = app.get("/v1/accounts", Some(&token)).await;
            assert_eq!(reply.status, 200);
            assert_eq!(reply.body["user_name"], email);
            assert_eq!(reply.body["role"], json!({"id": role.id(), "name": name}));
            assert_eq!(reply.body["employee"]["id"], employee_id);
            assert_eq!(reply.body["employee"]["full_name"], "Тестов Анвар");
        }
    })
    .await;
}

#[tokio::test]
async fn settings_change_partially_and_answer_the_settings_object() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let reply = app
            .put_json("/v1/accounts/settings", &json!({"fiotype": "firstlast", "ampm": "ampm", "time_zone": "Europe/Moscow"}), &token)
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let user_id = app.company.admin_user_id.0;
        assert_eq!(
            reply.body,
            json!({"id": user_id, "user_id": user_id, "fiotype": "firstlast", "date_format": "medium",
                   "time_zone": "Europe/Moscow", "ampm": "ampm", "lang": "ru"})
        );
        // Form bodies work too, and untouched fields stay.
        let form = app
            .send(
                app.http
                    .put(app.url("/v1/accounts/settings"))
                    .bearer_auth(&token)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("lang=uz&date_format=short"),
            )
            .await;
        assert_eq!(form.status, 200, "{}", form.text);
        assert_eq!(form.body["lang"], "uz");
        assert_eq!(form.body["fiotype"], "firstlast");
        let account = app.get("/v1/accounts", Some(&token)).await;
        assert_eq!(account.body["settings"], form.body);
        // The role name follows the user's language.
        assert_eq!(account.body["role"]["name"], "Administrator");
    })
    .await;
}

/// The session and the rendered account are cached (docs/decisions.md, "Read caches"):
/// every change this server makes shows on the very next request, clock events included.
#[tokio::test]
async fn the_account_shows_each_change_on_the_next_request() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let before = app.get("/v1/accounts", Some(&token)).await;
        assert_eq!(before.status, 200, "{}", before.text);
        assert_eq!(before.body["actual"]["first_in"], serde_json::Value::Null);
        assert_eq!(
            app.get("/v1/accounts", Some(&token)).await.body,
            before.body
        );

        let reply = app
            .put_json("/v1/accounts/settings", &json!({"lang": "en"}), &token)
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let after = app.get("/v1/accounts", Some(&token)).await;
        assert_eq!(after.body["settings"]["lang"], "en");
        assert_eq!(after.body["role"]["name"], "Administrator");

        let office = after.body["employee"]["locations"][0]["id"].clone();
        let reply = app
            .post_json(
                "/v1/times/clockin",
                &json!({"location_id": office}),
                Some(&token),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let clocked = app.get("/v1/accounts", Some(&token)).await;
        assert_ne!(clocked.body["actual"]["first_in"], serde_json::Value::Null);
        assert_eq!(clocked.body["actual"]["last_event"], "in");

        // The clock moving on to the next day starts a new day, with no write between.
        app.clock.advance(24 * 3600);
        let tomorrow = app.get("/v1/accounts", Some(&token)).await;
        assert_eq!(tomorrow.body["actual"]["first_in"], serde_json::Value::Null);

        let revoked = app
            .post_json("/v1/oauth/revoke", &json!({"token": token}), None)
            .await;
        assert_eq!(revoked.status, 200, "{}", revoked.text);
        app.get("/v1/accounts", Some(&token))
            .await
            .assert_error(401, 7008);
    })
    .await;
}
