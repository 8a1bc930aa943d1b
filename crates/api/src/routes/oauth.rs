//! `POST /v1/oauth/token` (password and refresh_token grants) and `POST /v1/oauth/revoke`.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use davomat_core::validation::FieldErrors;
use davomat_core::{ApiClientId, ClientState, Role, UserId};
use davomat_store::clients::{self, ApiClient};
use davomat_store::tokens::{self, RefreshRefusal, TokenPair};
use davomat_store::{secrets, users};
use serde_json::json;

use super::RouteTable;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::guard::Access;
use crate::input::{BODY_LIMIT, Fields, read_body};
use crate::openapi::{Operation, body, schema_ref, with_errors};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::POST, "/v1/oauth/token", Access::Public, token)
        .add(Method::POST, "/v1/oauth/revoke", Access::Public, revoke)
}

/// Fields from the body (form or JSON), then the query string for what the body lacks.
async fn token_fields(request: Request) -> ApiResult<Fields> {
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, BODY_LIMIT).await?;
    let mut fields = Fields::from_body(&parts.headers, &bytes)?;
    fields.fill_from(Fields::from_query(parts.uri.query()));
    Ok(fields)
}

fn text(fields: &Fields, name: &str) -> Option<String> {
    fields
        .text(name, &mut FieldErrors::new())
        .filter(|s| !s.is_empty())
}

async fn token(State(state): State<AppState>, request: Request) -> ApiResult<Response> {
    let fields = token_fields(request).await?;
    let client = authenticate_client(&state, &fields).await?;
    let outdated = client.state() == ClientState::Outdated;
    let now = state.clock.now();
    let (role, pair) = match text(&fields, "grant_type").as_deref() {
        Some("password") => password_grant(&state, &fields, &client, now).await?,
        Some("refresh_token") => refresh_grant(&state, &fields, &client, now).await?,
        _ => return Err(ApiError::UnsupportedGrantType),
    };
    let mut response = Json(json!({
        "access_token": pair.access_token,
        "expires_in": pair.expires_in,
        "token_type": "bearer",
        "scope": role.scope(),
        "refresh_token": pair.refresh_token,
    }))
    .into_response();
    if outdated {
        response
            .headers_mut()
            .insert("version", HeaderValue::from_static("recommended"));
    }
    Ok(response)
}

/// 401/7003 for a missing or unknown client or a wrong secret; 426/7010 when blocked.
async fn authenticate_client(state: &AppState, fields: &Fields) -> ApiResult<ApiClient> {
    let client_id = text(fields, "client_id").ok_or(ApiError::InvalidClient)?;
    let secret = text(fields, "client_secret").unwrap_or_default();
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
    fields: &Fields,
    client: &ApiClient,
    now: i64,
) -> ApiResult<(Role, TokenPair)> {
    let username = text(fields, "username").ok_or(ApiError::BadCredentials)?;
    let password = text(fields, "password").ok_or(ApiError::BadCredentials)?;
    let user = users::find_login(&state.store, &username).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let verified = check_password(state, password, stored).await?;
    let user = user.ok_or(ApiError::BadCredentials)?;
    if !verified || user.company_id != client.company_id || !user.is_active() {
        return Err(ApiError::BadCredentials);
    }
    let role = Role::from_id(user.role).ok_or(ApiError::BadCredentials)?;
    // A new token: nothing cached depends on it yet.
    let writer = state.store.write_connection().await;
    writer.changes_nothing_cached();
    let pair = tokens::issue(&writer, UserId(user.id), ApiClientId(client.id), now).await?;
    Ok((role, pair))
}

/// One Argon2 verification, known user or not (secrets::check_login_password), off the
/// request threads; counted in /metrics (`davomat_password_checks_total`).
async fn check_password(
    state: &AppState,
    password: String,
    stored: Option<String>,
) -> ApiResult<bool> {
    state.metrics.count_password_check();
    tokio::task::spawn_blocking(move || secrets::check_login_password(&password, stored.as_deref()))
        .await
        .map_err(|e| ApiError::Internal(format!("password check failed: {e}")))
}

async fn refresh_grant(
    state: &AppState,
    fields: &Fields,
    client: &ApiClient,
    now: i64,
) -> ApiResult<(Role, TokenPair)> {
    let refresh_token = text(fields, "refresh_token").ok_or(ApiError::InvalidToken)?;
    let outcome = tokens::refresh(
        &state.store,
        &refresh_token,
        client.company_id,
        ApiClientId(client.id),
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
    if session.employee_status.as_deref() == Some("dismissed") {
        return Err(ApiError::InvalidToken);
    }
    let role = Role::from_id(session.role).ok_or(ApiError::InvalidToken)?;
    debug_assert_eq!(session.user_id, user.0);
    Ok((role, pair))
}

/// RFC 7009: always `{"success": true}`, whether or not the token existed.
async fn revoke(
    State(state): State<AppState>,
    request: Request,
) -> ApiResult<Json<serde_json::Value>> {
    let fields = token_fields(request).await?;
    let mut errors = FieldErrors::new();
    let token = fields.required_text("token", &mut errors);
    errors.finish()?;
    if let Some(token) = token {
        tokens::revoke(&state.store, token.trim()).await?;
    }
    Ok(Json(json!({"success": true})))
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let token_request = json!({
        "type": "object",
        "required": ["grant_type", "client_id", "client_secret"],
        "properties": {
            "grant_type": {"type": "string", "enum": ["password", "refresh_token"]},
            "client_id": {"type": "string"},
            "client_secret": {"type": "string"},
            "username": {"type": "string", "description": "email, for grant_type=password"},
            "password": {"type": "string", "description": "for grant_type=password"},
            "refresh_token": {"type": "string", "description": "for grant_type=refresh_token"}
        }
    });
    vec![
        Operation {
            method: "post",
            path: "/v1/oauth/token",
            tag: "Authentication",
            summary: "Get an access token",
            description: "Password grant (username + password) or refresh_token grant. Fields are read from a form body, a JSON body or the query string, in that order. Access tokens live 30 days; refresh tokens 60 days and work once.",
            secured: false,
            parameters: vec![],
            request: Some(body(token_request)),
            responses: with_errors(
                false,
                vec![
                    ("200", "A new token pair", schema_ref("Token")),
                    (
                        "400",
                        "grant_type missing or unsupported (7005), malformed body (4001)",
                        schema_ref("Error"),
                    ),
                    (
                        "401",
                        "Wrong username or password (7002), invalid client (7003), refresh token expired or used (7006), unknown refresh token (7008)",
                        schema_ref("Error"),
                    ),
                    (
                        "426",
                        "The API client is blocked (7010)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/oauth/revoke",
            tag: "Authentication",
            summary: "Revoke a token (RFC 7009)",
            description: "Revokes an access or refresh token. Answers success whether or not the token existed.",
            secured: false,
            parameters: vec![],
            request: Some(body(
                json!({"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}}),
            )),
            responses: with_errors(
                false,
                vec![
                    ("200", "Revoked (or never existed)", schema_ref("Success")),
                    ("422", "token missing (8002)", schema_ref("ValidationError")),
                ],
            ),
        },
    ]
}
