//! Signing in with an email and a password — the one check behind the API's password
//! grant and the console's sign-in page — and the console's sessions built on it.
//!
//! - A user signs in when the password matches its Argon2id hash and its employee
//!   profile (if any) is not dismissed; every attempt costs exactly one Argon2
//!   verification, known email or not, so the answer's time tells nothing.
//! - A console session is a random cookie whose SHA-256 the store keeps with a CSRF
//!   token for the session's forms. It ends when signed out, when its user's sessions are
//!   closed, or after [`CONSOLE_IDLE_LIMIT`] seconds without a request; its last use is
//!   noted at most every [`TOUCH_EVERY`] seconds (one write per few minutes, not per page).

use davomat_core::token::digest;
use davomat_core::{CompanyStatus, EmployeeStatus, Lang, Role};
use davomat_store::console_sessions::{self, ConsoleSession};
use davomat_store::users::{self, LoginUser};
use davomat_store::{Store, secrets};

use crate::caller::Caller;
use crate::error::{AppError, AppResult};

/// A console session ends after this many seconds without a request (2 hours).
pub const CONSOLE_IDLE_LIMIT: i64 = 2 * 3600;
/// A session's last use is written when older than this (seconds).
const TOUCH_EVERY: i64 = 300;

/// The user an email and a password name, when the password is right and the user may
/// sign in; `None` otherwise (wrong email and wrong password alike).
pub async fn check_password(
    store: &Store,
    email: &str,
    password: String,
) -> AppResult<Option<LoginUser>> {
    let user = users::find_login(store, email).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let verified = tokio::task::spawn_blocking(move || {
        secrets::check_login_password(&password, stored.as_deref())
    })
    .await
    .map_err(|e| AppError::Internal(format!("password check failed: {e}")))?;
    Ok(user.filter(|user| verified && user.is_active() && Role::from_id(user.role).is_some()))
}

/// A console session just opened: the cookie to set and the CSRF token of its forms.
#[derive(Clone, Debug)]
pub struct OpenedSession {
    pub cookie: String,
    pub csrf_token: String,
}

/// Opens a console session for a user who has just signed in.
pub async fn open_console_session(
    store: &Store,
    user: &LoginUser,
    now: i64,
) -> AppResult<OpenedSession> {
    let cookie = secrets::random_hex(32);
    let csrf_token = secrets::random_hex(32);
    // A new session: nothing cached depends on it.
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    console_sessions::open(&writer, user.id, &digest(&cookie), &csrf_token, now).await?;
    Ok(OpenedSession { cookie, csrf_token })
}

/// A signed-in console user: who acts, and the CSRF token their forms must carry.
#[derive(Clone, Debug)]
pub struct ConsoleUser {
    pub caller: Caller,
    pub csrf_token: String,
}

/// Why a console cookie does not sign anyone in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionRefusal {
    /// No such session (never opened, signed out, closed), or its user may no longer
    /// sign in (dismissed, no role).
    Unknown,
    /// Unused for longer than [`CONSOLE_IDLE_LIMIT`]: closed now.
    Idle,
    /// The company's subscription has expired.
    CompanyExpired,
}

/// The user of a console cookie at `now`, noting the session's use.
pub async fn console_user(
    store: &Store,
    cookie: &str,
    now: i64,
) -> AppResult<Result<ConsoleUser, SessionRefusal>> {
    let key = digest(cookie);
    let Some(session) = console_sessions::find(store, &key).await? else {
        return Ok(Err(SessionRefusal::Unknown));
    };
    if now - session.last_seen_at > CONSOLE_IDLE_LIMIT {
        let writer = store.write_connection().await;
        writer.changes_nothing_cached();
        console_sessions::close(&writer, &key).await?;
        return Ok(Err(SessionRefusal::Idle));
    }
    if now - session.last_seen_at > TOUCH_EVERY {
        let writer = store.write_connection().await;
        writer.changes_nothing_cached();
        console_sessions::touch(&writer, session.id, now).await?;
    }
    Ok(user_of(session))
}

fn user_of(session: ConsoleSession) -> Result<ConsoleUser, SessionRefusal> {
    if session
        .employee_status
        .is_some_and(|s| s.0 == EmployeeStatus::Dismissed)
    {
        return Err(SessionRefusal::Unknown);
    }
    if session.company_status.0 == CompanyStatus::Expired {
        return Err(SessionRefusal::CompanyExpired);
    }
    let role = Role::from_id(session.role).ok_or(SessionRefusal::Unknown)?;
    Ok(ConsoleUser {
        caller: Caller {
            user_id: session.user_id,
            company_id: session.company_id,
            role,
            employee_id: session.employee_id,
            employee_name: session.employee_full_name,
            email: session.email,
            lang: Lang::parse(&session.user_lang).unwrap_or_default(),
            company_lang: Lang::parse(&session.company_lang).unwrap_or_default(),
            time_zone: session.company_time_zone,
        },
        csrf_token: session.csrf_token,
    })
}

/// Signs a console cookie out (nothing happens for a cookie that is not a session).
pub async fn close_console_session(store: &Store, cookie: &str) -> AppResult<()> {
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    console_sessions::close(&writer, &digest(cookie)).await?;
    Ok(())
}
