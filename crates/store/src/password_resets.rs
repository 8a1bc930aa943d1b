//! Password reset: a one-time token valid one hour, and its confirmation.

use davomat_core::UserId;
use davomat_core::token::digest;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::read_cache::Dependency;
use crate::{Store, StoreResult, secrets, sql, tokens, users};

pub const RESET_TOKEN_SECONDS: i64 = 3600;

/// Creates a reset token for the user and answers it in plain text (for the mail). A
/// user has one live reset token: the ones issued before are spent with it.
pub async fn create(store: &Store, user: UserId, now: i64) -> StoreResult<String> {
    let token = secrets::new_token();
    let txn = store.begin().await?;
    txn.changes_nothing_cached();
    spend_all(&txn, user, now).await?;
    sql::execute(
        &txn,
        "INSERT INTO password_resets (token_hash, user_id, expires_at, used_at, created_at) VALUES ($1, $2, $3, NULL, $4)",
        vec![digest(&token).into(), user.0.into(), (now + RESET_TOKEN_SECONDS).into(), now.into()],
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// Marks every unspent reset token of the user spent.
pub(crate) async fn spend_all(
    conn: &impl ConnectionTrait,
    user: UserId,
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
        vec![now.into(), user.0.into()],
    )
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct ResetRow {
    id: i64,
    user_id: i64,
}

/// Spends a valid reset token: sets the new password, spends every other reset token
/// of the user and revokes every access and refresh token, in one transaction. `None`
/// when the token is unknown, used or expired.
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
    txn.changes([Dependency::User(user)]);
    spend_all(&txn, user, now).await?;
    users::set_password_hash(&txn, user, password_hash).await?;
    tokens::revoke_all(&txn, user).await?;
    txn.commit().await?;
    Ok(Some(user))
}
