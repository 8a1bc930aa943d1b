//! `/v1/holidays`: the entry's shape, 201 on create, every validation code, roles,
//! tenancy, the date-range filter, paging, form bodies and the activity rows written.

use chrono::NaiveDate;
use davomat_core::engine::HolidayKind;
use davomat_core::{Lang, Role};
use davomat_store::companies::CreatedCompany;
use davomat_store::holidays::{self, HolidayFields};
use serde_json::{Value, json};

use crate::support::{Reply, START, TestApp, each_backend, field_pairs};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// A second company with an entry on `date` of its own; answers (company, entry id).
async fn other_company(app: &TestApp, date: &str) -> (CreatedCompany, i64) {
    let other = app.second_company("other-admin@test.uz", Lang::Ru).await;
    let id = holidays::create(
        app.store.connection(),
        other.company_id,
        &HolidayFields {
            date: day(date),
            title: "Чужой праздник".into(),
            kind: HolidayKind::Holiday,
        },
        START,
    )
    .await
    .expect("their holiday");
    (other, id)
}

async fn post(app: &TestApp, token: &str, body: Value) -> Reply {
    app.call("POST", "/v1/holidays", Some(token), Some(&body))
        .await
}

/// Adds an entry as `token`; answers its id.
async fn create(app: &TestApp, token: &str, date: &str, title: &str, kind: &str) -> i64 {
    let reply = post(
        app,
        token,
        json!({"date": date, "title": title, "kind": kind}),
    )
    .await;
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

#[tokio::test]
async fn holidays_are_created_listed_by_date_and_deleted_in_their_shape() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let created = post(
            &app,
            &token,
            json!({"date": "2025-03-21", "title": "  Навруз ", "kind": "holiday"}),
        )
        .await;
        assert_eq!(created.status, 201, "{}", created.text);
        let navruz = created.body["id"].as_i64().expect("id");
        assert!(navruz > 0);
        assert_eq!(
            created.body,
            json!({"id": navruz, "date": "2025-03-21", "title": "Навруз", "kind": "holiday", "as_weekday": null})
        );
        let short = post(
            &app,
            &token,
            json!({"date": "2025-03-20", "title": "Предпраздничный", "kind": "shortened"}),
        )
        .await;
        assert_eq!(short.status, 201, "{}", short.text);
        let shortened = short.body["id"].as_i64().expect("id");
        assert_eq!(
            short.body,
            json!({"id": shortened, "date": "2025-03-20", "title": "Предпраздничный", "kind": "shortened", "as_weekday": null})
        );
        // `kind` defaults to holiday.
        let plain = post(
            &app,
            &token,
            json!({"date": "2025-01-01", "title": "Новый год"}),
        )
        .await;
        assert_eq!(plain.status, 201, "{}", plain.text);
        let new_year = plain.body["id"].as_i64().expect("id");
        assert_eq!(
            plain.body,
            json!({"id": new_year, "date": "2025-01-01", "title": "Новый год", "kind": "holiday", "as_weekday": null})
        );

        // Listed by date, not by id.
        let list = app.get("/v1/holidays", Some(&token)).await;
        assert_eq!(list.status, 200, "{}", list.text);
        assert_eq!(
            list.body["items"],
            json!([
                {"id": new_year, "date": "2025-01-01", "title": "Новый год", "kind": "holiday", "as_weekday": null},
                {"id": shortened, "date": "2025-03-20", "title": "Предпраздничный", "kind": "shortened", "as_weekday": null},
                {"id": navruz, "date": "2025-03-21", "title": "Навруз", "kind": "holiday", "as_weekday": null},
            ])
        );
        assert_eq!(
            list.body["_meta"],
            json!({"totalCount": 3, "pageCount": 1, "currentPage": 1, "perPage": 50})
        );
        assert_eq!(
            list.body["_links"]["self"]["href"],
            format!("{}/v1/holidays?page=1&per-page=50", app.base)
        );

        let deleted = app.delete(&format!("/v1/holidays/{navruz}"), &token).await;
        assert_eq!(deleted.status, 200, "{}", deleted.text);
        assert_eq!(deleted.body, json!({"message": "success"}));
        app.delete(&format!("/v1/holidays/{navruz}"), &token)
            .await
            .assert_error(404, 3000);
        let list = app.get("/v1/holidays", Some(&token)).await;
        assert_eq!(ids(&list.body), vec![new_year, shortened]);
        // The date is free again.
        create(&app, &token, "2025-03-21", "Навруз", "holiday").await;

        // One row per change, by the admin, titled with the date.
        let admin = json!({"id": app.company.admin_user_id.0, "full_name": "Администратор"});
        let created_rows = app.activities(&token, "createdHoliday").await;
        assert_eq!(created_rows.len(), 4, "{created_rows:?}");
        let first = created_rows.last().expect("the first row");
        assert_eq!(first["action_name"], "createdHoliday");
        assert_eq!(first["user"], admin);
        assert_eq!(first["object_id"], navruz);
        assert_eq!(first["person_id"], Value::Null);
        assert_eq!(first["assigned"], "Навруз 2025-03-21");
        assert_eq!(
            first["message"],
            "Администратор создал(а) праздник «Навруз 2025-03-21»"
        );
        assert_eq!(first["created_at"], "2025-03-04 09:00:00");
        let deleted_rows = app.activities(&token, "deletedHoliday").await;
        assert_eq!(deleted_rows.len(), 1, "{deleted_rows:?}");
        let row = &deleted_rows[0];
        assert_eq!(row["user"], admin);
        assert_eq!(row["object_id"], navruz);
        assert_eq!(row["person_id"], Value::Null);
        assert_eq!(row["assigned"], "Навруз 2025-03-21");
        assert_eq!(
            row["message"],
            "Администратор удалил(а) праздник «Навруз 2025-03-21»"
        );
    })
    .await;
}

#[tokio::test]
async fn every_failing_field_of_a_holiday_is_reported_at_once() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        create(&app, &token, "2025-03-21", "Навруз", "holiday").await;
        let long = "д".repeat(250);
        create(&app, &token, "2025-05-09", &long, "holiday").await;
        let cases: Vec<(Value, Vec<(String, i64)>)> = vec![
            (json!({}), field_pairs(&[("date", 8002), ("title", 8002)])),
            (
                json!({"date": null, "title": null}),
                field_pairs(&[("date", 8002), ("title", 8002)]),
            ),
            (
                json!({"date": "2025-06-01", "title": "   "}),
                field_pairs(&[("title", 8002)]),
            ),
            (json!({"title": "День"}), field_pairs(&[("date", 8002)])),
            (
                json!({"date": "21.03.2025", "title": "День"}),
                field_pairs(&[("date", 8009)]),
            ),
            (
                json!({"date": "2025-02-30", "title": "День"}),
                field_pairs(&[("date", 8009)]),
            ),
            (
                json!({"date": "2025-6-1", "title": "День"}),
                field_pairs(&[("date", 8009)]),
            ),
            (
                json!({"date": "2025-06-01 00:00:00", "title": "День"}),
                field_pairs(&[("date", 8009)]),
            ),
            (
                json!({"date": true, "title": "День"}),
                field_pairs(&[("date", 8003)]),
            ),
            (
                json!({"date": "2025-06-01", "title": "д".repeat(251)}),
                field_pairs(&[("title", 8003)]),
            ),
            (
                json!({"date": "2025-06-01", "title": "<b>День</b>"}),
                field_pairs(&[("title", 8003)]),
            ),
            (
                json!({"date": "2025-06-01", "title": ["День"]}),
                field_pairs(&[("title", 8003)]),
            ),
            (
                json!({"date": "2025-06-01", "title": "День", "kind": "weekend"}),
                field_pairs(&[("kind", 8003)]),
            ),
            (
                json!({"date": "2025-06-01", "title": "День", "kind": 5}),
                field_pairs(&[("kind", 8003)]),
            ),
            (
                json!({"date": "2025-06-01", "title": "День", "kind": "workday", "as_weekday": 8}),
                field_pairs(&[("as_weekday", 8003)]),
            ),
            (
                json!({"date": "2025-06-01", "title": "День", "kind": "workday", "as_weekday": "пн"}),
                field_pairs(&[("as_weekday", 8003)]),
            ),
            (
                json!({"date": "2025-06-01", "title": "День", "kind": {"a": 1}}),
                field_pairs(&[("kind", 8003)]),
            ),
            (
                json!({"date": "2025-03-21", "title": "Навруз ещё раз"}),
                field_pairs(&[("date", 8008)]),
            ),
            // A taken date with every other field wrong too.
            (
                json!({"date": "2025-03-21", "title": "", "kind": "x"}),
                field_pairs(&[("date", 8008), ("kind", 8003), ("title", 8002)]),
            ),
            (
                json!({"date": "03/21/2025", "title": "a@b", "kind": "Holiday"}),
                field_pairs(&[("date", 8009), ("kind", 8003), ("title", 8003)]),
            ),
        ];
        for (body, expected) in cases {
            let reply = post(&app, &token, body.clone()).await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.body["message"], "Validation Failed");
            assert_eq!(reply.sorted_field_errors(), expected, "{body}");
        }
        // A number is a title too (lenient types); 250 characters is the limit.
        let numeric = post(&app, &token, json!({"date": "2025-06-01", "title": 331})).await;
        assert_eq!(numeric.status, 201, "{}", numeric.text);
        assert_eq!(numeric.body["title"], "331");

        // A malformed body is 400/4001.
        app.send(
            app.http
                .post(app.url("/v1/holidays"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body("{\"date\": \"2025-07-01\",}"),
        )
        .await
        .assert_error(400, 4001);

        // Nothing was stored or logged for the refusals.
        let list = app.get("/v1/holidays", Some(&token)).await;
        assert_eq!(list.body["_meta"]["totalCount"], 3, "{}", list.text);
        assert_eq!(app.activities(&token, "createdHoliday").await.len(), 3);
    })
    .await;
}

#[tokio::test]
async fn an_empty_holiday_date_is_required_not_an_internal_error() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        for date in ["", "   "] {
            let reply = post(&app, &token, json!({"date": date, "title": "Навруз"})).await;
            reply.assert_error(422, 8001);
            assert_eq!(
                reply.field_errors(),
                vec![("date".to_string(), 8002)],
                "{date:?}"
            );
        }
        let reply = app
            .form("POST", "/v1/holidays", &token, "date=&title=Navruz")
            .await;
        reply.assert_error(422, 8001);
        assert_eq!(reply.field_errors(), vec![("date".to_string(), 8002)]);
        assert!(app.activities(&token, "createdHoliday").await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_empty_kind_means_the_default() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let reply = post(
            &app,
            &token,
            json!({"date": "2025-03-21", "title": "Навруз", "kind": ""}),
        )
        .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        assert_eq!(reply.body["kind"], "holiday");
        let reply = app
            .form(
                "POST",
                "/v1/holidays",
                &token,
                "date=2025-03-22&title=Navruz&kind=",
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        assert_eq!(reply.body["kind"], "holiday");
    })
    .await;
}

#[tokio::test]
async fn every_role_reads_the_calendar_and_only_admins_write_it() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let id = create(&app, &admin, "2025-03-21", "Навруз", "holiday").await;
        let expected =
            json!([{"id": id, "date": "2025-03-21", "title": "Навруз", "kind": "holiday", "as_weekday": null}]);
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
            let list = app.get("/v1/holidays", Some(&token)).await;
            assert_eq!(list.status, 200, "{role:?}: {}", list.text);
            assert_eq!(list.body["items"], expected, "{role:?}");
            post(
                &app,
                &token,
                json!({"date": "2025-05-09", "title": "День Победы"}),
            )
            .await
            .assert_error(403, 7004);
            // Even an invalid body: the role check comes first.
            post(&app, &token, json!({})).await.assert_error(403, 7004);
            app.delete(&format!("/v1/holidays/{id}"), &token)
                .await
                .assert_error(403, 7004);
            // The role check comes before the path id's.
            app.delete("/v1/holidays/999999", &token)
                .await
                .assert_error(403, 7004);
        }
        let list = app.get("/v1/holidays", Some(&admin)).await;
        assert_eq!(list.body["items"], expected);
        assert_eq!(app.activities(&admin, "createdHoliday").await.len(), 1);
        assert!(app.activities(&admin, "deletedHoliday").await.is_empty());
        app.get("/v1/holidays", None).await.assert_error(401, 7007);
        app.call("POST", "/v1/holidays", None, Some(&json!({})))
            .await
            .assert_error(401, 7007);
    })
    .await;
}

#[tokio::test]
async fn another_companys_entries_are_not_found_and_do_not_take_our_dates() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let (other, theirs) = other_company(&app, "2025-03-21").await;
        for path in [
            format!("/v1/holidays/{theirs}"),
            "/v1/holidays/999999".to_string(),
            "/v1/holidays/0".to_string(),
            "/v1/holidays/abc".to_string(),
        ] {
            app.delete(&path, &token).await.assert_error(404, 3000);
        }
        let list = app.get("/v1/holidays", Some(&token)).await;
        assert_eq!(list.body["items"], json!([]));
        assert_eq!(list.body["_meta"]["totalCount"], 0);
        assert_eq!(list.body["_meta"]["pageCount"], 1);
        // Their date is free in our calendar.
        let ours = create(&app, &token, "2025-03-21", "Навруз", "holiday").await;
        assert_ne!(ours, theirs);
        let still = holidays::find(app.store.connection(), other.company_id, theirs)
            .await
            .expect("read")
            .expect("still there");
        assert_eq!(still.title, "Чужой праздник");
        assert!(app.activities(&token, "deletedHoliday").await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn lists_filter_by_an_inclusive_date_range_and_page_with_links() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let mut by_date = Vec::new();
        for (date, title) in [
            ("2025-05-09", "День Победы"),
            ("2025-01-01", "Новый год"),
            ("2025-03-08", "Женский день"),
            ("2025-03-21", "Навруз"),
            ("2025-09-01", "День независимости"),
        ] {
            by_date.push((date, create(&app, &token, date, title, "holiday").await));
        }
        by_date.sort();
        let all: Vec<i64> = by_date.iter().map(|(_, id)| *id).collect();
        let range = app
            .get(
                "/v1/holidays?start_date=2025-03-08&end_date=2025-05-09",
                Some(&token),
            )
            .await;
        assert_eq!(range.status, 200, "{}", range.text);
        assert_eq!(ids(&range.body), all[1..4].to_vec());
        assert_eq!(range.body["_meta"]["totalCount"], 3);
        let from = app
            .get("/v1/holidays?start_date=2025-03-22", Some(&token))
            .await;
        assert_eq!(ids(&from.body), all[3..].to_vec());
        let to = app
            .get("/v1/holidays?end_date=2025-03-07", Some(&token))
            .await;
        assert_eq!(ids(&to.body), all[..1].to_vec());
        let empty_args = app
            .get("/v1/holidays?start_date=&end_date=", Some(&token))
            .await;
        assert_eq!(ids(&empty_args.body), all);

        let page = app
            .get(
                "/v1/holidays?start_date=2025-01-01&per-page=2&page=2",
                Some(&token),
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert_eq!(ids(&page.body), all[2..4].to_vec());
        assert_eq!(
            page.body["_meta"],
            json!({"totalCount": 5, "pageCount": 3, "currentPage": 2, "perPage": 2})
        );
        let base = format!("{}/v1/holidays", app.base);
        assert_eq!(
            page.body["_links"]["next"]["href"],
            format!("{base}?start_date=2025-01-01&page=3&per-page=2")
        );
        assert_eq!(
            page.body["_links"]["prev"]["href"],
            format!("{base}?start_date=2025-01-01&page=1&per-page=2")
        );
        let last = app.get("/v1/holidays?limit=2&page=3", Some(&token)).await;
        assert_eq!(ids(&last.body), all[4..].to_vec());
        assert!(last.body["_links"].get("next").is_none());
    })
    .await;
}

#[tokio::test]
async fn unreadable_or_reversed_list_dates_are_malformed() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        for query in [
            "start_date=21.03.2025",
            "end_date=2025-13-01",
            "start_date=yesterday&end_date=2025-03-01",
            "start_date=2025-03-10&end_date=2025-03-01",
        ] {
            app.get(&format!("/v1/holidays?{query}"), Some(&token))
                .await
                .assert_error(400, 4001);
        }
    })
    .await;
}

#[tokio::test]
async fn form_bodies_add_entries() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let created = app.form("POST", "/v1/holidays",
            &token,
            "date=2025-03-20&title=%D0%9F%D1%80%D0%B5%D0%B4%D0%BF%D1%80%D0%B0%D0%B7%D0%B4%D0%BD%D0%B8%D1%87%D0%BD%D1%8B%D0%B9&kind=shortened",
        )
        .await;
        assert_eq!(created.status, 201, "{}", created.text);
        let id = created.body["id"].as_i64().expect("id");
        assert_eq!(
            created.body,
            json!({"id": id, "date": "2025-03-20", "title": "Предпраздничный", "kind": "shortened", "as_weekday": null})
        );
        let refused = app.form("POST", "/v1/holidays", &token, "date=2025-03-20&title=").await;
        refused.assert_error(422, 8001);
        assert_eq!(
            refused.sorted_field_errors(),
            field_pairs(&[("date", 8008), ("title", 8002)])
        );
        assert_eq!(app.activities(&token, "createdHoliday").await.len(), 1);
    })
    .await;
}

/// Requests racing for the same unique value (a holiday's date, a device's serial
/// number): one wins, the others get 8008 on the field — whether their own check or the
/// database's unique rule caught them — never 500; on both backends.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_requests_for_one_unique_value_get_8008_not_500() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        for (path, body, field) in [
            (
                "/v1/holidays",
                serde_json::json!({"date": "2025-05-09", "title": "Kun", "kind": "holiday"}),
                "date",
            ),
            (
                "/v1/devices",
                serde_json::json!({"serial_number": "SAME-SERIAL"}),
                "serial_number",
            ),
        ] {
            let sends = (0..8).map(|_| app.post_json(path, &body, Some(&admin)));
            let replies = futures_util::future::join_all(sends).await;
            let created = replies.iter().filter(|r| r.status == 201).count();
            assert_eq!(created, 1, "{path}: one wins");
            for reply in replies.iter().filter(|r| r.status != 201) {
                assert_eq!(reply.status, 422, "{path}: {}", reply.text);
                assert_eq!(
                    reply.field_errors(),
                    vec![(field.to_string(), 8008)],
                    "{path}"
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_moved_saturday_is_a_workday_planned_as_its_weekday_in_the_reports() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        // 2025-03-01 is a Saturday; the harness schedule works Monday to Friday.
        let reply = post(
            &app,
            &token,
            json!({"date": "2025-03-01", "title": "Перенос", "kind": "workday"}),
        )
        .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        let id = reply.body["id"].as_i64().expect("id");
        assert_eq!(
            reply.body,
            json!({"id": id, "date": "2025-03-01", "title": "Перенос", "kind": "workday", "as_weekday": 1})
        );
        let friday = post(
            &app,
            &token,
            json!({"date": "2025-03-02", "title": "Как пятница", "kind": "workday", "as_weekday": "5"}),
        )
        .await;
        assert_eq!(friday.status, 201, "{}", friday.text);
        assert_eq!(friday.body["as_weekday"], 5);
        let listed = app
            .get("/v1/holidays?start_date=2025-03-01&end_date=2025-03-02", Some(&token))
            .await;
        assert_eq!(listed.body["items"][0], reply.body);

        // The admin's own employee (started 2025-03-04 in the harness) is moved back so
        // that the Saturday counts; the day is planned 09:00–18:00 and he was absent.
        let me = app.company.admin_employee_id.0;
        davomat_store::testing::execute(
            &app.store,
            "UPDATE employees SET start_date = '2025-02-01', schedule_start_date = '2025-02-01' WHERE id = $1",
            &[me],
        )
        .await;
        let absence = app
            .get(
                &format!("/v1/reports/absence?start_date=2025-03-01&end_date=2025-03-02&employee_id={me}"),
                Some(&token),
            )
            .await;
        assert_eq!(absence.status, 200, "{}", absence.text);
        let dates: Vec<&Value> = absence.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|item| &item["scheduled"]["report_date"])
            .collect();
        assert_eq!(dates, vec!["2025-03-01", "2025-03-02"], "{}", absence.text);
        assert_eq!(
            absence.body["items"][0]["scheduled"]["start_time"],
            "2025-03-01 09:00:00"
        );
    })
    .await;
}
