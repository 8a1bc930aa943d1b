//! `/v1/departments`: the tree's shape, nesting and paging, validation codes, roles and
//! their scopes, other companies' ids, delete rules and the activity rows written.

use davomat_core::{Lang, Role};
use davomat_store::companies::CreatedCompany;
use davomat_store::testing;
use serde_json::{Value, json};

use crate::support::{OTHER_PASSWORD, Reply, START, TestApp, each_backend};

const DEFAULT_TITLE: &str = "Отдел по умолчанию";

/// The default department of the test company (the admin's).
async fn default_department(app: &TestApp) -> i64 {
    testing::scalar(
        &app.store,
        "SELECT department_id FROM employees WHERE id = $1",
        &[app.company.admin_employee_id.0],
    )
    .await
}

async fn post(app: &TestApp, token: &str, body: Value) -> Reply {
    app.call("POST", "/v1/departments", Some(token), Some(&body))
        .await
}

/// Creates a department and answers its id.
async fn make(app: &TestApp, token: &str, title: &str, pid: Option<i64>) -> i64 {
    let mut body = json!({ "title": title });
    if let Some(pid) = pid {
        body["pid"] = json!(pid);
    }
    let reply = post(app, token, body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["id"].as_i64().expect("id")
}

fn leaf(id: i64, title: &str, pid: Option<i64>, count: i64) -> Value {
    json!({"id": id, "title": title, "pid": pid, "count_employees": count, "childs": []})
}

fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

async fn other_token(app: &TestApp, other: &CreatedCompany, email: &str) -> String {
    let reply = app
        .post_form(
            "/v1/oauth/token",
            &format!(
                "grant_type=password&client_id={}&client_secret={}&username={email}&password={OTHER_PASSWORD}",
                other.client.client_id, other.client.client_secret
            ),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["access_token"]
        .as_str()
        .expect("token")
        .to_string()
}

/// (object_id, message) of the log rows with this action, newest first.
async fn logged(app: &TestApp, token: &str, action: &str) -> Vec<(i64, String)> {
    let reply = app
        .get(
            &format!("/v1/user-activities?action_name={action}"),
            Some(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["object_id"].as_i64().expect("object"),
                i["message"].as_str().expect("message").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn create_get_and_list_answer_the_department_object() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let default = default_department(&app).await;

        let created = post(&app, &token, json!({"title": "  Продажи "})).await;
        assert_eq!(created.status, 201, "{}", created.text);
        let sales = created.body["id"].as_i64().expect("id");
        assert_eq!(created.body, leaf(sales, "Продажи", None, 0));

        // Lenient types: pid as a numeric string, title as a number.
        let child = post(
            &app,
            &token,
            json!({"title": 331, "pid": sales.to_string()}),
        )
        .await;
        assert_eq!(child.status, 201, "{}", child.text);
        let c331 = child.body["id"].as_i64().expect("id");
        assert_eq!(child.body, leaf(c331, "331", Some(sales), 0));

        // A form body, as every write endpoint accepts.
        let formed = app
            .form(
                "POST",
                "/v1/departments",
                &token,
                &format!("title=Склад № 2&pid={sales}"),
            )
            .await;
        assert_eq!(formed.status, 201, "{}", formed.text);
        let store = formed.body["id"].as_i64().expect("id");
        assert_eq!(formed.body, leaf(store, "Склад № 2", Some(sales), 0));

        let one = app
            .get(&format!("/v1/departments/{sales}"), Some(&token))
            .await;
        assert_eq!(one.status, 200, "{}", one.text);
        assert_eq!(
            one.body,
            json!({"id": sales, "title": "Продажи", "pid": null, "count_employees": 0, "childs": [
                leaf(c331, "331", Some(sales), 0),
                leaf(store, "Склад № 2", Some(sales), 0),
            ]})
        );

        let list = app.get("/v1/departments", Some(&token)).await;
        assert_eq!(list.status, 200, "{}", list.text);
        let href = format!("{}/v1/departments?page=1&per-page=50", app.base);
        assert_eq!(
            list.body,
            json!({
                "items": [leaf(default, DEFAULT_TITLE, None, 1), one.body],
                "_links": {"self": {"href": href}, "first": {"href": href}, "last": {"href": href}},
                "_meta": {"totalCount": 2, "pageCount": 1, "currentPage": 1, "perPage": 50},
            })
        );
    })
    .await;
}

#[tokio::test]
async fn count_employees_counts_own_active_employees_only() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let default = default_department(&app).await;
        let sub = make(&app, &token, "Подотдел", Some(default)).await;
        let (moved, _) = app.add_user("moved@test.uz", Role::Employee, "Иван").await;
        let (gone, _) = app.add_user("gone@test.uz", Role::Employee, "Пётр").await;
        let _ = app.add_user("stays@test.uz", Role::Employee, "Олег").await;
        testing::execute(
            &app.store,
            "UPDATE employees SET department_id = $1 WHERE id = $2",
            &[sub, moved],
        )
        .await;
        testing::execute(
            &app.store,
            "UPDATE employees SET status = 'dismissed' WHERE id = $1",
            &[gone],
        )
        .await;
        let reply = app
            .get(&format!("/v1/departments/{default}"), Some(&token))
            .await;
        // The admin and Олег; Иван is counted below, the dismissed Пётр nowhere.
        assert_eq!(
            reply.body,
            json!({"id": default, "title": DEFAULT_TITLE, "pid": null, "count_employees": 2,
                   "childs": [leaf(sub, "Подотдел", Some(default), 1)]})
        );
    })
    .await;
}

#[tokio::test]
async fn the_tree_nests_to_any_depth_and_pages_by_top_department() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let default = default_department(&app).await;
        let a = make(&app, &token, "A", None).await;
        let b = make(&app, &token, "B", Some(a)).await;
        let c = make(&app, &token, "C", Some(b)).await;
        let d = make(&app, &token, "D", Some(c)).await;
        let b2 = make(&app, &token, "B2", Some(a)).await;
        let e = make(&app, &token, "E", None).await;

        let page = app.get("/v1/departments?per-page=1&page=2", Some(&token)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let link = |n: u32| json!({"href": format!("{}/v1/departments?page={n}&per-page=1", app.base)});
        assert_eq!(
            page.body,
            json!({
                "items": [{"id": a, "title": "A", "pid": null, "count_employees": 0, "childs": [
                    {"id": b, "title": "B", "pid": a, "count_employees": 0, "childs": [
                        {"id": c, "title": "C", "pid": b, "count_employees": 0, "childs": [
                            leaf(d, "D", Some(c), 0)
                        ]}
                    ]},
                    leaf(b2, "B2", Some(a), 0),
                ]}],
                "_links": {"self": link(2), "first": link(1), "last": link(3), "prev": link(1), "next": link(3)},
                "_meta": {"totalCount": 3, "pageCount": 3, "currentPage": 2, "perPage": 1},
            })
        );
        let first = app.get("/v1/departments?per-page=1", Some(&token)).await;
        assert_eq!(ids(&first.body), vec![default]);
        let last = app.get("/v1/departments?limit=1&page=3", Some(&token)).await;
        assert_eq!(ids(&last.body), vec![e]);
        assert!(last.body["_links"].get("next").is_none());
        let past = app.get("/v1/departments?per-page=1&page=7", Some(&token)).await;
        assert_eq!(past.body["items"], json!([]));
        assert_eq!(past.body["_meta"]["currentPage"], 7);

        // GET of a middle department shows it and what is below it.
        let middle = app.get(&format!("/v1/departments/{c}"), Some(&token)).await;
        assert_eq!(
            middle.body,
            json!({"id": c, "title": "C", "pid": b, "count_employees": 0, "childs": [leaf(d, "D", Some(c), 0)]})
        );
    })
    .await;
}

#[tokio::test]
async fn every_validation_code_of_create() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let default = default_department(&app).await;
        let cases: Vec<(Value, Vec<(&str, i64)>)> = vec![
            (json!({}), vec![("title", 8002)]),
            (json!({"title": "   "}), vec![("title", 8002)]),
            (json!({"title": "x".repeat(201)}), vec![("title", 8003)]),
            (json!({"title": "Склад <1>"}), vec![("title", 8003)]),
            (json!({"title": "a@b"}), vec![("title", 8003)]),
            (json!({"title": ["A"]}), vec![("title", 8003)]),
            (json!({"title": "A", "pid": "abc"}), vec![("pid", 8003)]),
            (json!({"title": "A", "pid": -1}), vec![("pid", 8003)]),
            (json!({"title": "A", "pid": 1.5}), vec![("pid", 8003)]),
            (json!({"title": "A", "pid": 999_999}), vec![("pid", 8004)]),
            // Every failing field at once.
            (
                json!({"title": "<x>", "pid": 999_999}),
                vec![("title", 8003), ("pid", 8004)],
            ),
            (json!({"pid": "x"}), vec![("title", 8002), ("pid", 8003)]),
            // A sibling's title, whatever its case and spaces.
            (
                json!({"title": " отдел ПО умолчанию "}),
                vec![("title", 8008)],
            ),
        ];
        for (body, expected) in cases {
            let reply = post(&app, &token, body.clone()).await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.body["message"], "Validation Failed");
            let expected: Vec<(String, i64)> = expected
                .into_iter()
                .map(|(f, c)| (f.to_string(), c))
                .collect();
            assert_eq!(reply.field_errors(), expected, "{body}");
        }
        // 200 characters exactly is fine; so is a title taken elsewhere in the tree.
        make(&app, &token, &"я".repeat(200), None).await;
        let under = make(&app, &token, DEFAULT_TITLE, Some(default)).await;
        let dup = post(
            &app,
            &token,
            json!({"title": DEFAULT_TITLE, "pid": default}),
        )
        .await;
        dup.assert_error(422, 8001);
        assert_eq!(dup.field_errors(), vec![("title".to_string(), 8008)]);
        // pid 0 is the root, where the title is taken.
        let root = post(&app, &token, json!({"title": DEFAULT_TITLE, "pid": 0})).await;
        assert_eq!(root.field_errors(), vec![("title".to_string(), 8008)]);
        // Malformed JSON is 400/4001, before validation.
        let broken = app
            .send(
                app.http
                    .post(app.url("/v1/departments"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body("{\"title\": \"A\",}"),
            )
            .await;
        broken.assert_error(400, 4001);
        let count = testing::scalar(
            &app.store,
            "SELECT count(*) FROM departments WHERE company_id = $1",
            &[app.company.company_id.0],
        )
        .await;
        assert_eq!(
            count, 3,
            "only the valid creates landed (default, 200×я, {under})"
        );
    })
    .await;
}

#[tokio::test]
async fn put_and_patch_rename_and_move_what_they_name() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let default = default_department(&app).await;
        let a = make(&app, &token, "A", None).await;
        let b = make(&app, &token, "B", Some(a)).await;
        let c = make(&app, &token, "C", Some(b)).await;

        // PATCH the title only: the parent stays.
        let renamed = app.call("PATCH", &format!("/v1/departments/{b}"), Some(&token), Some(&json!({"title": "B!"}))).await;
        renamed.assert_error(422, 8001);
        assert_eq!(renamed.field_errors(), vec![("title".to_string(), 8003)]);
        let renamed = app.call("PATCH", &format!("/v1/departments/{b}"), Some(&token), Some(&json!({"title": "Бэ"}))).await;
        assert_eq!(renamed.status, 200, "{}", renamed.text);
        assert_eq!(
            renamed.body,
            json!({"id": b, "title": "Бэ", "pid": a, "count_employees": 0, "childs": [leaf(c, "C", Some(b), 0)]})
        );

        // PUT the parent only: the title stays; the subtree moves with it.
        let moved = app.put_json(&format!("/v1/departments/{b}"), &json!({"pid": default}), &token).await;
        assert_eq!(moved.status, 200, "{}", moved.text);
        assert_eq!(moved.body["pid"], default);
        assert_eq!(moved.body["title"], "Бэ");
        assert_eq!(moved.body["childs"], json!([leaf(c, "C", Some(b), 0)]));

        // "pid": 0 moves to the root; a form body works as well.
        let root = app.form("PUT", &format!("/v1/departments/{c}"), &token, "pid=0").await;
        assert_eq!(root.status, 200, "{}", root.text);
        assert_eq!(root.body, leaf(c, "C", None, 0));

        // An empty body, null pid and an empty title change nothing.
        let same = app.call("PATCH", &format!("/v1/departments/{c}"), Some(&token), Some(&json!({"pid": null, "title": ""}))).await;
        assert_eq!(same.body, leaf(c, "C", None, 0));

        // Cycles: under itself or below itself.
        let itself = app.put_json(&format!("/v1/departments/{default}"), &json!({"pid": default}), &token).await;
        itself.assert_error(422, 8001);
        assert_eq!(itself.field_errors(), vec![("pid".to_string(), 8003)]);
        let below = app.put_json(&format!("/v1/departments/{default}"), &json!({"pid": b}), &token).await;
        assert_eq!(below.field_errors(), vec![("pid".to_string(), 8003)]);
        let unknown = app.put_json(&format!("/v1/departments/{a}"), &json!({"pid": 999_999, "title": "<>"}), &token).await;
        assert_eq!(unknown.field_errors(), vec![("title".to_string(), 8003), ("pid".to_string(), 8004)]);

        // Siblings' titles: renaming to one, or moving next to one with the same title.
        let clash = app.put_json(&format!("/v1/departments/{c}"), &json!({"title": "a"}), &token).await;
        assert_eq!(clash.field_errors(), vec![("title".to_string(), 8008)]);
        let other_c = make(&app, &token, "C", Some(a)).await;
        let moving = app.put_json(&format!("/v1/departments/{c}"), &json!({"pid": a}), &token).await;
        assert_eq!(moving.field_errors(), vec![("title".to_string(), 8008)]);
        // Its own title is no clash.
        let own = app.put_json(&format!("/v1/departments/{other_c}"), &json!({"title": "c", "pid": a}), &token).await;
        assert_eq!(own.status, 200, "{}", own.text);

        let tree = app.get("/v1/departments", Some(&token)).await;
        assert_eq!(ids(&tree.body), vec![default, a, c]);
    })
    .await;
}

#[tokio::test]
async fn only_admins_write_and_every_role_reads_its_scope() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let default = default_department(&app).await;
        let sub = make(&app, &admin, "Подотдел", Some(default)).await;
        let other = make(&app, &admin, "Другой", None).await;
        let other_sub = make(&app, &admin, "Другой подотдел", Some(other)).await;
        let deep = make(&app, &admin, "Глубже", Some(other_sub)).await;
        let (_, head) = app.add_user("head@test.uz", Role::DepartmentHead, "Руководитель").await;
        let (_, manager) = app.add_user("manager@test.uz", Role::DepartmentManager, "Менеджер").await;
        let (_, observer) = app.add_user("observer@test.uz", Role::Observer, "Наблюдатель").await;
        let (_, employee) = app.add_user("employee@test.uz", Role::Employee, "Сотрудник").await;
        // The manager also oversees a sub-department of another tree.
        let manager_user = testing::scalar(&app.store, "SELECT id FROM users WHERE email = 'manager@test.uz'", &[]).await;
        testing::execute(&app.store, "INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2)", &[manager_user, other_sub]).await;

        for token in [&head, &manager, &observer, &employee] {
            post(&app, token, json!({"title": "Новый"})).await.assert_error(403, 7004);
            for method in ["PUT", "PATCH"] {
                app.call(method, &format!("/v1/departments/{sub}"), Some(token), Some(&json!({"title": "X"})))
                    .await
                    .assert_error(403, 7004);
            }
            app.delete(&format!("/v1/departments/{sub}"), token).await.assert_error(403, 7004);
            // 403 comes before the path id and the body.
            app.delete("/v1/departments/999999", token).await.assert_error(403, 7004);
            post(&app, token, json!({})).await.assert_error(403, 7004);
            // Any role reads any department of the company by id.
            let one = app.get(&format!("/v1/departments/{other}"), Some(token)).await;
            assert_eq!(one.status, 200, "{}", one.text);
            assert_eq!(one.body["childs"][0]["childs"][0]["id"], deep);
        }
        app.call("POST", "/v1/departments", None, Some(&json!({"title": "A"})))
            .await
            .assert_error(401, 7007);

        let default_tree = json!({"id": default, "title": DEFAULT_TITLE, "pid": null, "count_employees": 5,
                                  "childs": [leaf(sub, "Подотдел", Some(default), 0)]});
        for token in [&head, &observer] {
            let list = app.get("/v1/departments", Some(token)).await;
            assert_eq!(list.status, 200, "{}", list.text);
            assert_eq!(list.body["items"], json!([default_tree]));
            assert_eq!(list.body["_meta"]["totalCount"], 1);
        }
        // The forest of the manager: the topmost departments of their scope are roots.
        let list = app.get("/v1/departments", Some(&manager)).await;
        assert_eq!(
            list.body["items"],
            json!([default_tree, {"id": other_sub, "title": "Другой подотдел", "pid": other, "count_employees": 0,
                                  "childs": [leaf(deep, "Глубже", Some(other_sub), 0)]}])
        );
        // An employee sees their own department, without what is below it.
        let list = app.get("/v1/departments", Some(&employee)).await;
        assert_eq!(list.body["items"], json!([leaf(default, DEFAULT_TITLE, None, 5)]));
        assert_eq!(list.body["_meta"]["totalCount"], 1);
        // The admin sees the company.
        let list = app.get("/v1/departments", Some(&admin)).await;
        assert_eq!(ids(&list.body), vec![default, other]);
    })
    .await;
}

#[tokio::test]
async fn another_companys_departments_are_not_found_and_not_referable() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let mine = make(&app, &token, "Мой", None).await;
        let other = app.second_company("admin@other.uz", Lang::Ru).await;
        let theirs = testing::scalar(
            &app.store,
            "SELECT department_id FROM employees WHERE id = $1",
            &[other.admin_employee_id.0],
        )
        .await;
        let path = format!("/v1/departments/{theirs}");
        app.get(&path, Some(&token)).await.assert_error(404, 3000);
        app.put_json(&path, &json!({"title": "X"}), &token)
            .await
            .assert_error(404, 3000);
        app.call("PATCH", &path, Some(&token), Some(&json!({"title": "X"})))
            .await
            .assert_error(404, 3000);
        app.delete(&path, &token).await.assert_error(404, 3000);
        for missing in [
            "/v1/departments/999999",
            "/v1/departments/abc",
            "/v1/departments/0",
        ] {
            app.get(missing, Some(&token)).await.assert_error(404, 3000);
        }
        // 404 for the path comes before 400 for a body.
        app.send(
            app.http
                .put(app.url(&path))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body("{"),
        )
        .await
        .assert_error(404, 3000);

        let created = post(&app, &token, json!({"title": "Чужой", "pid": theirs})).await;
        created.assert_error(422, 8001);
        assert_eq!(created.field_errors(), vec![("pid".to_string(), 8004)]);
        let moved = app
            .put_json(
                &format!("/v1/departments/{mine}"),
                &json!({"pid": theirs}),
                &token,
            )
            .await;
        assert_eq!(moved.field_errors(), vec![("pid".to_string(), 8004)]);

        // Their admin does not see ours either, and their list holds their tree only.
        let their_token = other_token(&app, &other, "admin@other.uz").await;
        app.get(&format!("/v1/departments/{mine}"), Some(&their_token))
            .await
            .assert_error(404, 3000);
        let list = app.get("/v1/departments", Some(&their_token)).await;
        assert_eq!(ids(&list.body), vec![theirs]);
        // Same titles live in both companies.
        let same = post(&app, &their_token, json!({"title": "Мой"})).await;
        assert_eq!(same.status, 201, "{}", same.text);
    })
    .await;
}

#[tokio::test]
async fn delete_refuses_while_employees_are_below_and_takes_empty_children() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let default = default_department(&app).await;
        app.delete(&format!("/v1/departments/{default}"), &token).await.assert_error(400, 7011);

        let a = make(&app, &token, "A", None).await;
        let b = make(&app, &token, "B", Some(a)).await;
        let c = make(&app, &token, "C", Some(b)).await;
        let b2 = make(&app, &token, "B2", Some(a)).await;
        let (worker, _) = app.add_user("worker@test.uz", Role::Employee, "Работник").await;
        testing::execute(&app.store, "UPDATE employees SET department_id = $1 WHERE id = $2", &[c, worker]).await;
        app.delete(&format!("/v1/departments/{a}"), &token).await.assert_error(400, 7011);
        app.delete(&format!("/v1/departments/{b}"), &token).await.assert_error(400, 7011);
        // Any status counts: a dismissed employee still belongs to the department.
        testing::execute(&app.store, "UPDATE employees SET status = 'dismissed' WHERE id = $1", &[worker]).await;
        app.delete(&format!("/v1/departments/{c}"), &token).await.assert_error(400, 7011);

        // Out of the tree, but with an open period of department history in B2.
        testing::execute(&app.store, "UPDATE employees SET department_id = $1 WHERE id = $2", &[default, worker]).await;
        testing::execute(
            &app.store,
            "INSERT INTO employee_departments (employee_id, department_id, start_date, end_date, created_at) \
             VALUES ($1, $2, '2025-01-01', NULL, $3)",
            &[worker, b2, START],
        )
        .await;
        testing::execute(
            &app.store,
            "INSERT INTO employee_departments (employee_id, department_id, start_date, end_date, created_at) \
             VALUES ($1, $2, '2024-01-01', '2024-12-31', $3)",
            &[worker, c, START],
        )
        .await;
        app.delete(&format!("/v1/departments/{a}"), &token).await.assert_error(400, 7011);
        // Closed periods go with the departments.
        testing::execute(&app.store, "UPDATE employee_departments SET end_date = '2025-02-01' WHERE department_id = $1", &[b2]).await;
        let gone = app.delete(&format!("/v1/departments/{a}"), &token).await;
        assert_eq!(gone.status, 200, "{}", gone.text);
        assert_eq!(gone.body, json!({"message": "success"}));
        for id in [a, b, c, b2] {
            app.get(&format!("/v1/departments/{id}"), Some(&token)).await.assert_error(404, 3000);
        }
        assert_eq!(
            testing::scalar(
                &app.store,
                "SELECT count(*) FROM employee_departments WHERE department_id IN ($1, $2)",
                &[b2, c]
            )
            .await,
            0
        );
        app.delete(&format!("/v1/departments/{a}"), &token).await.assert_error(404, 3000);
        let list = app.get("/v1/departments", Some(&token)).await;
        assert_eq!(ids(&list.body), vec![default]);

        // An empty leaf goes alone; overseers' assignments go with it.
        let leafy = make(&app, &token, "Лист", Some(default)).await;
        let (_, head) = app.add_user("head@test.uz", Role::DepartmentHead, "Рук").await;
        let head_user = testing::scalar(&app.store, "SELECT id FROM users WHERE email = 'head@test.uz'", &[]).await;
        testing::execute(&app.store, "INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2)", &[head_user, leafy]).await;
        let gone = app.delete(&format!("/v1/departments/{leafy}"), &token).await;
        assert_eq!(gone.status, 200, "{}", gone.text);
        let list = app.get("/v1/departments", Some(&head)).await;
        assert_eq!(list.body["items"][0]["childs"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn every_change_writes_its_activity_row_in_the_company_language() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let admin_user = app.company.admin_user_id.0;
        let a = make(&app, &token, "Продажи", None).await;
        let b = make(&app, &token, "Склад", Some(a)).await;
        // Refused changes write nothing.
        post(&app, &token, json!({"title": "Продажи"}))
            .await
            .assert_error(422, 8001);
        app.put_json(&format!("/v1/departments/{a}"), &json!({"pid": b}), &token)
            .await
            .assert_error(422, 8001);
        // A change that changes nothing writes nothing either.
        let same = app
            .put_json(
                &format!("/v1/departments/{a}"),
                &json!({"title": "Продажи"}),
                &token,
            )
            .await;
        assert_eq!(same.status, 200, "{}", same.text);
        let renamed = app
            .call(
                "PATCH",
                &format!("/v1/departments/{a}"),
                Some(&token),
                Some(&json!({"title": "Сбыт"})),
            )
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.text);
        let gone = app.delete(&format!("/v1/departments/{a}"), &token).await;
        assert_eq!(gone.status, 200, "{}", gone.text);

        assert_eq!(
            logged(&app, &token, "createdDepartment").await,
            vec![
                (b, "Администратор создал(а) отдел «Склад»".to_string()),
                (a, "Администратор создал(а) отдел «Продажи»".to_string()),
            ]
        );
        assert_eq!(
            logged(&app, &token, "updatedDepartment").await,
            vec![(a, "Администратор изменил(а) отдел «Сбыт»".to_string())]
        );
        // The subtree deleted with it: one row per department, the one asked for first.
        let mut deleted = logged(&app, &token, "deletedDepartment").await;
        deleted.sort();
        assert_eq!(
            deleted,
            vec![
                (a, "Администратор удалил(а) отдел «Сбыт»".to_string()),
                (b, "Администратор удалил(а) отдел «Склад»".to_string()),
            ]
        );
        let one = app
            .get(
                "/v1/user-activities?action_name=updatedDepartment",
                Some(&token),
            )
            .await;
        let item = &one.body["items"][0];
        assert_eq!(
            item["user"],
            json!({"id": admin_user, "full_name": "Администратор"})
        );
        assert_eq!(item["person_id"], Value::Null);
        // `assigned` names the object, as the reference describes it.
        assert_eq!(item["assigned"], "Сбыт");

        // A company whose language is English logs in English.
        let other = app.second_company("admin@en.uz", Lang::En).await;
        let their_token = other_token(&app, &other, "admin@en.uz").await;
        let sales = make(&app, &their_token, "Sales", None).await;
        let reply = app
            .get(
                "/v1/user-activities?action_name=createdDepartment",
                Some(&their_token),
            )
            .await;
        assert_eq!(reply.body["_meta"]["totalCount"], 1);
        assert_eq!(reply.body["items"][0]["object_id"], sales);
        assert_eq!(
            reply.body["items"][0]["message"],
            "Administrator created the department “Sales”"
        );
    })
    .await;
}

#[tokio::test]
async fn concurrent_writes_keep_titles_unique_and_the_tree_acyclic() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let replies = futures_util::future::join_all(
            (0..8).map(|_| post(&app, &token, json!({"title": "Гонка"}))),
        )
        .await;
        let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 422).count(),
            7,
            "{statuses:?}"
        );

        // A under B and B under A at once: one of them wins.
        let a = make(&app, &token, "A", None).await;
        let b = make(&app, &token, "B", None).await;
        let a_path = format!("/v1/departments/{a}");
        let b_path = format!("/v1/departments/{b}");
        let (under_b, under_a) = (json!({"pid": b}), json!({"pid": a}));
        let (first, second) = tokio::join!(
            app.put_json(&a_path, &under_b, &token),
            app.put_json(&b_path, &under_a, &token),
        );
        let mut statuses = vec![first.status, second.status];
        statuses.sort();
        assert_eq!(statuses, vec![200, 422]);
        let list = app.get("/v1/departments", Some(&token)).await;
        assert_eq!(list.body["_meta"]["totalCount"], 3, "{}", list.text);
    })
    .await;
}
