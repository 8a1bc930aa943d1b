//! The source of an import: another server speaking the Workly API v1, read as its own
//! clients read it — a password-grant token, lists followed page by page through
//! `_links.next` (else `page` up to `_meta.pageCount`), a new token on 401. One
//! kept-alive HTTP/1 connection (TLS for `https`), opened again when the server closes
//! it. A 429 waits the `Retry-After` it names (30 in a row stop the import); a refused
//! connection, a timeout or a 5xx is tried again after 1, 2, 4, 8 and
//! 16 s before the import stops (a re-run goes on from there).

use std::time::Duration;

use davomat_core::webhooks::Target;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

/// How long one request may take.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Tries of a request that fails for want of the server (then the import stops).
const TRIES: u32 = 6;
/// The longest `Retry-After` believed.
const LONGEST_WAIT: u64 = 300;
/// 429s in a row for one request before the import stops (a quota, not a rate).
const MOST_WAITS: u32 = 30;

/// The account to sign in with.
pub struct Credentials {
    pub client_id: String,
    pub client_secret: String,
    pub username: String,
    pub password: String,
}

/// How the source was read.
#[derive(Clone, Copy, Debug, Default)]
pub struct Traffic {
    pub requests: u64,
    /// Answers 429, each waited out.
    pub rate_limited: u64,
    pub waited_seconds: u64,
    /// Requests tried again after a failed connection, a timeout or a 5xx.
    pub retried: u64,
}

/// A signed-in source.
pub struct Source {
    base: Target,
    credentials: Credentials,
    token: String,
    tls: TlsConnector,
    connection: Option<SendRequest<Full<Bytes>>>,
    pub traffic: Traffic,
}

/// One answer: status, `Retry-After` and body.
struct Answer {
    status: u16,
    retry_after: Option<u64>,
    body: Bytes,
}

impl Source {
    /// Reads the base URL and signs in.
    pub async fn sign_in(base_url: &str, credentials: Credentials) -> Result<Source, String> {
        let base = Target::parse(base_url.trim_end_matches('/'))
            .ok_or_else(|| format!("--base-url {base_url:?} is not an http(s) URL"))?;
        let tls = TlsConnector::from(std::sync::Arc::new(
            davomat_api::webhook_delivery::tls_config(),
        ));
        let mut source = Source {
            base,
            credentials,
            token: String::new(),
            tls,
            connection: None,
            traffic: Traffic::default(),
        };
        source.token = source.new_token().await?;
        Ok(source)
    }

    /// The base URL, as the import names its source.
    pub fn base_url(&self) -> String {
        let scheme = if self.base.https { "https" } else { "http" };
        let path = self.base.path.trim_end_matches('/');
        format!(
            "{scheme}://{}{path}",
            self.base.host_header().to_lowercase()
        )
    }

    async fn new_token(&mut self) -> Result<String, String> {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "password")
            .append_pair("client_id", &self.credentials.client_id)
            .append_pair("client_secret", &self.credentials.client_secret)
            .append_pair("username", &self.credentials.username)
            .append_pair("password", &self.credentials.password)
            .finish();
        let path = self.path("/v1/oauth/token");
        let answer = self
            .send("POST", &path, Some(body.to_string()), false)
            .await?;
        let value: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        match (
            answer.status,
            value.get("access_token").and_then(Value::as_str),
        ) {
            (200, Some(token)) => Ok(token.to_string()),
            (status, _) => Err(format!(
                "the source refused the sign-in ({status}): {}",
                message(&value)
            )),
        }
    }

    /// `/v1/…` under the base URL's path.
    fn path(&self, route: &str) -> String {
        format!("{}{route}", self.base.path.trim_end_matches('/'))
    }

    /// One object; None when the source answers 404.
    pub async fn get(&mut self, route: &str) -> Result<Option<Value>, String> {
        let path = self.path(route);
        self.get_path(&path).await
    }

    /// A GET, signed; a 401 (the token expired or was revoked) signs in again once.
    async fn get_path(&mut self, path: &str) -> Result<Option<Value>, String> {
        let mut answer = self.send("GET", path, None, true).await?;
        if answer.status == 401 {
            self.token = self.new_token().await?;
            answer = self.send("GET", path, None, true).await?;
        }
        match answer.status {
            200 => serde_json::from_slice(&answer.body)
                .map(Some)
                .map_err(|e| format!("GET {path}: the answer is not JSON: {e}")),
            404 => Ok(None),
            status => {
                let value: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
                Err(format!("GET {path}: {status} {}", message(&value)))
            }
        }
    }

    /// Every item of a list, page after page (`_links.next`, else `_meta.pageCount`);
    /// None when the source answers 404 on the first page (a 404 further on is an
    /// error: the list cannot be read whole). A list answered bare (`{"items"}`) or as
    /// an array is one page.
    pub async fn all(&mut self, route: &str) -> Result<Option<Vec<Value>>, String> {
        let separator = if route.contains('?') { '&' } else { '?' };
        let mut path = self.path(&format!("{route}{separator}per-page=50"));
        let mut items = Vec::new();
        let mut page: u64 = 1;
        loop {
            let Some(answer) = self.get_path(&path).await? else {
                if page == 1 {
                    return Ok(None);
                }
                return Err(format!("GET {path}: 404 on page {page} of {route}"));
            };
            let listed = match &answer {
                Value::Array(list) => list.clone(),
                other => other
                    .get("items")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            };
            if listed.is_empty() {
                return Ok(Some(items));
            }
            items.extend(listed);
            let next = answer
                .pointer("/_links/next/href")
                .and_then(Value::as_str)
                .and_then(path_of)
                .filter(|next| *next != path);
            let page_count = answer.pointer("/_meta/pageCount").and_then(count);
            path = match (next, page_count) {
                (_, Some(count)) if page >= count => return Ok(Some(items)),
                (Some(next), _) => next,
                (None, Some(_)) => {
                    self.path(&format!("{route}{separator}per-page=50&page={}", page + 1))
                }
                (None, None) => return Ok(Some(items)),
            };
            page += 1;
        }
    }

    /// A request, with the waits and tries of the module's text.
    async fn send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<String>,
        signed: bool,
    ) -> Result<Answer, String> {
        let mut failures = 0;
        let mut waits = 0;
        loop {
            self.traffic.requests += 1;
            let sent =
                tokio::time::timeout(TIMEOUT, self.exchange(method, path, body.clone(), signed))
                    .await;
            let failure = match sent {
                Ok(Ok(answer)) if answer.status == 429 && waits < MOST_WAITS => {
                    waits += 1;
                    let wait = answer.retry_after.unwrap_or(1).clamp(1, LONGEST_WAIT);
                    self.traffic.rate_limited += 1;
                    self.traffic.waited_seconds += wait;
                    tokio::time::sleep(Duration::from_secs(wait)).await;
                    continue;
                }
                Ok(Ok(answer)) if answer.status == 429 => {
                    return Err(format!(
                        "{method} {path}: still rate limited after {MOST_WAITS} waits"
                    ));
                }
                Ok(Ok(answer)) if answer.status >= 500 => {
                    format!("{method} {path}: the source answered {}", answer.status)
                }
                Ok(Ok(answer)) => return Ok(answer),
                Ok(Err(err)) => format!("{method} {path}: {err}"),
                Err(_) => format!("{method} {path}: no answer within {} s", TIMEOUT.as_secs()),
            };
            self.connection = None;
            failures += 1;
            if failures >= TRIES {
                return Err(failure);
            }
            self.traffic.retried += 1;
            tracing::warn!(%failure, "trying again");
            tokio::time::sleep(Duration::from_secs(1 << (failures - 1))).await;
        }
    }

    async fn exchange(
        &mut self,
        method: &str,
        path: &str,
        body: Option<String>,
        signed: bool,
    ) -> Result<Answer, String> {
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.base.host_header())
            .header("accept", "application/json")
            .header(
                "user-agent",
                concat!("davomat-import/", env!("CARGO_PKG_VERSION")),
            );
        if signed {
            request = request.header("authorization", format!("Bearer {}", self.token));
        }
        if body.is_some() {
            // The token request, the only one with a body: a form, as the reference has it.
            request = request.header("content-type", "application/x-www-form-urlencoded");
        }
        let request = request
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| format!("the request: {e}"))?;
        let sender = self.connection().await?;
        let answer = sender
            .send_request(request)
            .await
            .map_err(|e| format!("HTTP: {e}"))?;
        let status = answer.status().as_u16();
        let retry_after = answer
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let body = answer
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("HTTP: {e}"))?
            .to_bytes();
        Ok(Answer {
            status,
            retry_after,
            body,
        })
    }

    /// The open connection, or a new one.
    async fn connection(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, String> {
        let usable = match self.connection.as_mut() {
            Some(sender) => sender.ready().await.is_ok(),
            None => false,
        };
        if !usable {
            self.connection = Some(self.connect().await?);
        }
        self.connection
            .as_mut()
            .ok_or_else(|| "no connection".to_string())
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, String> {
        let address = (self.base.host.as_str(), self.base.port);
        let stream = TcpStream::connect(address)
            .await
            .map_err(|e| format!("cannot connect to {}: {e}", self.base.host_header()))?;
        let _ = stream.set_nodelay(true);
        if self.base.https {
            let name = ServerName::try_from(self.base.host.clone())
                .map_err(|_| format!("{} is not a TLS server name", self.base.host))?;
            let tls = self
                .tls
                .connect(name, stream)
                .await
                .map_err(|e| format!("TLS: {e}"))?;
            handshake(tls).await
        } else {
            handshake(stream).await
        }
    }
}

async fn handshake(
    io: impl tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
) -> Result<SendRequest<Full<Bytes>>, String> {
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// The path and query of a link (`http://host/v1/…?…` or `/v1/…?…`), however long.
fn path_of(href: &str) -> Option<String> {
    if href.starts_with('/') {
        return Some(href.to_string());
    }
    let (_, rest) = href.split_once("://")?;
    let start = rest.find('/')?;
    Some(rest[start..].to_string())
}

/// A count as the source gives it: a number or a numeric string (`"totalCount": "5"`).
pub fn count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The `message` of an error body, or the body's text.
fn message(value: &Value) -> String {
    match value.get("message").and_then(Value::as_str) {
        Some(message) => message.to_string(),
        None => value.to_string(),
    }
}
