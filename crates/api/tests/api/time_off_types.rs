//! `/v1/time-offs` (time-off types): the TimeOffType shape, defaults, 201 on create,
//! every validation code, roles, tenancy, the delete refusal while time-offs use a
//! type, paging, form bodies and the activity rows written.

use davomat_core::{Lang, Role};
use davomat_store::companies::CreatedCompany;
use davomat_store::testing;
use davomat_store::time_off_types::{self, TimeOffTypeFields};
use serde_json::{Value, json};

use crate::support::{Reply, START, TestApp, each_backend, field_pairs};

/// A second company with a type of its own; answers (company, type id).
async fn other_company(app: &TestApp) -> (CreatedCompany, i64) {
    let other = app.second_company("other-admin@test.uz", Lang::Ru).await;
    let id = time_off_types::create(
        app.store.connection(),
        other.company_id,
        &TimeOffTypeFields {
            title: "Чужая причина".into(),
            description: "их".into(),
            color: "112233".into(),
        },
        START,
    )
    .await
    .expect("their type");
    (other, id)
}

async fn post(app: &TestApp, token: &str, body: Value) -> Reply {
    app.call("POST", "/v1/time-offs", Some(token), Some(&body))
        .await
}

/// Creates a type as `token` with only a title; answers its id.
async fn create(app: &TestApp, token: &str, title: &str) -> i64 {
    let reply = post(app, token, json!({"title": title})).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["id"].as_i64().expect("id")
}

fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

fn kind(id: i64, title: &str, description: &str, color: &str) -> Value {
    json!({"id": id, "title": title, "description": description, "color": color})
}

#[tokio::test]
async fn types_are_created_read_listed_changed_and_deleted_in_the_reference_shape() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        // Defaults: an empty description and the reference's brown.
        let created = post(&app, &token, json!({"title": "  Отпуск "})).await;
        assert_eq!(created.status, 201, "{}", created.text);
        let leave = created.body["id"].as_i64().expect("id");
        assert!(leave > 0);
        assert_eq!(created.body, kind(leave, "Отпуск", "", "A0522D"));
        // Every field; a leading `#` is dropped, the case kept.
        let full = post(
            &app,
            &token,
            json!({"title": "К клиенту", "description": "Выезд к клиенту", "color": "#88ff00"}),
        )
        .await;
        assert_eq!(full.status, 201, "{}", full.text);
        let client = full.body["id"].as_i64().expect("id");
        assert_eq!(
            full.body,
            kind(client, "К клиенту", "Выезд к клиенту", "88ff00")
        );
        // An empty colour is "not set".
        let plain = post(&app, &token, json!({"title": "B", "color": ""})).await;
        assert_eq!(plain.status, 201, "{}", plain.text);
        let b = plain.body["id"].as_i64().expect("id");
        assert_eq!(plain.body, kind(b, "B", "", "A0522D"));

        let one = app
            .get(&format!("/v1/time-offs/{client}"), Some(&token))
            .await;
        assert_eq!(one.status, 200, "{}", one.text);
        assert_eq!(
            one.body,
            kind(client, "К клиенту", "Выезд к клиенту", "88ff00")
        );

        let list = app.get("/v1/time-offs", Some(&token)).await;
        assert_eq!(list.status, 200, "{}", list.text);
        assert_eq!(
            list.body["items"],
            json!([
                kind(leave, "Отпуск", "", "A0522D"),
                kind(client, "К клиенту", "Выезд к клиенту", "88ff00"),
                kind(b, "B", "", "A0522D"),
            ])
        );
        assert_eq!(
            list.body["_meta"],
            json!({"totalCount": 3, "pageCount": 1, "currentPage": 1, "perPage": 50})
        );
        assert_eq!(
            list.body["_links"]["self"]["href"],
            format!("{}/v1/time-offs?page=1&per-page=50", app.base)
        );

        // A partial change keeps the absent fields.
        let path = format!("/v1/time-offs/{b}");
        let changed = app
            .put_json(
                &path,
                &json!({"description": "Bla bla", "color": "4d1a99"}),
                &token,
            )
            .await;
        assert_eq!(changed.status, 200, "{}", changed.text);
        assert_eq!(changed.body, kind(b, "B", "Bla bla", "4d1a99"));
        let renamed = app
            .put_json(&path, &json!({"title": " Больничный "}), &token)
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.text);
        assert_eq!(renamed.body, kind(b, "Больничный", "Bla bla", "4d1a99"));
        // Absent, empty or equal values change nothing and log nothing.
        for body in [
            json!({}),
            json!({"title": ""}),
            json!({"title": "   ", "color": ""}),
            json!({"title": "Больничный", "description": "Bla bla", "color": "#4d1a99"}),
        ] {
            let same = app.put_json(&path, &body, &token).await;
            assert_eq!(same.status, 200, "{body}: {}", same.text);
            assert_eq!(same.body, renamed.body, "{body}");
        }
        assert_eq!(
            app.get(&path, Some(&token)).await.body,
            kind(b, "Больничный", "Bla bla", "4d1a99")
        );

        let deleted = app.delete(&path, &token).await;
        assert_eq!(deleted.status, 200, "{}", deleted.text);
        assert_eq!(deleted.body, json!({"message": "success"}));
        app.get(&path, Some(&token)).await.assert_error(404, 3000);
        app.delete(&path, &token).await.assert_error(404, 3000);
        app.put_json(&path, &json!({"title": "x"}), &token)
            .await
            .assert_error(404, 3000);

        // The activity rows, in the company's language.
        let admin = json!({"id": app.company.admin_user_id.0, "full_name": "Администратор"});
        let created_rows = app.activities(&token, "createdReason").await;
        assert_eq!(created_rows.len(), 3, "{created_rows:?}");
        let row = &created_rows[2];
        assert_eq!(row["action_name"], "createdReason");
        assert_eq!(row["user"], admin);
        assert_eq!(row["object_id"], leave);
        assert_eq!(row["person_id"], Value::Null);
        assert_eq!(row["assigned"], "Отпуск");
        assert_eq!(
            row["message"],
            "Администратор создал(а) причину отсутствия «Отпуск»"
        );
        assert_eq!(row["created_at"], "2025-03-04 09:00:00");
        let updated_rows = app.activities(&token, "updatedReason").await;
        assert_eq!(updated_rows.len(), 2, "{updated_rows:?}");
        assert_eq!(updated_rows[0]["object_id"], b);
        assert_eq!(updated_rows[0]["user"], admin);
        assert_eq!(
            updated_rows[0]["message"],
            "Администратор изменил(а) причину отсутствия «Больничный»"
        );
        assert_eq!(
            updated_rows[1]["message"],
            "Администратор изменил(а) причину отсутствия «B»"
        );
        let deleted_rows = app.activities(&token, "deletedReason").await;
        assert_eq!(deleted_rows.len(), 1, "{deleted_rows:?}");
        assert_eq!(deleted_rows[0]["object_id"], b);
        assert_eq!(deleted_rows[0]["person_id"], Value::Null);
        assert_eq!(
            deleted_rows[0]["message"],
            "Администратор удалил(а) причину отсутствия «Больничный»"
        );
    })
    .await;
}

#[tokio::test]
async fn every_failing_field_of_a_type_is_reported_at_once() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        create(&app, &token, "Отпуск").await;
        let other = create(&app, &token, "Oʻqish № 2").await;
        let long_description = "я".repeat(1000);
        let at_limit = post(
            &app,
            &token,
            json!({"title": "д".repeat(250), "description": long_description, "color": "aBcDeF"}),
        )
        .await;
        assert_eq!(at_limit.status, 201, "{}", at_limit.text);
        assert_eq!(at_limit.body["color"], "aBcDeF");

        let cases: Vec<(Value, Vec<(String, i64)>)> = vec![
            (json!({}), field_pairs(&[("title", 8002)])),
            (json!({"title": ""}), field_pairs(&[("title", 8002)])),
            (json!({"title": "  "}), field_pairs(&[("title", 8002)])),
            (json!({"title": null}), field_pairs(&[("title", 8002)])),
            (
                json!({"title": "д".repeat(251)}),
                field_pairs(&[("title", 8003)]),
            ),
            (
                json!({"title": "<script>"}),
                field_pairs(&[("title", 8003)]),
            ),
            (
                json!({"title": ["Отпуск"]}),
                field_pairs(&[("title", 8003)]),
            ),
            (json!({"title": "Отпуск"}), field_pairs(&[("title", 8008)])),
            (
                json!({"title": " ОТПУСК "}),
                field_pairs(&[("title", 8008)]),
            ),
            (
                json!({"title": "OʻQISH № 2"}),
                field_pairs(&[("title", 8008)]),
            ),
            (
                json!({"title": "Новая", "description": "я".repeat(1001)}),
                field_pairs(&[("description", 8003)]),
            ),
            (
                json!({"title": "Новая", "description": {"a": 1}}),
                field_pairs(&[("description", 8003)]),
            ),
            (
                json!({"title": "Новая", "color": "xyz"}),
                field_pairs(&[("color", 8003)]),
            ),
            (
                json!({"title": "Новая", "color": "GGGGGG"}),
                field_pairs(&[("color", 8003)]),
            ),
            (
                json!({"title": "Новая", "color": "#12345"}),
                field_pairs(&[("color", 8003)]),
            ),
            (
                json!({"title": "Новая", "color": "1234567"}),
                field_pairs(&[("color", 8003)]),
            ),
            (
                json!({"title": "Новая", "color": true}),
                field_pairs(&[("color", 8003)]),
            ),
            // Every field wrong at once.
            (
                json!({"title": "", "description": "я".repeat(1001), "color": "zz"}),
                field_pairs(&[("color", 8003), ("description", 8003), ("title", 8002)]),
            ),
            (
                json!({"title": "отпуск", "description": false, "color": "#red"}),
                field_pairs(&[("color", 8003), ("description", 8003), ("title", 8008)]),
            ),
        ];
        for (body, expected) in cases {
            let reply = post(&app, &token, body.clone()).await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.body["message"], "Validation Failed");
            assert_eq!(reply.sorted_field_errors(), expected, "{body}");
        }

        // PUT: wrong values and another type's title.
        let path = format!("/v1/time-offs/{other}");
        for (body, expected) in [
            (
                json!({"title": "д".repeat(251)}),
                field_pairs(&[("title", 8003)]),
            ),
            (json!({"title": "a > b"}), field_pairs(&[("title", 8003)])),
            (json!({"title": true}), field_pairs(&[("title", 8003)])),
            (json!({"title": "ОТПУСК"}), field_pairs(&[("title", 8008)])),
            (json!({"color": "12345G"}), field_pairs(&[("color", 8003)])),
            (
                json!({"description": "я".repeat(1001)}),
                field_pairs(&[("description", 8003)]),
            ),
            (
                json!({"title": "отпуск", "description": "я".repeat(1001), "color": "0"}),
                field_pairs(&[("color", 8003), ("description", 8003), ("title", 8008)]),
            ),
        ] {
            let reply = app.put_json(&path, &body, &token).await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.sorted_field_errors(), expected, "{body}");
        }
        // Its own title in another case is no clash.
        let recased = app
            .put_json(&path, &json!({"title": "oʻqish № 2"}), &token)
            .await;
        assert_eq!(recased.status, 200, "{}", recased.text);
        assert_eq!(recased.body, kind(other, "oʻqish № 2", "", "A0522D"));

        // Malformed bodies are 400/4001.
        app.send(
            app.http
                .post(app.url("/v1/time-offs"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body("{\"title\": \"x\",}"),
        )
        .await
        .assert_error(400, 4001);

        // Nothing stored or logged for the refusals.
        let list = app.get("/v1/time-offs", Some(&token)).await;
        assert_eq!(list.body["_meta"]["totalCount"], 3);
        assert_eq!(app.activities(&token, "createdReason").await.len(), 3);
        assert_eq!(app.activities(&token, "updatedReason").await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn every_role_reads_types_and_only_admins_write_them() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let id = create(&app, &admin, "Отпуск").await;
        let expected = kind(id, "Отпуск", "", "A0522D");
        for (n, role) in [
            Role::DepartmentHead,
            Role::DepartmentManager,
            Role::Observer,
            Role::Employee,
        ]
        .into_iter()
        .enumerate()
        {
            let (_, token) = app
                .add_user(&format!("role{n}@test.uz"), role, "Сотрудник")
                .await;
            let list = app.get("/v1/time-offs", Some(&token)).await;
            assert_eq!(list.status, 200, "{role:?}: {}", list.text);
            assert_eq!(list.body["items"], json!([expected]), "{role:?}");
            let one = app.get(&format!("/v1/time-offs/{id}"), Some(&token)).await;
            assert_eq!(one.status, 200, "{role:?}: {}", one.text);
            assert_eq!(one.body, expected, "{role:?}");
            post(&app, &token, json!({"title": "Новая"}))
                .await
                .assert_error(403, 7004);
            post(&app, &token, json!({})).await.assert_error(403, 7004);
            app.put_json(
                &format!("/v1/time-offs/{id}"),
                &json!({"title": "Новая"}),
                &token,
            )
            .await
            .assert_error(403, 7004);
            app.delete(&format!("/v1/time-offs/{id}"), &token)
                .await
                .assert_error(403, 7004);
            // The role check comes before the path id's.
            app.put_json("/v1/time-offs/999999", &json!({"title": "Новая"}), &token)
                .await
                .assert_error(403, 7004);
            app.delete("/v1/time-offs/999999", &token)
                .await
                .assert_error(403, 7004);
        }
        assert_eq!(
            app.get(&format!("/v1/time-offs/{id}"), Some(&admin))
                .await
                .body,
            expected
        );
        assert_eq!(app.activities(&admin, "createdReason").await.len(), 1);
        assert!(app.activities(&admin, "updatedReason").await.is_empty());
        assert!(app.activities(&admin, "deletedReason").await.is_empty());
        app.get("/v1/time-offs", None).await.assert_error(401, 7007);
        app.get(&format!("/v1/time-offs/{id}"), None)
            .await
            .assert_error(401, 7007);
    })
    .await;
}

#[tokio::test]
async fn another_companys_types_are_not_found_and_their_titles_free() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let own = create(&app, &token, "Своя").await;
        let (other, theirs) = other_company(&app).await;
        for path in [
            format!("/v1/time-offs/{theirs}"),
            "/v1/time-offs/999999".to_string(),
            "/v1/time-offs/0".to_string(),
            "/v1/time-offs/-1".to_string(),
            "/v1/time-offs/abc".to_string(),
        ] {
            app.get(&path, Some(&token)).await.assert_error(404, 3000);
            app.put_json(&path, &json!({"title": "Захват"}), &token)
                .await
                .assert_error(404, 3000);
            app.delete(&path, &token).await.assert_error(404, 3000);
        }
        let list = app.get("/v1/time-offs", Some(&token)).await;
        assert_eq!(list.body["items"], json!([kind(own, "Своя", "", "A0522D")]));
        // Their titles do not clash with ours.
        create(&app, &token, "Чужая причина").await;
        let still = time_off_types::find(app.store.connection(), other.company_id, theirs)
            .await
            .expect("read")
            .expect("still there");
        assert_eq!(still.title, "Чужая причина");
        assert_eq!(still.color, "112233");
        assert!(app.activities(&token, "updatedReason").await.is_empty());
        assert!(app.activities(&token, "deletedReason").await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_type_in_use_by_any_time_off_cannot_be_deleted() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let used = create(&app, &token, "Отпуск").await;
        let free = create(&app, &token, "Больничный").await;
        let (worker, _) = app
            .add_user("worker@test.uz", Role::Employee, "Анвар")
            .await;
        let reply = app
            .post_json(
                "/v1/employees/time-off",
                &json!({
                    "employee_id": worker,
                    "absence_id": used,
                    "start_date_time": "2025-03-10",
                    "end_date_time": "2025-03-11",
                }),
                Some(&token),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        let time_off = reply.body["id"].as_i64().expect("id");
        let path = format!("/v1/time-offs/{used}");
        app.delete(&path, &token).await.assert_error(400, 7011);
        // Still refused once the time-off is deleted (status 3): it still names the type.
        let gone = app
            .delete(&format!("/v1/employees/time-off/{time_off}"), &token)
            .await;
        assert_eq!(gone.status, 200, "{}", gone.text);
        app.delete(&path, &token).await.assert_error(400, 7011);
        assert_eq!(
            app.get(&path, Some(&token)).await.body,
            kind(used, "Отпуск", "", "A0522D")
        );
        // The type can still be changed while in use, and the time-off shows the change.
        let changed = app
            .put_json(&path, &json!({"color": "00ff00"}), &token)
            .await;
        assert_eq!(changed.status, 200, "{}", changed.text);
        let shown = app
            .get(&format!("/v1/employees/time-off/{time_off}"), Some(&token))
            .await;
        assert_eq!(
            shown.body["absence"],
            kind(used, "Отпуск", "", "00ff00"),
            "{}",
            shown.text
        );
        // An unused type goes.
        assert_eq!(
            app.delete(&format!("/v1/time-offs/{free}"), &token)
                .await
                .status,
            200
        );
        let rows = app.activities(&token, "deletedReason").await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0]["object_id"], free);
        // Once nothing names it, it goes too.
        testing::execute(
            &app.store,
            "DELETE FROM time_offs WHERE id = $1",
            &[time_off],
        )
        .await;
        let deleted = app.delete(&path, &token).await;
        assert_eq!(deleted.status, 200, "{}", deleted.text);
        assert_eq!(app.activities(&token, "deletedReason").await.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn lists_page_by_id_with_links() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let mut all = Vec::new();
        for title in ["Первая", "Вторая", "Третья"] {
            all.push(create(&app, &token, title).await);
        }
        let page = app
            .get("/v1/time-offs?per-page=2&page=2", Some(&token))
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert_eq!(
            page.body["items"],
            json!([kind(all[2], "Третья", "", "A0522D")])
        );
        assert_eq!(
            page.body["_meta"],
            json!({"totalCount": 3, "pageCount": 2, "currentPage": 2, "perPage": 2})
        );
        let base = format!("{}/v1/time-offs", app.base);
        assert_eq!(
            page.body["_links"]["prev"]["href"],
            format!("{base}?page=1&per-page=2")
        );
        assert!(page.body["_links"].get("next").is_none());
        // The reference's client sends `limit` as a header.
        let first = app
            .send(
                app.http
                    .get(app.url("/v1/time-offs"))
                    .bearer_auth(&token)
                    .header("limit", "2"),
            )
            .await;
        assert_eq!(ids(&first.body), all[..2].to_vec());
        assert_eq!(
            first.body["_links"]["next"]["href"],
            format!("{base}?page=2&per-page=2")
        );
        let past = app.get("/v1/time-offs?page=5", Some(&token)).await;
        assert_eq!(past.body["items"], json!([]));
        assert_eq!(past.body["_meta"]["currentPage"], 5);
    })
    .await;
}

#[tokio::test]
async fn form_bodies_create_and_change_types() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let created = app.form("POST",
            "/v1/time-offs",
            &token,
            "title=%D0%9E%D1%82%D0%BF%D1%83%D1%81%D0%BA&description=%D0%95%D0%B6%D0%B5%D0%B3%D0%BE%D0%B4%D0%BD%D1%8B%D0%B9&color=%2388ff00",
        )
        .await;
        assert_eq!(created.status, 201, "{}", created.text);
        let id = created.body["id"].as_i64().expect("id");
        assert_eq!(created.body, kind(id, "Отпуск", "Ежегодный", "88ff00"));
        let changed = app.form("PUT",
            &format!("/v1/time-offs/{id}"),
            &token,
            "title=Vacation&color=",
        )
        .await;
        assert_eq!(changed.status, 200, "{}", changed.text);
        assert_eq!(changed.body, kind(id, "Vacation", "Ежегодный", "88ff00"));
        let refused = app.form("POST", "/v1/time-offs", &token, "title=&color=zz").await;
        refused.assert_error(422, 8001);
        assert_eq!(
            refused.sorted_field_errors(),
            field_pairs(&[("color", 8003), ("title", 8002)])
        );
        assert_eq!(app.activities(&token, "createdReason").await.len(), 1);
        assert_eq!(app.activities(&token, "updatedReason").await.len(), 1);
    })
    .await;
}
