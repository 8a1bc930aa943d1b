//! Each employee's periods of a salary rate (`salary_rates`), a payroll rule
//! (`person_payrolls`) and an automatic fine (`person_fines`).
//!
//! The API layer decides who may get a new period (its start must be after the open
//! one's start); these functions then write a whole request's employees in a handful
//! of statements: one to close the open periods, one insert per 500 employees.

use std::collections::HashMap;

use chrono::NaiveDate;
use davomat_core::CompanyId;
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::OPEN_END;
use crate::employees::id_list;
use crate::{StoreError, StoreResult, sql};

/// Employees per insert statement.
const CHUNK: usize = 500;

/// Which periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodKind {
    Salary,
    Payroll,
    Fine,
}

impl PeriodKind {
    fn table(self) -> &'static str {
        match self {
            PeriodKind::Salary => "salary_rates",
            PeriodKind::Payroll => "person_payrolls",
            PeriodKind::Fine => "person_fines",
        }
    }

    /// The column naming the rule or fine held; salary rates hold their own amount.
    fn held_column(self) -> &'static str {
        match self {
            PeriodKind::Salary => "NULL",
            PeriodKind::Payroll => "payroll_rule_id",
            PeriodKind::Fine => "fine_id",
        }
    }
}

/// What a new period holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// `type_col` 1 hourly, 2 weekly, 3 monthly, 4 daily; `rate` in minor units.
    Salary {
        type_col: i64,
        rate: i64,
    },
    Rule(i64),
    Fine(i64),
}

impl Held {
    pub fn kind(self) -> PeriodKind {
        match self {
            Held::Salary { .. } => PeriodKind::Salary,
            Held::Rule(_) => PeriodKind::Payroll,
            Held::Fine(_) => PeriodKind::Fine,
        }
    }

    /// The insert's columns after `company_id, employee_id`, and one row's values for them.
    fn columns_and_values(self) -> (&'static str, String) {
        match self {
            Held::Salary { type_col, rate } => ("type_col, rate", format!("{type_col}, {rate}")),
            Held::Rule(id) => ("payroll_rule_id", id.to_string()),
            Held::Fine(id) => ("fine_id", id.to_string()),
        }
    }
}

/// An employee's open period.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct OpenPeriod {
    pub employee_id: i64,
    pub id: i64,
    pub start_date: NaiveDate,
    /// The rule or fine held (`None` for a salary rate).
    pub held_id: Option<i64>,
}

/// The open periods of these employees of the company, by employee.
pub async fn open_periods(
    conn: &impl ConnectionTrait,
    kind: PeriodKind,
    company: CompanyId,
    employees: &[i64],
) -> StoreResult<HashMap<i64, OpenPeriod>> {
    let mut open = HashMap::new();
    for chunk in employees.chunks(CHUNK) {
        let rows: Vec<OpenPeriod> = sql::all(
            conn,
            &format!(
                "SELECT employee_id, id, start_date, {} AS held_id FROM {} \
                 WHERE company_id = $1 AND end_date = $2 AND employee_id IN ({})",
                kind.held_column(),
                kind.table(),
                id_list(chunk)
            ),
            vec![company.0.into(), open_end().into()],
        )
        .await?;
        open.extend(rows.into_iter().map(|row| (row.employee_id, row)));
    }
    Ok(open)
}

/// The `end_date` of an open period.
pub fn open_end() -> NaiveDate {
    NaiveDate::parse_from_str(OPEN_END, "%Y-%m-%d").unwrap_or(NaiveDate::MAX)
}

#[derive(FromQueryResult)]
struct NewRow {
    id: i64,
    employee_id: i64,
}

/// Gives each employee a new open period from `start`, closing their open one the day
/// before. Answers the new period's id by employee.
pub async fn assign(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employees: &[i64],
    start: NaiveDate,
    held: Held,
    now: i64,
) -> StoreResult<HashMap<i64, i64>> {
    let table = held.kind().table();
    let closed_on = start.pred_opt().unwrap_or(start);
    let (columns, values) = held.columns_and_values();
    let mut created = HashMap::new();
    for chunk in employees.chunks(CHUNK) {
        sql::execute(
            conn,
            &format!(
                "UPDATE {table} SET end_date = $1 \
                 WHERE company_id = $2 AND end_date = $3 AND employee_id IN ({})",
                id_list(chunk)
            ),
            vec![closed_on.into(), company.0.into(), open_end().into()],
        )
        .await?;
        let rows: Vec<String> = chunk
            .iter()
            .map(|employee| format!("($1, {employee}, {values}, $2, $3, $4)"))
            .collect();
        let inserted: Vec<NewRow> = sql::all(
            conn,
            &format!(
                "INSERT INTO {table} (company_id, employee_id, {columns}, start_date, end_date, created_at) \
                 VALUES {} RETURNING id, employee_id",
                rows.join(", ")
            ),
            vec![
                company.0.into(),
                start.into(),
                open_end().into(),
                now.into(),
            ],
        )
        .await?;
        created.extend(inserted.into_iter().map(|row| (row.employee_id, row.id)));
    }
    Ok(created)
}

/// A period as it was before it was deleted.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct DeletedPeriod {
    pub id: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

/// Deletes one period of the employee and gives its days to the period before it (which
/// becomes open again when the deleted one was). `NotFound` when the employee of the
/// company has no such period.
pub async fn delete(
    conn: &impl ConnectionTrait,
    kind: PeriodKind,
    company: CompanyId,
    employee: i64,
    id: i64,
) -> StoreResult<DeletedPeriod> {
    let table = kind.table();
    let period: DeletedPeriod = sql::one(
        conn,
        &format!(
            "SELECT id, start_date, end_date FROM {table} \
             WHERE company_id = $1 AND employee_id = $2 AND id = $3"
        ),
        vec![company.0.into(), employee.into(), id.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    sql::execute(
        conn,
        &format!("DELETE FROM {table} WHERE id = $1"),
        vec![id.into()],
    )
    .await?;
    sql::execute(
        conn,
        &format!(
            "UPDATE {table} SET end_date = $1 WHERE id = (SELECT id FROM {table} \
             WHERE employee_id = $2 AND start_date < $3 ORDER BY start_date DESC, id DESC LIMIT 1)"
        ),
        vec![
            period.end_date.into(),
            employee.into(),
            period.start_date.into(),
        ],
    )
    .await?;
    Ok(period)
}

/// A period as the payroll lists show it, with what it holds. Salary rates fill
/// `type_col` and `rate`; rules `held_id`, `title` and `flag` (`otc_algorithm_daily`);
/// fines also `amount` (`flag` is `has_dayly_fine`).
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct PeriodRow {
    pub employee_id: i64,
    pub id: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub type_col: Option<i64>,
    pub rate: Option<i64>,
    pub held_id: Option<i64>,
    pub title: Option<String>,
    pub flag: Option<bool>,
    pub amount: Option<i64>,
}

/// Every period of these employees, by employee and start date: one query.
pub async fn of_employees(
    conn: &impl ConnectionTrait,
    kind: PeriodKind,
    employees: &[i64],
) -> StoreResult<Vec<PeriodRow>> {
    if employees.is_empty() {
        return Ok(Vec::new());
    }
    let ids = id_list(employees);
    let query = match kind {
        PeriodKind::Salary => format!(
            "SELECT p.employee_id, p.id, p.start_date, p.end_date, p.type_col, p.rate, \
             NULL AS held_id, NULL AS title, NULL AS flag, NULL AS amount \
             FROM salary_rates p WHERE p.employee_id IN ({ids})"
        ),
        PeriodKind::Payroll => format!(
            "SELECT p.employee_id, p.id, p.start_date, p.end_date, NULL AS type_col, NULL AS rate, \
             r.id AS held_id, r.title, r.otc_algorithm_daily AS flag, NULL AS amount \
             FROM person_payrolls p JOIN payroll_rules r ON r.id = p.payroll_rule_id \
             WHERE p.employee_id IN ({ids})"
        ),
        PeriodKind::Fine => format!(
            "SELECT p.employee_id, p.id, p.start_date, p.end_date, NULL AS type_col, NULL AS rate, \
             f.id AS held_id, f.title, f.has_dayly_fine AS flag, f.amount \
             FROM person_fines p JOIN fines f ON f.id = p.fine_id \
             WHERE p.employee_id IN ({ids})"
        ),
    };
    sql::all(
        conn,
        &format!("{query} ORDER BY p.employee_id, p.start_date, p.id"),
        vec![],
    )
    .await
}
