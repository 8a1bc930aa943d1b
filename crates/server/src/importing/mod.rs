//! `davomat import workly`: a company read through another server's Workly API v1
//! ([`source`]) and written here by `davomat_app::imports`, kind after kind — the
//! structure first (departments, positions, locations, schedules, time-off types,
//! holidays), then employees with their histories (the dismissed ones too, from the
//! `dismissed` report, hired and dismissed as of their last day), their time-offs, and
//! the clock
//! events of every day from `--since` to today, one day per request window. Progress
//! bars on a terminal; one JSON report on stdout (docs/operations.md, "Importing a
//! Workly account").

mod source;

use std::time::Instant;

use chrono::NaiveDate;
use davomat_app::imports::{self, Import, kind};
use davomat_core::CompanyId;
use davomat_core::zone::CompanyZone;
use davomat_store::Store;
use davomat_store::companies::{self, NewCompany};
use indicatif::ProgressBar;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::commands::{self, now, print};
use crate::settings::Settings;
pub use source::Credentials;
use source::Source;

/// What `import workly` was asked.
pub struct WorklyImport {
    pub base_url: String,
    pub credentials: Credentials,
    pub company: Option<i64>,
    pub since: Option<String>,
    /// A day with more clock events is read by groups of employees.
    pub events_per_window: u64,
}

pub async fn workly(settings: &Settings, request: WorklyImport) -> Result<(), String> {
    let since = match &request.since {
        Some(text) => Some(
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| format!("--since {text:?} is not a YYYY-MM-DD date"))?,
        ),
        None => None,
    };
    let started = Instant::now();
    let (store, spreader) = commands::open_announcing(settings).await?;
    let username = request.credentials.username.clone();
    let password = request.credentials.password.clone();
    let mut source = Source::sign_in(&request.base_url, request.credentials).await?;
    let account = source
        .get("/v1/accounts")
        .await?
        .ok_or("the source has no /v1/accounts")?;
    let source_company = account.get("company_id").and_then(imports::source_id);
    let source_company = source_company.ok_or("the source's account names no company_id")?;
    let source_key = format!("{} company {source_company}", source.base_url());
    let target = target_company(&store, &request.company, &source_key).await?;
    let (company, created) = match target {
        Some(company) => (company, false),
        None => (
            create_company(&store, &account, &username, &password).await?,
            true,
        ),
    };
    let mut import = Import::open(&store, company, &source_key)
        .await
        .map_err(|e| format!("import: company {}: {e}", company.0))?;
    if created {
        import
            .adopt_account(&account, now())
            .await
            .map_err(|e| format!("import: {e}"))?;
    }
    let per_window = request.events_per_window;
    let outcome = read_and_write(&mut source, &mut import, since, per_window).await;
    commands::announced(spreader).await;
    let report = import.report.clone();
    let traffic = source.traffic;
    print(json!({
        "imported": {
            "source": source_key,
            "company_id": company.0,
            "company_created": created,
            "finished": outcome.is_ok(),
            "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
            "requests": traffic.requests,
            "rate_limited": traffic.rate_limited,
            "waited_seconds": traffic.waited_seconds,
            "retried": traffic.retried,
            "report": report,
        }
    }));
    outcome.map_err(|e| format!("import stopped (run it again to go on): {e}"))
}

/// The company to write into: the one asked, or the one an earlier import of this
/// source wrote into; None: a new one.
async fn target_company(
    store: &Store,
    asked: &Option<i64>,
    source_key: &str,
) -> Result<Option<CompanyId>, String> {
    if let Some(id) = asked {
        return match companies::get(store, CompanyId(*id)).await {
            Ok(_) => Ok(Some(CompanyId(*id))),
            Err(davomat_store::StoreError::NotFound) => {
                Err(format!("--company {id}: no such company"))
            }
            Err(err) => Err(format!("import: {err}")),
        };
    }
    davomat_store::imports::company_of(store.connection(), source_key)
        .await
        .map_err(|e| format!("import: {e}"))
}

/// A new company named as the source's, its administrator signing in as the source's
/// account does (the same email and password), in the zone that account shows.
async fn create_company(
    store: &Store,
    account: &Value,
    username: &str,
    password: &str,
) -> Result<CompanyId, String> {
    let name = account
        .get("company_name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("Workly");
    let zone = account
        .pointer("/settings/time_zone")
        .and_then(Value::as_str)
        .filter(|z| CompanyZone::named(z).is_some())
        .unwrap_or("Asia/Tashkent");
    let created = companies::create(
        store,
        NewCompany {
            name: name.trim().to_string(),
            admin_email: username.trim().to_string(),
            admin_password: password.to_string(),
            time_zone: zone.to_string(),
            lang: davomat_core::Lang::Ru,
            employee_limit: None,
            status: davomat_core::CompanyStatus::Active,
        },
        now(),
    )
    .await
    .map_err(|e| format!("import: creating the company: {e}"))?;
    Ok(created.company_id)
}

/// Every kind in turn, then the days of clock events.
async fn read_and_write(
    source: &mut Source,
    import: &mut Import,
    since: Option<NaiveDate>,
    per_window: u64,
) -> Result<(), String> {
    let bar = progress_bar();
    bar.set_message("structure");
    let tree = listed(source, "/v1/departments").await?;
    import.departments(&tree, now()).await.map_err(app)?;
    let positions = listed(source, "/v1/positions").await?;
    import.positions(&positions, now()).await.map_err(app)?;
    let locations = listed(source, "/v1/locations").await?;
    import.locations(&locations, now()).await.map_err(app)?;
    let schedules = listed(source, "/v1/schedules").await?;
    import.schedules(&schedules, now()).await.map_err(app)?;
    import.list_drafts().await.map_err(app)?;
    let types = listed(source, "/v1/time-offs").await?;
    import.time_off_types(&types, now()).await.map_err(app)?;
    match source.all("/v1/holidays").await? {
        Some(holidays) => import.holidays(&holidays, now()).await.map_err(app)?,
        None => import.source_lacks(kind::HOLIDAY, "the source has no holidays (404)"),
    }

    let employees = listed(source, "/v1/employees").await?;
    bar.set_message("employees");
    bar.set_length(employees.len() as u64);
    // The histories of the next employees are read while one is hired.
    let wanted: Vec<Option<i64>> = employees
        .iter()
        .map(|e| e.get("id").and_then(imports::source_id))
        .map(|id| id.filter(|id| import.target(kind::EMPLOYEE, *id).is_none()))
        .collect();
    let (sender, mut receiver) = mpsc::channel(8);
    let reader = &mut *source;
    let reading = async move {
        let source = reader;
        for id in wanted {
            let histories = match id {
                Some(id) => employee_histories(source, id).await,
                None => Ok((Vec::new(), Vec::new())),
            };
            let failed = histories.is_err();
            if sender.send(histories).await.is_err() || failed {
                break;
            }
        }
    };
    // The writer finishes the employee it is writing before it stops: a failed read
    // never cuts a hire from its link or its history.
    let writing = async {
        for employee in &employees {
            let Some(histories) = receiver.recv().await else {
                break;
            };
            let (departments, positions) = histories?;
            import
                .employee(employee, &departments, &positions, now())
                .await
                .map_err(app)?;
            bar.inc(1);
        }
        Ok::<(), String>(())
    };
    let ((), written) = tokio::join!(reading, writing);
    written?;
    let today = import.today(now());
    let first = since.unwrap_or_else(|| earliest_start(&employees).unwrap_or(today));
    let dismissed = dismissed_between(source, first, today).await?;
    let dismissed_ids: Vec<i64> = dismissed.keys().copied().collect();
    bar.reset();
    bar.set_message("dismissed employees");
    bar.set_length(dismissed.len() as u64);
    for (id, last_day) in dismissed {
        let new = import.target(kind::EMPLOYEE, id).is_none();
        let (item, departments, positions) = if new {
            let item = source.get(&format!("/v1/employees/{id}")).await?;
            let item = item.map(|answer| answer.get("data").cloned().unwrap_or(answer));
            let (departments, positions) = employee_histories(source, id).await?;
            (item, departments, positions)
        } else {
            (None, Vec::new(), Vec::new())
        };
        import
            .dismissed_employee(id, item.as_ref(), &departments, &positions, last_day, now())
            .await
            .map_err(app)?;
        bar.inc(1);
    }
    let time_offs = listed(source, "/v1/employees/time-off").await?;
    bar.reset();
    bar.set_message("time-offs");
    bar.set_length(time_offs.len() as u64);
    for time_off in &time_offs {
        import.time_off(time_off, now()).await.map_err(app)?;
        bar.inc(1);
    }

    let mut employee_ids: Vec<i64> = employees
        .iter()
        .filter_map(|e| e.get("id").and_then(imports::source_id))
        .chain(dismissed_ids)
        .collect();
    employee_ids.sort_unstable();
    employee_ids.dedup();
    let read = import.days_read().await.map_err(app)?;
    bar.reset();
    bar.set_message("clock events, day by day");
    bar.set_length((today - first).num_days().max(0) as u64 + 1);
    let mut days = Vec::new();
    let mut day = first;
    while day <= today {
        if read.contains(&day.to_string()) {
            import.day_already_read();
            bar.inc(1);
        } else {
            days.push(day);
        }
        day = day.succ_opt().ok_or("the days ran out")?;
    }
    // The next days are read while one is written.
    let (sender, mut receiver) = mpsc::channel(2);
    let ids = &employee_ids;
    let reader = &mut *source;
    let reading = async move {
        let source = reader;
        for day in days {
            let items = events_of_day(source, day, ids, per_window).await;
            let failed = items.is_err();
            if sender.send((day, items)).await.is_err() || failed {
                break;
            }
        }
    };
    let writing = async {
        while let Some((day, items)) = receiver.recv().await {
            import
                .day_of_events(day, &items?, day < today, now())
                .await
                .map_err(app)?;
            bar.inc(1);
        }
        Ok::<(), String>(())
    };
    let ((), written) = tokio::join!(reading, writing);
    written?;
    bar.finish_and_clear();
    Ok(())
}

/// The most ids named in one request.
const IDS_PER_REQUEST: usize = 100;

/// The clock events of one day: in one window when there are at most `per_window` of
/// them, else by groups of the employees listed holding about that many each (a page far
/// down a large day costs the source a scan of everything above it, on every page).
async fn events_of_day(
    source: &mut Source,
    day: NaiveDate,
    employee_ids: &[i64],
    per_window: u64,
) -> Result<Vec<Value>, String> {
    let route = format!("/v1/reports/inouts?start_date={day}&end_date={day}");
    let head = source
        .get(&format!("{route}&per-page=1"))
        .await?
        .ok_or("the source has no /v1/reports/inouts (404)")?;
    let total = head
        .pointer("/_meta/totalCount")
        .and_then(source::count)
        .unwrap_or(0);
    if total <= per_window || employee_ids.is_empty() {
        return listed(source, &route).await;
    }
    let groups = total.div_ceil(per_window.max(1)) as usize;
    let size = employee_ids
        .len()
        .div_ceil(groups)
        .clamp(1, IDS_PER_REQUEST);
    let mut items = Vec::with_capacity(total as usize);
    for group in employee_ids.chunks(size) {
        let ids: Vec<String> = group.iter().map(i64::to_string).collect();
        let route = format!("{route}&f=employee&ids={}", ids.join(","));
        items.extend(listed(source, &route).await?);
    }
    Ok(items)
}

/// The employees dismissed with a last day employed from `first` to yesterday, with that
/// day: the `dismissed` report (at most 366 days per request) lists a row for each of
/// their days up to their last. (One whose rows reach today is still employed today.)
async fn dismissed_between(
    source: &mut Source,
    first: NaiveDate,
    today: NaiveDate,
) -> Result<std::collections::BTreeMap<i64, NaiveDate>, String> {
    let mut last_days = std::collections::BTreeMap::new();
    let mut start = first;
    while start <= today {
        let end = (start + chrono::Duration::days(365)).min(today);
        let route = format!("/v1/reports/dismissed?start_date={start}&end_date={end}");
        for row in source.all(&route).await?.unwrap_or_default() {
            let id = row.get("employee_id").and_then(imports::source_id);
            let day = row
                .get("report_date")
                .and_then(Value::as_str)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            if let (Some(id), Some(day)) = (id, day) {
                let last = last_days.entry(id).or_insert(day);
                *last = (*last).max(day);
            }
        }
        start = end + chrono::Duration::days(1);
    }
    // Rows reaching today may not be the last: that dismissal is still to come.
    last_days.retain(|_, last| *last < today);
    Ok(last_days)
}

/// A list the source must have.
async fn listed(source: &mut Source, route: &str) -> Result<Vec<Value>, String> {
    source
        .all(route)
        .await?
        .ok_or_else(|| format!("the source has no {route} (404)"))
}

/// An employee's department and position histories.
async fn employee_histories(
    source: &mut Source,
    id: i64,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    Ok((
        history(source, id, "departments").await?,
        history(source, id, "positions").await?,
    ))
}

/// An employee's department or position history; empty when the source has none.
async fn history(source: &mut Source, employee: i64, which: &str) -> Result<Vec<Value>, String> {
    let route = format!("/v1/employees/{employee}/{which}");
    Ok(source.all(&route).await?.unwrap_or_default())
}

/// The first start date of the source's employees.
fn earliest_start(employees: &[Value]) -> Option<NaiveDate> {
    employees
        .iter()
        .filter_map(|e| e.get("start_date").and_then(Value::as_str))
        .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .min()
}

fn app(err: davomat_app::AppError) -> String {
    format!("writing: {err}")
}

/// One bar, reused for each phase.
fn progress_bar() -> ProgressBar {
    commands::progress_bar("{msg:<28} [{bar:30}] {human_pos}/{human_len} ({per_sec}, {eta} left)")
}
