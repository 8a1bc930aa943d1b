//! Running the server: maintenance mode switched from another process, graceful
//! shutdown on SIGTERM, the separate metrics listener, and every setting read from
//! its `DAVOMAT_*` environment variable (CONTRACT.md §7).

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Reply, Server, TempDb, cli, create_company, davomat_command,
    free_port, http_client, poll_until, port_answers, rate_window, send, unix_now,
    wait_for_window_room,
};

/// Polls `GET path` with the token until `wanted` holds, at most five seconds
/// (CONTRACT.md §7: every node sees a maintenance switch within 5 s).
async fn within_five_seconds(
    server: &Server,
    path: &str,
    token: &str,
    wanted: impl Fn(&Reply) -> bool,
) -> Option<Reply> {
    poll_until(Duration::from_secs(5), || async {
        let reply = server.get(path, Some(token)).await;
        wanted(&reply).then_some(reply)
    })
    .await
}

#[tokio::test]
async fn maintenance_switched_by_the_cli_reaches_a_running_server_within_five_seconds() {
    let db = TempDb::new("maintenance");
    let company = create_company(&db, "Maintenance");
    let server = Server::start(&db, &[]).await;
    let token = server.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(server.get("/v1/accounts", Some(&token)).await.status, 200);

    let on = cli(&db, &["maintenance", "on"]).json();
    assert_eq!(on["maintenance"], "on");
    let switched = Instant::now();
    let reply = within_five_seconds(&server, "/v1/accounts", &token, |r| r.status == 503)
        .await
        .unwrap_or_else(|| panic!("no 503 within 5 s of `maintenance on`"));
    assert!(switched.elapsed() <= Duration::from_secs(6));
    reply.assert_error(503, 5000);
    let retry_after = reply.number_header("retry-after");
    assert!(retry_after >= 1, "Retry-After {retry_after}");
    // Every /v1 call, public ones included; the service routes stay up.
    server
        .post_json("/v1/oauth/token", &Value::Null)
        .await
        .assert_error(503, 5000);
    assert_eq!(server.get("/healthz", None).await.status, 200);
    assert_eq!(server.get("/readyz", None).await.status, 200);

    let off = cli(&db, &["maintenance", "off"]).json();
    assert_eq!(off["maintenance"], "off");
    let reply = within_five_seconds(&server, "/v1/accounts", &token, |r| r.status != 503)
        .await
        .unwrap_or_else(|| panic!("still 503 5 s after `maintenance off`"));
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["user_name"], ADMIN_EMAIL);
}

#[tokio::test]
async fn sigterm_stops_the_server_gracefully_with_exit_status_zero() {
    let db = TempDb::new("sigterm");
    let mut server = Server::start(&db, &[]).await;
    // A kept-alive connection from the client's pool must not hold the shutdown up.
    assert_eq!(server.get("/healthz", None).await.status, 200);
    server
        .get("/v1/accounts", None)
        .await
        .assert_error(401, 7007);

    server.proc.terminate();
    let status = server
        .proc
        .wait_exit(Duration::from_secs(15))
        .unwrap_or_else(|| panic!("still running 15 s after SIGTERM"));
    assert!(status.success(), "exit status {status}");
    assert_eq!(status.code(), Some(0));
    let stderr = server.proc.stderr();
    assert!(
        stderr.contains("stopped"),
        "no 'stopped' in the log: {stderr}"
    );
    assert!(
        !port_answers(server.port),
        "the port is still open after the exit"
    );
}

#[tokio::test]
async fn metrics_move_to_their_own_listener() {
    let db = TempDb::new("metrics");
    let metrics_port = std::sync::Mutex::new(0u16);
    let server = Server::launch("davomat serve --metrics-listen", |port| {
        let chosen = free_port();
        *metrics_port.lock().unwrap_or_else(|p| p.into_inner()) = chosen;
        let mut command = davomat_command();
        command
            .arg("--database")
            .arg(db.url())
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--metrics-listen")
            .arg(format!("127.0.0.1:{chosen}"))
            .arg("serve");
        command
    })
    .await;
    let metrics_port = *metrics_port.lock().unwrap_or_else(|p| p.into_inner());

    server
        .get("/v1/accounts", None)
        .await
        .assert_error(401, 7007);
    let metrics = send(http_client().get(format!("http://127.0.0.1:{metrics_port}/metrics"))).await;
    assert_eq!(metrics.status, 200, "{}", metrics.text);
    assert!(
        metrics
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain")),
        "{:?}",
        metrics.headers
    );
    assert!(
        metrics
            .text
            .contains("# TYPE davomat_http_requests_total counter"),
        "{}",
        metrics.text
    );
    assert!(
        metrics.text.contains(
            "davomat_http_requests_total{route=\"/v1/accounts\",method=\"GET\",status=\"401\"} 1"
        ),
        "{}",
        metrics.text
    );
    assert!(
        metrics
            .text
            .contains("davomat_http_request_duration_seconds_bucket"),
        "{}",
        metrics.text
    );

    // Not on the API listener any more.
    server.get("/metrics", None).await.assert_error(404, 3000);
}

#[tokio::test]
async fn every_setting_is_read_from_its_environment_variable() {
    let db = TempDb::new("env");
    let company = create_company(&db, "Environment");
    let public_url = "https://attendance.example.test";
    let metrics_port = std::sync::Mutex::new(0u16);
    let server = Server::launch("davomat serve (settings from the environment)", |port| {
        let chosen = free_port();
        *metrics_port.lock().unwrap_or_else(|p| p.into_inner()) = chosen;
        let mut command = davomat_command();
        command
            .env("DAVOMAT_LISTEN", format!("127.0.0.1:{port}"))
            .env("DAVOMAT_DATABASE_URL", db.url())
            .env("DAVOMAT_RATE_LIMIT_PER_MINUTE", "1")
            .env("DAVOMAT_METRICS_LISTEN", format!("127.0.0.1:{chosen}"))
            .env("DAVOMAT_PUBLIC_URL", public_url)
            .env("DAVOMAT_LOG_FORMAT", "json")
            .arg("serve");
        command
    })
    .await;
    let metrics_port = *metrics_port.lock().unwrap_or_else(|p| p.into_inner());

    // DAVOMAT_DATABASE_URL: the company created in that file logs in.
    let token = server.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // DAVOMAT_RATE_LIMIT_PER_MINUTE=1: the second authenticated request is refused.
    wait_for_window_room(10).await;
    let window = rate_window(unix_now());
    let first = server
        .get("/v1/user-activities?per-page=5", Some(&token))
        .await;
    let second = server.get("/v1/accounts", Some(&token)).await;
    assert_eq!(
        rate_window(unix_now()),
        window,
        "the two requests crossed a minute boundary despite the wait"
    );
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.number_header("x-rate-limit-limit"), 1);
    assert_eq!(first.number_header("x-rate-limit-remaining"), 0);
    second.assert_error(429, 6000);
    assert!(second.number_header("retry-after") >= 1);

    // DAVOMAT_PUBLIC_URL: absolute links are built from it.
    let href = first.body["_links"]["self"]["href"]
        .as_str()
        .unwrap_or_else(|| panic!("no _links.self.href: {}", first.text));
    assert!(href.starts_with(public_url), "{href}");

    // DAVOMAT_METRICS_LISTEN: /metrics answers there, and not on the API listener.
    let metrics = send(http_client().get(format!("http://127.0.0.1:{metrics_port}/metrics"))).await;
    assert_eq!(metrics.status, 200, "{}", metrics.text);
    assert!(metrics.text.contains("davomat_http_requests_total"));
    server.get("/metrics", None).await.assert_error(404, 3000);

    // DAVOMAT_LOG_FORMAT=json: every log line on stderr is a JSON object.
    let stderr = server.proc.stderr();
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "no log lines");
    for line in lines {
        let parsed: Result<Value, _> = serde_json::from_str(line);
        assert!(
            parsed.as_ref().is_ok_and(Value::is_object),
            "not a JSON log line: {line}"
        );
    }
}

#[tokio::test]
async fn after_sigterm_a_node_serves_on_for_its_grace_period_with_readyz_at_503_then_exits() {
    let db = TempDb::new("grace");
    let server = Server::launch("davomat serve (a grace period)", |port| {
        let mut command = davomat_command();
        command
            .env("DAVOMAT_LISTEN", format!("127.0.0.1:{port}"))
            .env("DAVOMAT_DATABASE_URL", db.url())
            .env("DAVOMAT_SHUTDOWN_GRACE_SECONDS", "2")
            .env("DAVOMAT_DRAIN_TIMEOUT_SECONDS", "5")
            .arg("serve");
        command
    })
    .await;
    let mut server = server;
    assert_eq!(server.get("/readyz", None).await.status, 200);
    let signalled = Instant::now();
    server.proc.terminate();
    let draining = poll_until(Duration::from_secs(1), || async {
        let reply = server.get("/readyz", None).await;
        (reply.status == 503).then_some(reply)
    })
    .await
    .unwrap_or_else(|| panic!("/readyz still 200 a second after SIGTERM"));
    assert_eq!(draining.body["status"], "draining", "{}", draining.text);
    assert!(draining.header("retry-after").is_some());
    // Still serving during the grace period: requests are answered, not refused.
    assert_eq!(server.get("/healthz", None).await.status, 200);
    server
        .get("/v1/accounts", None)
        .await
        .assert_error(401, 7007);
    let status = server
        .proc
        .wait_exit(Duration::from_secs(15))
        .unwrap_or_else(|| panic!("still running 15 s after SIGTERM"));
    assert!(status.success(), "{status}");
    let took = signalled.elapsed();
    assert!(
        took >= Duration::from_millis(1900),
        "exited {took:?} after SIGTERM, before its 2 s grace period"
    );
}

#[tokio::test]
async fn json_logs_carry_each_request_s_id() {
    let db = TempDb::new("json-logs");
    let server = Server::launch("davomat serve --log-format json", |port| {
        let mut command = davomat_command();
        command
            .env("RUST_LOG", "info,tower_http=debug")
            .arg("--database")
            .arg(db.url())
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--log-format")
            .arg("json")
            .arg("serve");
        command
    })
    .await;
    let asked = send(
        http_client()
            .get(server.url("/v1/accounts"))
            .header("x-request-id", "log-probe-42"),
    )
    .await;
    assert_eq!(asked.header("x-request-id"), Some("log-probe-42"));
    let logged = poll_until(Duration::from_secs(5), || async {
        server.proc.stderr().contains("log-probe-42").then_some(())
    })
    .await;
    assert!(
        logged.is_some(),
        "no request line: {}",
        server.proc.stderr()
    );
    let lines: Vec<Value> = server
        .proc
        .stderr()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let finished = lines
        .iter()
        .find(|l| {
            l["span"]["request_id"] == "log-probe-42"
                && l["fields"]["message"] == "finished processing request"
        })
        .expect("the request's line");
    assert_eq!(finished["span"]["method"], "GET", "{finished}");
    assert_eq!(finished["span"]["path"], "/v1/accounts", "{finished}");
    assert_eq!(finished["fields"]["status"], 401, "{finished}");
    assert!(finished["timestamp"].is_string(), "{finished}");
}
