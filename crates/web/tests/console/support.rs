//! A console server on port 0 over a fresh database with one company (its admin signs
//! in with [`ADMIN_EMAIL`] / [`ADMIN_PASSWORD`]), a manual clock, and a cookie-aware
//! HTTP client that does not follow redirects (tests look at them).

use std::future::Future;
use std::time::Duration;

use davomat_api::mail::Mailer;
use davomat_api::maintenance::MaintenanceFlag;
use davomat_api::rate_limit::RateLimiter;
use davomat_api::{ApiConfig, AppState, Clock, ServeOptions};
use davomat_core::engine::EventKind;
use davomat_core::{ClockMode, CompanyStatus, EmployeeId, Lang, LocationId, Role};
use davomat_store::clock_events::{self, NewEvent};
use davomat_store::companies::{self, CreatedCompany, EmployeeSeed, NewCompany, UserSeed};
use davomat_store::read_cache::Dependency;
use davomat_store::testing::{BACKENDS, TestDatabase};
use davomat_store::{Backend, Store, secrets};

/// 2025-03-04 09:00 in Tashkent.
pub const START: i64 = 1_741_060_800;
pub const ADMIN_EMAIL: &str = "admin@test.uz";
pub const ADMIN_PASSWORD: &str = "admin-password";
pub const USER_PASSWORD: &str = "user-password";

pub struct Console {
    pub base: String,
    pub store: Store,
    pub clock: Clock,
    pub company: CreatedCompany,
    pub backend: Backend,
    /// The serving node's maintenance flag (refreshed by hand: tests run no watcher).
    pub maintenance: MaintenanceFlag,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
}

/// An answer, read whole.
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub html: String,
}

impl Page {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden `csrf` field of the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.html.find(marker).expect("a csrf field") + marker.len();
        let end = self.html[start..].find('"').expect("its end") + start;
        self.html[start..end].to_string()
    }
}

/// Runs `case` against a console on each backend (PostgreSQL skipped with a note when
/// it is not there, unless CI requires it).
pub async fn each_backend<F, Fut>(case: F)
where
    F: Fn(Console) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in BACKENDS {
        let Some((console, db)) = Console::start(backend).await else {
            continue;
        };
        case(console).await;
        db.discard().await;
    }
}

impl Console {
    pub async fn start(backend: Backend) -> Option<(Console, TestDatabase)> {
        let db = TestDatabase::fresh(backend).await?;
        let store = db.connect().await;
        let company = companies::create(
            &store,
            NewCompany {
                name: "Test Co".into(),
                admin_email: ADMIN_EMAIL.into(),
                admin_password: ADMIN_PASSWORD.into(),
                time_zone: "Asia/Tashkent".into(),
                lang: Lang::Ru,
                employee_limit: None,
                status: CompanyStatus::Active,
            },
            START,
        )
        .await
        .expect("create the test company");
        let clock = Clock::manual(START);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, server, maintenance) = serve(listener, store.clone(), clock.clone());
        let console = Console {
            base,
            store,
            clock,
            company,
            backend,
            maintenance,
            stop: Some(stop),
            server,
        };
        Some((console, db))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Stops the server, as a network cut does for a tablet: nothing answers at its
    /// address until [`Console::come_back`].
    pub async fn go_offline(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.server).await;
    }

    /// Serves again at the same address, on the same database and clock.
    pub async fn come_back(&mut self) {
        let address = self.base.trim_start_matches("http://").to_string();
        let listener = tokio::net::TcpListener::bind(&address)
            .await
            .expect("the same address again");
        let (stop, server, maintenance) = serve(listener, self.store.clone(), self.clock.clone());
        self.stop = Some(stop);
        self.server = server;
        self.maintenance = maintenance;
    }

    /// A browser-like client of its own: it keeps cookies, it does not follow redirects.
    pub fn visitor(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client")
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> Page {
        read(client.get(self.url(path)).send().await.expect("GET")).await
    }

    pub async fn post(&self, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> Page {
        read(
            client
                .post(self.url(path))
                .form(form)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// Signs `client` in; answers the sign-in's own answer.
    pub async fn sign_in(&self, client: &reqwest::Client, email: &str, password: &str) -> Page {
        self.post(
            client,
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// A user with an employee profile in the admin's department, at its locations.
    pub async fn add_user(&self, email: &str, role: Role, first_name: &str) -> i64 {
        let employee_id = self.add_employee(first_name).await;
        let conn = self.store.connection();
        companies::insert_user(
            conn,
            &UserSeed {
                company_id: self.company.company_id.0,
                email: email.into(),
                password_hash: Some(secrets::hash_password(USER_PASSWORD).expect("hash")),
                role,
                employee_id: Some(employee_id),
                lang: Lang::Ru,
                time_zone: "Asia/Tashkent".into(),
            },
            START,
        )
        .await
        .expect("user");
        employee_id
    }

    /// An employee (without a login) in the admin's department, at its locations.
    pub async fn add_employee(&self, first_name: &str) -> i64 {
        let department = self.admin_card().await.department_id;
        self.add_employee_in(first_name, department.0).await
    }

    /// An employee (without a login) in `department`, at the admin's locations.
    pub async fn add_employee_in(&self, first_name: &str, department: i64) -> i64 {
        let card = self.admin_card().await;
        companies::insert_employee(
            self.store.connection(),
            &EmployeeSeed {
                company_id: self.company.company_id,
                first_name: first_name.into(),
                last_name: "Тестов".into(),
                department_id: davomat_core::DepartmentId(department),
                schedule_id: card.schedule_id,
                location_ids: card
                    .locations
                    .iter()
                    .map(|l| davomat_core::LocationId(l.id))
                    .collect(),
                start_date: chrono_date(2025, 1, 1),
            },
            START,
        )
        .await
        .expect("employee")
    }

    /// A department under the admin's.
    pub async fn add_department(&self, title: &str) -> i64 {
        let parent = self.admin_card().await.department_id;
        davomat_store::departments::create(
            self.store.connection(),
            self.company.company_id,
            &davomat_store::departments::DepartmentFields {
                title: title.into(),
                pid: Some(parent),
            },
            START,
        )
        .await
        .expect("department")
        .0
    }

    /// A department head (signing in with [`USER_PASSWORD`]) over `department` and below,
    /// employed in it.
    pub async fn add_head(&self, email: &str, department: i64) -> i64 {
        let employee = self
            .add_user(email, Role::DepartmentHead, "Начальник")
            .await;
        let user = davomat_store::testing::scalar(
            &self.store,
            "SELECT id FROM users WHERE employee_id = $1",
            &[employee],
        )
        .await;
        for sql in [
            "INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2)",
            "UPDATE employees SET department_id = $2 WHERE id = (SELECT employee_id FROM users WHERE id = $1)",
        ] {
            davomat_store::testing::execute(&self.store, sql, &[user, department]).await;
        }
        employee
    }

    async fn admin_card(&self) -> davomat_store::employees::EmployeeCard {
        davomat_store::profiles::account(
            &self.store,
            self.company.company_id,
            self.company.admin_user_id,
            chrono_date(2025, 3, 4),
        )
        .await
        .expect("admin account")
        .employee
        .expect("admin employee")
    }

    /// Stores a clock-in of the employee at the company's first location, as a
    /// terminal would have sent it.
    pub async fn clock_in(&self, employee: i64, at: i64) {
        let location = davomat_store::titles::of(
            self.store.connection(),
            self.company.company_id,
            davomat_store::titles::Titled::Locations,
        )
        .await
        .expect("locations")[0]
            .0;
        let writer = self.store.write_connection().await;
        writer.changes([Dependency::Attendance(EmployeeId(employee))]);
        clock_events::insert(
            &writer,
            self.company.company_id,
            &NewEvent {
                employee_id: EmployeeId(employee),
                kind: EventKind::In,
                at,
                location_id: Some(LocationId(location)),
                mode: ClockMode::Auto,
                device_id: None,
                device_uid: None,
                ip: None,
                latitude: None,
                longitude: None,
                created_by: None,
                verify_mode: None,
                work_code: None,
            },
            at,
        )
        .await
        .expect("a clock-in");
    }
}

fn chrono_date(year: i32, month: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(year, month, day).expect("a date")
}

async fn read(response: reqwest::Response) -> Page {
    Page {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        html: response.text().await.expect("a body"),
    }
}

/// Serves the API and the console on `listener` until the sender is used or dropped.
fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    clock: Clock,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
    MaintenanceFlag,
) {
    let config = ApiConfig {
        rate_limit_per_minute: 0,
        request_timeout: Duration::from_secs(10),
        // Webhooks of the tests point at loopback.
        webhook_allow_private: true,
        ..ApiConfig::default()
    };
    let state = AppState::new(store, config, clock, RateLimiter::local(0), Mailer::Log);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let console = davomat_web::router(&state);
    let maintenance = state.maintenance.clone();
    let server = tokio::spawn(async move {
        let _ = davomat_api::serve(
            state,
            ServeOptions {
                api: listener,
                metrics: None,
                more: console,
                shutdown_grace: Duration::ZERO,
                drain_timeout: Duration::from_secs(5),
            },
            async move {
                let _ = stopped.await;
            },
        )
        .await;
    });
    (stop, server, maintenance)
}

impl Drop for Console {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.server.abort();
    }
}

/// Sets a text column of an employee (`tab_number`), as another door would have.
pub async fn set_text(console: &Console, employee: i64, column: &str, value: &str) {
    let sql = format!("UPDATE employees SET {column} = '{value}' WHERE id = $1");
    davomat_store::testing::execute(&console.store, &sql, &[employee]).await;
}

/// A text column of an employee (`pin_code`, `full_name`).
pub async fn text_of(console: &Console, employee: i64, column: &str) -> String {
    let card = davomat_store::employees::card(
        console.store.connection(),
        console.company.company_id,
        EmployeeId(employee),
        chrono_date(2025, 3, 4),
    )
    .await
    .expect("card");
    match column {
        "pin_code" => card.pin_code,
        "full_name" => card.full_name,
        other => panic!("{other} is not read here"),
    }
}
