//! What a department head, manager or observer oversees: the departments assigned to
//! them and every sub-department below, and the employees in those.

use davomat_core::{CompanyId, DepartmentId, UserId};
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
) -> StoreResult<Vec<DepartmentId>> {
    let rows: Vec<IdRow> = sql::all(
        store.conn(),
        &format!("{OVERSEEN_DEPARTMENTS} SELECT id FROM overseen ORDER BY id"),
        vec![company.0.into(), user.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| DepartmentId(r.id)).collect())
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
