//! Schedules: the four kinds stored and returned as written, validation, roles, tenancy,
//! 7011 while assigned, activity rows.

use davomat_core::{Lang, Role};
use serde_json::{Value, json};

use crate::support::{TestApp, each_backend};

fn fixed() -> Value {
    json!({"title": "Office 9-18", "type": 2, "late_grace": 10, "days": [
        {"weekday": 1, "start": "09:00", "end": "18:00", "lunch_start": "13:00", "lunch_end": "14:00"},
        {"weekday": 2, "start": "09:00", "end": "18:00", "lunch_minutes": 60}]})
}

async fn other_company_schedule(app: &TestApp) -> i64 {
    let other = app.second_company("boss@other.uz", Lang::Ru).await;
    davomat_store::testing::scalar(
        &app.store,
        "SELECT min(id) FROM schedules WHERE company_id = $1",
        &[other.company_id.0],
    )
    .await
}

#[tokio::test]
async fn every_kind_is_stored_and_returned_as_written() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let bodies = [
            fixed(),
            json!({"title": "Free+", "type": 1, "night_split": true, "days": [{"weekday": 6, "production_time": "04:00"}]}),
            json!({"title": "Floating", "type": 3, "days": [{"weekday": 3, "start_from": "08:00", "start_to": "10:00", "production_time": "08:00", "lunch_minutes": 60}]}),
            json!({"title": "Night 2/2", "type": 4, "early_exit_grace": 5, "cycle": [{"start": "21:00", "end": "09:00", "lunch_minutes": 0}, {"start": "21:00", "end": "09:00", "lunch_start": "01:00", "lunch_end": "02:00"}, null, null]}),
        ];
        for body in bodies {
            let reply = app.post_json("/v1/schedules", &body, Some(&token)).await;
            assert_eq!(reply.status, 201, "{}", reply.text);
            let id = reply.body["id"].as_i64().expect("id");
            let mut expected = body.clone();
            expected["id"] = json!(id);
            for (key, default) in [("late_grace", json!(0)), ("early_exit_grace", json!(0)), ("night_split", json!(false))] {
                if expected.get(key).is_none() {
                    expected[key] = default;
                }
            }
            assert_eq!(reply.body, expected, "{:?}", app.backend);
            assert_eq!(app.get(&format!("/v1/schedules/{id}"), Some(&token)).await.body, expected);
        }
        let list = app.get("/v1/schedules?per-page=2&page=3", Some(&token)).await;
        assert_eq!(list.status, 200);
        assert_eq!(list.body["_meta"], json!({"totalCount": 5, "pageCount": 3, "currentPage": 3, "perPage": 2}));
        assert_eq!(list.body["items"][0]["title"], "Night 2/2");
        assert_eq!(list.body["items"][0]["type"], 4);
        // The default schedule of a new company.
        let first = app.get("/v1/schedules?per-page=1", Some(&token)).await;
        assert_eq!(first.body["items"][0]["type"], 2);
        assert_eq!(first.body["items"][0]["days"].as_array().expect("days").len(), 5);
    })
    .await;
}

#[tokio::test]
async fn invalid_definitions_name_every_failing_field() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let reply = app
            .post_json(
                "/v1/schedules",
                &json!({"type": "2", "late_grace": "x", "days": [{"weekday": 9, "start": "25:00", "end": "18:00"}, {"weekday": 2}]}),
                Some(&token),
            )
            .await;
        reply.assert_error(422, 8001);
        assert_eq!(
            reply.field_errors(),
            vec![
                ("title".to_string(), 8002),
                ("late_grace".to_string(), 8003),
                ("days[0].weekday".to_string(), 8003),
                ("days[0].start".to_string(), 8003),
                ("days[1].start".to_string(), 8002),
                ("days[1].end".to_string(), 8002),
            ]
        );
        let six = app.post_json("/v1/schedules", &json!({"title": "Six", "type": 6}), Some(&token)).await;
        assert_eq!(six.field_errors(), vec![("type".to_string(), 8003)]);
        let cycle = app.post_json("/v1/schedules", &json!({"title": "Empty", "type": 4, "cycle": [null, null]}), Some(&token)).await;
        assert_eq!(cycle.field_errors(), vec![("cycle".to_string(), 8003)]);
        let long = app.post_json("/v1/schedules", &json!({"title": "x".repeat(201), "type": 1, "days": []}), Some(&token)).await;
        assert_eq!(long.field_errors(), vec![("title".to_string(), 8003)]);
        // Form bodies carry flat fields only; a form without days is told so.
        let form = app
            .send(app.http.post(app.url("/v1/schedules")).bearer_auth(&token).header("content-type", "application/x-www-form-urlencoded").body("title=Form&type=2"))
            .await;
        assert_eq!(form.field_errors(), vec![("days".to_string(), 8002)]);
    })
    .await;
}

#[tokio::test]
async fn only_admins_write_and_everyone_reads() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let created = app.post_json("/v1/schedules", &fixed(), Some(&admin)).await;
        let id = created.body["id"].as_i64().expect("id");
        for (email, role) in [
            ("h@t.uz", Role::DepartmentHead),
            ("m@t.uz", Role::DepartmentManager),
            ("o@t.uz", Role::Observer),
            ("e@t.uz", Role::Employee),
        ] {
            let (_, token) = app.add_user(email, role, "Проверка").await;
            assert_eq!(
                app.get("/v1/schedules", Some(&token)).await.status,
                200,
                "{role:?}"
            );
            assert_eq!(
                app.get(&format!("/v1/schedules/{id}"), Some(&token))
                    .await
                    .status,
                200
            );
            app.post_json("/v1/schedules", &fixed(), Some(&token))
                .await
                .assert_error(403, 7004);
            app.put_json(&format!("/v1/schedules/{id}"), &fixed(), &token)
                .await
                .assert_error(403, 7004);
            app.delete(&format!("/v1/schedules/{id}"), &token)
                .await
                .assert_error(403, 7004);
        }
    })
    .await;
}

#[tokio::test]
async fn other_companies_schedules_are_not_found() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let foreign = other_company_schedule(&app).await;
        app.get(&format!("/v1/schedules/{foreign}"), Some(&token))
            .await
            .assert_error(404, 3000);
        app.put_json(&format!("/v1/schedules/{foreign}"), &fixed(), &token)
            .await
            .assert_error(404, 3000);
        app.delete(&format!("/v1/schedules/{foreign}"), &token)
            .await
            .assert_error(404, 3000);
        app.get("/v1/schedules/not-a-number", Some(&token))
            .await
            .assert_error(404, 3000);
        let list = app.get("/v1/schedules", Some(&token)).await;
        assert_eq!(list.body["_meta"]["totalCount"], 1);
    })
    .await;
}

#[tokio::test]
async fn updates_replace_and_deletes_are_refused_while_assigned() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let id = app.post_json("/v1/schedules", &fixed(), Some(&token)).await.body["id"].as_i64().expect("id");
        let changed = app
            .put_json(&format!("/v1/schedules/{id}"), &json!({"title": "Shift", "type": 4, "cycle": [{"start": "08:00", "end": "20:00"}, null]}), &token)
            .await;
        assert_eq!(changed.status, 200, "{}", changed.text);
        assert_eq!(changed.body, json!({"id": id, "title": "Shift", "type": 4, "late_grace": 0, "early_exit_grace": 0, "night_split": false, "cycle": [{"start": "08:00", "end": "20:00"}, null]}));
        let deleted = app.delete(&format!("/v1/schedules/{id}"), &token).await;
        assert_eq!(deleted.body, json!({"message": "success"}));
        app.get(&format!("/v1/schedules/{id}"), Some(&token)).await.assert_error(404, 3000);
        // The default schedule is the admin's.
        let default = app.get("/v1/schedules", Some(&token)).await.body["items"][0]["id"].as_i64().expect("id");
        app.delete(&format!("/v1/schedules/{default}"), &token).await.assert_error(400, 7011);
        let log = app.get("/v1/user-activities?per-page=3", Some(&token)).await;
        let actions: Vec<&str> = log.body["items"].as_array().expect("items").iter().map(|i| i["action_name"].as_str().expect("name")).collect();
        assert_eq!(actions, vec!["deletedSchedule", "updatedSchedule", "createdSchedule"]);
        assert_eq!(log.body["items"][2]["message"], "Администратор создал(а) график «Office 9-18»");
        assert_eq!(log.body["items"][2]["object_id"], id);
    })
    .await;
}
