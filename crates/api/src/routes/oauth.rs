//! `POST /v1/oauth/token` (password and refresh_token grants) and `POST /v1/oauth/revoke`.
//!
//! The fields are read from a form body, a JSON body or the query string, in that
//! order. Credentials are checked here: a missing one answers the OAuth error of its
//! grant (7002, 7003, 7008), not a field error.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use davomat_app::request::{Sent, secret};
use davomat_core::validation::FieldErrors;
use davomat_core::{ClientState, EmployeeStatus, Role};
use davomat_store::clients::{self, ApiClient};
use davomat_store::tokens::{self, RefreshRefusal, TokenPair};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody, SuccessBody, ValidationBody};
use crate::guard::Access;
use crate::input::{BODY_LIMIT, Fields, read_body};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Public, routes!(token))
        .documented(Access::Public, routes!(revoke))
}

/// A token request: the client's credentials and one grant's fields. Each is text as
/// sent (only an empty string is not set).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// `password` or `refresh_token`.
    #[serde(default, deserialize_with = "secret")]
    #[schema(value_type = String, example = "password")]
    grant_type: Sent<String>,
    #[serde(default, deserialize_with = "secret")]
    #[schema(value_type = String)]
    client_id: Sent<String>,
    #[serde(default, deserialize_with = "secret")]
    #[schema(value_type = String)]
    client_secret: Sent<String>,
    /// The user's email, for grant_type=password.
    #[serde(default, deserialize_with = "secret")]
    #[schema(value_type = Option<String>, example = "hr@example.uz")]
    username: Sent<String>,
    /// For grant_type=password.
    #[serde(default, deserialize_with = "secret")]
    #[schema(value_type = Option<String>)]
    password: Sent<String>,
    /// For grant_type=refresh_token.
    #[serde(default, deserialize_with = "secret")]
    #[schema(value_type = Option<String>)]
    refresh_token: Sent<String>,
}

/// A revoke request.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct RevokeRequest {
    /// An access or refresh token.
    #[schema(value_type = String)]
    token: Sent<String>,
}

/// A new token pair (RFC 6749 §5.1).
#[derive(Serialize, ToSchema)]
#[schema(as = Token)]
pub struct TokenObject {
    /// 40 hex digits.
    #[schema(pattern = "^[0-9a-f]{40}$")]
    access_token: String,
    /// Seconds: 30 days.
    #[schema(example = 2592000)]
    expires_in: i64,
    /// Always `bearer`.
    #[schema(example = "bearer")]
    token_type: &'static str,
    /// The role's scope.
    scope: &'static str,
    /// 40 hex digits; works once, for 60 days.
    #[schema(pattern = "^[0-9a-f]{40}$")]
    refresh_token: String,
}

/// Fields from the body (form or JSON), then the query string for what the body lacks.
async fn token_fields(request: Request) -> ApiResult<Fields> {
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, BODY_LIMIT).await?;
    let mut fields = Fields::from_body(&parts.headers, &bytes)?;
    fields.fill_from(Fields::from_query(parts.uri.query()));
    Ok(fields)
}

/// Get an access token
///
/// Password grant (username + password) or refresh_token grant. Fields are read from a
/// form body, a JSON body or the query string, in that order. Access tokens live 30
/// days; refresh tokens 60 days and work once.
#[utoipa::path(post, path = "/v1/oauth/token", tag = "Authentication",
    request_body(content(
        (TokenRequest = "application/x-www-form-urlencoded"),
        (TokenRequest = "application/json"),
    )),
    responses(
        (status = 200, description = "A new token pair", body = TokenObject),
        (status = 400, description = "grant_type missing or unsupported (7005), malformed body (4001)", body = ErrorBody),
        (status = 401, description = "Wrong username or password (7002), invalid client (7003), refresh token expired or used (7006), unknown refresh token (7008)", body = ErrorBody),
        (status = 426, description = "The API client is blocked (7010)", body = ErrorBody),
    ))]
async fn token(State(state): State<AppState>, request: Request) -> ApiResult<Response> {
    let sent: TokenRequest = token_fields(request).await?.request()?;
    let client = authenticate_client(&state, &sent).await?;
    let outdated = client.state() == ClientState::Outdated;
    let now = state.clock.now();
    let (role, pair) = match sent.grant_type.clone().value().as_deref() {
        Some("password") => password_grant(&state, sent, &client, now).await?,
        Some("refresh_token") => refresh_grant(&state, sent, &client, now).await?,
        _ => return Err(ApiError::UnsupportedGrantType),
    };
    let mut response = Json(TokenObject {
        access_token: pair.access_token,
        expires_in: pair.expires_in,
        token_type: "bearer",
        scope: role.scope(),
        refresh_token: pair.refresh_token,
    })
    .into_response();
    if outdated {
        response
            .headers_mut()
            .insert("version", HeaderValue::from_static("recommended"));
    }
    Ok(response)
}

/// 401/7003 for a missing or unknown client or a wrong secret; 426/7010 when blocked.
async fn authenticate_client(state: &AppState, sent: &TokenRequest) -> ApiResult<ApiClient> {
    let client_id = sent
        .client_id
        .clone()
        .value()
        .ok_or(ApiError::InvalidClient)?;
    let secret = sent.client_secret.clone().value().unwrap_or_default();
    let client = clients::find(&state.store, &client_id)
        .await?
        .ok_or(ApiError::InvalidClient)?;
    if !client.secret_matches(&secret) {
        return Err(ApiError::InvalidClient);
    }
    if client.state() == ClientState::Blocked {
        return Err(ApiError::UpgradeRequired);
    }
    Ok(client)
}

async fn password_grant(
    state: &AppState,
    sent: TokenRequest,
    client: &ApiClient,
    now: i64,
) -> ApiResult<(Role, TokenPair)> {
    let username = sent.username.value().ok_or(ApiError::BadCredentials)?;
    let password = sent.password.value().ok_or(ApiError::BadCredentials)?;
    state.metrics.count_password_check();
    let user = davomat_app::sign_in::check_password(&state.store, &username, password)
        .await?
        .ok_or(ApiError::BadCredentials)?;
    if user.company_id != client.company_id {
        return Err(ApiError::BadCredentials);
    }
    let role = Role::from_id(user.role).ok_or(ApiError::BadCredentials)?;
    // A new token: nothing cached depends on it yet.
    let writer = state.store.write_connection().await;
    writer.changes_nothing_cached();
    let pair = tokens::issue(&writer, user.id, client.id, now).await?;
    Ok((role, pair))
}

async fn refresh_grant(
    state: &AppState,
    sent: TokenRequest,
    client: &ApiClient,
    now: i64,
) -> ApiResult<(Role, TokenPair)> {
    let refresh_token = sent.refresh_token.value().ok_or(ApiError::InvalidToken)?;
    let outcome = tokens::refresh(
        &state.store,
        &refresh_token,
        client.company_id,
        client.id,
        now,
    )
    .await?;
    let (user, pair) = outcome.map_err(|refusal| match refusal {
        RefreshRefusal::Unknown => ApiError::InvalidToken,
        RefreshRefusal::Expired | RefreshRefusal::AlreadyUsed => ApiError::RefreshTokenExpired,
    })?;
    let session = tokens::session(&state.store, &pair.access_token)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    if session
        .employee_status
        .is_some_and(|s| s.0 == EmployeeStatus::Dismissed)
    {
        return Err(ApiError::InvalidToken);
    }
    let role = Role::from_id(session.role).ok_or(ApiError::InvalidToken)?;
    debug_assert_eq!(session.user_id, user);
    Ok((role, pair))
}

/// Revoke a token (RFC 7009)
///
/// Revokes an access or refresh token. Answers success whether or not the token
/// existed.
#[utoipa::path(post, path = "/v1/oauth/revoke", tag = "Authentication",
    request_body(content(
        (RevokeRequest = "application/x-www-form-urlencoded"),
        (RevokeRequest = "application/json"),
    )),
    responses(
        (status = 200, description = "Revoked (or never existed)", body = SuccessBody),
        (status = 422, description = "token missing (8002)", body = ValidationBody),
    ))]
async fn revoke(State(state): State<AppState>, request: Request) -> ApiResult<Json<SuccessBody>> {
    let sent: RevokeRequest = token_fields(request).await?.request()?;
    let mut errors = FieldErrors::new();
    let token = sent.token.required("token", &mut errors);
    errors.finish()?;
    if let Some(token) = token {
        tokens::revoke(&state.store, token.trim()).await?;
    }
    Ok(Json(SuccessBody::new()))
}
