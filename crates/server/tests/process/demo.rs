//! The newcomer's path (issue: "a newcomer … gets a token and calls
//! `GET /v1/accounts` with curl using only what the command printed"): `serve --demo`
//! prints one JSON line of credentials, and on every start sets them anew.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;

use crate::support::{Server, TempDb, cli, http_client, is_token, keys, send, text, token_request};

/// Starts `serve --demo` and returns it with the parsed first stdout line.
pub async fn start_demo(db: &TempDb) -> (Server, Value) {
    start_demo_with(db, &[]).await
}

/// `serve --demo` with more arguments (`--rate-limit-per-minute 0`).
pub async fn start_demo_with(db: &TempDb, args: &[&str]) -> (Server, Value) {
    let mut all = vec!["--demo"];
    all.extend_from_slice(args);
    let mut server = Server::start(db, &all).await;
    let printed = server
        .proc
        .wait_stdout(Duration::from_secs(10), |out| out.contains('\n'))
        .await;
    assert!(printed, "serve --demo printed no line on stdout");
    let stdout = server.proc.stdout();
    let first = stdout.lines().next().unwrap_or_default().to_string();
    let credentials: Value = serde_json::from_str(&first)
        .unwrap_or_else(|e| panic!("the first stdout line is not JSON ({e}): {first:?}"));
    assert!(credentials.is_object(), "{credentials}");
    // The how-to follows the JSON line; the logs go to stderr, not stdout.
    let rest = stdout.split_once('\n').map_or("", |(_, rest)| rest);
    let how_to_printed = server
        .proc
        .wait_stdout(Duration::from_secs(5), |out| out.contains("/v1/accounts"))
        .await;
    assert!(how_to_printed, "no how-to after the JSON line: {rest:?}");
    let stdout = server.proc.stdout();
    assert!(stdout.contains("curl"), "{stdout}");
    assert!(stdout.contains("/v1/oauth/token"), "{stdout}");
    assert!(
        !stdout.contains("davomat is serving"),
        "logs must go to stderr: {stdout}"
    );
    (server, credentials)
}

/// Checks the printed object's shape; returns the demo users as (email, role).
fn check_shape(credentials: &Value, server: &Server) -> Vec<(String, String)> {
    let expected: BTreeSet<String> = [
        "base_url",
        "console_url",
        "admin_email",
        "admin_password",
        "client_id",
        "client_secret",
        "demo_users",
        "demo_users_password",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(keys(credentials), expected, "{credentials}");
    assert_eq!(text(credentials, "base_url"), server.base);
    assert_eq!(
        text(credentials, "console_url"),
        format!("{}/", server.base)
    );
    for field in [
        "admin_email",
        "admin_password",
        "client_id",
        "client_secret",
        "demo_users_password",
    ] {
        assert!(!text(credentials, field).is_empty(), "{field} is empty");
    }
    let users: Vec<(String, String)> = credentials["demo_users"]
        .as_array()
        .expect("demo_users is a list")
        .iter()
        .map(|user| {
            let fields: BTreeSet<String> =
                ["email", "role"].iter().map(|s| s.to_string()).collect();
            assert_eq!(keys(user), fields, "{user}");
            (text(user, "email"), text(user, "role"))
        })
        .collect();
    let roles: BTreeSet<&str> = users.iter().map(|(_, role)| role.as_str()).collect();
    for role in ["head", "manager", "observer", "employee"] {
        assert!(
            roles.contains(role),
            "no demo user with role {role}: {users:?}"
        );
    }
    users
}

/// What a newcomer does with the printed values only: the curl for a token, then
/// `GET /v1/accounts` with it. Returns the account object.
async fn newcomer(credentials: &Value, username: &str, password: &str) -> Value {
    let http = http_client();
    let base = text(credentials, "base_url");
    let reply = token_request(
        &http,
        &base,
        &text(credentials, "client_id"),
        &text(credentials, "client_secret"),
        username,
        password,
    )
    .await;
    assert_eq!(reply.status, 200, "token for {username}: {}", reply.text);
    assert_eq!(reply.body["token_type"], "bearer");
    assert_eq!(reply.body["expires_in"], 2_592_000);
    let access = text(&reply.body, "access_token");
    assert!(is_token(&access), "{access}");
    assert!(is_token(&text(&reply.body, "refresh_token")));
    let accounts = send(
        http.get(format!("{base}/v1/accounts"))
            .header("authorization", format!("Bearer {access}")),
    )
    .await;
    assert_eq!(accounts.status, 200, "{}", accounts.text);
    assert_eq!(accounts.body["user_name"], username, "{}", accounts.text);
    accounts.body
}

/// The README's other path: the console at `console_url`, signed in with the printed
/// admin credentials, answers with a session cookie and the Today board.
async fn console_sign_in(credentials: &Value) {
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let console = text(credentials, "console_url");
    let reply = http
        .post(format!("{console}login"))
        .form(&[
            ("email", text(credentials, "admin_email")),
            ("password", text(credentials, "admin_password")),
        ])
        .send()
        .await
        .expect("the sign-in form posted");
    assert_eq!(reply.status().as_u16(), 303);
    let cookie = reply.headers()["set-cookie"]
        .to_str()
        .expect("a cookie")
        .split(';')
        .next()
        .expect("its value")
        .to_string();
    assert!(cookie.starts_with("davomat_session="), "{cookie}");
    let today = http
        .get(&console)
        .header("cookie", cookie)
        .send()
        .await
        .expect("the Today board");
    assert_eq!(today.status().as_u16(), 200);
    let html = today.text().await.expect("its page");
    assert!(html.contains("id=\"count-employees\""), "{html}");
}

/// Fetches a photo URL without a token: a PNG of `side`×`side`.
async fn check_photo(url: &str, side: u32) {
    let response = http_client().get(url).send().await.expect("photo fetched");
    assert_eq!(response.status().as_u16(), 200, "{url}");
    assert_eq!(response.headers()["content-type"], "image/png");
    let bytes = response.bytes().await.expect("photo body");
    let image =
        image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).expect("a PNG");
    assert_eq!((image.width(), image.height()), (side, side));
}

fn role_id(key: &str) -> i64 {
    match key {
        "admin" => 1,
        "head" => 2,
        "manager" => 3,
        "observer" => 4,
        "employee" => 5,
        other => panic!("unknown role key {other}"),
    }
}

#[tokio::test]
async fn serve_demo_prints_working_credentials_and_renews_them_on_every_start() {
    let db = TempDb::new("demo");

    let (server, first) = start_demo(&db).await;
    let users = check_shape(&first, &server);
    console_sign_in(&first).await;
    let admin_email = text(&first, "admin_email");
    let account = newcomer(&first, &admin_email, &text(&first, "admin_password")).await;
    assert_eq!(account["role"]["id"], 1, "{account}");
    let demo_company = account["company_id"].as_i64().expect("company_id");
    // The first demo employees have a face: their photos are served.
    let photo = text(&account["employee"]["photos"], "small");
    check_photo(&photo, 40).await;
    for (email, role) in &users {
        let account = newcomer(&first, email, &text(&first, "demo_users_password")).await;
        assert_eq!(account["role"]["id"], role_id(role), "{email}: {account}");
        assert_eq!(account["company_id"], demo_company);
        // Every demo employee has a monthly rate and a payroll rule.
        let employee = &account["employee"];
        assert_eq!(employee["lastEmployeeSalaryRate"]["type"], 3, "{employee}");
        assert!(
            employee["lastEmployeeSalaryRate"]["rate"]
                .as_str()
                .is_some_and(|rate| rate.ends_with(".00")),
            "{employee}"
        );
        assert!(employee["lastPersonPayroll"]["payrollRule"]["title"].is_string());
    }
    drop(server);

    // A second start on the same database: new secrets, the same company and client.
    let (server, second) = start_demo(&db).await;
    check_shape(&second, &server);
    assert_eq!(second["admin_email"], first["admin_email"]);
    assert_eq!(second["client_id"], first["client_id"]);
    for field in ["admin_password", "client_secret", "demo_users_password"] {
        assert_ne!(second[field], first[field], "{field} was not renewed");
    }
    let account = newcomer(&second, &admin_email, &text(&second, "admin_password")).await;
    assert_eq!(
        account["company_id"], demo_company,
        "a second demo company?"
    );
    // The faces were seeded once: the same photo (its key and path; the port is
    // new), still served.
    let again = text(&account["employee"]["photos"], "small");
    let path = |url: &str| url.split_once("/images/").map(|(_, p)| p.to_string());
    assert_eq!(path(&again), path(&photo), "{again} vs {photo}");
    check_photo(&again, 40).await;

    // The old password and the old secret stopped working.
    server
        .password_grant(
            &text(&second, "client_id"),
            &text(&second, "client_secret"),
            &admin_email,
            &text(&first, "admin_password"),
        )
        .await
        .assert_error(401, 7002);
    server
        .password_grant(
            &text(&first, "client_id"),
            &text(&first, "client_secret"),
            &admin_email,
            &text(&second, "admin_password"),
        )
        .await
        .assert_error(401, 7003);
    let (employee, _) = users
        .iter()
        .find(|(_, role)| role == "employee")
        .expect("an employee");
    server
        .password_grant(
            &text(&second, "client_id"),
            &text(&second, "client_secret"),
            employee,
            &text(&first, "demo_users_password"),
        )
        .await
        .assert_error(401, 7002);
    drop(server);

    // Still one company: the next one created gets the next id.
    let next = cli(
        &db,
        &[
            "company",
            "create",
            "--name",
            "After demo",
            "--admin-email",
            "after@process.test",
            "--admin-password",
            "after-password-1",
        ],
    )
    .json();
    assert_eq!(
        next["company_id"],
        demo_company + 1,
        "restarting serve --demo must not create another company"
    );
}
