//! Backups of an embedded (SQLite) database and putting one back: `VACUUM INTO` makes a
//! consistent copy of a live database — one read transaction, so servers keep writing
//! while it runs — and a restore checks the copy, refuses to replace a database that
//! holds companies unless forced, and moves the copy into place in one rename. The
//! PostgreSQL equivalents are `pg_dump`/`pg_restore` (docs/operations.md).

use std::path::{Path, PathBuf};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::{Backend, Store, StoreError, StoreResult, sql};

/// What a backup or a restore came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    /// The file written.
    pub path: PathBuf,
    pub bytes: u64,
    /// Companies in the copy.
    pub companies: i64,
}

/// Why a backup or a restore was not made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "backups of PostgreSQL are made with pg_dump and restored with pg_restore (docs/operations.md)"
    )]
    NotSqlite,
    #[error("{0} already exists: choose a new file")]
    TargetExists(PathBuf),
    #[error("{0} is not a davomat database: {1}")]
    NotABackup(PathBuf, String),
    #[error(
        "the database at {0} holds {1} companies: restore over it only with --force (stop every server on it first)"
    )]
    NotEmpty(PathBuf, i64),
    #[error("{0}")]
    Io(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The file of a `sqlite://PATH[?…]` or `sqlite:PATH` URL (`None` for another scheme or
/// an in-memory database).
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(path))
}

/// Copies the store's live SQLite database to `to` (a new file) and checks the copy.
pub async fn backup(store: &Store, to: &Path) -> Result<Copied, BackupError> {
    if store.backend() != Backend::Sqlite {
        return Err(BackupError::NotSqlite);
    }
    if to.exists() {
        return Err(BackupError::TargetExists(to.to_path_buf()));
    }
    vacuum_into(store.connection(), to).await?;
    let companies = check(to).await?;
    Ok(Copied {
        path: to.to_path_buf(),
        bytes: size_of(to)?,
        companies,
    })
}

/// Puts the backup at `from` in place of the database at `target_url` (which no server
/// may have open): refused when `from` is not a sound davomat database, or when the
/// target holds companies and `force` is not given. The copy is written beside the
/// target and renamed over it; the target's old log files go first, so that SQLite
/// cannot replay them onto the restored file. Migrations are applied afterwards by
/// whoever opens it (`Store::migrate`).
pub async fn restore(from: &Path, target_url: &str, force: bool) -> Result<Copied, BackupError> {
    let target = sqlite_path(target_url).ok_or(BackupError::NotSqlite)?;
    let companies = check(from).await?;
    if target.exists() {
        let held = companies_in(&target).await?;
        if held > 0 && !force {
            return Err(BackupError::NotEmpty(target, held));
        }
    }
    let staged = with_suffix(&target, ".restoring");
    remove_if_there(&staged)?;
    let source = open_read_only(from).await?;
    let written = vacuum_into(&source, &staged).await;
    source.close().await.map_err(StoreError::from)?;
    written?;
    for suffix in ["-wal", "-shm", "-journal"] {
        remove_if_there(&with_suffix(&target, suffix))?;
    }
    std::fs::rename(&staged, &target)
        .map_err(|e| BackupError::Io(format!("cannot move the copy into place: {e}")))?;
    Ok(Copied {
        bytes: size_of(&target)?,
        path: target,
        companies,
    })
}

/// `VACUUM INTO` the file `to` (SQLite refuses an existing one).
async fn vacuum_into(conn: &impl ConnectionTrait, to: &Path) -> StoreResult<()> {
    let path = to.to_string_lossy().into_owned();
    sql::execute(conn, "VACUUM INTO $1", vec![path.into()]).await?;
    Ok(())
}

/// Checks that the file is a sound davomat database: SQLite's integrity check passes
/// and it has the migrations' table and companies; answers how many companies.
async fn check(path: &Path) -> Result<i64, BackupError> {
    if !path.is_file() {
        return Err(BackupError::NotABackup(
            path.to_path_buf(),
            "no such file".into(),
        ));
    }
    let conn = open_read_only(path)
        .await
        .map_err(|e| BackupError::NotABackup(path.to_path_buf(), e.to_string()))?;
    let outcome = integrity(&conn).await;
    let companies = match outcome {
        Ok(()) => sql::scalar(&conn, "SELECT count(*) FROM companies", vec![])
            .await
            .map_err(|e| BackupError::NotABackup(path.to_path_buf(), e.to_string())),
        Err(why) => Err(BackupError::NotABackup(path.to_path_buf(), why)),
    };
    conn.close().await.map_err(StoreError::from)?;
    Ok(companies?.unwrap_or(0))
}

async fn integrity(conn: &DatabaseConnection) -> Result<(), String> {
    #[derive(sea_orm::FromQueryResult)]
    struct Verdict {
        integrity_check: String,
    }
    let verdict: Option<Verdict> = sql::one(conn, "PRAGMA integrity_check", vec![])
        .await
        .map_err(|e| e.to_string())?;
    match verdict {
        Some(v) if v.integrity_check == "ok" => {}
        Some(v) => return Err(format!("integrity check: {}", v.integrity_check)),
        None => return Err("integrity check answered nothing".into()),
    }
    sql::scalar(conn, "SELECT count(*) FROM seaql_migrations", vec![])
        .await
        .map_err(|_| "no migrations table".to_string())?;
    Ok(())
}

/// Companies in the database at `path` (0 when it has no schema yet).
async fn companies_in(path: &Path) -> Result<i64, BackupError> {
    let conn = open_read_only(path).await?;
    let companies = sql::scalar(&conn, "SELECT count(*) FROM companies", vec![])
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    conn.close().await.map_err(StoreError::from)?;
    Ok(companies)
}

/// A plain read-only connection (no WAL switch, nothing created).
async fn open_read_only(path: &Path) -> StoreResult<DatabaseConnection> {
    let mut options = ConnectOptions::new(format!("sqlite://{}?mode=ro", path.display()));
    options.sqlx_logging(false).max_connections(1);
    Ok(Database::connect(options).await?)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_there(path: &Path) -> Result<(), BackupError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(BackupError::Io(format!(
            "cannot remove {}: {e}",
            path.display()
        ))),
    }
}

fn size_of(path: &Path) -> Result<u64, BackupError> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| BackupError::Io(format!("cannot read {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite:///var/lib/davomat.db?mode=rwc"),
            Some("/var/lib/davomat.db".into())
        );
        assert_eq!(sqlite_path("sqlite:davomat.db"), Some("davomat.db".into()));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/davomat"), None);
    }
}
