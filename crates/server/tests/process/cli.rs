//! The operators' subcommands (CONTRACT.md §7) and what they change for a running
//! server: client rotation and states (§2, platform update) and company status.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Reply, Server, TempDb, cli, create_company, is_token, keys,
    poll_until, text,
};

fn key_set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn operator_commands_print_one_json_object_and_take_effect_on_a_running_server() {
    let db = TempDb::new("cli");

    // company create: exactly one JSON object with the contract's four keys.
    let company = create_company(&db, "Process Test");
    assert_eq!(
        keys(&company),
        key_set(&["company_id", "admin_user_id", "client_id", "client_secret"]),
        "{company}"
    );
    let company_id = company["company_id"]
        .as_i64()
        .expect("company_id is an integer");
    assert!(company["admin_user_id"].as_i64().is_some(), "{company}");
    let original_client = text(&company, "client_id");
    assert!(!original_client.is_empty());
    assert!(!text(&company, "client_secret").is_empty());
    let company_arg = company_id.to_string();

    // client create --company ID
    let second = cli(&db, &["client", "create", "--company", &company_arg]).json();
    assert_eq!(
        keys(&second),
        key_set(&["client_id", "client_secret"]),
        "{second}"
    );
    let second_client = text(&second, "client_id");
    assert_ne!(second_client, original_client);

    // client rotate --client-id X --old blocked: a new pair; X is blocked.
    let rotated = cli(
        &db,
        &[
            "client",
            "rotate",
            "--client-id",
            &original_client,
            "--old",
            "blocked",
        ],
    )
    .json();
    assert_eq!(
        keys(&rotated),
        key_set(&["client_id", "client_secret"]),
        "{rotated}"
    );
    assert_ne!(text(&rotated, "client_id"), original_client);
    assert_ne!(text(&rotated, "client_id"), second_client);

    // client rotate without --old: the default retires the old pair as outdated.
    let third = cli(&db, &["client", "create", "--company", &company_arg]).json();
    let rotated_default = cli(
        &db,
        &[
            "client",
            "rotate",
            "--client-id",
            &text(&third, "client_id"),
        ],
    )
    .json();
    assert_eq!(
        keys(&rotated_default),
        key_set(&["client_id", "client_secret"])
    );

    // client set-state --client-id X --state outdated
    let state = cli(
        &db,
        &[
            "client",
            "set-state",
            "--client-id",
            &second_client,
            "--state",
            "outdated",
        ],
    )
    .json();
    assert_eq!(keys(&state), key_set(&["client_id", "state"]), "{state}");
    assert_eq!(state["client_id"], second_client.as_str());
    assert_eq!(state["state"], "outdated");

    // Bad input: non-zero exit, a message on stderr, nothing on stdout.
    cli(
        &db,
        &[
            "company",
            "create",
            "--name",
            "Short",
            "--admin-email",
            "short@process.test",
            "--admin-password",
            "short",
        ],
    )
    .assert_refused("--admin-password");
    cli(
        &db,
        &[
            "company",
            "create",
            "--name",
            "Bad mail",
            "--admin-email",
            "not-an-email",
            "--admin-password",
            "long-enough-1",
        ],
    )
    .assert_refused("--admin-email");
    cli(
        &db,
        &[
            "company",
            "create",
            "--name",
            "Same admin",
            "--admin-email",
            &ADMIN_EMAIL.to_uppercase(),
            "--admin-password",
            "long-enough-1",
        ],
    )
    .assert_refused("already exists");
    cli(&db, &["client", "create", "--company", "999999"]).assert_refused("not found");
    cli(
        &db,
        &[
            "company",
            "set-status",
            "--company",
            "999999",
            "--status",
            "expired",
        ],
    )
    .assert_refused("not found");
    cli(
        &db,
        &[
            "client",
            "rotate",
            "--client-id",
            "no-such-client",
            "--old",
            "blocked",
        ],
    )
    .assert_refused("not found");
    cli(
        &db,
        &[
            "client",
            "set-state",
            "--client-id",
            "no-such-client",
            "--state",
            "blocked",
        ],
    )
    .assert_refused("not found");
    cli(
        &db,
        &[
            "company",
            "set-status",
            "--company",
            &company_arg,
            "--status",
            "bogus",
        ],
    )
    .assert_refused("bogus");

    // Over HTTP, on a running server.
    let server = Server::start(&db, &[]).await;

    // The blocked client: 426/7010 on the token endpoint.
    server
        .password_grant(
            &original_client,
            &text(&company, "client_secret"),
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        )
        .await
        .assert_error(426, 7010);

    // The new pair from the rotation works, and is current: no Version header.
    let current = server
        .password_grant(
            &text(&rotated, "client_id"),
            &text(&rotated, "client_secret"),
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        )
        .await;
    assert_eq!(current.status, 200, "{}", current.text);
    assert!(
        is_token(&text(&current.body, "access_token")),
        "{}",
        current.text
    );
    assert_eq!(current.header("version"), None);
    let current_token = text(&current.body, "access_token");
    let accounts = server.get("/v1/accounts", Some(&current_token)).await;
    assert_eq!(accounts.status, 200, "{}", accounts.text);
    assert_eq!(accounts.body["user_name"], ADMIN_EMAIL);
    assert_eq!(accounts.header("version"), None);

    // The outdated client: it works, and every response carries `Version: recommended`.
    let outdated = server
        .password_grant(
            &second_client,
            &text(&second, "client_secret"),
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        )
        .await;
    assert_eq!(outdated.status, 200, "{}", outdated.text);
    assert_eq!(outdated.header("version"), Some("recommended"));
    let outdated_token = text(&outdated.body, "access_token");
    let accounts = server.get("/v1/accounts", Some(&outdated_token)).await;
    assert_eq!(accounts.status, 200, "{}", accounts.text);
    assert_eq!(accounts.header("version"), Some("recommended"));
    let missing = server
        .get("/v1/user-activities?start_date=bad", Some(&outdated_token))
        .await;
    assert!(missing.status >= 400, "{}", missing.text);
    assert_eq!(
        missing.header("version"),
        Some("recommended"),
        "error answers of an outdated client carry the header too"
    );

    // The pair retired by a default rotation is outdated too.
    let retired = server
        .password_grant(
            &text(&third, "client_id"),
            &text(&third, "client_secret"),
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        )
        .await;
    assert_eq!(retired.status, 200, "{}", retired.text);
    assert_eq!(retired.header("version"), Some("recommended"));

    // company set-status expired, while the server runs: 402/7004 on /v1, yet the
    // token endpoint still answers.
    let status = cli(
        &db,
        &[
            "company",
            "set-status",
            "--company",
            &company_arg,
            "--status",
            "expired",
        ],
    )
    .json();
    assert_eq!(status["company_id"], company_id);
    assert_eq!(status["status"], "expired");
    // Another process changed the database: the server's cached session of this token
    // follows within its 2 s lifetime (docs/decisions.md, "Read caches").
    accounts_reach(&server, &current_token, 402)
        .await
        .assert_error(402, 7004);
    let token = server
        .password_grant(
            &text(&rotated, "client_id"),
            &text(&rotated, "client_secret"),
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        )
        .await;
    assert_eq!(token.status, 200, "{}", token.text);
    server
        .get("/v1/accounts", Some(&text(&token.body, "access_token")))
        .await
        .assert_error(402, 7004);

    // Back to active: the same token works again.
    cli(
        &db,
        &[
            "company",
            "set-status",
            "--company",
            &company_arg,
            "--status",
            "active",
        ],
    )
    .json();
    let accounts = accounts_reach(&server, &current_token, 200).await;
    assert_eq!(accounts.status, 200, "{}", accounts.text);
}

/// `GET /v1/accounts` until it answers `status`, for at most 10 s (a change made by
/// another process shows within the read caches' 2 s); the last answer.
async fn accounts_reach(server: &Server, token: &str, status: u16) -> Reply {
    let reached = poll_until(Duration::from_secs(10), || async {
        let reply = server.get("/v1/accounts", Some(token)).await;
        (reply.status == status).then_some(reply)
    })
    .await;
    match reached {
        Some(reply) => reply,
        None => server.get("/v1/accounts", Some(token)).await,
    }
}

#[tokio::test]
async fn operators_recover_a_company_with_user_reset_password_and_set_role() {
    let db = TempDb::new("cli-user");
    let company = create_company(&db, "Recovered Co");
    let server = Server::start(&db, &[]).await;
    let before = server.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // reset-password: a new password, printed once; the old one and its tokens stop.
    let reset = cli(&db, &["user", "reset-password", "--email", ADMIN_EMAIL]).json();
    assert_eq!(keys(&reset), key_set(&["user_id", "password"]), "{reset}");
    assert_eq!(reset["user_id"], company["admin_user_id"]);
    let password = text(&reset, "password");
    assert!(password.len() >= 8, "{password}");
    server
        .get("/v1/accounts", Some(&before))
        .await
        .assert_error(401, 7008);
    server
        .password_grant(
            &text(&company, "client_id"),
            &text(&company, "client_secret"),
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        )
        .await
        .assert_error(401, 7002);
    let admin = server.login(&company, ADMIN_EMAIL, &password).await;

    // A second user, made an administrator by the operator.
    let card = server
        .get(
            &format!("/v1/employees/{}", account_employee(&server, &admin).await),
            Some(&admin),
        )
        .await;
    let data = &card.body["data"];
    let hire = serde_json::json!({
        "first_name": "Заместитель", "department_id": data["department"]["id"],
        "schedule_id": data["schedule"]["id"], "locations": "*",
        "start_date": "2025-03-01", "schedule_start_date": "2025-03-01",
        "username": "deputy@process.test", "password": "deputy-password",
    });
    let hired = send_json(&server, "POST", "/v1/employees", &admin, &hire).await;
    assert_eq!(hired.status, 201, "{}", hired.text);
    let promoted = cli(
        &db,
        &[
            "user",
            "set-role",
            "--email",
            "deputy@process.test",
            "--role",
            "1",
        ],
    )
    .json();
    assert_eq!(promoted["role"], 1, "{promoted}");
    let deputy = server
        .login(&company, "deputy@process.test", "deputy-password")
        .await;
    let scope = poll_until(Duration::from_secs(10), || {
        let (server, deputy) = (&server, deputy.clone());
        async move {
            let list = server.get("/v1/employees", Some(&deputy)).await;
            (list.body["_meta"]["totalCount"] == 2).then_some(())
        }
    })
    .await;
    assert!(
        scope.is_some(),
        "the deputy sees the whole company as an admin"
    );

    // The last administrator cannot be demoted; with the deputy an admin, the first can.
    cli(
        &db,
        &[
            "user",
            "set-role",
            "--email",
            "deputy@process.test",
            "--role",
            "1",
        ],
    )
    .json();
    let demoted = cli(
        &db,
        &["user", "set-role", "--email", ADMIN_EMAIL, "--role", "5"],
    )
    .json();
    assert_eq!(demoted["role"], 5);
    cli(
        &db,
        &[
            "user",
            "set-role",
            "--email",
            "deputy@process.test",
            "--role",
            "4",
        ],
    )
    .assert_refused("last administrator");
    cli(
        &db,
        &["user", "reset-password", "--email", "ghost@process.test"],
    )
    .assert_refused("no user with the email");
    cli(
        &db,
        &["user", "set-role", "--email", ADMIN_EMAIL, "--role", "7"],
    )
    .assert_refused("7");
}

/// The employee id of the caller's account.
async fn account_employee(server: &Server, token: &str) -> i64 {
    let account = server.get("/v1/accounts", Some(token)).await;
    assert_eq!(account.status, 200, "{}", account.text);
    account.body["employee"]["id"]
        .as_i64()
        .expect("employee id")
}

async fn send_json(
    server: &Server,
    method: &str,
    path: &str,
    token: &str,
    body: &serde_json::Value,
) -> Reply {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    crate::support::send(
        server
            .http
            .request(method, server.url(path))
            .bearer_auth(token)
            .json(body),
    )
    .await
}

/// `davomat device claim`: a terminal pushing over ADMS is pending until the operator
/// claims it for a company and a location; then its punches are the company's. A serial
/// claimed once cannot be claimed again; unknown companies and locations are refused.
#[tokio::test]
async fn operators_claim_a_pending_terminal_for_a_company() {
    let db = TempDb::new("cli-device");
    let company = create_company(&db, "Terminal Co");
    let server = Server::start(&db, &[]).await;
    let admin = server.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let locations = server.get("/v1/locations", Some(&admin)).await;
    let location = locations.body["items"][0]["id"]
        .as_i64()
        .expect("a location")
        .to_string();
    let company_id = company["company_id"].to_string();

    let handshake = server
        .http
        .get(server.url("/iclock/cdata?SN=PROC0001&options=all&pushver=2.4.1"))
        .send()
        .await
        .expect("a handshake");
    assert_eq!(handshake.status().as_u16(), 200);
    let claimed = cli(
        &db,
        &[
            "device",
            "claim",
            "--serial",
            "PROC0001",
            "--company",
            &company_id,
            "--location",
            &location,
        ],
    )
    .json();
    assert_eq!(keys(&claimed), key_set(&["device_id"]), "{claimed}");
    let devices = server.get("/v1/devices", Some(&admin)).await;
    assert!(devices.text.contains("PROC0001"), "{}", devices.text);

    cli(
        &db,
        &[
            "device",
            "claim",
            "--serial",
            "PROC0001",
            "--company",
            &company_id,
            "--location",
            &location,
        ],
    )
    .assert_refused("claimed already");
    cli(
        &db,
        &[
            "device",
            "claim",
            "--serial",
            "PROC0002",
            "--company",
            "999",
            "--location",
            &location,
        ],
    )
    .assert_refused("no company");
    cli(
        &db,
        &[
            "device",
            "claim",
            "--serial",
            "PROC0002",
            "--company",
            &company_id,
            "--location",
            "999999",
        ],
    )
    .assert_refused("no location");
}
