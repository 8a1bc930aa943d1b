//! Sending webhook deliveries: every node runs one worker that claims due deliveries
//! (`davomat_store::webhooks::claim_due`: each goes to one node), POSTs each body to its
//! subscription's URL, signed (`X-Davomat-Signature`, docs/webhooks.md), and records the
//! attempt: 2xx is delivered; anything else — another status, a timeout, a refused
//! connection — is tried again after `retry_delay` until a day has passed, then
//! `failed`. Redirects are not followed, and the name is resolved again at each attempt
//! with loopback and private addresses left out unless the operator allows them, so a
//! name that changes its address after the check at subscription cannot reach the
//! inside network.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use davomat_core::webhooks::{Target, is_private, retry_delay, signature};
use davomat_store::Store;
use davomat_store::webhooks::{self as outbox, Due};
use futures_util::future::join_all;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore, pki_types::ServerName};

use crate::Clock;

/// Deliveries claimed at a time by one node.
const BATCH: u64 = 32;
/// How long the worker waits when nothing is due.
const IDLE: Duration = Duration::from_millis(250);
/// How long a receiver has to answer, connection included.
const TIMEOUT: Duration = Duration::from_secs(10);

/// What every attempt of this node shares.
struct Sender {
    tls: TlsConnector,
    allow_private: bool,
}

/// Starts this node's worker.
pub fn spawn(store: Store, clock: Clock, allow_private: bool) {
    let sender = Arc::new(Sender {
        tls: TlsConnector::from(Arc::new(tls_config())),
        allow_private,
    });
    tokio::spawn(async move {
        loop {
            match outbox::claim_due(&store, clock.now(), BATCH).await {
                Ok(due) if due.is_empty() => tokio::time::sleep(IDLE).await,
                Ok(due) => {
                    join_all(due.into_iter().map(|d| deliver(&sender, &store, &clock, d))).await;
                }
                Err(err) => {
                    tracing::warn!(error = %err, "webhook deliveries could not be claimed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
}

/// rustls on ring, trusting the system's certificates (also the Workly import's).
pub fn tls_config() -> ClientConfig {
    let mut roots = RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    for certificate in found.certs {
        let _ = roots.add(certificate);
    }
    if roots.is_empty() {
        tracing::warn!("no trusted certificates found: https requests will fail");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    match ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions() {
        Ok(builder) => builder.with_root_certificates(roots).with_no_client_auth(),
        Err(err) => {
            tracing::error!(error = %err, "no TLS configuration for webhooks");
            ClientConfig::builder()
                .with_root_certificates(RootCertStore::empty())
                .with_no_client_auth()
        }
    }
}

/// One attempt, recorded.
async fn deliver(sender: &Sender, store: &Store, clock: &Clock, due: Due) {
    let timestamp = clock.now();
    let sent = tokio::time::timeout(TIMEOUT, post(sender, &due, timestamp))
        .await
        .unwrap_or_else(|_| Err("timed out".to_string()));
    let now = clock.now();
    let recorded = match sent {
        Ok(status) if (200..300).contains(&status) => {
            let writer = store.write_connection().await;
            writer.changes_nothing_cached();
            outbox::delivered(&writer, due.id, status, now).await
        }
        Ok(status) => failed(store, &due, Some(status), &format!("HTTP {status}"), now).await,
        Err(error) => failed(store, &due, None, &error, now).await,
    };
    if let Err(err) = recorded {
        tracing::warn!(delivery = due.id, error = %err, "a webhook attempt could not be recorded");
    }
}

async fn failed(
    store: &Store,
    due: &Due,
    status: Option<u16>,
    error: &str,
    now: i64,
) -> davomat_store::StoreResult<()> {
    let next = now + retry_delay(i64::from(due.attempts) + 1);
    let retry_at = (next < due.expires_at).then_some(next);
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    outbox::attempt_failed(&writer, due.id, status, error, retry_at).await
}

/// POSTs the delivery; answers the receiver's status.
async fn post(sender: &Sender, due: &Due, timestamp: i64) -> Result<u16, String> {
    let target = Target::parse(&due.url).ok_or("the URL does not read")?;
    let stream = connect(&target, sender.allow_private).await?;
    if target.https {
        let name = ServerName::try_from(target.host.clone())
            .map_err(|_| format!("{} is not a TLS server name", target.host))?;
        let tls = sender
            .tls
            .connect(name, stream)
            .await
            .map_err(|e| format!("TLS: {e}"))?;
        exchange(tls, &target, due, timestamp).await
    } else {
        exchange(stream, &target, due, timestamp).await
    }
}

/// A connection to the first address of the host that answers (and may be reached).
async fn connect(target: &Target, allow_private: bool) -> Result<TcpStream, String> {
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((target.host.as_str(), target.port))
        .await
        .map_err(|e| format!("{} does not resolve: {e}", target.host))?
        .collect();
    let allowed: Vec<SocketAddr> = addresses
        .into_iter()
        .filter(|a| allow_private || !is_private(a.ip()))
        .collect();
    if allowed.is_empty() {
        return Err(format!(
            "{} resolves to no address a webhook may reach",
            target.host
        ));
    }
    let mut last = String::new();
    for address in allowed {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = format!("could not connect to {address}: {e}"),
        }
    }
    Err(last)
}

/// The request and its answer's status over an open connection.
async fn exchange(
    io: impl AsyncRead + AsyncWrite + Unpin + Send + 'static,
    target: &Target,
    due: &Due,
    timestamp: i64,
) -> Result<u16, String> {
    let (mut request_sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let request = hyper::Request::post(target.path.as_str())
        .header("host", target.host_header())
        .header("content-type", "application/json")
        .header(
            "user-agent",
            concat!("davomat-webhooks/", env!("CARGO_PKG_VERSION")),
        )
        .header("x-davomat-event", &due.event)
        .header("x-davomat-delivery", due.id.to_string())
        .header("x-davomat-timestamp", timestamp.to_string())
        .header(
            "x-davomat-signature",
            signature(&due.secret, timestamp, due.payload.as_bytes()),
        )
        .body(Full::new(Bytes::from(due.payload.clone())))
        .map_err(|e| format!("the request: {e}"))?;
    let answer = request_sender
        .send_request(request)
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    Ok(answer.status().as_u16())
}
