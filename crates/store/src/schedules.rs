//! Schedules: title, kind and the definition of SEMANTICS.md §12 (kept as JSON text).

use davomat_core::page::PageRequest;
use davomat_core::{CompanyId, ScheduleId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{Store, StoreResult, sql};

/// A stored schedule.
#[derive(Clone, Debug, FromQueryResult)]
pub struct ScheduleRow {
    pub id: ScheduleId,
    pub title: String,
    pub kind: i64,
    pub definition: String,
}

const COLUMNS: &str = "id, title, kind, definition";

/// One page of the company's schedules by id, and the total.
pub async fn list(
    store: &Store,
    company: CompanyId,
    page: PageRequest,
) -> StoreResult<(Vec<ScheduleRow>, u64)> {
    let total = sql::scalar(
        store.conn(),
        "SELECT count(*) FROM schedules WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?
    .unwrap_or(0) as u64;
    let rows = sql::all(
        store.conn(),
        &format!(
            "SELECT {COLUMNS} FROM schedules WHERE company_id = $1 ORDER BY id LIMIT {} OFFSET {}",
            page.per_page,
            page.offset()
        ),
        vec![company.0.into()],
    )
    .await?;
    Ok((rows, total))
}

/// One schedule of the company.
pub async fn get(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
) -> StoreResult<Option<ScheduleRow>> {
    sql::one(
        conn,
        &format!("SELECT {COLUMNS} FROM schedules WHERE id = $1 AND company_id = $2"),
        vec![id.into(), company.0.into()],
    )
    .await
}

/// Inserts a schedule and answers its id.
pub async fn insert(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    title: &str,
    kind: i64,
    definition: &str,
    now: i64,
) -> StoreResult<i64> {
    sql::insert(
        conn,
        "INSERT INTO schedules (company_id, title, kind, definition, created_at) VALUES ($1, $2, $3, $4, $5)",
        vec![company.0.into(), title.into(), kind.into(), definition.into(), now.into()],
    )
    .await
}

/// Replaces a schedule's title and definition.
pub async fn update(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
    title: &str,
    kind: i64,
    definition: &str,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE schedules SET title = $1, kind = $2, definition = $3 WHERE id = $4 AND company_id = $5",
        vec![title.into(), kind.into(), definition.into(), id.into(), company.0.into()],
    )
    .await?;
    Ok(())
}

/// How many employees (of any status) follow the schedule.
pub async fn employees_using(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
) -> StoreResult<i64> {
    Ok(sql::scalar(
        conn,
        "SELECT count(*) FROM employees WHERE schedule_id = $1 AND company_id = $2",
        vec![id.into(), company.0.into()],
    )
    .await?
    .unwrap_or(0))
}

/// Removes a schedule.
pub async fn delete(conn: &impl ConnectionTrait, company: CompanyId, id: i64) -> StoreResult<()> {
    sql::execute(
        conn,
        "DELETE FROM schedules WHERE id = $1 AND company_id = $2",
        vec![id.into(), company.0.into()],
    )
    .await?;
    Ok(())
}
