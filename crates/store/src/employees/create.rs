//! Creating employees: the one insert every new employee goes through (the API's
//! `POST /v1/employees`, the company's admin, the demo and test fixtures), with its
//! `pin_code` (given, or generated) and generated `qrcode`, name forms, locations,
//! positions and department history row; and the checks `POST /v1/employees` makes
//! before it writes (ids of the company, codes and emails taken, the employee limit).
//! Every function takes any connection, so that the caller can hold them and the
//! activity rows in one transaction.

use chrono::NaiveDate;
use davomat_core::{
    CompanyId, DepartmentId, EmployeeId, EmployeeStatus, LocationId, PositionId, ScheduleId,
};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::NameForms;
use crate::sql::Columns;
use crate::text::bound;
use crate::{StoreResult, secrets, sql};

/// Everything a new employee row is made of. Unset text fields are `""`; `notes`,
/// `gender` and `birth_date` may be `None`.
#[derive(Clone, Debug, Default)]
pub struct NewEmployee {
    pub company_id: CompanyId,
    pub first_name: String,
    pub last_name: String,
    pub patronymic: String,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub start_date: NaiveDate,
    pub schedule_start_date: NaiveDate,
    /// The PIN terminals know the employee by, checked free beforehand ([`code_taken`]);
    /// `None`: the next free number of the company.
    pub pin_code: Option<String>,
    pub tab_number: String,
    pub home_address: String,
    pub home_phone: String,
    pub work_phone: String,
    pub mobile_phone: String,
    pub notes: Option<String>,
    pub bank_book: String,
    pub department_id: DepartmentId,
    pub schedule_id: ScheduleId,
    pub location_ids: Vec<LocationId>,
    /// Positions held from `start_date` on.
    pub position_ids: Vec<PositionId>,
}

/// Inserts an active employee with its `pin_code` (the one given, else the next free
/// number of the company), a generated `qrcode` (10 random digits, unique in the
/// company), its name forms, its locations, its open position periods and its
/// department history row, all from `start_date`. Answers the new id. A PIN taken
/// meanwhile breaks the unique rule [`crate::Unique::EmployeePin`].
#[tracing::instrument(skip_all, fields(company = new.company_id.0), err)]
pub async fn insert(conn: &impl ConnectionTrait, new: &NewEmployee, now: i64) -> StoreResult<i64> {
    let company = new.company_id;
    let pin_code = match &new.pin_code {
        Some(pin) => pin.clone(),
        None => next_pin_code(conn, company).await?,
    };
    let qrcode = new_qrcode(conn, company).await?;
    let names = NameForms::of(&new.last_name, &new.first_name, &new.patronymic);
    let id = sql::insert_row(
        conn,
        "employees",
        Columns::new()
            .set("company_id", new.company_id)
            .set("first_name", new.first_name.clone())
            .set("last_name", new.last_name.clone())
            .set("patronymic", new.patronymic.clone())
            .set("gender", new.gender.clone())
            .set("birth_date", new.birth_date)
            .set("start_date", new.start_date)
            .set("schedule_start_date", new.schedule_start_date)
            .set("pin_code", pin_code)
            .set("qrcode", qrcode)
            .set("tab_number", new.tab_number.clone())
            .set("home_address", new.home_address.clone())
            .set("home_phone", new.home_phone.clone())
            .set("work_phone", new.work_phone.clone())
            .set("mobile_phone", new.mobile_phone.clone())
            .set("notes", new.notes.clone())
            .set("bank_book", new.bank_book.clone())
            .set("full_name", names.full_name)
            .set("search_name", names.search_name)
            .set("first_letter", names.first_letter)
            .set("department_id", new.department_id)
            .set("schedule_id", new.schedule_id)
            .set("status", bound(EmployeeStatus::Active))
            .set("created_at", now),
    )
    .await?;
    sql::execute(
        conn,
        "INSERT INTO employee_departments (employee_id, department_id, start_date, end_date, created_at) \
         VALUES ($1, $2, $3, NULL, $4)",
        vec![
            id.into(),
            new.department_id.into(),
            new.start_date.into(),
            now.into(),
        ],
    )
    .await?;
    for location_id in distinct(&new.location_ids) {
        sql::execute(
            conn,
            "INSERT INTO employee_locations (employee_id, location_id) VALUES ($1, $2)",
            vec![id.into(), location_id.0.into()],
        )
        .await?;
    }
    for position_id in distinct(&new.position_ids) {
        sql::execute(
            conn,
            "INSERT INTO employee_positions (employee_id, position_id, start_date, end_date, created_at) \
             VALUES ($1, $2, $3, NULL, $4)",
            vec![
                id.into(),
                position_id.0.into(),
                new.start_date.into(),
                now.into(),
            ],
        )
        .await?;
    }
    Ok(id)
}

/// The ids in their first order, each once.
fn distinct<Id: Copy + PartialEq>(ids: &[Id]) -> Vec<Id> {
    let mut seen = Vec::with_capacity(ids.len());
    for id in ids {
        if !seen.contains(id) {
            seen.push(*id);
        }
    }
    seen
}

/// The next free pin code of the company: from 1001 + the number of its employees
/// (every status) upwards, the first number no employee holds. Counting keeps the
/// usual case one probe; probing keeps it unique after removals.
async fn next_pin_code(conn: &impl ConnectionTrait, company: CompanyId) -> StoreResult<String> {
    let mut candidate = sql::scalar(
        conn,
        "SELECT count(*) FROM employees WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?
    .unwrap_or(0)
        + 1001;
    loop {
        let pin = candidate.to_string();
        if !code_taken(conn, company, Code::Pin, &pin, None).await? {
            return Ok(pin);
        }
        candidate += 1;
    }
}

/// Ten random digits that no employee of the company holds as `qrcode`.
async fn new_qrcode(conn: &impl ConnectionTrait, company: CompanyId) -> StoreResult<String> {
    loop {
        let number = u64::from_str_radix(&secrets::random_hex(5), 16).unwrap_or(0);
        let code = format!("{:010}", number % 10_000_000_000);
        if !code_taken(conn, company, Code::Qr, &code, None).await? {
            return Ok(code);
        }
    }
}

/// A code an employee is known by, unique in the company.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// `pin_code`: what terminals and kiosks know the employee by.
    Pin,
    /// `qrcode`.
    Qr,
    /// `tab_number`, where one is set.
    TabNumber,
}

impl Code {
    /// Its column, which is also the field's name in requests and errors.
    pub fn column(self) -> &'static str {
        match self {
            Code::Pin => "pin_code",
            Code::Qr => "qrcode",
            Code::TabNumber => "tab_number",
        }
    }
}

/// True when an employee of the company (any status) other than `except` holds `value`
/// as this code.
#[tracing::instrument(skip_all, fields(company = company.0, code = code.column()), err)]
pub async fn code_taken(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    code: Code,
    value: &str,
    except: Option<EmployeeId>,
) -> StoreResult<bool> {
    let count = sql::scalar(
        conn,
        &format!(
            "SELECT count(*) FROM employees WHERE company_id = $1 AND {} = $2 AND id <> $3",
            code.column()
        ),
        vec![
            company.0.into(),
            value.to_string().into(),
            except.map_or(0, |e| e.0).into(),
        ],
    )
    .await?
    .unwrap_or(0);
    Ok(count > 0)
}

/// A kind of company object an employee refers to by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reference {
    Department,
    Schedule,
    Location,
    Position,
}

impl Reference {
    fn table(self) -> &'static str {
        match self {
            Reference::Department => "departments",
            Reference::Schedule => "schedules",
            Reference::Location => "locations",
            Reference::Position => "positions",
        }
    }
}

#[derive(FromQueryResult)]
struct IdRow {
    id: i64,
}

/// The ids among `ids` that name no object of this kind in the company (typed ids, or
/// plain numbers as a request gave them).
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn unknown_ids<Id: Copy + Into<i64>>(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    kind: Reference,
    ids: &[Id],
) -> StoreResult<Vec<Id>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids
        .iter()
        .map(|id| Into::<i64>::into(*id).to_string())
        .collect::<Vec<_>>()
        .join(",");
    let found: Vec<IdRow> = sql::all(
        conn,
        &format!(
            "SELECT id FROM {} WHERE company_id = $1 AND id IN ({list})",
            kind.table()
        ),
        vec![company.0.into()],
    )
    .await?;
    Ok(ids
        .iter()
        .copied()
        .filter(|id| !found.iter().any(|row| row.id == Into::<i64>::into(*id)))
        .collect())
}

/// Every location id of the company, by id (`locations: "*"`).
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn all_location_ids(
    conn: &impl ConnectionTrait,
    company: CompanyId,
) -> StoreResult<Vec<LocationId>> {
    let rows: Vec<IdRow> = sql::all(
        conn,
        "SELECT id FROM locations WHERE company_id = $1 ORDER BY id",
        vec![company.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| LocationId(r.id)).collect())
}

/// True when any user of any company has this email (emails are unique server-wide;
/// compared lowercased).
#[tracing::instrument(skip_all, err)]
pub async fn email_taken(conn: &impl ConnectionTrait, email: &str) -> StoreResult<bool> {
    let count = sql::scalar(
        conn,
        "SELECT count(*) FROM users WHERE lower(email) = $1",
        vec![email.to_lowercase().into()],
    )
    .await?
    .unwrap_or(0);
    Ok(count > 0)
}

#[derive(FromQueryResult)]
struct LimitRow {
    employee_limit: Option<i64>,
}

/// True when the company has an employee limit and `adding` more active employees
/// would exceed it.
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn would_exceed_limit(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    adding: i64,
) -> StoreResult<bool> {
    let row: Option<LimitRow> = sql::one(
        conn,
        "SELECT employee_limit FROM companies WHERE id = $1",
        vec![company.0.into()],
    )
    .await?;
    let Some(limit) = row.and_then(|r| r.employee_limit) else {
        return Ok(false);
    };
    let active = sql::scalar(
        conn,
        "SELECT count(*) FROM employees WHERE company_id = $1 AND status = 'active'",
        vec![company.0.into()],
    )
    .await?
    .unwrap_or(0);
    Ok(active + adding > limit)
}

/// Gives a user the departments they oversee (roles 2–4).
#[tracing::instrument(skip_all, fields(user = user_id), err)]
pub async fn oversee(
    conn: &impl ConnectionTrait,
    user_id: i64,
    department_ids: &[DepartmentId],
) -> StoreResult<()> {
    for department_id in distinct(department_ids) {
        sql::execute(
            conn,
            "INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2)",
            vec![user_id.into(), department_id.0.into()],
        )
        .await?;
    }
    Ok(())
}
