//! The console's side of a session: the cookie, the signed-in user of a request
//! ([`Signed`]), the check of a form's CSRF token, and the language of a visitor who has
//! not signed in yet. The rules themselves (what opens, ends and expires a session) are
//! the use case's (`davomat_app::sign_in`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::sign_in::{self, ConsoleUser, SessionRefusal};
use davomat_core::Lang;
use sha2::{Digest, Sha256};

use crate::pages::{ErrorPage, Problem};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "davomat_session";
/// The language cookie of a visitor who has not signed in.
pub const LANG_COOKIE: &str = "davomat_lang";

/// The value of a cookie of the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, the whole site; Secure when the
/// console is served over https (`DAVOMAT_PUBLIC_URL`); `max_age` seconds (0: remove).
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = state
        .config
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"));
    let text = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The language of a request from someone not signed in: their cookie, else the
/// browser's first language, else Russian.
pub fn visitor_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(Lang::parse)
        })
        .unwrap_or_default()
}

/// The language to answer a request in: the signed-in user's own (their settings), else
/// the visitor's ([`visitor_lang`]).
pub async fn request_lang(state: &AppState, headers: &HeaderMap) -> Lang {
    if let Some(value) = cookie(headers, SESSION_COOKIE)
        && let Ok(Ok(user)) = sign_in::console_user(&state.store, value, state.clock.now()).await
    {
        return user.caller.lang;
    }
    visitor_lang(headers)
}

/// The signed-in user of a request; without one, the request is sent to the sign-in
/// page (an expired session says so there).
pub struct Signed(pub ConsoleUser);

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(value) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(Redirect::to("/login").into_response());
        };
        let now = state.clock.now();
        match sign_in::console_user(&state.store, value, now).await {
            Ok(Ok(user)) => Ok(Signed(user)),
            Ok(Err(SessionRefusal::Idle)) => Err(Redirect::to("/login?expired=1").into_response()),
            Ok(Err(SessionRefusal::Unknown | SessionRefusal::CompanyExpired)) => {
                Err(Redirect::to("/login").into_response())
            }
            Err(err) => Err(
                ErrorPage::new(visitor_lang(&parts.headers), Problem::from(err)).into_response(),
            ),
        }
    }
}

/// True when the token a form sent is the session's (compared through their digests,
/// so the time taken tells nothing about how much of it matched).
pub fn csrf_matches(user: &ConsoleUser, sent: &str) -> bool {
    Sha256::digest(user.csrf_token.as_bytes()) == Sha256::digest(sent.as_bytes())
}
