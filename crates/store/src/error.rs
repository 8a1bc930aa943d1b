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

/// The unique rules of the schema a request can run into, each named once, so that a
/// violation becomes the field error of what was duplicated (8008) in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unique {
    /// `users.email`: a login is an email, unique on the server.
    UserEmail,
    /// `holidays (company_id, date)`: one holiday a day.
    HolidayDate,
    /// `devices.serial_number`: a terminal belongs to one company.
    DeviceSerial,
    /// `employees (company_id, pin_code)`.
    EmployeePin,
    /// `employees (company_id, tab_number)` where a tab number is set.
    EmployeeTabNumber,
}

/// (table, column) as SQLite names them, PostgreSQL's constraint name, and the rule.
const UNIQUE_RULES: [(&str, &str, Unique); 5] = [
    ("users.email", "users_email_key", Unique::UserEmail),
    (
        "holidays.date",
        "ix_holidays_company_id_date",
        Unique::HolidayDate,
    ),
    (
        "devices.serial_number",
        "devices_serial_number_key",
        Unique::DeviceSerial,
    ),
    (
        "employees.pin_code",
        "ix_employees_company_id_pin_code",
        Unique::EmployeePin,
    ),
    (
        "employees.tab_number",
        "ix_employees_company_id_tab_number",
        Unique::EmployeeTabNumber,
    ),
];

impl StoreError {
    /// The unique rule a refused change broke, when it is one of [`Unique`]'s.
    /// SQLite says "UNIQUE constraint failed: holidays.company_id, holidays.date";
    /// PostgreSQL names the constraint.
    pub fn broken_unique_rule(&self) -> Option<Unique> {
        let StoreError::Conflict(detail) = self else {
            return None;
        };
        UNIQUE_RULES
            .iter()
            .find(|(column, constraint, _)| {
                (detail.contains("UNIQUE constraint failed") && detail.contains(column))
                    || detail.contains(&format!("\"{constraint}\""))
            })
            .map(|(_, _, rule)| *rule)
    }
}

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

#[cfg(test)]
mod unique_tests {
    use super::*;

    #[test]
    fn both_backends_texts_name_the_rule() {
        let sqlite = StoreError::Conflict(
            "error returned from database: (code: 2067) UNIQUE constraint failed: holidays.company_id, holidays.date".into(),
        );
        assert_eq!(sqlite.broken_unique_rule(), Some(Unique::HolidayDate));
        let postgres = StoreError::Conflict(
            "duplicate key value violates unique constraint \"users_email_key\"".into(),
        );
        assert_eq!(postgres.broken_unique_rule(), Some(Unique::UserEmail));
        let other = StoreError::Conflict("UNIQUE constraint failed: api_clients.client_id".into());
        assert_eq!(other.broken_unique_rule(), None);
        assert_eq!(StoreError::NotFound.broken_unique_rule(), None);
    }
}
