//! Companies, clients, users, tokens and the activity log.

use davomat_core::page::PageRequest;
use davomat_core::{ClientState, CompanyId, CompanyStatus, UserId};
use davomat_store::activity::{self, ActivityFilter};
use davomat_store::companies;
use davomat_store::tokens::{self, RefreshRefusal};
use davomat_store::{StoreError, clients, password_resets, profiles, secrets, system, users};

use crate::{each_backend, new_company};

const NOW: i64 = 1_750_000_000;

#[tokio::test]
async fn company_create_gives_the_admin_a_profile_and_a_client() {
    each_backend(|store, backend| async move {
        let created = companies::create(&store, new_company("NEWMAX", "Admin@Example.com"), NOW)
            .await
            .expect("create");
        let account = profiles::account(
            &store,
            created.company_id,
            created.admin_user_id,
            chrono::NaiveDate::from_ymd_opt(2025, 6, 15).expect("date"),
        )
        .await
        .expect("account");
        assert_eq!(account.user.email, "admin@example.com", "{backend:?}");
        assert_eq!(account.user.role, 1);
        assert_eq!(account.user.company_name, "NEWMAX");
        let employee = account.employee.expect("employee profile");
        assert_eq!(employee.department_title, "Отдел по умолчанию");
        assert_eq!(employee.schedule_kind, 2);
        assert_eq!(employee.locations.len(), 1);
        assert_eq!(employee.user_id, Some(created.admin_user_id));
        assert_eq!(employee.tab_number, "");

        let client = clients::find(&store, &created.client.client_id)
            .await
            .expect("find")
            .expect("client");
        assert!(client.secret_matches(&created.client.client_secret));
        assert!(!client.secret_matches("wrong"));
        assert_eq!(client.state(), ClientState::Current);

        let login = users::find_login(&store, " ADMIN@example.com ")
            .await
            .expect("login")
            .expect("user");
        assert!(secrets::verify_password(
            "correct horse",
            login.password_hash.as_deref().expect("hash")
        ));

        // The same email cannot be used twice.
        let again =
            companies::create(&store, new_company("NEWMAX", "admin@example.com"), NOW).await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "{backend:?}: {again:?}"
        );

        // Creation was logged in the same transaction.
        let (rows, total) = activity::list(
            &store,
            created.company_id,
            &ActivityFilter::default(),
            PageRequest {
                page: 1,
                per_page: 50,
            },
        )
        .await
        .expect("activity");
        assert_eq!(total, 2);
        let names: Vec<&str> = rows.iter().map(|r| r.action_name.as_str()).collect();
        assert!(names.contains(&"addEmployee") && names.contains(&"assignedRole"));
    })
    .await;
}

#[tokio::test]
async fn tokens_are_found_by_digest_and_refresh_tokens_work_once() {
    each_backend(|store, backend| async move {
        let created = companies::create(&store, new_company("NEWMAX", "a@b.uz"), NOW)
            .await
            .expect("create");
        let pair = tokens::issue(
            store_conn(&store),
            created.admin_user_id,
            created.client_row_id,
            NOW,
        )
        .await
        .expect("issue");
        let session = tokens::session(&store, &pair.access_token)
            .await
            .expect("session")
            .expect("found");
        assert_eq!(session.user_id, created.admin_user_id, "{backend:?}");
        assert_eq!(session.expires_at, NOW + tokens::ACCESS_TOKEN_SECONDS);
        assert_eq!(session.client_state.0, ClientState::Current);
        assert!(
            tokens::session(&store, "0000000000000000000000000000000000000000")
                .await
                .expect("q")
                .is_none()
        );

        let company = created.company_id;
        let first = tokens::refresh(
            &store,
            &pair.refresh_token,
            company,
            created.client_row_id,
            NOW + 10,
        )
        .await
        .expect("refresh");
        let (user, fresh) = first.expect("refreshed");
        assert_eq!(user, created.admin_user_id);
        let second = tokens::refresh(
            &store,
            &pair.refresh_token,
            company,
            created.client_row_id,
            NOW + 20,
        )
        .await
        .expect("refresh");
        assert_eq!(second.err(), Some(RefreshRefusal::AlreadyUsed));
        let late = tokens::refresh(
            &store,
            &fresh.refresh_token,
            company,
            created.client_row_id,
            NOW + tokens::REFRESH_TOKEN_SECONDS + 100,
        )
        .await
        .expect("refresh");
        assert_eq!(late.err(), Some(RefreshRefusal::Expired));
        let other_company = tokens::refresh(
            &store,
            &fresh.refresh_token,
            CompanyId(company.0 + 1),
            created.client_row_id,
            NOW,
        )
        .await
        .expect("refresh");
        assert_eq!(other_company.err(), Some(RefreshRefusal::Unknown));

        assert!(
            tokens::revoke(&store, &fresh.access_token)
                .await
                .expect("revoke")
        );
        assert!(
            tokens::session(&store, &fresh.access_token)
                .await
                .expect("q")
                .is_none()
        );
        assert!(
            !tokens::revoke(&store, &fresh.access_token)
                .await
                .expect("revoke")
        );
    })
    .await;
}

#[tokio::test]
async fn password_reset_sets_the_password_once_and_revokes_tokens() {
    each_backend(|store, _backend| async move {
        let created = companies::create(&store, new_company("NEWMAX", "r@b.uz"), NOW)
            .await
            .expect("create");
        let pair = tokens::issue(
            store_conn(&store),
            created.admin_user_id,
            created.client_row_id,
            NOW,
        )
        .await
        .expect("issue");
        let token = password_resets::create(&store, created.admin_user_id, NOW)
            .await
            .expect("reset");
        let hash = secrets::hash_password("new password 1").expect("hash");
        let user = password_resets::confirm(&store, &token, &hash, NOW + 60)
            .await
            .expect("confirm");
        assert_eq!(user, Some(created.admin_user_id));
        assert!(
            password_resets::confirm(&store, &token, &hash, NOW + 61)
                .await
                .expect("again")
                .is_none()
        );
        assert!(
            tokens::session(&store, &pair.access_token)
                .await
                .expect("q")
                .is_none()
        );

        let expired = password_resets::create(&store, created.admin_user_id, NOW)
            .await
            .expect("reset");
        let late = password_resets::confirm(&store, &expired, &hash, NOW + 3601)
            .await
            .expect("late");
        assert!(late.is_none());
        let _ = UserId(0);
    })
    .await;
}

#[tokio::test]
async fn status_state_and_maintenance_changes_are_kept() {
    each_backend(|store, _backend| async move {
        let created = companies::create(&store, new_company("NEWMAX", "s@b.uz"), NOW)
            .await
            .expect("create");
        companies::set_status(&store, created.company_id, CompanyStatus::Expired)
            .await
            .expect("status");
        assert_eq!(
            companies::get(&store, created.company_id)
                .await
                .expect("get")
                .status
                .0,
            CompanyStatus::Expired
        );

        let rotated = clients::rotate(&store, &created.client.client_id, ClientState::Blocked, NOW)
            .await
            .expect("rotate");
        let old = clients::find(&store, &created.client.client_id)
            .await
            .expect("find")
            .expect("old");
        assert_eq!(old.state(), ClientState::Blocked);
        let new = clients::find(&store, &rotated.client_id)
            .await
            .expect("find")
            .expect("new");
        assert_eq!(new.company_id, created.company_id);
        clients::set_state(&store, &rotated.client_id, ClientState::Outdated)
            .await
            .expect("state");
        assert!(matches!(
            clients::set_state(&store, "nope", ClientState::Current).await,
            Err(StoreError::NotFound)
        ));

        assert!(!system::maintenance(&store).await.expect("read"));
        system::set_maintenance(&store, true).await.expect("on");
        assert!(system::maintenance(&store).await.expect("read"));
        system::set_maintenance(&store, false).await.expect("off");
        assert!(!system::maintenance(&store).await.expect("read"));
    })
    .await;
}

fn store_conn(store: &davomat_store::Store) -> &impl sea_orm::ConnectionTrait {
    store.connection()
}
