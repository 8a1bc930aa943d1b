//! Store cases, each written once and run on SQLite and on PostgreSQL.

mod accounts;
mod caches;
mod employee_list;
mod payroll;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use davomat_core::{CompanyStatus, Lang};
use davomat_store::companies::NewCompany;
use davomat_store::testing::{BACKENDS, TestDatabase};
use davomat_store::{Backend, Store};

/// Runs `case` on a fresh database of every backend.
pub async fn each_backend<F, Fut>(case: F)
where
    F: Fn(Store, Backend) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in BACKENDS {
        let Some(db) = TestDatabase::fresh(backend).await else {
            continue;
        };
        let store = db.connect().await;
        case(store.clone(), backend).await;
        let _ = store.close().await;
        db.discard().await;
    }
}

/// An active company in Tashkent, its admin `email` with the password `correct horse`.
pub fn new_company(name: &str, email: &str) -> NewCompany {
    NewCompany {
        name: name.into(),
        admin_email: email.into(),
        admin_password: "correct horse".into(),
        time_zone: "Asia/Tashkent".into(),
        lang: Lang::Ru,
        employee_limit: None,
        status: CompanyStatus::Active,
    }
}

/// The store's connection with a callback counting the statements run through it.
pub fn counted(store: &Store) -> (sea_orm::DatabaseConnection, Arc<AtomicUsize>) {
    let statements = Arc::new(AtomicUsize::new(0));
    let mut conn = store.connection().clone();
    let counter = Arc::clone(&statements);
    conn.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    (conn, statements)
}
