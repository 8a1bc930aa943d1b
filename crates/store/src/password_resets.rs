//! Password reset: a one-time token valid one hour, and its confirmation.

use davomat_core::UserId;
use davomat_core::token::digest;
use sea_orm::FromQueryResult;

use crate::{Store, StoreResult, secrets, sql, tokens, users};

pub const RESET_TOKEN_SECONDS: i64 = 3600;

/// Creates a reset token for the user and answers it in plain text (for the mail).
pub async fn create(store: &Store, user: UserId, now: i64) -> StoreResult<String> {
    let token = secrets::new_token();
    sql::execute(
        store.conn(),
        "INSERT INTO password_resets (token_hash, user_id, expires_at, used_at, created_at) VALUES ($1, $2, $3, NULL, $4)",
        vec![digest(&token).into(), user.0.into(), (now + RESET_TOKEN_SECONDS).into(), now.into()],
    )
    .await?;
    Ok(token)
}

#[derive(FromQueryResult)]
struct ResetRow {
    id: i64,
    user_id: i64,
}

/// Spends a valid reset token: sets the new password and revokes every token of the
/// user, in one transaction. `None` when the token is unknown, used or expired.
pub async fn confirm(
    store: &Store,
    token: &str,
    password_hash: &str,
    now: i64,
) -> StoreResult<Option<UserId>> {
    let txn = store.begin().await?;
    let row: Option<ResetRow> = sql::one(
        &txn,
        "SELECT id, user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        vec![digest(token).into(), now.into()],
    )
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let spent = sql::execute(
        &txn,
        "UPDATE password_resets SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
        vec![now.into(), row.id.into()],
    )
    .await?;
    if spent == 0 {
        return Ok(None);
    }
    let user = UserId(row.user_id);
    users::set_password_hash(&txn, user, password_hash).await?;
    tokens::revoke_all(&txn, user).await?;
    txn.commit().await?;
    Ok(Some(user))
}
