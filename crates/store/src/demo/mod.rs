//! The demo company of `serve --demo`: seeded once — a department tree, positions,
//! locations with terminals, schedules of all four kinds, the demo users in every role
//! and about forty more employees, two months of attendance ([`attendance`]) — its
//! passwords and client secret set anew on every start (they are stored only as hashes).

mod attendance;
mod payroll;

use davomat_core::{
    CompanyId, CompanyStatus, DepartmentId, Lang, LocationId, PositionId, Role, ScheduleId,
};
use sea_orm::ConnectionTrait;

use crate::companies::{self, NewCompany, UserSeed};
use crate::departments::{self, DepartmentFields};
use crate::devices::{self, DeviceFields};
use crate::employees::create::{self, NewEmployee};
use crate::locations::{self, LocationFields};
use crate::positions::{self, PositionFields};
use crate::{Store, StoreResult, clients, secrets, sql, system, users};

pub const ADMIN_EMAIL: &str = "admin@demo.davomat.uz";
const DEMO_KEY: &str = "demo_company_id";
const DEMO_CLIENT_KEY: &str = "demo_client_id";
/// Every demo employee's start, and the start of their first salary rate and rule.
const DEMO_HIRE_DATE: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2024, 1, 15) {
    Some(day) => day,
    None => chrono::NaiveDate::MIN,
};

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
        users::set_password_hash(&store.write_connection().await, admin.id, &admin_hash).await?;
    }
    for (email, _, _, _) in DEMO_USERS {
        if let Some(user) = users::find_login(store, email).await? {
            users::set_password_hash(&store.write_connection().await, user.id, &users_hash).await?;
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
    let company = created.company_id;
    let txn = store.begin().await?;
    let directory = seed_directory(&txn, company, now).await?;
    let people = seed_people(&txn, company, &directory, now).await?;
    attendance::seed(&txn, company, &people, now).await?;
    payroll::seed(&txn, company, &people, DEMO_HIRE_DATE, now).await?;
    crate::commit(txn).await?;
    system::set(store, DEMO_KEY, &company.0.to_string()).await?;
    system::set(store, DEMO_CLIENT_KEY, &created.client.client_id).await?;
    Ok((company, created.client.client_id))
}

/// The ids of the demo company's directory.
struct Directory {
    /// Departments, the first being the default one at the root.
    departments: Vec<DepartmentId>,
    positions: Vec<PositionId>,
    locations: Vec<LocationId>,
    schedules: Vec<ScheduleId>,
}

/// Departments (a tree three levels deep), positions, locations with coordinates,
/// schedules of all four kinds and a terminal at each location.
async fn seed_directory(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    now: i64,
) -> StoreResult<Directory> {
    let root = sql::scalar(
        conn,
        "SELECT min(id) FROM departments WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?
    .map_or(DepartmentId(0), DepartmentId);
    let mut departments = vec![root];
    let tree: [(&str, Option<usize>); 8] = [
        ("Администрация", None),
        ("Продажи", None),
        ("Продажи Ташкент", Some(2)),
        ("Продажи Самарканд", Some(2)),
        ("Производство", None),
        ("Цех № 1", Some(5)),
        ("Цех № 2", Some(5)),
        ("Склад", Some(5)),
    ];
    for (title, parent) in tree {
        let pid = parent.map(|i| departments[i]).unwrap_or(root);
        let fields = DepartmentFields {
            title: title.into(),
            pid: Some(pid),
        };
        departments.push(departments::create(conn, company, &fields, now).await?);
    }
    let mut positions = Vec::new();
    for title in [
        "Директор",
        "Менеджер по продажам",
        "Бухгалтер",
        "Оператор",
        "Кладовщик",
        "Охранник",
        "HR-менеджер",
    ] {
        positions.push(PositionId(
            positions::create(
                conn,
                company,
                &PositionFields {
                    title: title.into(),
                },
                now,
            )
            .await?,
        ));
    }
    let main_office = sql::scalar(
        conn,
        "SELECT min(id) FROM locations WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?
    .unwrap_or(0);
    sql::execute(
        conn,
        "UPDATE locations SET lat = '41.311081', lon = '69.240562', radius = 150, address = 'Ташкент, улица Амира Темура, 1' WHERE id = $1",
        vec![main_office.into()],
    )
    .await?;
    let mut locations = vec![LocationId(main_office)];
    for (title, lat, lon, address) in [
        (
            "Производственный цех",
            "41.299496",
            "69.240073",
            "Ташкент, Чиланзар, 12",
        ),
        (
            "Склад Сергели",
            "41.226390",
            "69.219803",
            "Ташкент, Сергели, 5",
        ),
        (
            "Филиал Самарканд",
            "39.654388",
            "66.975824",
            "Самарканд, Регистан, 3",
        ),
    ] {
        let fields = LocationFields {
            title: title.into(),
            lat: lat.into(),
            lon: lon.into(),
            radius: Some(200),
            address: Some(address.into()),
            ipv4: None,
        };
        locations.push(locations::create(conn, company, &fields, now).await?);
    }
    let default_schedule = sql::scalar(
        conn,
        "SELECT min(id) FROM schedules WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?
    .map_or(ScheduleId(0), ScheduleId);
    let mut schedules = vec![default_schedule];
    for (title, definition) in demo_schedules() {
        let kind = definition["type"].as_i64().unwrap_or(2);
        schedules.push(ScheduleId(
            crate::schedules::insert(conn, company, title, kind, &definition.to_string(), now)
                .await?,
        ));
    }
    for (i, location) in locations.iter().enumerate() {
        let fields = DeviceFields {
            serial_number: format!("DEMO-TERMINAL-{}-{}", company.0, i + 1),
            kind: "Terminal".into(),
            location_id: Some(*location),
            time_zone: "Asia/Tashkent".into(),
            additional_button: false,
            save_image_gallery: true,
            front_camera: true,
            photo_audit: i == 0,
            qr_code: true,
        };
        let token_hash = davomat_core::token::digest(&secrets::new_token());
        devices::insert(conn, company, &fields, &token_hash, now).await?;
    }
    Ok(Directory {
        departments,
        positions,
        locations,
        schedules,
    })
}

/// Free, floating, a 2-on-2-off night cycle and a six-day fixed week, besides the
/// company's default Monday–Friday schedule.
fn demo_schedules() -> Vec<(&'static str, serde_json::Value)> {
    let weekdays = |f: &dyn Fn(u8) -> serde_json::Value| (1..=5).map(f).collect::<Vec<_>>();
    vec![
        (
            "Свободный 8 часов",
            serde_json::json!({"type": 1, "late_grace": 0, "early_exit_grace": 0, "night_split": false,
                "days": weekdays(&|d| serde_json::json!({"weekday": d, "production_time": "08:00"}))}),
        ),
        (
            "Плавающий 08:00–10:00",
            serde_json::json!({"type": 3, "late_grace": 0, "early_exit_grace": 0, "night_split": false,
                "days": weekdays(&|d| serde_json::json!({"weekday": d, "start_from": "08:00", "start_to": "10:00",
                    "production_time": "08:00", "lunch_minutes": 60}))}),
        ),
        (
            "Ночная смена 2/2 21:00–09:00",
            serde_json::json!({"type": 4, "late_grace": 5, "early_exit_grace": 0, "night_split": false, "cycle": [
                {"start": "21:00", "end": "09:00", "lunch_minutes": 60},
                {"start": "21:00", "end": "09:00", "lunch_minutes": 60}, null, null]}),
        ),
        (
            "Цех Пн–Сб 08:00–17:00",
            serde_json::json!({"type": 2, "late_grace": 10, "early_exit_grace": 0, "night_split": false,
                "days": (1..=6).map(|d| serde_json::json!({"weekday": d, "start": "08:00", "end": "17:00",
                    "lunch_start": "12:00", "lunch_end": "13:00"})).collect::<Vec<_>>()}),
        ),
    ]
}

const FIRST_NAMES: [&str; 16] = [
    "Азиз",
    "Бахтиёр",
    "Гулнора",
    "Дилноза",
    "Жасур",
    "Зарина",
    "Иброхим",
    "Камола",
    "Лазиз",
    "Мадина",
    "Нодир",
    "Ойбек",
    "Равшан",
    "Сабина",
    "Тимур",
    "Шахноза",
];
const LAST_NAMES: [&str; 12] = [
    "Алиев",
    "Бакиров",
    "Валиев",
    "Газиев",
    "Давлатов",
    "Ergashev",
    "Исмоилов",
    "Karimov",
    "Мирзаев",
    "Нурматов",
    "Oʻrinboyev",
    "Шарипов",
];

/// The demo users (one or more per role) and about forty more employees spread over
/// the departments, positions, locations and schedules.
async fn seed_people(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    directory: &Directory,
    now: i64,
) -> StoreResult<Vec<attendance::Person>> {
    let mut people = Vec::new();
    let person = |i: usize, id: i64| attendance::Person {
        employee_id: id,
        schedule: attendance::DemoSchedule::of_index(i % directory.schedules.len()),
        location_id: directory.locations[i % directory.locations.len()].0,
    };
    let start = DEMO_HIRE_DATE;
    let employee = |i: usize, first: &str, last: &str, department: DepartmentId| NewEmployee {
        company_id: company,
        first_name: first.into(),
        last_name: last.into(),
        gender: Some(
            if i.is_multiple_of(2) {
                "male"
            } else {
                "female"
            }
            .into(),
        ),
        birth_date: chrono::NaiveDate::from_ymd_opt(
            1975 + (i % 25) as i32,
            1 + (i % 12) as u32,
            1 + (i % 28) as u32,
        ),
        start_date: start,
        schedule_start_date: start,
        tab_number: format!("{}", 100 + i),
        mobile_phone: format!("+99890{:07}", 1_000_000 + i * 7919),
        department_id: department,
        schedule_id: directory.schedules[i % directory.schedules.len()],
        location_ids: vec![directory.locations[i % directory.locations.len()]],
        position_ids: vec![directory.positions[i % directory.positions.len()]],
        ..NewEmployee::default()
    };
    // Heads and managers oversee a branch of the tree; the observer the whole company.
    let oversees = |role: Role| match role {
        Role::DepartmentHead => vec![directory.departments[2]],
        Role::DepartmentManager => vec![directory.departments[5]],
        Role::Observer => vec![directory.departments[0]],
        _ => vec![],
    };
    for (i, (email, first, last, role)) in DEMO_USERS.iter().enumerate() {
        let department = oversees(*role)
            .first()
            .copied()
            .unwrap_or(directory.departments[3]);
        let employee_id = create::insert(conn, &employee(i, first, last, department), now).await?;
        people.push(person(i, employee_id));
        let user_id = companies::insert_user(
            conn,
            &UserSeed {
                company_id: company.0,
                email: email.to_string(),
                password_hash: None,
                role: *role,
                employee_id: Some(employee_id),
                lang: Lang::Ru,
                time_zone: "Asia/Tashkent".into(),
            },
            now,
        )
        .await?;
        create::oversee(conn, user_id, &oversees(*role)).await?;
    }
    for i in DEMO_USERS.len()..45 {
        let first = FIRST_NAMES[i % FIRST_NAMES.len()];
        let last = LAST_NAMES[(i * 7) % LAST_NAMES.len()];
        let department = directory.departments[1 + i % (directory.departments.len() - 1)];
        let employee_id = create::insert(conn, &employee(i, first, last, department), now).await?;
        people.push(person(i, employee_id));
    }
    Ok(people)
}
