//! The account behind `GET /v1/accounts`: the user, the company, the display settings
//! and the user's employee card.

use chrono::NaiveDate;
use davomat_core::{CompanyId, EmployeeId, UserId};
use sea_orm::FromQueryResult;

pub use crate::employees::{EmployeeCard, NamedRef};
use crate::users::UserSettings;
use crate::{Store, StoreError, StoreResult, employees, sql};

/// The user behind `GET /v1/accounts`, with the settings of the same `users` row.
#[derive(Clone, Debug, FromQueryResult)]
pub struct AccountUser {
    pub id: UserId,
    pub email: String,
    pub role: i64,
    pub employee_id: Option<EmployeeId>,
    pub company_id: CompanyId,
    pub company_name: String,
    pub fiotype: String,
    pub date_format: String,
    pub time_zone: String,
    pub ampm: String,
    pub lang: String,
}

/// The whole account: user, company, settings and employee card.
#[derive(Clone, Debug)]
pub struct Account {
    pub user: AccountUser,
    pub settings: UserSettings,
    pub employee: Option<EmployeeCard>,
}

/// Reads the account of a user of the company; positions are those held on `today`.
pub async fn account(
    store: &Store,
    company: CompanyId,
    user: UserId,
    today: NaiveDate,
) -> StoreResult<Account> {
    let account_user: AccountUser = sql::one(
        store.conn(),
        "SELECT u.id, u.email, u.role, u.employee_id, c.id AS company_id, c.name AS company_name, \
         u.fiotype, u.date_format, u.time_zone, u.ampm, u.lang FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = $1 AND u.company_id = $2",
        vec![user.0.into(), company.0.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    let settings = UserSettings {
        id: account_user.id,
        fiotype: account_user.fiotype.clone(),
        date_format: account_user.date_format.clone(),
        time_zone: account_user.time_zone.clone(),
        ampm: account_user.ampm.clone(),
        lang: account_user.lang.clone(),
    };
    let employee = match account_user.employee_id {
        Some(id) => Some(employees::card(store.conn(), company, id, today).await?),
        None => None,
    };
    Ok(Account {
        user: account_user,
        settings,
        employee,
    })
}
