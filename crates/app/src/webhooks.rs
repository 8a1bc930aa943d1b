//! Webhooks (CONTRACT.md §9): admins subscribe URLs of theirs to events, read each
//! subscription's delivery log and send a delivery again; and the changes that are
//! events write their deliveries in their own transaction ([`clock_events`]). Like the
//! company's other settings (API clients), subscriptions write no activity row. A URL
//! must be `http` or `https` and must not resolve to a loopback or private address
//! unless the operator allows it (`DAVOMAT_WEBHOOK_ALLOW_PRIVATE=1`): 8003 on `url`.

use std::collections::BTreeMap;

use davomat_core::CompanyId;
use davomat_core::dates::utc_text;
use davomat_core::engine::EventKind;
use davomat_core::page::PageRequest;
use davomat_core::validation::{FieldCode, FieldErrors, Reason};
use davomat_core::webhooks::{self as rules, WebhookEvent};
use davomat_store::clock_events::NewEvent;
use davomat_store::text::StoredText;
use davomat_store::webhooks::{self as stored, Delivery, Webhook, WebhookFields};
use davomat_store::{ConnectionTrait, Store, secrets};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::Sent;

/// What the operator allows a webhook to reach.
#[derive(Clone, Copy, Debug, Default)]
pub struct Destinations {
    /// Loopback and private networks too (`DAVOMAT_WEBHOOK_ALLOW_PRIVATE=1`).
    pub allow_private: bool,
}

/// A subscription as an admin sends it (all fields on create; those sent on update).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = WebhookRequest)]
pub struct WebhookRequest {
    /// Where deliveries are POSTed: `http://` or `https://`, at most 2000 characters.
    #[schema(value_type = String, example = "https://hr.example.uz/davomat-events")]
    #[serde(default)]
    pub url: Sent<String>,
    /// The events wanted: `clock.in`, `clock.out`, `employee.created`,
    /// `employee.updated`, `employee.dismissed`, `timeoff.created`, `timeoff.accepted`,
    /// `timeoff.rejected`, `device.offline`.
    #[schema(value_type = Vec<String>, example = json!(["clock.in", "clock.out"]))]
    #[serde(default)]
    pub events: Sent<Vec<String>>,
    /// Whether deliveries are made (default true).
    #[schema(value_type = Option<bool>)]
    #[serde(default)]
    pub active: Sent<bool>,
}

fn authorize(caller: &Caller) -> AppResult<()> {
    crate::company::authorize(caller)
}

/// The caller's company's subscriptions.
pub async fn list(store: &Store, caller: &Caller) -> AppResult<Vec<Webhook>> {
    authorize(caller)?;
    Ok(stored::list(store.connection(), caller.company_id).await?)
}

pub async fn get(store: &Store, caller: &Caller, id: i64) -> AppResult<Webhook> {
    authorize(caller)?;
    stored::get(store.connection(), caller.company_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A new subscription with a new signing secret (answered in the subscription).
pub async fn create(
    store: &Store,
    caller: &Caller,
    request: WebhookRequest,
    destinations: Destinations,
    now: i64,
) -> AppResult<Webhook> {
    authorize(caller)?;
    let mut errors = FieldErrors::new();
    let url = request.url.required("url", &mut errors);
    let events = request.events.required("events", &mut errors);
    let active = request
        .active
        .optional("active", &mut errors)
        .unwrap_or(true);
    let fields = checked(url, events, active, destinations, &mut errors).await;
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let secret = secrets::new_token();
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    let id = stored::create(&writer, caller.company_id, &fields, &secret, now).await?;
    drop(writer);
    get(store, caller, id).await
}

/// Changes what was sent of a subscription.
pub async fn update(
    store: &Store,
    caller: &Caller,
    id: i64,
    request: WebhookRequest,
    destinations: Destinations,
) -> AppResult<Webhook> {
    let current = get(store, caller, id).await?;
    let mut errors = FieldErrors::new();
    let url = request
        .url
        .optional("url", &mut errors)
        .or(Some(current.url.clone()));
    let events = request
        .events
        .optional("events", &mut errors)
        .or_else(|| Some(current.events.split(',').map(str::to_string).collect()));
    let active = request
        .active
        .optional("active", &mut errors)
        .unwrap_or(current.active);
    let fields = checked(url, events, active, destinations, &mut errors).await;
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    if !stored::update(&writer, caller.company_id, id, &fields).await? {
        return Err(AppError::NotFound);
    }
    drop(writer);
    get(store, caller, id).await
}

/// Removes a subscription and its delivery log.
pub async fn remove(store: &Store, caller: &Caller, id: i64) -> AppResult<()> {
    authorize(caller)?;
    let txn = store.begin().await?;
    txn.changes_nothing_cached();
    if !stored::delete(&txn, caller.company_id, id).await? {
        return Err(AppError::NotFound);
    }
    txn.commit().await?;
    Ok(())
}

/// A subscription's delivery log, newest first.
pub async fn deliveries(
    store: &Store,
    caller: &Caller,
    id: i64,
    page: PageRequest,
) -> AppResult<(Vec<Delivery>, u64)> {
    get(store, caller, id).await?;
    Ok(stored::deliveries(store.connection(), caller.company_id, id, page).await?)
}

/// Sends a delivery of the subscription again (a day of tries from now).
pub async fn resend(
    store: &Store,
    caller: &Caller,
    id: i64,
    delivery: i64,
    now: i64,
) -> AppResult<()> {
    get(store, caller, id).await?;
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    if !stored::resend(&writer, caller.company_id, id, delivery, now).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The checked fields, or `None` with the reasons in `errors`.
async fn checked(
    url: Option<String>,
    events: Option<Vec<String>>,
    active: bool,
    destinations: Destinations,
    errors: &mut FieldErrors,
) -> Option<WebhookFields> {
    let url = url.map(|u| u.trim().to_string());
    if let Some(url) = &url
        && let Err(reason) = reachable(url, destinations).await
    {
        errors.add("url", FieldCode::InvalidValue, reason);
    }
    let events = events.and_then(|names| {
        let mut chosen = Vec::new();
        for name in &names {
            match WebhookEvent::parse(name.trim()) {
                Some(event) if !chosen.contains(&event) => chosen.push(event),
                Some(_) => {}
                None => {
                    errors.add("events", FieldCode::InvalidValue, Reason::Plain);
                    return None;
                }
            }
        }
        if chosen.is_empty() {
            errors.add("events", FieldCode::Required, Reason::Plain);
            return None;
        }
        Some(chosen)
    });
    Some(WebhookFields {
        url: url?,
        events: events?,
        active,
    })
}

/// Whether a URL may be a webhook's (`rules::Target::parse`): a host that resolves, and
/// (unless allowed) to no loopback or private address.
async fn reachable(url: &str, destinations: Destinations) -> Result<(), Reason> {
    let target = rules::Target::parse(url).ok_or(Reason::Plain)?;
    let addresses: Vec<std::net::IpAddr> =
        tokio::net::lookup_host((target.host.as_str(), target.port))
            .await
            .map_err(|_| Reason::Plain)?
            .map(|a| a.ip())
            .collect();
    if addresses.is_empty() {
        return Err(Reason::Plain);
    }
    if !destinations.allow_private && addresses.into_iter().any(rules::is_private) {
        return Err(Reason::Rule(davomat_core::validation::Rule::PrivateAddress));
    }
    Ok(())
}

/// An event's body: `{event, company_id, occurred_at, data}`.
fn body(event: WebhookEvent, company: CompanyId, now: i64, data: serde_json::Value) -> String {
    json!({
        "event": event.name(),
        "company_id": company.0,
        "occurred_at": utc_text(now),
        "data": data,
    })
    .to_string()
}

/// Writes the deliveries of one event (`data` its body's `data`) on the connection
/// (transaction) of the change.
pub async fn announce(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    event: WebhookEvent,
    data: serde_json::Value,
    now: i64,
) -> AppResult<()> {
    let payload = body(event, company, now, data);
    stored::enqueue(conn, company, event, &[payload], now).await?;
    Ok(())
}

/// The `data` of a time-off's events.
pub fn time_off_data(time_off: &davomat_store::time_offs::TimeOff) -> serde_json::Value {
    json!({
        "time_off_id": time_off.id.0,
        "employee_id": time_off.employee_id.0,
        "type_id": time_off.type_id.0,
        "start_at": utc_text(time_off.start_at),
        "end_at": utc_text(time_off.end_at),
        "status": time_off.status,
    })
}

/// The per-minute step of every node: devices not heard from for
/// [`crate::adms::ONLINE_WITHIN`] seconds are announced offline (`device.offline`), each
/// once until it is heard from again, in one transaction; answers how many.
pub async fn announce_offline_devices(store: &Store, now: i64) -> AppResult<usize> {
    let txn = store.begin().await?;
    txn.changes_nothing_cached();
    let gone = stored::went_offline(&txn, now - crate::adms::ONLINE_WITHIN).await?;
    for device in &gone {
        let data = json!({
            "device_id": device.id,
            "serial_number": device.serial_number,
            "type": device.kind,
            "last_seen_at": utc_text(device.last_request_at),
        });
        let company = CompanyId(device.company_id);
        announce(&txn, company, WebhookEvent::DeviceOffline, data, now).await?;
    }
    txn.commit().await?;
    Ok(gone.len())
}

/// Writes the `clock.in` / `clock.out` deliveries of stored clock events, on the
/// connection (transaction) that stored them.
pub async fn clock_events(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    events: &[&NewEvent],
    now: i64,
) -> AppResult<()> {
    let mut by_kind: BTreeMap<&'static str, (WebhookEvent, Vec<String>)> = BTreeMap::new();
    for event in events {
        let kind = match event.kind {
            EventKind::In => WebhookEvent::ClockIn,
            EventKind::Out => WebhookEvent::ClockOut,
        };
        let data = json!({
            "employee_id": event.employee_id.0,
            "kind": event.kind.name(),
            "at": utc_text(event.at),
            "location_id": event.location_id.map(|l| l.0),
            "device_id": event.device_id.map(|d| d.0),
            "mode": event.mode.text(),
        });
        by_kind
            .entry(kind.name())
            .or_insert_with(|| (kind, Vec::new()))
            .1
            .push(body(kind, company, now, data));
    }
    for (kind, payloads) in by_kind.into_values() {
        stored::enqueue(conn, company, kind, &payloads, now).await?;
    }
    Ok(())
}

/// Whether the company has an active subscription to clock events (a clock-in without
/// one writes alone, outside a transaction).
pub async fn wants_clock_events(
    conn: &impl ConnectionTrait,
    company: CompanyId,
) -> AppResult<bool> {
    let clock_events = [WebhookEvent::ClockIn, WebhookEvent::ClockOut];
    Ok(!stored::subscribers(conn, company, &clock_events)
        .await?
        .is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn urls_are_checked_before_anything_is_stored() {
        let strict = Destinations::default();
        for bad in [
            "ftp://example.uz/x",
            "example.uz/x",
            "http://",
            "http://user@example.uz/",
            "http://a b/",
        ] {
            assert!(reachable(bad, strict).await.is_err(), "{bad}");
        }
        assert!(matches!(
            reachable("http://127.0.0.1:9/hook", strict).await,
            Err(Reason::Rule(_))
        ));
        let open = Destinations {
            allow_private: true,
        };
        assert!(reachable("http://127.0.0.1:9/hook", open).await.is_ok());
        assert!(reachable("http://[::1]:9/hook", open).await.is_ok());
    }
}
