//! `davomat backup` and `davomat restore` (issue 16): a backup of a live SQLite
//! database taken while a server writes is consistent and serves; a restore refuses a
//! file that is not a davomat database and a database that holds companies unless
//! forced; a forced restore brings back exactly what the backup held; PostgreSQL is
//! pointed to pg_dump.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;

use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Server, TempDb, TempPgDb, cli, cli_on, create_company,
};

/// A path in the temp dir for a backup file, removed on drop.
struct BackupFile(PathBuf);

impl BackupFile {
    fn new(name: &str) -> BackupFile {
        let path =
            std::env::temp_dir().join(format!("davomat-backup-{}-{name}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        BackupFile(path)
    }

    fn text(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for BackupFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Departments of the company, as the API counts them (`_meta.totalCount`).
async fn count_departments(server: &Server, token: &str) -> i64 {
    let reply = server.get("/v1/departments?per-page=1", Some(token)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["_meta"]["totalCount"]
        .as_i64()
        .expect("a department count")
}

#[tokio::test]
async fn a_live_backup_is_consistent_and_a_restore_brings_back_exactly_what_it_held() {
    let db = TempDb::new("live");
    let company = create_company(&db, "Backups");
    // No rate limit: the writer below is one client writing fast.
    let unlimited = ["--rate-limit-per-minute", "0"];
    let server = Server::start(&db, &unlimited).await;
    let token = server.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // A writer adds departments the whole time the backup runs.
    let writer = {
        let (http, base, token) = (server.http.clone(), server.base.clone(), token.clone());
        tokio::spawn(async move {
            let mut made = 0;
            for n in 0..400 {
                let reply = http
                    .post(format!("{base}/v1/departments"))
                    .bearer_auth(&token)
                    .json(&json!({"title": format!("Bo'lim {n}")}))
                    .send()
                    .await
                    .expect("a department");
                assert_eq!(
                    reply.status().as_u16(),
                    201,
                    "a write failed during the backup"
                );
                made += 1;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            made
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = count_departments(&server, &token).await;
    let file = BackupFile::new("live");
    let (url, to) = (db.url().to_string(), file.text());
    let made = tokio::task::spawn_blocking(move || cli_on(&url, &["backup", "--to", &to]))
        .await
        .expect("the backup ran")
        .json();
    let after = count_departments(&server, &token).await;
    assert_eq!(
        (made["companies"].as_i64(), made["integrity"].as_str()),
        (Some(1), Some("ok")),
        "{made}"
    );
    assert!(made["bytes"].as_u64().is_some_and(|b| b > 0), "{made}");
    assert_eq!(
        writer.await.expect("the writer"),
        400,
        "every write during the backup was taken"
    );

    // The same file again: refused, the first copy untouched.
    cli(&db, &["backup", "--to", &file.text()]).assert_refused("already exists");

    // Restored into a fresh database: it serves, with what was there when it ran.
    let copy = TempDb::new("restored");
    let restored = cli_on(copy.url(), &["restore", "--from", &file.text()]).json();
    assert_eq!(restored["companies"], 1, "{restored}");
    let second = Server::start_on(copy.url(), &unlimited).await;
    let token2 = second.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let held = count_departments(&second, &token2).await;
    assert!(
        (before..=after).contains(&held),
        "the backup holds {held} departments, between {before} and {after} expected"
    );

    // Over a database with companies: refused without --force; forced (servers
    // stopped), it holds exactly the backup's departments.
    drop(second);
    cli(&db, &["restore", "--from", &file.text()]).assert_refused("--force");
    let total = count_departments(&server, &token).await;
    assert!(total > held, "the live database moved on: {total} > {held}");
    drop(server);
    let forced = cli(&db, &["restore", "--from", &file.text(), "--force"]).json();
    assert_eq!(forced["companies"], 1, "{forced}");
    let server = Server::start(&db, &unlimited).await;
    let token = server.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(count_departments(&server, &token).await, held);
}

#[tokio::test]
async fn a_restore_refuses_what_is_not_a_davomat_database_and_postgres_is_pointed_to_pg_dump() {
    let junk = BackupFile::new("junk");
    std::fs::write(&junk.0, b"not a database at all, only words").expect("a file");
    let target = TempDb::new("target");
    cli(&target, &["restore", "--from", &junk.text()]).assert_refused("is not a davomat database");
    let missing = BackupFile::new("missing");
    cli(&target, &["restore", "--from", &missing.text()]).assert_refused("no such file");

    let Some(pg) = TempPgDb::new("backup refused on PostgreSQL").await else {
        return;
    };
    let file = BackupFile::new("pg");
    cli_on(pg.url(), &["backup", "--to", &file.text()]).assert_refused("pg_dump");
    assert!(!file.0.exists());
}

/// Runs a PostgreSQL client program to the end; panics with its output when it fails.
fn run_pg_tool(program: &str, args: &[&str]) {
    let output = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} could not start: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn a_postgres_dump_restored_with_the_documented_commands_serves() {
    let Some(source) = TempPgDb::new("pg_dump and pg_restore").await else {
        return;
    };
    let Some(target) = TempPgDb::new("pg_dump and pg_restore").await else {
        return;
    };
    let company = crate::support::create_company_on(source.url(), "Dumped");
    let server = Server::start_on(source.url(), &[]).await;
    let token = server.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for title in ["Склад", "Do'kon"] {
        let made = server
            .send_json("POST", "/v1/departments", &json!({"title": title}), &token)
            .await;
        assert_eq!(made.status, 201, "{}", made.text);
    }
    let dumped = count_departments(&server, &token).await;
    drop(server);

    // docs/operations.md, "Backups": the dump, and the restore over a database.
    let file = BackupFile::new("pg.dump");
    run_pg_tool(
        "pg_dump",
        &[
            "--format=custom",
            "--no-owner",
            "--file",
            &file.text(),
            source.url(),
        ],
    );
    run_pg_tool(
        "pg_restore",
        &[
            "--clean",
            "--if-exists",
            "--no-owner",
            "--dbname",
            target.url(),
            &file.text(),
        ],
    );
    let restored = Server::start_on(target.url(), &[]).await;
    let token = restored.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(count_departments(&restored, &token).await, dumped);
    // Its sequences came along: a new row gets a new id.
    let made = restored
        .send_json(
            "POST",
            "/v1/departments",
            &json!({"title": "Yangi"}),
            &token,
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
}
