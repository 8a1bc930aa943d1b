//! Positions (должности) of a company: each with the number of active employees who
//! hold it today, and the writes behind `/v1/positions`: create, rename, and delete
//! while nobody holds it. Every function takes the company id; the writes take any
//! connection so that the caller can put them and their activity row in one transaction.
//!
//! An employee holds a position on a day when one of their `employee_positions` rows
//! covers it (`start_date <= day`, `end_date` NULL or not before it).

use chrono::NaiveDate;
use davomat_core::page::PageRequest;
use davomat_core::{CompanyId, PositionId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{StoreError, StoreResult, sql};

/// A position as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct Position {
    pub id: PositionId,
    pub title: String,
    /// Active employees holding it on the day asked about.
    pub count_employees: i64,
}

/// What a position is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PositionFields {
    pub title: String,
}

/// The columns of [`Position`] selected from `positions p`, counting holders on `$2`.
const COLUMNS: &str = "p.id, p.title, \
     (SELECT count(DISTINCT ep.employee_id) FROM employee_positions ep \
      JOIN employees e ON e.id = ep.employee_id \
      WHERE ep.position_id = p.id AND ep.start_date <= $2 \
      AND (ep.end_date IS NULL OR ep.end_date >= $2) AND e.status = 'active') AS count_employees";

#[derive(FromQueryResult)]
struct TitleRow {
    id: i64,
    title: String,
}

/// One page of the company's positions by id, counted on `today`, and the total.
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn list(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    today: NaiveDate,
    page: PageRequest,
) -> StoreResult<(Vec<Position>, u64)> {
    let total = sql::scalar(
        conn,
        "SELECT count(*) FROM positions WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?
    .unwrap_or(0) as u64;
    let rows = sql::all(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM positions p WHERE p.company_id = $1 ORDER BY p.id LIMIT {} OFFSET {}",
            page.per_page,
            page.offset()
        ),
        vec![company.0.into(), today.into()],
    )
    .await?;
    Ok((rows, total))
}

/// One position of the company, counted on `today`, if it is one.
#[tracing::instrument(skip_all, fields(company = company.0, position = id), err)]
pub async fn find(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
    today: NaiveDate,
) -> StoreResult<Option<Position>> {
    sql::one(
        conn,
        &format!("SELECT {COLUMNS} FROM positions p WHERE p.company_id = $1 AND p.id = $3"),
        vec![company.0.into(), today.into(), id.into()],
    )
    .await
}

/// True when a position of the company other than `except` already has this title.
/// Titles compare trimmed and case-insensitively (any script).
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn title_taken(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    title: &str,
    except: Option<i64>,
) -> StoreResult<bool> {
    let rows: Vec<TitleRow> = sql::all(
        conn,
        "SELECT id, title FROM positions WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?;
    let wanted = title_key(title);
    Ok(rows
        .iter()
        .any(|r| Some(r.id) != except && title_key(&r.title) == wanted))
}

fn title_key(title: &str) -> String {
    title.trim().to_lowercase()
}

/// Inserts a position (title trimmed); answers its id. The caller has checked the title.
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn create(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    fields: &PositionFields,
    now: i64,
) -> StoreResult<i64> {
    sql::insert(
        conn,
        "INSERT INTO positions (company_id, title, created_at) VALUES ($1, $2, $3)",
        vec![company.0.into(), fields.title.trim().into(), now.into()],
    )
    .await
}

/// Sets a position's title (trimmed). `NotFound` when it is not the company's.
#[tracing::instrument(skip_all, fields(company = company.0, position = id), err)]
pub async fn update(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
    fields: &PositionFields,
) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        "UPDATE positions SET title = $1 WHERE company_id = $2 AND id = $3",
        vec![fields.title.trim().into(), company.0.into(), id.into()],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// True while any employee (whatever their status) holds the position on `today` or
/// later, or is due to take it: an open period, one ending today or later, or one
/// starting after today.
#[tracing::instrument(skip_all, fields(company = company.0, position = id), err)]
pub async fn is_held(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
    today: NaiveDate,
) -> StoreResult<bool> {
    let held = sql::scalar(
        conn,
        "SELECT count(*) FROM employee_positions ep JOIN positions p ON p.id = ep.position_id \
         WHERE p.company_id = $1 AND ep.position_id = $2 \
         AND (ep.end_date IS NULL OR ep.end_date >= $3 OR ep.start_date > $3)",
        vec![company.0.into(), id.into(), today.into()],
    )
    .await?
    .unwrap_or(0);
    Ok(held > 0)
}

/// Deletes a position with the closed periods of it in employees' histories (the
/// caller has checked that nobody holds it). `NotFound` when it is not the company's.
#[tracing::instrument(skip_all, fields(company = company.0, position = id), err)]
pub async fn delete(conn: &impl ConnectionTrait, company: CompanyId, id: i64) -> StoreResult<()> {
    sql::execute(
        conn,
        "DELETE FROM employee_positions WHERE position_id IN \
         (SELECT id FROM positions WHERE company_id = $1 AND id = $2)",
        vec![company.0.into(), id.into()],
    )
    .await?;
    let touched = sql::execute(
        conn,
        "DELETE FROM positions WHERE company_id = $1 AND id = $2",
        vec![company.0.into(), id.into()],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
