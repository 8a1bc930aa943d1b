//! Copying a whole instance, or one company, from one backend to the other (SQLite to
//! PostgreSQL, or back): every table, ids kept, parents before the rows that point at
//! them, in batches that commit one at a time — so that a copy that stopped goes on
//! from where it stopped (`resume`) — then verified: each table's rows are counted and
//! hashed on both sides, and the copy is done only when every pair agrees. PostgreSQL's
//! id sequences are moved past the copied ids. The source is read in one snapshot, so a
//! server still writing to it does not tear the copy (the copy holds what was there when
//! it began); the target must not be served while the copy runs.
//!
//! The tables and their columns are read from the SQLite side's schema (both sides are
//! at the same migration), so a table added by a later migration is copied without a
//! change here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use chrono::NaiveDate;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, FromQueryResult,
    IsolationLevel, QueryResult, Statement, TransactionTrait, Value,
};
use sha2::{Digest, Sha256};

use crate::{Backend, Store, StoreError, StoreResult, sql};

/// What to copy and how.
#[derive(Clone, Debug, Default)]
pub struct CopyRequest {
    /// Only this company's rows (every table that belongs to a company); the server-wide
    /// tables (pending terminals, the system state) stay behind.
    pub company: Option<i64>,
    /// Go on with a copy that stopped, instead of refusing a target that holds rows.
    pub resume: bool,
}

/// One table of a finished copy, verified on both sides.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CopiedTable {
    pub table: String,
    pub rows: u64,
    /// Rows written by this run (less than `rows` when resumed).
    pub written: u64,
    /// SHA-256 of the table's rows in key order, the same on both sides.
    pub checksum: String,
}

/// A finished, verified copy.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CopyReport {
    pub tables: Vec<CopiedTable>,
    pub rows: u64,
    pub written: u64,
    pub seconds: f64,
}

/// What the copy is doing, for a progress display.
#[derive(Clone, Debug)]
pub enum CopyStep<'a> {
    /// A table begins: `rows` to copy, `done` of them already in the target.
    Copying {
        table: &'a str,
        rows: u64,
        done: u64,
    },
    /// More rows of the current table are in the target.
    Wrote { rows: u64 },
    /// A table is being read back on both sides.
    Verifying { table: &'a str, rows: u64 },
    /// More rows of the current table were compared.
    Compared { rows: u64 },
}

/// Why a copy was not made, or not finished.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(
        "copy moves data between SQLite and PostgreSQL: for two SQLite files use `davomat backup`, for two PostgreSQL databases pg_dump and pg_restore"
    )]
    SameBackend,
    #[error("{0}")]
    Schema(String),
    #[error("the source has no company {0}")]
    NoCompany(i64),
    #[error(
        "the target already holds {0}: add --resume to go on with a copy that stopped, or copy into an empty database"
    )]
    TargetNotEmpty(String),
    #[error("table {table}: {why}")]
    Row { table: String, why: String },
    #[error("the copy does not match its source: {0}")]
    Mismatch(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DbErr> for CopyError {
    fn from(e: DbErr) -> Self {
        CopyError::Store(e.into())
    }
}

/// Copies what `request` names from `source` to `target` (migrated first) and verifies it.
pub async fn copy(
    source: &Store,
    target: &Store,
    request: &CopyRequest,
    progress: &(dyn Fn(CopyStep<'_>) + Sync),
) -> Result<CopyReport, CopyError> {
    let started = Instant::now();
    if source.backend() == target.backend() {
        return Err(CopyError::SameBackend);
    }
    target.migrate().await?;
    same_migrations(source.connection(), target.connection()).await?;
    let sqlite_side = if source.backend() == Backend::Sqlite {
        source
    } else {
        target
    };
    let tables = plan(sqlite_side.connection(), request.company).await?;
    let snapshot = snapshot(source).await?;
    if let Some(company) = request.company {
        let held = count(&snapshot, "companies", &format!("id = {company}")).await?;
        if held == 0 {
            return Err(CopyError::NoCompany(company));
        }
    }
    if !request.resume {
        refuse_a_filled_target(target.connection(), &tables, request.company).await?;
    }
    let copied = match request.company {
        // One company goes in whole or not at all: its rows may meet the target's own
        // (an id, an email), and a refused row must leave nothing behind.
        Some(_) => {
            let txn = target.connection().begin().await?;
            let reader = Reader {
                source: &snapshot,
                source_backend: source.backend(),
                target: &txn,
                target_backend: target.backend(),
            };
            let copied = reader.copy_all(&tables, progress).await?;
            txn.commit().await?;
            copied
        }
        // A whole instance goes into an empty database batch by batch, so that a copy
        // that stopped goes on from its last batch.
        None => {
            let reader = Reader {
                source: &snapshot,
                source_backend: source.backend(),
                target: target.connection(),
                target_backend: target.backend(),
            };
            reader.copy_all(&tables, progress).await?
        }
    };
    snapshot.rollback().await?;
    Ok(CopyReport {
        rows: copied.iter().map(|t| t.rows).sum(),
        written: copied.iter().map(|t| t.written).sum(),
        tables: copied,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The kinds of value a column holds, read from its declared type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Bool,
    Date,
    Bytes,
}

impl Kind {
    fn of_declared(declared: &str) -> Kind {
        let declared = declared.to_ascii_lowercase();
        if declared.contains("int") {
            Kind::Int
        } else if declared.contains("bool") {
            Kind::Bool
        } else if declared.contains("date") {
            Kind::Date
        } else if declared.contains("blob") || declared.contains("binary") {
            Kind::Bytes
        } else {
            Kind::Text
        }
    }
}

#[derive(Clone, Debug)]
struct Column {
    name: String,
    kind: Kind,
}

/// A table as the copy sees it.
#[derive(Clone, Debug)]
struct Table {
    name: String,
    columns: Vec<Column>,
    /// The primary key's columns (indexes into `columns`), in key order.
    key: Vec<usize>,
    /// The column that points at another row of the same table (a department's parent).
    parent: Option<usize>,
    /// Which rows are copied (SQL over the table's own columns); `None` for all.
    filter: Option<String>,
}

impl Table {
    fn where_filter(&self) -> String {
        self.filter.clone().unwrap_or_else(|| "1 = 1".into())
    }

    fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| quoted(&c.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The key's columns, each compared as bytes on PostgreSQL (as SQLite does), so that
    /// both sides order rows the same way.
    fn key_terms(&self, backend: Backend) -> Vec<String> {
        self.key
            .iter()
            .map(|&i| {
                let column = &self.columns[i];
                match (backend, column.kind) {
                    (Backend::Postgres, Kind::Text) => {
                        format!("{} COLLATE \"C\"", quoted(&column.name))
                    }
                    _ => quoted(&column.name),
                }
            })
            .collect()
    }

    /// Rows read per statement: fewer where a row holds pictures or face templates
    /// (hundreds of kilobytes each), so that a batch stays within a few tens of MB.
    fn read_rows(&self) -> usize {
        if self.columns.iter().any(|c| c.kind == Kind::Bytes) {
            100
        } else {
            5_000
        }
    }

    /// Rows at most per statement: both backends bind at most ~32,000 values.
    fn batch_rows(&self) -> usize {
        (30_000 / self.columns.len().max(1)).clamp(1, 2_000)
    }
}

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

#[derive(FromQueryResult)]
struct TableName {
    name: String,
}

#[derive(FromQueryResult)]
struct ColumnRow {
    name: String,
    r#type: String,
    pk: i64,
}

#[derive(FromQueryResult)]
struct ForeignKey {
    parent: String,
    child_column: String,
    parent_column: Option<String>,
}

/// The tables to copy, parents first, each with its filter for `company`.
async fn plan(sqlite: &DatabaseConnection, company: Option<i64>) -> Result<Vec<Table>, CopyError> {
    let names: Vec<TableName> = sql::all(
        sqlite,
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations' ORDER BY name",
        vec![],
    )
    .await?;
    let mut tables = BTreeMap::new();
    let mut references = BTreeMap::new();
    for TableName { name } in names {
        let columns: Vec<ColumnRow> = sql::all(
            sqlite,
            "SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid",
            vec![name.clone().into()],
        )
        .await?;
        let keys: Vec<ForeignKey> = sql::all(
            sqlite,
            "SELECT \"table\" AS parent, \"from\" AS child_column, \"to\" AS parent_column \
             FROM pragma_foreign_key_list($1)",
            vec![name.clone().into()],
        )
        .await?;
        tables.insert(name.clone(), table_of(&name, &columns, &keys));
        references.insert(name, keys);
    }
    let order = parents_first(&references)?;
    let mut filters: HashMap<String, Option<String>> = HashMap::new();
    let mut planned = Vec::new();
    for name in order {
        let mut table = tables.remove(&name).expect("every ordered table was read");
        if let Some(company) = company {
            let Some(filter) = company_filter(&table, &references[&name], &filters, company) else {
                continue;
            };
            filters.insert(name.clone(), Some(filter.clone()));
            table.filter = Some(filter);
        }
        planned.push(table);
    }
    Ok(planned)
}

fn table_of(name: &str, columns: &[ColumnRow], keys: &[ForeignKey]) -> Table {
    let mut key: Vec<(i64, usize)> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.pk > 0)
        .map(|(i, c)| (c.pk, i))
        .collect();
    key.sort();
    let mut key: Vec<usize> = key.into_iter().map(|(_, i)| i).collect();
    if key.is_empty() {
        key = (0..columns.len()).collect();
    }
    let parent = keys
        .iter()
        .find(|k| k.parent == name)
        .and_then(|k| columns.iter().position(|c| c.name == k.child_column));
    Table {
        name: name.to_string(),
        columns: columns
            .iter()
            .map(|c| Column {
                name: c.name.clone(),
                kind: Kind::of_declared(&c.r#type),
            })
            .collect(),
        key,
        parent,
        filter: None,
    }
}

/// The tables in an order that puts every table after the tables it points at (a
/// table's pointers at itself aside); ties by name.
fn parents_first(references: &BTreeMap<String, Vec<ForeignKey>>) -> Result<Vec<String>, CopyError> {
    let mut placed: Vec<String> = Vec::new();
    let mut done: HashSet<&str> = HashSet::new();
    while placed.len() < references.len() {
        let ready: Vec<&String> = references
            .iter()
            .filter(|(name, _)| !done.contains(name.as_str()))
            .filter(|(name, keys)| {
                keys.iter()
                    .all(|k| k.parent == **name || done.contains(k.parent.as_str()))
            })
            .map(|(name, _)| name)
            .collect();
        if ready.is_empty() {
            return Err(CopyError::Schema(
                "the tables point at each other in a circle: no order copies parents first".into(),
            ));
        }
        for name in ready {
            done.insert(name);
            placed.push(name.clone());
        }
    }
    Ok(placed)
}

/// Which of a table's rows belong to the company: its own `company_id`, or its pointer
/// at a table whose rows do. `None` for a table that belongs to no company.
fn company_filter(
    table: &Table,
    keys: &[ForeignKey],
    filters: &HashMap<String, Option<String>>,
    company: i64,
) -> Option<String> {
    if table.name == "companies" {
        return Some(format!("id = {company}"));
    }
    if table.columns.iter().any(|c| c.name == "company_id") {
        return Some(format!("company_id = {company}"));
    }
    keys.iter()
        .filter(|k| k.parent != table.name)
        .find_map(|k| {
            let parent_filter = filters.get(&k.parent)?.as_ref()?;
            let parent_column = k.parent_column.as_deref().unwrap_or("id");
            Some(format!(
                "{} IN (SELECT {} FROM {} WHERE {parent_filter})",
                quoted(&k.child_column),
                quoted(parent_column),
                quoted(&k.parent)
            ))
        })
}

/// Both sides carry the same migrations (the target was just migrated).
async fn same_migrations(
    source: &DatabaseConnection,
    target: &DatabaseConnection,
) -> Result<(), CopyError> {
    let at_source = migrations(source).await.map_err(|_| {
        CopyError::Schema("the source is not a davomat database (no migrations table)".into())
    })?;
    let at_target = migrations(target).await?;
    if at_source.len() < at_target.len() {
        return Err(CopyError::Schema(format!(
            "the source's schema is older ({} of {} migrations): run `davomat migrate` on it first",
            at_source.len(),
            at_target.len()
        )));
    }
    if at_source != at_target {
        return Err(CopyError::Schema(
            "the source was migrated by a newer davomat: copy with that version".into(),
        ));
    }
    Ok(())
}

#[derive(FromQueryResult)]
struct Migration {
    version: String,
}

async fn migrations(conn: &DatabaseConnection) -> StoreResult<Vec<String>> {
    let rows: Vec<Migration> = sql::all(
        conn,
        "SELECT version FROM seaql_migrations ORDER BY version",
        vec![],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.version).collect())
}

/// A read-only transaction on the source that sees one moment throughout.
async fn snapshot(source: &Store) -> Result<DatabaseTransaction, CopyError> {
    let conn = source.connection();
    let txn = match source.backend() {
        Backend::Postgres => {
            conn.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        // A deferred transaction takes its snapshot at its first read; the log keeps it.
        Backend::Sqlite => conn.begin().await?,
    };
    Ok(txn)
}

async fn count(conn: &impl ConnectionTrait, table: &str, filter: &str) -> Result<u64, CopyError> {
    let rows = sql::scalar(
        conn,
        &format!("SELECT count(*) FROM {} WHERE {filter}", quoted(table)),
        vec![],
    )
    .await?;
    Ok(rows.unwrap_or(0).max(0) as u64)
}

/// Without `--resume`, a target that holds any of what would be copied is refused.
async fn refuse_a_filled_target(
    target: &DatabaseConnection,
    tables: &[Table],
    company: Option<i64>,
) -> Result<(), CopyError> {
    if let Some(company) = company {
        if count(target, "companies", &format!("id = {company}")).await? > 0 {
            return Err(CopyError::TargetNotEmpty(format!("company {company}")));
        }
        return Ok(());
    }
    for table in tables {
        let held = sql::scalar(
            target,
            &format!(
                "SELECT count(*) FROM (SELECT 1 FROM {} LIMIT 1) AS one",
                quoted(&table.name)
            ),
            vec![],
        )
        .await?;
        if held.unwrap_or(0) > 0 {
            return Err(CopyError::TargetNotEmpty(format!("rows in {}", table.name)));
        }
    }
    Ok(())
}

/// After the copy, PostgreSQL's next id of each table is past the largest id in it.
async fn advance_sequences(
    target: &impl ConnectionTrait,
    tables: &[Table],
) -> Result<(), CopyError> {
    for table in tables {
        let single_id = table.key.len() == 1 && table.columns[table.key[0]].name == "id";
        if !single_id || table.columns[table.key[0]].kind != Kind::Int {
            continue;
        }
        let name = quoted(&table.name);
        sql::execute(
            target,
            &format!(
                "SELECT setval(pg_get_serial_sequence('{name}', 'id'), \
                 COALESCE((SELECT max(id) FROM {name}), 0) + 1, false)"
            ),
            vec![],
        )
        .await?;
    }
    Ok(())
}

/// One value, the same whichever backend it was read from.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    Bytes(Vec<u8>),
}

impl Cell {
    fn read(row: &QueryResult, i: usize, kind: Kind, backend: Backend) -> Result<Cell, String> {
        let cell = match kind {
            Kind::Int => read_int(row, i)?.map(Cell::Int),
            Kind::Text => got(row.try_get_by_index::<Option<String>>(i))?.map(Cell::Text),
            Kind::Bool => got(row.try_get_by_index::<Option<bool>>(i))?.map(Cell::Bool),
            Kind::Bytes => got(row.try_get_by_index::<Option<Vec<u8>>>(i))?.map(Cell::Bytes),
            Kind::Date if backend == Backend::Sqlite => {
                match got(row.try_get_by_index::<Option<String>>(i))? {
                    None => None,
                    Some(text) => Some(Cell::Date(
                        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                            .map_err(|_| format!("'{text}' is not a date"))?,
                    )),
                }
            }
            Kind::Date => got(row.try_get_by_index::<Option<NaiveDate>>(i))?.map(Cell::Date),
        };
        Ok(cell.unwrap_or(Cell::Null))
    }

    /// The value to bind for a column of `kind` (a null keeps its column's type).
    fn value(&self, kind: Kind) -> Value {
        match (self, kind) {
            (Cell::Int(v), _) => (*v).into(),
            (Cell::Text(v), _) => v.clone().into(),
            (Cell::Bool(v), _) => (*v).into(),
            (Cell::Date(v), _) => (*v).into(),
            (Cell::Bytes(v), _) => v.clone().into(),
            (Cell::Null, Kind::Int) => Option::<i64>::None.into(),
            (Cell::Null, Kind::Text) => Option::<String>::None.into(),
            (Cell::Null, Kind::Bool) => Option::<bool>::None.into(),
            (Cell::Null, Kind::Date) => Option::<NaiveDate>::None.into(),
            (Cell::Null, Kind::Bytes) => Option::<Vec<u8>>::None.into(),
        }
    }

    /// Feeds the value to a checksum: a tag, then the value with its length where it
    /// has one, so that no two rows hash alike by shifting bytes between columns.
    fn hash_into(&self, hasher: &mut Sha256) {
        match self {
            Cell::Null => hasher.update([0]),
            Cell::Int(v) => {
                hasher.update([1]);
                hasher.update(v.to_le_bytes());
            }
            Cell::Text(v) => {
                hasher.update([2]);
                hasher.update((v.len() as u64).to_le_bytes());
                hasher.update(v.as_bytes());
            }
            Cell::Bool(v) => hasher.update([3, u8::from(*v)]),
            Cell::Date(v) => {
                hasher.update([4]);
                hasher.update(v.format("%Y-%m-%d").to_string().as_bytes());
            }
            Cell::Bytes(v) => {
                hasher.update([5]);
                hasher.update((v.len() as u64).to_le_bytes());
                hasher.update(v);
            }
        }
    }
}

fn got<T>(result: Result<T, DbErr>) -> Result<T, String> {
    result.map_err(|e| e.to_string())
}

/// An integer of any width (PostgreSQL keeps `integer` and `smallint` columns apart).
fn read_int(row: &QueryResult, i: usize) -> Result<Option<i64>, String> {
    if let Ok(v) = row.try_get_by_index::<Option<i64>>(i) {
        return Ok(v);
    }
    if let Ok(v) = row.try_get_by_index::<Option<i32>>(i) {
        return Ok(v.map(i64::from));
    }
    got(row.try_get_by_index::<Option<i16>>(i)).map(|v| v.map(i64::from))
}

type Row = Vec<Cell>;

/// Reads and writes rows of the planned tables on the two sides.
struct Reader<'a, T> {
    source: &'a DatabaseTransaction,
    source_backend: Backend,
    target: &'a T,
    target_backend: Backend,
}

impl<T: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>> Reader<'_, T> {
    /// Copies every table, advances PostgreSQL's sequences, then verifies every table.
    async fn copy_all(
        &self,
        tables: &[Table],
        progress: &(dyn Fn(CopyStep<'_>) + Sync),
    ) -> Result<Vec<CopiedTable>, CopyError> {
        let mut written = HashMap::new();
        for table in tables {
            let rows = self.copy_table(table, progress).await?;
            written.insert(table.name.clone(), rows);
        }
        if self.target_backend == Backend::Postgres {
            advance_sequences(self.target, tables).await?;
        }
        let mut copied = Vec::new();
        for table in tables {
            let verified = self.verify_table(table, progress).await?;
            copied.push(CopiedTable {
                written: written.get(&table.name).copied().unwrap_or(0),
                ..verified
            });
        }
        Ok(copied)
    }

    /// Copies the rows of `table` the target does not hold yet; answers how many.
    async fn copy_table(
        &self,
        table: &Table,
        progress: &(dyn Fn(CopyStep<'_>) + Sync),
    ) -> Result<u64, CopyError> {
        let filter = table.where_filter();
        let rows = count(self.source, &table.name, &filter).await?;
        let done = count(self.target, &table.name, &filter).await?;
        progress(CopyStep::Copying {
            table: &table.name,
            rows,
            done,
        });
        if done >= rows {
            return Ok(0);
        }
        if table.parent.is_some() {
            return self.copy_tree(table, done, progress).await;
        }
        // The next batch is read while the last one is written (docs/performance.md:
        // one after the other, each side waited for the other half the time).
        let start = self.last_key(table).await?;
        let (batches, mut arriving) = tokio::sync::mpsc::channel::<Vec<Row>>(2);
        let read = async move {
            let mut after = start;
            loop {
                let batch = self
                    .batch(self.source, self.source_backend, table, after.as_ref())
                    .await?;
                let Some(last) = batch.last() else { break };
                after = Some(key_of(table, last));
                if batches.send(batch).await.is_err() {
                    break; // the writer stopped on an error of its own
                }
            }
            Ok::<(), CopyError>(())
        };
        let write = async move {
            let mut written = 0;
            while let Some(batch) = arriving.recv().await {
                self.write(table, &batch).await?;
                written += batch.len() as u64;
                progress(CopyStep::Wrote {
                    rows: batch.len() as u64,
                });
            }
            Ok::<u64, CopyError>(written)
        };
        let (read, written) = tokio::join!(read, write);
        let written = written?;
        read?;
        Ok(written)
    }

    /// A table whose rows point at each other (departments under departments): read
    /// whole, written parents first in one transaction (such tables are small).
    async fn copy_tree(
        &self,
        table: &Table,
        done: u64,
        progress: &(dyn Fn(CopyStep<'_>) + Sync),
    ) -> Result<u64, CopyError> {
        if done > 0 {
            return Err(CopyError::Row {
                table: table.name.clone(),
                why: format!("the target holds {done} of its rows, but a tree is copied whole"),
            });
        }
        let mut rows = Vec::new();
        let mut after = None;
        loop {
            let batch = self
                .batch(self.source, self.source_backend, table, after.as_ref())
                .await?;
            let Some(last) = batch.last() else { break };
            after = Some(key_of(table, last));
            rows.extend(batch);
        }
        let ordered = parents_before_children(table, rows);
        self.write(table, &ordered).await?;
        progress(CopyStep::Wrote {
            rows: ordered.len() as u64,
        });
        Ok(ordered.len() as u64)
    }

    /// The key of the last row of `table` the target holds (in the copy's order).
    async fn last_key(&self, table: &Table) -> Result<Option<Row>, CopyError> {
        let terms = table.key_terms(self.target_backend);
        let descending: Vec<String> = terms.iter().map(|t| format!("{t} DESC")).collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT 1",
            key_columns(table),
            quoted(&table.name),
            table.where_filter(),
            descending.join(", ")
        );
        let row = self
            .target
            .query_one_raw(Statement::from_sql_and_values(
                self.target.get_database_backend(),
                sql,
                vec![],
            ))
            .await?;
        let Some(row) = row else { return Ok(None) };
        let key = table
            .key
            .iter()
            .enumerate()
            .map(|(at, &i)| Cell::read(&row, at, table.columns[i].kind, self.target_backend))
            .collect::<Result<Row, String>>()
            .map_err(|why| CopyError::Row {
                table: table.name.clone(),
                why,
            })?;
        Ok(Some(key))
    }

    /// The next rows of `table` after the key `after`, in key order.
    async fn batch(
        &self,
        conn: &impl ConnectionTrait,
        backend: Backend,
        table: &Table,
        after: Option<&Row>,
    ) -> Result<Vec<Row>, CopyError> {
        let terms = table.key_terms(backend);
        let mut values = Vec::new();
        let mut conditions = vec![table.where_filter()];
        if let Some(after) = after {
            let marks: Vec<String> = after
                .iter()
                .zip(&table.key)
                .map(|(cell, &i)| {
                    values.push(cell.value(table.columns[i].kind));
                    format!("${}", values.len())
                })
                .collect();
            conditions.push(format!("({}) > ({})", terms.join(", "), marks.join(", ")));
        }
        let sql = format!(
            "SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT {}",
            table.column_list(),
            quoted(&table.name),
            conditions.join(" AND "),
            terms.join(", "),
            table.read_rows()
        );
        let rows = conn
            .query_all_raw(Statement::from_sql_and_values(
                conn.get_database_backend(),
                sql,
                values,
            ))
            .await?;
        rows.iter()
            .map(|row| {
                table
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Cell::read(row, i, c.kind, backend))
                    .collect::<Result<Row, String>>()
            })
            .collect::<Result<Vec<Row>, String>>()
            .map_err(|why| CopyError::Row {
                table: table.name.clone(),
                why,
            })
    }

    /// Writes rows to the target in one transaction (a savepoint within a company's).
    async fn write(&self, table: &Table, rows: &[Row]) -> Result<(), CopyError> {
        let txn = self.target.begin().await?;
        for chunk in rows.chunks(table.batch_rows()) {
            self.insert(&txn, table, chunk).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Writes rows with one statement: on PostgreSQL the rows travel as one JSON
    /// document expanded by the server into the table's row type (binding a value per
    /// cell cost two thirds of the copy's time: docs/performance.md); on SQLite as a
    /// multi-row `VALUES` list.
    async fn insert(
        &self,
        txn: &DatabaseTransaction,
        table: &Table,
        rows: &[Row],
    ) -> Result<(), CopyError> {
        let (sql, values) = match self.target_backend {
            Backend::Postgres => (
                format!(
                    "INSERT INTO {name} ({columns}) SELECT {columns} \
                     FROM json_populate_recordset(NULL::{name}, CAST($1 AS json))",
                    name = quoted(&table.name),
                    columns = table.column_list(),
                ),
                vec![rows_as_json(table, rows).into()],
            ),
            Backend::Sqlite => values_list(table, rows),
        };
        txn.execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            sql,
            values,
        ))
        .await
        .map_err(|e| CopyError::Row {
            table: table.name.clone(),
            why: format!("the target refused rows: {e}"),
        })?;
        Ok(())
    }

    /// Counts and hashes the table's rows on both sides; they must agree.
    async fn verify_table(
        &self,
        table: &Table,
        progress: &(dyn Fn(CopyStep<'_>) + Sync),
    ) -> Result<CopiedTable, CopyError> {
        let rows = count(self.source, &table.name, &table.where_filter()).await?;
        progress(CopyStep::Verifying {
            table: &table.name,
            rows,
        });
        // Both sides are read at once.
        let unseen = |_| {};
        let compared = |n| progress(CopyStep::Compared { rows: n });
        let (at_source, at_target) = tokio::join!(
            self.digest(self.source, self.source_backend, table, &unseen),
            self.digest(self.target, self.target_backend, table, &compared)
        );
        let (at_source, at_target) = (at_source?, at_target?);
        if at_source != at_target {
            return Err(CopyError::Mismatch(format!(
                "{}: {} rows ({}) in the source, {} rows ({}) in the target",
                table.name, at_source.0, at_source.1, at_target.0, at_target.1
            )));
        }
        Ok(CopiedTable {
            table: table.name.clone(),
            rows: at_source.0,
            written: 0,
            checksum: at_source.1,
        })
    }

    /// How many rows and their SHA-256, read in key order.
    async fn digest(
        &self,
        conn: &impl ConnectionTrait,
        backend: Backend,
        table: &Table,
        read: &(dyn Fn(u64) + Sync),
    ) -> Result<(u64, String), CopyError> {
        let mut hasher = Sha256::new();
        let mut rows = 0;
        let mut after = None;
        loop {
            let batch = self.batch(conn, backend, table, after.as_ref()).await?;
            let Some(last) = batch.last() else { break };
            after = Some(key_of(table, last));
            for row in &batch {
                for cell in row {
                    cell.hash_into(&mut hasher);
                }
            }
            rows += batch.len() as u64;
            read(batch.len() as u64);
        }
        Ok((rows, hex::encode(hasher.finalize())))
    }
}

/// `INSERT … VALUES (…), (…)` with a bound value per cell.
fn values_list(table: &Table, rows: &[Row]) -> (String, Vec<Value>) {
    let mut values = Vec::with_capacity(rows.len() * table.columns.len());
    let mut tuples = Vec::with_capacity(rows.len());
    for row in rows {
        let marks: Vec<String> = row
            .iter()
            .zip(&table.columns)
            .map(|(cell, column)| {
                values.push(cell.value(column.kind));
                format!("${}", values.len())
            })
            .collect();
        tuples.push(format!("({})", marks.join(", ")));
    }
    let sql = format!(
        "INSERT INTO {} ({}) VALUES {}",
        quoted(&table.name),
        table.column_list(),
        tuples.join(", ")
    );
    (sql, values)
}

/// The rows as a JSON array of objects keyed by column, each value in the form
/// PostgreSQL reads into the column's type (a date as `YYYY-MM-DD`, bytes as `\x…` hex).
fn rows_as_json(table: &Table, rows: &[Row]) -> String {
    let keys: Vec<String> = table
        .columns
        .iter()
        .map(|c| serde_json::Value::String(c.name.clone()).to_string())
        .collect();
    let mut json = String::with_capacity(rows.len() * 256);
    json.push('[');
    for (r, row) in rows.iter().enumerate() {
        json.push_str(if r == 0 { "{" } else { ",{" });
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                json.push(',');
            }
            json.push_str(&keys[c]);
            json.push(':');
            push_json(&mut json, cell);
        }
        json.push('}');
    }
    json.push(']');
    json
}

fn push_json(json: &mut String, cell: &Cell) {
    use std::fmt::Write;
    match cell {
        Cell::Null => json.push_str("null"),
        Cell::Int(v) => {
            let _ = write!(json, "{v}");
        }
        Cell::Bool(v) => json.push_str(if *v { "true" } else { "false" }),
        Cell::Text(v) => json.push_str(&serde_json::Value::String(v.clone()).to_string()),
        Cell::Date(v) => {
            let _ = write!(json, "\"{}\"", v.format("%Y-%m-%d"));
        }
        Cell::Bytes(v) => {
            json.push_str("\"\\\\x");
            json.push_str(&hex::encode(v));
            json.push('"');
        }
    }
}

fn key_columns(table: &Table) -> String {
    table
        .key
        .iter()
        .map(|&i| quoted(&table.columns[i].name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn key_of(table: &Table, row: &Row) -> Row {
    table.key.iter().map(|&i| row[i].clone()).collect()
}

/// The rows of a self-referencing table ordered so that each comes after the row it
/// points at (rows pointing outside the copied set, or nowhere, first).
fn parents_before_children(table: &Table, rows: Vec<Row>) -> Vec<Row> {
    let parent = table.parent.expect("a tree has a parent column");
    let id = table.key[0];
    let present: HashSet<i64> = rows
        .iter()
        .filter_map(|r| match r[id] {
            Cell::Int(v) => Some(v),
            _ => None,
        })
        .collect();
    let mut placed: HashSet<i64> = HashSet::new();
    let mut waiting = rows;
    let mut ordered = Vec::with_capacity(waiting.len());
    while !waiting.is_empty() {
        let before = waiting.len();
        let (ready, rest): (Vec<Row>, Vec<Row>) =
            waiting.into_iter().partition(|r| match r[parent] {
                Cell::Int(p) => !present.contains(&p) || placed.contains(&p),
                _ => true,
            });
        for row in &ready {
            if let Cell::Int(v) = row[id] {
                placed.insert(v);
            }
        }
        ordered.extend(ready);
        waiting = rest;
        if waiting.len() == before {
            // A loop of rows pointing at each other: written as they are, the target's
            // own checks decide.
            ordered.append(&mut waiting);
        }
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_name_their_kind() {
        assert_eq!(Kind::of_declared("bigint"), Kind::Int);
        assert_eq!(Kind::of_declared("integer"), Kind::Int);
        assert_eq!(Kind::of_declared("smallint"), Kind::Int);
        assert_eq!(Kind::of_declared("boolean"), Kind::Bool);
        assert_eq!(Kind::of_declared("date"), Kind::Date);
        // What sea-orm declares for a date on SQLite.
        assert_eq!(Kind::of_declared("date_text"), Kind::Date);
        assert_eq!(Kind::of_declared("blob"), Kind::Bytes);
        assert_eq!(Kind::of_declared("varchar"), Kind::Text);
        assert_eq!(Kind::of_declared("text"), Kind::Text);
    }

    #[test]
    fn checksums_tell_shifted_bytes_apart() {
        let hash = |cells: &[Cell]| {
            let mut h = Sha256::new();
            for c in cells {
                c.hash_into(&mut h);
            }
            hex::encode(h.finalize())
        };
        let a = [Cell::Text("ab".into()), Cell::Text("c".into())];
        let b = [Cell::Text("a".into()), Cell::Text("bc".into())];
        assert_ne!(hash(&a), hash(&b));
        assert_ne!(hash(&[Cell::Null]), hash(&[Cell::Text(String::new())]));
    }

    fn tree_table() -> Table {
        Table {
            name: "departments".into(),
            columns: vec![
                Column {
                    name: "id".into(),
                    kind: Kind::Int,
                },
                Column {
                    name: "pid".into(),
                    kind: Kind::Int,
                },
            ],
            key: vec![0],
            parent: Some(1),
            filter: None,
        }
    }

    #[test]
    fn rows_travel_to_postgres_as_json_in_each_type_s_text_form() {
        let table = Table {
            name: "t".into(),
            columns: ["id", "name", "on", "day", "blob", "gone"]
                .iter()
                .zip([
                    Kind::Int,
                    Kind::Text,
                    Kind::Bool,
                    Kind::Date,
                    Kind::Bytes,
                    Kind::Text,
                ])
                .map(|(name, kind)| Column {
                    name: name.to_string(),
                    kind,
                })
                .collect(),
            key: vec![0],
            parent: None,
            filter: None,
        };
        let day = NaiveDate::from_ymd_opt(2025, 3, 1).expect("a date");
        let row = vec![
            Cell::Int(-7),
            Cell::Text("Bo'lim \"A\"\\".into()),
            Cell::Bool(true),
            Cell::Date(day),
            Cell::Bytes(vec![0, 255]),
            Cell::Null,
        ];
        let json = rows_as_json(&table, &[row.clone(), row]);
        let parsed: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(
            parsed[1],
            serde_json::json!({"id": -7, "name": "Bo'lim \"A\"\\", "on": true,
                "day": "2025-03-01", "blob": "\\x00ff", "gone": null})
        );
    }

    #[test]
    fn a_tree_is_written_parents_first() {
        let rows = vec![
            vec![Cell::Int(1), Cell::Int(3)],
            vec![Cell::Int(2), Cell::Null],
            vec![Cell::Int(3), Cell::Int(2)],
            vec![Cell::Int(4), Cell::Int(99)],
        ];
        let ordered: Vec<i64> = parents_before_children(&tree_table(), rows)
            .iter()
            .map(|r| match r[0] {
                Cell::Int(v) => v,
                _ => 0,
            })
            .collect();
        assert_eq!(ordered, vec![2, 4, 3, 1]);
    }

    #[test]
    fn tables_come_after_the_tables_they_point_at() {
        let fk = |parent: &str, column: &str| ForeignKey {
            parent: parent.into(),
            child_column: column.into(),
            parent_column: Some("id".into()),
        };
        let mut references = BTreeMap::new();
        references.insert(
            "employees".to_string(),
            vec![
                fk("companies", "company_id"),
                fk("departments", "department_id"),
            ],
        );
        references.insert(
            "departments".to_string(),
            vec![fk("companies", "company_id"), fk("departments", "pid")],
        );
        references.insert("companies".to_string(), vec![]);
        references.insert("a_log".to_string(), vec![fk("employees", "employee_id")]);
        let order = parents_first(&references).expect("no circle");
        assert_eq!(
            order,
            vec!["companies", "departments", "employees", "a_log"]
        );
    }
}
