//! Reads of a person as the API shows them: the employee card (the Employee object's
//! stored fields with its department, schedule, locations and login) and the account.

use chrono::NaiveDate;
use davomat_core::{CompanyId, EmployeeId, UserId};
use sea_orm::FromQueryResult;

use crate::users::{self, UserSettings};
use crate::{Store, StoreError, StoreResult, sql};

/// An employee with the names of what it points at.
#[derive(Clone, Debug, FromQueryResult)]
pub struct EmployeeCard {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub patronymic: String,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub start_date: NaiveDate,
    pub schedule_start_date: NaiveDate,
    pub pin_code: String,
    pub qrcode: String,
    pub tab_number: String,
    pub home_address: String,
    pub home_phone: String,
    pub work_phone: String,
    pub mobile_phone: String,
    pub notes: Option<String>,
    pub status: String,
    pub department_id: i64,
    pub department_title: String,
    pub schedule_id: i64,
    pub schedule_title: String,
    pub schedule_kind: i64,
    pub user_id: Option<i64>,
    pub user_email: Option<String>,
    #[sea_orm(skip)]
    pub locations: Vec<NamedRef>,
}

/// `{id, title}` of a referenced object.
#[derive(Clone, Debug, FromQueryResult)]
pub struct NamedRef {
    pub id: i64,
    pub title: String,
}

/// Reads one employee of the company.
pub async fn employee_card(
    store: &Store,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<EmployeeCard> {
    let mut card: EmployeeCard = sql::one(
        store.conn(),
        "SELECT e.id, e.first_name, e.last_name, e.patronymic, e.gender, e.birth_date, e.start_date, \
         e.schedule_start_date, e.pin_code, e.qrcode, e.tab_number, e.home_address, e.home_phone, \
         e.work_phone, e.mobile_phone, e.notes, e.status, e.department_id, d.title AS department_title, \
         e.schedule_id, s.title AS schedule_title, s.kind AS schedule_kind, u.id AS user_id, u.email AS user_email \
         FROM employees e \
         JOIN departments d ON d.id = e.department_id \
         JOIN schedules s ON s.id = e.schedule_id \
         LEFT JOIN users u ON u.employee_id = e.id \
         WHERE e.id = $1 AND e.company_id = $2",
        vec![employee.0.into(), company.0.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    card.locations = sql::all(
        store.conn(),
        "SELECT l.id, l.title FROM employee_locations el JOIN locations l ON l.id = el.location_id \
         WHERE el.employee_id = $1 ORDER BY l.id",
        vec![employee.0.into()],
    )
    .await?;
    Ok(card)
}

/// The user behind `GET /v1/accounts`.
#[derive(Clone, Debug, FromQueryResult)]
pub struct AccountUser {
    pub id: i64,
    pub email: String,
    pub role: i64,
    pub employee_id: Option<i64>,
    pub company_id: i64,
    pub company_name: String,
}

/// The whole account: user, company, settings and employee card.
#[derive(Clone, Debug)]
pub struct Account {
    pub user: AccountUser,
    pub settings: UserSettings,
    pub employee: Option<EmployeeCard>,
}

/// Reads the account of a user of the company.
pub async fn account(store: &Store, company: CompanyId, user: UserId) -> StoreResult<Account> {
    let account_user: AccountUser = sql::one(
        store.conn(),
        "SELECT u.id, u.email, u.role, u.employee_id, c.id AS company_id, c.name AS company_name \
         FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = $1 AND u.company_id = $2",
        vec![user.0.into(), company.0.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    let settings = users::settings(store, company, user).await?;
    let employee = match account_user.employee_id {
        Some(id) => Some(employee_card(store, company, EmployeeId(id)).await?),
        None => None,
    };
    Ok(Account {
        user: account_user,
        settings,
        employee,
    })
}
