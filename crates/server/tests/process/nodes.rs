//! Two `davomat serve` nodes on one PostgreSQL and one Redis: a change made through one
//! node, or by an operator's command, is seen through the other long before its cached
//! copy would expire (issue 12: a revoked token, an expired company, a blocked client,
//! an edited employee). The other node must have *received* the change through Redis
//! (`davomat_invalidations_received_total`), and show it within a 5 s deadline; the
//! delay is printed for docs/performance.md.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Reply, Server, TempPgDb, cli_on, create_company_on, port_answers,
    send, service_missing, text,
};

const REDIS: &str = "redis://127.0.0.1:6379";
const DEADLINE: Duration = Duration::from_secs(5);

/// The count of other nodes' invalidations a node applied.
async fn received(server: &Server) -> u64 {
    let metrics = server.get("/metrics", None).await.text;
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("davomat_invalidations_received_total "))
        .and_then(|n| n.trim().parse().ok())
        .expect("davomat_invalidations_received_total")
}

/// Asks `server` every 2 ms until `seen` holds (at most [`DEADLINE`]); answers the delay.
async fn delay_until(
    server: &Server,
    path: &str,
    token: &str,
    seen: impl Fn(&Reply) -> bool,
) -> Duration {
    let started = Instant::now();
    loop {
        let reply = server.get(path, Some(token)).await;
        if seen(&reply) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < DEADLINE,
            "not seen within {DEADLINE:?} on {}: {}",
            server.base,
            reply.text
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Warms `server`'s caches for `token` (the account and the session behind it).
async fn warm(server: &Server, token: &str) {
    for _ in 0..3 {
        let reply = server.get("/v1/accounts", Some(token)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
}

#[tokio::test]
async fn a_change_through_one_node_reaches_the_other_through_redis() {
    let case = "a_change_through_one_node_reaches_the_other_through_redis";
    if !port_answers(6379) {
        service_missing(
            case,
            "DAVOMAT_TEST_REQUIRE_REDIS",
            "nothing answers on 127.0.0.1:6379",
        );
        return;
    }
    let Some(db) = TempPgDb::new(case).await else {
        return;
    };
    let company = create_company_on(db.url(), "Nodes");
    let a = Server::start_on(db.url(), &["--redis", REDIS]).await;
    let b = Server::start_on(db.url(), &["--redis", REDIS]).await;
    let mut delays = Vec::new();

    // An edited employee: B shows the new name in the account it had cached.
    let admin = a.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    warm(&b, &admin).await;
    let me = b.get("/v1/accounts", Some(&admin)).await.body["employee"]["id"].clone();
    let before = received(&b).await;
    let edit = send(
        a.http
            .put(a.url(&format!("/v1/employees/{me}")))
            .bearer_auth(&admin)
            .json(&json!({"first_name": "Переименован"})),
    )
    .await;
    assert_eq!(edit.status, 200, "{}", edit.text);
    let delay = delay_until(&b, "/v1/accounts", &admin, |r| {
        r.body["employee"]["first_name"] == "Переименован"
    })
    .await;
    assert!(received(&b).await > before, "B applied A's invalidation");
    delays.push(("edited employee", delay));

    // A revoked token: B refuses it.
    let revoked = a.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    warm(&b, &revoked).await;
    let before = received(&b).await;
    let reply = a
        .post_json("/v1/oauth/revoke", &json!({"token": revoked}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let delay = delay_until(&b, "/v1/accounts", &revoked, |r| r.status == 401).await;
    assert!(received(&b).await > before, "B applied A's invalidation");
    delays.push(("revoked token", delay));

    // The operator expires the company (the CLI publishes too): B answers 402.
    warm(&b, &admin).await;
    let before = received(&b).await;
    let company_id = company["company_id"].to_string();
    cli_on(
        db.url(),
        &[
            "--redis",
            REDIS,
            "company",
            "set-status",
            "--company",
            &company_id,
            "--status",
            "expired",
        ],
    )
    .json();
    let delay = delay_until(&b, "/v1/accounts", &admin, |r| r.status == 402).await;
    assert!(
        received(&b).await > before,
        "B applied the CLI's invalidation"
    );
    delays.push(("expired company (CLI)", delay));
    cli_on(
        db.url(),
        &[
            "--redis",
            REDIS,
            "company",
            "set-status",
            "--company",
            &company_id,
            "--status",
            "active",
        ],
    )
    .json();
    delay_until(&b, "/v1/accounts", &admin, |r| r.status == 200).await;

    // The operator blocks the client: B answers 426.
    warm(&b, &admin).await;
    let before = received(&b).await;
    let client = text(&company, "client_id");
    cli_on(
        db.url(),
        &[
            "--redis",
            REDIS,
            "client",
            "set-state",
            "--client-id",
            &client,
            "--state",
            "blocked",
        ],
    )
    .json();
    let delay = delay_until(&b, "/v1/accounts", &admin, |r| r.status == 426).await;
    assert!(
        received(&b).await > before,
        "B applied the CLI's invalidation"
    );
    delays.push(("blocked client (CLI)", delay));

    for (change, delay) in delays {
        eprintln!(
            "seen on the other node: {change} after {:.1} ms",
            delay.as_secs_f64() * 1000.0
        );
    }
}
