//! Department and position history, and removing a pending change.

use chrono::NaiveDate;
use davomat_core::{CompanyId, EmployeeId, Role};
use davomat_store::employees::history::{self, Kind};
use davomat_store::employees::lifecycle;
use davomat_store::testing::{execute, scalar};
use serde_json::json;

use crate::support::{START, TestApp, each_backend};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, d).expect("date")
}

async fn schedule_change(
    app: &TestApp,
    kind: Kind,
    employee: i64,
    objects: &[i64],
    from: NaiveDate,
) {
    let txn = app.store.begin().await.expect("begin");
    history::change(&txn, kind, EmployeeId(employee), objects, from, START)
        .await
        .expect("change");
    davomat_store::commit(txn).await.expect("commit");
}

#[tokio::test]
async fn histories_list_periods_and_pending_changes_can_be_removed() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let company = app.company.company_id.0;
        let (worker, staff) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let first_department = scalar(&app.store, "SELECT min(id) FROM departments WHERE company_id = $1", &[company]).await;
        execute(&app.store, "INSERT INTO departments (company_id, pid, title, created_at) VALUES ($1, NULL, 'Склад', 0)", &[company]).await;
        let store_department = scalar(&app.store, "SELECT max(id) FROM departments WHERE company_id = $1", &[company]).await;
        execute(&app.store, "INSERT INTO positions (company_id, title, created_at) VALUES ($1, 'Кладовщик', 0)", &[company]).await;
        let position = scalar(&app.store, "SELECT max(id) FROM positions WHERE company_id = $1", &[company]).await;
        schedule_change(&app, Kind::Department, worker, &[store_department], day(10)).await;
        schedule_change(&app, Kind::Position, worker, &[position], day(1)).await;

        let departments = app.get(&format!("/v1/employees/{worker}/departments"), Some(&admin)).await;
        assert_eq!(departments.status, 200, "{}", departments.text);
        let items = departments.body["items"].as_array().expect("items");
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].as_object().expect("period").iter().filter(|(k, _)| *k != "id").map(|(k, v)| (k.clone(), v.clone())).collect::<serde_json::Map<_, _>>(),
            json!({"employee_id": worker, "department_id": first_department, "department_title": "Отдел по умолчанию",
                   "department_is_active": true, "start_date": "2025-01-01", "end_date": "2025-03-09"}).as_object().expect("map").clone()
        );
        assert_eq!(items[1]["department_id"], store_department);
        assert_eq!(items[1]["department_is_active"], false);
        assert_eq!(items[1]["end_date"], serde_json::Value::Null);
        assert_eq!(departments.body["_meta"]["totalCount"], 2);
        let positions = app.get(&format!("/v1/employees/{worker}/positions"), Some(&staff)).await;
        assert_eq!(positions.body["items"][0]["position_title"], "Кладовщик");
        assert_eq!(positions.body["items"][0]["person_id"], worker);
        assert_eq!(positions.body["items"][0]["position_is_active"], true);
        // The employee appears in the card with the position held today.
        assert_eq!(app.get(&format!("/v1/employees/{worker}"), Some(&admin)).await.body["data"]["positions"][0]["id"], position);

        // Nothing pending for positions (it started already); the department move is pending.
        app.delete(&format!("/v1/employees/{worker}/position"), &admin).await.assert_error(400, 4001);
        let dropped = app.delete(&format!("/v1/employees/{worker}/department"), &admin).await;
        assert_eq!(dropped.body, json!({"message": "success"}));
        let after = app.get(&format!("/v1/employees/{worker}/departments"), Some(&admin)).await;
        assert_eq!(after.body["_meta"]["totalCount"], 1);
        assert_eq!(after.body["items"][0]["end_date"], serde_json::Value::Null, "the closed period is open again");
        let log = app.get("/v1/user-activities?action_name=cancelTransferEmpDep", Some(&admin)).await;
        assert_eq!(log.body["items"][0]["assigned"], "Склад");

        // A pending move takes effect when its day comes.
        schedule_change(&app, Kind::Department, worker, &[store_department], day(10)).await;
        let txn = app.store.begin().await.expect("begin");
        lifecycle::apply_due(&txn, CompanyId(company), day(10), START).await.expect("apply");
        davomat_store::commit(txn).await.expect("commit");
        assert_eq!(app.get(&format!("/v1/employees/{worker}"), Some(&admin)).await.body["data"]["department"]["id"], store_department);
    })
    .await;
}

#[tokio::test]
async fn histories_follow_the_callers_scope() {
    each_backend(|app: TestApp| async move {
        let (worker, _) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let (_, other_staff) = app.add_user("other@t.uz", Role::Employee, "Другой").await;
        let (_, manager) = app
            .add_user("manager@t.uz", Role::DepartmentManager, "Менеджер")
            .await;
        app.get(
            &format!("/v1/employees/{worker}/departments"),
            Some(&other_staff),
        )
        .await
        .assert_error(403, 7004);
        assert_eq!(
            app.get(
                &format!("/v1/employees/{worker}/departments"),
                Some(&manager)
            )
            .await
            .status,
            200
        );
        app.delete(&format!("/v1/employees/{worker}/department"), &manager)
            .await
            .assert_error(403, 7004);
        let admin = app.admin_token().await;
        app.get("/v1/employees/999999/positions", Some(&admin))
            .await
            .assert_error(404, 3000);
    })
    .await;
}
