//! Serving the application on a listener until a shutdown signal, with peer addresses
//! available to the handlers (rate limiting before login, ipv4 checks).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

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
}

/// Serves until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    state: AppState,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
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
    let mut stop = stop_rx;
    let listener = ApiListener::new(options.api, Arc::clone(&state.metrics));
    axum::serve(
        listener,
        app_with(state, options.more).into_make_service_with_connect_info::<Peer>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stop.wait_for(|s| *s).await;
    })
    .await?;
    if let Some(task) = metrics_task {
        let _ = task.await;
    }
    Ok(())
}
