//! Maintenance mode in the console (issue 16): while it is on, pages still open but
//! every form — signing in included — answers 503 with `Retry-After` and a page in the
//! visitor's language, and nothing is written; when it is off the same form works.

use davomat_store::system;
use davomat_store::testing::scalar;

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, Console, each_backend};

async fn switch(console: &Console, on: bool) {
    system::set_maintenance(&console.store, on)
        .await
        .expect("the flag");
    console.maintenance.refresh().await;
}

async fn departments(console: &Console) -> i64 {
    scalar(&console.store, "SELECT count(*) FROM departments", &[]).await
}

#[tokio::test]
async fn in_maintenance_the_console_reads_but_writes_nothing() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let before = departments(&console).await;
        switch(&console, true).await;

        let tree = console.get(&visitor, "/departments").await;
        assert_eq!(tree.status, 200, "pages still open: {}", tree.html);
        let form = [
            ("csrf", tree.csrf()),
            ("title", "Склад".to_string()),
            ("pid", "0".to_string()),
        ];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = console.post(&visitor, "/departments", &form).await;
        assert_eq!(refused.status, 503, "{}", refused.html);
        assert_eq!(refused.header("retry-after"), "60");
        assert!(
            refused.html.contains("davomat на обслуживании"),
            "{}",
            refused.html
        );
        assert!(
            refused
                .header("content-security-policy")
                .contains("script-src 'self'")
        );
        assert_eq!(departments(&console).await, before);

        // A stranger signing in, in Uzbek: refused too (a sign-in writes a session).
        let stranger = console.visitor();
        let sign_in = stranger
            .post(console.url("/login"))
            .header("accept-language", "uz")
            .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .expect("the sign-in");
        assert_eq!(sign_in.status().as_u16(), 503);
        let html = sign_in.text().await.expect("the page");
        assert!(html.contains("davomat texnik xizmatda"), "{html}");

        // Off again: the same form is taken.
        switch(&console, false).await;
        let made = console.post(&visitor, "/departments", &form).await;
        assert_eq!(made.status, 303, "{}", made.html);
        assert_eq!(departments(&console).await, before + 1);
    })
    .await;
}
