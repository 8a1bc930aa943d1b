//! Access and refresh tokens: issued in pairs, stored only as SHA-256 digests.
//! Access tokens live 30 days; refresh tokens 60 days and work once.

use davomat_core::token::digest;
use davomat_core::{
    AccessTokenId, ApiClientId, ClientState, CompanyId, CompanyStatus, EmployeeId, EmployeeStatus,
    UserId,
};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::read_cache::Dependency;
use crate::text::Text;
use crate::{Store, StoreResult, secrets, sql};

pub const ACCESS_TOKEN_SECONDS: i64 = 30 * 24 * 3600;
pub const REFRESH_TOKEN_SECONDS: i64 = 60 * 24 * 3600;

/// A new pair, in plain text: shown once to the client.
#[derive(Clone, Debug)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

/// Issues a pair for the user through the client.
pub async fn issue(
    conn: &impl ConnectionTrait,
    user: UserId,
    client: ApiClientId,
    now: i64,
) -> StoreResult<TokenPair> {
    let pair = TokenPair {
        access_token: secrets::new_token(),
        refresh_token: secrets::new_token(),
        expires_in: ACCESS_TOKEN_SECONDS,
    };
    sql::execute(
        conn,
        "INSERT INTO access_tokens (token_hash, user_id, api_client_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)",
        vec![
            digest(&pair.access_token).into(),
            user.0.into(),
            client.0.into(),
            (now + ACCESS_TOKEN_SECONDS).into(),
            now.into(),
        ],
    )
    .await?;
    sql::execute(
        conn,
        "INSERT INTO refresh_tokens (token_hash, user_id, api_client_id, expires_at, used_at, created_at) VALUES ($1, $2, $3, $4, NULL, $5)",
        vec![
            digest(&pair.refresh_token).into(),
            user.0.into(),
            client.0.into(),
            (now + REFRESH_TOKEN_SECONDS).into(),
            now.into(),
        ],
    )
    .await?;
    Ok(pair)
}

/// Everything a request needs to know about its bearer, read in one query.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Session {
    pub token_id: AccessTokenId,
    pub expires_at: i64,
    pub user_id: UserId,
    pub email: String,
    pub role: i64,
    pub user_lang: String,
    pub employee_id: Option<EmployeeId>,
    pub employee_status: Option<Text<EmployeeStatus>>,
    /// The employee profile's full name, for the activity rows the user writes.
    pub employee_full_name: Option<String>,
    pub company_id: CompanyId,
    pub company_status: Text<CompanyStatus>,
    pub company_lang: String,
    pub company_time_zone: String,
    pub client_state: Text<ClientState>,
    pub api_client_id: ApiClientId,
}

/// Looks up an access token by its digest (one indexed read; no password hashing).
/// A session found is kept in the store's read cache and answered from there until a
/// write changes its token, user, employee, company or client (crate::read_cache), or
/// for [`crate::read_cache::LIFETIME`] (docs/decisions.md, "Read caches"); the caller
/// still checks its expiry, client state and company status on every request.
pub async fn session(store: &Store, access_token: &str) -> StoreResult<Option<Session>> {
    let key = digest(access_token);
    let sessions = store.sessions();
    if let Some(session) = sessions.get(&key) {
        return Ok(Some(session));
    }
    let reading = sessions.reading();
    let session = read_session(store, &key).await?;
    if let Some(session) = &session {
        let dependencies = session.dependencies(&key);
        sessions.put(key, reading, session.clone(), dependencies);
    }
    Ok(session)
}

impl Session {
    /// What the session was read from: the token, its user, the company (its status),
    /// the API client (its state) and the company's roster — a dismissal or a removal
    /// ends the session, and names the roster, as does an edit of a full name. Not the employee: a clock-in (which names
    /// them) changes nothing a session holds, and the self clock-in path would read the
    /// session again on every request.
    fn dependencies(&self, token_digest: &str) -> Vec<Dependency> {
        vec![
            Dependency::token(token_digest),
            Dependency::User(self.user_id),
            Dependency::Company(self.company_id),
            Dependency::Client(self.api_client_id),
            Dependency::Roster(self.company_id),
        ]
    }
}

async fn read_session(store: &Store, token_digest: &str) -> StoreResult<Option<Session>> {
    sql::one(
        store.conn(),
        "SELECT t.id AS token_id, t.expires_at, u.id AS user_id, u.email, u.role, u.lang AS user_lang, \
         u.employee_id, e.status AS employee_status, e.full_name AS employee_full_name, c.id AS company_id, c.status AS company_status, \
         c.lang AS company_lang, c.time_zone AS company_time_zone, k.state AS client_state, \
         t.api_client_id \
         FROM access_tokens t \
         JOIN users u ON u.id = t.user_id \
         JOIN companies c ON c.id = u.company_id \
         JOIN api_clients k ON k.id = t.api_client_id \
         LEFT JOIN employees e ON e.id = u.employee_id \
         WHERE t.token_hash = $1",
        vec![token_digest.into()],
    )
    .await
}

/// Why a refresh token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshRefusal {
    Unknown,
    Expired,
    AlreadyUsed,
}

#[derive(Clone, Debug, FromQueryResult)]
struct RefreshRow {
    id: i64,
    user_id: UserId,
    company_id: CompanyId,
    expires_at: i64,
    used_at: Option<i64>,
}

/// Spends a refresh token presented through a client of `company_id` and issues a new
/// pair through `client`. The spend is one conditional update, so two concurrent uses
/// of the same token cannot both succeed.
pub async fn refresh(
    store: &Store,
    refresh_token: &str,
    company_id: CompanyId,
    client: ApiClientId,
    now: i64,
) -> StoreResult<Result<(UserId, TokenPair), RefreshRefusal>> {
    let hash = digest(refresh_token);
    let txn = store.begin().await?;
    // A new pair and a spent refresh token: no cached session depends on either.
    txn.changes_nothing_cached();
    let row: Option<RefreshRow> = sql::one(
        &txn,
        "SELECT r.id, r.user_id, u.company_id, r.expires_at, r.used_at FROM refresh_tokens r \
         JOIN users u ON u.id = r.user_id WHERE r.token_hash = $1",
        vec![hash.into()],
    )
    .await?;
    let Some(row) = row else {
        return Ok(Err(RefreshRefusal::Unknown));
    };
    if row.company_id != company_id {
        return Ok(Err(RefreshRefusal::Unknown));
    }
    if row.used_at.is_some() {
        return Ok(Err(RefreshRefusal::AlreadyUsed));
    }
    if row.expires_at <= now {
        return Ok(Err(RefreshRefusal::Expired));
    }
    let spent = sql::execute(
        &txn,
        "UPDATE refresh_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
        vec![now.into(), row.id.into()],
    )
    .await?;
    if spent == 0 {
        return Ok(Err(RefreshRefusal::AlreadyUsed));
    }
    let pair = issue(&txn, row.user_id, client, now).await?;
    txn.commit().await?;
    Ok(Ok((row.user_id, pair)))
}

/// Revokes an access or refresh token (RFC 7009): answers whether anything was removed.
pub async fn revoke(store: &Store, token: &str) -> StoreResult<bool> {
    let hash = digest(token);
    let writer = store.write_connection().await;
    writer.changes([Dependency::token(&hash)]);
    let access = sql::execute(
        &writer,
        "DELETE FROM access_tokens WHERE token_hash = $1",
        vec![hash.clone().into()],
    )
    .await?;
    let refresh = sql::execute(
        &writer,
        "DELETE FROM refresh_tokens WHERE token_hash = $1",
        vec![hash.into()],
    )
    .await?;
    Ok(access + refresh > 0)
}

/// Revokes every token of a user (after a password reset), and closes their console
/// sessions with them.
pub async fn revoke_all(conn: &impl ConnectionTrait, user: UserId) -> StoreResult<()> {
    crate::console_sessions::close_all_of(conn, user).await?;
    sql::execute(
        conn,
        "DELETE FROM access_tokens WHERE user_id = $1",
        vec![user.0.into()],
    )
    .await?;
    sql::execute(
        conn,
        "DELETE FROM refresh_tokens WHERE user_id = $1",
        vec![user.0.into()],
    )
    .await?;
    Ok(())
}
