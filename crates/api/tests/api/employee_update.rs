//! Editing an employee: `PUT /v1/employees/{id}` (partial; profile, tab number,
//! dated department and position changes, schedule, locations).

use chrono::NaiveDate;
use davomat_core::{CompanyId, Lang, Role};
use davomat_store::employees::lifecycle;
use davomat_store::testing::scalar;
use serde_json::{Value, json};

use crate::support::{Reply, START, TestApp, each_backend, field_pairs};

/// The default department, schedule and location of a company.
struct Defaults {
    department: i64,
    schedule: i64,
    location: i64,
}

async fn first_id(app: &TestApp, table: &str, company: i64) -> i64 {
    scalar(
        &app.store,
        &format!("SELECT min(id) FROM {table} WHERE company_id = $1"),
        &[company],
    )
    .await
}

async fn defaults_of(app: &TestApp, company: i64) -> Defaults {
    Defaults {
        department: first_id(app, "departments", company).await,
        schedule: first_id(app, "schedules", company).await,
        location: first_id(app, "locations", company).await,
    }
}

fn created(reply: Reply) -> Value {
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body
}

fn ok(reply: Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

async fn department(app: &TestApp, token: &str, title: &str) -> i64 {
    let body = json!({"title": title});
    created(app.post_json("/v1/departments", &body, Some(token)).await)["id"]
        .as_i64()
        .expect("department id")
}

async fn position(app: &TestApp, token: &str, title: &str) -> i64 {
    let body = json!({"title": title});
    created(app.post_json("/v1/positions", &body, Some(token)).await)["items"]["id"]
        .as_i64()
        .expect("position id")
}

async fn location(app: &TestApp, token: &str, title: &str) -> i64 {
    let body = json!({"title": title, "latitude": "41.3", "longitude": "69.2", "radius": 100});
    created(app.post_json("/v1/locations", &body, Some(token)).await)["id"]
        .as_i64()
        .expect("location id")
}

async fn schedule(app: &TestApp, token: &str, title: &str) -> i64 {
    let body =
        json!({"title": title, "type": 1, "days": [{"weekday": 6, "production_time": "04:00"}]});
    created(app.post_json("/v1/schedules", &body, Some(token)).await)["id"]
        .as_i64()
        .expect("schedule id")
}

/// Hires an employee through the API, from 2025-01-01; answers the Employee object.
async fn hire(app: &TestApp, token: &str, d: &Defaults, first_name: &str) -> Value {
    let body = json!({
        "first_name": first_name,
        "last_name": "Karimov",
        "department_id": d.department,
        "locations": [d.location],
        "schedule_id": d.schedule,
        "start_date": "2025-01-01",
        "schedule_start_date": "2025-01-01",
    });
    created(app.post_json("/v1/employees", &body, Some(token)).await)
}

async fn put(app: &TestApp, id: i64, body: &Value, token: &str) -> Reply {
    app.put_json(&format!("/v1/employees/{id}"), body, token)
        .await
}

async fn card(app: &TestApp, id: i64, token: &str) -> Value {
    ok(app.get(&format!("/v1/employees/{id}"), Some(token)).await)["data"].clone()
}

async fn log_rows(app: &TestApp) -> i64 {
    scalar(
        &app.store,
        "SELECT count(*) FROM activity_log WHERE company_id = $1",
        &[app.company.company_id.0],
    )
    .await
}

/// The log rows of one action about one person, newest first.
async fn logged(app: &TestApp, token: &str, action: &str, person: i64) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/v1/user-activities?action_name={action}&per-page=50"),
            Some(token),
        )
        .await;
    ok(reply)["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["person_id"] == person)
        .cloned()
        .collect()
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).expect("date")
}

#[tokio::test]
async fn employee_update_profile_answers_the_whole_employee() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        let before = hire(&app, &admin, &d, "Aziz").await;
        let id = before["id"].as_i64().expect("id");

        let body = json!({
            "first_name": " Gʻayrat ",
            "last_name": "Oʻrinboyev",
            "patronymic": "Anvarovich",
            "birth_date": "1990-04-06",
            "gender": "MALE",
            "work_phone": "+998 71 200 00 00",
            "mobile_phone": "+998 90 000 00 00",
            "home_phone": "",
            "home_address": "Toshkent, Chilonzor 5",
            "notes": "moved",
            "tab_number": 411,
            "bank_book": "IaOb3VpVS6",
            "start_date": "2024-12-01",
            "username": "ignored@test.uz",
        });
        let got = ok(put(&app, id, &body, &admin).await);
        assert_eq!(
            got,
            json!({
                "id": id,
                "last_name": "Oʻrinboyev",
                "first_name": "Gʻayrat",
                "patronymic": "Anvarovich",
                "full_name": "Oʻrinboyev Gʻayrat Anvarovich",
                "gender": "male",
                "photos": null,
                "start_date": "2024-12-01",
                "schedule_start_date": "2025-01-01",
                "pin_code": before["pin_code"],
                "tab_number": "411",
                "birth_date": "1990-04-06",
                "home_address": "Toshkent, Chilonzor 5",
                "home_phone": "",
                "work_phone": "+998 71 200 00 00",
                "notes": "moved",
                "bank_book": "IaOb3VpVS6",
                "mobile_phone": "+998 90 000 00 00",
                "qrcode": before["qrcode"],
                "user": null,
                "department": before["department"],
                "positions": [],
                "schedule": before["schedule"],
                "locations": before["locations"],
                "lastEmployeeSalaryRate": null,
                "lastPersonPayroll": null,
                "lastPersonFine": null,
            })
        );
        assert_eq!(card(&app, id, &admin).await, got);

        // The name forms follow: search, letter filter and order see the new name.
        let found = ok(app.get("/v1/employees?full_name=OʻRINBOYEV", Some(&admin)).await);
        assert_eq!(found["items"][0]["id"], id);
        let letter = ok(app.get("/v1/employees?f=letter&fv=g", Some(&admin)).await);
        assert_eq!(letter["items"][0]["id"], id);
        let old = ok(app.get("/v1/employees?f=letter&fv=A", Some(&admin)).await);
        assert!(old["items"].as_array().expect("items").iter().all(|e| e["id"] != id));

        // One row for the profile, one for the tab number with the new number.
        let profile = logged(&app, &admin, "editPersonProfile", id).await;
        assert_eq!(profile.len(), 1);
        assert_eq!(profile[0]["object_id"], id);
        assert!(
            profile[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("изменил(а) профиль сотрудника Oʻrinboyev Gʻayrat Anvarovich")),
            "{}",
            profile[0]
        );
        let code = logged(&app, &admin, "editEmployeeCode", id).await;
        assert_eq!(code.len(), 1);
        assert_eq!(code[0]["assigned"], "411");
        assert_eq!(code[0]["object_id"], id);

        // Only the tab number: editEmployeeCode alone.
        let rows = log_rows(&app).await;
        ok(put(&app, id, &json!({"tab_number": "412"}), &admin).await);
        assert_eq!(log_rows(&app).await, rows + 1);
        assert_eq!(logged(&app, &admin, "editEmployeeCode", id).await[0]["assigned"], "412");
        // Clearing optional fields: "" clears text, null keeps.
        let got = ok(put(
            &app,
            id,
            &json!({"patronymic": "", "gender": "", "birth_date": "", "notes": "", "bank_book": null}),
            &admin,
        )
        .await);
        assert_eq!(got["full_name"], "Oʻrinboyev Gʻayrat");
        assert_eq!(got["patronymic"], "");
        assert_eq!(got["gender"], Value::Null);
        assert_eq!(got["birth_date"], Value::Null);
        assert_eq!(got["notes"], Value::Null);
        assert_eq!(got["bank_book"], "IaOb3VpVS6");
    })
    .await;
}

#[tokio::test]
async fn employee_update_partial_keeps_the_rest_and_a_no_op_logs_nothing() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        let before = hire(&app, &admin, &d, "Aziz").await;
        let id = before["id"].as_i64().expect("id");

        let got = ok(put(&app, id, &json!({"home_phone": "123"}), &admin).await);
        let mut expected = before.clone();
        expected["home_phone"] = json!("123");
        assert_eq!(got, expected);

        // Nothing sent, or the same values: 200, the same object, no row.
        let rows = log_rows(&app).await;
        assert_eq!(ok(put(&app, id, &json!({}), &admin).await), expected);
        let same = json!({
            "first_name": "Aziz", "last_name": "Karimov", "home_phone": "123",
            "department_id": d.department, "schedule_id": d.schedule,
            "locations": [d.location], "positions": [], "start_date": "2025-01-01",
            "schedule_start_date": "2025-01-01", "efct_date": "2025-03-04",
        });
        assert_eq!(ok(put(&app, id, &same, &admin).await), expected);
        let empty_body = app
            .send(
                app.http
                    .put(app.url(&format!("/v1/employees/{id}")))
                    .bearer_auth(&admin),
            )
            .await;
        assert_eq!(ok(empty_body), expected);
        assert_eq!(log_rows(&app).await, rows);
    })
    .await;
}

#[tokio::test]
async fn employee_update_reports_every_failing_field() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        let other = app.second_company("boss@other.uz", Lang::Ru).await;
        let o = defaults_of(&app, other.company_id.0).await;
        let taken = hire(&app, &admin, &d, "Taken").await;
        ok(put(
            &app,
            taken["id"].as_i64().expect("id"),
            &json!({"tab_number": "T-1"}),
            &admin,
        )
        .await);
        let worker = hire(&app, &admin, &d, "Aziz").await;
        let id = worker["id"].as_i64().expect("id");

        let body = json!({
            "first_name": "",
            "last_name": "<script>",
            "patronymic": "x".repeat(71),
            "gender": "other",
            "birth_date": "06.04.1990",
            "department_id": o.department,
            "schedule_id": o.schedule,
            "locations": [d.location, o.location],
            "positions": [999_999],
            "start_date": "2025-13-01",
            "schedule_start_date": "2025/03/01",
            "efct_date": "tomorrow",
            "home_phone": "1".repeat(201),
            "home_address": "a".repeat(256),
            "tab_number": " T-1 ",
        });
        let reply = put(&app, id, &body, &admin).await;
        reply.assert_error(422, 8001);
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[
                ("birth_date", 8009),
                ("department_id", 8004),
                ("efct_date", 8009),
                ("first_name", 8002),
                ("gender", 8003),
                ("home_address", 8003),
                ("home_phone", 8003),
                ("last_name", 8003),
                ("locations", 8004),
                ("patronymic", 8003),
                ("positions", 8004),
                ("schedule_id", 8004),
                ("schedule_start_date", 8009),
                ("start_date", 8009),
                ("tab_number", 8008),
            ]),
            "{}",
            reply.text
        );

        // Dates below their minimum, required fields emptied, wrong types.
        let body = json!({
            "schedule_start_date": "2024-12-31",
            "efct_date": "2024-06-01",
            "locations": [],
            "department_id": "",
            "first_name": "Al",
            "positions": {"id": 1},
        });
        let reply = put(&app, id, &body, &admin).await;
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[
                ("department_id", 8002),
                ("efct_date", 8010),
                ("first_name", 8003),
                ("locations", 8002),
                ("positions", 8003),
                ("schedule_start_date", 8010),
            ]),
            "{}",
            reply.text
        );
        // Moving start_date after the schedule's start is 8010 on schedule_start_date.
        let reply = put(&app, id, &json!({"start_date": "2025-02-01"}), &admin).await;
        assert_eq!(
            reply.field_errors(),
            field_pairs(&[("schedule_start_date", 8010)])
        );
        // Malformed JSON is 400.
        let reply = app
            .send(
                app.http
                    .put(app.url(&format!("/v1/employees/{id}")))
                    .header("content-type", "application/json")
                    .bearer_auth(&admin)
                    .body("{\"first_name\": "),
            )
            .await;
        reply.assert_error(400, 4001);

        // Nothing of the refused requests was written.
        assert_eq!(card(&app, id, &admin).await, worker);
        assert_eq!(logged(&app, &admin, "editPersonProfile", id).await.len(), 0);
    })
    .await;
}

#[tokio::test]
async fn employee_update_roles_scopes_and_tenancy() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        let elsewhere = department(&app, &admin, "Elsewhere").await;
        let worker = hire(&app, &admin, &d, "Aziz").await;
        let id = worker["id"].as_i64().expect("id");
        let mut outside = hire(&app, &admin, &d, "Remote").await;
        let outside_id = outside["id"].as_i64().expect("id");
        outside = ok(put(
            &app,
            outside_id,
            &json!({"department_id": elsewhere}),
            &admin,
        )
        .await);
        assert_eq!(outside["department"]["id"], elsewhere);

        let (_, head) = app
            .add_user("head@test.uz", Role::DepartmentHead, "Rustam")
            .await;
        let got = ok(put(&app, id, &json!({"first_name": "Edited"}), &head).await);
        assert_eq!(got["first_name"], "Edited");
        // Outside the head's departments, or into a department outside them: 403.
        put(&app, outside_id, &json!({"first_name": "Edited"}), &head)
            .await
            .assert_error(403, 7004);
        put(&app, id, &json!({"department_id": elsewhere}), &head)
            .await
            .assert_error(403, 7004);
        // Another company's objects in the body: 8004, for the head as for the admin.
        let other = app.second_company("boss@other.uz", Lang::Ru).await;
        let o = defaults_of(&app, other.company_id.0).await;
        let reply = put(&app, id, &json!({"department_id": o.department}), &head).await;
        assert_eq!(
            reply.field_errors(),
            field_pairs(&[("department_id", 8004)])
        );
        let reply = put(
            &app,
            id,
            &json!({"locations": [o.location], "schedule_id": o.schedule}),
            &admin,
        )
        .await;
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[("locations", 8004), ("schedule_id", 8004)])
        );

        for (email, role) in [
            ("manager@test.uz", Role::DepartmentManager),
            ("observer@test.uz", Role::Observer),
            ("staff@test.uz", Role::Employee),
        ] {
            let (own, token) = app.add_user(email, role, "Someone").await;
            put(&app, id, &json!({"first_name": "Nobody"}), &token)
                .await
                .assert_error(403, 7004);
            // Not even themself.
            put(&app, own, &json!({"first_name": "Nobody"}), &token)
                .await
                .assert_error(403, 7004);
        }
        // Another company's employee, or none: 404.
        let foreign = scalar(
            &app.store,
            "SELECT min(id) FROM employees WHERE company_id = $1",
            &[other.company_id.0],
        )
        .await;
        put(&app, foreign, &json!({"first_name": "Nobody"}), &admin)
            .await
            .assert_error(404, 3000);
        put(&app, 999_999, &json!({}), &admin)
            .await
            .assert_error(404, 3000);
        put(&app, foreign, &json!({}), &head)
            .await
            .assert_error(404, 3000);
        app.call(
            "PUT",
            &format!("/v1/employees/{id}"),
            None,
            Some(&json!({})),
        )
        .await
        .assert_error(401, 7007);
        assert_eq!(card(&app, outside_id, &admin).await, outside);
    })
    .await;
}

#[tokio::test]
async fn employee_update_department_changes_now_or_pending() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let company = app.company.company_id.0;
        let d = defaults_of(&app, company).await;
        let store_department = department(&app, &admin, "Склад").await;
        let worker = hire(&app, &admin, &d, "Aziz").await;
        let id = worker["id"].as_i64().expect("id");

        // A future efct_date: pending, the card stays.
        let got = ok(put(
            &app,
            id,
            &json!({"department_id": store_department, "efct_date": "2025-03-10"}),
            &admin,
        )
        .await);
        assert_eq!(got["department"]["id"], d.department);
        let history = ok(app
            .get(&format!("/v1/employees/{id}/departments"), Some(&admin))
            .await);
        let items = history["items"].as_array().expect("items");
        assert_eq!(items.len(), 2, "{history}");
        assert_eq!(items[0]["end_date"], "2025-03-09");
        assert_eq!(items[0]["department_is_active"], true);
        assert_eq!(items[1]["department_id"], store_department);
        assert_eq!(items[1]["start_date"], "2025-03-10");
        assert_eq!(items[1]["department_is_active"], false);
        let transfer = logged(&app, &admin, "transferEmpDep", id).await;
        assert_eq!(transfer.len(), 1);
        assert_eq!(transfer[0]["assigned"], "Склад");
        assert_eq!(transfer[0]["object_id"], id);
        assert!(
            transfer[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("Склад") && m.contains("2025-03-10")),
            "{}",
            transfer[0]
        );
        // The same department again on the same day is no change.
        let rows = log_rows(&app).await;
        ok(put(
            &app,
            id,
            &json!({"department_id": store_department, "efct_date": "2025-03-10"}),
            &admin,
        )
        .await);
        assert_eq!(log_rows(&app).await, rows);

        // The pending change can be removed.
        let dropped = app
            .delete(&format!("/v1/employees/{id}/department"), &admin)
            .await;
        assert_eq!(ok(dropped), json!({"message": "success"}));
        let history = ok(app
            .get(&format!("/v1/employees/{id}/departments"), Some(&admin))
            .await);
        assert_eq!(history["_meta"]["totalCount"], 1);
        assert_eq!(history["items"][0]["end_date"], Value::Null);

        // A pending change takes effect when its day comes.
        ok(put(
            &app,
            id,
            &json!({"department_id": store_department, "efct_date": "2025-03-10"}),
            &admin,
        )
        .await);
        let txn = app.store.begin().await.expect("begin");
        lifecycle::apply_due(&txn, CompanyId(company), day(3, 10), START)
            .await
            .expect("apply");
        davomat_store::commit(txn).await.expect("commit");
        assert_eq!(
            card(&app, id, &admin).await["department"]["id"],
            store_department
        );

        // Without efct_date (today): the card follows at once.
        let second = hire(&app, &admin, &d, "Bobur").await;
        let second_id = second["id"].as_i64().expect("id");
        let got = ok(put(
            &app,
            second_id,
            &json!({"department_id": store_department.to_string()}),
            &admin,
        )
        .await);
        assert_eq!(
            got["department"],
            json!({"id": store_department, "title": "Склад"})
        );
        let history = ok(app
            .get(
                &format!("/v1/employees/{second_id}/departments"),
                Some(&admin),
            )
            .await);
        assert_eq!(history["items"][0]["end_date"], "2025-03-03");
        assert_eq!(history["items"][1]["start_date"], "2025-03-04");
        assert_eq!(history["items"][1]["department_is_active"], true);
        // A past efct_date rewrites the history from that day.
        ok(put(
            &app,
            second_id,
            &json!({"department_id": d.department, "efct_date": "2025-02-01"}),
            &admin,
        )
        .await);
        let history = ok(app
            .get(
                &format!("/v1/employees/{second_id}/departments"),
                Some(&admin),
            )
            .await);
        assert_eq!(history["_meta"]["totalCount"], 2);
        assert_eq!(history["items"][0]["end_date"], "2025-01-31");
        assert_eq!(history["items"][1]["department_id"], d.department);
        assert_eq!(
            card(&app, second_id, &admin).await["department"]["id"],
            d.department
        );
    })
    .await;
}

#[tokio::test]
async fn employee_update_position_schedule_and_location_changes() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        let cashier = position(&app, &admin, "Cashier").await;
        let driver = position(&app, &admin, "Driver").await;
        let night = schedule(&app, &admin, "Night").await;
        let office = location(&app, &admin, "Office").await;
        let worker = hire(&app, &admin, &d, "Aziz").await;
        let id = worker["id"].as_i64().expect("id");

        // Pending positions: not on the card yet, listed in the history, removable.
        let got = ok(put(
            &app,
            id,
            &json!({"positions": [cashier], "efct_date": "2025-04-01"}),
            &admin,
        )
        .await);
        assert_eq!(got["positions"], json!([]));
        let history = ok(app
            .get(&format!("/v1/employees/{id}/positions"), Some(&admin))
            .await);
        assert_eq!(history["items"][0]["position_id"], cashier);
        assert_eq!(history["items"][0]["start_date"], "2025-04-01");
        assert_eq!(history["items"][0]["position_is_active"], false);
        assert_eq!(
            logged(&app, &admin, "assignedPosition", id).await[0]["assigned"],
            "Cashier"
        );
        ok(app
            .delete(&format!("/v1/employees/{id}/position"), &admin)
            .await);
        let history = ok(app
            .get(&format!("/v1/employees/{id}/positions"), Some(&admin))
            .await);
        assert_eq!(history["_meta"]["totalCount"], 0);

        // Now: on the card at once; duplicates count once; a comma string works.
        let got = ok(put(
            &app,
            id,
            &json!({"positions": format!("{driver},{cashier},{driver}")}),
            &admin,
        )
        .await);
        assert_eq!(
            got["positions"],
            json!([{"id": cashier, "title": "Cashier"}, {"id": driver, "title": "Driver"}])
        );
        assert_eq!(
            logged(&app, &admin, "assignedPosition", id).await[0]["assigned"],
            "Cashier, Driver"
        );
        // Dropping one from today: the period of the other closes yesterday.
        let got = ok(put(&app, id, &json!({"positions": [driver]}), &admin).await);
        assert_eq!(got["positions"], json!([{"id": driver, "title": "Driver"}]));

        // Schedule: at once; schedule_start_date defaults to efct_date, also in the future.
        let got = ok(put(&app, id, &json!({"schedule_id": night}), &admin).await);
        assert_eq!(got["schedule"]["id"], night);
        assert_eq!(got["schedule_start_date"], "2025-03-04");
        let got = ok(put(
            &app,
            id,
            &json!({"schedule_id": d.schedule, "efct_date": "2025-03-20"}),
            &admin,
        )
        .await);
        assert_eq!(got["schedule"]["id"], d.schedule);
        assert_eq!(got["schedule_start_date"], "2025-03-20");
        let got = ok(put(
            &app,
            id,
            &json!({"schedule_start_date": "2025-02-01"}),
            &admin,
        )
        .await);
        assert_eq!(got["schedule_start_date"], "2025-02-01");
        let schedules = logged(&app, &admin, "assignedSchedule", id).await;
        assert_eq!(schedules.len(), 3);
        assert_eq!(schedules[2]["assigned"], "Night");

        // Locations: replaced at once, "*" is every location.
        let got = ok(put(&app, id, &json!({"locations": "*"}), &admin).await);
        assert_eq!(
            got["locations"]
                .as_array()
                .expect("locations")
                .iter()
                .map(|l| l["id"].clone())
                .collect::<Vec<_>>(),
            vec![json!(d.location), json!(office)]
        );
        let got = ok(put(
            &app,
            id,
            &json!({"locations": [office.to_string()]}),
            &admin,
        )
        .await);
        assert_eq!(got["locations"], json!([{"id": office, "title": "Office"}]));
        let located = logged(&app, &admin, "assignedLocation", id).await;
        assert_eq!(located.len(), 2);
        assert_eq!(located[0]["assigned"], "Office");
        assert_eq!(card(&app, id, &admin).await, got);
    })
    .await;
}

#[tokio::test]
async fn employee_update_accepts_a_form_body() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        let cashier = position(&app, &admin, "Cashier").await;
        let driver = position(&app, &admin, "Driver").await;
        let office = location(&app, &admin, "Office").await;
        let worker = hire(&app, &admin, &d, "Aziz").await;
        let id = worker["id"].as_i64().expect("id");
        let form = format!(
            "first_name=Bobur&note=from+a+form&tab_number=77&positions[]={cashier}&positions[]={driver}\
             &locations={},{office}&username=x@y.uz",
            d.location
        );
        let reply = app
            .send(
                app.http
                    .put(app.url(&format!("/v1/employees/{id}")))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .bearer_auth(&admin)
                    .body(form),
            )
            .await;
        let got = ok(reply);
        assert_eq!(got["full_name"], "Karimov Bobur");
        assert_eq!(got["notes"], "from a form");
        assert_eq!(got["tab_number"], "77");
        assert_eq!(got["positions"].as_array().map(Vec::len), Some(2));
        assert_eq!(got["locations"].as_array().map(Vec::len), Some(2));
        assert_eq!(got["user"], Value::Null);
        // One row per kind of change.
        for action in ["editPersonProfile", "editEmployeeCode", "assignedPosition", "assignedLocation"] {
            assert_eq!(logged(&app, &admin, action, id).await.len(), 1, "{action}");
        }
        assert_eq!(logged(&app, &admin, "transferEmpDep", id).await.len(), 0);
    })
    .await;
}

#[tokio::test]
async fn employee_update_changes_the_pin_code_or_keeps_it() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let company = app.company.company_id.0;
        let d = defaults_of(&app, company).await;
        let worker = hire(&app, &admin, &d, "Aziz").await;
        let id = worker["id"].as_i64().expect("id");
        let colleague = hire(&app, &admin, &d, "Botir").await;
        // Read once, so that a cached card or list would show the old PIN.
        assert_eq!(card(&app, id, &admin).await, worker);
        let listed = |reply: Reply| -> Value {
            ok(reply)["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|e| e["id"] == id)
                .map(|e| e["pin_code"].clone())
                .unwrap_or_default()
        };
        assert_eq!(
            listed(app.get("/v1/employees", Some(&admin)).await),
            worker["pin_code"]
        );

        // Changed: the answer, the card and the list show it; one editPersonProfile row.
        let rows = log_rows(&app).await;
        let got = ok(put(&app, id, &json!({"pin_code": " 0042 "}), &admin).await);
        let mut expected = worker.clone();
        expected["pin_code"] = json!("0042");
        assert_eq!(got, expected);
        assert_eq!(card(&app, id, &admin).await, expected);
        assert_eq!(listed(app.get("/v1/employees", Some(&admin)).await), "0042");
        assert_eq!(log_rows(&app).await, rows + 1);
        let profile = logged(&app, &admin, "editPersonProfile", id).await;
        assert_eq!(profile.len(), 1);
        assert_eq!(profile[0]["object_id"], id);
        assert_eq!(logged(&app, &admin, "editEmployeeCode", id).await.len(), 0);

        // Not sent, null, or the same: kept, and the same PIN logs nothing.
        let got = ok(put(&app, id, &json!({"home_phone": "123"}), &admin).await);
        assert_eq!(got["pin_code"], "0042");
        let got = ok(put(&app, id, &json!({"pin_code": null}), &admin).await);
        assert_eq!(got["pin_code"], "0042");
        let rows = log_rows(&app).await;
        ok(put(&app, id, &json!({"pin_code": "0042"}), &admin).await);
        assert_eq!(log_rows(&app).await, rows);

        // Digits only, 4 to 10 of them (8003); emptied (8002): every employee has one.
        for (wrong, code) in [
            (json!("123"), 8003),
            (json!("12a4"), 8003),
            (json!("12345678901"), 8003),
            (json!({"pin": 1}), 8003),
            (json!(""), 8002),
        ] {
            let reply = put(
                &app,
                id,
                &json!({"pin_code": wrong, "first_name": "Al"}),
                &admin,
            )
            .await;
            reply.assert_error(422, 8001);
            assert_eq!(
                reply.sorted_field_errors(),
                field_pairs(&[("first_name", 8003), ("pin_code", code)]),
                "{wrong}: {}",
                reply.text
            );
        }

        // Another employee's PIN, dismissed or not: 8008, for the head as for the admin.
        let taken = colleague["pin_code"].clone();
        let reply = put(&app, id, &json!({"pin_code": taken}), &admin).await;
        reply.assert_error(422, 8001);
        assert_eq!(
            reply.field_errors(),
            field_pairs(&[("pin_code", 8008)]),
            "{}",
            reply.text
        );
        let (_, head) = app
            .add_user("head@test.uz", Role::DepartmentHead, "Rustam")
            .await;
        davomat_store::testing::execute(
            &app.store,
            "UPDATE employees SET status = 'dismissed' WHERE id = $1",
            &[colleague["id"].as_i64().expect("id")],
        )
        .await;
        let reply = put(&app, id, &json!({"pin_code": taken}), &head).await;
        assert_eq!(
            reply.field_errors(),
            field_pairs(&[("pin_code", 8008)]),
            "{}",
            reply.text
        );
        assert_eq!(card(&app, id, &admin).await["pin_code"], "0042");

        // Another company's employee's PIN is free here; a head changes it too.
        let other = app.second_company("boss@other.uz", Lang::Ru).await;
        davomat_store::testing::execute(
            &app.store,
            "UPDATE employees SET pin_code = '4242' WHERE id = $1",
            &[other.admin_employee_id.0],
        )
        .await;
        let got = ok(put(&app, id, &json!({"pin_code": "4242"}), &head).await);
        assert_eq!(got["pin_code"], "4242");
        assert_eq!(card(&app, id, &admin).await["pin_code"], "4242");
        // The PIN it left is free again.
        let body = json!({
            "first_name": "Newcomer",
            "department_id": d.department,
            "locations": [d.location],
            "schedule_id": d.schedule,
            "start_date": "2025-01-01",
            "schedule_start_date": "2025-01-01",
            "pin_code": "0042",
        });
        let newcomer = created(app.post_json("/v1/employees", &body, Some(&admin)).await);
        assert_eq!(newcomer["pin_code"], "0042");
    })
    .await;
}
