//! Every row of the error table (CONTRACT.md §2) these endpoints can produce, and the
//! order in which the checks apply.

use std::time::Duration;

use davomat_api::ApiConfig;
use davomat_core::{ClientState, CompanyStatus, Role};
use davomat_store::{clients, companies, system};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{TestApp, each_backend, each_backend_with, test_config};

#[tokio::test]
async fn unknown_routes_answer_404_3000_in_json() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        app.get("/v1/nothing-here", Some(&token))
            .await
            .assert_error(404, 3000);
        app.get("/v1/nothing-here", None)
            .await
            .assert_error(404, 3000);
        app.get("/elsewhere", None).await.assert_error(404, 3000);
        let reply = app.get("/v1/nothing-here", None).await;
        assert_eq!(reply.header("content-type"), Some("application/json"));
    })
    .await;
}

#[tokio::test]
async fn wrong_methods_answer_405_with_allow() {
    each_backend(|app: TestApp| async move {
        let reply = app.send(app.http.delete(app.url("/v1/accounts"))).await;
        reply.assert_error(405, 4001);
        let allow = reply.header("allow").expect("allow header");
        assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
        let reply = app.get("/v1/oauth/token", None).await;
        reply.assert_error(405, 4001);
        assert!(reply.header("allow").expect("allow").contains("POST"));
    })
    .await;
}

#[tokio::test]
async fn accept_without_json_answers_406_after_routing() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let html = |path: &str| app.http.get(app.url(path)).header("accept", "text/html");
        app.send(html("/v1/accounts").bearer_auth(&token))
            .await
            .assert_error(406, 4001);
        // 406 comes before 401: no token needed to learn the format is refused.
        app.send(html("/v1/accounts")).await.assert_error(406, 4001);
        // 404 and 405 come before 406.
        app.send(html("/v1/unknown")).await.assert_error(404, 3000);
        app.send(
            app.http
                .delete(app.url("/v1/accounts"))
                .header("accept", "text/html"),
        )
        .await
        .assert_error(405, 4001);
        // Acceptable forms.
        for accept in [
            "*/*",
            "application/*",
            "application/json",
            "text/html, application/json;q=0.5",
        ] {
            let reply = app
                .send(
                    app.http
                        .get(app.url("/v1/accounts"))
                        .header("accept", accept)
                        .bearer_auth(&token),
                )
                .await;
            assert_eq!(reply.status, 200, "Accept: {accept}");
        }
        // Outside /v1 the Accept header is not checked.
        assert_eq!(app.send(html("/healthz")).await.status, 200);
    })
    .await;
}

#[tokio::test]
async fn oversized_bodies_answer_413() {
    each_backend(|app: TestApp| async move {
        let big = "x".repeat(1024 * 1024 + 1);
        let reply = app
            .send(
                app.http
                    .post(app.url("/v1/oauth/token"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(big.clone()),
            )
            .await;
        reply.assert_error(413, 4001);
        // 413 comes before 401.
        let reply = app
            .send(
                app.http
                    .put(app.url("/v1/accounts/settings"))
                    .header("content-type", "application/json")
                    .body(big),
            )
            .await;
        reply.assert_error(413, 4001);
    })
    .await;
}

#[tokio::test]
async fn missing_bad_expired_and_revoked_tokens_answer_401() {
    each_backend(|app: TestApp| async move {
        app.get("/v1/accounts", None).await.assert_error(401, 7007);
        let basic = app
            .send(
                app.http
                    .get(app.url("/v1/accounts"))
                    .header("authorization", "Basic YTpi"),
            )
            .await;
        basic.assert_error(401, 7007);
        app.get("/v1/accounts", Some("not-a-token"))
            .await
            .assert_error(401, 7008);
        app.get(
            "/v1/accounts",
            Some("0123456789abcdef0123456789abcdef01234567"),
        )
        .await
        .assert_error(401, 7008);

        let token = app.admin_token().await;
        assert_eq!(app.get("/v1/accounts", Some(&token)).await.status, 200);
        app.clock.advance(30 * 24 * 3600);
        app.get("/v1/accounts", Some(&token))
            .await
            .assert_error(401, 7009);

        let fresh = app.admin_token().await;
        let revoked = app
            .post_json("/v1/oauth/revoke", &json!({"token": fresh}), None)
            .await;
        assert_eq!(revoked.status, 200);
        app.get("/v1/accounts", Some(&fresh))
            .await
            .assert_error(401, 7008);
    })
    .await;
}

#[tokio::test]
async fn dismissed_users_tokens_answer_7008() {
    each_backend(|app: TestApp| async move {
        let (employee_id, token) = app
            .add_user("worker@test.uz", Role::Employee, "Рабочий")
            .await;
        assert_eq!(app.get("/v1/accounts", Some(&token)).await.status, 200);
        davomat_store::testing::execute(
            &app.store,
            "UPDATE employees SET status = 'dismissed' WHERE id = $1",
            &[employee_id],
        )
        .await;
        app.get("/v1/accounts", Some(&token))
            .await
            .assert_error(401, 7008);
        let login = app
            .post_form(
                "/v1/oauth/token",
                &app.password_grant("worker@test.uz", "user-password"),
            )
            .await;
        login.assert_error(401, 7002);
    })
    .await;
}

#[tokio::test]
async fn blocked_clients_answer_426_and_outdated_ones_are_told_so() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let client_id = app.company.client.client_id.clone();
        clients::set_state(&app.store, &client_id, ClientState::Outdated)
            .await
            .expect("state");
        let reply = app.get("/v1/accounts", Some(&token)).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("version"), Some("recommended"));
        let login = app
            .post_form(
                "/v1/oauth/token",
                &app.password_grant(crate::support::ADMIN_EMAIL, crate::support::ADMIN_PASSWORD),
            )
            .await;
        assert_eq!(login.status, 200);
        assert_eq!(login.header("version"), Some("recommended"));

        clients::set_state(&app.store, &client_id, ClientState::Blocked)
            .await
            .expect("state");
        let reply = app.get("/v1/accounts", Some(&token)).await;
        reply.assert_error(426, 7010);
        assert_eq!(reply.body["message"], "Upgrade Required");
        let login = app
            .post_form(
                "/v1/oauth/token",
                &app.password_grant(crate::support::ADMIN_EMAIL, crate::support::ADMIN_PASSWORD),
            )
            .await;
        login.assert_error(426, 7010);
        // 401 comes before 426.
        app.get("/v1/accounts", None).await.assert_error(401, 7007);
        // 426 comes before 402.
        companies::set_status(&app.store, app.company.company_id, CompanyStatus::Expired)
            .await
            .expect("status");
        app.get("/v1/accounts", Some(&token))
            .await
            .assert_error(426, 7010);
    })
    .await;
}

#[tokio::test]
async fn expired_companies_answer_402_but_can_still_get_tokens() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        companies::set_status(&app.store, app.company.company_id, CompanyStatus::Expired)
            .await
            .expect("status");
        app.get("/v1/accounts", Some(&token))
            .await
            .assert_error(402, 7004);
        app.get("/v1/user-activities", Some(&token))
            .await
            .assert_error(402, 7004);
        let login = app
            .post_form(
                "/v1/oauth/token",
                &app.password_grant(crate::support::ADMIN_EMAIL, crate::support::ADMIN_PASSWORD),
            )
            .await;
        assert_eq!(login.status, 200);
        companies::set_status(&app.store, app.company.company_id, CompanyStatus::Trial)
            .await
            .expect("status");
        assert_eq!(app.get("/v1/accounts", Some(&token)).await.status, 200);
    })
    .await;
}

fn limited(limit: u32) -> impl Fn() -> ApiConfig {
    move || ApiConfig {
        rate_limit_per_minute: limit,
        ..test_config()
    }
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after_and_counts_in_headers() {
    each_backend_with(limited(3), |app: TestApp| async move {
        // Logging in spends the address's budget, not the token's.
        let token = app.admin_token().await;
        for remaining in [2, 1, 0] {
            let reply = app.get("/v1/accounts", Some(&token)).await;
            assert_eq!(reply.status, 200);
            assert_eq!(reply.header("x-rate-limit-limit"), Some("3"));
            assert_eq!(
                reply.header("x-rate-limit-remaining"),
                Some(remaining.to_string().as_str())
            );
            let reset: u64 = reply
                .header("x-rate-limit-reset")
                .expect("reset")
                .parse()
                .expect("number");
            assert!((1..=60).contains(&reset));
        }
        let reply = app.get("/v1/accounts", Some(&token)).await;
        reply.assert_error(429, 6000);
        let retry: u64 = reply
            .header("retry-after")
            .expect("retry-after")
            .parse()
            .expect("number");
        assert!((1..=60).contains(&retry));
        assert_eq!(reply.header("x-rate-limit-remaining"), Some("0"));
        // 402 comes before 429.
        companies::set_status(&app.store, app.company.company_id, CompanyStatus::Expired)
            .await
            .expect("status");
        app.get("/v1/accounts", Some(&token))
            .await
            .assert_error(402, 7004);
        companies::set_status(&app.store, app.company.company_id, CompanyStatus::Active)
            .await
            .expect("status");
        // The next window gives the budget back.
        app.clock.advance(60);
        assert_eq!(app.get("/v1/accounts", Some(&token)).await.status, 200);
    })
    .await;
}

#[tokio::test]
async fn unauthenticated_requests_are_limited_per_address() {
    each_backend_with(limited(2), |app: TestApp| async move {
        let body = json!({"email": "nobody@test.uz"});
        assert_eq!(
            app.post_json("/v1/sign-in/password-reset", &body, None)
                .await
                .status,
            200
        );
        let second = app
            .post_json("/v1/sign-in/password-reset", &body, None)
            .await;
        assert_eq!(second.status, 200);
        assert_eq!(second.header("x-rate-limit-remaining"), Some("0"));
        app.post_json("/v1/sign-in/password-reset", &body, None)
            .await
            .assert_error(429, 6000);
        app.post_form("/v1/oauth/token", "grant_type=password")
            .await
            .assert_error(429, 6000);
    })
    .await;
}

#[tokio::test]
async fn roles_without_the_permission_answer_403() {
    each_backend(|app: TestApp| async move {
        let (_, token) = app
            .add_user("staff@test.uz", Role::Employee, "Сотрудник")
            .await;
        app.get("/v1/user-activities", Some(&token))
            .await
            .assert_error(403, 7004);
        // Authentication problems come first.
        app.get("/v1/user-activities", None)
            .await
            .assert_error(401, 7007);
    })
    .await;
}

#[tokio::test]
async fn malformed_input_answers_400_4001() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let broken = app
            .send(
                app.http
                    .post(app.url("/v1/oauth/token"))
                    .header("content-type", "application/json")
                    .body("{\"grant_type\": \"password\",}"),
            )
            .await;
        broken.assert_error(400, 4001);
        let reply = app
            .send(
                app.http
                    .put(app.url("/v1/accounts/settings"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body("[1, 2"),
            )
            .await;
        reply.assert_error(400, 4001);
        app.get("/v1/user-activities?start_date=2025-13-01", Some(&token))
            .await
            .assert_error(400, 4001);
        app.get("/v1/user-activities?end_date=04.03.2025", Some(&token))
            .await
            .assert_error(400, 4001);
        app.get(
            "/v1/user-activities?start_date=2025-03-05&end_date=2025-03-04",
            Some(&token),
        )
        .await
        .assert_error(400, 4001);
    })
    .await;
}

#[tokio::test]
async fn validation_reports_every_failing_field() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let reply = app
            .put_json(
                "/v1/accounts/settings",
                &json!({"lang": "fr", "ampm": "12", "fiotype": 5, "time_zone": "Mars/Base"}),
                &token,
            )
            .await;
        reply.assert_error(422, 8001);
        assert_eq!(reply.body["message"], "Validation Failed");
        let fields = reply.sorted_field_errors();
        assert_eq!(
            fields,
            vec![
                ("ampm".to_string(), 8003),
                ("fiotype".to_string(), 8003),
                ("lang".to_string(), 8003),
                ("time_zone".to_string(), 8003)
            ]
        );
        let reply = app
            .post_json(
                "/v1/sign-in/password-reset/confirm",
                &json!({"password": "short"}),
                None,
            )
            .await;
        reply.assert_error(422, 8001);
        let fields = reply.sorted_field_errors();
        assert_eq!(
            fields,
            vec![("password".to_string(), 8003), ("token".to_string(), 8002)]
        );
        let reply = app
            .post_json(
                "/v1/sign-in/password-reset",
                &json!({"email": "not-an-email"}),
                None,
            )
            .await;
        assert_eq!(reply.field_errors(), vec![("email".to_string(), 8007)]);
        let reply = app
            .post_json("/v1/sign-in/password-reset", &json!({}), None)
            .await;
        assert_eq!(reply.field_errors(), vec![("email".to_string(), 8002)]);
    })
    .await;
}

#[tokio::test]
async fn internal_errors_answer_500_without_internals() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        davomat_store::testing::execute(&app.store, "DROP TABLE activity_log", &[]).await;
        let reply = app.get("/v1/user-activities", Some(&token)).await;
        reply.assert_error(500, 5000);
        let text = reply.text.to_lowercase();
        assert!(
            !text.contains("activity_log") && !text.contains("table") && !text.contains("sql"),
            "{}",
            reply.text
        );
    })
    .await;
}

#[tokio::test]
async fn maintenance_answers_503_with_retry_after_before_anything_else() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        system::set_maintenance(&app.store, true).await.expect("on");
        app.state.maintenance.refresh().await;
        let reply = app.get("/v1/accounts", Some(&token)).await;
        reply.assert_error(503, 5000);
        assert!(reply.header("retry-after").is_some());
        // Before 404 and 401 too.
        app.get("/v1/unknown", None).await.assert_error(503, 5000);
        app.get("/v1/accounts", None).await.assert_error(503, 5000);
        // Service routes stay up.
        assert_eq!(app.get("/healthz", None).await.status, 200);
        // The terminals' doors close too: they send again later; nothing is noted.
        let pushed = app
            .send(
                app.http
                    .post(app.url("/iclock/cdata?SN=MAINT01&table=ATTLOG&Stamp=1"))
                    .body(
                        "1	2025-03-03 09:00:00	0	15
",
                    ),
            )
            .await;
        assert_eq!(pushed.status, 503, "{}", pushed.text);
        assert!(pushed.header("retry-after").is_some());
        let polled = app
            .send(app.http.get(app.url("/iclock/getrequest?SN=MAINT01")))
            .await;
        assert_eq!(polled.status, 503);
        let hikvision = app
            .send(
                app.http
                    .post(app.url("/terminals/hikvision/some-secret/events"))
                    .body("{}"),
            )
            .await;
        assert_eq!(hikvision.status, 503);
        assert_eq!(
            davomat_store::testing::scalar(
                &app.store,
                "SELECT count(*) FROM pending_terminals",
                &[]
            )
            .await,
            0
        );
        system::set_maintenance(&app.store, false)
            .await
            .expect("off");
        app.state.maintenance.refresh().await;
        assert_eq!(app.get("/v1/accounts", Some(&token)).await.status, 200);
    })
    .await;
}

#[tokio::test]
async fn requests_past_the_time_limit_answer_503() {
    let short = || ApiConfig {
        request_timeout: Duration::from_millis(300),
        ..test_config()
    };
    each_backend_with(short, |app: TestApp| async move {
        // A client that announces a body and never sends it keeps the handler waiting.
        let address = app.base.trim_start_matches("http://").to_string();
        // One ordinary request first, so the server loop is running before the raw connection.
        assert_eq!(app.get("/healthz", None).await.status, 200);
        let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
        stream
            .write_all(b"POST /v1/oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
            .await
            .expect("write");
        let mut answer = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
            .await
            .expect("answered in time")
            .expect("read");
        let text = String::from_utf8_lossy(&answer[..n]);
        assert!(text.starts_with("HTTP/1.1 503"), "{text}");
        assert!(text.to_lowercase().contains("retry-after"), "{text}");
        assert!(text.contains("\"code\":5000"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn messages_follow_accept_language_then_the_users_setting() {
    each_backend(|app: TestApp| async move {
        let ru = app.get("/v1/accounts", None).await;
        assert!(
            ru.body["message"]
                .as_str()
                .expect("message")
                .contains("Authorization: Bearer")
        );
        assert!(
            ru.body["message"]
                .as_str()
                .expect("message")
                .starts_with("Запрос")
        );
        let en = app
            .send(
                app.http
                    .get(app.url("/v1/accounts"))
                    .header("accept-language", "en-US,en;q=0.9"),
            )
            .await;
        assert!(
            en.body["message"]
                .as_str()
                .expect("message")
                .starts_with("Unauthenticated")
        );
        let uz = app
            .send(
                app.http
                    .get(app.url("/v1/nothing"))
                    .header("accept-language", "uz"),
            )
            .await;
        assert_eq!(uz.body["message"], "Topilmadi");

        let token = app.admin_token().await;
        let changed = app
            .put_json("/v1/accounts/settings", &json!({"lang": "en"}), &token)
            .await;
        assert_eq!(changed.status, 200);
        let reply = app
            .put_json("/v1/accounts/settings", &json!({"lang": "xx"}), &token)
            .await;
        assert!(
            reply.body["errors"][0]["message"]
                .as_str()
                .expect("message")
                .contains("invalid"),
            "{}",
            reply.text
        );
        let reply = app
            .send(
                app.http
                    .put(app.url("/v1/accounts/settings"))
                    .bearer_auth(&token)
                    .header("accept-language", "ru")
                    .json(&json!({"lang": "xx"})),
            )
            .await;
        assert!(
            reply.body["errors"][0]["message"]
                .as_str()
                .expect("message")
                .contains("Неверное"),
            "{}",
            reply.text
        );
    })
    .await;
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    each_backend(|app: TestApp| async move {
        let a = app.get("/healthz", None).await;
        let b = app.get("/healthz", None).await;
        let (a, b) = (
            a.header("x-request-id").expect("id"),
            b.header("x-request-id").expect("id"),
        );
        assert_ne!(a, b);
        let echoed = app
            .send(
                app.http
                    .get(app.url("/v1/accounts"))
                    .header("x-request-id", "trace-123"),
            )
            .await;
        assert_eq!(echoed.header("x-request-id"), Some("trace-123"));
    })
    .await;
}

#[tokio::test]
async fn an_unfit_request_id_is_replaced_by_a_fresh_one() {
    each_backend(|app: TestApp| async move {
        let reply = app
            .send(
                app.http
                    .get(app.url("/healthz"))
                    .header("x-request-id", "has spaces and ; more"),
            )
            .await;
        let id = reply.header("x-request-id").expect("id");
        assert_ne!(id, "has spaces and ; more");
        assert_eq!(id.len(), 16, "{id}");
    })
    .await;
}

#[tokio::test]
async fn a_panic_answers_500_5000_without_its_text() {
    each_backend(|app: TestApp| async move {
        // The edge layers of the real app around a route that panics.
        let router = axum::Router::new().route(
            "/v1/boom",
            axum::routing::get(|| async {
                if true {
                    panic!("secret detail");
                }
            }),
        );
        let served = davomat_api::edge::with_edge(router, app.state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("addr");
        let server = tokio::spawn(async move { axum::serve(listener, served).await });
        let reply = app
            .send(app.http.get(format!("http://{address}/v1/boom")))
            .await;
        reply.assert_error(500, 5000);
        assert!(!reply.text.contains("secret"), "{}", reply.text);
        assert!(reply.header("x-request-id").is_some());
        server.abort();
    })
    .await;
}

#[tokio::test]
async fn a_fields_own_rule_is_worded_in_the_requests_language() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let body = json!({"title": "Склад", "radius": -5, "latitude": "100"});
        let mut messages = Vec::new();
        for lang in ["ru", "uz", "en"] {
            let reply = app
                .send(
                    app.http
                        .post(app.url("/v1/locations"))
                        .bearer_auth(&token)
                        .header("accept-language", lang)
                        .json(&body),
                )
                .await;
            assert_eq!(reply.status, 422, "{}", reply.text);
            let errors = reply.body["errors"].as_array().expect("errors").clone();
            let text: Vec<String> = errors
                .iter()
                .map(|e| e["message"].as_str().expect("message").to_string())
                .collect();
            messages.push(text.join(" | "));
        }
        let [ru, uz, en] = [&messages[0], &messages[1], &messages[2]];
        assert!(
            ru.contains("от 0 до 1000000") && ru.contains("число от -90 до 90"),
            "{ru}"
        );
        assert!(
            uz.contains("0 dan 1000000 gacha") && uz.contains("-90 dan 90 gacha"),
            "{uz}"
        );
        assert!(
            en.contains("metres, 0..1000000") && en.contains("within -90..90"),
            "{en}"
        );
        for foreign in ["metres", "number", "within"] {
            assert!(
                !ru.contains(foreign) && !uz.contains(foreign),
                "{ru} / {uz}"
            );
        }
    })
    .await;
}
