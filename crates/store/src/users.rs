//! Login users: credentials, display settings, passwords.

use davomat_core::{CompanyId, UserId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{Store, StoreError, StoreResult, sql};

/// What a password login needs to know about a user.
#[derive(Clone, Debug, FromQueryResult)]
pub struct LoginUser {
    pub id: i64,
    pub company_id: i64,
    pub password_hash: Option<String>,
    pub role: i64,
    pub employee_status: Option<String>,
}

impl LoginUser {
    /// A user whose employee profile is dismissed may not log in.
    pub fn is_active(&self) -> bool {
        self.employee_status.as_deref() != Some("dismissed")
    }
}

/// Finds a user by email (case-insensitive).
pub async fn find_login(store: &Store, email: &str) -> StoreResult<Option<LoginUser>> {
    sql::one(
        store.conn(),
        "SELECT u.id, u.company_id, u.password_hash, u.role, e.status AS employee_status \
         FROM users u LEFT JOIN employees e ON e.id = u.employee_id WHERE u.email = $1",
        vec![email.trim().to_lowercase().into()],
    )
    .await
}

/// The UserSettings object.
#[derive(Clone, Debug, FromQueryResult)]
pub struct UserSettings {
    pub id: i64,
    pub fiotype: String,
    pub date_format: String,
    pub time_zone: String,
    pub ampm: String,
    pub lang: String,
}

/// Reads a user's settings; the settings' id is the user's id.
pub async fn settings(
    store: &Store,
    company: CompanyId,
    user: UserId,
) -> StoreResult<UserSettings> {
    sql::one(
        store.conn(),
        "SELECT id, fiotype, date_format, time_zone, ampm, lang FROM users WHERE id = $1 AND company_id = $2",
        vec![user.0.into(), company.0.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)
}

/// A partial change of settings; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct SettingsChange {
    pub fiotype: Option<String>,
    pub date_format: Option<String>,
    pub time_zone: Option<String>,
    pub ampm: Option<String>,
    pub lang: Option<String>,
}

/// Applies a settings change and answers the new settings.
pub async fn update_settings(
    store: &Store,
    company: CompanyId,
    user: UserId,
    change: SettingsChange,
) -> StoreResult<UserSettings> {
    sql::execute(
        store.conn(),
        "UPDATE users SET fiotype = COALESCE($1, fiotype), date_format = COALESCE($2, date_format), \
         time_zone = COALESCE($3, time_zone), ampm = COALESCE($4, ampm), lang = COALESCE($5, lang) \
         WHERE id = $6 AND company_id = $7",
        vec![
            change.fiotype.into(),
            change.date_format.into(),
            change.time_zone.into(),
            change.ampm.into(),
            change.lang.into(),
            user.0.into(),
            company.0.into(),
        ],
    )
    .await?;
    settings(store, company, user).await
}

/// Replaces a user's password hash.
pub async fn set_password_hash(
    conn: &impl ConnectionTrait,
    user: UserId,
    hash: &str,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE users SET password_hash = $1 WHERE id = $2",
        vec![hash.into(), user.0.into()],
    )
    .await?;
    Ok(())
}
