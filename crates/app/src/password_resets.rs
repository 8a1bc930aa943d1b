//! Password resets: asking for a reset link by email, and setting a new password with
//! the link's one-time token (which also revokes every token of the user).
//!
//! Asking answers the same whether or not the address belongs to a user; the door
//! delivers the link (mail, or the log without a public URL).

use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule, is_valid_email};
use davomat_store::users::{self, LoginUser};
use davomat_store::{Store, password_resets, secrets};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{AppError, AppResult};
use crate::request::Sent;

/// The shortest password taken.
pub const MIN_PASSWORD_LENGTH: usize = 8;

/// A request for a reset link.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ResetRequest {
    #[schema(value_type = String, format = Email, example = "hr@example.uz")]
    pub email: Sent<String>,
}

/// A new password with its reset token.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ResetConfirmation {
    /// The token of the mailed link.
    #[schema(value_type = String)]
    pub token: Sent<String>,
    /// At least 8 characters.
    #[schema(value_type = String, min_length = 8)]
    pub password: Sent<String>,
}

/// The address asked for (trimmed) and its active user, if any: 8002 without an
/// address, 8007 for one that is not an address.
pub async fn requested(
    store: &Store,
    request: ResetRequest,
) -> AppResult<(String, Option<LoginUser>)> {
    let mut errors = FieldErrors::new();
    let email = request
        .email
        .required("email", &mut errors)
        .map(|e| e.trim().to_string());
    if let Some(email) = &email
        && !is_valid_email(email)
    {
        errors.add("email", FieldCode::InvalidEmail, Reason::Plain);
    }
    errors.finish()?;
    let email = email.unwrap_or_default();
    let user = users::find_login(store, &email)
        .await?
        .filter(LoginUser::is_active);
    Ok((email, user))
}

/// Sets the password of the token's user and revokes every token of theirs; 8003 on
/// `token` when it is unknown, used or expired.
pub async fn confirm(store: &Store, request: ResetConfirmation, now: i64) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let token = request.token.required("token", &mut errors);
    let password = request.password.required("password", &mut errors);
    if let Some(password) = &password
        && password.chars().count() < MIN_PASSWORD_LENGTH
    {
        errors.add(
            "password",
            FieldCode::InvalidValue,
            Reason::TooShort(MIN_PASSWORD_LENGTH),
        );
    }
    errors.finish()?;
    let (token, password) = (token.unwrap_or_default(), password.unwrap_or_default());
    // Argon2id takes tens of milliseconds: off the request threads.
    let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))??;
    let changed = password_resets::confirm(store, token.trim(), &hash, now).await?;
    if changed.is_none() {
        return Err(AppError::field(
            "token",
            FieldCode::InvalidValue,
            Reason::Rule(Rule::ResetTokenUnusable),
        ));
    }
    Ok(())
}
