//! `/v1/employees/time-off`: the TimeEmployee shape (daily and hourly), 201 on create,
//! every validation code, who may create, decide and delete for whom, tenancy, the
//! status and overlap filters, paging and the activity rows written.

use davomat_core::{Lang, Role, TimeOffTypeId};
use davomat_store::companies::CreatedCompany;
use davomat_store::testing;
use davomat_store::time_off_types::{self, TimeOffTypeFields};
use davomat_store::time_offs::{self, NewTimeOff};
use serde_json::{Value, json};

use crate::support::{Reply, START, TestApp, each_backend, field_pairs};

const PATH: &str = "/v1/employees/time-off";

/// A second company with a type and a pending time-off of its own admin; answers
/// (company, type id, time-off id).
async fn other_company(app: &TestApp) -> (CreatedCompany, i64, i64) {
    let other = app.second_company("other-admin@test.uz", Lang::Ru).await;
    let type_id = time_off_types::create(
        app.store.connection(),
        other.company_id,
        &TimeOffTypeFields {
            title: "Чужая причина".into(),
            description: String::new(),
            color: "112233".into(),
        },
        START,
    )
    .await
    .expect("their type");
    let time_off = time_offs::create(
        app.store.connection(),
        other.company_id,
        &NewTimeOff {
            employee_id: other.admin_employee_id,
            type_id: TimeOffTypeId(type_id),
            daily: true,
            start_at: START - 9 * 3600,
            end_at: START + 15 * 3600 - 1,
            description: None,
            paid: false,
            status: 0,
            created_by: Some(other.admin_user_id),
        },
        START,
    )
    .await
    .expect("their time-off");
    (other, type_id, time_off.0)
}

/// Creates a time-off type as the admin; answers its id.
async fn new_type(app: &TestApp, admin: &str, title: &str) -> i64 {
    let reply = app
        .post_json("/v1/time-offs", &json!({"title": title}), Some(admin))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["id"].as_i64().expect("id")
}

async fn post(app: &TestApp, token: &str, body: &Value) -> Reply {
    app.post_json(PATH, body, Some(token)).await
}

/// Creates a time-off as `token`; answers the whole reply body.
async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = post(app, token, &body).await;
    assert_eq!(reply.status, 201, "{body}: {}", reply.text);
    reply.body
}

/// Creates a daily time-off of `employee` from `first` to `last` as `token`; answers its id.
async fn daily(
    app: &TestApp,
    token: &str,
    employee: i64,
    kind: i64,
    first: &str,
    last: &str,
) -> i64 {
    create(
        app,
        token,
        json!({"employee_id": employee, "absence_id": kind, "start_date_time": first, "end_date_time": last}),
    )
    .await["id"]
        .as_i64()
        .expect("id")
}

async fn act(app: &TestApp, token: &str, id: i64, action: &str) -> Reply {
    app.call("POST", &format!("{PATH}/{id}/{action}"), Some(token), None)
        .await
}

async fn remove(app: &TestApp, token: &str, id: i64) -> Reply {
    app.delete(&format!("{PATH}/{id}"), token).await
}

async fn status_of(app: &TestApp, id: i64) -> i64 {
    testing::scalar(
        &app.store,
        "SELECT status FROM time_offs WHERE id = $1",
        &[id],
    )
    .await
}

/// A department outside everyone's oversight, and `employee` moved into it.
async fn move_elsewhere(app: &TestApp, employees: &[i64]) -> i64 {
    let company = app.company.company_id.0;
    testing::execute(
        &app.store,
        "INSERT INTO departments (company_id, pid, title, created_at) VALUES ($1, NULL, 'Elsewhere', 0)",
        &[company],
    )
    .await;
    let department = testing::scalar(
        &app.store,
        "SELECT max(id) FROM departments WHERE company_id = $1",
        &[company],
    )
    .await;
    for employee in employees {
        testing::execute(
            &app.store,
            "UPDATE employees SET department_id = $1 WHERE id = $2",
            &[department, *employee],
        )
        .await;
    }
    department
}

/// The login user of an employee.
async fn user_of(app: &TestApp, employee: i64) -> i64 {
    testing::scalar(
        &app.store,
        "SELECT id FROM users WHERE employee_id = $1",
        &[employee],
    )
    .await
}

/// The activity rows of one action, newest first (as the admin sees them).
async fn activities(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/v1/user-activities?action_name={action}"),
            Some(admin),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["items"].as_array().expect("items").clone()
}

fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items in {body}"))
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

/// The absence object of a type made with only a title.
fn absence(id: i64, title: &str) -> Value {
    json!({"id": id, "title": title, "description": "", "color": "A0522D"})
}

/// A TimeEmployee: pending, unpaid, daily, no description, created at START, with
/// `fields` laid over.
fn expected(id: i64, employee: i64, absence: &Value, fields: Value) -> Value {
    let mut object = json!({
        "id": id,
        "employee_id": employee,
        "start_date_time": "",
        "end_date_time": "",
        "description": null,
        "status": 0,
        "paid": false,
        "absence_type": "daily",
        "absence": absence,
        "created_at": "2025-03-04 09:00:00",
    });
    for (key, value) in fields.as_object().expect("fields") {
        object[key] = value.clone();
    }
    object
}

#[tokio::test]
async fn an_employee_requests_a_daily_time_off_for_themself() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let kind = new_type(&app, &admin, "Отпуск").await;
        let (worker, worker_token) = app.add_user("worker@test.uz", Role::Employee, "Анвар").await;
        let (_, colleague) = app.add_user("colleague@test.uz", Role::Employee, "Бобур").await;

        // Times of a daily time-off are widened to whole local days.
        let reply = post(
            &app,
            &worker_token,
            &json!({
                "absence_id": kind,
                "absence_type": "daily",
                "start_date_time": "2025-03-10 10:00:00",
                "end_date_time": "2025-03-11 09:00:00",
                "paid": true,
                "description": "Семейные дела",
            }),
        )
        .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        let first = reply.body["id"].as_i64().expect("id");
        let first_object = expected(
            first,
            worker,
            &absence(kind, "Отпуск"),
            json!({
                "start_date_time": "2025-03-10 00:00:00",
                "end_date_time": "2025-03-11 23:59:59",
                "description": "Семейные дела",
                "paid": true,
            }),
        );
        assert_eq!(reply.body, first_object);

        // Bare dates; absence_type, paid and description left out.
        let second_reply = post(
            &app,
            &worker_token,
            &json!({"absence_id": kind, "start_date_time": "2025-03-20", "end_date_time": "2025-03-20", "description": "  "}),
        )
        .await;
        assert_eq!(second_reply.status, 201, "{}", second_reply.text);
        let second = second_reply.body["id"].as_i64().expect("id");
        let second_object = expected(
            second,
            worker,
            &absence(kind, "Отпуск"),
            json!({"start_date_time": "2025-03-20 00:00:00", "end_date_time": "2025-03-20 23:59:59"}),
        );
        assert_eq!(second_reply.body, second_object);

        // Anyone of the company reads one by id.
        for token in [&worker_token, &admin, &colleague] {
            let one = app.get(&format!("{PATH}/{first}"), Some(token)).await;
            assert_eq!(one.status, 200, "{}", one.text);
            assert_eq!(one.body, first_object);
        }
        // The owner's list: newest start first.
        let list = app.get(PATH, Some(&worker_token)).await;
        assert_eq!(list.status, 200, "{}", list.text);
        assert_eq!(list.body["items"], json!([second_object, first_object]));
        assert_eq!(
            list.body["_meta"],
            json!({"totalCount": 2, "pageCount": 1, "currentPage": 1, "perPage": 50})
        );

        // One createdTimeoff row each, by the employee, about the employee.
        let rows = activities(&app, &admin, "createdTimeoff").await;
        assert_eq!(rows.len(), 2, "{rows:?}");
        let row = &rows[1];
        assert_eq!(row["action_name"], "createdTimeoff");
        assert_eq!(
            row["user"],
            json!({"id": user_of(&app, worker).await, "full_name": "Тестов Анвар"})
        );
        assert_eq!(row["object_id"], first);
        assert_eq!(row["person_id"], worker);
        assert_eq!(row["assigned"], "Отпуск");
        assert_eq!(
            row["message"],
            "Тестов Анвар создал(а) отгул сотрудника Тестов Анвар (2025-03-10 00:00:00 — 2025-03-11 23:59:59)"
        );
        assert_eq!(row["created_at"], "2025-03-04 09:00:00");
        assert_eq!(rows[0]["object_id"], second);
    })
    .await;
}

#[tokio::test]
async fn deciders_record_hourly_and_accepted_time_offs_for_their_scope() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let kind = new_type(&app, &admin, "К клиенту").await;
        let (worker, _) = app.add_user("worker@test.uz", Role::Employee, "Анвар").await;
        let (head_employee, head) = app.add_user("head@test.uz", Role::DepartmentHead, "Руководитель").await;
        let (_, manager) = app.add_user("manager@test.uz", Role::DepartmentManager, "Менеджер").await;

        // An hourly time-off keeps its times; an admin may create it accepted.
        let hourly = create(
            &app,
            &admin,
            json!({
                "employee_id": worker,
                "absence_id": kind,
                "absence_type": "hourly",
                "start_date_time": "2025-03-05 14:00:00",
                "end_date_time": "2025-03-05 16:30:00",
                "paid": true,
                "description": "Встреча",
                "status": 1,
            }),
        )
        .await;
        let hourly_id = hourly["id"].as_i64().expect("id");
        assert_eq!(
            hourly,
            expected(
                hourly_id,
                worker,
                &absence(kind, "К клиенту"),
                json!({
                    "start_date_time": "2025-03-05 14:00:00",
                    "end_date_time": "2025-03-05 16:30:00",
                    "description": "Встреча",
                    "status": 1,
                    "paid": true,
                    "absence_type": "hourly",
                }),
            )
        );
        // Lenient types and the `T` separator, from a head; status 0 is the default.
        let by_head = create(
            &app,
            &head,
            json!({
                "employee_id": worker.to_string(),
                "absence_id": kind.to_string(),
                "absence_type": "hourly",
                "start_date_time": "2025-03-06T09:15",
                "end_date_time": "2025-03-06T10:00",
                "paid": "1",
                "status": "0",
            }),
        )
        .await;
        assert_eq!(
            by_head,
            expected(
                by_head["id"].as_i64().expect("id"),
                worker,
                &absence(kind, "К клиенту"),
                json!({
                    "start_date_time": "2025-03-06 09:15:00",
                    "end_date_time": "2025-03-06 10:00:00",
                    "paid": true,
                    "absence_type": "hourly",
                }),
            )
        );
        // A manager, accepted, for someone in scope; a head for themself.
        let by_manager = create(
            &app,
            &manager,
            json!({"employee_id": worker, "absence_id": kind, "start_date_time": "2025-03-07", "end_date_time": "2025-03-07", "status": "1", "paid": 0}),
        )
        .await;
        assert_eq!(by_manager["status"], 1);
        assert_eq!(by_manager["paid"], false);
        let own = create(
            &app,
            &head,
            json!({"absence_id": kind, "start_date_time": "2025-03-12", "end_date_time": "2025-03-12", "status": 1}),
        )
        .await;
        assert_eq!(own["employee_id"], head_employee);
        assert_eq!(own["status"], 1);
        // The admin for themself, with no employee_id.
        let mine = create(
            &app,
            &admin,
            json!({"absence_id": kind, "start_date_time": "2025-03-13", "end_date_time": "2025-03-14"}),
        )
        .await;
        assert_eq!(mine["employee_id"], app.company.admin_employee_id.0);

        let rows = activities(&app, &admin, "createdTimeoff").await;
        assert_eq!(rows.len(), 5, "{rows:?}");
        let row = &rows[4];
        assert_eq!(
            row["user"],
            json!({"id": app.company.admin_user_id.0, "full_name": "Администратор"})
        );
        assert_eq!(row["object_id"], hourly_id);
        assert_eq!(row["person_id"], worker);
        assert_eq!(row["assigned"], "К клиенту");
        assert_eq!(
            row["message"],
            "Администратор создал(а) отгул сотрудника Тестов Анвар (2025-03-05 14:00:00 — 2025-03-05 16:30:00)"
        );
        assert_eq!(rows[3]["user"]["id"], user_of(&app, head_employee).await);
        assert_eq!(
            rows[3]["message"],
            "Тестов Руководитель создал(а) отгул сотрудника Тестов Анвар (2025-03-06 09:15:00 — 2025-03-06 10:00:00)"
        );
    })
    .await;
}

#[tokio::test]
async fn every_failing_field_of_a_time_off_is_reported_at_once() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let kind = new_type(&app, &admin, "Отпуск").await;
        let (worker, worker_token) = app.add_user("worker@test.uz", Role::Employee, "Анвар").await;
        let (_, observer) = app.add_user("observer@test.uz", Role::Observer, "Наблюдатель").await;
        let day = |start: &str, end: &str| {
            json!({"employee_id": worker, "absence_id": kind, "start_date_time": start, "end_date_time": end})
        };
        let with = |mut body: Value, key: &str, value: Value| {
            body[key] = value;
            body
        };
        let base = day("2025-03-10", "2025-03-10");
        let hourly = |start: &str, end: &str| with(day(start, end), "absence_type", json!("hourly"));
        let cases: Vec<(Value, Vec<(String, i64)>)> = vec![
            // 8002: missing.
            (
                json!({}),
                field_pairs(&[("absence_id", 8002), ("end_date_time", 8002), ("start_date_time", 8002)]),
            ),
            (
                json!({"absence_id": "", "start_date_time": "", "end_date_time": "  "}),
                field_pairs(&[("absence_id", 8002), ("end_date_time", 8002), ("start_date_time", 8002)]),
            ),
            (
                with(base.clone(), "absence_id", Value::Null),
                field_pairs(&[("absence_id", 8002)]),
            ),
            // 8003: wrong types and values.
            (
                with(base.clone(), "absence_id", json!("abc")),
                field_pairs(&[("absence_id", 8003)]),
            ),
            (
                with(base.clone(), "employee_id", json!([worker])),
                field_pairs(&[("employee_id", 8003)]),
            ),
            (
                with(base.clone(), "absence_type", json!("weekly")),
                field_pairs(&[("absence_type", 8003)]),
            ),
            (
                with(base.clone(), "paid", json!("yes")),
                field_pairs(&[("paid", 8003)]),
            ),
            (
                with(base.clone(), "paid", json!(2)),
                field_pairs(&[("paid", 8003)]),
            ),
            (
                with(base.clone(), "description", json!("я".repeat(1001))),
                field_pairs(&[("description", 8003)]),
            ),
            (
                with(base.clone(), "description", json!(true)),
                field_pairs(&[("description", 8003)]),
            ),
            (
                with(base.clone(), "status", json!(2)),
                field_pairs(&[("status", 8003)]),
            ),
            (
                with(base.clone(), "status", json!(3)),
                field_pairs(&[("status", 8003)]),
            ),
            (
                with(base.clone(), "status", json!("accepted")),
                field_pairs(&[("status", 8003)]),
            ),
            // An hourly time-off on two days, or of no length.
            (
                hourly("2025-03-10 18:00:00", "2025-03-11 09:00:00"),
                field_pairs(&[("end_date_time", 8003)]),
            ),
            (
                hourly("2025-03-10 12:00:00", "2025-03-10 12:00:00"),
                field_pairs(&[("end_date_time", 8003)]),
            ),
            // 8004: unknown type or employee.
            (
                with(base.clone(), "absence_id", json!(999999)),
                field_pairs(&[("absence_id", 8004)]),
            ),
            (
                with(base.clone(), "employee_id", json!(999999)),
                field_pairs(&[("employee_id", 8004)]),
            ),
            // 8009: unreadable dates; an hourly time-off needs times.
            (
                day("10.03.2025", "2025-03-10"),
                field_pairs(&[("start_date_time", 8009)]),
            ),
            (
                day("2025-03-10", "2025-02-30"),
                field_pairs(&[("end_date_time", 8009)]),
            ),
            (
                day("2025-03-10 25:00:00", "2025-03-10 9:00"),
                field_pairs(&[("end_date_time", 8009), ("start_date_time", 8009)]),
            ),
            (
                hourly("2025-03-10", "2025-03-10"),
                field_pairs(&[("end_date_time", 8009), ("start_date_time", 8009)]),
            ),
            (
                with(base.clone(), "start_date_time", json!(20250310)),
                field_pairs(&[("start_date_time", 8009)]),
            ),
            (
                with(base.clone(), "end_date_time", json!({"date": "2025-03-10"})),
                field_pairs(&[("end_date_time", 8003)]),
            ),
            // 8010: ending before the start.
            (
                day("2025-03-10", "2025-03-09"),
                field_pairs(&[("end_date_time", 8010)]),
            ),
            (
                day("2025-03-10 10:00:00", "2025-03-09 23:00:00"),
                field_pairs(&[("end_date_time", 8010)]),
            ),
            (
                hourly("2025-03-10 12:00:00", "2025-03-10 11:59:00"),
                field_pairs(&[("end_date_time", 8010)]),
            ),
            // Everything wrong at once.
            (
                json!({
                    "employee_id": "x",
                    "absence_type": "weekly",
                    "start_date_time": "10.03.2025",
                    "paid": "yes",
                    "description": "я".repeat(1001),
                    "status": 2,
                }),
                field_pairs(&[
                    ("absence_id", 8002),
                    ("absence_type", 8003),
                    ("description", 8003),
                    ("employee_id", 8003),
                    ("end_date_time", 8002),
                    ("paid", 8003),
                    ("start_date_time", 8009),
                    ("status", 8003),
                ]),
            ),
            (
                json!({
                    "employee_id": 999999,
                    "absence_id": 999999,
                    "start_date_time": "2025-03-10",
                    "end_date_time": "2025-03-01",
                }),
                field_pairs(&[("absence_id", 8004), ("employee_id", 8004), ("end_date_time", 8010)]),
            ),
        ];
        for (body, expected) in cases {
            let reply = post(&app, &admin, &body).await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.body["message"], "Validation Failed");
            assert_eq!(reply.sorted_field_errors(), expected, "{body}");
        }
        // 8005: only deciders create a time-off accepted; other failures come along.
        for token in [&worker_token, &observer] {
            let reply = post(
                &app,
                token,
                &json!({"absence_id": kind, "start_date_time": "2025-03-10", "end_date_time": "2025-03-10", "status": 1}),
            )
            .await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.field_errors(), vec![("status".to_string(), 8005)]);
            let reply = post(
                &app,
                token,
                &json!({"absence_id": 999999, "start_date_time": "2025-03-10", "end_date_time": "2025-03-09", "status": "1"}),
            )
            .await;
            reply.assert_error(422, 8001);
            assert_eq!(
                reply.sorted_field_errors(),
                field_pairs(&[("absence_id", 8004), ("end_date_time", 8010), ("status", 8005)])
            );
        }
        // The limits themselves are fine.
        let at_limit = create(
            &app,
            &admin,
            with(base.clone(), "description", json!("я".repeat(1000))),
        )
        .await;
        assert_eq!(at_limit["description"].as_str().map(|d| d.chars().count()), Some(1000));
        let same_day = create(&app, &admin, day("2025-03-11 18:00:00", "2025-03-11 08:00:00")).await;
        assert_eq!(same_day["start_date_time"], "2025-03-11 00:00:00");
        assert_eq!(same_day["end_date_time"], "2025-03-11 23:59:59");

        // A malformed body is 400/4001.
        app.send(
            app.http
                .post(app.url(PATH))
                .bearer_auth(&admin)
                .header("content-type", "application/json")
                .body("{\"absence_id\": 1,}"),
        )
        .await
        .assert_error(400, 4001);

        // Only the two accepted bodies were stored and logged.
        let list = app.get(PATH, Some(&admin)).await;
        assert_eq!(list.body["_meta"]["totalCount"], 2, "{}", list.text);
        assert_eq!(activities(&app, &admin, "createdTimeoff").await.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn who_may_create_a_time_off_for_whom() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let kind = new_type(&app, &admin, "Отпуск").await;
        let (worker, worker_token) = app.add_user("worker@test.uz", Role::Employee, "Анвар").await;
        let (colleague, _) = app.add_user("colleague@test.uz", Role::Employee, "Бобур").await;
        let (observer_employee, observer) = app.add_user("observer@test.uz", Role::Observer, "Наблюдатель").await;
        let (_, head) = app.add_user("head@test.uz", Role::DepartmentHead, "Руководитель").await;
        let (_, manager) = app.add_user("manager@test.uz", Role::DepartmentManager, "Менеджер").await;
        let (outsider, outsider_token) = app.add_user("out@test.uz", Role::Employee, "Чужой").await;
        move_elsewhere(&app, &[outsider]).await;
        let body = |employee: i64| {
            json!({"employee_id": employee, "absence_id": kind, "start_date_time": "2025-03-10", "end_date_time": "2025-03-10"})
        };

        // Employees and observers: for themselves only (403 comes before any 422).
        post(&app, &worker_token, &body(colleague)).await.assert_error(403, 7004);
        post(&app, &worker_token, &body(outsider)).await.assert_error(403, 7004);
        post(
            &app,
            &worker_token,
            &json!({"employee_id": colleague, "absence_id": 999999, "start_date_time": "x"}),
        )
        .await
        .assert_error(403, 7004);
        post(&app, &observer, &body(worker)).await.assert_error(403, 7004);
        // Heads and managers: not outside their departments.
        post(&app, &head, &body(outsider)).await.assert_error(403, 7004);
        post(&app, &manager, &body(outsider)).await.assert_error(403, 7004);
        assert!(activities(&app, &admin, "createdTimeoff").await.is_empty());

        let own = create(&app, &worker_token, body(worker)).await;
        assert_eq!(own["employee_id"], worker);
        assert_eq!(own["status"], 0);
        let observed = create(
            &app,
            &observer,
            json!({"absence_id": kind, "start_date_time": "2025-03-10", "end_date_time": "2025-03-10"}),
        )
        .await;
        assert_eq!(observed["employee_id"], observer_employee);
        let outside = create(&app, &outsider_token, body(outsider)).await;
        assert_eq!(outside["employee_id"], outsider);
        for token in [&head, &manager] {
            let made = create(&app, token, body(colleague)).await;
            assert_eq!(made["employee_id"], colleague);
            assert_eq!(made["status"], 0);
        }
        // The admin: anyone in the company.
        let made = create(&app, &admin, body(outsider)).await;
        assert_eq!(made["employee_id"], outsider);
        assert_eq!(activities(&app, &admin, "createdTimeoff").await.len(), 6);
        // Without a token: 401.
        app.post_json(PATH, &body(worker), None)
            .await
            .assert_error(401, 7007);
    })
    .await;
}

#[tokio::test]
async fn approve_and_reject_set_the_status_within_the_deciders_scope() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let kind = new_type(&app, &admin, "Отпуск").await;
        let (worker, worker_token) = app.add_user("worker@test.uz", Role::Employee, "Анвар").await;
        let (_, observer) = app.add_user("observer@test.uz", Role::Observer, "Наблюдатель").await;
        let (head_employee, head) = app.add_user("head@test.uz", Role::DepartmentHead, "Руководитель").await;
        let (manager_employee, manager) = app.add_user("manager@test.uz", Role::DepartmentManager, "Менеджер").await;
        let (outsider, _) = app.add_user("out@test.uz", Role::Employee, "Чужой").await;
        move_elsewhere(&app, &[outsider]).await;

        let request = create(
            &app,
            &worker_token,
            json!({"absence_id": kind, "start_date_time": "2025-03-10", "end_date_time": "2025-03-11", "paid": true}),
        )
        .await;
        let id = request["id"].as_i64().expect("id");

        // Not deciders: 403, whoever owns it.
        for token in [&worker_token, &observer] {
            act(&app, token, id, "approve").await.assert_error(403, 7004);
            act(&app, token, id, "reject").await.assert_error(403, 7004);
        }
        assert_eq!(status_of(&app, id).await, 0);

        // The admin accepts: the whole TimeEmployee comes back.
        let approved = act(&app, &admin, id, "approve").await;
        assert_eq!(approved.status, 200, "{}", approved.text);
        let mut accepted = request.clone();
        accepted["status"] = json!(1);
        assert_eq!(approved.body, accepted);
        assert_eq!(app.get(&format!("{PATH}/{id}"), Some(&worker_token)).await.body, accepted);
        // Again: nothing changes and nothing is logged.
        let again = act(&app, &admin, id, "approve").await;
        assert_eq!(again.status, 200, "{}", again.text);
        assert_eq!(again.body, accepted);
        // A head in scope rejects it, a manager in scope accepts it back.
        let rejected = act(&app, &head, id, "reject").await;
        assert_eq!(rejected.status, 200, "{}", rejected.text);
        let mut refused = request.clone();
        refused["status"] = json!(2);
        assert_eq!(rejected.body, refused);
        let back = act(&app, &manager, id, "approve").await;
        assert_eq!(back.status, 200, "{}", back.text);
        assert_eq!(back.body, accepted);
        let rejected = act(&app, &manager, id, "reject").await;
        assert_eq!(rejected.body["status"], 2);

        // Outside the head's and the manager's departments: 403; the admin decides.
        let theirs = daily(&app, &admin, outsider, kind, "2025-03-12", "2025-03-12").await;
        for token in [&head, &manager] {
            act(&app, token, theirs, "approve").await.assert_error(403, 7004);
            act(&app, token, theirs, "reject").await.assert_error(403, 7004);
        }
        assert_eq!(status_of(&app, theirs).await, 0);
        assert_eq!(act(&app, &admin, theirs, "reject").await.body["status"], 2);
        // Heads and managers decide their own too (they are in their departments).
        let heads = daily(&app, &head, head_employee, kind, "2025-03-13", "2025-03-13").await;
        assert_eq!(act(&app, &manager, heads, "approve").await.body["status"], 1);
        let managers = daily(&app, &manager, manager_employee, kind, "2025-03-14", "2025-03-14").await;
        assert_eq!(act(&app, &manager, managers, "approve").await.body["status"], 1);

        // A deleted time-off cannot be decided.
        let gone = daily(&app, &admin, worker, kind, "2025-03-20", "2025-03-20").await;
        assert_eq!(remove(&app, &admin, gone).await.status, 200);
        for action in ["approve", "reject"] {
            act(&app, &admin, gone, action).await.assert_error(400, 4001);
            act(&app, &head, gone, action).await.assert_error(400, 4001);
        }
        assert_eq!(status_of(&app, gone).await, 3);

        // Rows: approve by admin, by manager twice, by manager of the head's and own.
        let approvals = activities(&app, &admin, "approvedTimeoff").await;
        assert_eq!(approvals.len(), 4, "{approvals:?}");
        let first = &approvals[3];
        assert_eq!(first["action_name"], "approvedTimeoff");
        assert_eq!(
            first["user"],
            json!({"id": app.company.admin_user_id.0, "full_name": "Администратор"})
        );
        assert_eq!(first["object_id"], id);
        assert_eq!(first["person_id"], worker);
        assert_eq!(first["assigned"], "Отпуск");
        assert_eq!(
            first["message"],
            "Администратор одобрил(а) отгул сотрудника Тестов Анвар (2025-03-10 00:00:00 — 2025-03-11 23:59:59)"
        );
        let rejections = activities(&app, &admin, "rejectedTimeoff").await;
        assert_eq!(rejections.len(), 3, "{rejections:?}");
        let by_head = &rejections[2];
        assert_eq!(by_head["user"]["id"], user_of(&app, head_employee).await);
        assert_eq!(by_head["object_id"], id);
        assert_eq!(by_head["person_id"], worker);
        assert_eq!(
            by_head["message"],
            "Тестов Руководитель отклонил(а) отгул сотрудника Тестов Анвар (2025-03-10 00:00:00 — 2025-03-11 23:59:59)"
        );
        assert_eq!(rejections[0]["person_id"], outsider);
    })
    .await;
}

#[tokio::test]
async fn the_owner_deletes_a_pending_request_and_deciders_any_in_scope() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let kind = new_type(&app, &admin, "Отпуск").await;
        let (worker, worker_token) = app.add_user("worker@test.uz", Role::Employee, "Анвар").await;
        let (_, colleague) = app.add_user("colleague@test.uz", Role::Employee, "Бобур").await;
        let (_, observer) = app.add_user("observer@test.uz", Role::Observer, "Наблюдатель").await;
        let (_, head) = app.add_user("head@test.uz", Role::DepartmentHead, "Руководитель").await;
        let (_, manager) = app.add_user("manager@test.uz", Role::DepartmentManager, "Менеджер").await;
        let (outsider, _) = app.add_user("out@test.uz", Role::Employee, "Чужой").await;
        move_elsewhere(&app, &[outsider]).await;
        let own = |first: &'static str| {
            json!({"absence_id": kind, "start_date_time": first, "end_date_time": first})
        };

        // The owner, while pending.
        let pending = create(&app, &worker_token, own("2025-03-10")).await;
        let pending_id = pending["id"].as_i64().expect("id");
        // Nobody else without a decider's role.
        for token in [&colleague, &observer] {
            remove(&app, token, pending_id).await.assert_error(403, 7004);
        }
        let deleted = remove(&app, &worker_token, pending_id).await;
        assert_eq!(deleted.status, 200, "{}", deleted.text);
        assert_eq!(deleted.body, json!({"success": true}));
        let mut gone = pending.clone();
        gone["status"] = json!(3);
        assert_eq!(
            app.get(&format!("{PATH}/{pending_id}"), Some(&worker_token)).await.body,
            gone
        );
        // Deleting a deleted one does not apply (the owner may not even try).
        remove(&app, &admin, pending_id).await.assert_error(400, 4001);
        remove(&app, &head, pending_id).await.assert_error(400, 4001);
        remove(&app, &worker_token, pending_id).await.assert_error(403, 7004);

        // Not once it is accepted or rejected.
        let accepted = create(&app, &worker_token, own("2025-03-11")).await["id"].as_i64().expect("id");
        assert_eq!(act(&app, &admin, accepted, "approve").await.status, 200);
        let rejected = create(&app, &worker_token, own("2025-03-12")).await["id"].as_i64().expect("id");
        assert_eq!(act(&app, &admin, rejected, "reject").await.status, 200);
        for id in [accepted, rejected] {
            remove(&app, &worker_token, id).await.assert_error(403, 7004);
        }
        // A head and a manager in scope delete them; outside it they may not.
        assert_eq!(remove(&app, &head, accepted).await.body, json!({"success": true}));
        assert_eq!(remove(&app, &manager, rejected).await.body, json!({"success": true}));
        assert_eq!(status_of(&app, accepted).await, 3);
        assert_eq!(status_of(&app, rejected).await, 3);
        let outside = daily(&app, &admin, outsider, kind, "2025-03-13", "2025-03-13").await;
        for token in [&head, &manager] {
            remove(&app, token, outside).await.assert_error(403, 7004);
        }
        assert_eq!(status_of(&app, outside).await, 0);
        assert_eq!(remove(&app, &admin, outside).await.status, 200);

        // One canceledTimeoff row per deletion, none for the refusals.
        let rows = activities(&app, &admin, "canceledTimeoff").await;
        assert_eq!(rows.len(), 4, "{rows:?}");
        let first = &rows[3];
        assert_eq!(first["action_name"], "canceledTimeoff");
        assert_eq!(
            first["user"],
            json!({"id": user_of(&app, worker).await, "full_name": "Тестов Анвар"})
        );
        assert_eq!(first["object_id"], pending_id);
        assert_eq!(first["person_id"], worker);
        assert_eq!(first["assigned"], "Отпуск");
        assert_eq!(
            first["message"],
            "Тестов Анвар удалил(а) отгул сотрудника Тестов Анвар (2025-03-10 00:00:00 — 2025-03-10 23:59:59)"
        );
        assert_eq!(rows[0]["person_id"], outsider);
        // Deleted ones stay readable and listable by status.
        let listed = app.get(&format!("{PATH}?f=status&fv=3"), Some(&admin)).await;
        assert_eq!(listed.body["_meta"]["totalCount"], 4, "{}", listed.text);
    })
    .await;
}

#[tokio::test]
async fn another_companys_time_offs_types_and_employees_are_out_of_reach() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let kind = new_type(&app, &admin, "Отпуск").await;
        let (worker, worker_token) = app.add_user("worker@test.uz", Role::Employee, "Анвар").await;
        let (other, their_type, their_time_off) = other_company(&app).await;
        let ours = daily(&app, &admin, worker, kind, "2025-03-10", "2025-03-10").await;

        for path in [
            format!("{PATH}/{their_time_off}"),
            format!("{PATH}/999999"),
            format!("{PATH}/0"),
            format!("{PATH}/abc"),
        ] {
            app.get(&path, Some(&admin)).await.assert_error(404, 3000);
            app.get(&path, Some(&worker_token)).await.assert_error(404, 3000);
            app.delete(&path, &admin).await.assert_error(404, 3000);
            for action in ["approve", "reject"] {
                app.call("POST", &format!("{path}/{action}"), Some(&admin), None)
                    .await
                    .assert_error(404, 3000);
            }
        }
        // The owner's own pending path is theirs only.
        app.delete(&format!("{PATH}/{their_time_off}"), &worker_token)
            .await
            .assert_error(404, 3000);

        // Their type or employee in the body: 8004 on each field.
        let reply = post(
            &app,
            &admin,
            &json!({
                "employee_id": other.admin_employee_id.0,
                "absence_id": their_type,
                "start_date_time": "2025-03-10",
                "end_date_time": "2025-03-10",
            }),
        )
        .await;
        reply.assert_error(422, 8001);
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[("absence_id", 8004), ("employee_id", 8004)])
        );
        let reply = post(
            &app,
            &worker_token,
            &json!({"absence_id": their_type, "start_date_time": "2025-03-10", "end_date_time": "2025-03-10"}),
        )
        .await;
        reply.assert_error(422, 8001);
        assert_eq!(reply.field_errors(), vec![("absence_id".to_string(), 8004)]);
        let reply = post(
            &app,
            &worker_token,
            &json!({"employee_id": other.admin_employee_id.0, "absence_id": kind, "start_date_time": "2025-03-10", "end_date_time": "2025-03-10"}),
        )
        .await;
        reply.assert_error(422, 8001);
        assert_eq!(reply.field_errors(), vec![("employee_id".to_string(), 8004)]);

        // Lists hold our company's only; theirs is untouched.
        let list = app.get(PATH, Some(&admin)).await;
        assert_eq!(ids(&list.body), vec![ours]);
        assert_eq!(
            testing::scalar(
                &app.store,
                "SELECT status FROM time_offs WHERE id = $1",
                &[their_time_off],
            )
            .await,
            0
        );
        assert_eq!(activities(&app, &admin, "createdTimeoff").await.len(), 1);
        assert!(activities(&app, &admin, "canceledTimeoff").await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn lists_filter_by_status_and_overlapping_dates_and_page() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let kind = new_type(&app, &admin, "Отпуск").await;
        let (worker, _) = app.add_user("worker@test.uz", Role::Employee, "Анвар").await;
        let (colleague, _) = app.add_user("colleague@test.uz", Role::Employee, "Бобур").await;
        // a pending, b accepted, c rejected (hourly), d deleted.
        let a = daily(&app, &admin, worker, kind, "2025-03-01", "2025-03-02").await;
        let b = create(
            &app,
            &admin,
            json!({"employee_id": worker, "absence_id": kind, "start_date_time": "2025-03-05", "end_date_time": "2025-03-07", "status": 1}),
        )
        .await["id"]
            .as_i64()
            .expect("id");
        let c = create(
            &app,
            &admin,
            json!({"employee_id": colleague, "absence_id": kind, "absence_type": "hourly", "start_date_time": "2025-03-07 10:00:00", "end_date_time": "2025-03-07 12:00:00"}),
        )
        .await["id"]
            .as_i64()
            .expect("id");
        assert_eq!(act(&app, &admin, c, "reject").await.status, 200);
        let d = daily(&app, &admin, worker, kind, "2025-03-10", "2025-03-10").await;
        assert_eq!(remove(&app, &admin, d).await.status, 200);

        let get = |query: &'static str| {
            let app = &app;
            let admin = &admin;
            async move {
                let reply = app.get(&format!("{PATH}{query}"), Some(admin)).await;
                assert_eq!(reply.status, 200, "{query}: {}", reply.text);
                reply
            }
        };
        // Newest start first; every status by default.
        let all = get("").await;
        assert_eq!(ids(&all.body), vec![d, c, b, a]);
        assert_eq!(all.body["_meta"]["totalCount"], 4);
        for (query, expected) in [
            ("?f=status&fv=0", vec![a]),
            ("?f=status&fv=1", vec![b]),
            ("?f=status&fv=2", vec![c]),
            ("?f=status&fv=3", vec![d]),
            ("?f=status&fv=", vec![d, c, b, a]),
            ("?fv=1", vec![d, c, b, a]),
            // Overlap: a time-off counts on every local day it touches.
            ("?start_date=2025-03-07&end_date=2025-03-07", vec![c, b]),
            ("?start_date=2025-03-03&end_date=2025-03-04", vec![]),
            ("?start_date=2025-03-02", vec![d, c, b, a]),
            ("?start_date=2025-03-03", vec![d, c, b]),
            ("?start_date=2025-03-08", vec![d]),
            ("?end_date=2025-03-05", vec![b, a]),
            ("?end_date=2025-03-04", vec![a]),
            ("?end_date=2025-02-28", vec![]),
            ("?start_date=2025-03-11", vec![]),
            // The reference's curl quotes its dates.
            ("?start_date='2025-03-07'&end_date='2025-03-07'", vec![c, b]),
            ("?start_date=&end_date=", vec![d, c, b, a]),
            ("?f=status&fv=1&start_date=2025-03-01&end_date=2025-03-31", vec![b]),
            ("?f=status&fv=0&start_date=2025-03-05", vec![]),
        ] {
            let reply = get(query).await;
            assert_eq!(ids(&reply.body), expected, "{query}");
            assert_eq!(
                reply.body["_meta"]["totalCount"],
                expected.len(),
                "{query}"
            );
        }
        // Unreadable filters are 400/4001.
        for query in [
            "?f=status&fv=4",
            "?f=status&fv=-1",
            "?f=status&fv=abc",
            "?f=status&fv=1.5",
            "?start_date=07.03.2025",
            "?end_date=2025-02-30",
            "?start_date=2025-03-08&end_date=2025-03-07",
        ] {
            app.get(&format!("{PATH}{query}"), Some(&admin))
                .await
                .assert_error(400, 4001);
        }

        // Pages keep the filters in their links.
        let page = get("?f=status&fv=1&per-page=1").await;
        assert_eq!(
            page.body["_meta"],
            json!({"totalCount": 1, "pageCount": 1, "currentPage": 1, "perPage": 1})
        );
        let page = get("?start_date=2025-03-01&per-page=3&page=2").await;
        assert_eq!(ids(&page.body), vec![a]);
        assert_eq!(
            page.body["_meta"],
            json!({"totalCount": 4, "pageCount": 2, "currentPage": 2, "perPage": 3})
        );
        let base = format!("{}{PATH}", app.base);
        assert_eq!(
            page.body["_links"]["prev"]["href"],
            format!("{base}?start_date=2025-03-01&page=1&per-page=3")
        );
        assert_eq!(
            page.body["_links"]["self"]["href"],
            format!("{base}?start_date=2025-03-01&page=2&per-page=3")
        );
        assert!(page.body["_links"].get("next").is_none());
        let first = get("?f=status&fv=0&limit=1").await;
        assert_eq!(
            first.body["_links"]["self"]["href"],
            format!("{base}?f=status&fv=0&page=1&per-page=1")
        );
    })
    .await;
}

#[tokio::test]
async fn each_role_lists_the_time_offs_of_its_scope() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let kind = new_type(&app, &admin, "Отпуск").await;
        let (worker, worker_token) = app
            .add_user("worker@test.uz", Role::Employee, "Анвар")
            .await;
        let (observer_employee, observer) = app
            .add_user("observer@test.uz", Role::Observer, "Наблюдатель")
            .await;
        let (head_employee, head) = app
            .add_user("head@test.uz", Role::DepartmentHead, "Руководитель")
            .await;
        let (manager_employee, manager) = app
            .add_user("manager@test.uz", Role::DepartmentManager, "Менеджер")
            .await;
        let (outsider, outsider_token) = app.add_user("out@test.uz", Role::Employee, "Чужой").await;
        move_elsewhere(&app, &[outsider]).await;
        let w = daily(&app, &admin, worker, kind, "2025-03-10", "2025-03-10").await;
        let o = daily(
            &app,
            &admin,
            observer_employee,
            kind,
            "2025-03-11",
            "2025-03-11",
        )
        .await;
        let h = daily(
            &app,
            &admin,
            head_employee,
            kind,
            "2025-03-12",
            "2025-03-12",
        )
        .await;
        let m = daily(
            &app,
            &admin,
            manager_employee,
            kind,
            "2025-03-13",
            "2025-03-13",
        )
        .await;
        let x = daily(&app, &admin, outsider, kind, "2025-03-14", "2025-03-14").await;
        let a = daily(
            &app,
            &admin,
            app.company.admin_employee_id.0,
            kind,
            "2025-03-15",
            "2025-03-15",
        )
        .await;
        // The admin's own profile is in the default department too.
        for (token, expected) in [
            (&admin, vec![a, x, m, h, o, w]),
            (&head, vec![a, m, h, o, w]),
            (&manager, vec![a, m, h, o, w]),
            (&observer, vec![a, m, h, o, w]),
            (&worker_token, vec![w]),
            (&outsider_token, vec![x]),
        ] {
            let reply = app.get(PATH, Some(token)).await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            assert_eq!(ids(&reply.body), expected);
            assert_eq!(reply.body["_meta"]["totalCount"], expected.len());
        }
        // Reading one by id needs no role.
        let one = app.get(&format!("{PATH}/{x}"), Some(&worker_token)).await;
        assert_eq!(one.status, 200, "{}", one.text);
        assert_eq!(one.body["employee_id"], outsider);
        app.get(PATH, None).await.assert_error(401, 7007);
    })
    .await;
}

#[tokio::test]
async fn form_bodies_request_time_offs() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let kind = new_type(&app, &admin, "Отпуск").await;
        let (worker, worker_token) = app.add_user("worker@test.uz", Role::Employee, "Анвар").await;
        let send = |token: &str, body: String| {
            app.send(
                app.http
                    .post(app.url(PATH))
                    .bearer_auth(token)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body),
            )
        };
        let created = send(
            &worker_token,
            format!(
                "absence_id={kind}&absence_type=hourly&start_date_time=2025-03-10+14%3A00%3A00&end_date_time=2025-03-10 15:30:00&paid=true&description=%D0%92%D1%80%D0%B0%D1%87"
            ),
        )
        .await;
        assert_eq!(created.status, 201, "{}", created.text);
        let id = created.body["id"].as_i64().expect("id");
        assert_eq!(
            created.body,
            expected(
                id,
                worker,
                &absence(kind, "Отпуск"),
                json!({
                    "start_date_time": "2025-03-10 14:00:00",
                    "end_date_time": "2025-03-10 15:30:00",
                    "description": "Врач",
                    "paid": true,
                    "absence_type": "hourly",
                }),
            )
        );
        let refused = send(
            &worker_token,
            format!("absence_id={kind}&start_date_time=&end_date_time=2025-03-10&status=1"),
        )
        .await;
        refused.assert_error(422, 8001);
        assert_eq!(
            refused.sorted_field_errors(),
            field_pairs(&[("start_date_time", 8002), ("status", 8005)])
        );
        assert_eq!(activities(&app, &admin, "createdTimeoff").await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_list_filter_is_malformed() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        for query in ["?f=letter&fv=A", "?f=employee&fv=1", "?f=stat&fv=1"] {
            app.get(&format!("{PATH}{query}"), Some(&admin))
                .await
                .assert_error(400, 4001);
        }
    })
    .await;
}

#[tokio::test]
async fn non_deciders_are_refused_before_the_path_id_is_looked_up() {
    each_backend(|app: TestApp| async move {
        let (_, worker) = app
            .add_user("worker@test.uz", Role::Employee, "Анвар")
            .await;
        let (_, observer) = app
            .add_user("observer@test.uz", Role::Observer, "Наблюдатель")
            .await;
        let (_, _, theirs) = other_company(&app).await;
        for token in [&worker, &observer] {
            for id in [999999, theirs] {
                for action in ["approve", "reject"] {
                    act(&app, token, id, action).await.assert_error(403, 7004);
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn empty_optional_fields_of_a_time_off_are_not_set() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let kind = new_type(&app, &admin, "Отгул").await;
        let (_, worker_token) = app
            .add_user("worker@test.uz", Role::Employee, "Анвар")
            .await;
        // CONTRACT.md §1: an empty optional field is "not set" — daily, unpaid, no
        // description, pending.
        let body = create(
            &app,
            &worker_token,
            json!({
                "absence_id": kind,
                "absence_type": "",
                "paid": "",
                "description": "",
                "status": "",
                "start_date_time": "2025-03-10",
                "end_date_time": "2025-03-10",
            }),
        )
        .await;
        assert_eq!(body["absence_type"], "daily", "{body}");
        assert_eq!(body["paid"], false, "{body}");
        assert_eq!(body["description"], Value::Null, "{body}");
        assert_eq!(body["status"], 0, "{body}");
        assert_eq!(body["end_date_time"], "2025-03-10 23:59:59", "{body}");
        // A value of the wrong kind is still refused, each field on its own.
        let refused = post(
            &app,
            &worker_token,
            &json!({
                "absence_id": kind,
                "absence_type": "weekly",
                "paid": "maybe",
                "start_date_time": "2025-03-10",
                "end_date_time": "2025-03-10",
            }),
        )
        .await;
        assert_eq!(
            refused.field_errors(),
            field_pairs(&[("absence_type", 8003), ("paid", 8003)]),
            "{}",
            refused.text
        );
    })
    .await;
}
