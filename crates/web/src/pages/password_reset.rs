//! `GET /forgot-password`, `POST /forgot-password`: asking for a password-reset link
//! from the sign-in page. The same use case and the same mail as
//! `POST /v1/sign-in/password-reset`: an address that is not a user's gets the same
//! answer as one that is; the link leads to the reset page (`/reset-password`).

use askama::Template;
use axum::Form;
use axum::extract::{FromRequest, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use davomat_api::error::ApiError;
use davomat_api::routes::password_reset::send_reset_link;
use davomat_api::{AppState, i18n};
use davomat_app::AppError;
use davomat_app::password_resets::{self, ResetRequest};
use davomat_app::request::Sent;
use davomat_core::Lang;
use serde::Deserialize;

use crate::assets::asset_path;
use crate::i18n::Words;
use crate::pages::{ErrorPage, Problem, render};
use crate::session::visitor_lang;

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct ForgotPage {
    t: Words,
    css: String,
    email: String,
    /// The message beside the field (8002, 8007) or of the whole form (429).
    problem: Option<String>,
    /// What was done, once the form is accepted.
    done: Option<String>,
}

impl ForgotPage {
    fn new(lang: Lang, email: String) -> ForgotPage {
        ForgotPage {
            t: Words::new(lang),
            css: asset_path("console.css"),
            email,
            problem: None,
            done: None,
        }
    }
}

/// `GET /forgot-password`.
pub async fn form(headers: HeaderMap) -> Response {
    let page = ForgotPage::new(visitor_lang(&headers), String::new());
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// `POST /forgot-password`: the link is mailed (if the address is a user's) and the
/// page says so; a missing or malformed address is named beside the field.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    let lang = visitor_lang(&headers);
    let address = davomat_api::guard::client_ip(&state, &request);
    let email = match Form::<ForgotForm>::from_request(request, &state).await {
        Ok(Form(form)) => form.email,
        Err(_) => String::new(),
    };
    let mut page = ForgotPage::new(lang, email.clone());
    if let Some(budget) = state
        .limiter
        .hit(&format!("ip:{address}"), state.clock.now())
        .await
        && !budget.allowed
    {
        let error = ApiError::TooManyRequests {
            retry_after: budget.reset,
        };
        page.problem = Some(i18n::error_message(&error, lang));
        return render(StatusCode::TOO_MANY_REQUESTS, &page);
    }
    let sent = if email.trim().is_empty() {
        Sent::Absent
    } else {
        Sent::Value(email)
    };
    match password_resets::requested(&state.store, ResetRequest { email: sent }).await {
        Ok((email, user)) => {
            page.done = Some(i18n::password_reset_sent(&email, lang));
            tokio::spawn(send_reset_link(state.clone(), user, email));
            render(StatusCode::OK, &page)
        }
        Err(AppError::Invalid(errors)) => {
            page.problem = errors
                .into_vec()
                .first()
                .map(|error| i18n::field_message(error, lang));
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(err) => ErrorPage::new(lang, Problem::from(err)).into_response(),
    }
}
