//! `POST /v1/sign-in/password-reset` (mail a one-time link) and
//! `POST /v1/sign-in/password-reset/confirm` (ext: set the new password).

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule, is_valid_email};
use davomat_core::{Lang, UserId};
use davomat_store::{password_resets, secrets, users};
use serde_json::{Value, json};

use super::RouteTable;
use crate::AppState;
use crate::error::ApiResult;
use crate::guard::Access;
use crate::i18n;
use crate::input::{BODY_LIMIT, Fields, read_body};
use crate::openapi::{Operation, body, schema_ref, with_errors};

pub const MIN_PASSWORD_LENGTH: usize = 8;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(
            Method::POST,
            "/v1/sign-in/password-reset",
            Access::Public,
            request_reset,
        )
        .add(
            Method::POST,
            "/v1/sign-in/password-reset/confirm",
            Access::Public,
            confirm_reset,
        )
}

async fn body_fields(request: Request) -> ApiResult<(HeaderMap, Fields)> {
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, BODY_LIMIT).await?;
    let fields = Fields::from_body(&parts.headers, &bytes)?;
    Ok((parts.headers, fields))
}

fn request_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}

/// Answers the same whether or not the address belongs to a user (no enumeration),
/// and in the same time: both look the address up and hand [`send_reset_link`] to the
/// background, which issues and delivers a token for a known address only.
async fn request_reset(State(state): State<AppState>, request: Request) -> ApiResult<Json<Value>> {
    let (headers, fields) = body_fields(request).await?;
    let mut errors = FieldErrors::new();
    let email = fields
        .required_text("email", &mut errors)
        .map(|e| e.trim().to_string());
    if let Some(email) = &email
        && !is_valid_email(email)
    {
        errors.add("email", FieldCode::InvalidEmail, Reason::Plain);
    }
    errors.finish()?;
    let email = email.unwrap_or_default();
    let user = users::find_login(&state.store, &email)
        .await?
        .filter(users::LoginUser::is_active);
    tokio::spawn(send_reset_link(state.clone(), user, email.clone()));
    Ok(Json(
        json!({"message": i18n::password_reset_sent(&email, request_lang(&headers))}),
    ))
}

/// Issues the user's reset token (spending older ones) and mails the link, built from
/// `DAVOMAT_PUBLIC_URL` only (CONTRACT.md §1): a request's `Host` header is the
/// caller's to choose, so a link built from it could point anywhere. Without a public
/// URL the link is written to the log, for an operator to pass on.
async fn send_reset_link(state: AppState, user: Option<users::LoginUser>, email: String) {
    // Spawned for every request, known address or not, and started 10–50 ms later: on
    // a small machine the token's writes compete for the CPU with the answer still
    // being sent, which made a known address's answer measurably slower (0.1 ms).
    // Later and at a random moment, the work no longer rides on the answer it belongs to.
    let delay = rand::random_range(10..50);
    tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    let Some(user) = user else {
        return;
    };
    let token =
        match password_resets::create(&state.store, UserId(user.id), state.clock.now()).await {
            Ok(token) => token,
            Err(err) => {
                tracing::error!(error = %err, "password reset token not issued");
                return;
            }
        };
    let path = format!("/reset-password?token={token}");
    let Some(base) = &state.config.public_url else {
        tracing::warn!(
            to = %email,
            link = %path,
            "password reset link not mailed: DAVOMAT_PUBLIC_URL is not set; the link is this path on the server's address"
        );
        return;
    };
    let lang = users::settings(
        &state.store,
        davomat_core::CompanyId(user.company_id),
        UserId(user.id),
    )
    .await
    .ok()
    .and_then(|s| Lang::parse(&s.lang))
    .unwrap_or_default();
    let link = format!("{}{path}", base.trim_end_matches('/'));
    let (subject, text) = i18n::reset_mail(&link, &token, lang);
    if let Err(err) = state.mailer.send(&email, &subject, &text).await {
        tracing::error!(error = %err, "password reset mail not delivered");
    }
}

/// Sets the password with a valid one-time token and revokes every token of the user.
async fn confirm_reset(State(state): State<AppState>, request: Request) -> ApiResult<Json<Value>> {
    let (headers, fields) = body_fields(request).await?;
    let mut errors = FieldErrors::new();
    let token = fields.required_text("token", &mut errors);
    let password = fields.required_text("password", &mut errors);
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
    let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .map_err(|e| crate::ApiError::Internal(format!("password hashing failed: {e}")))??;
    let changed =
        password_resets::confirm(&state.store, token.trim(), &hash, state.clock.now()).await?;
    if changed.is_none() {
        let mut errors = FieldErrors::new();
        errors.add(
            "token",
            FieldCode::InvalidValue,
            Reason::Rule(Rule::ResetTokenUnusable),
        );
        return Err(errors.into());
    }
    Ok(Json(
        json!({"message": i18n::password_changed(request_lang(&headers))}),
    ))
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    vec![
        Operation {
            method: "post",
            path: "/v1/sign-in/password-reset",
            tag: "Authentication",
            summary: "Mail a password-reset link",
            description: "Answers the same message whether or not the address belongs to a user. The link carries a one-time token valid for one hour.",
            secured: false,
            parameters: vec![],
            request: Some(body(
                json!({"type": "object", "required": ["email"], "properties": {"email": {"type": "string", "format": "email"}}}),
            )),
            responses: with_errors(
                false,
                vec![
                    (
                        "200",
                        "The mail was sent if the address is known",
                        schema_ref("Message"),
                    ),
                    (
                        "422",
                        "email missing (8002) or malformed (8007)",
                        schema_ref("ValidationError"),
                    ),
                ],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/sign-in/password-reset/confirm",
            tag: "Authentication",
            summary: "Set a new password with a reset token (ext)",
            description: "Sets the password (at least 8 characters) and revokes every token of the user.",
            secured: false,
            parameters: vec![],
            request: Some(body(
                json!({"type": "object", "required": ["token", "password"], "properties": {"token": {"type": "string"}, "password": {"type": "string", "minLength": 8}}}),
            )),
            responses: with_errors(
                false,
                vec![
                    ("200", "Password changed", schema_ref("Message")),
                    (
                        "422",
                        "token or password missing (8002), password too short or token unknown, used or expired (8003)",
                        schema_ref("ValidationError"),
                    ),
                ],
            ),
        },
    ]
}
