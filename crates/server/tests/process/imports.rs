//! `davomat import workly` (issue 16): the demo company of one davomat server, read
//! through its Workly API v1 behind a proxy that makes it look like the real Workly
//! (schedules listed as `{id, title, type}` only, `inouts` items without an id, a 429
//! with `Retry-After` now and then), is written into a fresh SQLite or PostgreSQL
//! database and then reads the same there: employees with their department, positions,
//! schedule and locations (the dismissed one dismissed), every clock event, every
//! time-off. A second run writes
//! nothing; what the source gains in between (a hire, a clock-in) is all a third run
//! writes; an import refused part-way goes on where it stopped when run again.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::demo::start_demo_with;
use crate::support::{Server, TempDb, TempPgDb, cli_on};

/// The first day of clock events imported: the demo's two months and some.
const DAYS_BACK: i64 = 75;

// ---------------------------------------------------------------------------------
// A davomat server made to look like the real Workly

struct Shape {
    upstream: String,
    http: reqwest::Client,
    requests: AtomicU64,
    /// Requests for the events of a group of employees (`inouts` with `f=employee`).
    grouped: AtomicU64,
    /// Every n-th request (the token's excepted) answers 429 with `Retry-After: 1`.
    rate_limit_every: u64,
    /// Requests after this many answer 403 (an account whose rights were taken away
    /// mid-import).
    refuse_after: AtomicU64,
}

/// The proxy, serving until dropped.
struct WorklyLike {
    base: String,
    shape: Arc<Shape>,
    task: tokio::task::JoinHandle<()>,
}

impl WorklyLike {
    async fn start(upstream: &str, rate_limit_every: u64) -> WorklyLike {
        let shape = Arc::new(Shape {
            upstream: upstream.to_string(),
            http: reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("a client"),
            requests: AtomicU64::new(0),
            grouped: AtomicU64::new(0),
            rate_limit_every,
            refuse_after: AtomicU64::new(u64::MAX),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the proxy");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        let app = Router::new()
            .fallback(forward)
            .with_state(Arc::clone(&shape));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        WorklyLike { base, shape, task }
    }

    fn refuse_after(&self, requests: u64) {
        let total = self.shape.requests.load(Ordering::Relaxed) + requests;
        self.shape.refuse_after.store(total, Ordering::Relaxed);
    }

    fn serve_again(&self) {
        self.shape.refuse_after.store(u64::MAX, Ordering::Relaxed);
    }
}

impl Drop for WorklyLike {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(State(shape): State<Arc<Shape>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let n = shape.requests.fetch_add(1, Ordering::Relaxed) + 1;
    if path.starts_with("/v1/reports/inouts") && path.contains("f=employee") {
        shape.grouped.fetch_add(1, Ordering::Relaxed);
    }
    if n > shape.refuse_after.load(Ordering::Relaxed) {
        let body = json!({"message": "Forbidden", "code": 7004}).to_string();
        return (StatusCode::FORBIDDEN, body).into_response();
    }
    if !path.starts_with("/v1/oauth") && n % shape.rate_limit_every == 0 {
        let body = json!({"message": "Too many requests", "code": 6000}).to_string();
        return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], body).into_response();
    }
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let mut upstream = shape
        .http
        .request(parts.method.clone(), format!("{}{path}", shape.upstream))
        .body(body.to_vec());
    for (name, value) in &parts.headers {
        if !matches!(name.as_str(), "host" | "content-length" | "connection") {
            upstream = upstream.header(name, value);
        }
    }
    let Ok(answer) = upstream.send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = answer.status();
    let text = answer.text().await.unwrap_or_default();
    let text = match serde_json::from_str::<Value>(&text) {
        Ok(mut value) if status == 200 => {
            as_workly_lists(&path, &mut value);
            value.to_string()
        }
        _ => text,
    };
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response
}

/// What the real Workly leaves out: a schedule's definition, an event's id.
fn as_workly_lists(path: &str, value: &mut Value) {
    let Some(items) = value.get_mut("items").and_then(Value::as_array_mut) else {
        return;
    };
    for item in items {
        if path.starts_with("/v1/schedules") {
            *item = json!({"id": item["id"], "title": item["title"], "type": item["type"]});
        } else if path.starts_with("/v1/reports/inouts")
            && let Some(fields) = item.as_object_mut()
        {
            fields.remove("id");
        }
    }
}

// ---------------------------------------------------------------------------------
// Reading both sides

async fn token(
    server: &Server,
    client_id: &str,
    secret: &str,
    email: &str,
    password: &str,
) -> String {
    let reply = server
        .post_json(
            "/v1/oauth/token",
            &json!({"grant_type": "password", "client_id": client_id, "client_secret": secret,
                    "username": email, "password": password}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["access_token"]
        .as_str()
        .expect("a token")
        .to_string()
}

/// Every item of a list, page after page.
async fn every(server: &Server, token: &str, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    for page in 1.. {
        let separator = if path.contains('?') { '&' } else { '?' };
        let reply = server
            .get(
                &format!("{path}{separator}per-page=50&page={page}"),
                Some(token),
            )
            .await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        items.extend(reply.body["items"].as_array().cloned().unwrap_or_default());
        if reply.body["_meta"]["pageCount"].as_i64() <= Some(page) {
            return items;
        }
    }
    items
}

fn titles(list: &Value) -> Vec<String> {
    let mut titles: Vec<String> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| n["title"].as_str().unwrap_or_default().to_string())
        .collect();
    titles.sort();
    titles
}

/// What a company holds, in titles and names (ids differ between the two servers),
/// leaving out its administrator (the import's own account on the target).
async fn holdings(server: &Server, token: &str, admin_email: &str, since: &str) -> Holdings {
    let listed = every(server, token, "/v1/employees?status=all").await;
    let dismissed: Vec<Value> = every(server, token, "/v1/employees?status=dismissed")
        .await
        .into_iter()
        .map(|e| e["id"].clone())
        .collect();
    let admin = listed
        .iter()
        .find(|e| e["user"]["email"] == admin_email)
        .map(|e| e["full_name"].as_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    let mut employees = BTreeMap::new();
    let mut count = 0;
    for e in &listed {
        let name = e["full_name"].as_str().unwrap_or_default().to_string();
        if name == admin {
            continue;
        }
        count += 1;
        let id = e["id"].as_i64().unwrap_or_default();
        let mut periods = Vec::new();
        for which in ["departments", "positions"] {
            let path = format!("/v1/employees/{id}/{which}");
            for period in every(server, token, &path).await {
                let title = period
                    .get("department_title")
                    .or_else(|| period.get("position_title"));
                periods.push(format!(
                    "{which} {} {} {}",
                    title.cloned().unwrap_or_default(),
                    period["start_date"],
                    period["end_date"]
                ));
            }
        }
        periods.sort();
        employees.insert(
            name,
            json!({
                "history": periods,
                "tab_number": e["tab_number"], "pin_code": e["pin_code"],
                "start_date": e["start_date"], "schedule_start_date": e["schedule_start_date"],
                "department": e["department"]["title"], "schedule": e["schedule"]["title"],
                "positions": titles(&e["positions"]), "locations": titles(&e["locations"]),
                "mobile_phone": e["mobile_phone"], "user": e["user"]["email"],
                "dismissed": dismissed.contains(&e["id"]),
            }),
        );
    }
    let mut events: BTreeMap<String, u64> = BTreeMap::new();
    let inouts = format!("/v1/reports/inouts?start_date={since}");
    for event in every(server, token, &inouts).await {
        let name = event["full_name"].as_str().unwrap_or_default();
        if !employees.contains_key(name) {
            continue;
        }
        let key = format!(
            "{name} {} {} {}",
            event["event_full_date"], event["event_name"], event["location_title"]
        );
        *events.entry(key).or_default() += 1;
    }
    let mut time_offs = Vec::new();
    for time_off in every(server, token, "/v1/employees/time-off").await {
        let employee = time_off["employee_id"].as_i64().unwrap_or_default();
        let name = listed
            .iter()
            .find(|e| e["id"].as_i64() == Some(employee))
            .and_then(|e| e["full_name"].as_str())
            .unwrap_or_default();
        if !employees.contains_key(name) {
            continue;
        }
        time_offs.push(format!(
            "{name} {} {} {} {} {}",
            time_off["start_date_time"],
            time_off["end_date_time"],
            time_off["status"],
            time_off["absence"]["title"],
            time_off["paid"]
        ));
    }
    time_offs.sort();
    Holdings {
        count,
        employees,
        events,
        time_offs,
    }
}

#[derive(Debug, PartialEq)]
struct Holdings {
    /// Employees of every status but the administrator (a duplicate shows here).
    count: usize,
    employees: BTreeMap<String, Value>,
    events: BTreeMap<String, u64>,
    time_offs: Vec<String>,
}

// ---------------------------------------------------------------------------------
// The cases

fn since() -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(DAYS_BACK)).to_string()
}

fn import(target: &str, proxy: &WorklyLike, demo: &Value) -> crate::support::CliRun {
    import_with(target, proxy, demo, &[])
}

fn import_with(
    target: &str,
    proxy: &WorklyLike,
    demo: &Value,
    extra: &[&str],
) -> crate::support::CliRun {
    let since = since();
    let mut args = vec![
        "import",
        "workly",
        "--base-url",
        &proxy.base,
        "--client-id",
        demo["client_id"].as_str().expect("client_id"),
        "--client-secret",
        demo["client_secret"].as_str().expect("client_secret"),
        "--username",
        demo["admin_email"].as_str().expect("admin_email"),
        "--password",
        demo["admin_password"].as_str().expect("admin_password"),
        "--since",
        &since,
    ];
    args.extend_from_slice(extra);
    cli_on(target, &args)
}

/// The report of a finished import.
#[track_caller]
fn finished(run: &crate::support::CliRun) -> Value {
    let printed = run.json();
    let imported = printed["imported"].clone();
    assert_eq!(imported["finished"], true, "{printed}\n{}", run.stderr);
    imported
}

/// A server on the target, signed in as the imported company's administrator.
async fn target_server(target: &str, company: i64, demo: &Value) -> (Server, String) {
    let client = cli_on(
        target,
        &["client", "create", "--company", &company.to_string()],
    )
    .json();
    let server = Server::start_on(target, &["--rate-limit-per-minute", "0"]).await;
    let token = token(
        &server,
        client["client_id"].as_str().expect("client_id"),
        client["client_secret"].as_str().expect("secret"),
        demo["admin_email"].as_str().expect("email"),
        demo["admin_password"].as_str().expect("password"),
    )
    .await;
    (server, token)
}

async fn source_token(source: &Server, demo: &Value) -> String {
    token(
        source,
        demo["client_id"].as_str().expect("client_id"),
        demo["client_secret"].as_str().expect("secret"),
        demo["admin_email"].as_str().expect("email"),
        demo["admin_password"].as_str().expect("password"),
    )
    .await
}

/// The whole story on one target database; `extra` arguments for the first run.
async fn imports_into(target: &str, extra: &[&str]) {
    let source_db = TempDb::new("import-source");
    let (source, demo) = start_demo_with(&source_db, &["--rate-limit-per-minute", "0"]).await;
    let source_token = source_token(&source, &demo).await;
    let proxy = WorklyLike::start(&source.base, 40).await;
    let admin = demo["admin_email"].as_str().expect("email").to_string();

    // Someone moved to another department and given a second position 20 days ago:
    // histories of two periods.
    let departments = every(&source, &source_token, "/v1/departments").await;
    let positions = every(&source, &source_token, "/v1/positions").await;
    let listed = every(&source, &source_token, "/v1/employees").await;
    let moved = listed
        .iter()
        .filter(|e| e["user"]["email"] != admin.as_str())
        .nth(3)
        .expect("an employee to move");
    let other_department = departments
        .iter()
        .find(|d| d["id"] != moved["department"]["id"])
        .expect("another department");
    let twenty_days_ago =
        (chrono::Utc::now().date_naive() - chrono::Duration::days(20)).to_string();
    let mut held: Vec<Value> = moved["positions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| p["id"].clone())
        .collect();
    let second = positions
        .iter()
        .find(|p| !held.contains(&p["id"]))
        .expect("another position");
    held.push(second["id"].clone());
    let change = json!({"department_id": other_department["id"], "positions": held,
                        "efct_date": twenty_days_ago});
    let path = format!("/v1/employees/{}", moved["id"]);
    let changed = source.send_json("PUT", &path, &change, &source_token).await;
    assert_eq!(changed.status, 200, "{}", changed.text);

    // The first run creates the company and writes everything.
    let first = finished(&import_with(target, &proxy, &demo, extra));
    let grouped = proxy.shape.grouped.load(Ordering::Relaxed);
    assert_eq!(grouped > 0, !extra.is_empty(), "{grouped} grouped requests");
    assert_eq!(first["company_created"], true, "{first}");
    assert!(
        first["rate_limited"].as_u64() >= Some(1),
        "no 429 met: {first}"
    );
    let report = &first["report"];
    let source_employees = every(&source, &source_token, "/v1/employees").await;
    // The active ones, and the dismissed one read by id.
    assert_eq!(
        report["employees"]["read"].as_u64(),
        Some(source_employees.len() as u64 + 1),
        "{report}"
    );
    assert_eq!(report["employees"]["skipped"], 0, "{report}");
    // The account's own employee is the new company's administrator.
    assert_eq!(report["employees"]["already_imported"], 1, "{report}");
    let schedules = &report["schedules"];
    let drafts = report["draft_schedules"].as_array().expect("drafts");
    assert_eq!(
        drafts.len() as u64,
        schedules["written"].as_u64().unwrap_or(0),
        "{report}"
    );
    assert!(
        !drafts.is_empty(),
        "schedules without definitions are drafts: {report}"
    );
    assert_eq!(report["holidays"]["skipped"], 0, "{report}");
    let events = &report["events"];
    assert!(events["written"].as_u64() > Some(100), "{report}");

    let company = first["company_id"].as_i64().expect("company_id");
    let (target_server, target_token) = target_server(target, company, &demo).await;
    let since = since();
    let expected = holdings(&source, &source_token, &admin, &since).await;
    let imported = holdings(&target_server, &target_token, &admin, &since).await;
    assert_eq!(imported.employees, expected.employees);
    assert_eq!(imported.events, expected.events);
    assert_eq!(imported.time_offs, expected.time_offs);
    // The demo's dismissed employee came too (hired, then dismissed as of their last
    // day), so every event read was written.
    assert_eq!(report["dismissals"]["written"], 1, "{report}");
    assert_eq!(events["skipped"], json!({}), "{report}");
    assert_eq!(events["read"], events["written"], "{report}");
    assert!(
        imported.employees.values().any(|e| e["dismissed"] == true),
        "{:?}",
        imported.employees
    );

    // A second run writes nothing.
    let second = finished(&import(target, &proxy, &demo));
    assert_eq!(second["company_id"], company, "{second}");
    assert_eq!(second["company_created"], false);
    let report = &second["report"];
    for kind in [
        "departments",
        "positions",
        "locations",
        "schedules",
        "employees",
        "time_offs",
    ] {
        assert_eq!(report[kind]["written"], 0, "{kind}: {report}");
        assert_eq!(
            report[kind]["read"], report[kind]["already_imported"],
            "{kind}: {report}"
        );
    }
    assert_eq!(report["events"]["written"], 0, "{report}");
    assert_eq!(
        report["events"]["days_read"], 1,
        "only today is read again: {report}"
    );

    // What the source gains meanwhile is all a third run writes.
    let first_employee = &source_employees[0];
    let hire = json!({
        "first_name": "Imported", "last_name": "Later", "department_id": first_employee["department"]["id"],
        "schedule_id": first_employee["schedule"]["id"], "locations": "*",
        "start_date": since, "schedule_start_date": since, "tab_number": "IMPORT-1",
    });
    let hired = source
        .send_json("POST", "/v1/employees", &hire, &source_token)
        .await;
    assert_eq!(hired.status, 201, "{}", hired.text);
    let location = first_employee["locations"][0]["id"].clone();
    let clock =
        json!({"employee_id": hired.body["id"], "location_id": location, "reason": "import test"});
    let clocked = source
        .send_json("POST", "/v1/times/clockin", &clock, &source_token)
        .await;
    assert_eq!(clocked.status, 200, "{}", clocked.text);
    let third = finished(&import(target, &proxy, &demo));
    let report = &third["report"];
    assert_eq!(report["employees"]["written"], 1, "{report}");
    assert_eq!(report["events"]["written"], 1, "{report}");
    let expected = holdings(&source, &source_token, &admin, &since).await;
    let imported = holdings(&target_server, &target_token, &admin, &since).await;
    assert_eq!(imported, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workly_company_is_imported_into_sqlite_and_a_rerun_adds_only_what_is_new() {
    let target = TempDb::new("import-target");
    imports_into(target.url(), &[]).await;
}

/// On PostgreSQL, days of more than 20 events are read by groups of employees: the
/// same events arrive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workly_company_is_imported_into_postgres_and_a_rerun_adds_only_what_is_new() {
    let Some(target) = TempPgDb::new("import into PostgreSQL").await else {
        return;
    };
    imports_into(target.url(), &["--events-per-window", "20"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_refused_part_way_goes_on_where_it_stopped() {
    let source_db = TempDb::new("import-source-resume");
    let (source, demo) = start_demo_with(&source_db, &["--rate-limit-per-minute", "0"]).await;
    let source_token = source_token(&source, &demo).await;
    let proxy = WorklyLike::start(&source.base, 1000).await;
    let target = TempDb::new("import-target-resume");

    // Refused in the middle of the employees' histories.
    proxy.refuse_after(40);
    let stopped = import(target.url(), &proxy, &demo);
    assert!(!stopped.status.success(), "{stopped:#?}");
    assert!(
        stopped.stderr.contains("run it again"),
        "{}",
        stopped.stderr
    );
    let printed: Value = serde_json::from_str(stopped.stdout.trim()).expect("a report");
    let partial = &printed["imported"];
    assert_eq!(partial["finished"], false, "{printed}");
    let hired_before = partial["report"]["employees"]["written"]
        .as_u64()
        .unwrap_or(0);
    assert!(hired_before > 0, "the first run hired some: {printed}");

    proxy.serve_again();
    let resumed = finished(&import(target.url(), &proxy, &demo));
    let report = &resumed["report"];
    assert_eq!(resumed["company_id"], partial["company_id"], "{resumed}");
    assert_eq!(
        report["employees"]["already_imported"].as_u64(),
        Some(hired_before + 1),
        "{report}"
    );
    // Every employee hired once over the two runs (the account's own linked).
    let written = report["employees"]["written"].as_u64().unwrap_or(0);
    let source_all = every(&source, &source_token, "/v1/employees?status=all").await;
    assert_eq!(
        hired_before + written,
        source_all.len() as u64 - 1,
        "{report}"
    );
    let company = resumed["company_id"].as_i64().expect("company_id");
    let (target_server, target_token) = target_server(target.url(), company, &demo).await;
    let admin = demo["admin_email"].as_str().expect("email");
    let since = since();
    let expected = holdings(&source, &source_token, admin, &since).await;
    let imported = holdings(&target_server, &target_token, admin, &since).await;
    assert_eq!(imported, expected);
}
