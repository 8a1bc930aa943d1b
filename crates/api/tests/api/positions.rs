//! `/v1/positions`: shapes, holders counted today, validation codes, roles, tenancy,
//! the delete refusal, activity rows, paging and form bodies.

use davomat_core::{Lang, Role};
use davomat_store::companies::CreatedCompany;
use davomat_store::positions::{self, PositionFields};
use davomat_store::testing;
use serde_json::{Value, json};

use crate::support::{START, TestApp, each_backend};

/// A second company, with a position of its own; answers (company, position id).
async fn other_company(app: &TestApp) -> (CreatedCompany, i64) {
    let other = app.second_company("other-admin@test.uz", Lang::Ru).await;
    let position = positions::create(
        app.store.connection(),
        other.company_id,
        &PositionFields {
            title: "Чужая должность".into(),
        },
        START,
    )
    .await
    .expect("their position");
    (other, position)
}

/// Creates a position as `token`; answers its id.
async fn create(app: &TestApp, token: &str, title: &str) -> i64 {
    let reply = app
        .call(
            "POST",
            "/v1/positions",
            Some(token),
            Some(&json!({"title": title})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["items"]["id"].as_i64().expect("id")
}

/// Gives an employee a position period (dates as SQL literals or NULL).
async fn hold(app: &TestApp, employee: i64, position: i64, start: &str, end: &str) {
    testing::execute(
        &app.store,
        &format!(
            "INSERT INTO employee_positions (employee_id, position_id, start_date, end_date, created_at) \
             VALUES ($1, $2, {start}, {end}, 0)"
        ),
        &[employee, position],
    )
    .await;
}

#[tokio::test]
async fn positions_are_created_read_listed_renamed_and_deleted_in_the_reference_shape() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let reply = app
            .call(
                "POST",
                "/v1/positions",
                Some(&token),
                Some(&json!({"title": "Test position"})),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        let id = reply.body["items"]["id"].as_i64().expect("the real new id");
        assert!(id > 0);
        assert_eq!(
            reply.body,
            json!({"items": {"id": id, "title": "Test position", "count_employees": 0}})
        );

        let one = app.get(&format!("/v1/positions/{id}"), Some(&token)).await;
        assert_eq!(one.status, 200, "{}", one.text);
        assert_eq!(
            one.body,
            json!({"id": id, "title": "Test position", "count_employees": 0})
        );

        let list = app.get("/v1/positions", Some(&token)).await;
        assert_eq!(list.status, 200, "{}", list.text);
        assert_eq!(
            list.body["items"],
            json!([{"id": id, "title": "Test position", "count_employees": 0}])
        );
        assert_eq!(
            list.body["_meta"],
            json!({"totalCount": 1, "pageCount": 1, "currentPage": 1, "perPage": 50})
        );
        assert_eq!(
            list.body["_links"]["self"]["href"],
            format!("{}/v1/positions?page=1&per-page=50", app.base)
        );

        let renamed = app
            .put_json(
                &format!("/v1/positions/{id}"),
                &json!({"title": "  edit position "}),
                &token,
            )
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.text);
        assert_eq!(
            renamed.body,
            json!({"id": id, "title": "edit position", "count_employees": 0})
        );
        // Absent or empty titles change nothing and log nothing.
        for body in [
            json!({}),
            json!({"title": ""}),
            json!({"title": "edit position"}),
        ] {
            let same = app
                .put_json(&format!("/v1/positions/{id}"), &body, &token)
                .await;
            assert_eq!(same.status, 200, "{}", same.text);
            assert_eq!(same.body, renamed.body);
        }

        let deleted = app
            .delete(&format!("/v1/positions/delete/{id}"), &token)
            .await;
        assert_eq!(deleted.status, 200, "{}", deleted.text);
        assert_eq!(deleted.body, json!({"message": "success"}));
        app.get(&format!("/v1/positions/{id}"), Some(&token))
            .await
            .assert_error(404, 3000);
        app.delete(&format!("/v1/positions/delete/{id}"), &token)
            .await
            .assert_error(404, 3000);

        // One row per change, in the company's language, by the admin.
        let admin = json!({"id": app.company.admin_user_id.0, "full_name": "Администратор"});
        for (action, message) in [
            (
                "createdPosition",
                "Администратор создал(а) должность «Test position»",
            ),
            (
                "updatedPosition",
                "Администратор изменил(а) должность «edit position»",
            ),
            (
                "deletedPosition",
                "Администратор удалил(а) должность «edit position»",
            ),
        ] {
            let rows = app.activities(&token, action).await;
            assert_eq!(rows.len(), 1, "{action}: {rows:?}");
            let row = &rows[0];
            assert_eq!(row["action_name"], action);
            assert_eq!(row["user"], admin);
            assert_eq!(row["object_id"], id);
            assert_eq!(row["person_id"], Value::Null);
            assert_eq!(row["message"], message);
            assert_eq!(row["created_at"], "2025-03-04 09:00:00");
        }
    })
    .await;
}

#[tokio::test]
async fn count_employees_counts_active_holders_today_and_delete_waits_for_them() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let position = create(&app, &token, "Бухгалтер").await;
        let (current, _) = app.add_user("a@test.uz", Role::Employee, "Анвар").await;
        let (ending_today, _) = app.add_user("b@test.uz", Role::Employee, "Бобур").await;
        let (past, _) = app.add_user("c@test.uz", Role::Employee, "Вали").await;
        let (future, _) = app.add_user("d@test.uz", Role::Employee, "Гуля").await;
        let (dismissed, _) = app.add_user("e@test.uz", Role::Employee, "Дилшод").await;
        // Today is 2025-03-04 in Tashkent.
        hold(&app, current, position, "'2025-01-01'", "NULL").await;
        hold(&app, ending_today, position, "'2025-01-01'", "'2025-03-04'").await;
        hold(&app, past, position, "'2024-01-01'", "'2025-03-03'").await;
        hold(&app, future, position, "'2025-03-05'", "NULL").await;
        hold(&app, dismissed, position, "'2025-01-01'", "NULL").await;
        testing::execute(
            &app.store,
            "UPDATE employees SET status = 'dismissed' WHERE id = $1",
            &[dismissed],
        )
        .await;
        let one = app
            .get(&format!("/v1/positions/{position}"), Some(&token))
            .await;
        assert_eq!(one.body["count_employees"], 2, "{}", one.text);
        let list = app.get("/v1/positions", Some(&token)).await;
        assert_eq!(list.body["items"][0]["count_employees"], 2);

        // Refused while anyone holds it or is due to take it, whatever their status.
        let path = format!("/v1/positions/delete/{position}");
        app.delete(&path, &token).await.assert_error(400, 7011);
        for employee in [current, ending_today, future] {
            testing::execute(
                &app.store,
                "DELETE FROM employee_positions WHERE employee_id = $1",
                &[employee],
            )
            .await;
            app.delete(&path, &token).await.assert_error(400, 7011);
        }
        testing::execute(
            &app.store,
            "DELETE FROM employee_positions WHERE employee_id = $1",
            &[dismissed],
        )
        .await;
        // Only the closed period is left: it goes with the position.
        let deleted = app.delete(&path, &token).await;
        assert_eq!(deleted.status, 200, "{}", deleted.text);
        assert_eq!(
            testing::scalar(
                &app.store,
                "SELECT count(*) FROM employee_positions WHERE position_id = $1",
                &[position],
            )
            .await,
            0
        );
        assert_eq!(app.activities(&token, "deletedPosition").await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn every_failing_field_is_reported_with_its_code() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let taken = create(&app, &token, "Кассир").await;
        let other = create(&app, &token, "Oʻqituvchi № 2 (katta)").await;
        let long = "д".repeat(250);
        create(&app, &token, &long).await;
        let cases = [
            (json!({}), 8002),
            (json!({"title": ""}), 8002),
            (json!({"title": "   "}), 8002),
            (json!({"title": null}), 8002),
            (json!({"title": "д".repeat(251)}), 8003),
            (json!({"title": "<script>"}), 8003),
            (json!({"title": "a@b"}), 8003),
            (json!({"title": ["Кассир"]}), 8003),
            (json!({"title": {"ru": "Кассир"}}), 8003),
            (json!({"title": "Кассир"}), 8008),
            (json!({"title": " кассир "}), 8008),
            (json!({"title": "OʻQITUVCHI № 2 (KATTA)"}), 8008),
        ];
        for (body, code) in cases {
            let reply = app
                .call("POST", "/v1/positions", Some(&token), Some(&body))
                .await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.body["message"], "Validation Failed");
            assert_eq!(
                reply.field_errors(),
                vec![("title".to_string(), code)],
                "{body}"
            );
        }
        // A number is a title too (lenient types).
        let numeric = app
            .call(
                "POST",
                "/v1/positions",
                Some(&token),
                Some(&json!({"title": 331})),
            )
            .await;
        assert_eq!(numeric.status, 201, "{}", numeric.text);
        assert_eq!(numeric.body["items"]["title"], "331");

        // PUT: too long, wrong characters, another position's title.
        let path = format!("/v1/positions/{other}");
        for (body, code) in [
            (json!({"title": "д".repeat(251)}), 8003),
            (json!({"title": "a > b"}), 8003),
            (json!({"title": true}), 8003),
            (json!({"title": "КАССИР"}), 8008),
        ] {
            let reply = app.put_json(&path, &body, &token).await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.field_errors(), vec![("title".to_string(), code)]);
        }
        // Its own title in another case is no clash.
        let recased = app
            .put_json(&path, &json!({"title": "oʻqituvchi № 2 (katta)"}), &token)
            .await;
        assert_eq!(recased.status, 200, "{}", recased.text);
        assert_eq!(recased.body["title"], "oʻqituvchi № 2 (katta)");
        let _ = taken;

        // Malformed bodies are 400/4001.
        let broken = app
            .send(
                app.http
                    .post(app.url("/v1/positions"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body("{\"title\": \"x\",}"),
            )
            .await;
        broken.assert_error(400, 4001);
        // Nothing was logged for the refusals.
        assert_eq!(app.activities(&token, "createdPosition").await.len(), 4);
        assert_eq!(app.activities(&token, "updatedPosition").await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn every_role_reads_and_only_admins_write() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let id = create(&app, &admin, "Охранник").await;
        let expected = json!({"id": id, "title": "Охранник", "count_employees": 0});
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
            let list = app.get("/v1/positions", Some(&token)).await;
            assert_eq!(list.status, 200, "{role:?}: {}", list.text);
            assert_eq!(list.body["items"], json!([expected]));
            let one = app.get(&format!("/v1/positions/{id}"), Some(&token)).await;
            assert_eq!(one.body, expected, "{role:?}");
            app.call(
                "POST",
                "/v1/positions",
                Some(&token),
                Some(&json!({"title": "Новая"})),
            )
            .await
            .assert_error(403, 7004);
            app.call(
                "PUT",
                &format!("/v1/positions/{id}"),
                Some(&token),
                Some(&json!({"title": "Новая"})),
            )
            .await
            .assert_error(403, 7004);
            app.delete(&format!("/v1/positions/delete/{id}"), &token)
                .await
                .assert_error(403, 7004);
            // The role check comes before the path id's.
            app.delete("/v1/positions/delete/999999", &token)
                .await
                .assert_error(403, 7004);
        }
        let unchanged = app.get(&format!("/v1/positions/{id}"), Some(&admin)).await;
        assert_eq!(unchanged.body, expected);
        assert_eq!(app.activities(&admin, "createdPosition").await.len(), 1);
        assert!(app.activities(&admin, "updatedPosition").await.is_empty());
        // Without a token: 401/7007.
        app.get("/v1/positions", None).await.assert_error(401, 7007);
    })
    .await;
}

#[tokio::test]
async fn another_companys_positions_are_not_found() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let own = create(&app, &token, "Своя").await;
        let (other, theirs) = other_company(&app).await;
        for path in [
            format!("/v1/positions/{theirs}"),
            "/v1/positions/999999".to_string(),
            "/v1/positions/abc".to_string(),
        ] {
            app.get(&path, Some(&token)).await.assert_error(404, 3000);
            app.put_json(&path, &json!({"title": "Захват"}), &token)
                .await
                .assert_error(404, 3000);
        }
        for path in [
            format!("/v1/positions/delete/{theirs}"),
            "/v1/positions/delete/abc".to_string(),
        ] {
            app.delete(&path, &token).await.assert_error(404, 3000);
        }
        let list = app.get("/v1/positions", Some(&token)).await;
        assert_eq!(
            list.body["items"],
            json!([{"id": own, "title": "Своя", "count_employees": 0}])
        );
        // Their titles do not clash with ours.
        create(&app, &token, "Чужая должность").await;
        let theirs_now = positions::find(
            app.store.connection(),
            other.company_id,
            theirs,
            chrono::NaiveDate::from_ymd_opt(2025, 3, 4).expect("date"),
        )
        .await
        .expect("read")
        .expect("still there");
        assert_eq!(theirs_now.title, "Чужая должность");
    })
    .await;
}

#[tokio::test]
async fn lists_page_by_id_with_links() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let mut ids = Vec::new();
        for title in ["Первая", "Вторая", "Третья"] {
            ids.push(create(&app, &token, title).await);
        }
        let page = app
            .get("/v1/positions?per-page=2&page=2", Some(&token))
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert_eq!(
            page.body["items"],
            json!([{"id": ids[2], "title": "Третья", "count_employees": 0}])
        );
        assert_eq!(
            page.body["_meta"],
            json!({"totalCount": 3, "pageCount": 2, "currentPage": 2, "perPage": 2})
        );
        let base = format!("{}/v1/positions", app.base);
        assert_eq!(
            page.body["_links"]["prev"]["href"],
            format!("{base}?page=1&per-page=2")
        );
        assert!(page.body["_links"].get("next").is_none());
        let first = app.get("/v1/positions?limit=2", Some(&token)).await;
        let first_ids: Vec<i64> = first.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["id"].as_i64().expect("id"))
            .collect();
        assert_eq!(first_ids, ids[..2].to_vec());
        assert_eq!(
            first.body["_links"]["next"]["href"],
            format!("{base}?page=2&per-page=2")
        );
    })
    .await;
}

#[tokio::test]
async fn form_bodies_create_and_rename() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let created = app
            .form(
                "POST",
                "/v1/positions",
                &token,
                "title=HR-%D0%BC%D0%B5%D0%BD%D0%B5%D0%B4%D0%B6%D0%B5%D1%80",
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        let id = created.body["items"]["id"].as_i64().expect("id");
        assert_eq!(
            created.body,
            json!({"items": {"id": id, "title": "HR-менеджер", "count_employees": 0}})
        );
        let renamed = app
            .form(
                "PUT",
                &format!("/v1/positions/{id}"),
                &token,
                "title=Team+Leader",
            )
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.text);
        assert_eq!(
            renamed.body,
            json!({"id": id, "title": "Team Leader", "count_employees": 0})
        );
        let refused = app.form("POST", "/v1/positions", &token, "title=").await;
        refused.assert_error(422, 8001);
        assert_eq!(refused.field_errors(), vec![("title".to_string(), 8002)]);
        // A form Content-Type on a GET without a body is ignored.
        let read = app
            .send(
                app.http
                    .get(app.url(&format!("/v1/positions/{id}")))
                    .bearer_auth(&token)
                    .header("content-type", "application/x-www-form-urlencoded"),
            )
            .await;
        assert_eq!(read.body, renamed.body);
    })
    .await;
}
