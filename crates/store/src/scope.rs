//! What a department head, manager or observer oversees: the departments assigned to
//! them and every sub-department below, and the employees in those.

use davomat_core::{CompanyId, UserId};
use sea_orm::FromQueryResult;

use crate::{Store, StoreResult, sql};

#[derive(FromQueryResult)]
struct IdRow {
    id: i64,
}

/// The recursive set of departments a user oversees, as a SQL subquery on `$1`
/// (company) and `$2` (user).
const OVERSEEN_DEPARTMENTS: &str = "WITH RECURSIVE overseen(id) AS ( \
     SELECT d.id FROM departments d JOIN user_departments ud ON ud.department_id = d.id \
     WHERE ud.user_id = $2 AND d.company_id = $1 \
     UNION SELECT c.id FROM departments c JOIN overseen o ON c.pid = o.id WHERE c.company_id = $1)";

/// Ids of the departments the user oversees, sub-departments included.
pub async fn departments_overseen(
    store: &Store,
    company: CompanyId,
    user: UserId,
) -> StoreResult<Vec<i64>> {
    let rows: Vec<IdRow> = sql::all(
        store.conn(),
        &format!("{OVERSEEN_DEPARTMENTS} SELECT id FROM overseen ORDER BY id"),
        vec![company.0.into(), user.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Ids of the employees in the departments the user oversees.
pub async fn employees_overseen(
    store: &Store,
    company: CompanyId,
    user: UserId,
) -> StoreResult<Vec<i64>> {
    let rows: Vec<IdRow> = sql::all(
        store.conn(),
        &format!(
            "{OVERSEEN_DEPARTMENTS} SELECT e.id FROM employees e JOIN overseen o ON o.id = e.department_id \
             WHERE e.company_id = $1 ORDER BY e.id"
        ),
        vec![company.0.into(), user.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// The department and every department below it, when it belongs to the company
/// (empty otherwise).
pub async fn department_and_below(
    store: &Store,
    company: CompanyId,
    department: i64,
) -> StoreResult<Vec<i64>> {
    let rows: Vec<IdRow> = sql::all(
        store.conn(),
        "WITH RECURSIVE below(id) AS ( \
         SELECT id FROM departments WHERE id = $2 AND company_id = $1 \
         UNION SELECT c.id FROM departments c JOIN below b ON c.pid = b.id WHERE c.company_id = $1) \
         SELECT id FROM below ORDER BY id",
        vec![company.0.into(), department.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// A company object that requests refer to by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Referent {
    Department,
    Schedule,
    Location,
    Position,
}

impl Referent {
    fn table(self) -> &'static str {
        match self {
            Referent::Department => "departments",
            Referent::Schedule => "schedules",
            Referent::Location => "locations",
            Referent::Position => "positions",
        }
    }
}

/// The ids among `ids` that do not name an object of this kind in the company.
pub async fn unknown_ids(
    conn: &impl sea_orm::ConnectionTrait,
    referent: Referent,
    company: CompanyId,
    ids: &[i64],
) -> StoreResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let rows: Vec<IdRow> = sql::all(
        conn,
        &format!(
            "SELECT id FROM {} WHERE company_id = $1 AND id IN ({list})",
            referent.table()
        ),
        vec![company.0.into()],
    )
    .await?;
    Ok(ids
        .iter()
        .copied()
        .filter(|id| !rows.iter().any(|r| r.id == *id))
        .collect())
}

/// Every location id of the company (`"*"` in requests).
pub async fn all_location_ids(
    conn: &impl sea_orm::ConnectionTrait,
    company: CompanyId,
) -> StoreResult<Vec<i64>> {
    let rows: Vec<IdRow> = sql::all(
        conn,
        "SELECT id FROM locations WHERE company_id = $1 ORDER BY id",
        vec![company.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// True when another employee of the company has the tab number.
pub async fn tab_number_taken(
    conn: &impl sea_orm::ConnectionTrait,
    company: CompanyId,
    tab_number: &str,
    except: Option<i64>,
) -> StoreResult<bool> {
    Ok(sql::scalar(
        conn,
        "SELECT count(*) FROM employees WHERE company_id = $1 AND tab_number = $2 AND id <> $3",
        vec![
            company.0.into(),
            tab_number.into(),
            except.unwrap_or(0).into(),
        ],
    )
    .await?
    .unwrap_or(0)
        > 0)
}

/// True when one more active employee would pass the company's employee limit.
pub async fn employee_limit_reached(
    conn: &impl sea_orm::ConnectionTrait,
    company: CompanyId,
) -> StoreResult<bool> {
    Ok(sql::scalar(
        conn,
        "SELECT count(*) FROM companies c WHERE c.id = $1 AND c.employee_limit IS NOT NULL \
         AND (SELECT count(*) FROM employees e WHERE e.company_id = c.id AND e.status = 'active') >= c.employee_limit",
        vec![company.0.into()],
    )
    .await?
    .unwrap_or(0)
        > 0)
}
