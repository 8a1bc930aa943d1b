//! Departments: the company's tree (`pid` points at the parent, `NULL` at the root),
//! each department's own count of active employees, and the writes behind
//! `/v1/departments`: create, rename or move, and delete with the empty
//! sub-departments below. Every function takes the company id; the writes take any
//! connection so that the caller can put them and their activity row in one transaction.

use davomat_core::{CompanyId, DepartmentId, EmployeeId};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use crate::{StoreResult, sql};

/// One department as the API shows it, without its children.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct DepartmentRow {
    pub id: DepartmentId,
    pub pid: Option<DepartmentId>,
    pub title: String,
    /// Active employees whose department this is (sub-departments not counted).
    pub count_employees: i64,
}

/// What a department is made of: its title and its parent (`None` at the root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentFields {
    pub title: String,
    pub pid: Option<DepartmentId>,
}

/// The columns of [`DepartmentRow`] selected from `departments d`.
const COLUMNS: &str = "d.id, d.pid, d.title, \
     (SELECT count(*) FROM employees e WHERE e.department_id = d.id AND e.status = 'active') \
     AS count_employees";

/// The department `$2` of company `$1` and every department below it.
const SUBTREE: &str = "WITH RECURSIVE tree(id) AS ( \
     SELECT id FROM departments WHERE id = $2 AND company_id = $1 \
     UNION SELECT c.id FROM departments c JOIN tree t ON c.pid = t.id WHERE c.company_id = $1)";

#[derive(FromQueryResult)]
struct IdRow {
    id: DepartmentId,
}

#[derive(FromQueryResult)]
struct TitleRow {
    id: DepartmentId,
    title: String,
}

/// Serialises the department writes of one company: the first statement of their
/// transaction, so that the checks they make (sibling titles, cycles, employees
/// attached) still hold when they write. On PostgreSQL it takes the company row's
/// lock; on SQLite the transaction already holds the database's write lock
/// (`BEGIN IMMEDIATE`, crate::writer), so it only costs a statement there.
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn lock(conn: &impl ConnectionTrait, company: CompanyId) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE companies SET name = name WHERE id = $1",
        vec![company.0.into()],
    )
    .await?;
    Ok(())
}

/// Every department of the company, by id.
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn all(
    conn: &impl ConnectionTrait,
    company: CompanyId,
) -> StoreResult<Vec<DepartmentRow>> {
    sql::all(
        conn,
        &format!("SELECT {COLUMNS} FROM departments d WHERE d.company_id = $1 ORDER BY d.id"),
        vec![company.0.into()],
    )
    .await
}

/// One department of the company, if it is one.
#[tracing::instrument(skip_all, fields(company = company.0, department = id.0), err)]
pub async fn find(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: DepartmentId,
) -> StoreResult<Option<DepartmentRow>> {
    sql::one(
        conn,
        &format!("SELECT {COLUMNS} FROM departments d WHERE d.company_id = $1 AND d.id = $2"),
        vec![company.0.into(), id.0.into()],
    )
    .await
}

/// The department and every department below it, by id; empty when the id is not a
/// department of the company.
#[tracing::instrument(skip_all, fields(company = company.0, department = id.0), err)]
pub async fn subtree(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: DepartmentId,
) -> StoreResult<Vec<DepartmentRow>> {
    sql::all(
        conn,
        &format!(
            "{SUBTREE} SELECT {COLUMNS} FROM departments d JOIN tree t ON t.id = d.id \
             WHERE d.company_id = $1 ORDER BY d.id"
        ),
        vec![company.0.into(), id.0.into()],
    )
    .await
}

/// Ids of the department and every department below it (empty when not in the company).
#[tracing::instrument(skip_all, fields(company = company.0, department = id.0), err)]
pub async fn subtree_ids(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: DepartmentId,
) -> StoreResult<Vec<DepartmentId>> {
    let rows: Vec<IdRow> = sql::all(
        conn,
        &format!("{SUBTREE} SELECT id FROM tree ORDER BY id"),
        vec![company.0.into(), id.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// The current department of an employee of the company.
#[tracing::instrument(skip_all, fields(company = company.0, employee = employee.0), err)]
pub async fn of_employee(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<Option<DepartmentId>> {
    Ok(sql::scalar(
        conn,
        "SELECT department_id FROM employees WHERE company_id = $1 AND id = $2",
        vec![company.0.into(), employee.0.into()],
    )
    .await?
    .map(DepartmentId))
}

/// True when a department under `pid` (`None`: at the root), other than `except`,
/// already has this title. Titles compare trimmed and case-insensitively (any script).
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn title_taken(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    pid: Option<DepartmentId>,
    title: &str,
    except: Option<DepartmentId>,
) -> StoreResult<bool> {
    let siblings: Vec<TitleRow> = match pid {
        Some(pid) => {
            sql::all(
                conn,
                "SELECT id, title FROM departments WHERE company_id = $1 AND pid = $2",
                vec![company.0.into(), pid.0.into()],
            )
            .await?
        }
        None => {
            sql::all(
                conn,
                "SELECT id, title FROM departments WHERE company_id = $1 AND pid IS NULL",
                vec![company.0.into()],
            )
            .await?
        }
    };
    let wanted = title_key(title);
    Ok(siblings
        .iter()
        .any(|s| Some(s.id) != except && title_key(&s.title) == wanted))
}

fn title_key(title: &str) -> String {
    title.trim().to_lowercase()
}

/// Inserts a department; answers its id. The caller has checked the parent and title.
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn create(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    fields: &DepartmentFields,
    now: i64,
) -> StoreResult<DepartmentId> {
    sql::insert(
        conn,
        "INSERT INTO departments (company_id, pid, title, created_at) VALUES ($1, $2, $3, $4)",
        vec![
            company.0.into(),
            fields.pid.map(|p| p.0).into(),
            fields.title.trim().into(),
            now.into(),
        ],
    )
    .await
    .map(DepartmentId)
}

/// Sets a department's title and parent. The caller has checked them (no cycle).
#[tracing::instrument(skip_all, fields(company = company.0, department = id.0), err)]
pub async fn update(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: DepartmentId,
    fields: &DepartmentFields,
) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        "UPDATE departments SET title = $1, pid = $2 WHERE company_id = $3 AND id = $4",
        vec![
            fields.title.trim().into(),
            fields.pid.map(|p| p.0).into(),
            company.0.into(),
            id.0.into(),
        ],
    )
    .await?;
    if touched == 0 {
        Err(crate::StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// `$2, $3, …` for the ids after the company's `$1`, and the values of all of them.
fn id_list(company: CompanyId, ids: &[DepartmentId]) -> (String, Vec<Value>) {
    let placeholders = (0..ids.len())
        .map(|i| format!("${}", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let mut values: Vec<Value> = vec![company.0.into()];
    values.extend(ids.iter().map(|id| Value::from(id.0)));
    (placeholders, values)
}

/// True while something keeps these departments from being deleted: an employee of
/// any status whose department is one of them, or an open (`end_date` unset: current
/// or pending) period of an employee's department history in one of them.
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn in_use(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    ids: &[DepartmentId],
) -> StoreResult<bool> {
    if ids.is_empty() {
        return Ok(false);
    }
    let (list, values) = id_list(company, ids);
    let employees = sql::scalar(
        conn,
        &format!(
            "SELECT count(*) FROM employees WHERE company_id = $1 AND department_id IN ({list})"
        ),
        values.clone(),
    )
    .await?
    .unwrap_or(0);
    let open_periods = sql::scalar(
        conn,
        &format!(
            "SELECT count(*) FROM employee_departments ed JOIN employees e ON e.id = ed.employee_id \
             WHERE e.company_id = $1 AND ed.end_date IS NULL AND ed.department_id IN ({list})"
        ),
        values,
    )
    .await?
    .unwrap_or(0);
    Ok(employees + open_periods > 0)
}

/// Deletes these departments of the company and the closed periods of employees'
/// department history in them (assignments of overseers go by cascade). The caller
/// has checked [`in_use`]. Answers how many departments went.
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn delete(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    ids: &[DepartmentId],
) -> StoreResult<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let (list, values) = id_list(company, ids);
    sql::execute(
        conn,
        &format!(
            "DELETE FROM employee_departments WHERE department_id IN ({list}) \
             AND employee_id IN (SELECT id FROM employees WHERE company_id = $1)"
        ),
        values.clone(),
    )
    .await?;
    sql::execute(
        conn,
        &format!("DELETE FROM departments WHERE company_id = $1 AND id IN ({list})"),
        values,
    )
    .await
}
