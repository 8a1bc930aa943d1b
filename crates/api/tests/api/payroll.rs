//! `/v1/payroll`: salary rates, payroll rules and fines — periods closing and reopening,
//! per-employee results, exact amounts on both backends, the lists and their filters,
//! the catalogs, roles, tenancy, validation codes and activity rows.

use davomat_core::{Lang, Role};
use serde_json::{Value, json};

use crate::support::{Reply, START, TestApp, each_backend, field_pairs};

/// The admin's own employee id.
async fn admin_employee(app: &TestApp, token: &str) -> i64 {
    let reply = app.get("/v1/accounts", Some(token)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["employee"]["id"].as_i64().expect("employee id")
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> Reply {
    app.call("POST", path, Some(token), Some(&body)).await
}

/// `items` of an add-* answer, checking it is 200 and carries nothing else.
fn results(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply
            .body
            .as_object()
            .expect("object")
            .keys()
            .collect::<Vec<_>>(),
        vec!["items"]
    );
    reply.body["items"].as_array().expect("items").clone()
}

/// The periods listed for one employee by a payroll list.
async fn periods(app: &TestApp, token: &str, list: &str, key: &str, employee: i64) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/v1/payroll/{list}?f=employee&ids={employee}"),
            Some(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let items = reply.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{}", reply.text);
    assert_eq!(items[0]["employee_id"], json!(employee));
    items[0][key].as_array().expect("periods").clone()
}

async fn employee_object(app: &TestApp, token: &str, id: i64) -> Value {
    let reply = app.get(&format!("/v1/employees/{id}"), Some(token)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["data"].clone()
}

#[tokio::test]
async fn a_new_rate_closes_the_open_one_and_amounts_read_back_to_the_tiyin() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let me = admin_employee(&app, &token).await;
        let (aziz, _) = app.add_user("aziz@test.uz", Role::Employee, "Азиз").await;
        let first = post(
            &app,
            "/v1/payroll/add-salary",
            &token,
            json!({"type_col": 3, "rate": "1000.50", "start_date": "2025-01-01", "employee_ids": [me, aziz]}),
        )
        .await;
        let items = results(&first);
        assert_eq!(items.len(), 2);
        let mine = items[0]["id"].as_i64().expect("id");
        assert_eq!(
            items[0],
            json!({"employee_id": me, "status": true, "id": mine, "type_col": 3, "rate": "1000.50",
                   "start_date": "2025-01-01", "end_date": "9999-12-31"})
        );
        assert_eq!(items[1]["employee_id"], json!(aziz));
        assert_eq!(items[1]["status"], json!(true));

        // Exact amounts, as strings and as JSON numbers, on both backends.
        let mut starts = ["2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01"].into_iter();
        for (sent, shown) in [
            (json!("0.10"), "0.10"),
            (json!(1000.5), "1000.50"),
            (json!("99999999.99"), "99999999.99"),
            (json!(7), "7.00"),
        ] {
            let start = starts.next().expect("a start");
            let reply = post(
                &app,
                "/v1/payroll/add-salary",
                &token,
                json!({"type_col": "1", "rate": sent, "start_date": start, "employee_ids": [me]}),
            )
            .await;
            let items = results(&reply);
            assert_eq!(items[0]["rate"], json!(shown), "{}", reply.text);
            let object = employee_object(&app, &token, me).await;
            assert_eq!(object["lastEmployeeSalaryRate"]["rate"], json!(shown));
            assert_eq!(object["lastEmployeeSalaryRate"]["start_date"], json!(start));
            assert_eq!(object["lastEmployeeSalaryRate"]["type"], json!(1));
            assert_eq!(object["lastEmployeeSalaryRate"]["id"], items[0]["id"]);
        }
        let listed = periods(&app, &token, "salaries", "employeeSalaries", me).await;
        let shown: Vec<(String, String, String)> = listed
            .iter()
            .map(|p| {
                (
                    p["rate"].as_str().expect("rate").to_string(),
                    p["start_date"].as_str().expect("start").to_string(),
                    p["end_date"].as_str().expect("end").to_string(),
                )
            })
            .collect();
        let expected = [
            ("1000.50", "2025-01-01", "2025-01-31"),
            ("0.10", "2025-02-01", "2025-02-28"),
            ("1000.50", "2025-03-01", "2025-03-31"),
            ("99999999.99", "2025-04-01", "2025-04-30"),
            ("7.00", "2025-05-01", "9999-12-31"),
        ];
        assert_eq!(
            shown,
            expected
                .iter()
                .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
                .collect::<Vec<_>>()
        );
        assert_eq!(listed[0]["id"], json!(mine));
        assert_eq!(listed[0]["type_col"], json!(3));
        // Aziz keeps his one open rate; the account shows the admin's open one.
        let his = periods(&app, &token, "salaries", "employeeSalaries", aziz).await;
        assert_eq!(his.len(), 1);
        assert_eq!(his[0]["end_date"], json!("9999-12-31"));
        let account = app.get("/v1/accounts", Some(&token)).await;
        assert_eq!(account.body["employee"]["lastEmployeeSalaryRate"]["rate"], json!("7.00"));
        // One activity row per employee given a rate.
        let rows = app.activities(&token, "assignNewSalaryRate").await;
        assert_eq!(rows.len(), 6);
        assert!(rows.iter().any(|r| r["person_id"] == json!(aziz)));
    })
    .await;
}

#[tokio::test]
async fn each_employee_gets_a_result_and_the_refused_ones_keep_their_periods() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let me = admin_employee(&app, &token).await;
        let (aziz, _) = app.add_user("aziz@test.uz", Role::Employee, "Азиз").await;
        let theirs = app
            .second_company("other-admin@test.uz", Lang::Ru)
            .await
            .admin_employee_id
            .0;
        let set = post(
            &app,
            "/v1/payroll/add-salary",
            &token,
            json!({"type_col": 3, "rate": 500, "start_date": "2025-03-01", "employee_ids": [me]}),
        )
        .await;
        results(&set);
        // The same start again, a foreign employee, an unknown id, and one that works;
        // a repeated id gets one result.
        let reply = post(
            &app,
            "/v1/payroll/add-salary",
            &token,
            json!({"type_col": 3, "rate": 600, "start_date": "2025-03-01",
                   "employee_ids": [me, theirs, 999_999, aziz, aziz]}),
        )
        .await;
        let items = results(&reply);
        assert_eq!(items.len(), 4, "{}", reply.text);
        assert_eq!(
            items[0],
            json!({"employee_id": me, "status": false, "errors": {
                "message": "The date of assigning salary should be later than the (\"2025-03-01\")",
                "code": 4001}})
        );
        assert_eq!(items[1]["employee_id"], json!(theirs));
        assert_eq!(items[1]["status"], json!(false));
        assert_eq!(items[1]["errors"]["code"], json!(4001));
        assert_eq!(items[2]["employee_id"], json!(999_999));
        assert_eq!(items[2]["errors"]["code"], json!(4001));
        assert_eq!(items[3]["employee_id"], json!(aziz));
        assert_eq!(items[3]["status"], json!(true));
        // An earlier start is refused as well; the refused employee keeps one open period.
        let earlier = post(
            &app,
            "/v1/payroll/add-salary",
            &token,
            json!({"type_col": 3, "rate": 600, "start_date": "2025-02-01", "employee_ids": [me]}),
        )
        .await;
        assert_eq!(results(&earlier)[0]["status"], json!(false));
        let mine = periods(&app, &token, "salaries", "employeeSalaries", me).await;
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0]["rate"], json!("500.00"));
        assert_eq!(mine[0]["end_date"], json!("9999-12-31"));
        // The other company's employee got nothing either.
        assert_eq!(app.activities(&token, "assignNewSalaryRate").await.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn deleting_a_period_gives_its_days_back_to_the_one_before() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let me = admin_employee(&app, &token).await;
        let mut ids = Vec::new();
        for (rate, start) in [
            ("100", "2025-01-01"),
            ("200", "2025-02-01"),
            ("300", "2025-03-01"),
        ] {
            let reply = post(
                &app,
                "/v1/payroll/add-salary",
                &token,
                json!({"type_col": 4, "rate": rate, "start_date": start, "employee_ids": [me]}),
            )
            .await;
            ids.push(results(&reply)[0]["id"].as_i64().expect("id"));
        }
        // The middle one: January now runs to the end of February.
        let gone = app
            .delete(
                &format!("/v1/payroll/{me}/delete-salary/{}", ids[1]),
                &token,
            )
            .await;
        assert_eq!(gone.status, 200, "{}", gone.text);
        assert_eq!(gone.body, json!({"success": true}));
        let listed = periods(&app, &token, "salaries", "employeeSalaries", me).await;
        let spans: Vec<(Value, Value)> = listed
            .iter()
            .map(|p| (p["start_date"].clone(), p["end_date"].clone()))
            .collect();
        assert_eq!(
            spans,
            vec![
                (json!("2025-01-01"), json!("2025-02-28")),
                (json!("2025-03-01"), json!("9999-12-31"))
            ]
        );
        // The open one: January is open again and is the employee's last rate.
        let gone = app
            .delete(
                &format!("/v1/payroll/{me}/delete-salary/{}", ids[2]),
                &token,
            )
            .await;
        assert_eq!(gone.status, 200, "{}", gone.text);
        let listed = periods(&app, &token, "salaries", "employeeSalaries", me).await;
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["end_date"], json!("9999-12-31"));
        let object = employee_object(&app, &token, me).await;
        assert_eq!(object["lastEmployeeSalaryRate"]["rate"], json!("100.00"));
        // Gone twice, under another employee, or not a number: 404.
        let (aziz, _) = app.add_user("aziz@test.uz", Role::Employee, "Азиз").await;
        for path in [
            format!("/v1/payroll/{me}/delete-salary/{}", ids[2]),
            format!("/v1/payroll/{aziz}/delete-salary/{}", ids[0]),
            format!("/v1/payroll/{me}/delete-salary/abc"),
        ] {
            app.delete(&path, &token).await.assert_error(404, 3000);
        }
        // The last one: no rate at all.
        let gone = app
            .delete(
                &format!("/v1/payroll/{me}/delete-salary/{}", ids[0]),
                &token,
            )
            .await;
        assert_eq!(gone.status, 200);
        let object = employee_object(&app, &token, me).await;
        assert_eq!(object["lastEmployeeSalaryRate"], Value::Null);
        let rows = app.activities(&token, "cancelNewSalaryRate").await;
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0]["person_id"], json!(me));
    })
    .await;
}

#[tokio::test]
async fn add_requests_report_every_failing_field() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let empty = post(&app, "/v1/payroll/add-salary", &token, json!({})).await;
        empty.assert_error(422, 8001);
        assert_eq!(
            empty.sorted_field_errors(),
            field_pairs(&[("employee_ids", 8002), ("rate", 8002), ("start_date", 8002), ("type_col", 8002)])
        );
        let bad = post(
            &app,
            "/v1/payroll/add-salary",
            &token,
            json!({"type_col": 5, "rate": "1.005", "start_date": "2025-13-01", "person_ids": "a,b"}),
        )
        .await;
        bad.assert_error(422, 8001);
        assert_eq!(
            bad.sorted_field_errors(),
            field_pairs(&[("person_ids", 8003), ("rate", 8003), ("start_date", 8009), ("type_col", 8003)])
        );
        for rate in [json!(-1), json!("12abc"), json!("1e3"), json!("1000000000000")] {
            let reply = post(
                &app,
                "/v1/payroll/add-salary",
                &token,
                json!({"type_col": 1, "rate": rate, "start_date": "2025-01-01", "employee_ids": [1]}),
            )
            .await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.field_errors(), vec![("rate".to_string(), 8003)], "{rate}");
        }
        let other = app.second_company("other-admin@test.uz", Lang::Ru).await;
        let their_rule = davomat_store::payroll::rules::create(
            app.store.connection(),
            other.company_id,
            &davomat_store::payroll::rules::RuleFields {
                title: "Чужое".into(),
                otc_algorithm_daily: false,
                is_active: true,
            },
            START,
        )
        .await
        .expect("their rule");
        let payroll = post(
            &app,
            "/v1/payroll/add-payroll",
            &token,
            json!({"payroll_rule_id": their_rule, "start_date": "2025-01-01"}),
        )
        .await;
        payroll.assert_error(422, 8001);
        assert_eq!(
            payroll.sorted_field_errors(),
            field_pairs(&[("payroll_rule_id", 8004), ("person_ids", 8002)])
        );
        let fine = post(&app, "/v1/payroll/add-fine", &token, json!({"person_ids": []})).await;
        assert_eq!(
            fine.sorted_field_errors(),
            field_pairs(&[("fine_id", 8002), ("person_ids", 8002), ("start_date", 8002)])
        );
        // Nothing was written by any of them.
        assert!(app.activities(&token, "assignNewSalaryRate").await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn rules_and_fines_are_kept_in_catalogs_and_assigned_by_period() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let me = admin_employee(&app, &token).await;
        let (aziz, _) = app.add_user("aziz@test.uz", Role::Employee, "Азиз").await;
        let rule = post(
            &app,
            "/v1/payroll/payroll-list",
            &token,
            json!({"title": " KORZINKA ", "otc_algorithm_daily": "1"}),
        )
        .await;
        assert_eq!(rule.status, 201, "{}", rule.text);
        let rule_id = rule.body["id"].as_i64().expect("id");
        assert_eq!(
            rule.body,
            json!({"id": rule_id, "company_id": app.company.company_id.0, "title": "KORZINKA",
                   "otc_algorithm_daily": true, "is_active": true})
        );
        let fine = post(
            &app,
            "/v1/payroll/fine-list",
            &token,
            json!({"title": "Опоздание", "has_dayly_fine": 1, "amount": "25.5"}),
        )
        .await;
        assert_eq!(fine.status, 201, "{}", fine.text);
        let fine_id = fine.body["id"].as_i64().expect("id");
        assert_eq!(
            fine.body,
            json!({"id": fine_id, "company_id": app.company.company_id.0, "title": "Опоздание",
                   "is_active": true, "has_dayly_fine": 1, "amount": "25.50", "amount_type": 0})
        );
        let second_fine = post(
            &app,
            "/v1/payroll/fine-list",
            &token,
            json!({"title": "Прогул", "amount": 100000.99, "amount_type": 1}),
        )
        .await;
        assert_eq!(second_fine.body["amount"], json!("100000.99"));
        assert_eq!(second_fine.body["has_dayly_fine"], json!(0));
        let second_fine = second_fine.body["id"].as_i64().expect("id");

        // Only the fields sent change.
        let changed = app
            .put_json(
                &format!("/v1/payroll/fine-list/{fine_id}"),
                &json!({"amount": "30"}),
                &token,
            )
            .await;
        assert_eq!(changed.status, 200, "{}", changed.text);
        assert_eq!(changed.body["amount"], json!("30.00"));
        assert_eq!(changed.body["title"], json!("Опоздание"));
        assert_eq!(changed.body["has_dayly_fine"], json!(1));

        // The reference's path without /payroll, form bodies, person_ids and employee_ids.
        let assigned = app
            .form(
                "POST",
                "/v1/add-payroll",
                &token,
                &format!("payroll_rule_id={rule_id}&start_date=2025-02-01&person_ids[]={me}&person_ids[]={aziz}"),
            )
            .await;
        let items = results(&assigned);
        assert_eq!(items[0]["payroll_rule"], json!("KORZINKA"));
        assert_eq!(items[0]["end_date"], json!("9999-12-31"));
        assert_eq!(items[1]["status"], json!(true));
        let fined = post(
            &app,
            "/v1/payroll/add-fine",
            &token,
            json!({"fine_id": fine_id, "start_date": "2025-02-01", "employee_ids": [me]}),
        )
        .await;
        let items = results(&fined);
        assert_eq!(items[0]["fine"], json!("Опоздание"));
        let first_period = items[0]["id"].as_i64().expect("id");
        // The same fine again, even later: 4001; another fine closes it.
        let again = post(
            &app,
            "/v1/add-fine",
            &token,
            json!({"fine_id": fine_id, "start_date": "2025-03-01", "person_ids": [me]}),
        )
        .await;
        assert_eq!(
            results(&again)[0],
            json!({"employee_id": me, "status": false, "errors": {"message": "this fine is already in use", "code": 4001}})
        );
        let other = post(
            &app,
            "/v1/payroll/add-fine",
            &token,
            json!({"fine_id": second_fine, "start_date": "2025-03-01", "person_ids": [me]}),
        )
        .await;
        assert_eq!(results(&other)[0]["status"], json!(true));

        let object = employee_object(&app, &token, me).await;
        assert_eq!(
            object["lastPersonPayroll"],
            json!({"id": object["lastPersonPayroll"]["id"], "payroll_rule_id": rule_id, "start_date": "2025-02-01",
                   "payrollRule": {"title": "KORZINKA", "otc_algorithm_daily": true}})
        );
        assert_eq!(
            object["lastPersonFine"],
            json!({"id": object["lastPersonFine"]["id"], "fine_id": second_fine, "start_date": "2025-03-01",
                   "fine": {"title": "Прогул", "has_dayly_fine": 0, "amount": "100000.99"}})
        );
        let fines = periods(&app, &token, "fines", "personFines", me).await;
        assert_eq!(fines.len(), 2);
        assert_eq!(
            fines[0],
            json!({"id": first_period, "start_date": "2025-02-01", "end_date": "2025-02-28",
                   "fine": {"id": fine_id, "title": "Опоздание", "has_dayly_fine": 1, "amount": "30.00"}})
        );
        let payrolls = periods(&app, &token, "payrolls", "personPayrolls", aziz).await;
        assert_eq!(
            payrolls[0]["payrollRule"],
            json!({"id": rule_id, "title": "KORZINKA", "otc_algorithm_daily": true})
        );

        // Catalog lists; deleting a held entry is refused, an unused one goes.
        let rules = app.get("/v1/payroll/payroll-list", Some(&token)).await;
        assert_eq!(rules.body["_meta"]["totalCount"], json!(1));
        let fine_list = app.get("/v1/payroll/fine-list", Some(&token)).await;
        assert_eq!(fine_list.body["items"].as_array().expect("items").len(), 2);
        app.delete(&format!("/v1/payroll/payroll-list/{rule_id}"), &token)
            .await
            .assert_error(400, 7011);
        let unused = post(&app, "/v1/payroll/payroll-list", &token, json!({"title": "Unused"})).await;
        let unused = unused.body["id"].as_i64().expect("id");
        let gone = app
            .delete(&format!("/v1/payroll/payroll-list/{unused}"), &token)
            .await;
        assert_eq!(gone.body, json!({"message": "success"}));
        app.delete(&format!("/v1/payroll/payroll-list/{unused}"), &token)
            .await
            .assert_error(404, 3000);
        // An inactive fine cannot be given.
        let off = app
            .put_json(
                &format!("/v1/payroll/fine-list/{second_fine}"),
                &json!({"is_active": false}),
                &token,
            )
            .await;
        assert_eq!(off.body["is_active"], json!(false));
        let refused = post(
            &app,
            "/v1/payroll/add-fine",
            &token,
            json!({"fine_id": second_fine, "start_date": "2025-04-01", "person_ids": [aziz]}),
        )
        .await;
        assert_eq!(refused.field_errors(), vec![("fine_id".to_string(), 8003)]);
        // Deleting the open fine period reopens the first one.
        let open = fines[1]["id"].as_i64().expect("id");
        let gone = app
            .delete(&format!("/v1/payroll/{me}/delete-fine/{open}"), &token)
            .await;
        assert_eq!(gone.body, json!({"success": true}));
        let object = employee_object(&app, &token, me).await;
        assert_eq!(object["lastPersonFine"]["fine_id"], json!(fine_id));
        // Activity rows of every kind.
        for (action, count) in [
            ("createdPayrollRule", 2),
            ("deletedPayrollRule", 1),
            ("createdFine", 2),
            ("updatedFine", 2),
            ("assignedPayroll", 2),
            ("assignedFine", 2),
            ("canceledFine", 1),
        ] {
            assert_eq!(app.activities(&token, action).await.len(), count, "{action}");
        }
    })
    .await;
}

#[tokio::test]
async fn catalog_validation_and_tenancy() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let bad = post(
            &app,
            "/v1/payroll/fine-list",
            &token,
            json!({"has_dayly_fine": "maybe", "amount": "1.234", "amount_type": 3}),
        )
        .await;
        bad.assert_error(422, 8001);
        assert_eq!(
            bad.sorted_field_errors(),
            field_pairs(&[
                ("amount", 8003),
                ("amount_type", 8003),
                ("has_dayly_fine", 8003),
                ("title", 8002)
            ])
        );
        let long = post(
            &app,
            "/v1/payroll/payroll-list",
            &token,
            json!({"title": "x".repeat(251)}),
        )
        .await;
        assert_eq!(long.field_errors(), vec![("title".to_string(), 8003)]);
        let other = app.second_company("other-admin@test.uz", Lang::Ru).await;
        let theirs = other.admin_employee_id.0;
        let their_fine = davomat_store::payroll::fines::create(
            app.store.connection(),
            other.company_id,
            &davomat_store::payroll::fines::FineFields {
                title: "Чужой".into(),
                is_active: true,
                has_dayly_fine: false,
                amount: 100,
                amount_type: 0,
            },
            START,
        )
        .await
        .expect("their fine");
        app.put_json(
            &format!("/v1/payroll/fine-list/{their_fine}"),
            &json!({"title": "Моё"}),
            &token,
        )
        .await
        .assert_error(404, 3000);
        app.delete(&format!("/v1/payroll/fine-list/{their_fine}"), &token)
            .await
            .assert_error(404, 3000);
        let list = app.get("/v1/payroll/fine-list", Some(&token)).await;
        assert_eq!(list.body["_meta"]["totalCount"], json!(0));
        app.delete(&format!("/v1/payroll/{theirs}/delete-salary/1"), &token)
            .await
            .assert_error(404, 3000);
    })
    .await;
}

#[tokio::test]
async fn lists_follow_the_scope_and_the_f_filter() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let me = admin_employee(&app, &token).await;
        let (head, head_token) = app.add_user("head@test.uz", Role::DepartmentHead, "Бош").await;
        let (_, observer_token) = app.add_user("observer@test.uz", Role::Observer, "Кузатувчи").await;
        let (_, employee_token) = app.add_user("employee@test.uz", Role::Employee, "Ходим").await;
        let account = app.get("/v1/accounts", Some(&token)).await.body;
        let card = &account["employee"];
        // A sub-department and a department of its own, each with an employee.
        let department = card["department"]["id"].as_i64().expect("department");
        let sub = post(&app, "/v1/departments", &token, json!({"title": "Склад", "pid": department})).await;
        assert_eq!(sub.status, 201, "{}", sub.text);
        let sub = sub.body["id"].as_i64().expect("id");
        let away = post(&app, "/v1/departments", &token, json!({"title": "Филиал"})).await;
        let away = away.body["id"].as_i64().expect("id");
        let mut hired = Vec::new();
        for (name, department) in [("Складчи", sub), ("Филиалчи", away)] {
            let reply = post(
                &app,
                "/v1/employees",
                &token,
                json!({"first_name": name, "department_id": department,
                       "locations": [card["locations"][0]["id"]], "schedule_id": card["schedule"]["id"],
                       "start_date": "2025-03-01", "schedule_start_date": "2025-03-01"}),
            )
            .await;
            assert_eq!(reply.status, 201, "{}", reply.text);
            hired.push(reply.body["id"].as_i64().expect("id"));
        }
        let (in_sub, far) = (hired[0], hired[1]);
        let listed = |reply: &Reply| -> Vec<i64> {
            assert_eq!(reply.status, 200, "{}", reply.text);
            let mut ids: Vec<i64> = reply.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["employee_id"].as_i64().expect("id"))
                .collect();
            ids.sort();
            ids
        };
        // Admins: the company, f empty too.
        for path in ["/v1/payroll/salaries", "/v1/payroll/payrolls?f=", "/v1/payroll/fines?f=&ids="] {
            let reply = app.get(path, Some(&token)).await;
            assert_eq!(listed(&reply).len(), 6, "{path}");
            assert_eq!(reply.body["_meta"]["totalCount"], json!(6));
        }
        let by_department = app
            .get(&format!("/v1/payroll/salaries?f=department&ids={department}"), Some(&token))
            .await;
        assert!(listed(&by_department).contains(&in_sub));
        assert!(!listed(&by_department).contains(&far));
        let by_employee = app
            .get(&format!("/v1/payroll/fines?f=employee&ids={me},{far}"), Some(&token))
            .await;
        let mut expected = vec![me, far];
        expected.sort();
        assert_eq!(listed(&by_employee), expected);
        let item = &by_employee.body["items"][0];
        for key in ["department_id", "employee_id", "last_name", "first_name", "patronymic", "photos", "personFines"] {
            assert!(item.get(key).is_some(), "{key}");
        }
        // The head: their department and below, never the other one.
        let theirs = listed(&app.get("/v1/payroll/salaries", Some(&head_token)).await);
        assert!(theirs.contains(&head) && theirs.contains(&in_sub));
        assert!(!theirs.contains(&far));
        let asked = app
            .get(&format!("/v1/payroll/salaries?f=employee&ids={far}"), Some(&head_token))
            .await;
        assert!(listed(&asked).is_empty());
        // Malformed filters.
        app.get("/v1/payroll/salaries?f=department", Some(&token))
            .await
            .assert_error(400, 4000);
        app.get("/v1/payroll/payrolls?f=employee&ids=", Some(&token))
            .await
            .assert_error(400, 4000);
        app.get("/v1/payroll/fines?f=location&ids=1", Some(&token))
            .await
            .assert_error(400, 4001);
        app.get("/v1/payroll/fines?f=employee&ids=a", Some(&token))
            .await
            .assert_error(400, 4001);
        // Roles: heads read; observers and employees do not; only admins write.
        for path in ["/v1/payroll/salaries", "/v1/payroll/fine-list", "/v1/payroll/payroll-list"] {
            assert_eq!(app.get(path, Some(&head_token)).await.status, 200, "{path}");
            app.get(path, Some(&observer_token)).await.assert_error(403, 7004);
            app.get(path, Some(&employee_token)).await.assert_error(403, 7004);
        }
        for (path, body) in [
            ("/v1/payroll/add-salary", json!({"type_col": 1, "rate": 1, "start_date": "2025-01-01", "employee_ids": [head]})),
            ("/v1/payroll/payroll-list", json!({"title": "Head's"})),
            ("/v1/payroll/fine-list", json!({"title": "Head's"})),
        ] {
            post(&app, path, &head_token, body).await.assert_error(403, 7004);
        }
        app.delete(&format!("/v1/payroll/{head}/delete-salary/1"), &head_token)
            .await
            .assert_error(403, 7004);
    })
    .await;
}

/// The routes the other cases do not reach: the reference's `/v1/add-salary`, a rule's
/// PUT, a fine's DELETE and `delete-payroll`.
#[tokio::test]
async fn every_payroll_route_answers_in_its_shape() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let me = admin_employee(&app, &token).await;
        let salary = post(
            &app,
            "/v1/add-salary",
            &token,
            json!({"type_col": 2, "rate": "12.34", "start_date": "2025-01-06", "person_ids": [me]}),
        )
        .await;
        let items = results(&salary);
        assert_eq!(items[0]["type_col"], json!(2));
        assert_eq!(items[0]["rate"], json!("12.34"));
        let rule = post(
            &app,
            "/v1/payroll/payroll-list",
            &token,
            json!({"title": "Почасовой"}),
        )
        .await;
        assert_eq!(rule.status, 201, "{}", rule.text);
        let rule_id = rule.body["id"].as_i64().expect("id");
        assert_eq!(rule.body["otc_algorithm_daily"], json!(false));
        let renamed = app
            .put_json(
                &format!("/v1/payroll/payroll-list/{rule_id}"),
                &json!({"title": "Сменный", "is_active": 0}),
                &token,
            )
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.text);
        assert_eq!(
            renamed.body,
            json!({"id": rule_id, "company_id": app.company.company_id.0, "title": "Сменный",
                   "otc_algorithm_daily": false, "is_active": false})
        );
        app.put_json(
            "/v1/payroll/payroll-list/999999",
            &json!({"title": "x"}),
            &token,
        )
        .await
        .assert_error(404, 3000);
        // An inactive rule is refused; active again, it is given and its period deleted.
        let refused = post(
            &app,
            "/v1/payroll/add-payroll",
            &token,
            json!({"payroll_rule_id": rule_id, "start_date": "2025-01-06", "person_ids": [me]}),
        )
        .await;
        assert_eq!(
            refused.field_errors(),
            vec![("payroll_rule_id".to_string(), 8003)]
        );
        app.put_json(
            &format!("/v1/payroll/payroll-list/{rule_id}"),
            &json!({"is_active": true}),
            &token,
        )
        .await;
        let given = post(
            &app,
            "/v1/payroll/add-payroll",
            &token,
            json!({"payroll_rule_id": rule_id, "start_date": "2025-01-06", "employee_ids": [me]}),
        )
        .await;
        let period = results(&given)[0]["id"].as_i64().expect("id");
        let gone = app
            .delete(&format!("/v1/payroll/{me}/delete-payroll/{period}"), &token)
            .await;
        assert_eq!(gone.body, json!({"success": true}));
        let object = employee_object(&app, &token, me).await;
        assert_eq!(object["lastPersonPayroll"], Value::Null);
        // With its only period deleted, nobody has held the rule: it may go.
        let dropped = app
            .delete(&format!("/v1/payroll/payroll-list/{rule_id}"), &token)
            .await;
        assert_eq!(dropped.body, json!({"message": "success"}));
        // A fine nobody holds goes.
        let fine = post(
            &app,
            "/v1/payroll/fine-list",
            &token,
            json!({"title": "Разовый"}),
        )
        .await;
        let fine_id = fine.body["id"].as_i64().expect("id");
        assert_eq!(fine.body["amount"], json!("0.00"));
        let deleted = app
            .delete(&format!("/v1/payroll/fine-list/{fine_id}"), &token)
            .await;
        assert_eq!(deleted.body, json!({"message": "success"}));
        assert_eq!(app.activities(&token, "deletedFine").await.len(), 1);
        assert_eq!(app.activities(&token, "updatedPayrollRule").await.len(), 2);
        assert_eq!(app.activities(&token, "canceledPayroll").await.len(), 1);
    })
    .await;
}

/// Many add-salary requests for the same employee at once: each answers 200 with a
/// result for the employee (given, or refused with 4001 and the reason), and the
/// employee ends with exactly one open rate — on both backends.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_additions_for_one_employee_each_get_a_result() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let me = admin_employee(&app, &token).await;
        for round in 0..3 {
            let sends = (0..8).map(|i| {
                let body = json!({
                    "type_col": 3, "rate": format!("{}.00", 1000 + i),
                    "start_date": format!("2025-{:02}-{:02}", 4 + round, 1 + i),
                    "employee_ids": [me],
                });
                let (app, token) = (&app, &token);
                async move { post(app, "/v1/payroll/add-salary", token, body).await }
            });
            for reply in futures_util::future::join_all(sends).await {
                let items = results(&reply);
                assert_eq!(items.len(), 1, "{}", reply.text);
                let item = &items[0];
                if item["status"] == json!(false) {
                    assert_eq!(item["errors"]["code"], 4001, "{}", reply.text);
                } else {
                    assert_eq!(item["status"], json!(true), "{}", reply.text);
                }
            }
        }
        let open = periods(&app, &token, "salaries", "employeeSalaries", me)
            .await
            .into_iter()
            .filter(|p| p["end_date"] == json!("9999-12-31"))
            .count();
        assert_eq!(open, 1);
    })
    .await;
}
