//! Automatic fines (автоштрафы): a title, whether the fine is charged for each day of
//! absence (`has_dayly_fine`), the amount in minor units and its kind (`amount_type`
//! 0 a fixed sum, 1 a percentage), and whether it is active. Read by admins and heads,
//! written by admins; a fine any employee has held cannot be deleted.

use davomat_core::CompanyId;
use davomat_core::page::PageRequest;
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{catalog_entry, catalog_entry_held, catalog_page, delete_catalog_entry, touched_one};
use crate::{StoreResult, sql};

/// A fine as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct Fine {
    pub id: i64,
    pub company_id: i64,
    pub title: String,
    pub is_active: bool,
    pub has_dayly_fine: bool,
    /// Minor units.
    pub amount: i64,
    pub amount_type: i64,
}

/// What a fine is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FineFields {
    pub title: String,
    pub is_active: bool,
    pub has_dayly_fine: bool,
    pub amount: i64,
    pub amount_type: i64,
}

const COLUMNS: &str = "id, company_id, title, is_active, has_dayly_fine, amount, amount_type";

/// One page of the company's fines by id, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    page: PageRequest,
) -> StoreResult<(Vec<Fine>, u64)> {
    catalog_page(conn, "fines", COLUMNS, company, page).await
}

/// One fine of the company, if it is one.
pub async fn find(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
) -> StoreResult<Option<Fine>> {
    catalog_entry(conn, "fines", COLUMNS, company, id).await
}

/// Inserts a fine; answers its id.
pub async fn create(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    fields: &FineFields,
    now: i64,
) -> StoreResult<i64> {
    sql::insert(
        conn,
        "INSERT INTO fines (company_id, title, is_active, has_dayly_fine, amount, amount_type, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        vec![
            company.0.into(),
            fields.title.clone().into(),
            fields.is_active.into(),
            fields.has_dayly_fine.into(),
            fields.amount.into(),
            fields.amount_type.into(),
            now.into(),
        ],
    )
    .await
}

/// Replaces a fine's fields. `NotFound` when it is not the company's.
pub async fn update(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
    fields: &FineFields,
) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        "UPDATE fines SET title = $1, is_active = $2, has_dayly_fine = $3, amount = $4, amount_type = $5 \
         WHERE company_id = $6 AND id = $7",
        vec![
            fields.title.clone().into(),
            fields.is_active.into(),
            fields.has_dayly_fine.into(),
            fields.amount.into(),
            fields.amount_type.into(),
            company.0.into(),
            id.into(),
        ],
    )
    .await?;
    touched_one(touched)
}

/// True when some employee holds or held the fine.
pub async fn in_use(conn: &impl ConnectionTrait, id: i64) -> StoreResult<bool> {
    catalog_entry_held(conn, "person_fines", "fine_id", id).await
}

/// Deletes a fine; the caller has checked that nobody holds it.
pub async fn delete(conn: &impl ConnectionTrait, company: CompanyId, id: i64) -> StoreResult<()> {
    delete_catalog_entry(conn, "fines", company, id).await
}
