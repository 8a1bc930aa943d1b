//! Server-wide state shared by every node through the database: the maintenance flag.

use sea_orm::FromQueryResult;

use crate::read_cache::Dependency;
use crate::{Store, StoreResult, sql};

#[derive(FromQueryResult)]
struct StateRow {
    value: String,
}

/// Reads one value of the system state.
pub async fn get(store: &Store, key: &str) -> StoreResult<Option<String>> {
    let row: Option<StateRow> = sql::one(
        store.conn(),
        "SELECT value FROM system_state WHERE key = $1",
        vec![key.into()],
    )
    .await?;
    Ok(row.map(|r| r.value))
}

/// Sets one value of the system state.
pub async fn set(store: &Store, key: &str, value: &str) -> StoreResult<()> {
    // Nothing cached holds the system flags (maintenance), but the change is announced
    // so that every node re-reads them at once.
    let writer = store.write_connection().await;
    writer.changes([Dependency::SystemState]);
    sql::execute(
        &writer,
        "INSERT INTO system_state (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        vec![key.into(), value.into()],
    )
    .await?;
    Ok(())
}

/// True when maintenance mode is on.
pub async fn maintenance(store: &Store) -> StoreResult<bool> {
    Ok(get(store, "maintenance").await?.as_deref() == Some("on"))
}

/// Turns maintenance mode on or off.
pub async fn set_maintenance(store: &Store, on: bool) -> StoreResult<()> {
    set(store, "maintenance", if on { "on" } else { "off" }).await
}
