//! What one node changes, every node forgets: the read caches' invalidations
//! (davomat_store::read_cache) travel between the nodes of one database through Redis
//! pub/sub when `DAVOMAT_REDIS_URL` is set.
//!
//! Each node publishes what its writes changed on [`CHANNEL`] as one line — its own id,
//! then the dependencies (`e:7 u:3`), or `*` for everything — and applies what the
//! others publish. A node drops everything it cached whenever its subscription
//! (re)starts, since it may have missed messages meanwhile; without a subscription a
//! cached value still lives at most 2 s. The operators' commands publish too, and wait
//! until their message is out ([`Spreader::flush`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use davomat_store::Store;
use davomat_store::read_cache::{Changed, Dependency, Invalidations};
use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use tokio::sync::mpsc;

/// The Redis channel of the invalidations.
pub const CHANNEL: &str = "davomat:invalidations";

/// Changes coalesced into one message at most.
const BATCH: usize = 256;

/// This node's side of the spreading: its id, its store's invalidations, and how many
/// it has published.
#[derive(Clone, Debug)]
pub struct Spreader {
    node: Arc<str>,
    invalidations: Arc<Invalidations>,
    published: Arc<AtomicU64>,
}

impl Spreader {
    /// Starts publishing `store`'s invalidations to Redis at `url` and, when `listen`,
    /// applying the other nodes' (a server listens; a one-shot command does not).
    pub async fn start(store: &Store, url: &str, listen: bool) -> Result<Spreader, String> {
        let client = redis::Client::open(url).map_err(|e| e.to_string())?;
        let connection = ConnectionManager::new(client.clone())
            .await
            .map_err(|e| e.to_string())?;
        let spreader = Spreader {
            node: davomat_store::secrets::random_hex(8).into(),
            invalidations: Arc::clone(store.invalidations()),
            published: Arc::new(AtomicU64::new(0)),
        };
        let (outbox, inbox) = mpsc::unbounded_channel();
        store.invalidations().send_to(outbox);
        tokio::spawn(publish(spreader.clone(), connection, inbox));
        if listen {
            tokio::spawn(listen_to_others(
                spreader.node.clone(),
                client,
                Arc::clone(store.invalidations()),
            ));
        }
        Ok(spreader)
    }

    /// Waits (at most `limit`) until every invalidation handed over so far is published.
    pub async fn flush(&self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while self.published.load(Ordering::Acquire) < self.invalidations.sent()
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// One message: this node's id, then `*` or the dependencies.
fn message(node: &str, batch: &[Changed]) -> String {
    let mut text = node.to_string();
    if batch.contains(&Changed::Everything) {
        text.push_str(" *");
        return text;
    }
    for changed in batch {
        if let Changed::Some(list) = changed {
            for dependency in list {
                text.push(' ');
                text.push_str(&dependency.to_string());
            }
        }
    }
    text
}

/// Reads a message: the sender's id and what changed (`None` for an unreadable one).
fn read_message(text: &str) -> Option<(&str, Changed)> {
    let mut words = text.split_whitespace();
    let node = words.next()?;
    let rest: Vec<&str> = words.collect();
    if rest == ["*"] {
        return Some((node, Changed::Everything));
    }
    let list: Result<Vec<Dependency>, _> = rest.iter().map(|w| w.parse()).collect();
    Some((node, Changed::Some(list.ok()?)))
}

async fn publish(
    spreader: Spreader,
    mut connection: ConnectionManager,
    mut inbox: mpsc::UnboundedReceiver<Changed>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    while inbox.recv_many(&mut batch, BATCH).await > 0 {
        let text = message(&spreader.node, &batch);
        let sent: redis::RedisResult<()> = redis::cmd("PUBLISH")
            .arg(CHANNEL)
            .arg(&text)
            .query_async(&mut connection)
            .await;
        if let Err(err) = sent {
            tracing::warn!(error = %err, "invalidation not published; other nodes see the change within 2 s");
        }
        spreader
            .published
            .fetch_add(batch.len() as u64, Ordering::AcqRel);
        batch.clear();
    }
}

async fn listen_to_others(
    node: Arc<str>,
    client: redis::Client,
    invalidations: Arc<Invalidations>,
) {
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(CHANNEL).await {
                Ok(()) => {
                    // Whatever was announced while we were not listening is lost.
                    invalidations.forget_all();
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        let Ok(text) = message.get_payload::<String>() else {
                            continue;
                        };
                        match read_message(&text) {
                            Some((from, _)) if from == &*node => {}
                            Some((_, changed)) => {
                                invalidations.invalidate_from_another_node(&changed)
                            }
                            None => {
                                tracing::warn!(message = %text, "unreadable invalidation; dropping every cached value");
                                invalidations.forget_all();
                            }
                        }
                    }
                    tracing::warn!("invalidation subscription lost; reconnecting");
                }
                Err(err) => tracing::warn!(error = %err, "cannot subscribe to invalidations"),
            },
            Err(err) => tracing::warn!(error = %err, "cannot reach Redis for invalidations"),
        }
        invalidations.forget_all();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use davomat_core::{EmployeeId, UserId};

    #[test]
    fn messages_carry_the_node_and_what_changed() {
        let batch = [
            Changed::Some(vec![Dependency::Employee(EmployeeId(7))]),
            Changed::Some(vec![Dependency::User(UserId(3))]),
        ];
        let text = message("n1", &batch);
        assert_eq!(text, "n1 e:7 u:3");
        assert_eq!(
            read_message(&text),
            Some((
                "n1",
                Changed::Some(vec![
                    Dependency::Employee(EmployeeId(7)),
                    Dependency::User(UserId(3))
                ])
            ))
        );
        let everything = message("n2", &[batch[0].clone(), Changed::Everything]);
        assert_eq!(everything, "n2 *");
        assert_eq!(read_message(&everything), Some(("n2", Changed::Everything)));
        assert_eq!(read_message("n3 x:1"), None);
    }
}
