//! The operators' subcommands other than `serve`: each prints one JSON object on stdout.

use clap::{Subcommand, ValueEnum};
use davomat_core::zone::CompanyZone;
use davomat_core::{ClientState, CompanyId, CompanyStatus, DepartmentId, Lang, Role};
use davomat_store::companies::{self, NewCompany};
use davomat_store::{Store, StoreError, clients, redact_url, secrets, system, users};
use serde_json::json;

use crate::settings::Settings;
use davomat_api::invalidation::Spreader;

#[derive(Debug, Subcommand)]
pub enum CompanyCommand {
    /// Create a company with its default department, schedule, location, admin and API client.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_password: String,
        #[arg(long, default_value = "Asia/Tashkent")]
        time_zone: String,
        #[arg(long, value_enum, default_value_t = LangArg::Ru)]
        lang: LangArg,
        #[arg(long)]
        employee_limit: Option<i64>,
        #[arg(long, value_enum, default_value_t = StatusArg::Active)]
        status: StatusArg,
    },
    /// Set a company's subscription status.
    SetStatus {
        #[arg(long)]
        company: i64,
        #[arg(long, value_enum)]
        status: StatusArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Issue a new API client for a company.
    Create {
        #[arg(long)]
        company: i64,
    },
    /// Issue a new pair for the same company and retire the old one.
    Rotate {
        #[arg(long)]
        client_id: String,
        #[arg(long, value_enum, default_value_t = OldState::Outdated)]
        old: OldState,
    },
    /// Set a client's platform state.
    SetState {
        #[arg(long)]
        client_id: String,
        #[arg(long, value_enum)]
        state: StateArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Set a generated password for a user and revoke their tokens; prints it once.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// Set a user's role (1 admin … 5 employee) and, for roles 2–4, the departments
    /// they oversee (comma-separated ids).
    SetRole {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=5))]
        role: i64,
        #[arg(long, value_delimiter = ',')]
        departments: Option<Vec<i64>>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Claim a terminal that pushes over ADMS / iclock (pending until claimed) for a
    /// company at one of its locations; prints the device's id.
    Claim {
        #[arg(long)]
        serial: String,
        #[arg(long)]
        company: i64,
        #[arg(long)]
        location: i64,
        /// An IANA zone (the company's by default).
        #[arg(long)]
        time_zone: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LangArg {
    Ru,
    En,
    Uz,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StatusArg {
    Trial,
    Active,
    Expired,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OldState {
    Outdated,
    Blocked,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StateArg {
    Current,
    Outdated,
    Blocked,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

impl From<StatusArg> for CompanyStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Trial => CompanyStatus::Trial,
            StatusArg::Active => CompanyStatus::Active,
            StatusArg::Expired => CompanyStatus::Expired,
        }
    }
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Ru => Lang::Ru,
            LangArg::En => Lang::En,
            LangArg::Uz => Lang::Uz,
        }
    }
}

/// Opens the database and applies pending migrations.
pub async fn open_store(settings: &Settings) -> Result<Store, String> {
    let store = Store::connect(&settings.database_url)
        .await
        .map_err(|e| format!("cannot open {}: {e}", redact_url(&settings.database_url)))?;
    store
        .migrate()
        .await
        .map_err(|e| format!("migrations failed: {e}"))?;
    Ok(store)
}

/// Opens the store for a command that changes what running servers cache: with
/// `DAVOMAT_REDIS_URL` set, its invalidations reach them at once (davomat_api::invalidation);
/// without, within the caches' 2 s.
pub(crate) async fn open_announcing(
    settings: &Settings,
) -> Result<(Store, Option<Spreader>), String> {
    let store = open_store(settings).await?;
    let spreader = match &settings.redis_url {
        // An operator's command must work while Redis is down (it is how a company is
        // recovered): the servers then see the change within their caches' 2 s.
        Some(url) => match Spreader::start(&store, url, false).await {
            Ok(spreader) => Some(spreader),
            Err(err) => {
                tracing::warn!(
                    redis = %redact_url(url),
                    error = %err,
                    "Redis does not answer: running servers see this change within 2 s"
                );
                None
            }
        },
        None => None,
    };
    Ok((store, spreader))
}

/// Waits until the command's invalidations are published (at most 3 s).
pub(crate) async fn announced(spreader: Option<Spreader>) {
    if let Some(spreader) = spreader {
        spreader.flush(std::time::Duration::from_secs(3)).await;
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A progress bar in this template, drawn only when stderr is a terminal (long
/// commands: copy, import).
pub fn progress_bar(template: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    let style = indicatif::ProgressStyle::with_template(template)
        .expect("the template is valid")
        .progress_chars("=> ");
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

pub fn print(value: serde_json::Value) {
    println!("{value}");
}

fn store_error(what: &str, err: StoreError) -> String {
    match err {
        StoreError::NotFound => format!("{what}: not found"),
        other => format!("{what}: {other}"),
    }
}

pub async fn migrate(settings: &Settings) -> Result<(), String> {
    open_store(settings).await?;
    tracing::info!(database = %redact_url(&settings.database_url), "migrations applied");
    Ok(())
}

pub async fn company(settings: &Settings, command: CompanyCommand) -> Result<(), String> {
    let (store, spreader) = open_announcing(settings).await?;
    match command {
        CompanyCommand::Create {
            name,
            admin_email,
            admin_password,
            time_zone,
            lang,
            employee_limit,
            status,
        } => {
            if !davomat_core::validation::is_valid_email(admin_email.trim()) {
                return Err(format!(
                    "--admin-email {admin_email:?} is not an email address"
                ));
            }
            if admin_password.chars().count() < 8 {
                return Err("--admin-password must have at least 8 characters".into());
            }
            if CompanyZone::named(&time_zone).is_none() {
                return Err(format!(
                    "--time-zone {time_zone:?} is not an IANA time zone"
                ));
            }
            if name.trim().is_empty() {
                return Err("--name must not be empty".into());
            }
            let created = companies::create(
                &store,
                NewCompany {
                    name: name.trim().to_string(),
                    admin_email: admin_email.trim().to_string(),
                    admin_password,
                    time_zone,
                    lang: lang.into(),
                    employee_limit,
                    status: status.into(),
                },
                now(),
            )
            .await
            .map_err(|e| store_error("company create", e))?;
            print(json!({
                "company_id": created.company_id.0,
                "admin_user_id": created.admin_user_id.0,
                "client_id": created.client.client_id,
                "client_secret": created.client.client_secret,
            }));
        }
        CompanyCommand::SetStatus { company, status } => {
            let status: CompanyStatus = status.into();
            companies::set_status(&store, CompanyId(company), status)
                .await
                .map_err(|e| store_error("company set-status", e))?;
            print(json!({"company_id": company, "status": status.as_str()}));
        }
    }
    announced(spreader).await;
    Ok(())
}

pub async fn client(settings: &Settings, command: ClientCommand) -> Result<(), String> {
    let (store, spreader) = open_announcing(settings).await?;
    match command {
        ClientCommand::Create { company } => {
            let credentials = clients::create(&store, CompanyId(company), now())
                .await
                .map_err(|e| store_error("client create", e))?;
            print(
                json!({"client_id": credentials.client_id, "client_secret": credentials.client_secret}),
            );
        }
        ClientCommand::Rotate { client_id, old } => {
            let old = match old {
                OldState::Outdated => ClientState::Outdated,
                OldState::Blocked => ClientState::Blocked,
            };
            let credentials = clients::rotate(&store, &client_id, old, now())
                .await
                .map_err(|e| store_error("client rotate", e))?;
            print(
                json!({"client_id": credentials.client_id, "client_secret": credentials.client_secret}),
            );
        }
        ClientCommand::SetState { client_id, state } => {
            let state = match state {
                StateArg::Current => ClientState::Current,
                StateArg::Outdated => ClientState::Outdated,
                StateArg::Blocked => ClientState::Blocked,
            };
            clients::set_state(&store, &client_id, state)
                .await
                .map_err(|e| store_error("client set-state", e))?;
            print(json!({"client_id": client_id, "state": state.as_str()}));
        }
    }
    announced(spreader).await;
    Ok(())
}

pub async fn device(settings: &Settings, command: DeviceCommand) -> Result<(), String> {
    let (store, spreader) = open_announcing(settings).await?;
    match command {
        DeviceCommand::Claim {
            serial,
            company,
            location,
            time_zone,
        } => {
            let claim = davomat_app::adms::Claim {
                serial: serial.clone(),
                company: CompanyId(company),
                location: davomat_core::LocationId(location),
                time_zone,
            };
            let claimed = davomat_app::adms::claim(&store, claim, None, now())
                .await
                .map_err(|e| format!("device claim: {e}"))?;
            use davomat_app::adms::ClaimRefusal;
            let device = claimed.map_err(|refusal| match refusal {
                ClaimRefusal::BadSerial => {
                    format!("--serial {serial:?} is not a terminal's serial")
                }
                ClaimRefusal::NoSuchCompany => format!("no company {company}"),
                ClaimRefusal::NoSuchLocation => {
                    format!("no location {location} in company {company}")
                }
                ClaimRefusal::BadTimeZone => "--time-zone is not an IANA zone".to_string(),
                ClaimRefusal::SerialTaken => {
                    format!("the serial {serial:?} is claimed already")
                }
            })?;
            print(json!({"device_id": device.0}));
        }
    }
    announced(spreader).await;
    Ok(())
}

pub async fn maintenance(settings: &Settings, switch: Switch) -> Result<(), String> {
    let (store, spreader) = open_announcing(settings).await?;
    let on = matches!(switch, Switch::On);
    system::set_maintenance(&store, on)
        .await
        .map_err(|e| store_error("maintenance", e))?;
    announced(spreader).await;
    print(json!({"maintenance": if on { "on" } else { "off" }}));
    Ok(())
}

/// `davomat backup --to FILE`: a consistent copy of the live SQLite database (servers
/// keep running), checked before it is reported.
pub async fn backup(settings: &Settings, to: &std::path::Path) -> Result<(), String> {
    let store = Store::connect(&settings.database_url)
        .await
        .map_err(|e| format!("cannot open {}: {e}", redact_url(&settings.database_url)))?;
    let copied = davomat_store::backup::backup(&store, to)
        .await
        .map_err(|e| format!("backup: {e}"))?;
    print(json!({
        "backup": copied.path.display().to_string(),
        "bytes": copied.bytes,
        "companies": copied.companies,
        "integrity": "ok",
    }));
    Ok(())
}

/// `davomat restore --from FILE [--force]`: the backup put in place of the configured
/// SQLite database (no server may have it open), then brought to this version's schema.
pub async fn restore(
    settings: &Settings,
    from: &std::path::Path,
    force: bool,
) -> Result<(), String> {
    let restored = davomat_store::backup::restore(from, &settings.database_url, force)
        .await
        .map_err(|e| format!("restore: {e}"))?;
    let store = open_store(settings).await?;
    store.close().await.map_err(|e| store_error("restore", e))?;
    print(json!({
        "restored_from": from.display().to_string(),
        "database": restored.path.display().to_string(),
        "bytes": restored.bytes,
        "companies": restored.companies,
    }));
    Ok(())
}

pub async fn user(settings: &Settings, command: UserCommand) -> Result<(), String> {
    let (store, spreader) = open_announcing(settings).await?;
    let email = match &command {
        UserCommand::ResetPassword { email } | UserCommand::SetRole { email, .. } => email,
    };
    let user = users::find_for_operator(&store, email)
        .await
        .map_err(|e| store_error("user", e))?
        .ok_or_else(|| format!("no user with the email {email:?}"))?;
    match command {
        UserCommand::ResetPassword { .. } => {
            let password = secrets::random_hex(8);
            let hash = secrets::hash_password(&password).map_err(|e| e.to_string())?;
            users::replace_password(&store, user.id, &hash, now())
                .await
                .map_err(|e| store_error("user reset-password", e))?;
            print(json!({"user_id": user.id, "password": password}));
        }
        UserCommand::SetRole {
            role, departments, ..
        } => {
            let role = Role::from_id(role).ok_or_else(|| format!("--role {role} is not 1..5"))?;
            let change = users::RoleChange {
                role,
                actor: None,
                departments: departments.map(|ids| ids.into_iter().map(DepartmentId).collect()),
            };
            users::change_role(&store, &user, &change, now())
                .await
                .map_err(|e| store_error("user set-role", e))?;
            print(json!({"user_id": user.id, "role": role.id()}));
        }
    }
    announced(spreader).await;
    Ok(())
}
