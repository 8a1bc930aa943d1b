//! Writes on SQLite take turns: one writer of this process at a time, in the order
//! they asked (FIFO), before SQLite's own write lock is even requested.
//!
//! SQLite lets one connection write at a time. A write transaction takes the lock at
//! `BEGIN IMMEDIATE` ([`Store::begin`](crate::Store::begin)), and a connection that
//! finds it taken waits in SQLite's busy handler — which sleeps in growing steps (up to
//! 100 ms) and lets whoever polls at the right moment in first. Under 16 concurrent
//! writers that left some waiting over 2 s while others went ahead. Taking a turn from a
//! fair async mutex first means SQLite's lock is free when a writer asks for it; the
//! busy handler only still matters for other processes (the CLI) on the same file.
//! On PostgreSQL there are no turns: rows are locked, not the database.
//!
//! [`Writer`] is a connection (or transaction) that holds the turn while it lives.

use std::ops::Deref;
use std::sync::Arc;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseExecutor, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, QueryResult, Statement,
};
use sea_orm_migration::async_trait::async_trait;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::StoreResult;

/// The turns of one store's writers (SQLite only).
#[derive(Debug, Default)]
pub(crate) struct WriteTurns(Arc<Mutex<()>>);

impl WriteTurns {
    /// Waits for this process's turn to write.
    pub(crate) async fn take(&self) -> OwnedMutexGuard<()> {
        Arc::clone(&self.0).lock_owned().await
    }
}

/// A connection that may write: on SQLite it holds this process's write turn until it
/// is dropped (or, for a transaction, committed or rolled back).
#[derive(Debug)]
pub struct Writer<C> {
    conn: C,
    _turn: Option<OwnedMutexGuard<()>>,
}

/// A write transaction ([`Store::begin`](crate::Store::begin)): a change and its
/// activity-log row are written in one.
pub type WriteTransaction = Writer<DatabaseTransaction>;

/// The pool, for a single write statement outside a transaction
/// ([`Store::write_connection`](crate::Store::write_connection)).
pub type WriteConnection<'a> = Writer<DatabaseExecutor<'a>>;

impl<C> Writer<C> {
    pub(crate) fn new(conn: C, turn: Option<OwnedMutexGuard<()>>) -> Writer<C> {
        Writer { conn, _turn: turn }
    }
}

impl<'a> Writer<DatabaseExecutor<'a>> {
    pub(crate) fn over(conn: &'a DatabaseConnection, turn: Option<OwnedMutexGuard<()>>) -> Self {
        Writer::new(DatabaseExecutor::Connection(conn), turn)
    }
}

impl Writer<DatabaseTransaction> {
    /// Commits, then gives the turn up.
    pub async fn commit(self) -> StoreResult<()> {
        Ok(self.conn.commit().await?)
    }

    /// Rolls back, then gives the turn up.
    pub async fn rollback(self) -> StoreResult<()> {
        Ok(self.conn.rollback().await?)
    }
}

/// So that a write transaction goes where a `&DatabaseTransaction` is asked for
/// (savepoints: `TransactionTrait::begin(&*txn)`).
impl Deref for Writer<DatabaseTransaction> {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.conn
    }
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync> ConnectionTrait for Writer<C> {
    fn get_database_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.conn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.conn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.conn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.conn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.conn.support_returning()
    }
}
