//! A small HTTP load balancer for the several-nodes tests, behaving as HAProxy or nginx
//! set up for davomat would: it sends each request to the next node (round robin)
//! among those whose `/readyz` answered 200 at its last check (every 100 ms), and a
//! request whose connection is refused goes to another node (it never reached the
//! first). Anything else a node answers — or a connection that breaks after the request
//! was sent — is passed on as it is (502 for the latter): a write is never sent twice.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};

/// How often each node's readiness is asked.
const CHECK_EVERY: Duration = Duration::from_millis(100);

struct Node {
    base: String,
    ready: bool,
}

struct Pool {
    nodes: Mutex<Vec<Node>>,
    next: AtomicUsize,
    http: reqwest::Client,
    /// Requests sent again to another node after a refused connection.
    redispatched: AtomicU64,
}

impl Pool {
    /// The next ready node after the last one chosen.
    fn pick(&self) -> Option<String> {
        let nodes = self.nodes.lock().unwrap_or_else(|p| p.into_inner());
        let ready: Vec<&Node> = nodes.iter().filter(|n| n.ready).collect();
        if ready.is_empty() {
            return None;
        }
        let at = self.next.fetch_add(1, Ordering::Relaxed) % ready.len();
        Some(ready[at].base.clone())
    }

    fn mark(&self, base: &str, ready: bool) {
        let mut nodes = self.nodes.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(node) = nodes.iter_mut().find(|n| n.base == base) {
            node.ready = ready;
        }
    }

    fn bases(&self) -> Vec<String> {
        let nodes = self.nodes.lock().unwrap_or_else(|p| p.into_inner());
        nodes.iter().map(|n| n.base.clone()).collect()
    }
}

/// The balancer, serving on a port of its own until dropped.
pub struct Balancer {
    pub base: String,
    pool: Arc<Pool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Balancer {
    pub async fn start(bases: &[String]) -> Balancer {
        let pool = Arc::new(Pool {
            nodes: Mutex::new(
                bases
                    .iter()
                    .map(|base| Node {
                        base: base.clone(),
                        ready: false,
                    })
                    .collect(),
            ),
            next: AtomicUsize::new(0),
            http: reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("a client"),
            redispatched: AtomicU64::new(0),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the balancer");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        let app = Router::new()
            .fallback(forward)
            .with_state(Arc::clone(&pool));
        let serving = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let checking = tokio::spawn(check_forever(Arc::clone(&pool)));
        let balancer = Balancer {
            base,
            pool,
            tasks: vec![serving, checking],
        };
        balancer.wait_ready(bases.len()).await;
        balancer
    }

    /// Replaces a node's address (a node restarted on another port); the new one gets
    /// requests once its `/readyz` answers 200. Waits (bounded) until it does.
    pub async fn replace(&self, old: &str, new: &str) {
        {
            let mut nodes = self.pool.nodes.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(node) = nodes.iter_mut().find(|n| n.base == old) {
                node.base = new.to_string();
                node.ready = false;
            }
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.is_ready(new) {
            assert!(Instant::now() < deadline, "{new} never became ready");
            tokio::time::sleep(CHECK_EVERY).await;
        }
    }

    pub fn is_ready(&self, base: &str) -> bool {
        let nodes = self.pool.nodes.lock().unwrap_or_else(|p| p.into_inner());
        nodes.iter().any(|n| n.base == base && n.ready)
    }

    pub fn redispatched(&self) -> u64 {
        self.pool.redispatched.load(Ordering::Relaxed)
    }

    async fn wait_ready(&self, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let ready = self
                .pool
                .bases()
                .iter()
                .filter(|b| self.is_ready(b))
                .count();
            if ready == count {
                return;
            }
            assert!(Instant::now() < deadline, "{ready} of {count} nodes ready");
            tokio::time::sleep(CHECK_EVERY).await;
        }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

async fn check_forever(pool: Arc<Pool>) {
    let checker = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(1))
        .build()
        .expect("a client");
    loop {
        for base in pool.bases() {
            let ready = checker
                .get(format!("{base}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            pool.mark(&base, ready);
        }
        tokio::time::sleep(CHECK_EVERY).await;
    }
}

/// Headers that belong to one hop, not passed on.
fn hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection" | "keep-alive" | "transfer-encoding" | "host" | "content-length" | "upgrade"
    )
}

async fn forward(State(pool): State<Arc<Pool>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let Some(node) = pool.pick() else {
            if Instant::now() > deadline {
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let mut upstream = pool
            .http
            .request(parts.method.clone(), format!("{node}{path}"))
            .body(body.clone());
        for (name, value) in &parts.headers {
            if !hop_by_hop(name) {
                upstream = upstream.header(name, value);
            }
        }
        match upstream.send().await {
            Ok(answer) => return passed_on(answer).await,
            // Never reached the node: another one takes it.
            Err(e) if e.is_connect() => {
                pool.mark(&node, false);
                pool.redispatched.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
        }
    }
}

async fn passed_on(answer: reqwest::Response) -> Response {
    let status = answer.status();
    let headers = answer.headers().clone();
    let Ok(bytes) = answer.bytes().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if !hop_by_hop(name) {
            response.headers_mut().append(name, value.clone());
        }
    }
    response
}
