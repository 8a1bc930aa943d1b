//! Webhooks (CONTRACT.md §9, admins): `GET/POST /v1/webhooks`, `GET/PUT/DELETE
//! /v1/webhooks/{id}`, `GET /v1/webhooks/{id}/deliveries` and `POST
//! /v1/webhooks/{id}/deliveries/{delivery_id}/resend`. The use cases are
//! `davomat_app::webhooks`; the sending is `crate::webhook_delivery`'s.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use davomat_app::webhooks::{self as use_cases, Destinations, WebhookRequest};
use davomat_core::dates::utc_text;
use davomat_store::webhooks::{Delivery, Webhook};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiResult, ErrorBody, MessageBody, ValidationBody};
use crate::guard::Access;
use crate::input::{body_fields, path_id};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(list, create))
        .documented(Access::Authenticated, routes!(show, update, delete))
        .documented(Access::Authenticated, routes!(deliveries))
        .documented(Access::Authenticated, routes!(resend))
}

/// A subscription.
#[derive(Serialize, ToSchema)]
pub struct WebhookObject {
    id: i64,
    #[schema(example = "https://hr.example.uz/davomat-events")]
    url: String,
    #[schema(example = json!(["clock.in", "clock.out"]))]
    events: Vec<String>,
    active: bool,
    /// When it was made, `YYYY-MM-DDTHH:MM:SSZ`.
    #[schema(example = "2025-03-04T09:00:00Z")]
    created_at: String,
}

impl WebhookObject {
    fn of(webhook: &Webhook) -> WebhookObject {
        WebhookObject {
            id: webhook.id,
            url: webhook.url.clone(),
            events: webhook
                .events
                .split(',')
                .filter(|e| !e.is_empty())
                .map(String::from)
                .collect(),
            active: webhook.active,
            created_at: utc_text(webhook.created_at),
        }
    }
}

/// A subscription just made, with the secret its deliveries are signed with (shown
/// only here).
#[derive(Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    webhook: WebhookObject,
    /// The HMAC-SHA256 key of `X-Davomat-Signature` (docs/webhooks.md).
    #[schema(pattern = "^[0-9a-f]{40}$")]
    secret: String,
}

/// One delivery of the log.
#[derive(Serialize, ToSchema)]
pub struct DeliveryObject {
    id: i64,
    #[schema(example = "clock.in")]
    event: String,
    /// `pending`, `delivered` or `failed` (given up after a day of tries).
    #[schema(example = "delivered")]
    status: String,
    attempts: i32,
    /// The receiver's last HTTP status, if it answered.
    last_status: Option<i32>,
    /// Why the last attempt failed.
    last_error: Option<String>,
    #[schema(example = "2025-03-04T09:00:00Z")]
    created_at: String,
    /// When a pending delivery is tried next.
    next_attempt_at: Option<String>,
    delivered_at: Option<String>,
    /// The body that is (or was) POSTed.
    #[schema(value_type = Object)]
    payload: serde_json::Value,
}

impl DeliveryObject {
    fn of(delivery: Delivery) -> DeliveryObject {
        DeliveryObject {
            id: delivery.id,
            next_attempt_at: (delivery.status == "pending")
                .then(|| utc_text(delivery.next_attempt_at)),
            event: delivery.event,
            status: delivery.status,
            attempts: delivery.attempts,
            last_status: delivery.last_status,
            last_error: delivery.last_error,
            created_at: utc_text(delivery.created_at),
            delivered_at: delivery.delivered_at.map(utc_text),
            payload: serde_json::from_str(&delivery.payload).unwrap_or_default(),
        }
    }
}

fn destinations(state: &AppState) -> Destinations {
    Destinations {
        allow_private: state.config.webhook_allow_private,
    }
}

/// List the webhooks (ext, admin)
#[utoipa::path(get, path = "/v1/webhooks", tag = "Webhooks", params(Paging),
    responses((status = 200, description = "One page of subscriptions", body = Envelope<WebhookObject>)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Envelope<WebhookObject>>> {
    let all = use_cases::list(&state.store, &caller).await?;
    let total = all.len() as u64;
    let items = all
        .iter()
        .skip(list.page.offset() as usize)
        .take(list.page.per_page as usize)
        .map(WebhookObject::of)
        .collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// Subscribe a URL (ext, admin)
///
/// Deliveries are POSTed there, signed with the secret answered here (once).
#[utoipa::path(post, path = "/v1/webhooks", tag = "Webhooks",
    request_body(content(
        (WebhookRequest = "application/json"),
        (WebhookRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "The subscription and its secret", body = CreatedWebhook),
        (status = 422, description = "url or events missing (8002); a URL that is not http(s), does not resolve or resolves to a private address, an unknown event (8003)", body = ValidationBody),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<CreatedWebhook>)> {
    davomat_app::company::authorize(&caller)?;
    let new: WebhookRequest = body_fields(request).await?.request()?;
    let made = use_cases::create(
        &state.store,
        &caller,
        new,
        destinations(&state),
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhook {
            secret: made.secret.clone(),
            webhook: WebhookObject::of(&made),
        }),
    ))
}

/// A webhook (ext, admin)
#[utoipa::path(get, path = "/v1/webhooks/{id}", tag = "Webhooks",
    params(("id" = i64, Path, description = "The subscription's id")),
    responses(
        (status = 200, description = "The subscription", body = WebhookObject),
        (status = 404, description = "No such subscription in the company (3000)", body = ErrorBody),
    ))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<WebhookObject>> {
    davomat_app::company::authorize(&caller)?;
    let id = path_id(&id)?;
    let webhook = use_cases::get(&state.store, &caller, id).await?;
    Ok(Json(WebhookObject::of(&webhook)))
}

/// Change a webhook (ext, admin)
///
/// Partial: absent fields stay.
#[utoipa::path(put, path = "/v1/webhooks/{id}", tag = "Webhooks",
    params(("id" = i64, Path, description = "The subscription's id")),
    request_body(content(
        (WebhookRequest = "application/json"),
        (WebhookRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The subscription", body = WebhookObject),
        (status = 404, description = "No such subscription in the company (3000)", body = ErrorBody),
        (status = 422, description = "As for POST", body = ValidationBody),
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<WebhookObject>> {
    davomat_app::company::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::get(&state.store, &caller, id).await?;
    let change: WebhookRequest = body_fields(request).await?.request()?;
    let webhook =
        use_cases::update(&state.store, &caller, id, change, destinations(&state)).await?;
    Ok(Json(WebhookObject::of(&webhook)))
}

/// Remove a webhook (ext, admin)
///
/// Its pending deliveries are not sent; its delivery log goes with it.
#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "Webhooks",
    params(("id" = i64, Path, description = "The subscription's id")),
    responses(
        (status = 200, description = "Removed", body = MessageBody),
        (status = 404, description = "No such subscription in the company (3000)", body = ErrorBody),
    ))]
async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    davomat_app::company::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::remove(&state.store, &caller, id).await?;
    Ok(Json(MessageBody::success()))
}

/// A webhook's delivery log (ext, admin)
///
/// Newest first: each delivery's status, attempts, the receiver's last answer or error.
#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries", tag = "Webhooks",
    params(("id" = i64, Path, description = "The subscription's id"), Paging),
    responses(
        (status = 200, description = "One page of deliveries", body = Envelope<DeliveryObject>),
        (status = 404, description = "No such subscription in the company (3000)", body = ErrorBody),
    ))]
async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    list: ListRequest,
) -> ApiResult<Json<Envelope<DeliveryObject>>> {
    davomat_app::company::authorize(&caller)?;
    let id = path_id(&id)?;
    let (rows, total) = use_cases::deliveries(&state.store, &caller, id, list.page).await?;
    let items = rows.into_iter().map(DeliveryObject::of).collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// Send a delivery again (ext, admin)
///
/// Pending at once, tried for another day.
#[utoipa::path(post, path = "/v1/webhooks/{id}/deliveries/{delivery_id}/resend", tag = "Webhooks",
    params(
        ("id" = i64, Path, description = "The subscription's id"),
        ("delivery_id" = i64, Path, description = "The delivery's id"),
    ),
    responses(
        (status = 200, description = "Queued again", body = MessageBody),
        (status = 404, description = "No such subscription or delivery in the company (3000)", body = ErrorBody),
    ))]
async fn resend(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, delivery)): Path<(String, String)>,
) -> ApiResult<Json<MessageBody>> {
    davomat_app::company::authorize(&caller)?;
    let id = path_id(&id)?;
    let delivery = path_id(&delivery)?;
    use_cases::resend(&state.store, &caller, id, delivery, state.clock.now()).await?;
    Ok(Json(MessageBody::success()))
}
