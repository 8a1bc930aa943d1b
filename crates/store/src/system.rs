//! Server-wide state shared by every node through the database: the maintenance flag.

use sea_orm::FromQueryResult;

use crate::{Store, StoreResult, sql};

#[derive(FromQueryResult)]
struct StateRow {
    value: String,
}

/// True when maintenance mode is on.
pub async fn maintenance(store: &Store) -> StoreResult<bool> {
    let row: Option<StateRow> = sql::one(
        store.conn(),
        "SELECT value FROM system_state WHERE key = 'maintenance'",
        vec![],
    )
    .await?;
    Ok(row.is_some_and(|r| r.value == "on"))
}

/// Turns maintenance mode on or off.
pub async fn set_maintenance(store: &Store, on: bool) -> StoreResult<()> {
    let value = if on { "on" } else { "off" };
    sql::execute(
        store.conn(),
        "INSERT INTO system_state (key, value) VALUES ('maintenance', $1) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        vec![value.into()],
    )
    .await?;
    Ok(())
}
