//! `GET /v1/employees`'s store side costs a fixed number of statements per page,
//! whatever the company holds (no statement per row), and its cached total stays exact
//! across writes.

use std::sync::atomic::Ordering;

use chrono::NaiveDate;
use davomat_core::page::PageRequest;
use davomat_core::{CompanyId, LocationId};
use davomat_store::companies;
use davomat_store::employees::create::{self, NewEmployee};
use davomat_store::employees::{self, EmployeeFilter, StatusFilter, Visibility};
use davomat_store::positions::{self, PositionFields};
use davomat_store::{Store, testing};

use crate::{counted, each_backend, new_company};

const NOW: i64 = 1_750_000_000;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 15).expect("date")
}

fn everyone() -> EmployeeFilter {
    EmployeeFilter::new(Visibility::Company, StatusFilter::Active)
}

/// A page of 50 of the uncached list of every active employee.
async fn everyone_page(
    conn: &sea_orm::DatabaseConnection,
    company: CompanyId,
    page: u64,
) -> (Vec<employees::EmployeeCard>, u64) {
    employees::list(
        conn,
        company,
        &everyone(),
        PageRequest { page, per_page: 50 },
        today(),
    )
    .await
    .expect("list")
}

fn first_page() -> PageRequest {
    PageRequest {
        page: 1,
        per_page: 50,
    }
}

/// A company of `size` employees (its admin included), each with a location and a
/// current position.
async fn company_of(store: &Store, email: &str, size: usize) -> CompanyId {
    let created = companies::create(store, new_company("LIST", email), NOW)
        .await
        .expect("company");
    let company = created.company_id;
    let admin = employees::card(
        store.connection(),
        company,
        created.admin_employee_id,
        today(),
    )
    .await
    .expect("admin card");
    let position = positions::create(
        store.connection(),
        company,
        &PositionFields {
            title: "Operator".into(),
        },
        NOW,
    )
    .await
    .expect("position");
    let start = NaiveDate::from_ymd_opt(2024, 1, 15).expect("date");
    for i in 1..size {
        create::insert(
            store.connection(),
            &NewEmployee {
                company_id: company,
                first_name: format!("First{i:03}"),
                last_name: format!("Last{:03}", (i * 37) % 211),
                start_date: start,
                schedule_start_date: start,
                department_id: admin.department_id,
                schedule_id: admin.schedule_id,
                location_ids: admin.locations.iter().map(|l| LocationId(l.id)).collect(),
                position_ids: vec![davomat_core::PositionId(position)],
                ..NewEmployee::default()
            },
            NOW,
        )
        .await
        .expect("employee");
    }
    company
}

#[tokio::test]
async fn a_page_costs_the_same_statements_for_5_and_for_200_employees() {
    each_backend(|store, backend| async move {
        let small = company_of(&store, "small@example.com", 5).await;
        let large = company_of(&store, "large@example.com", 200).await;
        let (conn, statements) = counted(&store);
        let mut costs = Vec::new();
        for (company, size, page) in [(small, 5, 1), (large, 200, 1), (large, 200, 4)] {
            let before = statements.load(Ordering::SeqCst);
            let (cards, total) = everyone_page(&conn, company, page).await;
            let cost = statements.load(Ordering::SeqCst) - before;
            assert_eq!(total, size as u64, "{backend:?}");
            assert_eq!(cards.len(), size.min(50), "{backend:?}");
            // Every card has its location; all but the admin a position.
            assert!(cards.iter().all(|c| c.locations.len() == 1), "{backend:?}");
            let held: usize = cards.iter().map(|c| c.positions.len()).sum();
            assert!(held + 1 >= cards.len(), "{backend:?}: {held} positions");
            costs.push(cost);
        }
        // count, and the page with its locations and positions.
        assert_eq!(costs, vec![2, 2, 2], "{backend:?}: statements per page");
    })
    .await;
}

#[tokio::test]
async fn the_cached_total_follows_writes() {
    each_backend(|store, backend| async move {
        let company = company_of(&store, "cached@example.com", 60).await;
        let list = |filter: EmployeeFilter| {
            let store = store.clone();
            async move {
                employees::list_cached(&store, company, &filter, first_page(), today())
                    .await
                    .expect("list")
            }
        };
        let (cards, total) = list(everyone()).await;
        assert_eq!((cards.len(), total), (50, 60), "{backend:?}");
        // Counted once: the same list again is answered from the cache, and exact.
        assert_eq!(list(everyone()).await.1, 60, "{backend:?}");
        // Dismiss one (any write of this store): the next total is exact.
        testing::execute(
            &store,
            "UPDATE employees SET status = 'dismissed' WHERE id = (SELECT max(id) FROM employees WHERE company_id = $1)",
            &[company.0],
        )
        .await;
        assert_eq!(list(everyone()).await.1, 59, "{backend:?}");
        let dismissed = EmployeeFilter {
            status: StatusFilter::Dismissed,
            ..everyone()
        };
        assert_eq!(list(dismissed).await.1, 1, "{backend:?}");
    })
    .await;
}

#[tokio::test]
async fn cached_pages_are_the_lists_pages_and_follow_writes() {
    each_backend(|store, backend| async move {
        let company = company_of(&store, "pages@example.com", 60).await;
        let page = |page: u64| {
            let store = store.clone();
            async move {
                let (cards, total) = employees::list_cached(
                    &store,
                    company,
                    &everyone(),
                    PageRequest { page, per_page: 50 },
                    today(),
                )
                .await
                .expect("list");
                (cards.iter().map(|c| c.id).collect::<Vec<_>>(), total)
            }
        };
        let (first, total) = page(1).await;
        let (second, _) = page(2).await;
        assert_eq!(
            (first.len(), second.len(), total),
            (50, 10, 60),
            "{backend:?}"
        );
        // The pages are the uncached list's, in its order.
        let (uncached, _) = everyone_page(store.connection(), company, 2).await;
        assert_eq!(
            second,
            uncached.iter().map(|c| c.id).collect::<Vec<_>>(),
            "{backend:?}"
        );
        // Dismissing the first card's employee moves everyone after it up a place.
        testing::execute(
            &store,
            "UPDATE employees SET status = 'dismissed' WHERE id = $1",
            &[first[0].0],
        )
        .await;
        let (after, total) = page(1).await;
        assert_eq!(total, 59, "{backend:?}");
        assert_eq!(after[..49], first[1..], "{backend:?}");
        assert_eq!(after[49], second[0], "{backend:?}");
        // Past the last page: no cards, the same total.
        assert_eq!(page(3).await, (vec![], 59), "{backend:?}");
    })
    .await;
}

#[tokio::test]
async fn the_consoles_filters_find_by_name_tab_number_pin_position_location_and_pending() {
    each_backend(|store, backend| async move {
        let company = company_of(&store, "filters@example.com", 12).await;
        let list = |filter: EmployeeFilter| {
            let store = store.clone();
            async move {
                employees::list(store.connection(), company, &filter, first_page(), today())
                    .await
                    .expect("list")
            }
        };
        let search = |text: &str| EmployeeFilter {
            search: Some(text.to_string()),
            ..everyone()
        };
        // A part of a name, any case.
        let (cards, total) = list(search("FIRST00")).await;
        assert_eq!(total, 9, "{backend:?}: {:?}", names(&cards));
        // A whole tab number or PIN, not a part of one.
        testing::execute(
            &store,
            "UPDATE employees SET tab_number = 'T-77' WHERE company_id = $1 AND first_name = 'First003'",
            &[company.0],
        )
        .await;
        let (cards, _) = list(search("T-77")).await;
        assert_eq!(names(&cards), vec!["First003"], "{backend:?}");
        assert_eq!(list(search("T-7")).await.1, 0, "{backend:?}");
        let pin = cards[0].pin_code.clone();
        let (cards, _) = list(search(&pin)).await;
        assert!(names(&cards).contains(&"First003".to_string()), "{backend:?}");

        // Everyone but the admin holds the position; everyone has the location.
        let first = list(everyone()).await.0;
        let position = first
            .iter()
            .find_map(|c| c.positions.first().map(|p| p.id))
            .expect("a position");
        let location = first[0].locations[0].id;
        let holding = EmployeeFilter {
            position_on: Some((position, today())),
            ..everyone()
        };
        assert_eq!(list(holding).await.1, 11, "{backend:?}");
        let before_it = EmployeeFilter {
            position_on: Some((position, NaiveDate::from_ymd_opt(2020, 1, 1).expect("date"))),
            ..everyone()
        };
        assert_eq!(list(before_it).await.1, 0, "{backend:?}");
        let at = EmployeeFilter {
            location: Some(location),
            ..everyone()
        };
        assert_eq!(list(at).await.1, 12, "{backend:?}");
        let elsewhere = EmployeeFilter {
            location: Some(location + 1_000),
            ..everyone()
        };
        assert_eq!(list(elsewhere).await.1, 0, "{backend:?}");

        // Pending: a dismissal waiting for its day.
        let pending = EmployeeFilter {
            status: StatusFilter::Pending,
            ..everyone()
        };
        assert_eq!(list(pending.clone()).await.1, 0, "{backend:?}");
        testing::execute(
            &store,
            "UPDATE employees SET dismissal_date = '2099-01-01' WHERE company_id = $1 AND first_name = 'First005'",
            &[company.0],
        )
        .await;
        assert_eq!(names(&list(pending).await.0), vec!["First005"], "{backend:?}");
    })
    .await;
}

fn names(cards: &[employees::EmployeeCard]) -> Vec<String> {
    cards.iter().map(|c| c.first_name.clone()).collect()
}
