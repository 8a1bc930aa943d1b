//! `GET /v1/user-activities`: shape, filters, paging links and scopes.

use davomat_core::Role;
use davomat_core::activity::Message;
use davomat_core::{EmployeeId, Lang, UserId};
use davomat_store::activity::{self, Actor, NewActivity};
use serde_json::{Value, json};

use crate::support::{START, TestApp, each_backend};

/// Logs `addEmployee` for a person at `at`.
async fn log(app: &TestApp, person: i64, at: i64, action: &'static str) {
    activity::record(
        app.store.connection(),
        NewActivity {
            company_id: app.company.company_id,
            actor: Some(Actor {
                user_id: app.company.admin_user_id,
                full_name: "Администратор".into(),
            }),
            action_name: action,
            object_id: Some(person),
            person_id: Some(EmployeeId(person)),
            assigned: None,
            message: Message::EmployeeAdded {
                name: format!("#{person}"),
            },
        },
        Lang::Ru,
        at,
    )
    .await
    .expect("log");
}

fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn the_log_lists_newest_first_in_the_reference_shape() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let reply = app.get("/v1/user-activities", Some(&token)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        // Company creation wrote two rows: the admin's profile and role.
        assert_eq!(
            reply.body["_meta"],
            json!({"totalCount": 2, "pageCount": 1, "currentPage": 1, "perPage": 50})
        );
        let first = &reply.body["items"][1];
        let employee_id = app.company.admin_employee_id.0;
        assert_eq!(first["action_name"], "addEmployee");
        assert_eq!(
            first["user"],
            json!({"id": app.company.admin_user_id.0, "full_name": "Администратор"})
        );
        assert_eq!(first["object_id"], employee_id);
        assert_eq!(first["person_id"], employee_id);
        assert_eq!(first["assigned"], Value::Null);
        assert_eq!(first["when"], Value::Null);
        assert_eq!(
            first["message"],
            "Администратор добавил(а) сотрудника Администратор"
        );
        assert_eq!(first["created_at"], "2025-03-04 09:00:00");
        let role = &reply.body["items"][0];
        assert_eq!(role["action_name"], "assignedRole");
        assert_eq!(role["assigned"], "Администратор");
        let links = &reply.body["_links"];
        assert_eq!(
            links["self"]["href"],
            format!("{}/v1/user-activities?page=1&per-page=50", app.base)
                .replace("http://", "http://")
        );
        assert!(links.get("next").is_none() && links.get("prev").is_none());
    })
    .await;
}

#[tokio::test]
async fn filters_pages_and_links_keep_every_argument() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let day = 24 * 3600;
        for i in 0..5 {
            log(&app, 100 + i, START + day * (i + 1), "editPersonProfile").await;
        }
        log(&app, 200, START + day * 10, "dismissEmployee").await;
        // 2025-03-05 .. 2025-03-07 local: three of the five edits.
        let path = "/v1/user-activities?action_name=editPersonProfile&start_date=2025-03-05&end_date=2025-03-07";
        let reply = app.get(&format!("{path}&per-page=2&page=2"), Some(&token)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["_meta"], json!({"totalCount": 3, "pageCount": 2, "currentPage": 2, "perPage": 2}));
        assert_eq!(reply.body["items"].as_array().expect("items").len(), 1);
        assert_eq!(reply.body["items"][0]["person_id"], 100);
        let links = &reply.body["_links"];
        let base = format!("{}/v1/user-activities?action_name=editPersonProfile&start_date=2025-03-05&end_date=2025-03-07", app.base);
        assert_eq!(links["self"]["href"], format!("{base}&page=2&per-page=2"));
        assert_eq!(links["first"]["href"], format!("{base}&page=1&per-page=2"));
        assert_eq!(links["last"]["href"], format!("{base}&page=2&per-page=2"));
        assert_eq!(links["prev"]["href"], format!("{base}&page=1&per-page=2"));
        assert!(links.get("next").is_none());
        // Following next from page 1 verbatim reaches page 2.
        let page1 = app.get(&format!("{path}&per-page=2"), Some(&token)).await;
        let next = page1.body["_links"]["next"]["href"].as_str().expect("next");
        let followed = app.send(app.http.get(next).bearer_auth(&token)).await;
        assert_eq!(ids(&followed.body), ids(&reply.body));

        // `limit` as a parameter and as a header; per-page wins over both.
        let limited = app.get("/v1/user-activities?limit=3", Some(&token)).await;
        assert_eq!(limited.body["_meta"]["perPage"], 3);
        let header = app.send(app.http.get(app.url("/v1/user-activities")).bearer_auth(&token).header("limit", "4")).await;
        assert_eq!(header.body["_meta"]["perPage"], 4);
        let both = app.get("/v1/user-activities?limit=3&per-page=7", Some(&token)).await;
        assert_eq!(both.body["_meta"]["perPage"], 7);
        // Clamping.
        let clamped = app.get("/v1/user-activities?per-page=500&page=-4", Some(&token)).await;
        assert_eq!(clamped.body["_meta"]["perPage"], 50);
        assert_eq!(clamped.body["_meta"]["currentPage"], 1);
        let junk = app.get("/v1/user-activities?per-page=abc", Some(&token)).await;
        assert_eq!(junk.body["_meta"]["perPage"], 50);

        // A page past the end: empty, as asked, prev pointing at the last page.
        let past = app.get("/v1/user-activities?per-page=5&page=9", Some(&token)).await;
        assert_eq!(past.body["items"], json!([]));
        assert_eq!(past.body["_meta"]["currentPage"], 9);
        assert_eq!(past.body["_meta"]["pageCount"], 2);
        assert_eq!(past.body["_links"]["prev"]["href"], format!("{}/v1/user-activities?page=2&per-page=5", app.base));

        // An empty result still has one page.
        let none = app.get("/v1/user-activities?action_name=nothing", Some(&token)).await;
        assert_eq!(none.body["_meta"], json!({"totalCount": 0, "pageCount": 1, "currentPage": 1, "perPage": 50}));
    })
    .await;
}

#[tokio::test]
async fn absolute_links_follow_the_public_url_or_forwarded_proto() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let reply = app
            .send(
                app.http
                    .get(app.url("/v1/user-activities"))
                    .bearer_auth(&token)
                    .header("host", "api.example.uz")
                    .header("x-forwarded-proto", "https"),
            )
            .await;
        assert_eq!(
            reply.body["_links"]["self"]["href"],
            "https://api.example.uz/v1/user-activities?page=1&per-page=50"
        );
    })
    .await;
}

#[tokio::test]
async fn department_roles_see_the_people_of_their_departments_only() {
    each_backend(|app: TestApp| async move {
        let (head_employee, head_token) = app
            .add_user("head@test.uz", Role::DepartmentHead, "Руководитель")
            .await;
        // A row about someone in the head's department (the default one) and one about
        // a person id outside it.
        log(&app, head_employee, START + 60, "editPersonProfile").await;
        log(&app, 999_999, START + 120, "editPersonProfile").await;
        let reply = app
            .get(
                "/v1/user-activities?action_name=editPersonProfile",
                Some(&head_token),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let people: Vec<i64> = reply.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["person_id"].as_i64().expect("p"))
            .collect();
        assert_eq!(people, vec![head_employee]);
        let admin = app.admin_token().await;
        let all = app
            .get(
                "/v1/user-activities?action_name=editPersonProfile",
                Some(&admin),
            )
            .await;
        assert_eq!(all.body["_meta"]["totalCount"], 2);
        let _ = UserId(0);
    })
    .await;
}
