//! Opening the database named by a URL, and applying the migrations.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;

use crate::migration::Migrator;
use crate::read_cache::{Invalidations, ReadCache};
use crate::tokens::Session;
use crate::writer::{WriteConnection, WriteTransaction, WriteTurns, Writer};
use crate::{StoreError, StoreResult};

/// The two supported backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How busy a store's connection pool is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections lent out to a query or a transaction.
    pub in_use: u32,
    /// Connections open and free.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
    /// SQLite: this process's writers waiting for their turn (PostgreSQL: 0; sqlx does
    /// not tell how many wait for a connection — `in_use` at `max` is the sign).
    pub writers_waiting: usize,
}

/// A handle on the database: cheap to clone, shared by every request.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    /// What the read caches hold is dropped through these (crate::read_cache).
    invalidations: Arc<Invalidations>,
    /// Location counts, by location.
    counts: Arc<ReadCache<String, u64>>,
    /// The ordered ids of an employee list, by company, filter and order
    /// (crate::employees::list_cached).
    listings: Arc<ReadCache<String, Arc<[i64]>>>,
    /// Sessions by access-token digest (crate::tokens::session).
    sessions: Arc<ReadCache<String, Session>>,
    /// This process's writers take turns on SQLite (crate::writer).
    write_turns: Option<Arc<WriteTurns>>,
    /// Stops the SQLite log's background checkpoints ([`spawn_checkpoints`]).
    stop_checkpoints: Option<Arc<tokio::sync::Notify>>,
}

impl Store {
    /// Opens `sqlite://PATH` (created if missing; WAL, foreign keys, busy timeout) or
    /// `postgres://…`. Any other scheme is refused with a message naming the two.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        let backend = backend_of(url)?;
        let mut options = ConnectOptions::new(url.to_string());
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(10));
        match backend {
            Backend::Sqlite => {
                // No ping on acquire: a SQLite connection is a thread in this process, not
                // a socket that can drop, and the ping is one more round trip to that
                // thread before every query (sqlx still pings on release). Measured in
                // docs/performance.md: about 10% more throughput on GET /v1/accounts.
                options
                    .max_connections(sqlite_pool_size())
                    .min_connections(1)
                    .test_before_acquire(false)
                    .map_sqlx_sqlite_opts(configure_sqlite);
            }
            Backend::Postgres => {
                // Ping a connection before use only when it sat idle for a while: one
                // used in the last seconds is alive, and the ping is a network round
                // trip before every statement (docs/performance.md, Issue 3). After a
                // restart of PostgreSQL, a request on a connection that was busy just
                // before may fail once with 503 (Retry-After); the pool then replaces it.
                options
                    .max_connections(32)
                    .min_connections(1)
                    .test_before_acquire_if_idle_for(Duration::from_secs(10));
            }
        }
        let db = Database::connect(options).await.map_err(StoreError::from)?;
        let write_turns = (backend == Backend::Sqlite).then(|| Arc::new(WriteTurns::default()));
        let stop_checkpoints = write_turns.as_ref().map(|turns| {
            let stop = Arc::new(tokio::sync::Notify::new());
            spawn_checkpoints(db.clone(), Arc::clone(turns), Arc::clone(&stop));
            stop
        });
        let invalidations = Arc::new(Invalidations::default());
        Ok(Store {
            db,
            backend,
            counts: Arc::new(ReadCache::new(&invalidations, 4096)),
            listings: Arc::new(ReadCache::new(&invalidations, 64)),
            sessions: Arc::new(ReadCache::new(&invalidations, 4096)),
            invalidations,
            write_turns,
            stop_checkpoints,
        })
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> StoreResult<()> {
        Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// A trivial round trip, for readiness checks.
    pub async fn ping(&self) -> StoreResult<()> {
        self.db.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn counts(&self) -> &ReadCache<String, u64> {
        &self.counts
    }

    pub(crate) fn listings(&self) -> &ReadCache<String, Arc<[i64]>> {
        &self.listings
    }

    pub(crate) fn sessions(&self) -> &ReadCache<String, Session> {
        &self.sessions
    }

    /// A new cache of at most `capacity` values read through this store, each dropped
    /// when something it depends on changes (crate::read_cache).
    pub fn read_cache<K: std::hash::Hash + Eq, V: Clone>(
        &self,
        capacity: usize,
    ) -> ReadCache<K, V> {
        ReadCache::new(&self.invalidations, capacity)
    }

    /// The invalidations of this store's caches: what other nodes announce is applied
    /// here, and this node's announcements are sent from here (Redis).
    pub fn invalidations(&self) -> &Arc<Invalidations> {
        &self.invalidations
    }

    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Starts a write transaction: a change and its activity-log row are written in one.
    ///
    /// On SQLite it first waits for this process's write turn (crate::writer), then
    /// takes SQLite's write lock up front (`BEGIN IMMEDIATE`). A deferred transaction
    /// that reads and then writes cannot wait for the lock: when another writer
    /// committed since its read, SQLite refuses the upgrade at once with "database is
    /// locked" instead of honouring the busy timeout. PostgreSQL's row locks need
    /// neither.
    pub async fn begin(&self) -> StoreResult<WriteTransaction> {
        let turn = self.write_turn().await;
        let options = sea_orm::TransactionOptions {
            sqlite_transaction_mode: (self.backend == Backend::Sqlite)
                .then_some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let txn = sea_orm::TransactionTrait::begin_with_options(&self.db, options).await?;
        Ok(Writer::transaction(txn, &self.invalidations, turn))
    }

    /// The pool, for one write statement outside a transaction: on SQLite it holds this
    /// process's write turn while it lives, so that the statement does not wait in
    /// SQLite's busy handler behind a transaction; when dropped it announces what it
    /// changed (crate::writer).
    pub async fn write_connection(&self) -> WriteConnection<'_> {
        Writer::single_statement(&self.db, &self.invalidations, self.write_turn().await)
    }

    async fn write_turn(&self) -> Option<crate::writer::Turn> {
        match &self.write_turns {
            Some(turns) => Some(turns.take().await),
            None => None,
        }
    }

    /// The connection, for composing several writes in one transaction.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// How busy the connection pool is now (/metrics).
    pub fn pool_status(&self) -> PoolStatus {
        let (open, idle, max) = match self.backend {
            Backend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            Backend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(open);
        PoolStatus {
            in_use: open - idle,
            idle,
            max,
            writers_waiting: self.write_turns.as_ref().map_or(0, |t| t.waiting()),
        }
    }

    /// Closes the pool; nothing cached is answered after it.
    pub async fn close(self) -> StoreResult<()> {
        self.invalidations.forget_all();
        if let Some(stop) = &self.stop_checkpoints {
            stop.notify_one();
        }
        self.db.close().await?;
        Ok(())
    }
}

/// Four connections per CPU, between 8 and 16. Each connection is a worker thread, and a
/// query's cost is mostly the hand-over to that thread and back, not SQLite's own work: on
/// 2 CPUs, 8 threads answered `GET /v1/accounts` about 7% faster than 16, and 4 or fewer
/// made requests queue for a connection (docs/performance.md).
fn sqlite_pool_size() -> u32 {
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cpus.saturating_mul(4)).map_or(16, |n| n.clamp(8, 16))
}

fn configure_sqlite(options: SqliteConnectOptions) -> SqliteConnectOptions {
    options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // NORMAL in WAL mode: a committed transaction survives a crash of the process.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Checkpoints run in the background ([`spawn_checkpoints`]), not in the commit
        // that fills the log: a commit holds this process's write turn, and an automatic
        // checkpoint made it wait for the copy to the database file (8.6 ms instead of
        // 2.3 ms for a batch of 1,000 events; docs/performance.md, issue 12).
        .pragma("wal_autocheckpoint", "0")
        // After a checkpoint the log file is cut back to 64 MiB: it is reused from its
        // start, and a burst of writes does not keep the disk it once took.
        .pragma("journal_size_limit", "67108864")
}

/// How often the background task copies the write-ahead log into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Log pages past which the background task also restarts the log (64 MiB of 4 KiB
/// pages).
const RESTART_AFTER_PAGES: i64 = 16_384;

/// What `PRAGMA wal_checkpoint` answers: the log's pages and how many are copied.
#[derive(sea_orm::FromQueryResult)]
struct Checkpointed {
    log: i64,
}

/// Copies the write-ahead log into the database file every [`CHECKPOINT_EVERY`], beside
/// the writers, until `stop` is notified (SQLite copies the rest itself when the last
/// connection closes).
///
/// Commits copy nothing themselves (`wal_autocheckpoint` is off): a commit holds this
/// process's write turn, and SQLite's automatic checkpoint ran inside the commit of the
/// writer that filled the log, holding the next writer back for the copy (8.6 ms instead
/// of 2.3 ms for a batch of 1,000 events). A passive copy (`PASSIVE`) waits for nobody,
/// but while writers keep adding pages the log is never found wholly copied, so it is
/// never started afresh: past [`RESTART_AFTER_PAGES`] the task takes the write turn and
/// restarts it (`RESTART`), which then has at most one interval's pages left to copy.
fn spawn_checkpoints(
    db: DatabaseConnection,
    turns: Arc<WriteTurns>,
    stop: Arc<tokio::sync::Notify>,
) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = tokio::time::sleep(CHECKPOINT_EVERY) => {}
                () = stop.notified() => break,
            }
            match checkpoint(&db, "PASSIVE").await {
                Ok(log) if log >= RESTART_AFTER_PAGES => {
                    let turn = turns.take().await;
                    if let Err(err) = checkpoint(&db, "RESTART").await {
                        tracing::warn!(error = %err, "write-ahead log not restarted; trying again");
                    }
                    drop(turn);
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "write-ahead log not checkpointed; trying again")
                }
            }
        }
    });
}

/// One checkpoint in `mode`; answers the log's size in pages.
async fn checkpoint(db: &DatabaseConnection, mode: &str) -> StoreResult<i64> {
    let done: Option<Checkpointed> =
        crate::sql::one(db, &format!("PRAGMA wal_checkpoint({mode})"), vec![]).await?;
    Ok(done.map_or(0, |d| d.log))
}

fn backend_of(url: &str) -> StoreResult<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::Invalid(format!(
            "unsupported database URL scheme in {:?}: use sqlite://PATH or postgres://…",
            redact_url(url)
        )))
    }
}

/// The URL with any password replaced by `***`, for logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

impl From<Backend> for DbBackend {
    fn from(b: Backend) -> Self {
        match b {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/d"),
            "postgres://u:***@h:5432/d"
        );
        assert_eq!(redact_url("postgres://u@h/d"), "postgres://u@h/d");
        assert_eq!(redact_url("sqlite://davomat.db"), "sqlite://davomat.db");
    }

    #[test]
    fn sqlite_pool_size_stays_in_bounds() {
        assert!((8..=16).contains(&sqlite_pool_size()));
    }

    #[test]
    fn unknown_schemes_are_refused() {
        assert!(backend_of("mysql://x").is_err());
        assert_eq!(backend_of("sqlite://a.db").ok(), Some(Backend::Sqlite));
        assert_eq!(backend_of("postgresql://a").ok(), Some(Backend::Postgres));
    }
}
