//! What `davomat import workly` remembers of a source (another Workly API server, named
//! by its base URL and its company's id there): which source object became which
//! object here, and which days of its clock events were read whole. A re-run reads
//! these first and writes only what they do not hold.

use std::collections::{HashMap, HashSet};

use davomat_core::{CompanyId, EmployeeId, UserId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{StoreResult, sql};

#[derive(FromQueryResult)]
struct LinkRow {
    source_id: String,
    target_id: i64,
}

/// The links of one kind (`department`, `employee`…): source id → id here.
pub async fn links(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    source: &str,
    kind: &str,
) -> StoreResult<HashMap<String, i64>> {
    let rows: Vec<LinkRow> = sql::all(
        conn,
        "SELECT source_id, target_id FROM import_links \
         WHERE company_id = $1 AND source = $2 AND kind = $3",
        vec![company.0.into(), source.into(), kind.into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.source_id, row.target_id))
        .collect())
}

/// A link to remember; one already there is kept as it is.
pub struct NewLink<'a> {
    pub kind: &'a str,
    pub source_id: &'a str,
    pub target_id: i64,
    /// A schedule made from the little the source told: to complete by hand.
    pub draft: bool,
}

/// Remembers a link.
pub async fn link(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    source: &str,
    link: NewLink<'_>,
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "INSERT INTO import_links (company_id, source, kind, source_id, target_id, draft, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (company_id, source, kind, source_id) DO NOTHING",
        vec![
            company.0.into(),
            source.into(),
            link.kind.into(),
            link.source_id.into(),
            link.target_id.into(),
            link.draft.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// The ids here of the objects of one kind linked as drafts.
pub async fn drafts(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    source: &str,
    kind: &str,
) -> StoreResult<Vec<i64>> {
    let rows: Vec<LinkRow> = sql::all(
        conn,
        "SELECT source_id, target_id FROM import_links \
         WHERE company_id = $1 AND source = $2 AND kind = $3 AND draft ORDER BY target_id",
        vec![company.0.into(), source.into(), kind.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|row| row.target_id).collect())
}

#[derive(FromQueryResult)]
struct CompanyRow {
    company_id: CompanyId,
}

/// The company an earlier import of this source wrote into, if any (the first one).
pub async fn company_of(
    conn: &impl ConnectionTrait,
    source: &str,
) -> StoreResult<Option<CompanyId>> {
    let row: Option<CompanyRow> = sql::one(
        conn,
        "SELECT company_id FROM import_links WHERE source = $1 ORDER BY id LIMIT 1",
        vec![source.into()],
    )
    .await?;
    Ok(row.map(|row| row.company_id))
}

#[derive(FromQueryResult)]
struct DayRow {
    day: String,
}

/// The days (`YYYY-MM-DD`) whose clock events were read whole.
pub async fn days_read(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    source: &str,
) -> StoreResult<HashSet<String>> {
    let rows: Vec<DayRow> = sql::all(
        conn,
        "SELECT day FROM import_days WHERE company_id = $1 AND source = $2",
        vec![company.0.into(), source.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|row| row.day).collect())
}

/// Remembers that a day's clock events were read whole (`events` of them).
pub async fn day_read(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    source: &str,
    day: &str,
    events: i64,
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "INSERT INTO import_days (company_id, source, day, events, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (company_id, source, day) DO NOTHING",
        vec![
            company.0.into(),
            source.into(),
            day.into(),
            events.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// The administrator an import acts as (its activity rows name them).
#[derive(Clone, Debug, FromQueryResult)]
pub struct ActingAdmin {
    pub user_id: UserId,
    pub email: String,
    pub user_lang: String,
    pub employee_id: Option<EmployeeId>,
    pub employee_full_name: Option<String>,
    pub company_lang: String,
    pub company_time_zone: String,
}

/// The company's first administrator who is not dismissed, if any.
pub async fn acting_admin(
    conn: &impl ConnectionTrait,
    company: CompanyId,
) -> StoreResult<Option<ActingAdmin>> {
    sql::one(
        conn,
        "SELECT u.id AS user_id, u.email, u.lang AS user_lang, u.employee_id, \
                e.full_name AS employee_full_name, c.lang AS company_lang, \
                c.time_zone AS company_time_zone \
         FROM users u JOIN companies c ON c.id = u.company_id \
         LEFT JOIN employees e ON e.id = u.employee_id \
         WHERE u.company_id = $1 AND u.role = 1 AND (e.status IS NULL OR e.status <> 'dismissed') \
         ORDER BY u.id LIMIT 1",
        vec![company.0.into()],
    )
    .await
}

/// A department here, as an import matches a source's department to it (same title
/// under the same parent).
#[derive(Clone, Debug, FromQueryResult)]
pub struct DepartmentHere {
    pub id: i64,
    pub pid: Option<i64>,
    pub title: String,
}

/// The company's departments.
pub async fn departments(
    conn: &impl ConnectionTrait,
    company: CompanyId,
) -> StoreResult<Vec<DepartmentHere>> {
    sql::all(
        conn,
        "SELECT id, pid, title FROM departments WHERE company_id = $1 ORDER BY id",
        vec![company.0.into()],
    )
    .await
}

#[derive(FromQueryResult)]
struct HolidayRow {
    id: i64,
    date: String,
}

/// The company's calendar entries by date (`YYYY-MM-DD`).
pub async fn holidays_by_date(
    conn: &impl ConnectionTrait,
    company: CompanyId,
) -> StoreResult<HashMap<String, i64>> {
    let rows: Vec<HolidayRow> = sql::all(
        conn,
        "SELECT id, CAST(date AS TEXT) AS date FROM holidays WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|row| (row.date, row.id)).collect())
}

/// The employee holding this tab number in the company, if any.
pub async fn employee_by_tab_number(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    tab_number: &str,
) -> StoreResult<Option<i64>> {
    sql::scalar(
        conn,
        "SELECT id FROM employees WHERE company_id = $1 AND tab_number = $2 ORDER BY id LIMIT 1",
        vec![company.0.into(), tab_number.into()],
    )
    .await
}
