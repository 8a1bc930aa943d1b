//! `GET /settings` (admins): the company as it is set (name, time zone, language) and its
//! API clients for integrators — `POST /settings/clients` creates one and shows its
//! secret once, `POST /settings/clients/{client_id}/rotate` issues a new pair (the old one
//! becomes outdated), `POST /settings/clients/{client_id}/state` sets `current`,
//! `outdated` or `blocked` — over `davomat_app::api_clients`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::sign_in::ConsoleUser;
use davomat_app::{AppError, Sent, api_clients, company};
use davomat_core::ClientState;
use davomat_store::clients::ClientCredentials;

use crate::form::{Input, Messages, Posted};
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// One client as the page shows it.
struct Client {
    client_id: String,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    frame: Frame,
    t: Words,
    /// The company's name, time zone and language, as a form.
    inputs: Vec<Input>,
    messages: Messages,
    clients: Vec<Client>,
    /// A pair just issued: shown this once.
    issued: Option<ClientCredentials>,
    /// Days face templates of dismissed employees are kept, and why a value was refused.
    retention_days: String,
    /// Whether templates are stored only with the employee's recorded consent.
    consent_required: bool,
    retention_error: Option<String>,
}

/// `GET /settings`.
pub async fn page(State(state): State<AppState>, Signed(user): Signed) -> Response {
    settings_page(&state, &user, None, None, Messages::default()).await
}

async fn settings_page(
    state: &AppState,
    user: &ConsoleUser,
    issued: Option<ClientCredentials>,
    typed: Option<&Posted>,
    mut messages: Messages,
) -> Response {
    let caller = &user.caller;
    let clients = match api_clients::list(&state.store, caller).await {
        Ok(clients) => clients,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let company = match company::get(&state.store, caller).await {
        Ok(company) => company,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "settings");
    let t = frame.t;
    let clients = clients
        .iter()
        .map(|c| Client {
            client_id: c.client_id.clone(),
            state: c.state().as_str(),
        })
        .collect();
    let value = |name: &str| match typed {
        Some(form) => form.value(name).to_string(),
        None => match name {
            "name" => company.name.clone(),
            "time_zone" => company.time_zone.clone(),
            _ => company.lang.clone(),
        },
    };
    let languages = crate::pages::languages(caller.company_lang)
        .into_iter()
        .map(|(code, name, _)| (code.to_string(), name.to_string()))
        .collect();
    let mut inputs = vec![
        Input::new(
            "name",
            t.get("settings-company-name"),
            "text",
            value("name"),
        )
        .required(),
        Input::new(
            "time_zone",
            t.get("device-time_zone"),
            "text",
            value("time_zone"),
        )
        .required(),
        Input::new("lang", t.get("language-label"), "select", value("lang"))
            .options(languages, &[]),
    ];
    for input in &mut inputs {
        input.error = messages.of(input.name);
    }
    let retention_error = messages.of("biometric_retention_days");
    let policy = match davomat_app::biometrics::policy(&state.store, caller).await {
        Ok(policy) => policy,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    messages.keep_fields(&["name", "time_zone", "lang", "biometric_retention_days"]);
    let status = if issued.is_some() {
        StatusCode::CREATED
    } else {
        messages.status()
    };
    let page = SettingsPage {
        retention_days: policy.biometric_retention_days.to_string(),
        consent_required: policy.biometric_consent_required,
        retention_error,
        inputs,
        messages,
        clients,
        issued,
        frame,
        t,
    };
    render(status, &page)
}

/// `POST /settings/clients`: a new client, its secret shown once.
pub async fn create_client(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    match api_clients::create(&state.store, caller, state.clock.now()).await {
        Ok(issued) => settings_page(&state, &user, Some(issued), None, Messages::default()).await,
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /settings/clients/{client_id}/rotate`: a new pair, shown once.
pub async fn rotate_client(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(client_id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    match api_clients::rotate(&state.store, caller, &client_id, state.clock.now()).await {
        Ok(issued) => settings_page(&state, &user, Some(issued), None, Messages::default()).await,
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /settings/clients/{client_id}/state` (`state`).
pub async fn client_state(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(client_id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Some(chosen) = ClientState::parse(form.value("state")) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    match api_clients::set_state(&state.store, caller, &client_id, chosen).await {
        Ok(()) => Redirect::to("/settings").into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /settings/biometrics` (`biometric_retention_days`, the checkbox
/// `biometric_consent_required`): how long templates of dismissed employees are kept and
/// whether templates need recorded consent; back to the settings.
pub async fn set_biometric_policy(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let days = form.value("biometric_retention_days");
    let consent_required = form.value("biometric_consent_required") == "on";
    match davomat_app::biometrics::set_policy(&state.store, caller, days, consent_required).await {
        Ok(()) => Redirect::to("/settings#biometrics").into_response(),
        Err(AppError::Invalid(errors)) => {
            // The company's form keeps its stored values; the message names the field.
            let messages = Messages::of_fields(errors, caller.lang);
            settings_page(&state, &user, None, None, messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /settings/company` (`name`, `time_zone`, `lang`): back to the settings.
pub async fn update_company(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let sent = |name: &str| match form.value(name).trim() {
        "" => Sent::Absent,
        value => Sent::Value(value.to_string()),
    };
    let changed = company::update(
        &state.store,
        caller,
        sent("name"),
        sent("time_zone"),
        sent("lang"),
    )
    .await;
    match changed {
        Ok(()) => Redirect::to("/settings").into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            settings_page(&state, &user, None, Some(&form), messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
