//! Payroll: the company's payroll rules and automatic fines, and each employee's
//! periods of a salary rate, a payroll rule and a fine (`periods`).
//!
//! Money is integer minor units (tiyin). A period is open while its `end_date` is
//! [`OPEN_END`]; assigning a new one closes the open one the day before the new one
//! starts, so an employee has at most one open period of each kind, and deleting a
//! period gives its days back to the one before it.

pub mod fines;
pub mod periods;
pub mod rules;

/// The `end_date` of an open period, as the reference writes it.
pub const OPEN_END: &str = "9999-12-31";

use davomat_core::CompanyId;
use davomat_core::page::PageRequest;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{StoreError, StoreResult, sql};

/// One page of a company catalog (`payroll_rules`, `fines`) by id, and the total.
async fn catalog_page<T: FromQueryResult>(
    conn: &impl ConnectionTrait,
    table: &str,
    columns: &str,
    company: CompanyId,
    page: PageRequest,
) -> StoreResult<(Vec<T>, u64)> {
    let total = sql::scalar(
        conn,
        &format!("SELECT count(*) FROM {table} WHERE company_id = $1"),
        vec![company.0.into()],
    )
    .await?
    .unwrap_or(0) as u64;
    let rows = sql::all(
        conn,
        &format!(
            "SELECT {columns} FROM {table} WHERE company_id = $1 ORDER BY id LIMIT {} OFFSET {}",
            page.per_page,
            page.offset()
        ),
        vec![company.0.into()],
    )
    .await?;
    Ok((rows, total))
}

/// One entry of a company catalog, if it is the company's.
async fn catalog_entry<T: FromQueryResult>(
    conn: &impl ConnectionTrait,
    table: &str,
    columns: &str,
    company: CompanyId,
    id: i64,
) -> StoreResult<Option<T>> {
    sql::one(
        conn,
        &format!("SELECT {columns} FROM {table} WHERE company_id = $1 AND id = $2"),
        vec![company.0.into(), id.into()],
    )
    .await
}

/// True when some period of `periods` points at `id` through `column`.
async fn catalog_entry_held(
    conn: &impl ConnectionTrait,
    periods: &str,
    column: &str,
    id: i64,
) -> StoreResult<bool> {
    let held = sql::scalar(
        conn,
        &format!("SELECT count(*) FROM (SELECT 1 FROM {periods} WHERE {column} = $1 LIMIT 1) t"),
        vec![id.into()],
    )
    .await?
    .unwrap_or(0);
    Ok(held > 0)
}

/// `NotFound` when a write touched no row of the company.
fn touched_one(touched: u64) -> StoreResult<()> {
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Deletes an entry of a company catalog. The caller has checked nobody holds it.
async fn delete_catalog_entry(
    conn: &impl ConnectionTrait,
    table: &str,
    company: CompanyId,
    id: i64,
) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        &format!("DELETE FROM {table} WHERE company_id = $1 AND id = $2"),
        vec![company.0.into(), id.into()],
    )
    .await?;
    touched_one(touched)
}
