//! Fresh databases for tests and benchmarks, on both backends.
//!
//! SQLite: a new file in the temp directory. PostgreSQL: a new database on the server
//! named by `DAVOMAT_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//! When that server does not answer, PostgreSQL cases are skipped with a note on
//! stderr, unless `CI` or `DAVOMAT_TEST_REQUIRE_POSTGRES` is set: then they fail.

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, Database};

use crate::{Backend, Store, secrets};

/// A database made for one test; `discard` removes it.
#[derive(Debug)]
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    sqlite_file: Option<PathBuf>,
    postgres_name: Option<String>,
}

/// The PostgreSQL server tests use.
pub fn postgres_admin_url() -> String {
    std::env::var("DAVOMAT_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// True when a missing PostgreSQL must fail the run instead of skipping.
pub fn postgres_required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
        || std::env::var_os("DAVOMAT_TEST_REQUIRE_POSTGRES").is_some()
}

impl TestDatabase {
    /// A new, empty, migrated database on `backend`. `None` only for PostgreSQL when
    /// the server is not answering and it is not required.
    pub async fn fresh(backend: Backend) -> Option<TestDatabase> {
        let db = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir()
                    .join(format!("davomat-test-{}.db", secrets::random_hex(8)));
                TestDatabase {
                    url: format!("sqlite://{}", path.display()),
                    backend,
                    sqlite_file: Some(path),
                    postgres_name: None,
                }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let admin = match Database::connect(admin_url.as_str()).await {
                    Ok(conn) => conn,
                    Err(err) => {
                        if postgres_required() {
                            panic!(
                                "PostgreSQL at {admin_url} is required here (CI) but not answering: {err}"
                            );
                        }
                        eprintln!(
                            "note: skipping the PostgreSQL case: no server at {admin_url} ({err})"
                        );
                        return None;
                    }
                };
                let name = format!("davomat_t_{}", secrets::random_hex(8));
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the test database");
                let _ = admin.close().await;
                TestDatabase {
                    url: replace_database_name(&admin_url, &name),
                    backend,
                    sqlite_file: None,
                    postgres_name: Some(name),
                }
            }
        };
        let store = db.connect().await;
        store.migrate().await.expect("migrate the test database");
        let _ = store.close().await;
        Some(db)
    }

    /// Opens the database.
    pub async fn connect(&self) -> Store {
        Store::connect(&self.url)
            .await
            .expect("connect to the test database")
    }

    /// Removes the database (best effort).
    pub async fn discard(self) {
        if let Some(path) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        if let Some(name) = &self.postgres_name
            && let Ok(admin) = Database::connect(postgres_admin_url().as_str()).await
        {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            let _ = admin.close().await;
        }
    }
}

/// The backends every store and API case runs on.
pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

fn replace_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// Runs a statement with integer parameters (`$1`, `$2`, …), for arranging test states
/// the API has no way to reach yet.
pub async fn execute(store: &Store, sql: &str, params: &[i64]) -> u64 {
    crate::sql::execute(
        &store.write_connection().await,
        sql,
        params.iter().map(|p| (*p).into()).collect(),
    )
    .await
    .expect("test statement")
}

/// Runs a statement on the plain pool, announcing nothing to the read caches: a change
/// made behind their back, for tests of what they announce (crate::read_cache).
pub async fn execute_unannounced(store: &Store, sql: &str) -> u64 {
    crate::sql::execute(store.conn(), sql, Vec::new())
        .await
        .expect("test statement")
}

/// A single integer answered by a query with integer parameters.
pub async fn scalar(store: &Store, sql: &str, params: &[i64]) -> i64 {
    crate::sql::scalar(
        store.conn(),
        sql,
        params.iter().map(|p| (*p).into()).collect(),
    )
    .await
    .expect("test query")
    .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            replace_database_name("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(replace_database_name("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            replace_database_name("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
