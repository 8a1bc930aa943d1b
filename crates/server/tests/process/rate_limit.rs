//! Rate limiting across processes: three `davomat serve` on one database share one
//! budget through Redis (issue: "Two `davomat serve` processes with one Redis enforce
//! one shared limit"; issue 16: three nodes), and keep separate budgets without it.

use std::time::Duration;

use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Reply, Server, TempDb, create_company, port_answers, rate_window,
    service_missing, unix_now, wait_for_window_room,
};

const LIMIT: u32 = 5;

/// The Redis the case uses: the usual local server, in a database of its own (1..15,
/// by process id) so that clearing counters never touches another user's keys in 0.
fn redis_url() -> String {
    format!("redis://127.0.0.1:6379/{}", 1 + std::process::id() % 15)
}

/// A connection to the case's Redis, or why there is none.
async fn redis_connection(url: &str) -> Result<redis::aio::MultiplexedConnection, String> {
    if !port_answers(6379) {
        return Err("nothing answers on 127.0.0.1:6379".into());
    }
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    let mut connection = tokio::time::timeout(
        Duration::from_secs(5),
        client.get_multiplexed_async_connection(),
    )
    .await
    .map_err(|_| "Redis did not answer within 5 s".to_string())?
    .map_err(|e| e.to_string())?;
    let pong: String = redis::cmd("PING")
        .query_async(&mut connection)
        .await
        .map_err(|e| e.to_string())?;
    if pong != "PONG" {
        return Err(format!("Redis answered {pong:?} to PING"));
    }
    Ok(connection)
}

/// Deletes every rate-limit counter (`davomat:rl:*`) of the case's Redis database:
/// user ids restart at 1 in every fresh database, so old counters would be ours.
async fn clear_counters(connection: &mut redis::aio::MultiplexedConnection) {
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("davomat:rl:*")
        .query_async(connection)
        .await
        .expect("KEYS davomat:rl:*");
    if !keys.is_empty() {
        let _: i64 = redis::cmd("DEL")
            .arg(&keys)
            .query_async(connection)
            .await
            .expect("DEL the counters");
    }
}

#[track_caller]
fn assert_allowed(reply: &Reply, remaining: u32, which: &str) {
    assert_eq!(reply.status, 200, "{which}: {}", reply.text);
    assert_eq!(reply.number_header("x-rate-limit-limit"), u64::from(LIMIT));
    assert_eq!(
        reply.number_header("x-rate-limit-remaining"),
        u64::from(remaining),
        "{which}: remaining"
    );
    let reset = reply.number_header("x-rate-limit-reset");
    assert!((1..=60).contains(&reset), "{which}: reset {reset}");
}

#[track_caller]
fn assert_limited(reply: &Reply, which: &str) {
    reply.assert_error(429, 6000);
    let retry_after = reply.number_header("retry-after");
    assert!(
        (1..=60).contains(&retry_after),
        "{which}: Retry-After {retry_after}"
    );
    assert_eq!(reply.number_header("x-rate-limit-remaining"), 0, "{which}");
}

#[tokio::test]
async fn three_servers_with_one_redis_share_one_budget() {
    let url = redis_url();
    let mut connection = match redis_connection(&url).await {
        Ok(connection) => connection,
        Err(reason) => {
            service_missing(
                "three_servers_with_one_redis_share_one_budget",
                "DAVOMAT_TEST_REQUIRE_REDIS",
                &reason,
            );
            return;
        }
    };
    let db = TempDb::new("redis");
    let company = create_company(&db, "Shared budget");
    let limit = LIMIT.to_string();
    let args = ["--redis", url.as_str(), "--rate-limit-per-minute", &limit];
    let a = Server::start(&db, &args).await;
    let b = Server::start(&db, &args).await;
    let c = Server::start(&db, &args).await;
    assert!(
        a.proc.stderr().contains("redis=true"),
        "{}",
        a.proc.stderr()
    );

    let token = a.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // Seven requests taking turns between the processes, in one minute window.
    wait_for_window_room(10).await;
    clear_counters(&mut connection).await;
    let window = rate_window(unix_now());
    let servers = [&a, &b, &c];
    let mut replies = Vec::new();
    for i in 0..7 {
        replies.push(servers[i % 3].get("/v1/accounts", Some(&token)).await);
    }
    assert_eq!(
        rate_window(unix_now()),
        window,
        "the burst crossed a minute boundary despite the wait"
    );
    // The first five spend one budget of five, X-Rate-Limit-Remaining going down
    // across the processes: A 4, B 3, C 2, A 1, B 0.
    for (i, reply) in replies[..5].iter().enumerate() {
        assert_allowed(reply, LIMIT - 1 - i as u32, ["A", "B", "C"][i % 3]);
    }
    // The sixth is refused, whichever process it hits (C, then A).
    assert_limited(&replies[5], "C");
    assert_limited(&replies[6], "A");
    // Service routes are outside the limit.
    assert_eq!(b.get("/healthz", None).await.status, 200);
}

#[tokio::test]
async fn two_servers_without_redis_keep_separate_budgets() {
    let db = TempDb::new("local-budget");
    let company = create_company(&db, "Separate budgets");
    let limit = LIMIT.to_string();
    let args = ["--rate-limit-per-minute", limit.as_str()];
    let a = Server::start(&db, &args).await;
    let b = Server::start(&db, &args).await;
    assert!(
        a.proc.stderr().contains("redis=false"),
        "{}",
        a.proc.stderr()
    );

    let token = a.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    wait_for_window_room(10).await;
    let window = rate_window(unix_now());
    let servers = [&a, &b];
    let mut replies = Vec::new();
    for i in 0..6 {
        replies.push(servers[i % 2].get("/v1/accounts", Some(&token)).await);
    }
    assert_eq!(
        rate_window(unix_now()),
        window,
        "the burst crossed a minute boundary despite the wait"
    );
    // Six requests alternating all pass: each process counts only its own three
    // (A 4, B 4, A 3, B 3, A 2, B 2).
    for (i, reply) in replies.iter().enumerate() {
        assert_allowed(reply, LIMIT - 1 - (i / 2) as u32, ["A", "B"][i % 2]);
    }
}
