//! What fuzzing and probing found (issue 11), kept found: text that is not what a field
//! expects gets the contract's error on that field, never a 500 — non-ASCII date-times,
//! pages past any end, dates outside 1900–2100, numbers too large for a float, bytes in
//! the URL that are not UTF-8.

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{TestApp, each_backend, field_pairs};

/// The company's first location.
async fn office(app: &TestApp, token: &str) -> i64 {
    let list = app.get("/v1/locations", Some(token)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    list.body["items"][0]["id"].as_i64().expect("location id")
}

/// A JSON body sent as written (for literals serde_json cannot produce).
async fn post_raw_json(
    app: &TestApp,
    path: &str,
    token: &str,
    body: &str,
) -> crate::support::Reply {
    app.send(
        app.http
            .post(app.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header("accept-language", "en")
            .body(body.to_string()),
    )
    .await
}

const NON_ASCII_TIME: &str = "2025-01-0Ω 10:00:00";

#[tokio::test]
async fn non_ascii_date_times_are_refused_on_their_field() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = office(&app, &admin).await;
        for path in ["/v1/times/clockin", "/v1/times/clockout"] {
            let body = json!({"location_id": office, "event_time": NON_ASCII_TIME});
            let reply = app.post_json(path, &body, Some(&admin)).await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.field_errors(), vec![("event_time".to_string(), 8009)]);
        }
        let kind = app
            .post_json("/v1/time-offs", &json!({"title": "Отпуск"}), Some(&admin))
            .await;
        let kind = kind.body["id"].as_i64().expect("time-off type");
        let request = json!({"absence_id": kind, "start_date_time": NON_ASCII_TIME, "end_date_time": "2025-01-0€"});
        let reply = app
            .post_json("/v1/employees/time-off", &request, Some(&admin))
            .await;
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[("end_date_time", 8009), ("start_date_time", 8009)])
        );

        // In a device batch the bad event is refused alone; the good one is stored.
        let device = app
            .post_json("/v1/devices", &json!({"serial_number": "SN-Ω"}), Some(&admin))
            .await;
        let device_token = device.body["token"].as_str().expect("device token");
        let own = app.company.admin_employee_id.0;
        let batch = json!({"events": [
            {"uid": "good", "employee_id": own, "event": "in", "event_time": "2025-03-04 08:00:00"},
            {"uid": "bad", "employee_id": own, "event": "out", "event_time": NON_ASCII_TIME},
        ]});
        let reply = app
            .post_json("/v1/device/events", &batch, Some(device_token))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["accepted"], 1, "{}", reply.text);
        assert_eq!(reply.body["rejected"][0]["uid"], "bad");
        assert_eq!(reply.body["rejected"][0]["code"], 8009);
    })
    .await;
}

/// Every `GET` of the OpenAPI document that takes a `page`, with its path ids and
/// required arguments filled in.
async fn paged_routes(app: &TestApp, token: &str) -> Vec<String> {
    let document = app.get("/v1/openapi.json", None).await.body;
    let employee = app.company.admin_employee_id.0;
    // The paged routes under one object name the admin's employee, or a subscription.
    let subscription = json!({"url": "http://127.0.0.1:9/paged", "events": ["clock.in"]});
    let webhook = app
        .post_json("/v1/webhooks", &subscription, Some(token))
        .await;
    let webhook = webhook.body["id"].as_i64().expect("a webhook");
    let mut paths = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        let Some(get) = item.get("get") else { continue };
        let parameters = get["parameters"].as_array().cloned().unwrap_or_default();
        let named = |name: &str| parameters.iter().any(|p| p["name"] == name);
        if !named("page") {
            continue;
        }
        let owner = if path.starts_with("/v1/webhooks/") {
            webhook
        } else {
            employee
        };
        let mut url = path.replace("{id}", &owner.to_string());
        url.push_str("?page=184467440737095518");
        if named("start_date") {
            url.push_str("&start_date=2025-03-01&end_date=2025-03-04");
        }
        if named("month") {
            url.push_str("&month=2025-03");
        }
        paths.push(url);
    }
    assert!(paths.len() >= 14, "paged routes: {paths:?}");
    paths
}

#[tokio::test]
async fn a_page_past_the_end_however_large_is_the_empty_page() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        for path in paged_routes(&app, &admin).await {
            let reply = app.get(&path, Some(&admin)).await;
            assert_eq!(reply.status, 200, "{path}: {}", reply.text);
            assert_eq!(reply.body["items"], json!([]), "{path}");
            let meta = &reply.body["_meta"];
            assert_eq!(
                meta["currentPage"],
                json!(184_467_440_737_095_518_u64),
                "{path}"
            );
            let last = meta["pageCount"].as_u64().expect("pageCount");
            let prev = reply.body["_links"]["prev"]["href"].as_str().expect("prev");
            assert!(prev.contains(&format!("page={last}&")), "{path}: {prev}");
            assert!(reply.body["_links"].get("next").is_none(), "{path}");
        }
        // More digits than any integer holds: the same empty page.
        let reply = app
            .get(
                "/v1/employees?page=99999999999999999999999999",
                Some(&admin),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["items"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn dates_outside_1900_to_2100_and_future_birth_dates_are_8003() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let holiday = json!({"date": "0000-01-01", "title": "Нулевой", "kind": "holiday"});
        let reply = app.post_json("/v1/holidays", &holiday, Some(&admin)).await;
        assert_eq!(reply.field_errors(), vec![("date".to_string(), 8003)]);
        let message = reply.body["errors"][0]["message"]
            .as_str()
            .expect("message");
        assert!(
            message.contains("1900-01-01") && message.contains("2100-12-31"),
            "{message}"
        );

        let me = format!("/v1/employees/{}", app.company.admin_employee_id.0);
        for (birth, code) in [
            ("0000-01-01", 8003),
            ("2026-01-01", 8003),
            ("1990-13-01", 8009),
        ] {
            let reply = app
                .put_json(&me, &json!({"birth_date": birth}), &admin)
                .await;
            assert_eq!(
                reply.field_errors(),
                vec![("birth_date".to_string(), code)],
                "{birth}"
            );
        }
        let born = app
            .put_json(&me, &json!({"birth_date": "1990-05-01"}), &admin)
            .await;
        assert_eq!(born.status, 200, "{}", born.text);

        let card = app.get(&me, Some(&admin)).await;
        let data = &card.body["data"];
        let hire = json!({
            "first_name": "Позднов", "department_id": data["department"]["id"],
            "schedule_id": data["schedule"]["id"], "locations": "*",
            "start_date": "9999-12-31", "schedule_start_date": "9999-12-31",
        });
        let reply = app.post_json("/v1/employees", &hire, Some(&admin)).await;
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[("schedule_start_date", 8003), ("start_date", 8003)])
        );
        let far = app
            .get("/v1/holidays?start_date=0001-01-01", Some(&admin))
            .await;
        far.assert_error(400, 4001);
    })
    .await;
}

#[tokio::test]
async fn numbers_that_do_not_fit_fail_their_field_and_batches_count_events() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let reply = post_raw_json(
            &app,
            "/v1/locations",
            &admin,
            r#"{"title": "Далеко", "radius": 1e309}"#,
        )
        .await;
        reply.assert_error(422, 8001);
        assert_eq!(reply.field_errors(), vec![("radius".to_string(), 8003)]);
        let reply = post_raw_json(
            &app,
            "/v1/payroll/add-salary",
            &admin,
            r#"{"type_col": 3, "rate": 1e309, "start_date": "2025-03-01", "employee_ids": [1]}"#,
        )
        .await;
        assert_eq!(reply.field_errors(), vec![("rate".to_string(), 8003)]);

        // A number too large for a float inside one event refuses that event only.
        let device = app
            .post_json("/v1/devices", &json!({"serial_number": "SN-big"}), Some(&admin))
            .await;
        let big_token = device.body["token"].as_str().expect("device token");
        let own = app.company.admin_employee_id.0;
        let batch = format!(
            r#"{{"events": [{{"uid": "big", "employee_id": {own}, "event": "in", "location_id": 1e309}},
                {{"uid": "good", "employee_id": {own}, "event": "in", "event_time": "2025-03-04 08:00:00"}}]}}"#
        );
        let reply = post_raw_json(&app, "/v1/device/events", big_token, &batch).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["accepted"], 1, "{}", reply.text);
        assert_eq!(reply.body["rejected"][0]["uid"], "big", "{}", reply.text);
        assert_eq!(reply.body["rejected"][0]["code"], 8003, "{}", reply.text);

        let device = app
            .post_json(
                "/v1/devices",
                &json!({"serial_number": "SN-many"}),
                Some(&admin),
            )
            .await;
        let device_token = device.body["token"].as_str().expect("device token");
        let events: Vec<Value> = (0..1001)
            .map(|i| json!({"uid": format!("e{i}"), "employee_id": 1, "event": "in"}))
            .collect();
        let reply = post_raw_json(
            &app,
            "/v1/device/events",
            device_token,
            &json!({ "events": events }).to_string(),
        )
        .await;
        assert_eq!(reply.field_errors(), vec![("events".to_string(), 8003)]);
        let message = reply.body["errors"][0]["message"]
            .as_str()
            .expect("message");
        assert!(message.ends_with("at most 1000 items"), "{message}");
    })
    .await;
}

/// Sends raw bytes as one request and answers the raw response.
async fn raw_request(app: &TestApp, request: &[u8]) -> String {
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream.write_all(request).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn bytes_that_are_not_utf8_in_the_url_get_the_contract_error() {
    each_backend(|app: TestApp| async move {
        for target in [
            &b"/v1/employees/\xff\xfe"[..],
            b"/v1/employees?full_name=\xc3\x28",
        ] {
            let mut request = b"GET ".to_vec();
            request.extend_from_slice(target);
            request.extend_from_slice(b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let response = raw_request(&app, &request).await;
            let (head, body) = response.split_once("\r\n\r\n").expect("a response");
            assert!(head.starts_with("HTTP/1.1 400 "), "{head}");
            assert!(head.contains("\r\nx-request-id: "), "{head}");
            assert!(
                head.contains("\r\ncontent-type: application/json"),
                "{head}"
            );
            let body: Value = serde_json::from_str(body).expect("a JSON body");
            assert_eq!(body["code"], 4001);
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        let metrics = app.get("/metrics", None).await.text;
        assert!(
            metrics.contains("route=\"unparsed\",method=\"-\",status=\"400\"} 2"),
            "{metrics}"
        );
        // The server keeps serving.
        assert_eq!(app.get("/healthz", None).await.status, 200);
    })
    .await;
}
