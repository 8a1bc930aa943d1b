//! A node killed with `kill -9` while it is delivering a webhook (issue 16): the
//! receiver got the delivery but the node never learnt its answer; after the restart
//! the delivery is claimed again once its claim has run out (a minute) and arrives
//! again with the same `X-Davomat-Delivery` id — at least once, nothing lost.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use serde_json::json;
use tokio::sync::Semaphore;

use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Server, TempDb, create_company, davomat_command, text,
};

/// The delivery ids the receiver got, in order; each answer waits for a permit.
#[derive(Clone)]
struct Receiver {
    got: Arc<Mutex<Vec<String>>>,
    gate: Arc<Semaphore>,
}

async fn receive(
    axum::extract::State(receiver): axum::extract::State<Receiver>,
    headers: HeaderMap,
) -> StatusCode {
    let id = headers
        .get("x-davomat-delivery")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    receiver
        .got
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(id);
    let _ = receiver.gate.acquire().await.map(|p| p.forget());
    StatusCode::NO_CONTENT
}

fn start_node(db: &TempDb) -> impl std::future::Future<Output = Server> + '_ {
    Server::launch(
        "davomat serve (webhooks allowed on loopback)",
        move |port| {
            let mut command = davomat_command();
            command
                .env("DAVOMAT_LISTEN", format!("127.0.0.1:{port}"))
                .env("DAVOMAT_DATABASE_URL", db.url())
                .env("DAVOMAT_WEBHOOK_ALLOW_PRIVATE", "1")
                .arg("serve");
            command
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_cut_by_kill_9_arrives_again_after_the_restart() {
    let db = TempDb::new("webhook-kill");
    let company = create_company(&db, "Webhooks");
    let receiver = Receiver {
        got: Arc::new(Mutex::new(Vec::new())),
        gate: Arc::new(Semaphore::new(0)),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!(
        "http://{}/hook",
        listener.local_addr().expect("its address")
    );
    let app = Router::new()
        .fallback(axum::routing::post(receive))
        .with_state(receiver.clone());
    let serving = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let mut node = start_node(&db).await;
    let token = node.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let subscribed = node
        .send_json(
            "POST",
            "/v1/webhooks",
            &json!({"url": url, "events": ["clock.in"]}),
            &token,
        )
        .await;
    assert_eq!(subscribed.status, 201, "{}", subscribed.text);
    let webhook = subscribed.body["id"].as_i64().expect("an id");
    let locations = node.get("/v1/locations", Some(&token)).await;
    let location = locations.body["items"][0]["id"].clone();
    let clocked = node
        .send_json(
            "POST",
            "/v1/times/clockin",
            &json!({"location_id": location}),
            &token,
        )
        .await;
    assert_eq!(clocked.status, 200, "{}", clocked.text);

    // The receiver holds the delivery; the node dies before it hears the answer.
    let got = |count: usize, limit: Duration| {
        let got = Arc::clone(&receiver.got);
        async move {
            let deadline = Instant::now() + limit;
            loop {
                let seen = got.lock().unwrap_or_else(|p| p.into_inner()).clone();
                if seen.len() >= count {
                    return seen;
                }
                assert!(
                    Instant::now() < deadline,
                    "{} deliveries, {count} expected",
                    seen.len()
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let first = got(1, Duration::from_secs(10)).await;
    crate::device_kill::kill_hard(&mut node);
    receiver.gate.add_permits(100);

    // Restarted: the same delivery comes again once its claim (a minute) has run out.
    let node = start_node(&db).await;
    let again = got(2, Duration::from_secs(90)).await;
    assert_eq!(again[1], first[0], "the same delivery, sent again");
    let token = node.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = node
            .get(&format!("/v1/webhooks/{webhook}/deliveries"), Some(&token))
            .await;
        if text(&log.body["items"][0], "status") == "delivered" {
            break;
        }
        assert!(Instant::now() < deadline, "never delivered: {}", log.text);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    serving.abort();
}
