//! Webhooks (migration 0019): a company's subscriptions, and the outbox of their
//! deliveries. [`enqueue`] writes one delivery per event and active subscription that
//! asked for it, on the connection of the change that caused the event (its
//! transaction), so that the change and its deliveries commit together; [`claim_due`]
//! hands due deliveries to one node's worker (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
//! the single writer on SQLite), which records each attempt with [`delivered`] or
//! [`attempt_failed`]. A claim lasts [`CLAIM_SECONDS`]: a node that dies mid-delivery
//! leaves it to be claimed again (delivered at least once).

use davomat_core::CompanyId;
use davomat_core::page::PageRequest;
use davomat_core::webhooks::{RETRY_FOR_SECONDS, WebhookEvent};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};

use crate::{Store, StoreResult, sql};

/// How long a delivered or given-up delivery stays in the log (30 days).
pub const KEEP_FINISHED_SECONDS: i64 = 30 * 24 * 3600;

/// Rows deleted per statement when the log is pruned.
const PRUNED_PER_STATEMENT: i64 = 10_000;

/// Deletes the deliveries delivered or given up whose event is older than
/// [`KEEP_FINISHED_SECONDS`] before `now` (pending ones stay, however old), a bounded
/// number per statement so that no prune holds the writer long. Answers how many went.
pub async fn prune_finished(store: &Store, now: i64) -> StoreResult<u64> {
    let mut pruned = 0;
    loop {
        let writer = store.write_connection().await;
        writer.changes_nothing_cached();
        let gone = sql::execute(
            &writer,
            "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries \
             WHERE status IN ('delivered', 'failed') AND created_at < $1 LIMIT $2)",
            vec![
                (now - KEEP_FINISHED_SECONDS).into(),
                PRUNED_PER_STATEMENT.into(),
            ],
        )
        .await?;
        pruned += gone;
        if gone < PRUNED_PER_STATEMENT as u64 {
            return Ok(pruned);
        }
    }
}

/// How long a claimed delivery is a node's before another may claim it again.
pub const CLAIM_SECONDS: i64 = 60;

/// A subscription.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct Webhook {
    pub id: i64,
    pub company_id: i64,
    pub url: String,
    pub secret: String,
    /// Event names, comma-separated.
    pub events: String,
    pub active: bool,
    pub created_at: i64,
}

impl Webhook {
    pub fn wants(&self, event: WebhookEvent) -> bool {
        names(&self.events, event)
    }
}

/// Whether a subscription's comma-separated event names include `event`.
fn names(events: &str, event: WebhookEvent) -> bool {
    events.split(',').any(|e| e.trim() == event.name())
}

const WEBHOOK: &str =
    "SELECT id, company_id, url, secret, events, active, created_at FROM webhooks";

/// What a subscription is made or changed with.
#[derive(Clone, Debug)]
pub struct WebhookFields {
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub active: bool,
}

fn events_text(events: &[WebhookEvent]) -> String {
    events
        .iter()
        .map(|e| e.name())
        .collect::<Vec<_>>()
        .join(",")
}

pub async fn create(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    fields: &WebhookFields,
    secret: &str,
    now: i64,
) -> StoreResult<i64> {
    sql::insert(
        conn,
        "INSERT INTO webhooks (company_id, url, secret, events, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            company.0.into(),
            fields.url.clone().into(),
            secret.into(),
            events_text(&fields.events).into(),
            fields.active.into(),
            now.into(),
        ],
    )
    .await
}

/// The company's subscriptions, oldest first.
pub async fn list(conn: &impl ConnectionTrait, company: CompanyId) -> StoreResult<Vec<Webhook>> {
    sql::all(
        conn,
        &format!("{WEBHOOK} WHERE company_id = $1 ORDER BY id"),
        vec![company.0.into()],
    )
    .await
}

pub async fn get(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
) -> StoreResult<Option<Webhook>> {
    sql::one(
        conn,
        &format!("{WEBHOOK} WHERE id = $1 AND company_id = $2"),
        vec![id.into(), company.0.into()],
    )
    .await
}

/// Changes a subscription; false when it is not the company's.
pub async fn update(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
    fields: &WebhookFields,
) -> StoreResult<bool> {
    let changed = sql::execute(
        conn,
        "UPDATE webhooks SET url = $3, events = $4, active = $5 WHERE id = $1 AND company_id = $2",
        vec![
            id.into(),
            company.0.into(),
            fields.url.clone().into(),
            events_text(&fields.events).into(),
            fields.active.into(),
        ],
    )
    .await?;
    Ok(changed > 0)
}

/// Removes a subscription and its delivery log; false when it is not the company's.
pub async fn delete(conn: &impl ConnectionTrait, company: CompanyId, id: i64) -> StoreResult<bool> {
    sql::execute(
        conn,
        "DELETE FROM webhook_deliveries WHERE webhook_id = $1 AND company_id = $2",
        vec![id.into(), company.0.into()],
    )
    .await?;
    let removed = sql::execute(
        conn,
        "DELETE FROM webhooks WHERE id = $1 AND company_id = $2",
        vec![id.into(), company.0.into()],
    )
    .await?;
    Ok(removed > 0)
}

#[derive(FromQueryResult)]
struct Subscriber {
    id: i64,
    events: String,
}

/// The company's active subscriptions to any of `events` (ids only: no secret is read).
pub async fn subscribers(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    events: &[WebhookEvent],
) -> StoreResult<Vec<i64>> {
    let active: Vec<Subscriber> = sql::all(
        conn,
        "SELECT id, events FROM webhooks WHERE company_id = $1 AND active = $2",
        vec![company.0.into(), true.into()],
    )
    .await?;
    Ok(active
        .into_iter()
        .filter(|s| events.iter().any(|event| names(&s.events, *event)))
        .map(|s| s.id)
        .collect())
}

/// Rows per statement when deliveries are written.
const ROWS_PER_INSERT: usize = 200;

/// Writes the deliveries of events of one kind (`payloads`, each a JSON body) to every
/// active subscription of the company that asked for it; answers how many. Run it on
/// the connection of the change (its transaction).
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    event: WebhookEvent,
    payloads: &[String],
    now: i64,
) -> StoreResult<u64> {
    if payloads.is_empty() {
        return Ok(0);
    }
    let targets = subscribers(conn, company, &[event]).await?;
    if targets.is_empty() {
        return Ok(0);
    }
    let rows: Vec<(i64, &String)> = targets
        .iter()
        .flat_map(|target| payloads.iter().map(move |p| (*target, p)))
        .collect();
    let mut written = 0;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut values: Vec<Value> = vec![
            company.0.into(),
            event.name().into(),
            now.into(),
            (now + RETRY_FOR_SECONDS).into(),
        ];
        let mut marks = Vec::new();
        for (target, payload) in chunk {
            values.push((*target).into());
            values.push((*payload).clone().into());
            let (w, p) = (values.len() - 1, values.len());
            marks.push(format!("($1, ${w}, $2, ${p}, 'pending', 0, $3, $3, $4)"));
        }
        written += sql::execute(
            conn,
            &format!(
                "INSERT INTO webhook_deliveries (company_id, webhook_id, event, payload, status, \
                 attempts, next_attempt_at, created_at, expires_at) VALUES {}",
                marks.join(", ")
            ),
            values,
        )
        .await?;
    }
    Ok(written)
}

/// A delivery claimed for sending, with where and how to sign it.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Due {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub payload: String,
    pub attempts: i32,
    pub expires_at: i64,
    pub url: String,
    pub secret: String,
}

#[derive(FromQueryResult)]
struct Claimed {
    id: i64,
}

/// Claims up to `limit` due deliveries (pending, their time come, not claimed by a node
/// in the last [`CLAIM_SECONDS`]) for this node; each goes to one node only.
pub async fn claim_due(store: &Store, now: i64, limit: u64) -> StoreResult<Vec<Due>> {
    let pick = "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 \
                AND (claimed_until IS NULL OR claimed_until <= $1) ORDER BY next_attempt_at, id LIMIT $2";
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    let locking = match writer.get_database_backend() {
        DbBackend::Postgres => " FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    let claimed: Vec<Claimed> = sql::all(
        &writer,
        &format!(
            "UPDATE webhook_deliveries SET claimed_until = $3 WHERE id IN ({pick}{locking}) RETURNING id"
        ),
        vec![now.into(), (limit as i64).into(), (now + CLAIM_SECONDS).into()],
    )
    .await?;
    drop(writer);
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = claimed.iter().map(|c| c.id.to_string()).collect();
    sql::all(
        store.connection(),
        &format!(
            "SELECT d.id, d.webhook_id, d.event, d.payload, d.attempts, d.expires_at, w.url, w.secret \
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.id IN ({}) ORDER BY d.id",
            ids.join(", ")
        ),
        vec![],
    )
    .await
}

/// The receiver answered 2xx.
pub async fn delivered(
    conn: &impl ConnectionTrait,
    id: i64,
    status: u16,
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, \
         last_status = $2, last_error = NULL, delivered_at = $3, claimed_until = NULL WHERE id = $1",
        vec![id.into(), i32::from(status).into(), now.into()],
    )
    .await?;
    Ok(())
}

/// An attempt failed (`status` when the receiver answered); tried again at `retry_at`,
/// or given up (`failed`) when that is `None`.
pub async fn attempt_failed(
    conn: &impl ConnectionTrait,
    id: i64,
    status: Option<u16>,
    error: &str,
    retry_at: Option<i64>,
) -> StoreResult<()> {
    let error: String = error.chars().take(500).collect();
    sql::execute(
        conn,
        "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, last_status = $3, \
         last_error = $4, next_attempt_at = COALESCE($5, next_attempt_at), claimed_until = NULL \
         WHERE id = $1",
        vec![
            id.into(),
            if retry_at.is_some() {
                "pending"
            } else {
                "failed"
            }
            .into(),
            status.map(i32::from).into(),
            error.into(),
            retry_at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// A delivery in the log.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct Delivery {
    pub id: i64,
    pub event: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

/// A subscription's deliveries, newest first, a page of them, and how many in all.
pub async fn deliveries(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    webhook: i64,
    page: PageRequest,
) -> StoreResult<(Vec<Delivery>, u64)> {
    let total = sql::scalar(
        conn,
        "SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1 AND company_id = $2",
        vec![webhook.into(), company.0.into()],
    )
    .await?
    .unwrap_or(0);
    let rows = sql::all(
        conn,
        "SELECT id, event, payload, status, attempts, next_attempt_at, last_status, last_error, \
         created_at, delivered_at FROM webhook_deliveries WHERE webhook_id = $1 AND company_id = $2 \
         ORDER BY id DESC LIMIT $3 OFFSET $4",
        vec![
            webhook.into(),
            company.0.into(),
            (page.per_page as i64).into(),
            (page.offset() as i64).into(),
        ],
    )
    .await?;
    Ok((rows, u64::try_from(total).unwrap_or(0)))
}

/// Sends a delivery again: pending now, tried for another day; false when it is not the
/// subscription's (of the company).
pub async fn resend(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    webhook: i64,
    delivery: i64,
    now: i64,
) -> StoreResult<bool> {
    let changed = sql::execute(
        conn,
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $4, expires_at = $5, \
         claimed_until = NULL WHERE id = $1 AND webhook_id = $2 AND company_id = $3",
        vec![
            delivery.into(),
            webhook.into(),
            company.0.into(),
            now.into(),
            (now + RETRY_FOR_SECONDS).into(),
        ],
    )
    .await?;
    Ok(changed > 0)
}

/// A device that has just gone offline.
#[derive(Clone, Debug, FromQueryResult)]
pub struct WentOffline {
    pub id: i64,
    pub company_id: i64,
    pub serial_number: String,
    pub kind: String,
    pub last_request_at: i64,
}

/// Marks the devices not heard from since `silent_since` (and heard from before) as
/// announced offline, and answers them — each once, whichever node asks first. Run it
/// in the transaction that writes their deliveries.
pub async fn went_offline(
    conn: &impl ConnectionTrait,
    silent_since: i64,
) -> StoreResult<Vec<WentOffline>> {
    sql::all(
        conn,
        "UPDATE devices SET offline_announced = TRUE WHERE offline_announced = FALSE \
         AND last_request_at IS NOT NULL AND last_request_at < $1 \
         RETURNING id, company_id, serial_number, kind, last_request_at",
        vec![silent_since.into()],
    )
    .await
}

/// The outbox as `/metrics` shows it: deliveries waiting, and the age in seconds of the
/// oldest due one (the delivery lag).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outbox {
    pub pending: i64,
    pub lag_seconds: i64,
}

#[derive(FromQueryResult)]
struct OutboxRow {
    pending: i64,
    oldest: Option<i64>,
}

pub async fn outbox(conn: &impl ConnectionTrait, now: i64) -> StoreResult<Outbox> {
    let row: Option<OutboxRow> = sql::one(
        conn,
        "SELECT count(*) AS pending, min(CASE WHEN next_attempt_at <= $1 THEN created_at END) AS oldest \
         FROM webhook_deliveries WHERE status = 'pending'",
        vec![now.into()],
    )
    .await?;
    Ok(row.map_or_else(Outbox::default, |r| Outbox {
        pending: r.pending,
        lag_seconds: r.oldest.map_or(0, |oldest| (now - oldest).max(0)),
    }))
}
