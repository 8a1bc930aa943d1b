//! In-process cost of one authenticated `GET /v1/accounts` through the whole router
//! (edge middleware, guard with its token lookup, handler with its reads, JSON), and of
//! `GET /healthz` for comparison. No network: each request is driven with
//! `tower::ServiceExt::oneshot` over a fresh SQLite database. The `concurrent` group
//! sends 64 requests at once, as the load script's 64 connections do, to show what the
//! connection pool and the middleware's locks cost under contention.
//!
//! Run: `cargo bench -p davomat-api --bench accounts`. It measures; it never fails.

mod support;

use std::hint::black_box;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use support::{fixture, send};

const CONCURRENCY: usize = 64;

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
