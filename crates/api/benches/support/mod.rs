//! What the API benchmarks share: a fresh SQLite company with an admin token, the app
//! around it, and a request sender that reads the whole body as a client would.
//! Each bench compiles this module on its own and uses part of it.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use davomat_api::mail::Mailer;
use davomat_api::rate_limit::RateLimiter;
use davomat_api::{ApiConfig, AppState, Clock};
use davomat_core::{CompanyStatus, Lang};
use davomat_store::companies::{self, CreatedCompany, NewCompany};
use davomat_store::testing::TestDatabase;
use davomat_store::{Backend, Store, tokens};
use tower::ServiceExt;

/// 2025-03-04 09:00:00 in Tashkent, as in the API tests.
pub const START: i64 = 1_741_060_800;

pub struct Fixture {
    pub app: Router,
    pub authorization: String,
    pub store: Store,
    pub company: CreatedCompany,
    pub db: TestDatabase,
}

/// A company on a fresh SQLite database, its admin's token, and the app (rate limit off).
pub async fn fixture() -> Fixture {
    let db = TestDatabase::fresh(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let store = db.connect().await;
    let company = companies::create(
        &store,
        NewCompany {
            name: "Bench Co".into(),
            admin_email: "admin@bench.uz".into(),
            admin_password: "admin-password".into(),
            time_zone: "Asia/Tashkent".into(),
            lang: Lang::Ru,
            employee_limit: None,
            status: CompanyStatus::Active,
        },
        START,
    )
    .await
    .expect("create the bench company");
    // Issued directly: the benches measure requests, not the password grant.
    let pair = tokens::issue(
        store.connection(),
        company.admin_user_id,
        company.client_row_id,
        START,
    )
    .await
    .expect("issue a token");
    let config = ApiConfig {
        rate_limit_per_minute: 0,
        ..ApiConfig::default()
    };
    let state = AppState::new(
        store.clone(),
        config,
        Clock::manual(START),
        RateLimiter::local(0),
        Mailer::Log,
    );
    Fixture {
        app: davomat_api::app(state),
        authorization: format!("Bearer {}", pair.access_token),
        store,
        company,
        db,
    }
}

/// Sends one request, checks it answered 200 and reads the whole body; answers its size.
pub async fn send(app: &Router, request: Request<Body>) -> usize {
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    body.len()
}
