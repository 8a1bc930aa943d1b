//! The test application: a real server on a free port over a fresh database, a manual
//! clock, a company with its admin, and typed helpers for requests.

use std::future::Future;
use std::time::Duration;

use davomat_api::mail::Mailer;
use davomat_api::rate_limit::RateLimiter;
use davomat_api::{ApiConfig, AppState, Clock, ServeOptions};
use davomat_core::{CompanyStatus, Lang, Role};
use davomat_store::companies::{self, CreatedCompany, EmployeeSeed, NewCompany, UserSeed};
use davomat_store::testing::{BACKENDS, TestDatabase};
use davomat_store::{Backend, Store, secrets};
use reqwest::header::HeaderMap;
use serde_json::Value;

/// 2025-03-04 09:00:00 in Tashkent.
pub const START: i64 = 1_741_060_800;
pub const ADMIN_EMAIL: &str = "admin@test.uz";
pub const ADMIN_PASSWORD: &str = "admin-password";
/// The admin password of every [`TestApp::second_company`].
pub const OTHER_PASSWORD: &str = "other-password";

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub store: Store,
    pub clock: Clock,
    pub http: reqwest::Client,
    pub company: CreatedCompany,
    pub backend: Backend,
    server: tokio::task::JoinHandle<()>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A reply, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an error reply's status and code, and that it carries a request id.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: i64) {
        assert_eq!(self.status, status, "status of {}", self.text);
        assert_eq!(self.body["code"], code, "code of {}", self.text);
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "message of {}",
            self.text
        );
        assert!(
            self.header("x-request-id").is_some(),
            "x-request-id missing"
        );
    }

    /// The failing fields of a 422 as (field, code) pairs.
    pub fn field_errors(&self) -> Vec<(String, i64)> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        (
                            e["field"].as_str().unwrap_or("").to_string(),
                            e["code"].as_i64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// [`Reply::field_errors`], sorted, for comparing with [`field_pairs`].
    pub fn sorted_field_errors(&self) -> Vec<(String, i64)> {
        let mut pairs = self.field_errors();
        pairs.sort();
        pairs
    }
}

/// Expected (field, code) pairs, owned and sorted like [`Reply::sorted_field_errors`].
pub fn field_pairs(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    let mut pairs: Vec<(String, i64)> = list.iter().map(|(f, c)| (f.to_string(), *c)).collect();
    pairs.sort();
    pairs
}

/// Configuration tests start from: limiting off, short time limit.
pub fn test_config() -> ApiConfig {
    ApiConfig {
        rate_limit_per_minute: 0,
        request_timeout: Duration::from_secs(10),
        // Webhook receivers of the tests listen on loopback.
        webhook_allow_private: true,
        ..ApiConfig::default()
    }
}

/// Runs `case` against a fresh app on every backend.
pub async fn each_backend<F, Fut>(case: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    each_backend_with(test_config, case).await;
}

/// As [`each_backend`], with a configuration of the case's own.
pub async fn each_backend_with<C, F, Fut>(config: C, case: F)
where
    C: Fn() -> ApiConfig,
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in BACKENDS {
        let Some((app, db)) = TestApp::start(backend, config()).await else {
            continue;
        };
        case(app).await;
        db.discard().await;
    }
}

impl TestApp {
    pub async fn start(backend: Backend, config: ApiConfig) -> Option<(TestApp, TestDatabase)> {
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
        let limiter = RateLimiter::local(config.rate_limit_per_minute);
        let state = AppState::new(store.clone(), config, clock.clone(), limiter, Mailer::Log);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = state.clone();
        let server = tokio::spawn(async move {
            let _ = davomat_api::serve(
                serving,
                ServeOptions {
                    api: listener,
                    metrics: None,
                    more: axum::Router::new(),
                    shutdown_grace: Duration::ZERO,
                    drain_timeout: Duration::from_secs(5),
                },
                async move {
                    let _ = stopped.await;
                },
            )
            .await;
        });
        let app = TestApp {
            base,
            state,
            store,
            clock,
            http: reqwest::Client::new(),
            company,
            backend,
            server,
            stop: Some(stop),
        };
        Some((app, db))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a request and reads the whole reply, which must agree with the OpenAPI
    /// document (crate::conformance).
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let request = request.build().expect("a request");
        let (method, path) = (
            request.method().to_string(),
            request.url().path().to_string(),
        );
        let response = self.http.execute(request).await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body read");
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        crate::conformance::check(&method, &path, status, content_type, &text);
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    pub async fn post_json(&self, path: &str, body: &Value, token: Option<&str>) -> Reply {
        let mut request = self.http.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    /// Any method, an optional token and an optional JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send(request).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.call("DELETE", path, Some(token), None).await
    }

    pub async fn put_json(&self, path: &str, body: &Value, token: &str) -> Reply {
        self.send(self.http.put(self.url(path)).json(body).bearer_auth(token))
            .await
    }

    /// A raw `application/x-www-form-urlencoded` body, sent as written (unescaped).
    pub async fn post_form(&self, path: &str, body: &str) -> Reply {
        self.send(
            self.http
                .post(self.url(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.to_string()),
        )
        .await
    }

    /// The form body of a password grant through the test company's client.
    pub fn password_grant(&self, username: &str, password: &str) -> String {
        format!(
            "grant_type=password&client_id={}&client_secret={}&username={username}&password={password}",
            self.company.client.client_id, self.company.client.client_secret
        )
    }

    /// Logs in and answers the whole token reply.
    pub async fn login(&self, username: &str, password: &str) -> Value {
        let reply = self
            .post_form("/v1/oauth/token", &self.password_grant(username, password))
            .await;
        assert_eq!(reply.status, 200, "login of {username}: {}", reply.text);
        reply.body
    }

    /// An access token of the admin.
    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await["access_token"]
            .as_str()
            .expect("access token")
            .to_string()
    }

    /// A second company for tenancy cases, with its own admin (`admin_email`, password
    /// [`OTHER_PASSWORD`], speaking `lang`) and client; Asia/Tashkent, active, no limit.
    /// Its admin's employee id is `admin_employee_id`.
    pub async fn second_company(&self, admin_email: &str, lang: Lang) -> CreatedCompany {
        companies::create(
            &self.store,
            NewCompany {
                name: "Other Co".into(),
                admin_email: admin_email.into(),
                admin_password: OTHER_PASSWORD.into(),
                time_zone: "Asia/Tashkent".into(),
                lang,
                employee_limit: None,
                status: CompanyStatus::Active,
            },
            START,
        )
        .await
        .expect("second company")
    }

    /// Adds a user with an employee profile in the default department, overseeing it
    /// when the role oversees departments; answers (employee id, access token).
    pub async fn add_user(&self, email: &str, role: Role, first_name: &str) -> (i64, String) {
        let company = self.company.company_id.0;
        let card = davomat_store::profiles::account(
            &self.store,
            self.company.company_id,
            self.company.admin_user_id,
            chrono::NaiveDate::from_ymd_opt(2025, 3, 4).expect("date"),
        )
        .await
        .expect("admin account")
        .employee
        .expect("admin employee");
        let conn = self.store.connection();
        let employee_id = companies::insert_employee(
            conn,
            &EmployeeSeed {
                company_id: davomat_core::CompanyId(company),
                first_name: first_name.into(),
                last_name: "Тестов".into(),
                department_id: card.department_id,
                schedule_id: card.schedule_id,
                location_ids: card
                    .locations
                    .iter()
                    .map(|l| davomat_core::LocationId(l.id))
                    .collect(),
                start_date: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("date"),
            },
            START,
        )
        .await
        .expect("employee");
        let password = "user-password";
        let user_id = companies::insert_user(
            conn,
            &UserSeed {
                company_id: company,
                email: email.into(),
                password_hash: Some(secrets::hash_password(password).expect("hash")),
                role,
                employee_id: Some(employee_id),
                lang: Lang::Ru,
                time_zone: "Asia/Tashkent".into(),
            },
            START,
        )
        .await
        .expect("user");
        if role.oversees_departments() {
            davomat_store::testing::execute(
                &self.store,
                "INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2)",
                &[user_id, card.department_id.0],
            )
            .await;
        }
        let token = self.login(email, password).await["access_token"]
            .as_str()
            .expect("token")
            .to_string();
        (employee_id, token)
    }

    /// A form-urlencoded request with a token.
    pub async fn form(&self, method: &str, path: &str, token: &str, body: &str) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        self.send(
            self.http
                .request(method, self.url(path))
                .bearer_auth(token)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.to_string()),
        )
        .await
    }

    /// The activity rows of one action, newest first.
    pub async fn activities(&self, token: &str, action: &str) -> Vec<Value> {
        let reply = self
            .get(
                &format!("/v1/user-activities?action_name={action}"),
                Some(token),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.body["items"].as_array().expect("items").clone()
    }

    /// Stops the server gracefully and waits until it has.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.server).await;
    }
}
