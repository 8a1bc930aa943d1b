//! `davomat serve [--demo]`: open the database, build the application state from the
//! settings, print the demo credentials when asked, and serve until SIGTERM or Ctrl-C.

use std::time::Duration;

use davomat_api::invalidation::Spreader;
use davomat_api::mail::Mailer;
use davomat_api::rate_limit::RateLimiter;
use davomat_api::{ApiConfig, AppState, Clock, ServeOptions};
use davomat_store::{demo, redact_url};
use serde_json::json;
use tokio::net::TcpListener;

use crate::commands::{now, open_store};
use crate::settings::Settings;

pub async fn run(settings: Settings, with_demo: bool) -> Result<(), String> {
    let store = open_store(&settings).await?;
    let api = TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
    let metrics = match &settings.metrics_listen {
        Some(address) => Some(
            TcpListener::bind(address)
                .await
                .map_err(|e| format!("cannot listen on {address}: {e}"))?,
        ),
        None => None,
    };
    let limiter = match &settings.redis_url {
        Some(url) => RateLimiter::redis(url, settings.rate_limit_per_minute)
            .await
            .map_err(|e| format!("cannot reach Redis at {}: {e}", redact_url(url)))?,
        None => RateLimiter::local(settings.rate_limit_per_minute),
    };
    let mailer = match &settings.smtp_url {
        Some(url) => {
            let from = settings
                .mail_from
                .clone()
                .unwrap_or_else(|| "davomat@localhost".to_string());
            Mailer::smtp(url, &from)?
        }
        None => Mailer::Log,
    };
    let config = ApiConfig {
        public_url: settings.public_url.clone(),
        rate_limit_per_minute: settings.rate_limit_per_minute,
        trusted_proxies: settings.trusted_proxies.clone(),
        request_timeout: Duration::from_secs(30),
        metrics_on_api_listener: settings.metrics_listen.is_none(),
        webhook_allow_private: settings.webhook_allow_private,
    };
    if let Some(url) = &settings.redis_url {
        Spreader::start(&store, url, true)
            .await
            .map_err(|e| format!("cannot reach Redis at {}: {e}", redact_url(url)))?;
    }
    let state = AppState::new(store.clone(), config, Clock::system(), limiter, mailer);
    state.maintenance.refresh().await;
    state.maintenance.spawn_watcher();
    spawn_day_rollover(store.clone());
    spawn_command_pruning(store.clone());

    if settings.public_url.is_none() {
        tracing::warn!(
            "DAVOMAT_PUBLIC_URL is not set: links in answers follow each request's Host, \
             and password-reset links are written to this log instead of being mailed"
        );
    }
    let local = api.local_addr().map_err(|e| e.to_string())?;
    let base_url = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));
    if with_demo {
        let credentials = demo::ensure(&store, now())
            .await
            .map_err(|e| format!("demo data: {e}"))?;
        crate::demo_faces::seed(&store, credentials.company_id, now()).await?;
        print_demo(&base_url, &credentials);
    }
    tracing::info!(
        listen = %local,
        database = %redact_url(&settings.database_url),
        redis = settings.redis_url.is_some(),
        "davomat is serving"
    );
    let console = davomat_web::router(&state);
    davomat_api::serve(
        state,
        ServeOptions {
            api,
            metrics,
            more: console,
            shutdown_grace: Duration::from_secs(settings.shutdown_grace_seconds),
            drain_timeout: Duration::from_secs(settings.drain_timeout_seconds),
        },
        shutdown_signal(),
    )
    .await
    .map_err(|e| format!("server error: {e}"))?;
    tracing::info!("davomat stopped");
    Ok(())
}

fn print_demo(base_url: &str, c: &demo::DemoCredentials) {
    let users: Vec<_> = c
        .demo_users
        .iter()
        .map(|(email, role)| json!({"email": email, "role": role.key()}))
        .collect();
    println!(
        "{}",
        json!({
            "base_url": base_url,
            "console_url": format!("{base_url}/"),
            "admin_email": c.admin_email,
            "admin_password": c.admin_password,
            "client_id": c.client_id,
            "client_secret": c.client_secret,
            "demo_users": users,
            "demo_users_password": c.demo_users_password,
        })
    );
    println!(
        "\nThe demo company is ready.\n\nConsole: {base_url}/ (sign in as {} with the password {})\n\n\
         Get a token, then call the API with it:\n\n  \
         curl -s -X POST {base_url}/v1/oauth/token \\\n    \
         -d 'grant_type=password&client_id={}&client_secret={}&username={}&password={}'\n\n  \
         curl -s {base_url}/v1/accounts -H 'Authorization: Bearer <access_token>'\n\n\
         API documentation: {base_url}/docs\n",
        c.admin_email,
        c.admin_password,
        c.client_id,
        c.client_secret,
        c.admin_email,
        c.admin_password
    );
}

/// Once a minute, lets the day pass for every company: pending dismissals and re-hires
/// whose date has come take effect, and face templates of employees dismissed longer
/// ago than the company's retention period are erased.
fn spawn_day_rollover(store: davomat_store::Store) {
    tokio::spawn(async move {
        loop {
            if let Err(err) =
                davomat_store::employees::lifecycle::apply_due_everywhere(&store, now()).await
            {
                tracing::warn!(error = %err, "pending employee changes not applied; retrying in a minute");
            }
            match davomat_store::biometrics::erase_expired_everywhere(&store, now()).await {
                Ok(0) => {}
                Ok(erased) => tracing::info!(
                    erased,
                    "face templates of dismissed employees erased after the retention period"
                ),
                Err(err) => {
                    tracing::warn!(error = %err, "templates past their retention not erased; retrying in a minute")
                }
            }
            if let Err(err) = davomat_app::webhooks::announce_offline_devices(&store, now()).await {
                tracing::warn!(error = %err, "devices gone offline not announced; retrying in a minute");
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
}

/// Once an hour, prunes the terminals' acknowledged commands older than 90 days
/// (davomat_store::device_commands::prune_acknowledged) and the webhook deliveries
/// delivered or given up more than 30 days ago (davomat_store::webhooks::prune_finished).
fn spawn_command_pruning(store: davomat_store::Store) {
    tokio::spawn(async move {
        loop {
            match davomat_store::device_commands::prune_acknowledged(&store, now()).await {
                Ok(0) => {}
                Ok(pruned) => tracing::info!(pruned, "old acknowledged device commands pruned"),
                Err(err) => {
                    tracing::warn!(error = %err, "device commands not pruned; retrying in an hour")
                }
            }
            match davomat_store::webhooks::prune_finished(&store, now()).await {
                Ok(0) => {}
                Ok(pruned) => {
                    tracing::info!(pruned, "finished webhook deliveries pruned after 30 days")
                }
                Err(err) => {
                    tracing::warn!(error = %err, "webhook deliveries not pruned; retrying in an hour")
                }
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
