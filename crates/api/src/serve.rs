//! Serving the application on a listener until a shutdown signal, with peer addresses
//! available to the handlers (rate limiting before login, ipv4 checks), and stopping
//! gracefully: when the signal comes, `/readyz` answers 503 (load balancers stop sending
//! new requests) while the node goes on serving for the grace period; then it stops
//! accepting connections, closes idle ones, lets requests in flight finish for at most
//! the drain timeout, and returns.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::connection::{ApiListener, Peer};
use crate::{AppState, app_with, routes};

/// Where to serve.
pub struct ServeOptions {
    pub api: TcpListener,
    /// A separate listener for `/metrics` (`DAVOMAT_METRICS_LISTEN`).
    pub metrics: Option<TcpListener>,
    /// Routes served beside the API's, under the same edge layers (the web console).
    pub more: axum::Router<AppState>,
    /// How long the node goes on serving, `/readyz` at 503, after the signal.
    pub shutdown_grace: Duration,
    /// How long requests in flight may take to finish once it stops accepting.
    pub drain_timeout: Duration,
}

/// Serves until `shutdown` resolves, then stops as the module says.
pub async fn serve(
    state: AppState,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    crate::webhook_delivery::spawn(
        state.store.clone(),
        state.clock.clone(),
        state.config.webhook_allow_private,
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let draining = Arc::clone(&state.draining);
    let grace = options.shutdown_grace;
    tokio::spawn(async move {
        shutdown.await;
        draining.store(true, Ordering::Relaxed);
        tracing::info!(
            grace_seconds = grace.as_secs_f64(),
            "shutting down: /readyz answers 503; serving on for the grace period"
        );
        tokio::time::sleep(grace).await;
        tracing::info!("no longer accepting connections: finishing requests in flight");
        let _ = stop_tx.send(true);
    });
    let metrics_task = options.metrics.map(|listener| {
        let router = routes::metrics_router(state.clone());
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
        })
    });
    let mut stop = stop_rx.clone();
    let listener = ApiListener::new(options.api, Arc::clone(&state.metrics));
    let server = axum::serve(
        listener,
        app_with(state, options.more).into_make_service_with_connect_info::<Peer>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stop.wait_for(|s| *s).await;
    });
    let mut stopped = stop_rx;
    let drain = options.drain_timeout;
    let drain_over = async move {
        let _ = stopped.wait_for(|s| *s).await;
        tokio::time::sleep(drain).await;
    };
    tokio::select! {
        served = server => served?,
        () = drain_over => tracing::warn!(
            drain_seconds = drain.as_secs_f64(),
            "requests still in flight after the drain timeout are cut"
        ),
    }
    if let Some(task) = metrics_task {
        let _ = task.await;
    }
    Ok(())
}
