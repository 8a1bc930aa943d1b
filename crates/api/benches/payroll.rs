//! `POST /v1/payroll/add-salary` for 1,000 employees in one request (issue 5's figure:
//! under 1 s on SQLite), through the whole router on a fresh SQLite database. Each
//! request starts the rates one day later than the one before, so every employee is
//! accepted each time: the open rate is closed and a new one written, with an activity
//! row per employee, all in one transaction.
//!
//! Run: `cargo bench -p davomat-api --bench payroll`. It measures; it never fails.

mod support;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, header};
use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use davomat_store::companies::{self, EmployeeSeed};
use davomat_store::profiles;
use serde_json::json;
use support::{START, fixture, send};

const EMPLOYEES: usize = 1000;

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let fixture = runtime.block_on(fixture());
    let first = NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    let employees: Vec<i64> = runtime.block_on(async {
        let account = profiles::account(
            &fixture.store,
            fixture.company.company_id,
            fixture.company.admin_user_id,
            first,
        )
        .await
        .expect("admin account");
        let card = account.employee.expect("admin employee");
        let mut ids = Vec::with_capacity(EMPLOYEES);
        for n in 0..EMPLOYEES {
            let seed = EmployeeSeed {
                company_id: fixture.company.company_id,
                first_name: format!("Xodim{n}"),
                last_name: "Benchev".into(),
                department_id: card.department_id,
                schedule_id: card.schedule_id,
                location_ids: vec![],
                start_date: first,
            };
            let id = companies::insert_employee(fixture.store.connection(), &seed, START)
                .await
                .expect("employee");
            ids.push(id);
        }
        ids
    });
    let mut day = 0;
    let mut request = || {
        day += 1;
        let start = first + chrono::Days::new(day);
        let body = json!({"type_col": 3, "rate": "1250000.50", "start_date": start.to_string(),
                          "employee_ids": employees});
        Request::post("/v1/payroll/add-salary")
            .header(header::AUTHORIZATION, fixture.authorization.as_str())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request")
    };
    // Sanity check before measuring: every employee is accepted.
    let size = runtime.block_on(send(&fixture.app, request()));
    assert!(size > EMPLOYEES * 50, "add-salary answered {size} bytes");

    let mut group = c.benchmark_group("add_salary");
    group.throughput(Throughput::Elements(EMPLOYEES as u64));
    group.sample_size(10);
    group.bench_function("1000 employees", |b| {
        b.iter(|| runtime.block_on(send(&fixture.app, request())));
    });
    group.finish();
    runtime.block_on(fixture.db.discard());
}

criterion_group! {
    name = payroll;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    targets = benches
}
criterion_main!(payroll);
