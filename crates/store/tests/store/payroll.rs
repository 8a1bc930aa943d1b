//! Payroll periods on both backends: a whole request's employees are written in a
//! fixed handful of statements, open periods close the day before the next starts,
//! deleting one gives its days back, and amounts keep every tiyin.

use std::sync::atomic::Ordering;

use chrono::NaiveDate;
use davomat_core::CompanyId;
use davomat_core::money::MAX_MINOR;
use davomat_store::Store;
use davomat_store::companies;
use davomat_store::employees::create::{self, NewEmployee};
use davomat_store::employees::{self};
use davomat_store::payroll::periods::{self, Held, PeriodKind};

use crate::{counted, each_backend, new_company};

const NOW: i64 = 1_750_000_000;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// A company with `size` employees besides its admin; answers it and their ids.
async fn company_with(store: &Store, size: usize) -> (CompanyId, Vec<i64>) {
    let created = companies::create(store, new_company("PAYROLL", "payroll@example.com"), NOW)
        .await
        .expect("company");
    let company = created.company_id;
    let admin = employees::card(
        store.connection(),
        company,
        created.admin_employee_id,
        day("2025-06-15"),
    )
    .await
    .expect("admin card");
    let txn = store.begin().await.expect("begin");
    let mut ids = Vec::with_capacity(size);
    for i in 0..size {
        let id = create::insert(
            &txn,
            &NewEmployee {
                company_id: company,
                first_name: format!("Worker{i:04}"),
                start_date: day("2024-01-01"),
                schedule_start_date: day("2024-01-01"),
                department_id: admin.department_id,
                schedule_id: admin.schedule_id,
                ..NewEmployee::default()
            },
            NOW,
        )
        .await
        .expect("employee");
        ids.push(id);
    }
    davomat_store::commit(txn).await.expect("commit");
    (company, ids)
}

#[tokio::test]
async fn a_request_for_600_employees_costs_four_statements_and_closes_each_open_rate() {
    each_backend(|store, backend| async move {
        let (company, ids) = company_with(&store, 600).await;
        let first = Held::Salary {
            type_col: 3,
            rate: 100_050,
        };
        periods::assign(
            store.connection(),
            company,
            &ids,
            day("2025-01-01"),
            first,
            NOW,
        )
        .await
        .expect("first rates");
        let (conn, statements) = counted(&store);
        let raise = Held::Salary {
            type_col: 3,
            rate: MAX_MINOR,
        };
        let created = periods::assign(&conn, company, &ids, day("2025-03-01"), raise, NOW)
            .await
            .expect("raise");
        // One close and one insert per 500 employees.
        assert_eq!(statements.load(Ordering::SeqCst), 4, "{backend:?}");
        assert_eq!(created.len(), 600, "{backend:?}");
        let open = periods::open_periods(&conn, PeriodKind::Salary, company, &ids)
            .await
            .expect("open");
        assert_eq!(open.len(), 600, "{backend:?}");
        assert!(
            ids.iter()
                .all(|id| open[id].id == created[id] && open[id].start_date == day("2025-03-01")),
            "{backend:?}"
        );
        let rows = periods::of_employees(&conn, PeriodKind::Salary, &ids[..2])
            .await
            .expect("rows");
        let shown: Vec<(i64, NaiveDate, NaiveDate, Option<i64>)> = rows
            .iter()
            .map(|r| (r.employee_id, r.start_date, r.end_date, r.rate))
            .collect();
        assert_eq!(
            shown,
            vec![
                (ids[0], day("2025-01-01"), day("2025-02-28"), Some(100_050)),
                (
                    ids[0],
                    day("2025-03-01"),
                    periods::open_end(),
                    Some(MAX_MINOR)
                ),
                (ids[1], day("2025-01-01"), day("2025-02-28"), Some(100_050)),
                (
                    ids[1],
                    day("2025-03-01"),
                    periods::open_end(),
                    Some(MAX_MINOR)
                ),
            ],
            "{backend:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn deleting_a_period_reopens_the_one_before_and_stays_in_the_company() {
    each_backend(|store, backend| async move {
        let (company, ids) = company_with(&store, 2).await;
        let conn = store.connection();
        let mut made = Vec::new();
        for start in ["2025-01-01", "2025-02-01", "2025-03-01"] {
            let held = Held::Salary {
                type_col: 1,
                rate: 10,
            };
            let created = periods::assign(conn, company, &ids[..1], day(start), held, NOW)
                .await
                .expect("rate");
            made.push(created[&ids[0]]);
        }
        let other = CompanyId(company.0 + 1000);
        assert!(
            periods::delete(conn, PeriodKind::Salary, other, ids[0], made[2])
                .await
                .is_err(),
            "{backend:?}: another company's delete must find nothing"
        );
        assert!(
            periods::delete(conn, PeriodKind::Salary, company, ids[1], made[2])
                .await
                .is_err(),
            "{backend:?}: another employee's period"
        );
        let gone = periods::delete(conn, PeriodKind::Salary, company, ids[0], made[2])
            .await
            .expect("delete");
        assert_eq!(gone.start_date, day("2025-03-01"));
        let open = periods::open_periods(conn, PeriodKind::Salary, company, &ids)
            .await
            .expect("open");
        assert_eq!(open[&ids[0]].id, made[1], "{backend:?}");
        assert!(!open.contains_key(&ids[1]), "{backend:?}");
        // The schema itself refuses a second open period (two racing requests).
        let second_open = format!(
            "INSERT INTO salary_rates (company_id, employee_id, type_col, rate, start_date, end_date, created_at) \
             VALUES ({}, {}, 1, 10, '2025-05-01', '9999-12-31', {NOW})",
            company.0, ids[0]
        );
        assert!(
            sea_orm::ConnectionTrait::execute_unprepared(conn, &second_open)
                .await
                .is_err(),
            "{backend:?}: two open rates for one employee"
        );
    })
    .await;
}
