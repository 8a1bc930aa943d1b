//! Three `davomat serve` nodes on one PostgreSQL and one Redis behind a load balancer
//! (balancer.rs), under a steady mix of reads and writes from several clients (issue
//! 16): a rolling restart — each node in turn sent SIGTERM, left to drain and exit, and
//! replaced — fails no request; then a node killed with `kill -9` fails at most the
//! requests it had in flight; and every write any node acknowledged is there at the
//! end. The figures are printed for docs/performance.md.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::balancer::Balancer;
use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Server, create_company_on, http_client, postgres_with_redis,
};

const REDIS: &str = "redis://127.0.0.1:6379";
const CLIENTS: usize = 6;

/// What one client saw.
#[derive(Default)]
struct Seen {
    requests: u64,
    /// (what, status or transport error) of every request that failed.
    failures: Vec<String>,
    /// Titles of the departments whose creation was acknowledged (201).
    acknowledged: Vec<String>,
    latencies: Vec<Duration>,
}

/// A client's loop until `stop`: the employee list, its account, a new department.
async fn client(base: String, token: String, who: String, stop: Arc<AtomicBool>) -> Seen {
    let http = http_client();
    let mut seen = Seen::default();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let title = format!("Bo'lim {who}-{n}");
        let requests = [
            ("list", http.get(format!("{base}/v1/employees?per-page=5"))),
            ("account", http.get(format!("{base}/v1/accounts"))),
            (
                "write",
                http.post(format!("{base}/v1/departments"))
                    .json(&json!({ "title": title })),
            ),
        ];
        for (what, request) in requests {
            let started = Instant::now();
            let outcome = request.bearer_auth(&token).send().await;
            seen.latencies.push(started.elapsed());
            seen.requests += 1;
            match outcome {
                Ok(reply) if reply.status().is_success() => {
                    if what == "write" {
                        seen.acknowledged.push(title.clone());
                    }
                }
                Ok(reply) => seen.failures.push(format!("{what}: {}", reply.status())),
                Err(e) => seen.failures.push(format!("{what}: {e}")),
            }
        }
    }
    seen
}

/// Runs the clients until `stop`, answering what they saw together.
fn start_load(
    balancer: &Balancer,
    token: &str,
    phase: &str,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Seen>> {
    (0..CLIENTS)
        .map(|n| {
            let (base, token, stop) = (balancer.base.clone(), token.to_string(), Arc::clone(stop));
            tokio::spawn(client(base, token, format!("{phase}{n}"), stop))
        })
        .collect()
}

/// Waits without blocking the runtime (the balancer and the clients run on it) until
/// the node has exited; answers its status.
async fn exit_of(node: &mut Server, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = node.proc.exited() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "{} still running {limit:?} after SIGTERM",
            node.base
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn collect(load: Vec<tokio::task::JoinHandle<Seen>>) -> Seen {
    let mut all = Seen::default();
    for task in load {
        let seen = task.await.expect("a client");
        all.requests += seen.requests;
        all.failures.extend(seen.failures);
        all.acknowledged.extend(seen.acknowledged);
        all.latencies.extend(seen.latencies);
    }
    all.latencies.sort_unstable();
    all
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at]
}

/// Every department title of the company, read through the balancer.
async fn titles(balancer: &Balancer, token: &str) -> Vec<String> {
    let http = http_client();
    let mut titles = Vec::new();
    for page in 1.. {
        let reply = http
            .get(format!(
                "{}/v1/departments?per-page=50&page={page}",
                balancer.base
            ))
            .bearer_auth(token)
            .send()
            .await
            .expect("the list");
        let body: serde_json::Value = reply.json().await.expect("JSON");
        let items = body["items"].as_array().cloned().unwrap_or_default();
        titles.extend(
            items
                .iter()
                .filter_map(|d| d["title"].as_str().map(String::from)),
        );
        if page >= body["_meta"]["pageCount"].as_i64().unwrap_or(1) {
            break;
        }
    }
    titles
}

// Several threads: the balancer and the clients must not wait on the test's own steps.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rolling_restart_fails_no_request_and_a_killed_node_only_its_own() {
    let case = "a_rolling_restart_fails_no_request_and_a_killed_node_only_its_own";
    let Some(db) = postgres_with_redis(case).await else {
        return;
    };
    let company = create_company_on(db.url(), "Rolling");
    // A grace period longer than the balancer's check interval, no rate limit (six
    // clients on one token), a bounded drain.
    let args = [
        "--redis",
        REDIS,
        "--rate-limit-per-minute",
        "0",
        "--shutdown-grace-seconds",
        "1",
        "--drain-timeout-seconds",
        "10",
    ];
    let mut nodes = Vec::new();
    for _ in 0..3 {
        nodes.push(Server::start_on(db.url(), &args).await);
    }
    let bases: Vec<String> = nodes.iter().map(|n| n.base.clone()).collect();
    let balancer = Balancer::start(&bases).await;
    let token = nodes[0].login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // A rolling restart under steady load.
    let stop = Arc::new(AtomicBool::new(false));
    let load = start_load(&balancer, &token, "r", &stop);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rolling_started = Instant::now();
    for node in &mut nodes {
        let old = node.base.clone();
        node.proc.terminate();
        let status = exit_of(node, Duration::from_secs(20)).await;
        assert!(status.success(), "{old} exited with {status}");
        let replacement = Server::start_on(db.url(), &args).await;
        balancer.replace(&old, &replacement.base).await;
        *node = replacement;
    }
    let rolling_took = rolling_started.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let rolling = collect(load).await;
    assert!(rolling.requests > 100, "only {} requests", rolling.requests);
    assert!(
        rolling.failures.is_empty(),
        "{} of {} requests failed during the rolling restart: {:?}",
        rolling.failures.len(),
        rolling.requests,
        rolling.failures
    );
    println!(
        "rolling restart of 3 nodes: {} requests in {:.1} s, failed 0, redispatched {}, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        rolling.requests,
        rolling_took.as_secs_f64() + 2.0,
        balancer.redispatched(),
        percentile(&rolling.latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&rolling.latencies, 0.99).as_secs_f64() * 1e3,
        percentile(&rolling.latencies, 1.0).as_secs_f64() * 1e3,
    );

    // kill -9 of one node under load: only what it had in flight may fail.
    let stop = Arc::new(AtomicBool::new(false));
    let load = start_load(&balancer, &token, "k", &stop);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let killed = nodes[1].base.clone();
    crate::device_kill::kill_hard(&mut nodes[1]);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::Relaxed);
    let after_kill = collect(load).await;
    assert!(
        after_kill.failures.len() <= CLIENTS,
        "{} requests failed when {killed} was killed, more than the {CLIENTS} that can be in flight: {:?}",
        after_kill.failures.len(),
        after_kill.failures
    );
    println!(
        "kill -9 of one node: {} requests, failed {} (in flight on it), redispatched {} in all",
        after_kill.requests,
        after_kill.failures.len(),
        balancer.redispatched()
    );

    // Nothing acknowledged is lost.
    let stored = titles(&balancer, &token).await;
    for title in rolling.acknowledged.iter().chain(&after_kill.acknowledged) {
        assert!(
            stored.contains(title),
            "{title} was acknowledged and is not stored"
        );
    }
}
