//! `POST /v1/oauth/token`, `/v1/oauth/revoke`, `/v1/sign-in/password-reset[/confirm]`.

use davomat_core::{Lang, UserId};
use davomat_store::password_resets;
use serde_json::{Value, json};

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, OTHER_PASSWORD, START, TestApp, each_backend};

fn assert_token_pair(body: &Value) {
    for key in ["access_token", "refresh_token"] {
        let token = body[key].as_str().expect(key);
        assert!(
            davomat_core::token::looks_like_token(token),
            "{key}: {token}"
        );
    }
    assert_eq!(body["expires_in"], 2_592_000);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(
        body["scope"],
        "v1:list:employee,v1:view:employee,v1:delete:employee"
    );
}

#[tokio::test]
async fn tokens_come_from_form_json_or_query_fields() {
    each_backend(|app: TestApp| async move {
        // A form body, unescaped as real clients send it.
        let form = app.post_form("/v1/oauth/token", &app.password_grant(ADMIN_EMAIL, ADMIN_PASSWORD)).await;
        assert_eq!(form.status, 200, "{}", form.text);
        assert_token_pair(&form.body);

        let client = &app.company.client;
        let body = json!({"grant_type": "password", "client_id": client.client_id, "client_secret": client.client_secret,
                          "username": ADMIN_EMAIL, "password": ADMIN_PASSWORD});
        let from_json = app.post_json("/v1/oauth/token", &body, None).await;
        assert_eq!(from_json.status, 200, "{}", from_json.text);
        assert_token_pair(&from_json.body);

        let query = format!("/v1/oauth/token?{}", app.password_grant(ADMIN_EMAIL, ADMIN_PASSWORD));
        let from_query = app.send(app.http.post(app.url(&query))).await;
        assert_eq!(from_query.status, 200, "{}", from_query.text);
        assert_ne!(from_query.body["access_token"], from_json.body["access_token"]);

        // The body wins over the query string.
        let query = format!(
            "/v1/oauth/token?grant_type=password&client_id={}&client_secret={}&username={ADMIN_EMAIL}&password=wrong-one",
            client.client_id, client.client_secret
        );
        let reply = app.send(app.http.post(app.url(&query)).json(&json!({"password": ADMIN_PASSWORD}))).await;
        assert_eq!(reply.status, 200, "{}", reply.text);

        // The usual form client: Content-Type form, even with a JSON Accept.
        let access = form.body["access_token"].as_str().expect("token");
        let account = app
            .send(app.http.get(app.url("/v1/accounts")).bearer_auth(access).header("content-type", "application/x-www-form-urlencoded"))
            .await;
        assert_eq!(account.status, 200);
    })
    .await;
}

#[tokio::test]
async fn unescaped_passwords_in_form_bodies_work() {
    each_backend(|app: TestApp| async move {
        let reset = password_resets::create(&app.store, app.company.admin_user_id, START)
            .await
            .expect("reset");
        let hash = davomat_store::secrets::hash_password("p@ss:w0rd!").expect("hash");
        password_resets::confirm(&app.store, &reset, &hash, START)
            .await
            .expect("confirm");
        let reply = app
            .post_form(
                "/v1/oauth/token",
                &app.password_grant(ADMIN_EMAIL, "p@ss:w0rd!"),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    })
    .await;
}

#[tokio::test]
async fn wrong_credentials_clients_and_grants_get_their_codes() {
    each_backend(|app: TestApp| async move {
        let client = app.company.client.clone();
        let with = |fields: &str| format!("client_id={}&client_secret={}&{fields}", client.client_id, client.client_secret);
        app.post_form("/v1/oauth/token", &with(&format!("grant_type=password&username={ADMIN_EMAIL}&password=wrong-password")))
            .await
            .assert_error(401, 7002);
        app.post_form("/v1/oauth/token", &with("grant_type=password&username=ghost@test.uz&password=whatever1"))
            .await
            .assert_error(401, 7002);
        app.post_form("/v1/oauth/token", &with("grant_type=password")).await.assert_error(401, 7002);
        app.post_form("/v1/oauth/token", &format!("grant_type=password&username={ADMIN_EMAIL}&password={ADMIN_PASSWORD}"))
            .await
            .assert_error(401, 7003);
        app.post_form(
            "/v1/oauth/token",
            &format!("client_id=unknown&client_secret=x&grant_type=password&username={ADMIN_EMAIL}&password={ADMIN_PASSWORD}"),
        )
        .await
        .assert_error(401, 7003);
        app.post_form(
            "/v1/oauth/token",
            &format!("client_id={}&client_secret=wrong&grant_type=password&username={ADMIN_EMAIL}&password={ADMIN_PASSWORD}", client.client_id),
        )
        .await
        .assert_error(401, 7003);
        app.post_form("/v1/oauth/token", &with("username=a")).await.assert_error(400, 7005);
        app.post_form("/v1/oauth/token", &with("grant_type=client_credentials")).await.assert_error(400, 7005);
        app.post_form("/v1/oauth/token", &with("grant_type=authorization_code")).await.assert_error(400, 7005);

        // A user of another company cannot log in through this company's client.
        app.second_company("boss@other.uz", Lang::En).await;
        app.post_form("/v1/oauth/token", &with(&format!("grant_type=password&username=boss@other.uz&password={OTHER_PASSWORD}")))
            .await
            .assert_error(401, 7002);
    })
    .await;
}

#[tokio::test]
async fn refresh_tokens_rotate_and_work_once() {
    each_backend(|app: TestApp| async move {
        let first = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let client = app.company.client.clone();
        let refresh = |token: &str| {
            format!(
                "grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={token}",
                client.client_id, client.client_secret
            )
        };
        let old_refresh = first["refresh_token"]
            .as_str()
            .expect("refresh")
            .to_string();
        let second = app
            .post_form("/v1/oauth/token", &refresh(&old_refresh))
            .await;
        assert_eq!(second.status, 200, "{}", second.text);
        assert_token_pair(&second.body);
        assert_ne!(second.body["access_token"], first["access_token"]);
        let access = second.body["access_token"].as_str().expect("access");
        assert_eq!(app.get("/v1/accounts", Some(access)).await.status, 200);
        // The old access token still works until it expires; the old refresh token does not.
        assert_eq!(
            app.get("/v1/accounts", first["access_token"].as_str())
                .await
                .status,
            200
        );
        app.post_form("/v1/oauth/token", &refresh(&old_refresh))
            .await
            .assert_error(401, 7006);
        app.post_form(
            "/v1/oauth/token",
            &refresh("0123456789abcdef0123456789abcdef01234567"),
        )
        .await
        .assert_error(401, 7008);
        // Expired after 60 days.
        let newest = second.body["refresh_token"]
            .as_str()
            .expect("refresh")
            .to_string();
        app.clock.advance(60 * 24 * 3600 + 1);
        app.post_form("/v1/oauth/token", &refresh(&newest))
            .await
            .assert_error(401, 7006);
    })
    .await;
}

#[tokio::test]
async fn revoke_always_succeeds_and_removes_the_token() {
    each_backend(|app: TestApp| async move {
        let pair = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let refresh = pair["refresh_token"].as_str().expect("refresh").to_string();
        let reply = app
            .post_form("/v1/oauth/revoke", &format!("token={refresh}"))
            .await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, json!({"success": true}));
        let again = app
            .post_json("/v1/oauth/revoke", &json!({"token": refresh}), None)
            .await;
        assert_eq!(again.body, json!({"success": true}));
        let client = &app.company.client;
        let body = format!(
            "grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={refresh}",
            client.client_id, client.client_secret
        );
        app.post_form("/v1/oauth/token", &body)
            .await
            .assert_error(401, 7008);
        let missing = app.post_json("/v1/oauth/revoke", &json!({}), None).await;
        assert_eq!(missing.field_errors(), vec![("token".to_string(), 8002)]);
    })
    .await;
}

#[tokio::test]
async fn password_reset_answers_alike_for_known_and_unknown_addresses() {
    each_backend(|app: TestApp| async move {
        let known = app
            .post_json(
                "/v1/sign-in/password-reset",
                &json!({"email": ADMIN_EMAIL}),
                None,
            )
            .await;
        let unknown = app
            .post_form("/v1/sign-in/password-reset", "email=ghost@test.uz")
            .await;
        assert_eq!(known.status, 200);
        assert_eq!(unknown.status, 200);
        let message = known.body["message"].as_str().expect("message");
        assert!(
            message.starts_with(
                "Письмо с ссылкой для изменения пароля отправлено на Ваш электронный адрес"
            ),
            "{message}"
        );
        assert_eq!(
            unknown.body["message"]
                .as_str()
                .expect("message")
                .replace("ghost@test.uz", ADMIN_EMAIL),
            message
        );

        // The token is issued in the background: wait (bounded) for it.
        let mut resets = 0;
        for _ in 0..100 {
            resets = davomat_store::testing::scalar(
                &app.store,
                "SELECT count(*) FROM password_resets",
                &[],
            )
            .await;
            if resets > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(resets, 1, "a reset token exists for the known address only");
    })
    .await;
}

#[tokio::test]
async fn confirming_a_reset_sets_the_password_and_revokes_every_token() {
    each_backend(|app: TestApp| async move {
        let old_access = app.admin_token().await;
        let token = password_resets::create(&app.store, UserId(app.company.admin_user_id.0), START)
            .await
            .expect("reset");
        let reply = app
            .post_json(
                "/v1/sign-in/password-reset/confirm",
                &json!({"token": token, "password": "brand-new-pass"}),
                None,
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert!(reply.body["message"].as_str().is_some());
        app.get("/v1/accounts", Some(&old_access))
            .await
            .assert_error(401, 7008);
        app.post_form(
            "/v1/oauth/token",
            &app.password_grant(ADMIN_EMAIL, ADMIN_PASSWORD),
        )
        .await
        .assert_error(401, 7002);
        assert_eq!(
            app.login(ADMIN_EMAIL, "brand-new-pass").await["token_type"],
            "bearer"
        );
        let again = app
            .post_json(
                "/v1/sign-in/password-reset/confirm",
                &json!({"token": token, "password": "another-pass-1"}),
                None,
            )
            .await;
        assert_eq!(again.field_errors(), vec![("token".to_string(), 8003)]);

        // A reset token lives one hour.
        let late = password_resets::create(&app.store, app.company.admin_user_id, START)
            .await
            .expect("reset");
        app.clock.advance(3601);
        let reply = app
            .post_json(
                "/v1/sign-in/password-reset/confirm",
                &json!({"token": late, "password": "another-pass-1"}),
                None,
            )
            .await;
        assert_eq!(reply.field_errors(), vec![("token".to_string(), 8003)]);
    })
    .await;
}

/// The password verifications counted in `/metrics` so far.
async fn password_checks(app: &TestApp) -> u64 {
    let metrics = app.get("/metrics", None).await.text;
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("davomat_password_checks_total "))
        .and_then(|n| n.trim().parse().ok())
        .expect("davomat_password_checks_total in /metrics")
}

#[tokio::test]
async fn every_password_grant_runs_exactly_one_verification_known_user_or_not() {
    each_backend(|app: TestApp| async move {
        // A user without a password (it sets one through a reset).
        let admin = app.admin_token().await;
        let card = app
            .get(&format!("/v1/employees/{}", app.company.admin_employee_id.0), Some(&admin))
            .await;
        let data = &card.body["data"];
        let hire = json!({
            "first_name": "Беспарольный", "department_id": data["department"]["id"],
            "schedule_id": data["schedule"]["id"], "locations": "*",
            "start_date": "2025-03-01", "schedule_start_date": "2025-03-01",
            "username": "nopassword@test.uz",
        });
        let hired = app.post_json("/v1/employees", &hire, Some(&admin)).await;
        assert_eq!(hired.status, 201, "{}", hired.text);
        let other = app.second_company("other@test.uz", Lang::Ru).await;
        let other_grant = format!(
            "grant_type=password&client_id={}&client_secret={}&username={ADMIN_EMAIL}&password={ADMIN_PASSWORD}",
            other.client.client_id, other.client.client_secret
        );

        let cases = [
            ("unknown email", app.password_grant("ghost@test.uz", ADMIN_PASSWORD), 401),
            ("wrong password", app.password_grant(ADMIN_EMAIL, "wrong-password"), 401),
            ("no password set", app.password_grant("nopassword@test.uz", "anything-1"), 401),
            ("another company's client", other_grant, 401),
            ("right password", app.password_grant(ADMIN_EMAIL, ADMIN_PASSWORD), 200),
        ];
        for (case, grant, status) in cases {
            let before = password_checks(&app).await;
            let reply = app.post_form("/v1/oauth/token", &grant).await;
            assert_eq!(reply.status, status, "{case}: {}", reply.text);
            if status == 401 {
                reply.assert_error(401, 7002);
            }
            assert_eq!(password_checks(&app).await - before, 1, "{case}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_user_has_one_live_reset_token_and_a_reset_spends_them_all() {
    each_backend(|app: TestApp| async move {
        let admin = app.company.admin_user_id;
        let first = password_resets::create(&app.store, admin, START)
            .await
            .expect("reset");
        let second = password_resets::create(&app.store, admin, START)
            .await
            .expect("reset");
        let confirm = |token: &str, password: &str| json!({"token": token, "password": password});
        // The older token died when the newer one was issued.
        let old = app
            .post_json(
                "/v1/sign-in/password-reset/confirm",
                &confirm(&first, "first-pass-1"),
                None,
            )
            .await;
        assert_eq!(old.field_errors(), vec![("token".to_string(), 8003)]);
        let third = password_resets::create(&app.store, admin, START)
            .await
            .expect("reset");
        assert_ne!(second, third);
        // A token left live by an older version: a successful reset spends it too.
        davomat_store::testing::execute(
            &app.store,
            "INSERT INTO password_resets (token_hash, user_id, expires_at, used_at, created_at) \
             VALUES ('legacy', $1, $2, NULL, $2)",
            &[admin.0, START + 3600],
        )
        .await;
        let done = app
            .post_json(
                "/v1/sign-in/password-reset/confirm",
                &confirm(&third, "third-pass-1"),
                None,
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.text);
        let live = davomat_store::testing::scalar(
            &app.store,
            "SELECT count(*) FROM password_resets WHERE used_at IS NULL",
            &[],
        )
        .await;
        assert_eq!(
            live, 0,
            "a successful reset spends every reset token of the user"
        );
    })
    .await;
}
