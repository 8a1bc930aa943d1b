//! The company's webhooks (admins), under the settings: `GET /settings/webhooks` lists
//! the subscriptions and adds one (`POST`: its secret shown once), `POST
//! /settings/webhooks/{id}/delete` removes one, `GET /settings/webhooks/{id}` is its
//! delivery log, newest first, with *Send again* on each delivery (`POST
//! /settings/webhooks/{id}/deliveries/{delivery}/resend`) — over
//! `davomat_app::webhooks`, as the API's `/v1/webhooks`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::AppError;
use davomat_app::sign_in::ConsoleUser;
use davomat_app::webhooks::{self as use_cases, Destinations, WebhookRequest};
use davomat_core::dates::utc_text;
use davomat_core::page::PageRequest;
use davomat_core::webhooks::WebhookEvent;

use crate::form::{Input, Messages, Posted};
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, posted_id, render};
use crate::session::Signed;

/// A subscription as the list shows it.
struct Row {
    id: i64,
    url: String,
    events: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage {
    frame: Frame,
    t: Words,
    rows: Vec<Row>,
    /// The new subscription's form.
    inputs: Vec<Input>,
    messages: Messages,
    /// A subscription just made and its secret, shown this once.
    made: Option<(String, String)>,
}

/// One delivery of the log.
struct DeliveryRow {
    id: i64,
    event: String,
    status: String,
    attempts: i32,
    outcome: String,
    created_at: String,
}

#[derive(Template)]
#[template(path = "webhook_log.html")]
struct LogPage {
    frame: Frame,
    t: Words,
    id: i64,
    url: String,
    deliveries: Vec<DeliveryRow>,
}

fn destinations(state: &AppState) -> Destinations {
    Destinations {
        allow_private: state.config.webhook_allow_private,
    }
}

/// `GET /settings/webhooks`.
pub async fn page(State(state): State<AppState>, Signed(user): Signed) -> Response {
    list_page(&state, &user, None, None, Messages::default()).await
}

async fn list_page(
    state: &AppState,
    user: &ConsoleUser,
    typed: Option<&Posted>,
    made: Option<(String, String)>,
    mut messages: Messages,
) -> Response {
    let caller = &user.caller;
    let all = match use_cases::list(&state.store, caller).await {
        Ok(all) => all,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "settings");
    let t = frame.t;
    let rows = all
        .iter()
        .map(|w| Row {
            id: w.id,
            url: w.url.clone(),
            events: w.events.replace(',', ", "),
            active: w.active,
        })
        .collect();
    let chosen: Vec<String> = typed.map_or_else(Vec::new, |form| {
        form.values("events")
            .into_iter()
            .map(String::from)
            .collect()
    });
    let events = WebhookEvent::ALL
        .iter()
        .map(|e| (e.name().to_string(), e.name().to_string()))
        .collect();
    let mut inputs = vec![
        Input::new(
            "url",
            t.get("webhook-url"),
            "url",
            typed.map_or_else(String::new, |f| f.value("url").to_string()),
        )
        .required(),
        Input::new(
            "events",
            t.get("webhook-events"),
            "checkboxes",
            String::new(),
        )
        .options(events, &chosen),
    ];
    for input in &mut inputs {
        input.error = messages.of(input.name);
    }
    messages.keep_fields(&["url", "events"]);
    let status = if made.is_some() {
        StatusCode::CREATED
    } else {
        messages.status()
    };
    let page = WebhooksPage {
        frame,
        t,
        rows,
        inputs,
        messages,
        made,
    };
    render(status, &page)
}

/// `POST /settings/webhooks` (`url`, `events` ticked).
pub async fn create(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !crate::session::csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let made = async {
        let request: WebhookRequest = form.request(&["url"], &["events"])?;
        let now = state.clock.now();
        use_cases::create(&state.store, caller, request, destinations(&state), now).await
    };
    match made.await {
        Ok(webhook) => {
            let shown = Some((webhook.url.clone(), webhook.secret.clone()));
            list_page(&state, &user, None, shown, Messages::default()).await
        }
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            list_page(&state, &user, Some(&form), None, messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /settings/webhooks/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    let id = match posted_id(&user, &form, &id) {
        Ok(id) => id,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    match use_cases::remove(&state.store, caller, id).await {
        Ok(()) => Redirect::to("/settings/webhooks").into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `GET /settings/webhooks/{id}`: the newest 50 deliveries.
pub async fn log(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Response {
    let caller = &user.caller;
    let Ok(id) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let found = async {
        let webhook = use_cases::get(&state.store, caller, id).await?;
        let page = PageRequest {
            page: 1,
            per_page: 50,
        };
        let (deliveries, _) = use_cases::deliveries(&state.store, caller, id, page).await?;
        Ok::<_, AppError>((webhook, deliveries))
    };
    let (webhook, deliveries) = match found.await {
        Ok(found) => found,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(&user, "settings");
    let t = frame.t;
    let deliveries = deliveries
        .into_iter()
        .map(|d| DeliveryRow {
            id: d.id,
            outcome: match (d.last_status, d.last_error) {
                (_, Some(error)) => error,
                (Some(status), None) => format!("HTTP {status}"),
                (None, None) => String::new(),
            },
            status: t.get(&format!("webhook-status-{}", d.status)),
            event: d.event,
            attempts: d.attempts,
            created_at: utc_text(d.created_at),
        })
        .collect();
    let page = LogPage {
        frame,
        t,
        id,
        url: webhook.url,
        deliveries,
    };
    render(StatusCode::OK, &page)
}

/// `POST /settings/webhooks/{id}/deliveries/{delivery}/resend`: back to the log.
pub async fn resend(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path((id, delivery)): Path<(String, String)>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    let id = match posted_id(&user, &form, &id) {
        Ok(id) => id,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    let Ok(delivery) = delivery.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    match use_cases::resend(&state.store, caller, id, delivery, now).await {
        Ok(()) => Redirect::to(&format!("/settings/webhooks/{id}")).into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
