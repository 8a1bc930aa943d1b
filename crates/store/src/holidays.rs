//! The company's holiday calendar (SEMANTICS.md §2): holidays, shortened pre-holiday
//! days and transferred working days (`workday`, with the weekday in `as_weekday`). One
//! entry per date; the engine reads the entries of a range.

use chrono::NaiveDate;
use davomat_core::engine::HolidayKind;
use davomat_core::page::PageRequest;
use davomat_core::{CompanyId, HolidayId};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use crate::text::{Text, bound};
use crate::{StoreError, StoreResult, sql};

/// A calendar entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub id: HolidayId,
    pub date: NaiveDate,
    pub title: String,
    pub kind: HolidayKind,
}

/// An entry as stored.
#[derive(FromQueryResult)]
struct StoredHoliday {
    id: HolidayId,
    date: NaiveDate,
    title: String,
    kind: Text<HolidayKind>,
    as_weekday: Option<i16>,
}

impl From<StoredHoliday> for Holiday {
    fn from(row: StoredHoliday) -> Self {
        let kind = match row.kind.0 {
            // The kind's text names no weekday: it is the column beside it (Monday if
            // unset or out of range).
            HolidayKind::Workday(_) => HolidayKind::Workday(
                row.as_weekday
                    .and_then(|day| u8::try_from(day).ok())
                    .filter(|day| (1..=7).contains(day))
                    .unwrap_or(1),
            ),
            other => other,
        };
        Holiday {
            id: row.id,
            date: row.date,
            title: row.title,
            kind,
        }
    }
}

/// What an entry is made of.
#[derive(Clone, Debug)]
pub struct HolidayFields {
    pub date: NaiveDate,
    pub title: String,
    pub kind: HolidayKind,
}

/// The range clause of a list on `$1` (company), with the optional bounds appended.
fn range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (String, Vec<Value>) {
    let mut clause = String::from("company_id = $1");
    let mut values = Vec::new();
    if let Some(from) = from {
        values.push(from.into());
        clause.push_str(&format!(" AND date >= ${}", values.len() + 1));
    }
    if let Some(to) = to {
        values.push(to.into());
        clause.push_str(&format!(" AND date <= ${}", values.len() + 1));
    }
    (clause, values)
}

/// One page of the company's entries by date, optionally within `from..=to`, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    page: PageRequest,
) -> StoreResult<(Vec<Holiday>, u64)> {
    let (clause, bounds) = range(from, to);
    let mut values: Vec<Value> = vec![company.0.into()];
    values.extend(bounds);
    let total = sql::scalar(
        conn,
        &format!("SELECT count(*) FROM holidays WHERE {clause}"),
        values.clone(),
    )
    .await?
    .unwrap_or(0) as u64;
    let rows: Vec<StoredHoliday> = sql::all(
        conn,
        &format!(
            "SELECT id, date, title, kind, as_weekday FROM holidays WHERE {clause} ORDER BY date, id LIMIT {} OFFSET {}",
            page.per_page,
            page.offset()
        ),
        values,
    )
    .await?;
    Ok((rows.into_iter().map(Holiday::from).collect(), total))
}

/// Every entry of the company within `from..=to`, by date (for the engine).
pub async fn between(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<Holiday>> {
    let rows: Vec<StoredHoliday> = sql::all(
        conn,
        "SELECT id, date, title, kind, as_weekday FROM holidays WHERE company_id = $1 AND date >= $2 AND date <= $3 ORDER BY date",
        vec![company.0.into(), from.into(), to.into()],
    )
    .await?;
    Ok(rows.into_iter().map(Holiday::from).collect())
}

/// One entry of the company, if it is one.
pub async fn find(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
) -> StoreResult<Option<Holiday>> {
    let row: Option<StoredHoliday> = sql::one(
        conn,
        "SELECT id, date, title, kind, as_weekday FROM holidays WHERE company_id = $1 AND id = $2",
        vec![company.0.into(), id.into()],
    )
    .await?;
    Ok(row.map(Holiday::from))
}

/// True when the company's calendar already has an entry on this date.
pub async fn date_taken(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    date: NaiveDate,
) -> StoreResult<bool> {
    let count = sql::scalar(
        conn,
        "SELECT count(*) FROM holidays WHERE company_id = $1 AND date = $2",
        vec![company.0.into(), date.into()],
    )
    .await?
    .unwrap_or(0);
    Ok(count > 0)
}

/// Inserts an entry; answers its id. The caller has checked the date is free.
pub async fn create(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    fields: &HolidayFields,
    now: i64,
) -> StoreResult<i64> {
    sql::insert(
        conn,
        "INSERT INTO holidays (company_id, date, title, kind, as_weekday, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            company.0.into(),
            fields.date.into(),
            fields.title.trim().into(),
            bound(fields.kind),
            fields.kind.worked_as().map(i16::from).into(),
            now.into(),
        ],
    )
    .await
}

/// Deletes an entry. `NotFound` when it is not the company's.
pub async fn delete(conn: &impl ConnectionTrait, company: CompanyId, id: i64) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        "DELETE FROM holidays WHERE company_id = $1 AND id = $2",
        vec![company.0.into(), id.into()],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
