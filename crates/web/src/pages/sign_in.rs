//! `GET /login`, `POST /login`, `POST /logout`: signing in with email and password
//! (the API's users and their Argon2id hashes), and out. Attempts count against the
//! same per-address budget as the API's token endpoint; a wrong email or password gets
//! the API's own message.

use askama::Template;
use axum::Form;
use axum::extract::{FromRequest, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::error::ApiError;
use davomat_api::{AppState, i18n};
use davomat_app::sign_in;
use davomat_core::Lang;
use serde::Deserialize;

use crate::assets::asset_path;
use crate::i18n::Words;
use crate::pages::{ErrorPage, Problem, languages, render};
use crate::session::{self, LANG_COOKIE, SESSION_COOKIE, Signed, csrf_matches, visitor_lang};

/// The sign-in form.
#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    t: Words,
    css: String,
    email: String,
    /// Why the last attempt failed, or why the visitor is here again.
    message: Option<String>,
    languages: Vec<(&'static str, &'static str, bool)>,
}

impl SignInPage {
    fn new(lang: Lang, email: String, message: Option<String>) -> SignInPage {
        SignInPage {
            t: Words::new(lang),
            css: asset_path("console.css"),
            email,
            message,
            languages: languages(lang),
        }
    }
}

#[derive(Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    expired: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

/// `GET /login[?lang=uz][&expired=1]`: the form; a language chosen here is remembered
/// in a cookie until the visitor signs in.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    let chosen = query.lang.as_deref().and_then(Lang::parse);
    let lang = chosen.unwrap_or_else(|| visitor_lang(&headers));
    let t = Words::new(lang);
    let message = query.expired.map(|_| t.get("sign-in-expired"));
    let mut response = render(
        StatusCode::OK,
        &SignInPage::new(lang, String::new(), message),
    );
    if let Some(lang) = chosen {
        response.headers_mut().append(
            header::SET_COOKIE,
            session::set_cookie(&state, LANG_COOKIE, lang.code(), 365 * 24 * 3600),
        );
    }
    response
}

#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /login`: opens a session and goes to the Today board, or shows the form again
/// with the API's message.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    let lang = visitor_lang(&headers);
    let now = state.clock.now();
    let address = davomat_api::guard::client_ip(&state, &request);
    let Form(credentials) = match Form::<Credentials>::from_request(request, &state).await {
        Ok(form) => form,
        Err(_) => return refused(lang, String::new(), &ApiError::BadCredentials),
    };
    if let Some(budget) = state.limiter.hit(&format!("ip:{address}"), now).await
        && !budget.allowed
    {
        let error = ApiError::TooManyRequests {
            retry_after: budget.reset,
        };
        return refused(lang, credentials.email, &error);
    }
    state.metrics.count_password_check();
    let user = match sign_in::check_password(&state.store, &credentials.email, credentials.password)
        .await
    {
        Ok(Some(user)) => user,
        Ok(None) => return refused(lang, credentials.email, &ApiError::BadCredentials),
        Err(err) => return ErrorPage::new(lang, Problem::from(err)).into_response(),
    };
    match sign_in::open_console_session(&state.store, &user, now).await {
        Ok(opened) => {
            let mut response = Redirect::to("/").into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                session::set_cookie(
                    &state,
                    SESSION_COOKIE,
                    &opened.cookie,
                    sign_in::CONSOLE_IDLE_LIMIT * 12,
                ),
            );
            response
        }
        Err(err) => ErrorPage::new(lang, Problem::from(err)).into_response(),
    }
}

fn refused(lang: Lang, email: String, error: &ApiError) -> Response {
    let status = match error {
        ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::UNAUTHORIZED,
    };
    let message = i18n::error_message(error, lang);
    render(status, &SignInPage::new(lang, email, Some(message)))
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`: closes the session and forgets its cookie; the browser keeps the
/// user's language for the sign-in page.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Signed(user): Signed,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if !csrf_matches(&user, &form.csrf) {
        return ErrorPage::new(user.caller.lang, Problem::Csrf).into_response();
    }
    if let Some(cookie) = session::cookie(&headers, SESSION_COOKIE)
        && let Err(err) = sign_in::close_console_session(&state.store, cookie).await
    {
        return ErrorPage::new(user.caller.lang, Problem::from(err)).into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        session::set_cookie(&state, SESSION_COOKIE, "", 0),
    );
    // The sign-in page that follows speaks the language the user had chosen.
    headers.append(
        header::SET_COOKIE,
        session::set_cookie(
            &state,
            LANG_COOKIE,
            user.caller.lang.code(),
            365 * 24 * 3600,
        ),
    );
    response
}
