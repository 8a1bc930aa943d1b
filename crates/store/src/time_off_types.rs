//! Time-off types (причины отсутствия): the reasons an employee asks for time off,
//! each with a title, a description and a colour. A type cannot be deleted while
//! time-offs of it exist (the foreign key restricts it).

use davomat_core::page::PageRequest;
use davomat_core::{CompanyId, TimeOffTypeId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{StoreError, StoreResult, sql};

/// The TimeOffType object.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct TimeOffType {
    pub id: TimeOffTypeId,
    pub title: String,
    pub description: String,
    pub color: String,
    /// The type's code on the monthly timesheet (T-13 letters), when set.
    pub timesheet_code: Option<String>,
}

/// What a type is made of.
#[derive(Clone, Debug)]
pub struct TimeOffTypeFields {
    pub title: String,
    pub description: String,
    pub color: String,
}

const COLUMNS: &str = "id, title, description, color, timesheet_code";

/// One page of the company's types by id, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    page: PageRequest,
) -> StoreResult<(Vec<TimeOffType>, u64)> {
    let total = sql::scalar(
        conn,
        "SELECT count(*) FROM time_off_types WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?
    .unwrap_or(0) as u64;
    let rows = sql::all(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM time_off_types WHERE company_id = $1 ORDER BY id LIMIT {} OFFSET {}",
            page.per_page,
            page.offset()
        ),
        vec![company.0.into()],
    )
    .await?;
    Ok((rows, total))
}

/// One type of the company, if it is one.
pub async fn find(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
) -> StoreResult<Option<TimeOffType>> {
    sql::one(
        conn,
        &format!("SELECT {COLUMNS} FROM time_off_types WHERE company_id = $1 AND id = $2"),
        vec![company.0.into(), id.into()],
    )
    .await
}

/// True when a type of the company other than `except` has this title (trimmed,
/// case-insensitive).
pub async fn title_taken(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    title: &str,
    except: Option<TimeOffTypeId>,
) -> StoreResult<bool> {
    let rows = all(conn, company).await?;
    let wanted = title.trim().to_lowercase();
    Ok(rows
        .iter()
        .any(|t| Some(t.id) != except && t.title.trim().to_lowercase() == wanted))
}

/// Every type of the company, by id.
pub async fn all(conn: &impl ConnectionTrait, company: CompanyId) -> StoreResult<Vec<TimeOffType>> {
    sql::all(
        conn,
        &format!("SELECT {COLUMNS} FROM time_off_types WHERE company_id = $1 ORDER BY id"),
        vec![company.0.into()],
    )
    .await
}

/// Sets (or clears) a type's timesheet code. `NotFound` when it is not the company's.
pub async fn set_timesheet_code(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: TimeOffTypeId,
    code: Option<&str>,
) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        "UPDATE time_off_types SET timesheet_code = $1 WHERE company_id = $2 AND id = $3",
        vec![code.into(), company.0.into(), id.0.into()],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Inserts a type; answers its id.
pub async fn create(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    fields: &TimeOffTypeFields,
    now: i64,
) -> StoreResult<i64> {
    sql::insert(
        conn,
        "INSERT INTO time_off_types (company_id, title, description, color, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
        vec![
            company.0.into(),
            fields.title.trim().into(),
            fields.description.clone().into(),
            fields.color.clone().into(),
            now.into(),
        ],
    )
    .await
}

/// Replaces a type's fields. `NotFound` when it is not the company's.
pub async fn update(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
    fields: &TimeOffTypeFields,
) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        "UPDATE time_off_types SET title = $1, description = $2, color = $3 WHERE company_id = $4 AND id = $5",
        vec![
            fields.title.trim().into(),
            fields.description.clone().into(),
            fields.color.clone().into(),
            company.0.into(),
            id.into(),
        ],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// True while any time-off (whatever its status) is of this type.
pub async fn is_used(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
) -> StoreResult<bool> {
    let count = sql::scalar(
        conn,
        "SELECT count(*) FROM time_offs WHERE company_id = $1 AND type_id = $2",
        vec![company.0.into(), id.into()],
    )
    .await?
    .unwrap_or(0);
    Ok(count > 0)
}

/// Deletes a type nobody uses. `NotFound` when it is not the company's.
pub async fn delete(conn: &impl ConnectionTrait, company: CompanyId, id: i64) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        "DELETE FROM time_off_types WHERE company_id = $1 AND id = $2",
        vec![company.0.into(), id.into()],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
