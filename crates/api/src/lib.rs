//! davomat-api: the Workly API v1 over HTTP.
//!
//! [`app`] builds the whole router: the edge layers (compression, request id, trace
//! span, maintenance, metrics, error language, time limit, panics), the `/v1` routes
//! with their guards (Accept, body size, authentication, platform state, subscription,
//! rate limit),
//! and the service routes outside `/v1` (`/docs`, `/healthz`, `/readyz`, `/metrics`).

pub mod caller;
mod cards;
pub mod clock;
pub mod connection;
pub mod edge;
pub mod envelope;
pub mod error;
pub mod faces;
pub mod guard;
pub mod i18n;
pub mod input;
pub mod invalidation;
pub mod mail;
pub mod maintenance;
pub mod metrics;
mod objects;
pub mod openapi;
pub mod rate_limit;
pub mod routes;
pub mod scope;
mod serve;
pub mod webhook_delivery;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use davomat_store::Store;

pub use clock::Clock;
pub use error::{ApiError, ApiResult};
pub use serve::{ServeOptions, serve};

/// The settings the API needs, read once by the binary.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// Base of absolute URLs; `None` builds them from the request's Host.
    pub public_url: Option<String>,
    /// Requests per minute per token (per IP before login); 0 turns limiting off.
    pub rate_limit_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// The time limit of one request (503 past it).
    pub request_timeout: Duration,
    /// Whether `/metrics` is served on the API's own listener.
    pub metrics_on_api_listener: bool,
    /// Webhooks may reach loopback and private addresses (`DAVOMAT_WEBHOOK_ALLOW_PRIVATE`).
    pub webhook_allow_private: bool,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            public_url: None,
            rate_limit_per_minute: 300,
            trusted_proxies: Vec::new(),
            request_timeout: Duration::from_secs(30),
            metrics_on_api_listener: true,
            webhook_allow_private: false,
        }
    }
}

/// Everything a request handler can reach, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<ApiConfig>,
    pub clock: Clock,
    pub limiter: rate_limit::RateLimiter,
    pub maintenance: maintenance::MaintenanceFlag,
    /// Set when the node is shutting down: `/readyz` answers 503 from then on.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
    pub metrics: Arc<metrics::Metrics>,
    pub mailer: mail::Mailer,
    /// Accounts as read, without today (docs/decisions.md, "Read caches").
    pub(crate) accounts: Arc<routes::accounts::AccountCache>,
    /// What an account's today is computed from, by employee and day.
    pub(crate) account_days: Arc<routes::accounts::AccountDayCache>,
    /// Rendered Employee objects, by employee (crate::cards).
    pub(crate) cards: Arc<cards::CardCache>,
    /// Each employee's day so far, for the day's counts and the console's Today board
    /// (davomat_app::today).
    pub today_lines: Arc<davomat_app::today::LineCache>,
}

impl AppState {
    pub fn new(
        store: Store,
        config: ApiConfig,
        clock: Clock,
        limiter: rate_limit::RateLimiter,
        mailer: mail::Mailer,
    ) -> Self {
        AppState {
            maintenance: maintenance::MaintenanceFlag::new(store.clone()),
            draining: Arc::default(),
            accounts: Arc::new(store.read_cache(4096)),
            account_days: Arc::new(store.read_cache(4096)),
            cards: Arc::new(store.read_cache(20_000)),
            today_lines: Arc::new(davomat_app::today::line_cache(&store)),
            store,
            config: Arc::new(config),
            clock,
            limiter,
            metrics: Arc::new(metrics::Metrics::default()),
            mailer,
        }
    }
}

/// The whole HTTP application: every route inside the edge layers
/// ([`edge::with_edge`]), any path it does not know answered 404/3000.
pub fn app(state: AppState) -> axum::Router {
    app_with(state, axum::Router::new())
}

/// The application with more routes under the same edge layers: the web console's
/// (`davomat_web::router`), which the binary adds (the API does not depend on it).
pub fn app_with(state: AppState, more: axum::Router<AppState>) -> axum::Router {
    let router = routes::router(state.clone())
        .merge(more)
        .fallback(edge::unknown_route);
    edge::with_edge(router, state)
}
