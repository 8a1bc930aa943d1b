//! `POST /v1/sign-in/password-reset` (mail a one-time link) and
//! `POST /v1/sign-in/password-reset/confirm` (ext: set the new password).

//!
//! The rules are the use cases' (`davomat_app::password_resets`); this door reads the
//! request, mails the link and answers in the request's language.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use davomat_app::password_resets::{self as use_cases, ResetConfirmation, ResetRequest};
use davomat_core::Lang;
use davomat_store::{password_resets, users};
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::error::{ApiResult, MessageBody, ValidationBody};
use crate::guard::Access;
use crate::i18n;
use crate::input::{BODY_LIMIT, Fields, read_body};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Public, routes!(request_reset))
        .documented(Access::Public, routes!(confirm_reset))
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

/// Mail a password-reset link
///
/// Answers the same message whether or not the address belongs to a user. The link
/// carries a one-time token valid for one hour.
///
/// The same answer in the same time: both cases look the address up and hand
/// `send_reset_link` to the background, which issues and delivers a token for a known
/// address only.
#[utoipa::path(post, path = "/v1/sign-in/password-reset", tag = "Authentication",
    request_body(content(
        (ResetRequest = "application/json"),
        (ResetRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The mail was sent if the address is known", body = MessageBody),
        (status = 422, description = "email missing (8002) or malformed (8007)", body = ValidationBody),
    ))]
async fn request_reset(
    State(state): State<AppState>,
    request: Request,
) -> ApiResult<Json<MessageBody>> {
    let (headers, fields) = body_fields(request).await?;
    let (email, user) = use_cases::requested(&state.store, fields.request()?).await?;
    let message = i18n::password_reset_sent(&email, request_lang(&headers));
    tokio::spawn(send_reset_link(state.clone(), user, email));
    Ok(Json(MessageBody { message }))
}

/// Issues the user's reset token (spending older ones) and mails the link, built from
/// `DAVOMAT_PUBLIC_URL` only (CONTRACT.md §1): a request's `Host` header is the
/// caller's to choose, so a link built from it could point anywhere. Without a public
/// URL the link is written to the log, for an operator to pass on.
pub async fn send_reset_link(state: AppState, user: Option<users::LoginUser>, email: String) {
    // Spawned for every request, known address or not, and started 10–50 ms later: on
    // a small machine the token's writes compete for the CPU with the answer still
    // being sent, which made a known address's answer measurably slower (0.1 ms).
    // Later and at a random moment, the work no longer rides on the answer it belongs to.
    let delay = rand::random_range(10..50);
    tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    let Some(user) = user else {
        return;
    };
    let token = match password_resets::create(&state.store, user.id, state.clock.now()).await {
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
    let lang = users::settings(&state.store, user.company_id, user.id)
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

/// Set a new password with a reset token (ext)
///
/// Sets the password (at least 8 characters) and revokes every token of the user.
#[utoipa::path(post, path = "/v1/sign-in/password-reset/confirm", tag = "Authentication",
    request_body(content(
        (ResetConfirmation = "application/json"),
        (ResetConfirmation = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Password changed", body = MessageBody),
        (status = 422, description = "token or password missing (8002), password too short or token unknown, used or expired (8003)", body = ValidationBody),
    ))]
async fn confirm_reset(
    State(state): State<AppState>,
    request: Request,
) -> ApiResult<Json<MessageBody>> {
    let (headers, fields) = body_fields(request).await?;
    use_cases::confirm(&state.store, fields.request()?, state.clock.now()).await?;
    Ok(Json(MessageBody {
        message: i18n::password_changed(request_lang(&headers)),
    }))
}
