//! The connections the API is served on: a TCP listener whose streams give the HTTP
//! layer's own error answers the contract's JSON body.
//!
//! hyper answers a request it cannot parse — bytes in the target that are not UTF-8, a
//! broken header line, headers or a target too long — by itself, before any of our code
//! runs: 400, 431 or 414 with an empty body and no request id. [`ApiStream`] recognises
//! such an answer as it is written (a response head without `x-request-id`, which the
//! edge middleware gives every answer of ours) and writes in its place the same status
//! with the contract's body (`{"message", "code": 4001}`) and an `X-Request-Id`, logged
//! and counted under the route label `unparsed`.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use davomat_core::Lang;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{ApiError, Malformed};
use crate::metrics::Metrics;

/// The route label of requests hyper could not parse.
pub const UNPARSED_ROUTE: &str = "unparsed";

/// A TCP listener handing out [`ApiStream`]s.
pub struct ApiListener {
    inner: TcpListener,
    metrics: Arc<Metrics>,
}

impl ApiListener {
    pub fn new(inner: TcpListener, metrics: Arc<Metrics>) -> ApiListener {
        ApiListener { inner, metrics }
    }
}

impl Listener for ApiListener {
    type Io = ApiStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (ApiStream, SocketAddr) {
        let (stream, peer) = Listener::accept(&mut self.inner).await;
        let stream = ApiStream {
            inner: stream,
            replacing: None,
            metrics: Arc::clone(&self.metrics),
        };
        (stream, peer)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// The peer of a connection, for handlers (`ConnectInfo<Peer>`).
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub SocketAddr);

impl Connected<IncomingStream<'_, ApiListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, ApiListener>) -> Peer {
        Peer(*stream.remote_addr())
    }
}

/// A TCP stream that rewrites hyper's own error answers (see the module's text).
pub struct ApiStream {
    inner: TcpStream,
    replacing: Option<Replacement>,
    metrics: Arc<Metrics>,
}

/// An answer being written in place of hyper's.
struct Replacement {
    bytes: Vec<u8>,
    written: usize,
    /// How many bytes of hyper's buffer it stands for (hyper's whole head).
    consumed: usize,
}

impl ApiStream {
    /// Writes the replacement on; `Ready(Ok(n))` with the bytes of hyper's it stands for.
    fn drive(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let Some(replacement) = self.replacing.as_mut() else {
            return Poll::Ready(Ok(0));
        };
        while replacement.written < replacement.bytes.len() {
            let rest = &replacement.bytes[replacement.written..];
            match Pin::new(&mut self.inner).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => replacement.written += n,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            }
        }
        let consumed = replacement.consumed;
        self.replacing = None;
        Poll::Ready(Ok(consumed))
    }

    /// Starts replacing when `buf` begins with one of hyper's own answers.
    fn notice(&mut self, buf: &[u8]) -> bool {
        if self.replacing.is_some() {
            return true;
        }
        let Some((status, head_length)) = own_answer(buf) else {
            return false;
        };
        let request_id = davomat_store::secrets::random_hex(8);
        tracing::info!(request_id = %request_id, status, "request could not be parsed");
        self.metrics
            .observe(UNPARSED_ROUTE, "-", status, std::time::Duration::ZERO);
        self.replacing = Some(Replacement {
            bytes: contract_answer(status, &request_id),
            written: 0,
            consumed: head_length,
        });
        true
    }
}

/// `(status, length of the head)` when `buf` starts with a 4xx response head that the
/// edge middleware did not write (it has no `x-request-id`).
fn own_answer(buf: &[u8]) -> Option<(u16, usize)> {
    let rest = buf.strip_prefix(b"HTTP/1.1 4")?;
    let head_length = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = buf[..head_length].to_ascii_lowercase();
    if head.windows(15).any(|w| w == b"\r\nx-request-id:") {
        return None;
    }
    let digits = rest.get(..2)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let status = 400 + u16::from(digits[0] - b'0') * 10 + u16::from(digits[1] - b'0');
    Some((status, head_length))
}

/// The whole answer written instead: the same status, the contract's body, a request id.
fn contract_answer(status: u16, request_id: &str) -> Vec<u8> {
    let body = ApiError::Malformed(Malformed::Request)
        .body(Lang::Ru)
        .to_string();
    let reason = axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Bad Request");
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\nx-request-id: {request_id}\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

impl AsyncRead for ApiStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ApiStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.notice(buf) {
            return self.drive(cx);
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let first = bufs
            .iter()
            .find(|b| !b.is_empty())
            .map_or(&[][..], |b| &b[..]);
        if self.notice(first) {
            return self.drive(cx);
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_own_answers_are_recognised_and_ours_are_not() {
        let hyper = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(own_answer(hyper), Some((400, hyper.len())));
        let too_large =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(own_answer(too_large).map(|a| a.0), Some(431));
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nX-Request-Id: ab\r\n\r\n{}";
        assert_eq!(own_answer(ours), None);
        assert_eq!(own_answer(b"HTTP/1.1 200 OK\r\n\r\n"), None);
        assert_eq!(own_answer(b"HTTP/1.1 400 Bad Req"), None);
        assert_eq!(own_answer(b"{\"HTTP/1.1 400\"}"), None);
    }

    #[test]
    fn the_answer_carries_the_contract_body() {
        let answer = String::from_utf8(contract_answer(400, "abc")).expect("utf-8");
        let (head, body) = answer.split_once("\r\n\r\n").expect("head");
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
        assert!(head.contains("\r\nx-request-id: abc\r\n"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        let body: serde_json::Value = serde_json::from_str(body).expect("json");
        assert_eq!(body["code"], 4001);
    }
}
