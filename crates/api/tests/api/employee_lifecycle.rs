//! Dismissal (now and pending), its cancellation, re-hire (now and pending), its
//! cancellation, removal: answers, effects, roles and activity rows.

use chrono::NaiveDate;
use davomat_core::{CompanyId, Role};
use davomat_store::employees::lifecycle;
use davomat_store::testing::{execute, scalar};
use serde_json::{Value, json};

use crate::support::{TestApp, each_backend};

/// 2025-03-04 is the harness's today.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 4).expect("date")
}

async fn status(app: &TestApp, employee: i64) -> String {
    let dismissed = scalar(
        &app.store,
        "SELECT count(*) FROM employees WHERE id = $1 AND status = 'dismissed'",
        &[employee],
    )
    .await;
    if dismissed == 1 {
        "dismissed".into()
    } else {
        "active".into()
    }
}

async fn let_day_pass(app: &TestApp, day: NaiveDate) {
    let txn = app.store.begin().await.expect("begin");
    lifecycle::apply_due(&txn, CompanyId(app.company.company_id.0), day, 0)
        .await
        .expect("apply");
    davomat_store::commit(txn).await.expect("commit");
}

fn actions(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["action_name"].as_str().expect("name").to_string())
        .collect()
}

#[tokio::test]
async fn a_past_last_day_dismisses_now_and_closes_the_login() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, worker_token) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let reply = app
            .post_json(
                &format!("/v1/employees/{worker}/dismiss"),
                &json!({"exp_date": "2025-03-03"}),
                Some(&admin),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body, json!({"success": true}));
        assert_eq!(status(&app, worker).await, "dismissed");
        app.get("/v1/accounts", Some(&worker_token))
            .await
            .assert_error(401, 7008);
        let listed = app
            .get("/v1/employees?status=dismissed", Some(&admin))
            .await;
        assert_eq!(listed.body["items"][0]["id"], worker);
        // Dismissing twice does not apply.
        app.post_json(
            &format!("/v1/employees/{worker}/dismiss"),
            &json!({"exp_date": "2025-03-03"}),
            Some(&admin),
        )
        .await
        .assert_error(400, 4001);
        let log = app
            .get(
                "/v1/user-activities?action_name=dismissEmployee",
                Some(&admin),
            )
            .await;
        assert_eq!(log.body["items"][0]["person_id"], worker);
        assert_eq!(
            log.body["items"][0]["message"],
            "Администратор уволил(а) сотрудника Тестов Рабочий"
        );
    })
    .await;
}

#[tokio::test]
async fn a_future_last_day_is_pending_until_it_passes_or_is_cancelled() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, _) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let path = format!("/v1/employees/{worker}");
        // Cancelling with nothing pending does not apply.
        app.post_json(&format!("{path}/cancel-dismiss"), &json!({}), Some(&admin))
            .await
            .assert_error(400, 4001);
        assert_eq!(
            app.post_json(
                &format!("{path}/dismiss"),
                &json!({"exp_date": "2025-03-10"}),
                Some(&admin)
            )
            .await
            .status,
            200
        );
        assert_eq!(status(&app, worker).await, "active");
        let_day_pass(&app, NaiveDate::from_ymd_opt(2025, 3, 10).expect("date")).await;
        assert_eq!(
            status(&app, worker).await,
            "active",
            "still employed on the last day"
        );
        assert_eq!(
            app.post_json(&format!("{path}/cancel-dismiss"), &json!({}), Some(&admin))
                .await
                .status,
            200
        );
        let_day_pass(&app, NaiveDate::from_ymd_opt(2025, 3, 11).expect("date")).await;
        assert_eq!(
            status(&app, worker).await,
            "active",
            "the cancelled dismissal never happens"
        );
        assert_eq!(
            app.post_json(
                &format!("{path}/dismiss"),
                &json!({"exp_date": "2025-03-10"}),
                Some(&admin)
            )
            .await
            .status,
            200
        );
        let_day_pass(&app, NaiveDate::from_ymd_opt(2025, 3, 11).expect("date")).await;
        assert_eq!(
            status(&app, worker).await,
            "dismissed",
            "dismissed from the day after"
        );
        let log = app
            .get("/v1/user-activities?per-page=3", Some(&admin))
            .await;
        assert_eq!(
            actions(&log.body),
            vec![
                "dismissEmployee",
                "cancelDismissEmployee",
                "dismissEmployee"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn dismissal_input_and_roles_are_checked() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, staff) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let (_, manager) = app.add_user("manager@t.uz", Role::DepartmentManager, "Менеджер").await;
        let (_, head) = app.add_user("head@t.uz", Role::DepartmentHead, "Руководитель").await;
        let path = format!("/v1/employees/{worker}/dismiss");
        let missing = app.post_json(&path, &json!({}), Some(&admin)).await;
        assert_eq!(missing.field_errors(), vec![("exp_date".to_string(), 8002)]);
        let shape = app.post_json(&path, &json!({"exp_date": "10.03.2025"}), Some(&admin)).await;
        assert_eq!(shape.field_errors(), vec![("exp_date".to_string(), 8009)]);
        let early = app.post_json(&path, &json!({"exp_date": "2024-12-31"}), Some(&admin)).await;
        assert_eq!(early.field_errors(), vec![("exp_date".to_string(), 8010)]);
        for token in [&staff, &manager] {
            app.post_json(&path, &json!({"exp_date": "2025-03-10"}), Some(token)).await.assert_error(403, 7004);
        }
        app.post_json("/v1/employees/999999/dismiss", &json!({"exp_date": "2025-03-10"}), Some(&admin)).await.assert_error(404, 3000);
        // A head dismisses within their departments, not elsewhere.
        execute(&app.store, "INSERT INTO departments (company_id, pid, title, created_at) VALUES ($1, NULL, 'Elsewhere', 0)", &[app.company.company_id.0]).await;
        let elsewhere = scalar(&app.store, "SELECT max(id) FROM departments WHERE company_id = $1", &[app.company.company_id.0]).await;
        let (outsider, _) = app.add_user("out@t.uz", Role::Employee, "Чужой").await;
        execute(&app.store, "UPDATE employees SET department_id = $1 WHERE id = $2", &[elsewhere, outsider]).await;
        app.post_json(&format!("/v1/employees/{outsider}/dismiss"), &json!({"exp_date": "2025-03-10"}), Some(&head))
            .await
            .assert_error(403, 7004);
        assert_eq!(app.post_json(&path, &json!({"exp_date": "2025-03-10"}), Some(&head)).await.status, 200);
    })
    .await;
}

#[tokio::test]
async fn re_hiring_now_or_later_and_removing() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, _) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        let account = app.get("/v1/accounts", Some(&admin)).await.body["employee"].clone();
        let (department, schedule, location) = (account["department"]["id"].clone(), account["schedule"]["id"].clone(), account["locations"][0]["id"].clone());
        let path = format!("/v1/employees/{worker}");
        // Only a dismissed employee can be re-hired or removed.
        let plan = json!({"department_id": department, "schedule_id": schedule, "efct_date": "2025-03-04", "location_ids": "*", "code": "77"});
        app.post_json(&format!("{path}/recovery"), &plan, Some(&admin)).await.assert_error(400, 4001);
        app.delete(&format!("{path}/remove"), &admin).await.assert_error(400, 4001);
        assert_eq!(app.post_json(&format!("{path}/dismiss"), &json!({"exp_date": "2025-03-01"}), Some(&admin)).await.status, 200);

        let invalid = app
            .post_json(&format!("{path}/recovery"), &json!({"department_id": 999999, "efct_date": "2025-02-01", "location_ids": [location, 999999], "position_id": "x"}), Some(&admin))
            .await;
        let fields = invalid.sorted_field_errors();
        assert_eq!(
            fields,
            vec![
                ("department_id".to_string(), 8004),
                ("efct_date".to_string(), 8010),
                ("location_ids".to_string(), 8004),
                ("position_id".to_string(), 8003),
                ("schedule_id".to_string(), 8002),
            ]
        );

        // A future first day is pending; reestablish cancels it.
        let later = json!({"department_id": department, "schedule_id": schedule, "efct_date": "2025-03-20", "location_ids": [location]});
        assert_eq!(app.post_json(&format!("{path}/recovery"), &later, Some(&admin)).await.status, 200);
        assert_eq!(status(&app, worker).await, "dismissed");
        assert_eq!(app.post_json(&format!("{path}/reestablish"), &json!({}), Some(&admin)).await.status, 200);
        app.post_json(&format!("{path}/reestablish"), &json!({}), Some(&admin)).await.assert_error(400, 4001);
        assert_eq!(app.post_json(&format!("{path}/recovery"), &later, Some(&admin)).await.status, 200);
        let_day_pass(&app, NaiveDate::from_ymd_opt(2025, 3, 20).expect("date")).await;
        assert_eq!(status(&app, worker).await, "active");
        let card = app.get(&path, Some(&admin)).await.body["data"].clone();
        assert_eq!(card["schedule_start_date"], "2025-03-20");

        // Re-hire today, with a tab number: another worker dismissed last week.
        let (other, _) = app.add_user("other@t.uz", Role::Employee, "Другой").await;
        let other_path = format!("/v1/employees/{other}");
        assert_eq!(app.post_json(&format!("{other_path}/dismiss"), &json!({"exp_date": "2025-03-01"}), Some(&admin)).await.status, 200);
        let now = json!({"department_id": department, "schedule_id": schedule, "efct_date": today().to_string(), "location_ids": "*", "code": "77"});
        let reply = app.post_json(&format!("{other_path}/recovery"), &now, Some(&admin)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(status(&app, other).await, "active");
        assert_eq!(app.get(&other_path, Some(&admin)).await.body["data"]["tab_number"], "77");

        // Removal takes the person and the login with it.
        assert_eq!(app.post_json(&format!("{path}/dismiss"), &json!({"exp_date": "2025-03-20"}), Some(&admin)).await.status, 200);
        let_day_pass(&app, NaiveDate::from_ymd_opt(2025, 3, 21).expect("date")).await;
        let (_, head) = app.add_user("head@t.uz", Role::DepartmentHead, "Руководитель").await;
        app.delete(&format!("{path}/remove"), &head).await.assert_error(403, 7004);
        assert_eq!(app.delete(&format!("{path}/remove"), &admin).await.body, json!({"success": true}));
        app.get(&path, Some(&admin)).await.assert_error(404, 3000);
        assert_eq!(scalar(&app.store, "SELECT count(*) FROM users WHERE email = 'worker@t.uz'", &[]).await, 0);
        let log = app.get("/v1/user-activities?action_name=removeEmployee", Some(&admin)).await;
        assert_eq!(log.body["items"][0]["person_id"], worker);
    })
    .await;
}

#[tokio::test]
async fn re_hiring_respects_the_employee_limit() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, _) = app.add_user("worker@t.uz", Role::Employee, "Рабочий").await;
        assert_eq!(app.post_json(&format!("/v1/employees/{worker}/dismiss"), &json!({"exp_date": "2025-03-01"}), Some(&admin)).await.status, 200);
        // The admin is the one active employee left; the limit is one.
        execute(&app.store, "UPDATE companies SET employee_limit = 1 WHERE id = $1", &[app.company.company_id.0]).await;
        let account = app.get("/v1/accounts", Some(&admin)).await.body["employee"].clone();
        let plan = json!({"department_id": account["department"]["id"], "schedule_id": account["schedule"]["id"], "efct_date": "2025-03-04", "location_ids": "*"});
        app.post_json(&format!("/v1/employees/{worker}/recovery"), &plan, Some(&admin)).await.assert_error(400, 7012);
    })
    .await;
}

#[tokio::test]
async fn the_last_administrator_cannot_be_dismissed_or_removed() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let me = app.company.admin_employee_id.0;
        for exp_date in ["2025-03-04", "2025-12-31"] {
            let reply = app
                .post_json(
                    &format!("/v1/employees/{me}/dismiss"),
                    &json!({"exp_date": exp_date}),
                    Some(&admin),
                )
                .await;
            reply.assert_error(400, 4001);
            assert!(
                reply.body["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("администратор")),
                "{}",
                reply.text
            );
        }
        // 400 comes before 422 (CONTRACT.md §2): a missing exp_date does not hide it.
        app.post_json(
            &format!("/v1/employees/{me}/dismiss"),
            &json!({}),
            Some(&admin),
        )
        .await
        .assert_error(400, 4001);
        // With a second administrator, either may go, but not both.
        let (deputy, deputy_token) = app
            .add_user("deputy@test.uz", Role::Admin, "Заместитель")
            .await;
        let dismiss = |id: i64, token: String| {
            let app = &app;
            async move {
                app.post_json(
                    &format!("/v1/employees/{id}/dismiss"),
                    &json!({"exp_date": "2025-03-04"}),
                    Some(&token),
                )
                .await
            }
        };
        // Both at once: the company's writes are serialised, so exactly one passes.
        let (first, second) = tokio::join!(
            dismiss(deputy, admin.clone()),
            dismiss(me, deputy_token.clone())
        );
        let mut statuses = vec![first.status, second.status];
        statuses.sort();
        assert_eq!(statuses, vec![200, 400], "{} / {}", first.text, second.text);
        let gone = if first.status == 200 { deputy } else { me };
        let staying_token = if first.status == 200 {
            admin.clone()
        } else {
            deputy_token.clone()
        };
        // The one left is the last: refused. Once the other's last day has passed,
        // removing them is fine.
        let left = if gone == me { deputy } else { me };
        dismiss(left, staying_token.clone())
            .await
            .assert_error(400, 4001);
        app.clock.advance(2 * 86_400);
        lifecycle::apply_due_everywhere(&app.store, app.clock.now())
            .await
            .expect("the day passes");
        let removed = app
            .delete(&format!("/v1/employees/{gone}/remove"), &staying_token)
            .await;
        assert_eq!(removed.status, 200, "{}", removed.text);
    })
    .await;
}
