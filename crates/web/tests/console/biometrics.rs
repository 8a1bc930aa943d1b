//! Biometric data on the employee's file (issue 15): an admin records the employee's
//! consent (a date, recorded by them), downloads the template as uploaded, records the
//! consent withdrawn (the template is erased and logged); and templates of employees
//! dismissed longer ago than the retention period (30 days) are erased by the day's
//! step — over HTTP on SQLite and PostgreSQL.

use davomat_core::{CompanyId, EmployeeId};
use davomat_store::biometrics;
use davomat_store::faces::{self, NewFace};
use davomat_store::testing::{execute, scalar};

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, Console, START, each_backend};

/// Gives the employee a face template whose original is `original`.
async fn give_face(console: &Console, employee: i64, original: &[u8]) {
    let face = NewFace {
        photo_key: format!("key{employee}"),
        format: "jpeg".into(),
        width: 400,
        height: 400,
        original: original.to_vec(),
        small: vec![1, 2, 3],
        medium: vec![4, 5, 6],
    };
    let company = CompanyId(console.company.company_id.0);
    faces::put(
        console.store.connection(),
        company,
        EmployeeId(employee),
        face,
        START,
    )
    .await
    .expect("a face");
}

async fn faces_of(console: &Console, employee: i64) -> i64 {
    scalar(
        &console.store,
        "SELECT count(*) FROM faces WHERE employee_id = $1",
        &[employee],
    )
    .await
}

#[tokio::test]
async fn consent_is_recorded_the_template_exported_and_erased_on_withdrawal_or_after_retention() {
    each_backend(|console| async move {
        let worker = console.add_employee("Nodira").await;
        let original = [0xFF, 0xD8, 0xFF, 0xE0, 9, 8, 7, 6, 5];
        give_face(&console, worker, &original).await;
        let client = console.visitor();
        console.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let file = console.get(&client, &format!("/employees/{worker}")).await;
        assert!(file.html.contains("id=\"consent-none\""), "{}", file.html);

        // A day in the future is refused beside its field; a past day is recorded.
        let path = format!("/employees/{worker}/biometrics/consent");
        let future = console
            .post(&client, &path, &[("csrf", &file.csrf()), ("given_on", "2025-04-01")])
            .await;
        assert_eq!(future.status, 422, "{}", future.html);
        let given = console
            .post(&client, &path, &[("csrf", &file.csrf()), ("given_on", "2025-03-01")])
            .await;
        assert_eq!(given.status, 303, "{}", given.html);
        let file = console.get(&client, &format!("/employees/{worker}")).await;
        let said = file
            .html
            .split("id=\"consent-given\">")
            .nth(1)
            .and_then(|r| r.split("</p>").next())
            .expect("the consent");
        assert!(said.contains("2025-03-01"), "{said}");
        let consent = biometrics::consent(
            console.store.connection(),
            CompanyId(console.company.company_id.0),
            EmployeeId(worker),
        )
        .await
        .expect("read")
        .expect("the employee");
        assert!(consent.biometric_consent_by.is_some_and(|by| !by.is_empty() && said.contains(&by)));

        // The employee's copy: the template as uploaded.
        let copy = client
            .get(console.url(&format!("/employees/{worker}/biometrics/export")))
            .send()
            .await
            .expect("the export");
        assert_eq!(copy.status().as_u16(), 200);
        assert!(copy.headers()["content-disposition"].to_str().unwrap_or("").starts_with("attachment"));
        assert_eq!(copy.bytes().await.expect("bytes").to_vec(), original.to_vec());

        // Withdrawn: the template goes, and both steps are in the activity log.
        let withdrawn = console
            .post(&client, &format!("/employees/{worker}/biometrics/withdraw"), &[("csrf", &file.csrf())])
            .await;
        assert_eq!(withdrawn.status, 303, "{}", withdrawn.html);
        assert_eq!(faces_of(&console, worker).await, 0);
        let logged = scalar(
            &console.store,
            "SELECT count(*) FROM activity_log WHERE person_id = $1 AND action_name IN \
             ('recordedBiometricConsent', 'withdrewBiometricConsent', 'deletedFace')",
            &[worker],
        )
        .await;
        assert_eq!(logged, 3);
        let file = console.get(&client, &format!("/employees/{worker}")).await;
        assert!(file.html.contains("id=\"consent-none\""), "{}", file.html);

        // Retention: dismissed on 2025-01-15 (more than 30 days before START's
        // 2025-03-04) is erased; dismissed on 2025-02-20 is kept until 30 days pass.
        let long_gone = console.add_employee("Eski").await;
        let recently = console.add_employee("Yaqin").await;
        for (employee, last_day) in [(long_gone, "2025-01-15"), (recently, "2025-02-20")] {
            give_face(&console, employee, &original).await;
            execute(
                &console.store,
                &format!("UPDATE employees SET status = 'dismissed', dismissal_date = '{last_day}' WHERE id = $1"),
                &[employee],
            )
            .await;
        }
        let erased = biometrics::erase_expired_everywhere(&console.store, START).await.expect("erase");
        assert_eq!(erased, 1);
        assert_eq!((faces_of(&console, long_gone).await, faces_of(&console, recently).await), (0, 1));
        assert_eq!(
            scalar(
                &console.store,
                "SELECT count(*) FROM activity_log WHERE person_id = $1 AND action_name = 'deletedFace'",
                &[long_gone]
            )
            .await,
            1
        );
        let later = START + 20 * 86_400;
        assert_eq!(biometrics::erase_expired_everywhere(&console.store, later).await.expect("erase"), 1);
        assert_eq!(faces_of(&console, recently).await, 0);
        assert_eq!(biometrics::erase_expired_everywhere(&console.store, later).await.expect("erase"), 0);

        // The company sets its period in the settings: whole days, 1..3650.
        let settings = console.get(&client, "/settings").await;
        assert!(settings.html.contains("name=\"biometric_retention_days\" type=\"number\" min=\"1\" max=\"3650\" required value=\"30\""), "{}", settings.html);
        let refused = console
            .post(&client, "/settings/biometrics", &[("csrf", &settings.csrf()), ("biometric_retention_days", "0")])
            .await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        assert!(refused.html.contains("id=\"retention-error\""), "{}", refused.html);
        let saved = console
            .post(&client, "/settings/biometrics", &[("csrf", &settings.csrf()), ("biometric_retention_days", "90")])
            .await;
        assert_eq!(saved.status, 303, "{}", saved.html);
        let company = CompanyId(console.company.company_id.0);
        let policy = biometrics::policy(console.store.connection(), company).await.expect("read");
        assert_eq!((policy.biometric_retention_days, policy.biometric_consent_required), (90, false));
        // Kept 90 days now: dismissed on 2025-01-15 with a new template stays at START.
        let kept = console.add_employee("Saqlangan").await;
        give_face(&console, kept, &original).await;
        execute(
            &console.store,
            "UPDATE employees SET status = 'dismissed', dismissal_date = '2025-01-15' WHERE id = $1",
            &[kept],
        )
        .await;
        assert_eq!(biometrics::erase_expired_everywhere(&console.store, START).await.expect("erase"), 0);
        assert_eq!(faces_of(&console, kept).await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_company_requiring_consent_refuses_a_photo_until_it_is_recorded() {
    each_backend(|console| async move {
        let worker = console.add_employee("Rozilik").await;
        let client = console.visitor();
        console.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let settings = console.get(&client, "/settings").await;
        assert!(
            settings
                .html
                .contains("id=\"biometric_consent_required\" name=\"biometric_consent_required\">"),
            "{}",
            settings.html
        );
        let form = [
            ("csrf", settings.csrf()),
            ("biometric_retention_days", "30".to_string()),
            ("biometric_consent_required", "on".to_string()),
        ];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let saved = console.post(&client, "/settings/biometrics", &form).await;
        assert_eq!(saved.status, 303, "{}", saved.html);
        let settings = console.get(&client, "/settings").await;
        assert!(
            settings
                .html
                .contains("name=\"biometric_consent_required\" checked>"),
            "{}",
            settings.html
        );

        // No consent recorded: the photo is refused on the file, in Russian.
        let upload = |csrf: String| {
            let (kind, body) =
                crate::employees::photo_form(&csrf, &crate::employees::png(400, 400));
            client
                .post(console.url(&format!("/employees/{worker}/photo")))
                .header("content-type", kind)
                .body(body)
                .send()
        };
        let file = console.get(&client, &format!("/employees/{worker}")).await;
        let refused = upload(file.csrf()).await.expect("the upload");
        assert_eq!(refused.status().as_u16(), 422);
        let html = refused.text().await.expect("the file");
        assert!(
            html.contains("согласие сотрудника на хранение шаблона лица не записано"),
            "{html}"
        );
        assert_eq!(faces_of(&console, worker).await, 0);

        // Recorded: the same photo is kept.
        let path = format!("/employees/{worker}/biometrics/consent");
        let given = console
            .post(
                &client,
                &path,
                &[("csrf", &file.csrf()), ("given_on", "2025-03-01")],
            )
            .await;
        assert_eq!(given.status, 303, "{}", given.html);
        let kept = upload(file.csrf()).await.expect("the upload");
        assert_eq!(kept.status().as_u16(), 303);
        assert_eq!(faces_of(&console, worker).await, 1);
    })
    .await;
}
