//! The ids and titles of a company's locations, positions and schedules: what a choice
//! among them (a form's select, a filter) or a name beside an id needs, and no more.

use davomat_core::CompanyId;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{StoreResult, sql};

/// The kinds of the company's directory that are chosen by title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Titled {
    Locations,
    Positions,
    Schedules,
    TimeOffTypes,
}

impl Titled {
    fn table(self) -> &'static str {
        match self {
            Titled::Locations => "locations",
            Titled::Positions => "positions",
            Titled::Schedules => "schedules",
            Titled::TimeOffTypes => "time_off_types",
        }
    }
}

#[derive(FromQueryResult)]
struct TitleRow {
    id: i64,
    title: String,
}

/// The `(id, title)` of every one of the company's `kind`, by id.
pub async fn of(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    kind: Titled,
) -> StoreResult<Vec<(i64, String)>> {
    let rows: Vec<TitleRow> = sql::all(
        conn,
        &format!(
            "SELECT id, title FROM {} WHERE company_id = $1 ORDER BY id",
            kind.table()
        ),
        vec![company.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.title)).collect())
}
