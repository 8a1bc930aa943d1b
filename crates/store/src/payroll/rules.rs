//! Payroll rules (правила заработной платы): a title, whether overtime is counted
//! daily (`otc_algorithm_daily`) and whether the rule is active. Read by admins and
//! heads, written by admins; a rule any employee has held cannot be deleted.

use davomat_core::CompanyId;
use davomat_core::page::PageRequest;
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{catalog_entry, catalog_entry_held, catalog_page, delete_catalog_entry, touched_one};
use crate::{StoreResult, sql};

/// A payroll rule as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct PayrollRule {
    pub id: i64,
    pub company_id: i64,
    pub title: String,
    pub otc_algorithm_daily: bool,
    pub is_active: bool,
}

/// What a rule is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFields {
    pub title: String,
    pub otc_algorithm_daily: bool,
    pub is_active: bool,
}

const COLUMNS: &str = "id, company_id, title, otc_algorithm_daily, is_active";

/// One page of the company's rules by id, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    page: PageRequest,
) -> StoreResult<(Vec<PayrollRule>, u64)> {
    catalog_page(conn, "payroll_rules", COLUMNS, company, page).await
}

/// One rule of the company, if it is one.
pub async fn find(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
) -> StoreResult<Option<PayrollRule>> {
    catalog_entry(conn, "payroll_rules", COLUMNS, company, id).await
}

/// Inserts a rule; answers its id.
pub async fn create(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    fields: &RuleFields,
    now: i64,
) -> StoreResult<i64> {
    sql::insert(
        conn,
        "INSERT INTO payroll_rules (company_id, title, otc_algorithm_daily, is_active, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
        vec![
            company.0.into(),
            fields.title.clone().into(),
            fields.otc_algorithm_daily.into(),
            fields.is_active.into(),
            now.into(),
        ],
    )
    .await
}

/// Replaces a rule's fields. `NotFound` when it is not the company's.
pub async fn update(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
    fields: &RuleFields,
) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        "UPDATE payroll_rules SET title = $1, otc_algorithm_daily = $2, is_active = $3 \
         WHERE company_id = $4 AND id = $5",
        vec![
            fields.title.clone().into(),
            fields.otc_algorithm_daily.into(),
            fields.is_active.into(),
            company.0.into(),
            id.into(),
        ],
    )
    .await?;
    touched_one(touched)
}

/// True when some employee holds or held the rule.
pub async fn in_use(conn: &impl ConnectionTrait, id: i64) -> StoreResult<bool> {
    catalog_entry_held(conn, "person_payrolls", "payroll_rule_id", id).await
}

/// Deletes a rule; the caller has checked that nobody holds it.
pub async fn delete(conn: &impl ConnectionTrait, company: CompanyId, id: i64) -> StoreResult<()> {
    delete_catalog_entry(conn, "payroll_rules", company, id).await
}
