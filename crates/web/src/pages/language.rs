//! `POST /language`: the signed-in user's language, kept in their settings (the same
//! `lang` as `PUT /v1/settings`), so that the console and the API's messages follow it.

use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::accounts::{self, SettingsRequest};
use davomat_app::request::Sent;
use davomat_core::Lang;
use serde::Deserialize;

use crate::pages::{ErrorPage, Problem};
use crate::session::{Signed, csrf_matches};

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
}

/// Sets the language and goes back to the page the form was on.
pub async fn choose(
    State(state): State<AppState>,
    headers: HeaderMap,
    Signed(user): Signed,
    Form(form): Form<LanguageForm>,
) -> Response {
    if !csrf_matches(&user, &form.csrf) {
        return ErrorPage::new(user.caller.lang, Problem::Csrf).into_response();
    }
    let Some(lang) = Lang::parse(&form.lang) else {
        return Redirect::to("/").into_response();
    };
    let change = SettingsRequest {
        lang: Sent::Value(lang.code().to_string()),
        ..SettingsRequest::default()
    };
    if let Err(err) = accounts::update_settings(&state.store, &user.caller, change).await {
        return ErrorPage::new(user.caller.lang, Problem::from(err)).into_response();
    }
    Redirect::to(&back_to(&headers)).into_response()
}

/// The console page the request came from (its path only), else the Today board.
fn back_to(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|url| url.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
        .filter(|path| path.starts_with('/') && !path.starts_with("//"))
        .unwrap_or_else(|| "/".to_string())
}
