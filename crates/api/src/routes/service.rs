//! Routes outside the Workly surface: `/healthz`, `/readyz`, `/metrics`, the OpenAPI
//! document at `/v1/openapi.json`, the docs page at `/docs`, and the password-reset
//! page that the reset mail links to.

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::RouteTable;
use crate::envelope::base_url;
use crate::guard::Access;
use crate::openapi::{Operation, service_operation};
use crate::{AppState, openapi};

pub fn routes(table: RouteTable, with_metrics: bool) -> RouteTable {
    let table = table
        .add(Method::GET, "/healthz", Access::Service, healthz)
        .add(Method::GET, "/readyz", Access::Service, readyz)
        .add(Method::GET, "/docs", Access::Service, docs_page)
        .add(Method::GET, "/reset-password", Access::Service, reset_page)
        .add(
            Method::GET,
            "/v1/openapi.json",
            Access::Public,
            openapi_document,
        );
    if with_metrics {
        table.add(Method::GET, "/metrics", Access::Service, metrics)
    } else {
        table
    }
}

/// The router of the separate metrics listener.
pub fn metrics_only(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// The process is up.
async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The database answers; 503 otherwise.
async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({"status": "ready", "database": "ok"})).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                Json(json!({"status": "unavailable", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render() + &invalidation_metrics(&state),
    )
        .into_response()
}

/// The read caches' invalidations sent to and received from other nodes.
fn invalidation_metrics(state: &AppState) -> String {
    let invalidations = state.store.invalidations();
    format!(
        "# HELP davomat_invalidations_sent_total Cache invalidations handed to the other nodes (Redis).\n\
         # TYPE davomat_invalidations_sent_total counter\n\
         davomat_invalidations_sent_total {}\n\
         # HELP davomat_invalidations_received_total Cache invalidations other nodes announced, applied here.\n\
         # TYPE davomat_invalidations_received_total counter\n\
         davomat_invalidations_received_total {}\n",
        invalidations.sent(),
        invalidations.received()
    )
}

async fn openapi_document(State(state): State<AppState>, headers: HeaderMap) -> Json<Value> {
    Json(openapi::document(&base_url(&state, &headers)))
}

async fn docs_page() -> Html<&'static str> {
    Html(include_str!("../../assets/docs.html"))
}

async fn reset_page() -> Html<&'static str> {
    Html(include_str!("../../assets/reset-password.html"))
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    vec![
        Operation {
            method: "get",
            path: "/v1/openapi.json",
            tag: "Service",
            summary: "This document",
            description: "OpenAPI 3.1 description of every route.",
            secured: false,
            parameters: vec![],
            request: None,
            responses: vec![("200", "The document", json!({"type": "object"}))],
        },
        service_operation("/docs", "The API documentation page", "text/html"),
        service_operation(
            "/reset-password",
            "The page a password-reset mail links to",
            "text/html",
        ),
        Operation {
            method: "get",
            path: "/healthz",
            tag: "Service",
            summary: "Liveness: the process answers",
            description: "",
            secured: false,
            parameters: vec![],
            request: None,
            responses: vec![(
                "200",
                "The process answers",
                json!({"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}),
            )],
        },
        Operation {
            method: "get",
            path: "/readyz",
            tag: "Service",
            summary: "Readiness: the database answers",
            description: "Used by load balancers: 503 (Retry-After) while the database does not answer.",
            secured: false,
            parameters: vec![],
            request: None,
            responses: vec![
                (
                    "200",
                    "Ready",
                    json!({"type": "object", "required": ["status", "database"], "properties": {"status": {"const": "ready"}, "database": {"const": "ok"}}}),
                ),
                (
                    "503",
                    "The database does not answer",
                    json!({"type": "object", "properties": {"status": {"type": "string"}, "database": {"type": "string"}, "message": {"type": "string"}, "code": {"type": "integer"}}}),
                ),
            ],
        },
        service_operation(
            "/metrics",
            "Prometheus metrics (on DAVOMAT_METRICS_LISTEN when set)",
            "text/plain",
        ),
    ]
}
