//! The store's error type. Database errors are sorted once, here: unique violations
//! become `Conflict` with the violated constraint's text, everything else stays `Database`.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key constraint refused the change.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database could not be reached (pool timeout, refused connection, a
    /// connection that broke under a statement).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(String),
    #[error("{0}")]
    Invalid(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => return StoreError::Conflict(detail),
            Some(SqlErr::ForeignKeyConstraintViolation(detail)) => {
                return StoreError::Conflict(detail);
            }
            _ => {}
        }
        match err {
            DbErr::ConnectionAcquire(e) => StoreError::Unavailable(e.to_string()),
            DbErr::Conn(e) => StoreError::Unavailable(e.to_string()),
            DbErr::Query(e) | DbErr::Exec(e) if connection_lost(&e) => {
                StoreError::Unavailable(e.to_string())
            }
            DbErr::RecordNotFound(_) => StoreError::NotFound,
            other => StoreError::Database(other.to_string()),
        }
    }
}

/// A statement failed because its connection broke (the database restarted or the
/// network dropped), not because of the statement: the next attempt gets another
/// connection.
fn connection_lost(err: &RuntimeErr) -> bool {
    match err {
        RuntimeErr::SqlxError(e) => match e.as_ref() {
            sea_orm::sqlx::Error::Io(_)
            | sea_orm::sqlx::Error::PoolClosed
            | sea_orm::sqlx::Error::PoolTimedOut
            | sea_orm::sqlx::Error::WorkerCrashed => true,
            // PostgreSQL's classes 08 (connection exception) and 57P (the server is
            // shutting down or restarting: "terminating connection due to
            // administrator command").
            sea_orm::sqlx::Error::Database(db) => db
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
            _ => false,
        },
        _ => false,
    }
}
