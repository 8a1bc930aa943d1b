//! The per-route layers of `/v1`, in the contract's order of checks once the route and
//! method matched: [`entry`] (406 Accept; the route's label for metrics) → 413 body size
//! (tower-http's body limit, the route's own or 1 MB; its bare answer given the
//! contract's body by [`payload_too_large`]) → the guard of the route's access level:
//! 401 token (7007, 7008, 7009) → 426 blocked client → 402 expired company → 429 rate
//! limit. The guard places the [`Caller`] in the request and the rate-limit headers,
//! the `Version` header and the caller's language on the response.

use std::net::IpAddr;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use davomat_core::token::looks_like_token;
use davomat_core::{
    ClientState, CompanyId, CompanyStatus, DeviceId, EmployeeStatus, Lang, LocationId, Role,
};
use davomat_store::{devices, tokens};

use crate::AppState;
use crate::caller::Caller;
use crate::connection::Peer;
use crate::error::{ApiError, ErrorReport};
use crate::rate_limit::Budget;

/// Who may reach a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Outside `/v1` (docs, health, metrics): no checks.
    Service,
    /// `/v1` without a token: Accept, size and a per-address rate limit.
    Public,
    /// `/v1` with a bearer token.
    Authenticated,
    /// The device API: the bearer token of a device (`POST /v1/devices` gave it).
    Device,
}

/// The device calling the device API, placed in the request by the guard.
#[derive(Clone, Debug)]
pub struct DeviceCaller {
    pub device_id: DeviceId,
    pub company_id: CompanyId,
    pub location_id: Option<LocationId>,
    /// The company's time zone name, for event times without an offset.
    pub time_zone: String,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for DeviceCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<DeviceCaller>()
            .cloned()
            .ok_or(ApiError::NotAuthenticated)
    }
}

/// The route template that answered, for metrics.
#[derive(Clone, Debug)]
pub struct RouteLabel(pub String);

/// The language of the authenticated user, for error messages.
#[derive(Clone, Copy, Debug)]
pub struct CallerLang(pub Lang);

pub async fn public(State(state): State<AppState>, request: Request, next: Next) -> Response {
    run(state, Access::Public, request, next).await
}

pub async fn authenticated(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    run(state, Access::Authenticated, request, next).await
}

pub async fn device(State(state): State<AppState>, request: Request, next: Next) -> Response {
    run(state, Access::Device, request, next).await
}

/// The outermost layer of a route: labels the answer with the route (for metrics)
/// and, on `/v1`, answers 406 when the client does not accept JSON.
pub async fn entry(access: Access, request: Request, next: Next) -> Response {
    let label = route_label(&request);
    let json_refused = !accepts_json(request.headers()) && !asks_for_file(request.uri());
    let mut response = if access != Access::Service && json_refused {
        ApiError::NotAcceptable.into_response()
    } else {
        next.run(request).await
    };
    response.extensions_mut().insert(label);
    response
}

/// True when the query asks for a file (`format=xlsx` or `format=csv`, CONTRACT.md §9):
/// that answer is not JSON, whatever Accept says.
fn asks_for_file(uri: &axum::http::Uri) -> bool {
    form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .any(|(key, value)| key == "format" && (value == "xlsx" || value == "csv"))
}

/// tower-http's body limit answers a bare 413: give it the contract's body.
pub async fn payload_too_large(State(limit): State<usize>, response: Response) -> Response {
    if response.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE
        && response.extensions().get::<ErrorReport>().is_none()
    {
        return ApiError::PayloadTooLarge(limit).into_response();
    }
    response
}

async fn run(state: AppState, access: Access, mut request: Request, next: Next) -> Response {
    let mut extra = ResponseExtras::default();
    let mut response = match admit(&state, access, &mut request, &mut extra).await {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    };
    extra.apply(&mut response);
    response
}

/// What the guard adds to the response whatever the handler answered.
#[derive(Default)]
struct ResponseExtras {
    budget: Option<Budget>,
    outdated_client: bool,
    lang: Option<Lang>,
}

impl ResponseExtras {
    fn apply(self, response: &mut Response) {
        let headers = response.headers_mut();
        if let Some(budget) = self.budget {
            headers.insert("x-rate-limit-limit", HeaderValue::from(budget.limit));
            headers.insert(
                "x-rate-limit-remaining",
                HeaderValue::from(budget.remaining),
            );
            headers.insert("x-rate-limit-reset", HeaderValue::from(budget.reset));
        }
        if self.outdated_client {
            headers.insert("version", HeaderValue::from_static("recommended"));
        }
        if let Some(lang) = self.lang {
            response.extensions_mut().insert(CallerLang(lang));
        }
    }
}

async fn admit(
    state: &AppState,
    access: Access,
    request: &mut Request,
    extra: &mut ResponseExtras,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let subject = match access {
        Access::Authenticated => {
            let caller = authenticate(state, request.headers(), now, extra).await?;
            let subject = format!("u:{}", caller.user_id);
            request.extensions_mut().insert(caller);
            subject
        }
        Access::Device => {
            let device = authenticate_device(state, request.headers(), now).await?;
            let subject = format!("d:{}", device.device_id);
            request.extensions_mut().insert(device);
            subject
        }
        _ => format!("ip:{}", client_ip(state, request)),
    };
    if let Some(budget) = state.limiter.hit(&subject, now).await {
        extra.budget = Some(budget);
        if !budget.allowed {
            return Err(ApiError::TooManyRequests {
                retry_after: budget.reset,
            });
        }
    }
    Ok(())
}

/// Checks the bearer token and the state of its client and company.
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    now: i64,
    extra: &mut ResponseExtras,
) -> Result<Caller, ApiError> {
    let token = bearer_token(headers).ok_or(ApiError::NotAuthenticated)?;
    if !looks_like_token(token) {
        return Err(ApiError::InvalidToken);
    }
    let session = tokens::session(&state.store, token)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    if session
        .employee_status
        .is_some_and(|s| s.0 == EmployeeStatus::Dismissed)
    {
        return Err(ApiError::InvalidToken);
    }
    let role = Role::from_id(session.role).ok_or(ApiError::InvalidToken)?;
    let lang = Lang::parse(&session.user_lang).unwrap_or_default();
    extra.lang = Some(lang);
    if session.expires_at <= now {
        return Err(ApiError::TokenExpired);
    }
    match session.client_state.0 {
        ClientState::Current => {}
        ClientState::Outdated => extra.outdated_client = true,
        ClientState::Blocked => return Err(ApiError::UpgradeRequired),
    }
    if session.company_status.0 == CompanyStatus::Expired {
        return Err(ApiError::PaymentRequired);
    }
    Ok(Caller(davomat_app::Caller {
        user_id: session.user_id,
        company_id: session.company_id,
        role,
        employee_id: session.employee_id,
        employee_name: session.employee_full_name,
        email: session.email,
        lang,
        company_lang: Lang::parse(&session.company_lang).unwrap_or_default(),
        time_zone: session.company_time_zone,
    }))
}

/// Checks a device's bearer token and its company's state; notes the request time.
async fn authenticate_device(
    state: &AppState,
    headers: &HeaderMap,
    now: i64,
) -> Result<DeviceCaller, ApiError> {
    let token = bearer_token(headers).ok_or(ApiError::NotAuthenticated)?;
    if !looks_like_token(token) {
        return Err(ApiError::InvalidToken);
    }
    let device = devices::by_token(&state.store, token, now)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    if device.company_status.0 == CompanyStatus::Expired {
        return Err(ApiError::PaymentRequired);
    }
    Ok(DeviceCaller {
        device_id: device.id,
        company_id: device.company_id,
        location_id: device.location_id,
        time_zone: device.company_time_zone,
    })
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive).
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Absent, `*/*`, `application/*` or any list naming `application/json` (or a `+json`
/// type) is acceptable.
fn accepts_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::ACCEPT) else {
        return true;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    if value.trim().is_empty() {
        return true;
    }
    value.split(',').any(|part| {
        let media = part
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let refused = part.split(';').skip(1).any(|p| {
            matches!(
                p.trim().replace(' ', "").as_str(),
                "q=0" | "q=0.0" | "q=0.00" | "q=0.000"
            )
        });
        !refused
            && (media == "*/*"
                || media == "application/*"
                || media == "application/json"
                || media.ends_with("+json"))
    })
}

/// The client's address: the peer, or the `X-Forwarded-For` address when the peer is
/// a trusted proxy (the right-most address that is not itself a trusted proxy).
pub fn client_ip(state: &AppState, request: &Request) -> String {
    let peer = request
        .extensions()
        .get::<ConnectInfo<Peer>>()
        .map(|ConnectInfo(Peer(addr))| addr.ip());
    let Some(peer) = peer else {
        return "unknown".to_string();
    };
    if !state.config.trusted_proxies.contains(&peer) {
        return peer.to_string();
    }
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    forwarded
        .split(',')
        .rev()
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .find(|ip| !state.config.trusted_proxies.contains(ip))
        .unwrap_or(peer)
        .to_string()
}

fn route_label(request: &Request) -> RouteLabel {
    RouteLabel(
        request
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT,
            HeaderValue::from_str(value).expect("header"),
        );
        h
    }

    #[test]
    fn accept_rules() {
        assert!(accepts_json(&HeaderMap::new()));
        assert!(accepts_json(&accept("*/*")));
        assert!(accepts_json(&accept("application/*")));
        assert!(accepts_json(&accept("text/html, application/json;q=0.9")));
        assert!(!accepts_json(&accept("text/html")));
        assert!(!accepts_json(&accept("application/xml")));
        assert!(!accepts_json(&accept("application/json;q=0")));
    }

    #[test]
    fn bearer_parsing() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer abc"),
        );
        assert_eq!(bearer_token(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&h), None);
    }
}
