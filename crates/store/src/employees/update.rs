//! Editing an employee (`PUT /v1/employees/{id}`): the row as it stands, the profile
//! written back with its name forms, the department moved on the card, the schedule
//! and the locations replaced, and what the employee holds on a day. Dated department
//! and position periods go through [`super::history::change`]. Every function takes any
//! connection, so that the caller holds them and the activity rows in one transaction.

use chrono::NaiveDate;
use davomat_core::{CompanyId, DepartmentId, EmployeeId, LocationId, ScheduleId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::NameForms;
use super::create::Reference;
use super::history::Kind;
use crate::sql::Columns;
use crate::{StoreResult, sql};

/// The profile fields a PUT may change. Unset text is `""`; `gender`, `birth_date` and
/// `notes` may be `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub first_name: String,
    pub last_name: String,
    pub patronymic: String,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub start_date: NaiveDate,
    pub pin_code: String,
    pub tab_number: String,
    pub home_address: String,
    pub home_phone: String,
    pub work_phone: String,
    pub mobile_phone: String,
    pub notes: Option<String>,
    pub bank_book: String,
}

/// The employee row as it stands.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Current {
    pub id: EmployeeId,
    pub first_name: String,
    pub last_name: String,
    pub patronymic: String,
    pub full_name: String,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub start_date: NaiveDate,
    pub pin_code: String,
    pub tab_number: String,
    pub home_address: String,
    pub home_phone: String,
    pub work_phone: String,
    pub mobile_phone: String,
    pub notes: Option<String>,
    pub bank_book: String,
    pub department_id: DepartmentId,
    pub schedule_id: ScheduleId,
    pub schedule_start_date: NaiveDate,
}

impl Current {
    pub fn profile(&self) -> Profile {
        Profile {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            patronymic: self.patronymic.clone(),
            gender: self.gender.clone(),
            birth_date: self.birth_date,
            start_date: self.start_date,
            pin_code: self.pin_code.clone(),
            tab_number: self.tab_number.clone(),
            home_address: self.home_address.clone(),
            home_phone: self.home_phone.clone(),
            work_phone: self.work_phone.clone(),
            mobile_phone: self.mobile_phone.clone(),
            notes: self.notes.clone(),
            bank_book: self.bank_book.clone(),
        }
    }
}

/// The employee of the company, as it stands (`None` outside the company).
pub async fn current(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<Option<Current>> {
    sql::one(
        conn,
        "SELECT id, first_name, last_name, patronymic, full_name, gender, birth_date, start_date, pin_code, \
         tab_number, home_address, home_phone, work_phone, mobile_phone, notes, bank_book, department_id, schedule_id, \
         schedule_start_date FROM employees WHERE id = $1 AND company_id = $2",
        vec![employee.0.into(), company.0.into()],
    )
    .await
}

/// Writes the profile back, with the name forms derived from it. Answers the new
/// full name. A PIN or tab number taken meanwhile breaks its unique rule
/// ([`crate::Unique`]).
pub async fn write_profile(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    profile: &Profile,
) -> StoreResult<String> {
    let names = NameForms::of(&profile.last_name, &profile.first_name, &profile.patronymic);
    sql::update_rows(
        conn,
        "employees",
        Columns::new()
            .set("first_name", profile.first_name.clone())
            .set("last_name", profile.last_name.clone())
            .set("patronymic", profile.patronymic.clone())
            .set("gender", profile.gender.clone())
            .set("birth_date", profile.birth_date)
            .set("start_date", profile.start_date)
            .set("pin_code", profile.pin_code.clone())
            .set("tab_number", profile.tab_number.clone())
            .set("home_address", profile.home_address.clone())
            .set("home_phone", profile.home_phone.clone())
            .set("work_phone", profile.work_phone.clone())
            .set("mobile_phone", profile.mobile_phone.clone())
            .set("notes", profile.notes.clone())
            .set("bank_book", profile.bank_book.clone())
            .set("full_name", names.full_name.clone())
            .set("search_name", names.search_name)
            .set("first_letter", names.first_letter),
        Columns::new()
            .set("id", employee.0)
            .set("company_id", company.0),
    )
    .await?;
    Ok(names.full_name)
}

/// Puts the employee in the department on the card at once (the history is written
/// by [`super::history::change`]).
pub async fn set_department(
    conn: &impl ConnectionTrait,
    employee: EmployeeId,
    department_id: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE employees SET department_id = $1 WHERE id = $2",
        vec![department_id.into(), employee.0.into()],
    )
    .await?;
    Ok(())
}

/// Sets the schedule and the day it counts from.
pub async fn set_schedule(
    conn: &impl ConnectionTrait,
    employee: EmployeeId,
    schedule_id: ScheduleId,
    schedule_start_date: NaiveDate,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE employees SET schedule_id = $1, schedule_start_date = $2 WHERE id = $3",
        vec![
            schedule_id.0.into(),
            schedule_start_date.into(),
            employee.0.into(),
        ],
    )
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct IdRow {
    id: i64,
}

/// The employee's location ids, ascending.
pub async fn location_ids(
    conn: &impl ConnectionTrait,
    employee: EmployeeId,
) -> StoreResult<Vec<LocationId>> {
    let rows: Vec<IdRow> = sql::all(
        conn,
        "SELECT location_id AS id FROM employee_locations WHERE employee_id = $1 ORDER BY location_id",
        vec![employee.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| LocationId(r.id)).collect())
}

/// Replaces the employee's locations; the face-ID terminals follow
/// (crate::device_commands::follow_locations).
pub async fn set_locations(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    location_ids: &[LocationId],
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "DELETE FROM employee_locations WHERE employee_id = $1",
        vec![employee.0.into()],
    )
    .await?;
    for location in location_ids {
        sql::execute(
            conn,
            "INSERT INTO employee_locations (employee_id, location_id) VALUES ($1, $2)",
            vec![employee.0.into(), (*location).into()],
        )
        .await?;
    }
    crate::device_commands::follow_locations(conn, company, employee, now).await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct HeldRow {
    id: i64,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
}

/// The departments or positions the employee holds from `day` on, each once,
/// ascending — `None` when that changes later (a period covering `day` ends, or one
/// starts after it), so that a request for the same objects still changes something.
pub async fn held_from(
    conn: &impl ConnectionTrait,
    kind: Kind,
    employee: EmployeeId,
    day: NaiveDate,
) -> StoreResult<Option<Vec<i64>>> {
    let (table, column) = match kind {
        Kind::Department => ("employee_departments", "department_id"),
        Kind::Position => ("employee_positions", "position_id"),
    };
    let rows: Vec<HeldRow> = sql::all(
        conn,
        &format!(
            "SELECT {column} AS id, start_date, end_date FROM {table} WHERE employee_id = $1 \
             AND (end_date IS NULL OR end_date >= $2)"
        ),
        vec![employee.0.into(), day.into()],
    )
    .await?;
    if rows
        .iter()
        .any(|r| r.start_date > day || r.end_date.is_some())
    {
        return Ok(None);
    }
    let mut ids: Vec<i64> = rows.into_iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(Some(ids))
}

#[derive(FromQueryResult)]
struct TitleRow {
    title: String,
}

/// The titles of company objects, in the order of their ids.
pub async fn titles<Id: Copy + Into<i64>>(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    kind: Reference,
    ids: &[Id],
) -> StoreResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let table = match kind {
        Reference::Department => "departments",
        Reference::Schedule => "schedules",
        Reference::Location => "locations",
        Reference::Position => "positions",
    };
    let list = ids
        .iter()
        .map(|id| Into::<i64>::into(*id).to_string())
        .collect::<Vec<_>>()
        .join(",");
    let rows: Vec<TitleRow> = sql::all(
        conn,
        &format!("SELECT title FROM {table} WHERE company_id = $1 AND id IN ({list}) ORDER BY id"),
        vec![company.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.title).collect())
}
