//! `davomat copy` (issue 16): the demo instance copied from SQLite to PostgreSQL answers
//! the API exactly as the original did, takes new rows after the copied ids, refuses a
//! second run without `--resume`, and comes back to SQLite with the same checksums; one
//! company is copied alone, all or nothing when its rows meet the target's own; a copy
//! that stopped part-way goes on with `--resume` and writes only what was missing.

use std::collections::BTreeMap;

use davomat_store::{ConnectionTrait, Store};
use serde_json::{Value, json};

use crate::demo::start_demo;
use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Server, TempDb, TempPgDb, cli_on, create_company,
};

fn copy(from: &str, to: &str, extra: &[&str]) -> crate::support::CliRun {
    let mut args = vec!["copy", "--from", from, "--to", to];
    args.extend_from_slice(extra);
    cli_on(from, &args)
}

/// Every table of a copy's report: its rows and checksum.
fn tables(report: &Value) -> BTreeMap<String, (u64, String)> {
    report["copied"]["tables"]
        .as_array()
        .unwrap_or_else(|| panic!("a list of tables: {report}"))
        .iter()
        .map(|t| {
            (
                t["table"].as_str().expect("a table name").to_string(),
                (
                    t["rows"].as_u64().expect("rows"),
                    t["checksum"].as_str().expect("a checksum").to_string(),
                ),
            )
        })
        .collect()
}

/// What a server answers on a few reads that cover the copied data, with its own
/// address taken out.
async fn answers(server: &Server, token: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    for path in [
        "/v1/employees?per-page=200",
        "/v1/departments?per-page=200",
        "/v1/reports/inouts?start_date=2000-01-01&per-page=1000&sort=date",
        "/v1/time-offs?per-page=200",
        "/v1/payroll/salaries?per-page=200",
    ] {
        let reply = server.get(path, Some(token)).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        let text = reply.text.replace(&server.base, "BASE");
        seen.push(
            json!({"path": path, "body": serde_json::from_str::<Value>(&text).expect("JSON")}),
        );
    }
    seen
}

#[tokio::test]
async fn the_demo_copied_to_postgres_answers_as_the_original_and_comes_back_with_the_same_checksums()
 {
    let Some(pg) = TempPgDb::new("copy to PostgreSQL").await else {
        return;
    };
    let db = TempDb::new("copy-source");
    let (server, demo) = start_demo(&db).await;
    let admin = demo["admin_email"].as_str().expect("admin").to_string();
    let password = demo["admin_password"]
        .as_str()
        .expect("password")
        .to_string();
    let token = server.login(&demo, &admin, &password).await;
    // A department moved under a newer one: a child whose id is below its parent's.
    let mut made = Vec::new();
    for title in ["Eski bo'lim", "Yangi bo'lim"] {
        let reply = server
            .send_json("POST", "/v1/departments", &json!({"title": title}), &token)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        made.push(reply.body["id"].as_i64().expect("an id"));
    }
    let moved = server
        .send_json(
            "PUT",
            &format!("/v1/departments/{}", made[0]),
            &json!({"title": "Eski bo'lim", "pid": made[1]}),
            &token,
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let before = answers(&server, &token).await;
    drop(server);

    let first = copy(db.url(), pg.url(), &[]).json();
    assert_eq!(first["copied"]["verified"], true, "{first}");
    let copied = tables(&first);
    for busy in [
        "companies",
        "employees",
        "clock_events",
        "departments",
        "faces",
    ] {
        assert!(
            copied.get(busy).is_some_and(|(rows, _)| *rows > 0),
            "{busy} copied with rows: {first}"
        );
    }
    assert_eq!(
        first["copied"]["written"], first["copied"]["rows"],
        "{first}"
    );

    // Back to a fresh SQLite file: every table's rows and checksum are the original's.
    let back = TempDb::new("copy-back");
    let returned = copy(pg.url(), back.url(), &[]).json();
    assert_eq!(tables(&returned), copied, "{returned}");

    // The copy serves: the same answers, the same passwords, and new ids after the old.
    let served = Server::start_on(pg.url(), &[]).await;
    let token = served.login(&demo, &admin, &password).await;
    assert_eq!(answers(&served, &token).await, before);
    let added = served
        .send_json(
            "POST",
            "/v1/departments",
            &json!({"title": "Keyin"}),
            &token,
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    assert!(
        added.body["id"].as_i64().expect("an id") > made[1],
        "{}",
        added.text
    );
    drop(served);

    // Again: refused; with --resume nothing is missing, but the target moved on since
    // (a department, a login), which the verification tells.
    copy(db.url(), pg.url(), &[]).assert_refused("--resume");
    copy(db.url(), pg.url(), &["--resume"]).assert_refused("does not match");
}

#[tokio::test]
async fn one_company_is_copied_alone_whole_or_not_at_all_and_a_stopped_copy_resumes() {
    let Some(pg) = TempPgDb::new("one company copied").await else {
        return;
    };
    let db = TempDb::new("copy-companies");
    let first = company_with_admin(db.url(), "Birinchi", "birinchi@example.uz");
    let second = create_company(&db, "Ikkinchi");
    let server = Server::start(&db, &["--rate-limit-per-minute", "0"]).await;
    for (company, email) in [(&first, "birinchi@example.uz"), (&second, ADMIN_EMAIL)] {
        let token = server.login(company, email, ADMIN_PASSWORD).await;
        for n in 0..30 {
            let reply = server
                .send_json(
                    "POST",
                    "/v1/departments",
                    &json!({"title": format!("Bo'lim {n}")}),
                    &token,
                )
                .await;
            assert_eq!(reply.status, 201, "{}", reply.text);
        }
    }
    drop(server);
    let company = second["company_id"].as_i64().expect("a company id");

    // The second company alone.
    let copied = copy(db.url(), pg.url(), &["--company", &company.to_string()]).json();
    let rows = tables(&copied);
    assert_eq!(rows["companies"].0, 1, "{copied}");
    assert_eq!(rows["departments"].0, 31, "{copied}");
    assert!(
        !rows.contains_key("system_state"),
        "server-wide tables stay: {copied}"
    );

    // A stopped copy: the target lost the newest half of the company's activity log,
    // as if the copy had stopped there; --resume writes exactly those rows.
    let target = Store::connect(pg.url()).await.expect("the target");
    let logged = scalar(
        &target,
        &format!("SELECT count(*) FROM activity_log WHERE company_id = {company}"),
    )
    .await;
    let cut = target
        .connection()
        .execute_unprepared(&format!(
            "DELETE FROM activity_log WHERE company_id = {company} AND id > \
             (SELECT id FROM activity_log WHERE company_id = {company} ORDER BY id LIMIT 1 OFFSET {})",
            logged / 2
        ))
        .await
        .expect("the cut")
        .rows_affected();
    assert!(cut > 10, "half the log was cut: {cut} of {logged}");
    copy(db.url(), pg.url(), &["--company", &company.to_string()]).assert_refused("--resume");
    let resumed = copy(
        db.url(),
        pg.url(),
        &["--company", &company.to_string(), "--resume"],
    )
    .json();
    assert_eq!(
        resumed["copied"]["written"].as_u64(),
        Some(cut),
        "{resumed}"
    );
    assert_eq!(tables(&resumed), rows, "the resumed copy is the first one");

    // The copy serves the second company, and only it.
    let served = Server::start_on(pg.url(), &[]).await;
    served.login(&second, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let refused = served
        .password_grant(
            first["client_id"].as_str().expect("client"),
            first["client_secret"].as_str().expect("secret"),
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        )
        .await;
    assert_ne!(refused.status, 200, "the first company was not copied");
    drop(served);

    // Another instance's company meets the copied one's rows (the same admin email):
    // refused, naming the table, and nothing of it is left in the target.
    let other = TempDb::new("copy-other");
    create_company(&other, "Boshqa");
    copy(other.url(), pg.url(), &["--company", "1"]).assert_refused("users");
    let companies = scalar(&target, "SELECT count(*) FROM companies").await;
    assert_eq!(companies, 1, "a refused company copy leaves nothing");
    target.close().await.expect("closed");
}

/// `company create` with its own admin email (emails are unique in an instance).
fn company_with_admin(url: &str, name: &str, email: &str) -> Value {
    cli_on(
        url,
        &[
            "company",
            "create",
            "--name",
            name,
            "--admin-email",
            email,
            "--admin-password",
            ADMIN_PASSWORD,
        ],
    )
    .json()
}

async fn scalar(store: &Store, query: &str) -> i64 {
    let row = store
        .connection()
        .query_one_raw(sea_orm_statement(store, query))
        .await
        .expect("a query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

fn sea_orm_statement(store: &Store, query: &str) -> davomat_store::Statement {
    davomat_store::Statement::from_string(store.connection().get_database_backend(), query)
}
