//! Two `davomat serve` nodes on one PostgreSQL and one Redis: a change made through one
//! node, or by an operator's command, is seen through the other long before its cached
//! copy would expire (issue 12: a revoked token, an expired company, a blocked client,
//! an edited employee). The other node must have *received* the change through Redis
//! (`davomat_invalidations_received_total`), and show it within a 5 s deadline; the
//! delay is printed for docs/performance.md.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Reply, Server, cli_on, create_company_on, postgres_with_redis,
    send, text,
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
    let Some(db) = postgres_with_redis(case).await else {
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

/// The `q`-quantile of the delays (nearest rank).
fn quantile(delays: &mut [Duration], q: f64) -> Duration {
    delays.sort();
    let rank = ((q * delays.len() as f64).ceil() as usize).clamp(1, delays.len());
    delays[rank - 1]
}

/// Every node but `writer`.
fn others(nodes: &[Server], writer: usize) -> impl Iterator<Item = &Server> {
    nodes
        .iter()
        .enumerate()
        .filter(move |(i, _)| *i != writer)
        .map(|(_, n)| n)
}

/// Readers on every node and a writer of departments, until `stop`; answers the
/// requests made and those that failed (a 503 while maintenance is on is the answer
/// maintenance gives, not a failure).
fn background_load(
    nodes: &[Server],
    token: &str,
    stop: &std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Vec<tokio::task::JoinHandle<(u64, Vec<String>)>> {
    use std::sync::atomic::Ordering;
    let mut tasks = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let (http, base, token, stop) = (
            node.http.clone(),
            node.base.clone(),
            token.to_string(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let (mut made, mut failed) = (0, Vec::new());
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let request = if i == 0 && n % 4 == 0 {
                    http.post(format!("{base}/v1/departments"))
                        .json(&json!({"title": format!("Yuk {n}")}))
                } else if n % 2 == 0 {
                    http.get(format!("{base}/v1/employees?per-page=20"))
                } else {
                    http.get(format!("{base}/v1/accounts"))
                };
                let reply = send(request.bearer_auth(&token)).await;
                made += 1;
                let maintenance = reply.status == 503 && reply.text.contains("5000");
                if !(200..300).contains(&reply.status) && !maintenance {
                    failed.push(format!("{} {}", reply.status, reply.text));
                }
            }
            (made, failed)
        }));
    }
    tasks
}

#[tokio::test]
async fn three_nodes_under_load_see_a_change_made_through_any_of_them() {
    let case = "three_nodes_under_load_see_a_change_made_through_any_of_them";
    let Some(db) = postgres_with_redis(case).await else {
        return;
    };
    let company = create_company_on(db.url(), "Three nodes");
    let args = ["--redis", REDIS, "--rate-limit-per-minute", "0"];
    let nodes = vec![
        Server::start_on(db.url(), &args).await,
        Server::start_on(db.url(), &args).await,
        Server::start_on(db.url(), &args).await,
    ];
    let admin = nodes[0].login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let me = nodes[0].get("/v1/accounts", Some(&admin)).await.body["employee"]["id"].clone();
    let card = nodes[0]
        .get(&format!("/v1/employees/{me}"), Some(&admin))
        .await
        .body["data"]
        .clone();
    let schedule = card["schedule"]["id"].clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = background_load(&nodes, &admin, &stop);
    let mut delays: Vec<(&str, Vec<Duration>)> = vec![
        ("hired employee", Vec::new()),
        ("dismissed employee", Vec::new()),
        ("edited schedule", Vec::new()),
        ("revoked token", Vec::new()),
        ("maintenance on (CLI)", Vec::new()),
        ("maintenance off (CLI)", Vec::new()),
    ];

    for round in 0..10 {
        let writer = round % nodes.len();
        let through = &nodes[writer];
        // Hired through one node: every other node lists them; dismissed: none does.
        let name = format!("Ishchi {round}");
        let listed = format!("/v1/employees?full_name=Ishchi%20{round}");
        for node in others(&nodes, writer) {
            delay_until(node, &listed, &admin, |r| {
                r.body["_meta"]["totalCount"] == 0
            })
            .await;
        }
        let hired = through
            .send_json(
                "POST",
                "/v1/employees",
                &json!({
                    "first_name": name, "department_id": card["department"]["id"],
                    "schedule_id": schedule, "locations": "*",
                    "start_date": "2025-01-01", "schedule_start_date": "2025-01-01",
                }),
                &admin,
            )
            .await;
        assert_eq!(hired.status, 201, "{}", hired.text);
        let id = hired.body["id"]
            .as_i64()
            .or_else(|| hired.body["data"]["id"].as_i64())
            .expect("the new employee's id");
        for node in others(&nodes, writer) {
            let delay = delay_until(node, &listed, &admin, |r| {
                r.body["_meta"]["totalCount"] == 1
            })
            .await;
            delays[0].1.push(delay);
        }
        let dismissed = through
            .send_json(
                "POST",
                &format!("/v1/employees/{id}/dismiss"),
                &json!({"exp_date": "2025-06-30"}),
                &admin,
            )
            .await;
        assert_eq!(dismissed.status, 200, "{}", dismissed.text);
        for node in others(&nodes, writer) {
            let delay = delay_until(node, &listed, &admin, |r| {
                r.body["_meta"]["totalCount"] == 0
            })
            .await;
            delays[1].1.push(delay);
        }

        // A schedule renamed through one node: every other node shows the new title.
        let path = format!("/v1/schedules/{schedule}");
        for node in others(&nodes, writer) {
            warm(node, &admin).await;
            node.get(&path, Some(&admin)).await;
        }
        let title = format!("Jadval {round}");
        let edited = through
            .send_json(
                "PUT",
                &path,
                &json!({"title": title, "type": 2, "late_grace": 10, "days": [
                    {"weekday": 1, "start": "09:00", "end": "18:00", "lunch_minutes": 60}]}),
                &admin,
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.text);
        for node in others(&nodes, writer) {
            let delay = delay_until(node, &path, &admin, |r| r.body["title"] == title).await;
            delays[2].1.push(delay);
        }

        // A token revoked through one node: every other node refuses it.
        let token = through.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        for node in others(&nodes, writer) {
            warm(node, &token).await;
        }
        let revoked = through
            .post_json("/v1/oauth/revoke", &json!({"token": token}))
            .await;
        assert_eq!(revoked.status, 200, "{}", revoked.text);
        for node in others(&nodes, writer) {
            let delay = delay_until(node, "/v1/accounts", &token, |r| r.status == 401).await;
            delays[3].1.push(delay);
        }
    }

    // Maintenance switched by the operator's command: every node closes its writes and
    // opens them again (measured from the command's exit).
    for _ in 0..4 {
        for (state, slot, closed) in [("on", 4, true), ("off", 5, false)] {
            cli_on(db.url(), &["--redis", REDIS, "maintenance", state]).json();
            let switched = Instant::now();
            for node in &nodes {
                loop {
                    let probe = node
                        .send_json("POST", "/v1/departments", &json!({}), &admin)
                        .await;
                    if (probe.status == 503) == closed {
                        delays[slot].1.push(switched.elapsed());
                        break;
                    }
                    assert!(
                        switched.elapsed() < DEADLINE,
                        "maintenance {state} not seen on {} within {DEADLINE:?}: {}",
                        node.base,
                        probe.text
                    );
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
        }
    }

    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut made, mut failed) = (0, Vec::new());
    for task in load {
        let (m, f) = task.await.expect("a load task");
        made += m;
        failed.extend(f);
    }
    assert!(
        failed.is_empty(),
        "{} of {made} failed: {failed:?}",
        failed.len()
    );
    let mut all = Vec::new();
    for (change, mut seen) in delays {
        all.extend(seen.iter().copied());
        eprintln!(
            "three nodes: {change}: {} observations, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            seen.len(),
            quantile(&mut seen, 0.5).as_secs_f64() * 1000.0,
            quantile(&mut seen, 0.99).as_secs_f64() * 1000.0,
            quantile(&mut seen, 1.0).as_secs_f64() * 1000.0
        );
    }
    eprintln!(
        "three nodes: every change: {} observations, p50 {:.1} ms, p99 {:.1} ms, under {made} background requests",
        all.len(),
        quantile(&mut all, 0.5).as_secs_f64() * 1000.0,
        quantile(&mut all, 0.99).as_secs_f64() * 1000.0
    );
}
