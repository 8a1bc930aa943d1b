//! Employees, read side: the list's filters, sorting and role scopes, and one employee.

use davomat_core::{Lang, Role};
use davomat_store::companies::{self, EmployeeSeed};
use davomat_store::testing::{execute, scalar};
use serde_json::{Value, json};

use crate::support::{START, TestApp, each_backend};

/// Adds a department under `pid` and answers its id.
async fn department(app: &TestApp, pid: Option<i64>, title: &str) -> i64 {
    let company = app.company.company_id.0;
    let id = scalar(
        &app.store,
        "SELECT coalesce(max(id), 0) + 1 FROM departments",
        &[],
    )
    .await;
    let sql = format!(
        "INSERT INTO departments (id, company_id, pid, title, created_at) VALUES ($1, $2, $3, '{title}', 0)"
    );
    match pid {
        Some(pid) => execute(&app.store, &sql, &[id, company, pid]).await,
        None => execute(&app.store, &sql.replace("$3", "NULL"), &[id, company]).await,
    };
    id
}

/// Adds an employee without a login and answers its id.
async fn employee(
    app: &TestApp,
    last: &str,
    first: &str,
    department_id: i64,
    start: (i32, u32, u32),
) -> i64 {
    let schedule = scalar(
        &app.store,
        "SELECT min(id) FROM schedules WHERE company_id = $1",
        &[app.company.company_id.0],
    )
    .await;
    companies::insert_employee(
        app.store.connection(),
        &EmployeeSeed {
            company_id: app.company.company_id,
            first_name: first.into(),
            last_name: last.into(),
            department_id: davomat_core::DepartmentId(department_id),
            schedule_id: davomat_core::ScheduleId(schedule),
            location_ids: vec![],
            start_date: chrono::NaiveDate::from_ymd_opt(start.0, start.1, start.2).expect("date"),
        },
        START,
    )
    .await
    .expect("employee")
}

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["full_name"].as_str().expect("name").to_string())
        .collect()
}

async fn default_department(app: &TestApp) -> i64 {
    scalar(
        &app.store,
        "SELECT min(id) FROM departments WHERE company_id = $1",
        &[app.company.company_id.0],
    )
    .await
}

#[tokio::test]
async fn the_list_filters_sorts_and_pages_in_the_query() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let root = default_department(&app).await;
        let sales = department(&app, Some(root), "Sales").await;
        let north = department(&app, Some(sales), "North").await;
        let other = department(&app, None, "Other").await;
        let a = employee(&app, "Юсупова", "нилуфар", sales, (2024, 5, 1)).await;
        let b = employee(&app, "Abdullayev", "Bobur", north, (2023, 1, 9)).await;
        let c = employee(&app, "Каримов", "Дилшод", other, (2025, 2, 2)).await;
        execute(
            &app.store,
            "UPDATE employees SET tab_number = '412' WHERE id = $1",
            &[c],
        )
        .await;
        let gone = employee(&app, "Уволенный", "Иван", other, (2020, 1, 1)).await;
        execute(
            &app.store,
            "UPDATE employees SET status = 'dismissed' WHERE id = $1",
            &[gone],
        )
        .await;

        let all = app.get("/v1/employees", Some(&token)).await;
        assert_eq!(all.status, 200, "{}", all.text);
        assert_eq!(
            names(&all.body),
            vec![
                "Abdullayev Bobur",
                "Администратор",
                "Каримов Дилшод",
                "Юсупова нилуфар"
            ],
            "{:?}",
            app.backend
        );
        assert_eq!(all.body["_meta"]["totalCount"], 4);

        let below_sales = app
            .get(
                &format!("/v1/employees?f=department&fv={sales}"),
                Some(&token),
            )
            .await;
        assert_eq!(
            names(&below_sales.body),
            vec!["Abdullayev Bobur", "Юсупова нилуфар"]
        );
        let letter = app.get("/v1/employees?f=letter&fv=н", Some(&token)).await;
        assert_eq!(names(&letter.body), vec!["Юсупова нилуфар"]);
        let tab = app
            .get("/v1/employees?f=tab_number&fv=412", Some(&token))
            .await;
        assert_eq!(names(&tab.body), vec!["Каримов Дилшод"]);
        let ids = app
            .get(&format!("/v1/employees?ids={a},{b},999999"), Some(&token))
            .await;
        assert_eq!(ids.body["_meta"]["totalCount"], 2);
        let search = app
            .get(
                "/v1/employees?full_name=%D0%9A%D0%90%D0%A0%D0%98",
                Some(&token),
            )
            .await; // "КАРИ"
        assert_eq!(names(&search.body), vec!["Каримов Дилшод"]);
        let by_start = app
            .get("/v1/employees?sort=-start_date", Some(&token))
            .await;
        assert_eq!(names(&by_start.body)[0], "Администратор"); // started 2025-03-04
        assert_eq!(names(&by_start.body)[3], "Abdullayev Bobur");
        let dismissed = app
            .get("/v1/employees?status=dismissed", Some(&token))
            .await;
        assert_eq!(names(&dismissed.body), vec!["Уволенный Иван"]);
        assert_eq!(
            app.get("/v1/employees?status=all", Some(&token)).await.body["_meta"]["totalCount"],
            5
        );
        let paged = app
            .get(
                "/v1/employees?per-page=3&page=2&sort=full_name",
                Some(&token),
            )
            .await;
        assert_eq!(names(&paged.body), vec!["Юсупова нилуфар"]);
        assert_eq!(
            paged.body["_links"]["prev"]["href"],
            format!("{}/v1/employees?sort=full_name&page=1&per-page=3", app.base)
        );
        for bad in [
            "f=color&fv=1",
            "f=department&fv=x",
            "sort=salary",
            "status=gone",
            "ids=1,x",
        ] {
            app.get(&format!("/v1/employees?{bad}"), Some(&token))
                .await
                .assert_error(400, 4001);
        }
    })
    .await;
}

#[tokio::test]
async fn each_role_lists_its_own_scope() {
    each_backend(|app: TestApp| async move {
        let root = default_department(&app).await;
        let below = department(&app, Some(root), "Below").await;
        let elsewhere = department(&app, None, "Elsewhere").await;
        employee(&app, "Нижний", "Отдел", below, (2024, 1, 1)).await;
        employee(&app, "Чужой", "Отдел", elsewhere, (2024, 1, 1)).await;
        let (_, head) = app
            .add_user("head@t.uz", Role::DepartmentHead, "Руководитель")
            .await;
        let (_, observer) = app
            .add_user("obs@t.uz", Role::Observer, "Наблюдатель")
            .await;
        let (me, staff) = app
            .add_user("staff@t.uz", Role::Employee, "Сотрудник")
            .await;
        let admin = app.admin_token().await;
        assert_eq!(
            app.get("/v1/employees", Some(&admin)).await.body["_meta"]["totalCount"],
            6
        );
        for token in [&head, &observer] {
            let seen = app.get("/v1/employees", Some(token)).await;
            assert_eq!(
                seen.body["_meta"]["totalCount"], 5,
                "root and below, not elsewhere: {}",
                seen.text
            );
            assert!(!names(&seen.body).contains(&"Чужой Отдел".to_string()));
        }
        let mine = app.get("/v1/employees", Some(&staff)).await;
        assert_eq!(mine.body["_meta"]["totalCount"], 1);
        assert_eq!(mine.body["items"][0]["id"], me);
        // A department outside the scope filters to nothing rather than widening it.
        let outside = app
            .get(
                &format!("/v1/employees?f=department&fv={elsewhere}"),
                Some(&head),
            )
            .await;
        assert_eq!(outside.body["_meta"]["totalCount"], 0);
    })
    .await;
}

#[tokio::test]
async fn one_employee_answers_success_and_data_for_any_role() {
    each_backend(|app: TestApp| async move {
        let (me, staff) = app.add_user("staff@t.uz", Role::Employee, "Сотрудник").await;
        let admin_employee = app.company.admin_employee_id.0;
        let position = 1;
        execute(&app.store, "INSERT INTO positions (id, company_id, title, created_at) VALUES (1, $1, 'Бухгалтер', 0)", &[app.company.company_id.0]).await;
        execute(&app.store, "INSERT INTO employee_positions (employee_id, position_id, start_date, end_date, created_at) VALUES ($1, $2, '2025-01-01', NULL, 0)", &[me, position]).await;
        execute(&app.store, "INSERT INTO employee_positions (employee_id, position_id, start_date, end_date, created_at) VALUES ($1, $2, '2026-01-01', NULL, 0)", &[admin_employee, position]).await;
        let reply = app.get(&format!("/v1/employees/{me}"), Some(&staff)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["success"], true);
        let data = &reply.body["data"];
        assert_eq!(data["id"], me);
        assert_eq!(data["full_name"], "Тестов Сотрудник");
        assert_eq!(data["positions"], json!([{"id": position, "title": "Бухгалтер"}]));
        assert_eq!(data["user"]["email"], "staff@t.uz");
        for key in ["patronymic", "tab_number", "home_address", "home_phone", "work_phone", "mobile_phone", "bank_book"] {
            assert_eq!(data[key], "", "{key}");
        }
        // Any role reads any employee of the company; a pending position is not shown yet.
        let admin = app.get(&format!("/v1/employees/{admin_employee}"), Some(&staff)).await;
        assert_eq!(admin.status, 200);
        assert_eq!(admin.body["data"]["positions"], json!([]));
        // Another company's employee is not found.
        let other = app.second_company("boss@other.uz", Lang::Ru).await;
        app.get(&format!("/v1/employees/{}", other.admin_employee_id.0), Some(&staff)).await.assert_error(404, 3000);
        app.get("/v1/employees/abc", Some(&staff)).await.assert_error(404, 3000);
    })
    .await;
}
