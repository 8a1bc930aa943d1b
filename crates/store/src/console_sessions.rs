//! Sessions of the web console: a signed-in browser holds a random cookie; the store
//! keeps only its SHA-256, the user it belongs to, the CSRF token of its forms and when
//! it was last used. Read with the user, their employee and their company in one query,
//! as the API's bearer sessions are (crate::tokens), but never cached: a session closed
//! on one node is closed on every node at its next request.

use davomat_core::{
    CompanyId, CompanyStatus, ConsoleSessionId, EmployeeId, EmployeeStatus, UserId,
};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::text::Text;
use crate::{Store, StoreResult, sql};

/// A console session with everything a page needs to know about its user.
#[derive(Clone, Debug, FromQueryResult)]
pub struct ConsoleSession {
    pub id: ConsoleSessionId,
    pub csrf_token: String,
    pub last_seen_at: i64,
    pub user_id: UserId,
    pub email: String,
    pub role: i64,
    pub user_lang: String,
    pub employee_id: Option<EmployeeId>,
    pub employee_status: Option<Text<EmployeeStatus>>,
    pub employee_full_name: Option<String>,
    pub company_id: CompanyId,
    pub company_status: Text<CompanyStatus>,
    pub company_lang: String,
    pub company_time_zone: String,
}

/// Opens a session for the user: the cookie's digest and the forms' CSRF token.
pub async fn open(
    conn: &impl ConnectionTrait,
    user: UserId,
    token_digest: &str,
    csrf_token: &str,
    now: i64,
) -> StoreResult<ConsoleSessionId> {
    sql::insert(
        conn,
        "INSERT INTO console_sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $4)",
        vec![
            token_digest.into(),
            user.0.into(),
            csrf_token.into(),
            now.into(),
        ],
    )
    .await
    .map(ConsoleSessionId)
}

/// The session of a cookie's digest, if it is open.
pub async fn find(store: &Store, token_digest: &str) -> StoreResult<Option<ConsoleSession>> {
    sql::one(
        store.conn(),
        "SELECT s.id, s.csrf_token, s.last_seen_at, u.id AS user_id, u.email, u.role, \
         u.lang AS user_lang, u.employee_id, e.status AS employee_status, \
         e.full_name AS employee_full_name, c.id AS company_id, c.status AS company_status, \
         c.lang AS company_lang, c.time_zone AS company_time_zone \
         FROM console_sessions s \
         JOIN users u ON u.id = s.user_id \
         JOIN companies c ON c.id = u.company_id \
         LEFT JOIN employees e ON e.id = u.employee_id \
         WHERE s.token_hash = $1",
        vec![token_digest.into()],
    )
    .await
}

/// Notes that the session was used at `now`.
pub async fn touch(conn: &impl ConnectionTrait, id: ConsoleSessionId, now: i64) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE console_sessions SET last_seen_at = $2 WHERE id = $1",
        vec![id.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// Closes the session of a cookie's digest (signing out, or found idle too long).
pub async fn close(conn: &impl ConnectionTrait, token_digest: &str) -> StoreResult<()> {
    sql::execute(
        conn,
        "DELETE FROM console_sessions WHERE token_hash = $1",
        vec![token_digest.into()],
    )
    .await?;
    Ok(())
}

/// Closes every session of the user (a password reset, a revocation by an operator).
pub async fn close_all_of(conn: &impl ConnectionTrait, user: UserId) -> StoreResult<u64> {
    sql::execute(
        conn,
        "DELETE FROM console_sessions WHERE user_id = $1",
        vec![user.0.into()],
    )
    .await
}
