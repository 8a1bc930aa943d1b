//! In-process cost of one authenticated `GET /v1/accounts` through the whole router
//! (edge middleware, guard with its token lookup, handler with its reads, JSON), and of
//! `GET /healthz` for comparison. No network: each request is driven with
//! `tower::ServiceExt::oneshot` over a fresh SQLite database. The `concurrent` group
//! sends 64 requests at once, as the load script's 64 connections do, to show what the
//! connection pool and the middleware's locks cost under contention.
//!
//! Run: `cargo bench -p davomat-api --bench accounts`. It measures; it never fails.

use std::hint::black_box;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use davomat_api::mail::Mailer;
use davomat_api::rate_limit::RateLimiter;
use davomat_api::{ApiConfig, AppState, Clock};
use davomat_core::{CompanyStatus, Lang};
use davomat_store::companies::{self, NewCompany};
use davomat_store::testing::TestDatabase;
use davomat_store::{Backend, tokens};
use tower::ServiceExt;

/// 2025-03-04 09:00:00 in Tashkent, as in the API tests.
const START: i64 = 1_741_060_800;
const CONCURRENCY: usize = 64;

struct Fixture {
    app: Router,
    authorization: String,
    db: TestDatabase,
}

async fn fixture() -> Fixture {
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
    // Issued directly: the bench measures the token lookup, not the password grant.
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
        store,
        config,
        Clock::manual(START),
        RateLimiter::local(0),
        Mailer::Log,
    );
    Fixture {
        app: davomat_api::app(state),
        authorization: format!("Bearer {}", pair.access_token),
        db,
    }
}

fn accounts_request(authorization: &str) -> Request<Body> {
    Request::get("/v1/accounts")
        .header(header::AUTHORIZATION, authorization)
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .expect("request")
}

fn healthz_request() -> Request<Body> {
    Request::get("/healthz")
        .body(Body::empty())
        .expect("request")
}

/// Sends one request and reads the whole body, as a client would.
async fn send(app: &Router, request: Request<Body>) -> usize {
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    body.len()
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let fixture = runtime.block_on(fixture());
    let app = &fixture.app;
    let authorization = fixture.authorization.as_str();

    // Sanity check before measuring: the account is really answered.
    let size = runtime.block_on(send(app, accounts_request(authorization)));
    assert!(size > 100, "GET /v1/accounts answered {size} bytes");

    let mut single = c.benchmark_group("one_request");
    single.throughput(Throughput::Elements(1));
    single.bench_function("GET /healthz", |b| {
        b.iter(|| runtime.block_on(send(app, black_box(healthz_request()))));
    });
    single.bench_function("GET /v1/accounts", |b| {
        b.iter(|| runtime.block_on(send(app, black_box(accounts_request(authorization)))));
    });
    single.finish();

    let mut concurrent = c.benchmark_group("concurrent_64");
    concurrent.throughput(Throughput::Elements(CONCURRENCY as u64));
    concurrent.sample_size(30);
    concurrent.bench_function("GET /healthz", |b| {
        b.iter(|| runtime.block_on(burst(app, healthz_request)));
    });
    concurrent.bench_function("GET /v1/accounts", |b| {
        b.iter(|| runtime.block_on(burst(app, || accounts_request(authorization))));
    });
    concurrent.finish();

    runtime.block_on(fixture.db.discard());
}

/// 64 requests in flight at once on the runtime's workers; answers when all are read.
async fn burst(app: &Router, request: impl Fn() -> Request<Body>) {
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let app = app.clone();
            let request = request();
            tokio::spawn(async move { send(&app, request).await })
        })
        .collect();
    for task in tasks {
        black_box(task.await.expect("task"));
    }
}

criterion_group! {
    name = accounts;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = benches
}
criterion_main!(accounts);
