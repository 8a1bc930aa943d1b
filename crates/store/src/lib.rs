//! davomat-store: persistence on SQLite (the embedded default) and PostgreSQL, through
//! one code path: sea-orm's connection and query types, one migration set, and SQL
//! written once with `$n` placeholders, which both backends accept.
//!
//! Every function that reads or writes company data takes the company id: tenancy
//! lives in the query. Instants are unix seconds (UTC).

pub mod activity;
pub mod attendance;
pub mod backup;
pub mod biometrics;
pub mod clients;
pub mod clock_events;
pub mod companies;
mod connect;
pub mod console_sessions;
pub mod copy;
pub mod demo;
pub mod departments;
pub mod device_commands;
pub mod devices;
pub mod employees;
mod error;
pub mod faces;
pub mod file_exports;
pub mod holidays;
pub mod imports;
pub mod kiosks;
pub mod locations;
mod migration;
pub mod password_resets;
pub mod payroll;
pub mod positions;
pub mod profiles;
pub mod read_cache;
pub mod schedules;
pub mod scope;
pub mod secrets;
mod sql;
pub mod system;
pub mod terminal_users;
pub mod terminals;
pub mod testing;
pub mod text;
pub mod time_off_types;
pub mod time_offs;
pub mod titles;
pub mod tokens;
pub mod users;
pub mod webhooks;
mod writer;

pub use connect::{Backend, PoolStatus, Store, redact_url};
pub use error::{StoreError, StoreResult, Unique};
pub use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement, TransactionTrait};
pub use writer::{WriteConnection, WriteTransaction, Writer};

/// Commits a transaction begun with [`Store::begin`].
pub async fn commit(txn: WriteTransaction) -> StoreResult<()> {
    txn.commit().await
}
