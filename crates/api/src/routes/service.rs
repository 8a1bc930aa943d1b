//! Routes outside the Workly surface: `/healthz`, `/readyz`, `/metrics`, the OpenAPI
//! document at `/v1/openapi.json`, the docs page at `/docs`, and the password-reset
//! page that the reset mail links to.

use std::sync::{Arc, OnceLock};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use crate::envelope::base_url;
use crate::error::{ApiError, ErrorBody};
use crate::guard::Access;
use crate::{AppState, openapi};

pub fn routes(table: RouteTable, with_metrics: bool) -> RouteTable {
    let table = table
        .documented(Access::Service, routes!(healthz))
        .documented(Access::Service, routes!(readyz))
        .documented(Access::Service, routes!(docs_page))
        .documented(Access::Service, routes!(docs_file))
        .documented(Access::Service, routes!(reset_page))
        .documented(Access::Public, routes!(openapi_document));
    if with_metrics {
        table.documented(Access::Service, routes!(metrics))
    } else {
        table
    }
}

/// The answer of `/healthz`.
#[derive(Serialize, ToSchema)]
pub struct Liveness {
    #[schema(example = "ok")]
    status: &'static str,
}

/// The answer of `/readyz`: `ready`/`ok`, or `unavailable`/`unreachable` or
/// `draining`/`ok` (503).
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    #[schema(example = "ready")]
    status: &'static str,
    #[schema(example = "ok")]
    database: &'static str,
}

/// The router of the separate metrics listener.
pub fn metrics_only(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// Liveness: the process answers
#[utoipa::path(get, path = "/healthz", tag = "Service",
    responses((status = 200, description = "The process answers", body = Liveness)))]
async fn healthz() -> Json<Liveness> {
    Json(Liveness { status: "ok" })
}

/// Readiness: the database answers and the node is not shutting down
///
/// Used by load balancers: 503 (Retry-After) while the database does not answer, and
/// from the moment the node is told to stop (`status: draining`).
#[utoipa::path(get, path = "/readyz", tag = "Service",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "The database does not answer, or the node is shutting down", body = Readiness),
    ))]
async fn readyz(State(state): State<AppState>) -> Response {
    if state.draining.load(std::sync::atomic::Ordering::Relaxed) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "5")],
            Json(Readiness {
                status: "draining",
                database: "ok",
            }),
        )
            .into_response();
    }
    match state.store.ping().await {
        Ok(()) => Json(Readiness {
            status: "ready",
            database: "ok",
        })
        .into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                Json(Readiness {
                    status: "unavailable",
                    database: "unreachable",
                }),
            )
                .into_response()
        }
    }
}

/// Prometheus metrics (on DAVOMAT_METRICS_LISTEN when set)
#[utoipa::path(get, path = "/metrics", tag = "Service",
    responses((status = 200, description = "Prometheus metrics (on DAVOMAT_METRICS_LISTEN when set)", body = String, content_type = "text/plain")))]
async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render()
            + &invalidation_metrics(&state)
            + &pool_metrics(&state)
            + &device_metrics(&state).await
            + &outbox_metrics(&state).await,
    )
        .into_response()
}

/// Devices of every company by type, online (heard from within
/// [`davomat_app::adms::ONLINE_WITHIN`] seconds) or offline; nothing when the database
/// does not answer (the other metrics still do).
async fn device_metrics(state: &AppState) -> String {
    let since = state.clock.now() - davomat_app::adms::ONLINE_WITHIN;
    let Ok(kinds) = davomat_store::terminals::presence(&state.store, since).await else {
        return String::new();
    };
    let mut out = String::from(
        "# HELP davomat_devices Devices by type, online when heard from within the last 2 minutes.\n\
         # TYPE davomat_devices gauge\n",
    );
    for kind in kinds {
        let label = kind.kind.replace(['\\', '"', '\n'], "_");
        out.push_str(&format!(
            "davomat_devices{{type=\"{label}\",state=\"online\"}} {}\n\
             davomat_devices{{type=\"{label}\",state=\"offline\"}} {}\n",
            kind.online,
            kind.total - kind.online
        ));
    }
    out
}

/// The webhook outbox: deliveries waiting, and how late the oldest due one is (absent
/// when the database does not answer).
async fn outbox_metrics(state: &AppState) -> String {
    let Ok(outbox) =
        davomat_store::webhooks::outbox(state.store.connection(), state.clock.now()).await
    else {
        return String::new();
    };
    format!(
        "# HELP davomat_webhook_outbox_pending Webhook deliveries not yet delivered nor given up.\n\
         # TYPE davomat_webhook_outbox_pending gauge\n\
         davomat_webhook_outbox_pending {}\n\
         # HELP davomat_webhook_delivery_lag_seconds Age of the oldest webhook delivery that is due.\n\
         # TYPE davomat_webhook_delivery_lag_seconds gauge\n\
         davomat_webhook_delivery_lag_seconds {}\n",
        outbox.pending, outbox.lag_seconds
    )
}

/// The database connection pool: connections in use and idle, the most it opens, and
/// (SQLite) the writers waiting for their turn.
fn pool_metrics(state: &AppState) -> String {
    let pool = state.store.pool_status();
    format!(
        "# HELP davomat_db_pool_connections Database connections of this node, in use or idle.\n\
         # TYPE davomat_db_pool_connections gauge\n\
         davomat_db_pool_connections{{state=\"in_use\"}} {}\n\
         davomat_db_pool_connections{{state=\"idle\"}} {}\n\
         # HELP davomat_db_pool_max_connections The most database connections this node opens.\n\
         # TYPE davomat_db_pool_max_connections gauge\n\
         davomat_db_pool_max_connections {}\n\
         # HELP davomat_db_writers_waiting Writers waiting for their turn on SQLite (0 on PostgreSQL).\n\
         # TYPE davomat_db_writers_waiting gauge\n\
         davomat_db_writers_waiting {}\n",
        pool.in_use, pool.idle, pool.max, pool.writers_waiting
    )
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

/// This document
///
/// OpenAPI 3.1 description of every route.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "Service",
    responses((status = 200, description = "The document", body = Object)))]
async fn openapi_document(State(state): State<AppState>, headers: HeaderMap) -> Json<Value> {
    Json(openapi::document(&base_url(&state, &headers)))
}

/// The interactive API documentation (Swagger UI, "try it" with a bearer token)
///
/// Every file of the page is built into the binary; it loads nothing from elsewhere.
#[utoipa::path(get, path = "/docs", tag = "Service",
    responses((status = 200, description = "The API documentation page", body = String, content_type = "text/html")))]
async fn docs_page() -> Response {
    static PAGE: OnceLock<Option<String>> = OnceLock::new();
    // The page refers to its files relatively (`./swagger-ui.css`, `index.css`); served
    // at `/docs`, they are under `/docs/`.
    let page = PAGE.get_or_init(|| {
        let file = utoipa_swagger_ui::serve("index.html", docs_config()).ok()??;
        let text = String::from_utf8(file.bytes.into_owned()).ok()?;
        Some(
            text.replacen("<head>", "<head>\n    <base href=\"/docs/\">", 1)
                .replacen("<title>Swagger UI</title>", "<title>davomat API</title>", 1),
        )
    });
    match page {
        Some(page) => Html(page.as_str()).into_response(),
        None => ApiError::Internal("the docs page is not built in".into()).into_response(),
    }
}

/// A file of the documentation page
#[utoipa::path(get, path = "/docs/{asset}", tag = "Service",
    params(("asset" = String, Path, description = "A file of the page (scripts, styles, icons)")),
    responses(
        (status = 200, description = "The file, with its media type", body = String, content_type = "application/octet-stream"),
        (status = 404, description = "No such file", body = ErrorBody),
    ))]
async fn docs_file(Path(asset): Path<String>) -> Response {
    match utoipa_swagger_ui::serve(&asset, docs_config()) {
        Ok(Some(found)) => (
            [
                (header::CONTENT_TYPE, found.content_type),
                (header::CACHE_CONTROL, "public, max-age=86400".to_string()),
            ],
            found.bytes.into_owned(),
        )
            .into_response(),
        Ok(None) => ApiError::NotFound.into_response(),
        Err(err) => ApiError::Internal(err.to_string()).into_response(),
    }
}

/// The page's settings: this server's document, "try it" on, no outside validator.
fn docs_config() -> Arc<utoipa_swagger_ui::Config<'static>> {
    static CONFIG: OnceLock<Arc<utoipa_swagger_ui::Config<'static>>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            Arc::new(
                utoipa_swagger_ui::Config::new(["/v1/openapi.json"])
                    .try_it_out_enabled(true)
                    .persist_authorization(true)
                    .validator_url("none"),
            )
        })
        .clone()
}

/// The page a password-reset mail links to
#[utoipa::path(get, path = "/reset-password", tag = "Service",
    responses((status = 200, description = "The page a password-reset mail links to", body = String, content_type = "text/html")))]
async fn reset_page() -> Html<&'static str> {
    Html(include_str!("../../assets/reset-password.html"))
}
