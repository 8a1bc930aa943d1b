//! Raw SQL with `$n` placeholders on either backend, and row decoding.

use sea_orm::{ConnectionTrait, FromQueryResult, Statement, Value};

use crate::StoreResult;

fn statement(conn: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(conn.get_database_backend(), sql, values)
}

/// Every row of a query, decoded.
pub async fn all<T: FromQueryResult>(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> StoreResult<Vec<T>> {
    let rows = conn.query_all_raw(statement(conn, sql, values)).await?;
    rows.iter()
        .map(|row| T::from_query_result(row, "").map_err(Into::into))
        .collect()
}

/// The first row of a query, if any.
pub async fn one<T: FromQueryResult>(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> StoreResult<Option<T>> {
    let row = conn.query_one_raw(statement(conn, sql, values)).await?;
    row.map(|r| T::from_query_result(&r, "").map_err(Into::into))
        .transpose()
}

/// A single scalar (`SELECT count(*) …`, `INSERT … RETURNING id`).
pub async fn scalar(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> StoreResult<Option<i64>> {
    let row = conn.query_one_raw(statement(conn, sql, values)).await?;
    Ok(match row {
        Some(r) => Some(r.try_get_by_index::<i64>(0)?),
        None => None,
    })
}

/// Inserts a row and answers its new id (`RETURNING id` works on both backends).
pub async fn insert(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> StoreResult<i64> {
    let sql = format!("{sql} RETURNING id");
    scalar(conn, &sql, values)
        .await?
        .ok_or_else(|| crate::StoreError::Database("insert returned no id".into()))
}

/// Runs a statement and answers how many rows it touched.
pub async fn execute(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> StoreResult<u64> {
    Ok(conn
        .execute_raw(statement(conn, sql, values))
        .await?
        .rows_affected())
}
