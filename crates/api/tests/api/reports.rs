//! `/v1/reports/*`, `GET /v1/employees/attendance` and the account's `scheduled`/
//! `actual`: situations built through the API, whole rows compared with SEMANTICS.md.

use serde_json::{Value, json};

use crate::support::{TestApp, each_backend};

/// The admin's own employee id and first location.
async fn admin_profile(app: &TestApp, token: &str) -> (i64, i64) {
    let account = app.get("/v1/accounts", Some(token)).await;
    assert_eq!(account.status, 200, "{}", account.text);
    let employee = &account.body["employee"];
    (
        employee["id"].as_i64().expect("employee id"),
        employee["locations"][0]["id"].as_i64().expect("location"),
    )
}

/// Clocks the caller in or out at a local time.
async fn clock(app: &TestApp, token: &str, kind: &str, location: i64, time: &str) {
    let reply = app
        .post_json(
            &format!("/v1/times/clock{kind}"),
            &json!({"location_id": location, "event_time": time}),
            Some(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn at_work_shows_the_e1_day_of_the_fixed_schedule() {
    each_backend(|app| async move {
        let token = app.admin_token().await;
        let (employee, location) = admin_profile(&app, &token).await;
        // The admin started on 2025-03-04 (a Tuesday); now is 2025-03-05 21:00.
        app.clock.advance(36 * 3600);
        for (kind, time) in [
            ("in", "2025-03-04 08:55:00"),
            ("out", "2025-03-04 13:00:00"),
            ("in", "2025-03-04 14:00:00"),
            ("out", "2025-03-04 18:10:00"),
        ] {
            clock(&app, &token, kind, location, time).await;
        }
        let reply = app
            .get(
                "/v1/reports/at-work?start_date=2025-03-04&end_date=2025-03-04",
                Some(&token),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["_meta"]["totalCount"], 1, "{}", reply.text);
        let row = &reply.body["items"][0];
        assert_eq!(row["employee"]["id"], employee);
        let schedule_id = row["scheduled"]["schedule_id"].clone();
        assert_eq!(
            row["scheduled"],
            json!({
                "report_date": "2025-03-04", "is_work_day": true, "production_time": "08:00",
                "start_time": "2025-03-04 09:00:00", "end_time": "2025-03-04 18:00:00",
                "schedule_id": schedule_id, "timeoff_id": null
            })
        );
        assert_eq!(
            row["actual"],
            json!({
                "first_in": "08:55", "last_out": "18:10", "late_in": null, "early_in": "00:05",
                "early_out": null, "late_out": "00:10", "authorized_time": "08:00",
                "work_time": "08:15", "last_event": "out"
            })
        );
        for (field, value) in [
            ("not_authorized_time", json!("00:15")),
            ("auth_lunch_time", json!("00:00")),
            ("paid_time", json!("00:00")),
            ("sum_paid_time", Value::Null),
            ("status", json!(false)),
            ("norm_worktime", json!("00:15")),
            ("overtime", json!("00:15")),
        ] {
            assert_eq!(row[field], value, "{field}: {}", reply.text);
        }
        // Nobody was late; the admin was absent on 03-05.
        let late = app
            .get(
                "/v1/reports/late-in?start_date=2025-03-04&end_date=2025-03-05",
                Some(&token),
            )
            .await;
        assert_eq!(late.body["_meta"]["totalCount"], 0, "{}", late.text);
        let t12 = app
            .get(
                "/v1/reports/t12?start_date=2025-03-04&end_date=2025-03-05",
                Some(&token),
            )
            .await;
        assert_eq!(t12.status, 200, "{}", t12.text);
        let report = &t12.body["items"][0]["report"];
        assert_eq!(report["work_time_sum"], "08:15", "{}", t12.text);
        assert_eq!(report["days"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            report["not_work_time_without_absence_sum"], "08:00",
            "{}",
            t12.text
        );
        let absence = app
            .get(
                "/v1/reports/absence?start_date=2025-03-04&end_date=2025-03-05",
                Some(&token),
            )
            .await;
        assert_eq!(absence.body["_meta"]["totalCount"], 1, "{}", absence.text);
        assert_eq!(
            absence.body["items"][0]["scheduled"]["report_date"],
            "2025-03-05"
        );
        let counts = app.get("/v1/employees/attendance", Some(&token)).await;
        assert_eq!(counts.status, 200, "{}", counts.text);
        assert_eq!(counts.body["count_employees"], 1, "{}", counts.text);
        let inouts = app
            .get(
                "/v1/reports/inouts?start_date=2025-03-04&end_date=2025-03-04",
                Some(&token),
            )
            .await;
        assert_eq!(inouts.body["_meta"]["totalCount"], 4, "{}", inouts.text);
        assert_eq!(
            inouts.body["items"][0]["event_full_date"],
            "2025-03-04 08:55:00"
        );
        assert_eq!(inouts.body["items"][0]["event_time"], "08:55:00");
        assert_eq!(inouts.body["items"][0]["mode"], "auto");
    })
    .await;
}

#[tokio::test]
async fn a_report_needs_its_start_date_and_a_sane_range() {
    each_backend(|app| async move {
        let token = app.admin_token().await;
        app.get("/v1/reports/at-work", Some(&token))
            .await
            .assert_error(400, 4000);
        app.get(
            "/v1/reports/t12?start_date=2025-03-05&end_date=2025-03-01",
            Some(&token),
        )
        .await
        .assert_error(400, 4001);
        app.get(
            "/v1/reports/t12?start_date=2024-01-01&end_date=2025-03-01",
            Some(&token),
        )
        .await
        .assert_error(400, 4001);
        app.get("/v1/reports/night?start_date=03/01/2025", Some(&token))
            .await
            .assert_error(400, 4001);
    })
    .await;
}
