//! The console over plain HTTP: signing in and out, the session cookie and the security
//! headers, CSRF, the language, idle sessions, roles, and the Today board's numbers.

use davomat_core::Role;

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, START, USER_PASSWORD, each_backend};

#[tokio::test]
async fn a_wrong_password_gets_the_apis_message_and_no_session() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        let page = console.sign_in(&visitor, ADMIN_EMAIL, "wrong").await;
        assert_eq!(page.status, 401, "{}", page.html);
        assert!(
            page.html.contains("Неверное имя пользователя или пароль"),
            "{}",
            page.html
        );
        assert!(page.header("set-cookie").is_empty());
        let page = console
            .sign_in(&visitor, "nobody@test.uz", ADMIN_PASSWORD)
            .await;
        assert_eq!(page.status, 401);
        let page = console.get(&visitor, "/").await;
        assert_eq!(page.status, 303);
        assert_eq!(page.header("location"), "/login");
    })
    .await;
}

#[tokio::test]
async fn signing_in_sets_a_safe_cookie_and_opens_the_today_board() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        let page = console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(page.status, 303, "{}", page.html);
        assert_eq!(page.header("location"), "/");
        let cookie = page.header("set-cookie");
        assert!(cookie.starts_with("davomat_session="), "{cookie}");
        for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(part), "{part} missing in {cookie}");
        }
        assert!(!cookie.contains("Secure"), "plain http: {cookie}");

        let page = console.get(&visitor, "/").await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(page.html.contains("<html lang=\"ru\">"));
        assert!(
            page.html.contains("id=\"count-employees\">1<"),
            "{}",
            page.html
        );
        let policy = page.header("content-security-policy");
        assert!(policy.contains("script-src 'self'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert_eq!(page.header("x-frame-options"), "DENY");
        assert!(!page.html.contains("<script>"), "no inline script");
        assert!(!page.html.contains("style=\""), "no inline style");

        // The assets the page names are served, fingerprinted and cached for long.
        let start = page.html.find("/assets/htmx-").expect("htmx is linked");
        let end = page.html[start..].find('"').expect("its end") + start;
        let asset = console.get(&visitor, &page.html[start..end]).await;
        assert_eq!(asset.status, 200);
        assert!(asset.header("cache-control").contains("immutable"));
        assert!(asset.header("content-type").starts_with("text/javascript"));
    })
    .await;
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_signing_out_ends_the_session() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let today = console.get(&visitor, "/").await;
        let csrf = today.csrf();

        let refused = console.post(&visitor, "/logout", &[]).await;
        assert_eq!(refused.status, 403, "{}", refused.html);
        let refused = console.post(&visitor, "/logout", &[("csrf", "0123")]).await;
        assert_eq!(refused.status, 403);
        let refused = console.post(&visitor, "/language", &[("lang", "en")]).await;
        assert_eq!(refused.status, 403);
        assert_eq!(
            console.get(&visitor, "/").await.status,
            200,
            "still signed in"
        );

        let out = console.post(&visitor, "/logout", &[("csrf", &csrf)]).await;
        assert_eq!(out.status, 303);
        assert_eq!(out.header("location"), "/login");
        let page = console.get(&visitor, "/").await;
        assert_eq!(page.status, 303, "the session is closed");
    })
    .await;
}

#[tokio::test]
async fn the_language_is_switched_and_remembered_in_the_users_settings() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        // Before signing in: the choice on the sign-in page.
        let page = console.get(&visitor, "/login?lang=uz").await;
        assert!(page.html.contains("<html lang=\"uz\">"));
        assert!(page.html.contains("Kirish"));
        let page = console.sign_in(&visitor, ADMIN_EMAIL, "wrong").await;
        assert!(
            page.html.contains("<html lang=\"uz\">"),
            "the cookie keeps it"
        );

        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let csrf = console.get(&visitor, "/").await.csrf();
        let switched = console
            .post(&visitor, "/language", &[("csrf", &csrf), ("lang", "uz")])
            .await;
        assert_eq!(switched.status, 303);
        let page = console.get(&visitor, "/").await;
        assert!(page.html.contains("<html lang=\"uz\">"), "{}", page.html);
        assert!(page.html.contains("Kechikkanlar"));
        // Another browser of the same user sees it too: it is the user's setting.
        let other = console.visitor();
        console.sign_in(&other, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert!(
            console
                .get(&other, "/")
                .await
                .html
                .contains("<html lang=\"uz\">")
        );
        let stored: Option<String> = davomat_store::users::settings(
            &console.store,
            console.company.company_id,
            console.company.admin_user_id,
        )
        .await
        .ok()
        .map(|s| s.lang);
        assert_eq!(stored.as_deref(), Some("uz"));
    })
    .await;
}

#[tokio::test]
async fn a_session_idle_for_two_hours_is_over() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        console.clock.advance(3600);
        assert_eq!(
            console.get(&visitor, "/").await.status,
            200,
            "an hour is fine"
        );
        console.clock.advance(2 * 3600 - 1);
        assert_eq!(
            console.get(&visitor, "/").await.status,
            200,
            "used an hour ago"
        );
        console.clock.advance(2 * 3600 + 1);
        let page = console.get(&visitor, "/").await;
        assert_eq!(page.status, 303);
        assert_eq!(page.header("location"), "/login?expired=1");
        let page = console.get(&visitor, "/login?expired=1").await;
        assert!(page.html.contains("Сеанс истёк"), "{}", page.html);
        assert_eq!(
            console.get(&visitor, "/").await.status,
            303,
            "closed for good"
        );
    })
    .await;
}

#[tokio::test]
async fn an_employee_lands_on_their_own_page_clocks_in_there_and_not_sees_the_companys_day() {
    each_backend(|console| async move {
        let worker = console
            .add_user("worker@test.uz", Role::Employee, "Рабочий")
            .await;
        let other = console.add_employee("Другой").await;
        let visitor = console.visitor();
        let page = console
            .sign_in(&visitor, "worker@test.uz", USER_PASSWORD)
            .await;
        assert_eq!(page.status, 303);
        let page = console.get(&visitor, "/").await;
        assert_eq!(page.status, 303, "{}", page.html);
        assert_eq!(page.header("location"), "/me");
        let page = console.get(&visitor, "/me").await;
        assert_eq!(page.header("location"), format!("/employees/{worker}"));
        let page = console.get(&visitor, &format!("/employees/{worker}")).await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(page.html.contains("id=\"clock-in\""), "{}", page.html);
        assert!(
            !page.html.contains("href=\"/activity\""),
            "not in an employee's menu"
        );
        let page = console.get(&visitor, "/today/board").await;
        assert_eq!(page.status, 403);
        assert!(page.html.contains("Доступ запрещён"));
        assert_eq!(
            console
                .get(&visitor, &format!("/employees/{other}"))
                .await
                .status,
            403
        );

        // Clocked in from their page: on the board the admin reads.
        console.clock.advance(20 * 60);
        let csrf = console
            .get(&visitor, &format!("/employees/{worker}"))
            .await
            .csrf();
        let location = {
            let html = console
                .get(&visitor, &format!("/employees/{worker}"))
                .await
                .html;
            let marker = "name=\"location_id\"><option value=\"";
            let start = html.find(marker).expect("a location") + marker.len();
            html[start..].split('"').next().expect("its id").to_string()
        };
        let clocked = console
            .post(
                &visitor,
                "/me/clock",
                &[
                    ("csrf", &csrf),
                    ("direction", "in"),
                    ("location_id", &location),
                ],
            )
            .await;
        assert_eq!(clocked.status, 303, "{}", clocked.html);
        assert_eq!(
            clocked.header("location"),
            format!("/employees/{worker}?clocked=in")
        );
        let page = console.get(&visitor, clocked.header("location")).await;
        assert!(page.html.contains("Приход отмечен"), "{}", page.html);
        let nowhere = console
            .post(
                &visitor,
                "/me/clock",
                &[
                    ("csrf", &csrf),
                    ("direction", "out"),
                    ("location_id", "999999"),
                ],
            )
            .await;
        assert_eq!(nowhere.status, 422, "{}", nowhere.html);

        let admin = console.visitor();
        console.sign_in(&admin, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let board = console.get(&admin, "/today/board").await;
        assert!(
            board.html.contains("id=\"count-arrived\">1<"),
            "{}",
            board.html
        );
    })
    .await;
}

#[tokio::test]
async fn the_board_counts_and_lists_a_late_clock_in_at_its_location() {
    each_backend(|console| async move {
        let worker = console
            .add_user("worker@test.uz", Role::Employee, "Рабочий")
            .await;
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        console.clock.advance(30 * 60);
        let board = console.get(&visitor, "/today/board").await;
        assert_eq!(board.status, 200, "{}", board.html);
        assert!(
            board.html.contains("id=\"count-employees\">2<"),
            "{}",
            board.html
        );
        assert!(board.html.contains("id=\"count-arrived\">0<"));
        assert!(board.html.contains("id=\"count-absent\">2<"));

        console.clock_in(worker, START + 17 * 60).await;
        let board = console.get(&visitor, "/today/board").await;
        assert!(
            board.html.contains("id=\"count-arrived\">1<"),
            "{}",
            board.html
        );
        assert!(board.html.contains("id=\"count-late\">1<"));
        assert!(board.html.contains("id=\"count-absent\">1<"));
        assert!(board.html.contains("Тестов Рабочий"));
        assert!(board.html.contains("17 мин"), "{}", board.html);
        let at_work = &board.html[board.html.find("id=\"at-work\"").expect("at work")..];
        assert!(at_work.contains("Тестов Рабочий"), "{at_work}");
        assert!(
            !at_work.contains("<td>—</td>"),
            "the location is named: {at_work}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_password_reset_by_the_operator_closes_the_users_console_sessions() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(console.get(&visitor, "/").await.status, 200);
        let hash = davomat_store::secrets::hash_password("new-password").expect("hash");
        davomat_store::users::replace_password(
            &console.store,
            console.company.admin_user_id,
            &hash,
            START,
        )
        .await
        .expect("the password replaced");
        assert_eq!(console.get(&visitor, "/").await.status, 303);
    })
    .await;
}

#[tokio::test]
async fn the_boards_lists_stop_at_fifty_rows_and_say_how_many_more() {
    each_backend(|console| async move {
        for n in 0..55 {
            console.add_employee(&format!("Сотрудник{n:02}")).await;
        }
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        console.clock.advance(30 * 60);
        let board = console.get(&visitor, "/today/board").await;
        assert!(
            board.html.contains("id=\"count-absent\">56<"),
            "{}",
            board.html
        );
        let absent = &board.html[board.html.find("id=\"absent\"").expect("absent")..];
        let absent = &absent[..absent.find("</section>").expect("its end")];
        assert_eq!(absent.matches("<tr><td>").count(), 50);
        assert!(absent.contains("…и ещё 6"), "{absent}");
    })
    .await;
}

#[tokio::test]
async fn the_sign_in_page_leads_to_asking_for_a_reset_link() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        let sign_in = console.get(&visitor, "/login").await;
        assert!(sign_in.html.contains("href=\"/forgot-password\""));
        let form = console.get(&visitor, "/forgot-password").await;
        assert_eq!(form.status, 200);
        assert!(form.html.contains("Восстановление пароля"));

        let missing = console
            .post(&visitor, "/forgot-password", &[("email", "")])
            .await;
        assert_eq!(missing.status, 422);
        assert!(
            missing.html.contains("id=\"email-problem\""),
            "{}",
            missing.html
        );
        let malformed = console
            .post(&visitor, "/forgot-password", &[("email", "not-an-address")])
            .await;
        assert_eq!(malformed.status, 422);
        assert!(malformed.html.contains("aria-invalid=\"true\""));

        // A user's address and a stranger's get the same answer.
        for email in [ADMIN_EMAIL, "stranger@test.uz"] {
            let done = console
                .post(&visitor, "/forgot-password", &[("email", email)])
                .await;
            assert_eq!(done.status, 200, "{}", done.html);
            assert!(done.html.contains("id=\"forgot-done\""));
            assert!(done.html.contains(email), "{}", done.html);
        }
    })
    .await;
}
