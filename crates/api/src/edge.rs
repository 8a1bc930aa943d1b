//! The outermost middleware, around routing: it gives every request an id, answers
//! 503 in maintenance (on `/v1`) and past the time limit, turns panics into 500s,
//! gives the router's bare 405 our JSON body, writes error bodies in the request's
//! language, logs internal errors with the request id, and counts the request.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use davomat_core::Lang;
use futures_util::FutureExt;

use crate::AppState;
use crate::error::{ApiError, ErrorReport, Unavailability};
use crate::guard::{CallerLang, RouteLabel};

/// The id of one request, in its extensions and in `X-Request-Id`.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The router's fallback: any path it does not know.
pub async fn unknown_route() -> ApiError {
    ApiError::NotFound
}

pub async fn edge(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request_id(&request);
    request
        .extensions_mut()
        .insert(RequestId(request_id.clone()));
    let asked_lang = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language);
    let method = request.method().as_str().to_string();
    let on_api = request.uri().path() == "/v1" || request.uri().path().starts_with("/v1/");

    let mut response = if on_api && state.maintenance.is_on() {
        ApiError::Unavailable {
            retry_after: 60,
            cause: Unavailability::Maintenance,
        }
        .into_response()
    } else {
        let handled = AssertUnwindSafe(next.run(request)).catch_unwind();
        match tokio::time::timeout(state.config.request_timeout, handled).await {
            Ok(Ok(response)) => response,
            Ok(Err(panic)) => ApiError::Internal(panic_text(&panic)).into_response(),
            Err(_) => ApiError::Unavailable {
                retry_after: 5,
                cause: Unavailability::Timeout,
            }
            .into_response(),
        }
    };

    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && response.extensions().get::<ErrorReport>().is_none()
    {
        let allow = response.headers().get(header::ALLOW).cloned();
        response = ApiError::MethodNotAllowed(allow).into_response();
    }
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
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// The client's `X-Request-Id` when it is short and plain, else a fresh one.
fn request_id(request: &Request) -> String {
    request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        .map_or_else(|| davomat_store::secrets::random_hex(8), str::to_string)
}

/// The text of a caught panic, for the log line of its 500.
pub(crate) fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("handler panicked: {text}")
}
