//! The demo company of `serve --demo`: seeded once, its passwords and client secret
//! set anew on every start (they are stored only as hashes).

use davomat_core::{CompanyId, CompanyStatus, Lang, Role, UserId};
use sea_orm::TransactionTrait;

use crate::companies::{self, EmployeeSeed, NewCompany, UserSeed};
use crate::{Store, StoreResult, clients, secrets, sql, system, users};

pub const ADMIN_EMAIL: &str = "admin@demo.davomat.uz";
const DEMO_KEY: &str = "demo_company_id";
const DEMO_CLIENT_KEY: &str = "demo_client_id";

/// The demo users other than the admin, one or more per role.
const DEMO_USERS: [(&str, &str, &str, Role); 5] = [
    (
        "head@demo.davomat.uz",
        "Дилшод",
        "Каримов",
        Role::DepartmentHead,
    ),
    (
        "manager@demo.davomat.uz",
        "Нилуфар",
        "Юсупова",
        Role::DepartmentManager,
    ),
    (
        "observer@demo.davomat.uz",
        "Шерзод",
        "Рахимов",
        Role::Observer,
    ),
    (
        "employee@demo.davomat.uz",
        "Гулнора",
        "Ахмедова",
        Role::Employee,
    ),
    (
        "employee2@demo.davomat.uz",
        "Azizbek",
        "Tursunov",
        Role::Employee,
    ),
];

/// What `serve --demo` prints.
#[derive(Clone, Debug)]
pub struct DemoCredentials {
    pub company_id: CompanyId,
    pub admin_email: String,
    pub admin_password: String,
    pub client_id: String,
    pub client_secret: String,
    pub demo_users: Vec<(String, Role)>,
    pub demo_users_password: String,
}

/// Seeds the demo company when the database has none, then sets fresh credentials.
pub async fn ensure(store: &Store, now: i64) -> StoreResult<DemoCredentials> {
    let admin_password = secrets::random_hex(8);
    let users_password = secrets::random_hex(8);
    let existing = system::get(store, DEMO_KEY)
        .await?
        .and_then(|v| v.parse::<i64>().ok());
    let (company_id, client_id) = match existing {
        Some(id) => (
            CompanyId(id),
            system::get(store, DEMO_CLIENT_KEY)
                .await?
                .unwrap_or_default(),
        ),
        None => seed(store, now).await?,
    };
    let client_secret = clients::reset_secret(store, &client_id).await?;
    let admin_hash = secrets::hash_password(&admin_password)?;
    let users_hash = secrets::hash_password(&users_password)?;
    let admin = users::find_login(store, ADMIN_EMAIL).await?;
    if let Some(admin) = admin {
        users::set_password_hash(store.conn(), UserId(admin.id), &admin_hash).await?;
    }
    for (email, _, _, _) in DEMO_USERS {
        if let Some(user) = users::find_login(store, email).await? {
            users::set_password_hash(store.conn(), UserId(user.id), &users_hash).await?;
        }
    }
    Ok(DemoCredentials {
        company_id,
        admin_email: ADMIN_EMAIL.to_string(),
        admin_password,
        client_id,
        client_secret,
        demo_users: DEMO_USERS
            .iter()
            .map(|(e, _, _, r)| (e.to_string(), *r))
            .collect(),
        demo_users_password: users_password,
    })
}

async fn seed(store: &Store, now: i64) -> StoreResult<(CompanyId, String)> {
    let created = companies::create(
        store,
        NewCompany {
            name: "Davomat Demo".into(),
            admin_email: ADMIN_EMAIL.into(),
            admin_password: secrets::random_hex(8),
            time_zone: "Asia/Tashkent".into(),
            lang: Lang::Ru,
            employee_limit: None,
            status: CompanyStatus::Active,
        },
        now,
    )
    .await?;
    let company = created.company_id.0;
    let department_id = sql::scalar(
        store.conn(),
        "SELECT min(id) FROM departments WHERE company_id = $1",
        vec![company.into()],
    )
    .await?
    .unwrap_or(0);
    let schedule_id = sql::scalar(
        store.conn(),
        "SELECT min(id) FROM schedules WHERE company_id = $1",
        vec![company.into()],
    )
    .await?
    .unwrap_or(0);
    let location_id = sql::scalar(
        store.conn(),
        "SELECT min(id) FROM locations WHERE company_id = $1",
        vec![company.into()],
    )
    .await?
    .unwrap_or(0);
    let start_date = chrono::NaiveDate::from_ymd_opt(2024, 1, 15).unwrap_or_default();
    let txn = store.conn().begin().await?;
    for (email, first, last, role) in DEMO_USERS {
        let employee_id = companies::insert_employee(
            &txn,
            &EmployeeSeed {
                company_id: company,
                first_name: first.into(),
                last_name: last.into(),
                department_id,
                schedule_id,
                location_ids: vec![location_id],
                start_date,
            },
            now,
        )
        .await?;
        let user_id = companies::insert_user(
            &txn,
            &UserSeed {
                company_id: company,
                email: email.into(),
                password_hash: None,
                role,
                employee_id: Some(employee_id),
                lang: Lang::Ru,
                time_zone: "Asia/Tashkent".into(),
            },
            now,
        )
        .await?;
        if role.oversees_departments() {
            sql::execute(
                &txn,
                "INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2)",
                vec![user_id.into(), department_id.into()],
            )
            .await?;
        }
    }
    txn.commit().await?;
    system::set(store, DEMO_KEY, &company.to_string()).await?;
    system::set(store, DEMO_CLIENT_KEY, &created.client.client_id).await?;
    Ok((created.company_id, created.client.client_id))
}
