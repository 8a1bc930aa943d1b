//! Connections that write: they take this process's write turn on SQLite, and they
//! carry what the write changed, announced to the read caches once it is done.
//!
//! **Turns.** SQLite lets one connection write at a time. A write transaction takes the
//! lock at `BEGIN IMMEDIATE` ([`Store::begin`](crate::Store::begin)), and a connection
//! that finds it taken waits in SQLite's busy handler — which sleeps in growing steps (up
//! to 100 ms) and lets whoever polls at the right moment in first. Under 16 concurrent
//! writers that left some waiting over 2 s while others went ahead. Taking a turn from a
//! fair async mutex first means SQLite's lock is free when a writer asks for it; the busy
//! handler only still matters for other processes (the CLI) on the same file. On
//! PostgreSQL there are no turns: rows are locked, not the database.
//!
//! **Changes.** A writer says what it changed ([`Writer::changes`]); a transaction
//! announces it to the read caches after it commits, a single statement
//! ([`Store::write_connection`](crate::Store::write_connection)) when it is dropped. A
//! writer that said nothing announces that everything changed: forgetting to name a
//! change costs cache hits, never a stale answer. [`Writer::changes_nothing_cached`]
//! says, on purpose, that nothing a cache holds was touched.

use std::ops::Deref;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseExecutor, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, QueryResult, Statement,
};
use sea_orm_migration::async_trait::async_trait;

use crate::StoreResult;
use crate::read_cache::{Changed, Dependency, Invalidations};

/// The turns of one store's writers (SQLite only): one writer of this process at a
/// time. A free turn goes to whoever asks first — a writer woken after waiting races
/// with one just arriving — so that the turn never sits idle while a woken writer is
/// being scheduled (strict first-come order left the database idle between writers and
/// cost a fifth of the small writes' throughput; docs/performance.md, issue 12).
#[derive(Debug, Default)]
pub(crate) struct WriteTurns {
    taken: AtomicBool,
    freed: tokio::sync::Notify,
    /// Writers waiting for their turn now (/metrics).
    waiting: AtomicUsize,
}

impl WriteTurns {
    /// Waits for this process's turn to write.
    pub(crate) async fn take(self: &Arc<Self>) -> Turn {
        if self.try_take() {
            return Turn(Arc::clone(self));
        }
        let _counted = Waiting::count(&self.waiting);
        loop {
            if self.try_take() {
                return Turn(Arc::clone(self));
            }
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            // Freed between the first try and the registration: try again now.
            if self.try_take() {
                return Turn(Arc::clone(self));
            }
            freed.await;
        }
    }

    fn try_take(&self) -> bool {
        self.taken
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Writers waiting for their turn now.
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

/// One writer counted as waiting until it gets its turn or gives up (is dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn count(waiting: &'a AtomicUsize) -> Waiting<'a> {
        waiting.fetch_add(1, Ordering::Relaxed);
        Waiting(waiting)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A writer's turn, given back when dropped.
#[derive(Debug)]
pub(crate) struct Turn(Arc<WriteTurns>);

impl Drop for Turn {
    fn drop(&mut self) {
        self.0.taken.store(false, Ordering::Release);
        self.0.freed.notify_one();
    }
}

/// What a write changed, announced when it is done.
#[derive(Debug)]
struct Changes {
    /// `None` until the writer names something: then everything counts as changed.
    named: Mutex<Option<Vec<Dependency>>>,
    invalidations: Arc<Invalidations>,
    /// Announce when dropped (a single statement, or a committed transaction).
    armed: AtomicBool,
}

impl Drop for Changes {
    fn drop(&mut self) {
        if !self.armed.load(Ordering::Acquire) {
            return;
        }
        let named = self.named.lock().unwrap_or_else(|p| p.into_inner()).take();
        let changed = match named {
            Some(list) => Changed::Some(list),
            None => Changed::Everything,
        };
        self.invalidations.invalidate(&changed);
    }
}

/// A connection that may write: on SQLite it holds this process's write turn until it
/// is dropped (or, for a transaction, committed or rolled back), and it carries what
/// the write changed.
#[derive(Debug)]
pub struct Writer<C> {
    conn: C,
    changes: Changes,
    _turn: Option<Turn>,
}

/// A write transaction ([`Store::begin`](crate::Store::begin)): a change and its
/// activity-log row are written in one.
pub type WriteTransaction = Writer<DatabaseTransaction>;

/// The pool, for a single write statement outside a transaction
/// ([`Store::write_connection`](crate::Store::write_connection)).
pub type WriteConnection<'a> = Writer<DatabaseExecutor<'a>>;

impl<C> Writer<C> {
    fn new(
        conn: C,
        invalidations: &Arc<Invalidations>,
        turn: Option<Turn>,
        announce_on_drop: bool,
    ) -> Writer<C> {
        Writer {
            conn,
            changes: Changes {
                named: Mutex::new(None),
                invalidations: Arc::clone(invalidations),
                armed: AtomicBool::new(announce_on_drop),
            },
            _turn: turn,
        }
    }

    /// Names what this write changes, for the read caches (crate::read_cache).
    pub fn changes(&self, changed: impl IntoIterator<Item = Dependency>) {
        let mut named = self.changes.named.lock().unwrap_or_else(|p| p.into_inner());
        named.get_or_insert_with(Vec::new).extend(changed);
    }

    /// Says that this write touches nothing a read cache holds (a new token, a device's
    /// last request time, an acknowledged command).
    pub fn changes_nothing_cached(&self) {
        self.changes(std::iter::empty());
    }
}

impl Writer<DatabaseTransaction> {
    pub(crate) fn transaction(
        txn: DatabaseTransaction,
        invalidations: &Arc<Invalidations>,
        turn: Option<Turn>,
    ) -> Self {
        Writer::new(txn, invalidations, turn, false)
    }

    /// Commits, announces what changed, then gives the turn up. Armed before the commit
    /// is awaited: if the request is cancelled while its commit is in flight (a time
    /// limit, a client gone), the commit may still land, and its change must still be
    /// announced; a failed commit only drops values that were still right.
    pub async fn commit(self) -> StoreResult<()> {
        let Writer {
            conn,
            changes,
            _turn,
        } = self;
        changes.armed.store(true, Ordering::Release);
        conn.commit().await?;
        drop(changes);
        Ok(())
    }

    /// Rolls back (nothing changed), then gives the turn up.
    pub async fn rollback(self) -> StoreResult<()> {
        Ok(self.conn.rollback().await?)
    }
}

impl<'a> Writer<DatabaseExecutor<'a>> {
    pub(crate) fn single_statement(
        conn: &'a DatabaseConnection,
        invalidations: &Arc<Invalidations>,
        turn: Option<Turn>,
    ) -> Self {
        Writer::new(
            DatabaseExecutor::Connection(conn),
            invalidations,
            turn,
            true,
        )
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
