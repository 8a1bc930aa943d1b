//! Companies: creating one with everything its admin needs, and changing its status.

use davomat_core::{
    ApiClientId, CompanyId, CompanyStatus, DepartmentId, EmployeeId, Lang, LocationId, Role,
    ScheduleId, UserId,
};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::activity::{self, NewActivity};
use crate::clients::{self, ClientCredentials};
use crate::employees::create::NewEmployee;
use crate::read_cache::Dependency;
use crate::text::{Text, bound};
use crate::{Store, StoreError, StoreResult, secrets, sql};

/// What `company create` is given.
#[derive(Clone, Debug)]
pub struct NewCompany {
    pub name: String,
    pub admin_email: String,
    pub admin_password: String,
    pub time_zone: String,
    pub lang: Lang,
    pub employee_limit: Option<i64>,
    pub status: CompanyStatus,
}

/// What `company create` answers.
#[derive(Clone, Debug)]
pub struct CreatedCompany {
    pub company_id: CompanyId,
    pub admin_user_id: UserId,
    pub admin_employee_id: EmployeeId,
    pub client: ClientCredentials,
    pub client_row_id: ApiClientId,
}

/// A company row.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Company {
    pub id: i64,
    pub name: String,
    pub status: Text<CompanyStatus>,
    pub time_zone: String,
    pub lang: String,
    pub employee_limit: Option<i64>,
}

impl Company {
    pub fn lang(&self) -> Lang {
        Lang::parse(&self.lang).unwrap_or_default()
    }
}

/// The default objects a new company starts with, in its language.
struct Defaults {
    department: &'static str,
    schedule: &'static str,
    location: &'static str,
    admin_first_name: &'static str,
}

fn defaults(lang: Lang) -> Defaults {
    match lang {
        Lang::Ru => Defaults {
            department: "Отдел по умолчанию",
            schedule: "Пн–Пт 09:00–18:00",
            location: "Главный офис",
            admin_first_name: "Администратор",
        },
        Lang::En => Defaults {
            department: "Default department",
            schedule: "Mon–Fri 09:00–18:00",
            location: "Main office",
            admin_first_name: "Administrator",
        },
        Lang::Uz => Defaults {
            department: "Standart boʻlim",
            schedule: "Du–Ju 09:00–18:00",
            location: "Bosh ofis",
            admin_first_name: "Administrator",
        },
    }
}

/// The default fixed schedule: Monday to Friday 09:00–18:00, lunch 13:00–14:00,
/// written as SEMANTICS.md §12 writes schedules.
pub fn default_schedule_definition() -> serde_json::Value {
    let days: Vec<serde_json::Value> = (1..=5)
        .map(|weekday| {
            serde_json::json!({
                "weekday": weekday, "start": "09:00", "end": "18:00",
                "lunch_start": "13:00", "lunch_end": "14:00"
            })
        })
        .collect();
    serde_json::json!({"late_grace": 0, "early_exit_grace": 0, "night_split": false, "days": days})
}

/// Creates the company with its default department, schedule and location, its admin
/// (a user with an employee profile) and one API client, all in one transaction.
pub async fn create(store: &Store, new: NewCompany, now: i64) -> StoreResult<CreatedCompany> {
    if sql::scalar(
        store.conn(),
        "SELECT count(*) FROM users WHERE email = $1",
        vec![new.admin_email.to_lowercase().into()],
    )
    .await?
    .unwrap_or(0)
        > 0
    {
        return Err(StoreError::Conflict(format!(
            "a user with the email {} already exists",
            new.admin_email
        )));
    }
    let password_hash = secrets::hash_password(&new.admin_password)?;
    let names = defaults(new.lang);
    let txn = store.begin().await?;
    // A new company: nothing cached is about it yet.
    txn.changes_nothing_cached();
    let company_id = sql::insert(
        &txn,
        "INSERT INTO companies (name, status, time_zone, lang, employee_limit, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            new.name.clone().into(),
            bound(new.status),
            new.time_zone.clone().into(),
            new.lang.code().into(),
            new.employee_limit.into(),
            now.into(),
        ],
    )
    .await?;
    let department_id = sql::insert(
        &txn,
        "INSERT INTO departments (company_id, pid, title, created_at) VALUES ($1, NULL, $2, $3)",
        vec![company_id.into(), names.department.into(), now.into()],
    )
    .await?;
    let schedule_id = sql::insert(
        &txn,
        "INSERT INTO schedules (company_id, title, kind, definition, created_at) VALUES ($1, $2, 2, $3, $4)",
        vec![
            company_id.into(),
            names.schedule.into(),
            default_schedule_definition().to_string().into(),
            now.into(),
        ],
    )
    .await?;
    let location_id = sql::insert(
        &txn,
        "INSERT INTO locations (company_id, title, lat, lon, radius, address, ipv4, created_at) \
         VALUES ($1, $2, '', '', NULL, NULL, NULL, $3)",
        vec![company_id.into(), names.location.into(), now.into()],
    )
    .await?;
    let today = chrono::DateTime::from_timestamp(now, 0)
        .map(|t| t.date_naive())
        .ok_or_else(|| StoreError::Invalid("now is out of range".into()))?;
    let employee_id = insert_employee(
        &txn,
        &EmployeeSeed {
            company_id: CompanyId(company_id),
            first_name: names.admin_first_name.to_string(),
            last_name: String::new(),
            department_id: DepartmentId(department_id),
            schedule_id: ScheduleId(schedule_id),
            location_ids: vec![LocationId(location_id)],
            start_date: today,
        },
        now,
    )
    .await?;
    let admin_user_id = insert_user(
        &txn,
        &UserSeed {
            company_id,
            email: new.admin_email.to_lowercase(),
            password_hash: Some(password_hash),
            role: Role::Admin,
            employee_id: Some(employee_id),
            lang: new.lang,
            time_zone: new.time_zone.clone(),
        },
        now,
    )
    .await?;
    let (client_row_id, client) = clients::insert(&txn, CompanyId(company_id), now).await?;
    let admin = activity::Actor {
        user_id: UserId(admin_user_id),
        full_name: names.admin_first_name.to_string(),
    };
    activity::record(
        &txn,
        NewActivity {
            company_id: CompanyId(company_id),
            actor: Some(admin.clone()),
            action_name: "addEmployee",
            object_id: Some(employee_id),
            person_id: Some(EmployeeId(employee_id)),
            assigned: None,
            message: davomat_core::activity::Message::EmployeeAdded {
                name: names.admin_first_name.to_string(),
            },
        },
        new.lang,
        now,
    )
    .await?;
    activity::record(
        &txn,
        NewActivity {
            company_id: CompanyId(company_id),
            actor: Some(admin),
            action_name: "assignedRole",
            object_id: Some(admin_user_id),
            person_id: Some(EmployeeId(employee_id)),
            assigned: Some(Role::Admin.name(new.lang).to_string()),
            message: davomat_core::activity::Message::RoleAssigned {
                name: names.admin_first_name.to_string(),
                role: Role::Admin,
            },
        },
        new.lang,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(CreatedCompany {
        company_id: CompanyId(company_id),
        admin_user_id: UserId(admin_user_id),
        admin_employee_id: EmployeeId(employee_id),
        client,
        client_row_id,
    })
}

/// The few fields a fixture or the company's admin starts with; the rest of the
/// employee is unset (see [`crate::employees::create::NewEmployee`] for all of them).
#[derive(Clone, Debug)]
pub struct EmployeeSeed {
    pub company_id: CompanyId,
    pub first_name: String,
    pub last_name: String,
    pub department_id: DepartmentId,
    pub schedule_id: ScheduleId,
    pub location_ids: Vec<LocationId>,
    pub start_date: chrono::NaiveDate,
}

impl From<&EmployeeSeed> for NewEmployee {
    fn from(seed: &EmployeeSeed) -> Self {
        NewEmployee {
            company_id: seed.company_id,
            first_name: seed.first_name.clone(),
            last_name: seed.last_name.clone(),
            department_id: seed.department_id,
            schedule_id: seed.schedule_id,
            location_ids: seed.location_ids.clone(),
            start_date: seed.start_date,
            schedule_start_date: seed.start_date,
            ..NewEmployee::default()
        }
    }
}

/// Inserts an active employee with generated `pin_code` and `qrcode`, through the one
/// insert every employee goes through ([`crate::employees::create::insert`]).
pub async fn insert_employee(
    conn: &impl ConnectionTrait,
    seed: &EmployeeSeed,
    now: i64,
) -> StoreResult<i64> {
    crate::employees::create::insert(conn, &NewEmployee::from(seed), now).await
}

/// What a new login user needs.
#[derive(Clone, Debug)]
pub struct UserSeed {
    pub company_id: i64,
    pub email: String,
    pub password_hash: Option<String>,
    pub role: Role,
    pub employee_id: Option<i64>,
    pub lang: Lang,
    pub time_zone: String,
}

/// Inserts a user with default display settings in the company's language and zone.
pub async fn insert_user(
    conn: &impl ConnectionTrait,
    seed: &UserSeed,
    now: i64,
) -> StoreResult<i64> {
    sql::insert(
        conn,
        "INSERT INTO users (company_id, email, password_hash, role, employee_id, fiotype, \
         date_format, time_zone, ampm, lang, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'lastfirstmiddle', 'medium', $6, '24', $7, $8)",
        vec![
            seed.company_id.into(),
            seed.email.clone().into(),
            seed.password_hash.clone().into(),
            seed.role.id().into(),
            seed.employee_id.into(),
            seed.time_zone.clone().into(),
            seed.lang.code().into(),
            now.into(),
        ],
    )
    .await
}

/// Reads one company.
pub async fn get(store: &Store, id: CompanyId) -> StoreResult<Company> {
    sql::one(
        store.conn(),
        "SELECT id, name, status, time_zone, lang, employee_limit FROM companies WHERE id = $1",
        vec![id.0.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)
}

/// What a company's admins may change about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompanyProfile {
    pub name: String,
    pub time_zone: String,
    pub lang: Lang,
}

/// Sets the company's name, time zone and language.
pub async fn update_profile(
    store: &Store,
    id: CompanyId,
    profile: &CompanyProfile,
) -> StoreResult<()> {
    let writer = store.write_connection().await;
    writer.changes([Dependency::Company(id)]);
    let touched = sql::execute(
        &writer,
        "UPDATE companies SET name = $1, time_zone = $2, lang = $3 WHERE id = $4",
        vec![
            profile.name.clone().into(),
            profile.time_zone.clone().into(),
            profile.lang.code().into(),
            id.0.into(),
        ],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Sets the subscription status.
pub async fn set_status(store: &Store, id: CompanyId, status: CompanyStatus) -> StoreResult<()> {
    let writer = store.write_connection().await;
    writer.changes([Dependency::Company(id)]);
    let touched = sql::execute(
        &writer,
        "UPDATE companies SET status = $1 WHERE id = $2",
        vec![bound(status), id.0.into()],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
