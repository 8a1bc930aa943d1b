//! `davomat`: the server and its operators' command line (CONTRACT.md §7).

mod commands;
mod copying;
mod demo_faces;
mod importing;
mod serve;
mod settings;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::commands::{ClientCommand, CompanyCommand, DeviceCommand, Switch, UserCommand};
use crate::settings::{LogFormat, Settings};

/// mimalloc instead of the C library's allocator: a request's rows are allocated on a
/// database worker thread and freed on a request thread, which glibc's allocator pays
/// for in locks and consolidation (docs/performance.md, Issue 3).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "davomat",
    version,
    about = "Self-hosted time and attendance server speaking the Workly API v1"
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the API (migrations are applied on start).
    Serve {
        /// Seed a demo company if there is none and print its credentials.
        #[arg(long)]
        demo: bool,
    },
    /// Apply migrations and exit.
    Migrate,
    /// Manage companies.
    #[command(subcommand)]
    Company(CompanyCommand),
    /// Manage API client credentials.
    #[command(subcommand)]
    Client(ClientCommand),
    /// Recover access to a company: a user's password or role.
    #[command(subcommand)]
    User(UserCommand),
    /// Terminals: claim one that pushes over ADMS / iclock.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Turn maintenance mode on or off (every door's writes answer 503 while on).
    Maintenance {
        #[arg(value_enum)]
        state: Switch,
    },
    /// Copy the live SQLite database to a new file (servers keep running).
    Backup {
        /// The file to write (must not exist).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Put a backup in place of the SQLite database (stop every server on it first).
    Restore {
        /// The backup to restore.
        #[arg(long)]
        from: std::path::PathBuf,
        /// Replace a database that holds companies.
        #[arg(long)]
        force: bool,
    },
    /// Copy the whole instance, or one company, between SQLite and PostgreSQL (ids kept),
    /// then verify every table's rows and checksum on both sides.
    Copy {
        /// The database to read (`sqlite://FILE` or `postgres://…`).
        #[arg(long)]
        from: String,
        /// The database to write (migrated first; must hold none of what is copied).
        #[arg(long)]
        to: String,
        /// Copy only this company.
        #[arg(long)]
        company: Option<i64>,
        /// Go on with a copy that stopped.
        #[arg(long)]
        resume: bool,
    },
    /// Import a company from another server speaking the Workly API v1; a re-run adds
    /// only what is new.
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Read a company through the Workly API v1 (api.workly.io, or another davomat) and
    /// write it into a company here.
    Workly {
        /// The source's base URL (`https://api.workly.io`).
        #[arg(long)]
        base_url: String,
        #[arg(long)]
        client_id: String,
        #[arg(long, env = "DAVOMAT_IMPORT_CLIENT_SECRET", hide_env_values = true)]
        client_secret: String,
        /// An administrator's email at the source.
        #[arg(long)]
        username: String,
        #[arg(long, env = "DAVOMAT_IMPORT_PASSWORD", hide_env_values = true)]
        password: String,
        /// The company to write into (default: the one an earlier import of this
        /// source wrote into, else a new one whose administrator is this account).
        #[arg(long)]
        company: Option<i64>,
        /// The first day of clock events to read, YYYY-MM-DD (default: the earliest
        /// start date of the source's employees).
        #[arg(long)]
        since: Option<String>,
        /// A day with more clock events than this is read by groups of employees
        /// (`f=employee&ids=…`), so that the source's pages stay shallow.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..))]
        events_per_window: u64,
    },
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.settings.log_format);
    let outcome = match cli.command {
        Command::Serve { demo } => serve::run(cli.settings, demo).await,
        Command::Migrate => commands::migrate(&cli.settings).await,
        Command::Company(command) => commands::company(&cli.settings, command).await,
        Command::Client(command) => commands::client(&cli.settings, command).await,
        Command::User(command) => commands::user(&cli.settings, command).await,
        Command::Device(command) => commands::device(&cli.settings, command).await,
        Command::Maintenance { state } => commands::maintenance(&cli.settings, state).await,
        Command::Backup { to } => commands::backup(&cli.settings, &to).await,
        Command::Restore { from, force } => commands::restore(&cli.settings, &from, force).await,
        Command::Copy {
            from,
            to,
            company,
            resume,
        } => copying::run(&from, &to, company, resume).await,
        Command::Import(ImportCommand::Workly {
            base_url,
            client_id,
            client_secret,
            username,
            password,
            company,
            since,
            events_per_window,
        }) => {
            let credentials = importing::Credentials {
                client_id,
                client_secret,
                username,
                password,
            };
            let request = importing::WorklyImport {
                base_url,
                credentials,
                company,
                since,
                events_per_window,
            };
            importing::workly(&cli.settings, request).await
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("davomat: {message}");
            ExitCode::FAILURE
        }
    }
}
