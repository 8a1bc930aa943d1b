//! Raw SQL with `$n` placeholders on either backend, and row decoding; wide inserts and
//! updates name each column beside its value ([`Columns`]) instead of numbering them.

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, Value};

use crate::StoreResult;

fn statement(conn: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(conn.get_database_backend(), sql, values)
}

/// `column IN (…)` over a list of ids bound as *one* parameter (a JSON array on SQLite,
/// an array on PostgreSQL), so that the statement's text is the same whatever the list:
/// the database prepares it once and keeps it. A text per list (the ids written into
/// it) was parsed and planned on every call and evicted the prepared statements every
/// other request used (docs/performance.md, issue 12: accounts while others clock in).
pub fn id_in(backend: DbBackend, column: &str, ids: &[i64], values: &mut Vec<Value>) -> String {
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    match backend {
        DbBackend::Postgres => {
            values.push(format!("{{{list}}}").into());
            format!("{column} = ANY(CAST(${} AS bigint[]))", values.len())
        }
        _ => {
            values.push(format!("[{list}]").into());
            format!(
                "{column} IN (SELECT value FROM json_each(${}))",
                values.len()
            )
        }
    }
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

#[derive(FromQueryResult)]
struct IdRow {
    id: i64,
}

/// The `id` column of every row of a query.
pub async fn ids(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> StoreResult<Vec<i64>> {
    Ok(all::<IdRow>(conn, sql, values)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect())
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

/// The columns of one row to write, each value beside its column's name, so that a
/// wide insert or update cannot pair a value with the wrong column.
#[derive(Default)]
pub struct Columns {
    names: Vec<&'static str>,
    values: Vec<Value>,
}

impl Columns {
    pub fn new() -> Self {
        Columns::default()
    }

    /// Adds a column and its value.
    pub fn set(mut self, column: &'static str, value: impl Into<Value>) -> Self {
        self.names.push(column);
        self.values.push(value.into());
        self
    }

    /// `$1, $2, …` for each column.
    fn placeholders(&self) -> String {
        (1..=self.names.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `a = $1, b = $2, …` for each column.
    fn assignments(&self) -> String {
        self.names
            .iter()
            .enumerate()
            .map(|(i, name)| format!("{name} = ${}", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Inserts one row into `table` and answers its new id.
pub async fn insert_row(
    conn: &impl ConnectionTrait,
    table: &str,
    row: Columns,
) -> StoreResult<i64> {
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        row.names.join(", "),
        row.placeholders()
    );
    insert(conn, &sql, row.values).await
}

/// Sets the columns of `table`'s rows whose `key` columns equal their values; answers
/// how many rows it touched.
pub async fn update_rows(
    conn: &impl ConnectionTrait,
    table: &str,
    row: Columns,
    key: Columns,
) -> StoreResult<u64> {
    let offset = row.names.len();
    let condition = key
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| format!("{name} = ${}", offset + i + 1))
        .collect::<Vec<_>>()
        .join(" AND ");
    let sql = format!("UPDATE {table} SET {} WHERE {condition}", row.assignments());
    let mut values = row.values;
    values.extend(key.values);
    execute(conn, &sql, values).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_number_their_placeholders_in_order() {
        let row = Columns::new().set("a", 1).set("b", "x").set("c", 3);
        assert_eq!(row.placeholders(), "$1, $2, $3");
        assert_eq!(row.assignments(), "a = $1, b = $2, c = $3");
    }
}
