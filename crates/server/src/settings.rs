//! The settings every subcommand reads: each a flag and a `DAVOMAT_*` variable
//! (CONTRACT.md §7), read once into one struct.

use std::net::IpAddr;

use clap::{Args, ValueEnum};

#[derive(Clone, Debug, Args)]
pub struct Settings {
    /// `sqlite://PATH` (created if missing) or `postgres://…`.
    #[arg(
        long = "database",
        env = "DAVOMAT_DATABASE_URL",
        default_value = "sqlite://davomat.db",
        global = true
    )]
    pub database_url: String,

    /// Address of the API.
    #[arg(
        long,
        env = "DAVOMAT_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: String,

    /// A separate address for `/metrics`.
    #[arg(long, env = "DAVOMAT_METRICS_LISTEN", global = true)]
    pub metrics_listen: Option<String>,

    /// Base of absolute URLs (`_links`, photos); built from the request when unset.
    #[arg(long, env = "DAVOMAT_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Redis URL: when set, rate-limit counters are shared by every node, and what one
    /// node's writes change reaches every node's read caches (pub/sub).
    #[arg(long = "redis", env = "DAVOMAT_REDIS_URL", global = true)]
    pub redis_url: Option<String>,

    /// Requests per access token (per client address before login) per minute; 0 = off.
    #[arg(
        long,
        env = "DAVOMAT_RATE_LIMIT_PER_MINUTE",
        default_value_t = 300,
        global = true
    )]
    pub rate_limit_per_minute: u32,

    /// SMTP server for password-reset mail (`smtp://host:port`, `smtps://user:pass@host`).
    #[arg(long, env = "DAVOMAT_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// Sender address of outgoing mail.
    #[arg(long, env = "DAVOMAT_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,

    /// Comma-separated proxy addresses whose `X-Forwarded-For` is believed.
    #[arg(
        long,
        env = "DAVOMAT_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<IpAddr>,

    /// Seconds a node goes on serving after SIGTERM, `/readyz` answering 503, so that a
    /// load balancer stops sending to it first (0: stop accepting at once).
    #[arg(
        long,
        env = "DAVOMAT_SHUTDOWN_GRACE_SECONDS",
        default_value_t = 0,
        global = true
    )]
    pub shutdown_grace_seconds: u64,

    /// Seconds requests in flight may take to finish once a stopping node no longer
    /// accepts connections; what is still running then is cut.
    #[arg(
        long,
        env = "DAVOMAT_DRAIN_TIMEOUT_SECONDS",
        default_value_t = 30,
        global = true
    )]
    pub drain_timeout_seconds: u64,

    /// Let webhooks reach loopback and private network addresses (`1`; CONTRACT.md §9).
    #[arg(
        long,
        env = "DAVOMAT_WEBHOOK_ALLOW_PRIVATE",
        value_parser = clap::builder::BoolishValueParser::new(),
        default_value_t = false,
        global = true
    )]
    pub webhook_allow_private: bool,

    /// Log format.
    #[arg(long, env = "DAVOMAT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}
