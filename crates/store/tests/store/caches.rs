//! The read caches drop exactly what a write names, after it is done; a write that
//! names nothing drops everything (crates/store/src/read_cache.rs, writer.rs).
//!
//! Each case changes a user's email behind the caches' back (a plain statement, not a
//! writer) so that a cached session still shows the old one; then a writer announces a
//! change and the next read shows whether the session was dropped.

use davomat_core::{ApiClientId, EmployeeId, UserId};
use davomat_store::read_cache::Dependency;
use davomat_store::testing::execute_unannounced;
use davomat_store::testing::scalar;
use davomat_store::{Store, companies, tokens};

use crate::{each_backend, new_company};

const NOW: i64 = 1_750_000_000;

/// Renames the user's email with a plain statement that announces nothing.
async fn rename_unannounced(store: &Store, user: UserId, email: &str) {
    execute_unannounced(
        store,
        &format!("UPDATE users SET email = '{email}' WHERE id = {}", user.0),
    )
    .await;
}

async fn email_of_session(store: &Store, token: &str) -> String {
    tokens::session(store, token)
        .await
        .expect("session")
        .expect("a session")
        .email
}

#[tokio::test]
async fn a_write_drops_what_it_names_and_an_unnamed_write_drops_everything() {
    each_backend(|store, backend| async move {
        let created = companies::create(&store, new_company("Cache Co", "cache@example.com"), NOW)
            .await
            .expect("company");
        let user = created.admin_user_id;
        let client = scalar(
            &store,
            "SELECT id FROM api_clients WHERE company_id = $1",
            &[created.company_id.0],
        )
        .await;
        let writer = store.write_connection().await;
        writer.changes_nothing_cached();
        let pair = tokens::issue(&writer, user, ApiClientId(client), NOW)
            .await
            .expect("token");
        drop(writer);
        let token = pair.access_token;
        assert_eq!(email_of_session(&store, &token).await, "cache@example.com");

        // Unannounced: the cached session still shows the old email.
        rename_unannounced(&store, user, "one@example.com").await;
        assert_eq!(
            email_of_session(&store, &token).await,
            "cache@example.com",
            "{backend:?}"
        );

        // A write naming someone else's employee leaves it cached.
        let writer = store.write_connection().await;
        writer.changes([Dependency::Employee(EmployeeId(987_654))]);
        drop(writer);
        assert_eq!(
            email_of_session(&store, &token).await,
            "cache@example.com",
            "{backend:?}"
        );

        // A write naming the user drops it.
        let writer = store.write_connection().await;
        writer.changes([Dependency::User(user)]);
        drop(writer);
        assert_eq!(
            email_of_session(&store, &token).await,
            "one@example.com",
            "{backend:?}"
        );

        // A transaction announces only once committed; a rolled-back one never.
        rename_unannounced(&store, user, "two@example.com").await;
        let txn = store.begin().await.expect("begin");
        txn.changes([Dependency::User(user)]);
        txn.rollback().await.expect("rollback");
        assert_eq!(
            email_of_session(&store, &token).await,
            "one@example.com",
            "{backend:?}"
        );
        let txn = store.begin().await.expect("begin");
        txn.changes([Dependency::User(user)]);
        assert_eq!(
            email_of_session(&store, &token).await,
            "one@example.com",
            "{backend:?}"
        );
        txn.commit().await.expect("commit");
        assert_eq!(
            email_of_session(&store, &token).await,
            "two@example.com",
            "{backend:?}"
        );

        // A writer that names nothing drops everything.
        rename_unannounced(&store, user, "three@example.com").await;
        drop(store.write_connection().await);
        assert_eq!(
            email_of_session(&store, &token).await,
            "three@example.com",
            "{backend:?}"
        );
    })
    .await;
}
