//! The layers around routing, outermost first: compression (tower-http), the request
//! id (tower-http's `SetRequestId`, after dropping a client id that is not short and
//! plain; echoed as `X-Request-Id`), a trace span per request (tower-http), the
//! [`edge`] middleware (503 in maintenance on `/v1` and the terminals' doors; CONTRACT.md §2's JSON for the
//! answers the router and tower-http give bare; error bodies in the request's language;
//! the log line of an internal error with the request id; metrics), the time limit
//! (tower-http's `Timeout`, answering a bare 408 that becomes §2's 503) and panic catching (tower-http's
//! `CatchPanic`, answering 500/5000). Routes catch their own panics too
//! ([`panic_answer`] inside the guard, so that `/metrics` counts them under their route).

use std::any::Any;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state, map_request};
use axum::response::{IntoResponse, Response};
use davomat_core::Lang;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::error::{ApiError, ErrorReport, Unavailability};
use crate::guard::{CallerLang, RouteLabel};

/// The router's fallback: any path it does not know.
pub async fn unknown_route() -> ApiError {
    ApiError::NotFound
}

/// `router` inside every edge layer (see the module's top).
pub fn with_edge(router: Router<AppState>, state: AppState) -> Router {
    router
        .layer(CatchPanicLayer::custom(panic_answer))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ))
        .layer(from_fn_with_state(state.clone(), edge))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(FreshRequestId))
        .layer(map_request(drop_unfit_request_id))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// The answer to a caught panic: 500/5000, its text kept for the log line only.
pub fn panic_answer(panic: Box<dyn Any + Send + 'static>) -> Response {
    ApiError::Internal(panic_text(&panic)).into_response()
}

/// The doors terminals push through (ADMS / iclock, Hikvision events): closed with the
/// API in maintenance mode — they send again later, and nothing they sent is lost.
pub(crate) fn is_terminal_door(path: &str) -> bool {
    path.starts_with("/iclock/") || path.starts_with("/terminals/")
}

async fn edge(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or_default()
        .to_string();
    let asked_lang = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language);
    let method = request.method().as_str().to_string();
    let on_api = request.uri().path() == "/v1" || request.uri().path().starts_with("/v1/");
    let closed = (on_api || is_terminal_door(request.uri().path())) && state.maintenance.is_on();

    let mut response = if closed {
        ApiError::Unavailable {
            retry_after: 60,
            cause: Unavailability::Maintenance,
        }
        .into_response()
    } else {
        next.run(request).await
    };
    give_bare_answers_their_body(&mut response);

    if let Some(ErrorReport(error)) = response.extensions().get::<ErrorReport>().cloned() {
        if let ApiError::Internal(detail) = &error {
            tracing::error!(request_id = %request_id, detail = %detail, "internal error");
        }
        let caller_lang = response.extensions().get::<CallerLang>().map(|l| l.0);
        let lang = asked_lang.or(caller_lang).unwrap_or_default();
        if lang != Lang::Ru {
            let body = serde_json::to_vec(&error.body(lang)).unwrap_or_default();
            response.headers_mut().remove(header::CONTENT_LENGTH);
            *response.body_mut() = Body::from(body);
        }
    }

    let route = response
        .extensions()
        .get::<RouteLabel>()
        .map_or("unmatched", |r| r.0.as_str())
        .to_string();
    state.metrics.observe(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// The router's 405 and the time limit's 408 come without a body: they get the
/// contract's (405 keeps its `Allow`; the time limit is 503/5000 with `Retry-After`,
/// CONTRACT.md §2 — no route answers 408 itself). Our own errors carry an [`ErrorReport`].
fn give_bare_answers_their_body(response: &mut Response) {
    if response.extensions().get::<ErrorReport>().is_some() {
        return;
    }
    let error = match response.status() {
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::MethodNotAllowed(response.headers().get(header::ALLOW).cloned())
        }
        StatusCode::REQUEST_TIMEOUT => ApiError::Unavailable {
            retry_after: 5,
            cause: Unavailability::Timeout,
        },
        _ => return,
    };
    *response = error.into_response();
}

/// The span of one request: method, path and request id.
fn request_span(request: &Request) -> tracing::Span {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %logged_path(request.uri().path()),
        request_id = %request_id,
    )
}

/// The path as logged: a Hikvision terminal's secret is left out.
fn logged_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/terminals/hikvision/") {
        Some(rest) => {
            let after = rest.split_once('/').map_or("", |(_, after)| after);
            format!("/terminals/hikvision/…/{after}").into()
        }
        None => path.into(),
    }
}

/// A client's `X-Request-Id` is kept only when short and plain (at most 64 letters,
/// digits, `-`, `_`, `.`); otherwise it is dropped and a fresh one given.
async fn drop_unfit_request_id(mut request: Request) -> Request {
    let fit = request
        .headers()
        .get("x-request-id")
        .map(|v| is_plain_request_id(v.as_bytes()));
    if fit == Some(false) {
        request.headers_mut().remove("x-request-id");
    }
    request
}

fn is_plain_request_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
}

/// Fresh request ids: 16 random hex digits.
#[derive(Clone, Copy)]
struct FreshRequestId;

impl MakeRequestId for FreshRequestId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&davomat_store::secrets::random_hex(8))
            .ok()
            .map(RequestId::new)
    }
}

/// The text of a caught panic, for the log line of its 500.
fn panic_text(panic: &Box<dyn Any + Send>) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("handler panicked: {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        assert!(is_plain_request_id(b"trace-123_a.b"));
        assert!(!is_plain_request_id(b""));
        assert!(!is_plain_request_id(b"has space"));
        assert!(!is_plain_request_id(&[b'a'; 65]));
        assert!(is_plain_request_id(&[b'a'; 64]));
    }
}
