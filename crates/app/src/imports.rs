//! Importing a company from another Workly API server (`davomat import workly`): the
//! objects the source lists, as its JSON gives them, written here through the same use
//! cases every other door calls (so each is checked as a hire or a new department is,
//! and logged as the company's first administrator's doing), with a link from the
//! source's id to the new id kept for each (`davomat_store::imports`), so that a re-run
//! writes only what is new. The door reads the source; this decides what to write.
//!
//! Where the source cannot say, it is handled here, not assumed (docs/operations.md,
//! "Importing a Workly account"):
//! - A source object with the title of one already here (a department under the same
//!   parent, a position, location, schedule or time-off type; a holiday on the same
//!   date; an employee with the same tab number) is linked to it, not created twice.
//! - A schedule the source lists as `{id, title, type}` only (the real Workly API) is
//!   created as a draft of its type (Monday–Friday from 09:00) and listed in the report
//!   to be completed by hand; one listed with its definition (another davomat) is
//!   created as it is.
//! - Clock events carry no id in `inouts`: one is known by its employee, instant,
//!   direction and location, and an event already stored with those (voided ones
//!   too) is not stored again. Imported events notify no webhooks: they are history.
//! - Refused objects are skipped with their reason and the import goes on; a PIN code
//!   that is not 4..10 digits, or a login email already used on this server, is left
//!   out of the hire (a PIN is generated) and noted.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use davomat_core::dates::civil;
use davomat_core::engine::EventKind;
use davomat_core::{ClockMode, CompanyId, EmployeeId, Lang, LocationId, Role};
use davomat_store::clock_events::{self, NewEvent};
use davomat_store::imports::{self, NewLink};
use davomat_store::read_cache::Dependency;
use davomat_store::titles::{self, Titled};
use davomat_store::{Store, StoreError};
use serde::Serialize;
use serde_json::{Value, json};

use crate::caller::Caller;
use crate::employee_lifecycle::{self, Dismissal};
use crate::error::{AppError, AppResult};
use crate::{
    departments, employee_edit, hiring, holidays, locations, positions, schedules, time_off_types,
    time_offs,
};

/// What one kind of object came to.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Tally {
    /// Listed by the source.
    pub read: u64,
    /// Created here.
    pub written: u64,
    /// Matched to an object already here (same title, date or tab number) and linked.
    pub matched: u64,
    /// Linked by an earlier run.
    pub already_imported: u64,
    /// Refused here or not importable; each with its reason (the first 100).
    pub skipped: u64,
    pub skipped_items: Vec<Skipped>,
    /// Written, with something left out (the first 100).
    pub notes: Vec<Skipped>,
}

/// A source object and why it was skipped or what was left out of it.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    pub source_id: String,
    pub reason: String,
}

/// How many reasons a tally lists.
const LISTED: usize = 100;

impl Tally {
    fn skip(&mut self, source_id: &str, reason: String) {
        self.skipped += 1;
        if self.skipped_items.len() < LISTED {
            self.skipped_items.push(Skipped {
                source_id: source_id.to_string(),
                reason,
            });
        }
    }

    fn note(&mut self, source_id: &str, reason: String) {
        if self.notes.len() < LISTED {
            self.notes.push(Skipped {
                source_id: source_id.to_string(),
                reason,
            });
        }
    }
}

/// What the clock events came to.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EventTally {
    /// Days read from the source this run.
    pub days_read: u64,
    /// Days an earlier run read whole (not read again).
    pub days_already_read: u64,
    pub read: u64,
    pub written: u64,
    /// Already stored here (the same employee, instant, direction and location).
    pub already_present: u64,
    /// Not stored, counted by reason.
    pub skipped: BTreeMap<String, u64>,
}

/// A schedule created as a draft: its definition is to be completed by hand.
#[derive(Clone, Debug, Serialize)]
pub struct DraftSchedule {
    pub id: i64,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: i64,
}

/// What an import came to, kind by kind.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub departments: Tally,
    pub positions: Tally,
    pub locations: Tally,
    pub schedules: Tally,
    pub time_off_types: Tally,
    pub holidays: Tally,
    pub employees: Tally,
    /// Employees the source lists as dismissed (its `dismissed` report): `written`
    /// counts those dismissed here now (hired first when new), `already_imported` those
    /// dismissed here before.
    pub dismissals: Tally,
    pub time_offs: Tally,
    pub events: EventTally,
    /// Every schedule of this source still a draft.
    pub draft_schedules: Vec<DraftSchedule>,
}

/// The kinds of object linked, as `import_links.kind` names them.
pub mod kind {
    pub const DEPARTMENT: &str = "department";
    pub const POSITION: &str = "position";
    pub const LOCATION: &str = "location";
    pub const SCHEDULE: &str = "schedule";
    pub const TIME_OFF_TYPE: &str = "time_off_type";
    pub const HOLIDAY: &str = "holiday";
    pub const EMPLOYEE: &str = "employee";
    pub const TIME_OFF: &str = "time_off";
    /// The source's company, linked to the company an import created for it.
    pub const COMPANY: &str = "company";
    pub const ALL: [&str; 9] = [
        DEPARTMENT,
        POSITION,
        LOCATION,
        SCHEDULE,
        TIME_OFF_TYPE,
        HOLIDAY,
        EMPLOYEE,
        TIME_OFF,
        COMPANY,
    ];
}

/// An import into one company from one source.
pub struct Import {
    store: Store,
    caller: Caller,
    source: String,
    links: HashMap<&'static str, HashMap<String, i64>>,
    pub report: Report,
}

/// An id as the source gives it: a number or a numeric string.
pub fn source_id(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A text field of a source object; absent or null is empty.
fn text<'a>(item: &'a Value, field: &str) -> &'a str {
    item.get(field).and_then(Value::as_str).unwrap_or("")
}

/// Why a use case refused, for the report.
fn reason(err: &AppError) -> String {
    match err {
        AppError::Invalid(errors) => errors
            .clone()
            .into_vec()
            .into_iter()
            .map(|e| match e.reason {
                davomat_core::validation::Reason::Plain => {
                    format!("{}: {}", e.field, e.code.code())
                }
                other => format!("{}: {} ({other:?})", e.field, e.code.code()),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// Whether a refusal stops the import (the database failed) rather than skipping one
/// object.
fn fatal(err: &AppError) -> bool {
    matches!(
        err,
        AppError::Store(StoreError::Database(_)) | AppError::Internal(_)
    )
}

/// The fields an error names.
fn failing_fields(err: &AppError) -> Vec<String> {
    match err {
        AppError::Invalid(errors) => errors
            .clone()
            .into_vec()
            .into_iter()
            .map(|e| e.field)
            .collect(),
        _ => Vec::new(),
    }
}

fn request<T: serde::de::DeserializeOwned>(body: Value) -> AppResult<T> {
    serde_json::from_value(body).map_err(|e| AppError::Internal(format!("request: {e}")))
}

impl Import {
    /// Opens an import of `source` into `company`, acting as its first administrator.
    pub async fn open(store: &Store, company: CompanyId, source: &str) -> AppResult<Import> {
        let conn = store.connection();
        let admin = imports::acting_admin(conn, company)
            .await?
            .ok_or(AppError::NotFound)?;
        let caller = Caller {
            user_id: admin.user_id,
            company_id: company,
            role: Role::Admin,
            employee_id: admin.employee_id,
            employee_name: admin.employee_full_name,
            email: admin.email,
            lang: Lang::parse(&admin.user_lang).unwrap_or_default(),
            company_lang: Lang::parse(&admin.company_lang).unwrap_or_default(),
            time_zone: admin.company_time_zone,
        };
        let mut links = HashMap::new();
        for kind in kind::ALL {
            links.insert(kind, imports::links(conn, company, source, kind).await?);
        }
        Ok(Import {
            store: store.clone(),
            caller,
            source: source.to_string(),
            links,
            report: Report::default(),
        })
    }

    /// Links the source's company to this one, and the signed-in account's employee to
    /// the administrator's own (a company the import created: its administrator is that
    /// account), so that the next run finds both.
    pub async fn adopt_account(&mut self, account: &Value, now: i64) -> AppResult<()> {
        if let Some(company) = account.get("company_id").and_then(source_id) {
            let here = self.company().0;
            self.remember(kind::COMPANY, company, here, false, now)
                .await?;
        }
        let source = account
            .get("employee")
            .and_then(|e| e.get("id"))
            .and_then(source_id);
        if let (Some(source), Some(own)) = (source, self.caller.employee_id) {
            self.remember(kind::EMPLOYEE, source, own.0, false, now)
                .await?;
        }
        Ok(())
    }

    /// The company written into.
    pub fn company(&self) -> CompanyId {
        self.caller.company_id
    }

    /// The company's local date at `now`.
    pub fn today(&self, now: i64) -> NaiveDate {
        self.caller.today(now)
    }

    /// The id here of a source object, if it was imported.
    pub fn target(&self, kind: &'static str, source_id: i64) -> Option<i64> {
        self.links
            .get(kind)
            .and_then(|links| links.get(&source_id.to_string()))
            .copied()
    }

    async fn remember(
        &mut self,
        kind: &'static str,
        source_id: i64,
        target_id: i64,
        draft: bool,
        now: i64,
    ) -> AppResult<()> {
        let source_key = source_id.to_string();
        let writer = self.store.write_connection().await;
        writer.changes_nothing_cached();
        let link = NewLink {
            kind,
            source_id: &source_key,
            target_id,
            draft,
        };
        imports::link(&writer, self.company(), &self.source, link, now).await?;
        drop(writer);
        self.links
            .entry(kind)
            .or_default()
            .insert(source_key, target_id);
        Ok(())
    }

    /// Links an object the source lists to one here with the same title (compared
    /// case-insensitively) and counts it matched, or answers false.
    async fn match_title(
        &mut self,
        kind: &'static str,
        titled: Titled,
        source: i64,
        title: &str,
        now: i64,
    ) -> AppResult<bool> {
        let here = titles::of(self.store.connection(), self.company(), titled).await?;
        let wanted = title.trim().to_lowercase();
        match here.iter().find(|(_, t)| t.trim().to_lowercase() == wanted) {
            Some((id, _)) => {
                self.remember(kind, source, *id, false, now).await?;
                self.tally(kind).matched += 1;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The source's departments, each with its `childs` (as `GET /v1/departments`
    /// lists them) or with its `pid`: parents first, each under its imported parent.
    pub async fn departments(&mut self, tree: &[Value], now: i64) -> AppResult<()> {
        let mut flat = Vec::new();
        flatten(tree, None, &mut flat);
        let mut waiting = Vec::new();
        for (item, parent) in flat {
            self.report.departments.read += 1;
            let Some(id) = item.get("id").and_then(source_id) else {
                self.report.departments.skip("?", "no id".into());
                continue;
            };
            if self.target(kind::DEPARTMENT, id).is_some() {
                self.report.departments.already_imported += 1;
                continue;
            }
            let parent = parent.or_else(|| item.get("pid").and_then(source_id).filter(|p| *p > 0));
            waiting.push((id, text(item, "title").to_string(), parent));
        }
        // Each pass writes those whose parent is here; a list given flat may name a
        // child before its parent.
        loop {
            let before = waiting.len();
            let mut still = Vec::new();
            for (id, title, parent) in waiting {
                let pid = match parent {
                    None => None,
                    Some(parent) => match self.target(kind::DEPARTMENT, parent) {
                        Some(pid) => Some(pid),
                        None => {
                            still.push((id, title, Some(parent)));
                            continue;
                        }
                    },
                };
                self.department(id, &title, pid, now).await?;
            }
            waiting = still;
            if waiting.is_empty() || waiting.len() == before {
                break;
            }
        }
        for (id, _, parent) in waiting {
            let why = format!("its parent {} was not imported", parent.unwrap_or_default());
            self.report.departments.skip(&id.to_string(), why);
        }
        Ok(())
    }

    /// One department under `pid` (None: at the root).
    async fn department(
        &mut self,
        id: i64,
        title: &str,
        pid: Option<i64>,
        now: i64,
    ) -> AppResult<()> {
        let here = imports::departments(self.store.connection(), self.company()).await?;
        let wanted = title.trim().to_lowercase();
        let same = here
            .iter()
            .find(|d| d.pid == pid && d.title.trim().to_lowercase() == wanted);
        if let Some(department) = same {
            self.remember(kind::DEPARTMENT, id, department.id, false, now)
                .await?;
            self.report.departments.matched += 1;
            return Ok(());
        }
        let body = json!({"title": title, "pid": pid.unwrap_or(0)});
        let outcome = departments::create(&self.store, &self.caller, request(body)?, now)
            .await
            .map(|created| created.row.id.0);
        self.created(kind::DEPARTMENT, id, outcome, false, now)
            .await
    }

    /// The source's positions.
    pub async fn positions(&mut self, items: &[Value], now: i64) -> AppResult<()> {
        for item in items {
            let Some(id) = self.counted(kind::POSITION, item) else {
                continue;
            };
            let title = text(item, "title");
            if self
                .match_title(kind::POSITION, Titled::Positions, id, title, now)
                .await?
            {
                continue;
            }
            let outcome = positions::create(
                &self.store,
                &self.caller,
                request(json!({"title": title}))?,
                now,
            )
            .await
            .map(|p| p.id.0);
            self.created(kind::POSITION, id, outcome, false, now)
                .await?;
        }
        Ok(())
    }

    /// The source's locations (`lat`/`lon` as it gives them).
    pub async fn locations(&mut self, items: &[Value], now: i64) -> AppResult<()> {
        for item in items {
            let Some(id) = self.counted(kind::LOCATION, item) else {
                continue;
            };
            let title = text(item, "title");
            if self
                .match_title(kind::LOCATION, Titled::Locations, id, title, now)
                .await?
            {
                continue;
            }
            let mut body = json!({"title": title});
            for (from, to) in [
                ("lat", "latitude"),
                ("lon", "longitude"),
                ("radius", "radius"),
                ("address", "address"),
                ("ipv4", "ipv4"),
            ] {
                match item.get(from) {
                    Some(Value::Null) | None => {}
                    Some(Value::String(s)) if s.is_empty() => {}
                    Some(value) => body[to] = value.clone(),
                }
            }
            let outcome = locations::create(&self.store, &self.caller, request(body)?, now)
                .await
                .map(|l| l.id.0);
            self.created(kind::LOCATION, id, outcome, false, now)
                .await?;
        }
        Ok(())
    }

    /// The source's schedules: with their definition when it gives one, else drafts.
    pub async fn schedules(&mut self, items: &[Value], now: i64) -> AppResult<()> {
        for item in items {
            let Some(id) = self.counted(kind::SCHEDULE, item) else {
                continue;
            };
            let title = text(item, "title");
            if self
                .match_title(kind::SCHEDULE, Titled::Schedules, id, title, now)
                .await?
            {
                continue;
            }
            let kind_id = item.get("type").and_then(source_id).unwrap_or(2);
            let defined = item.get("days").is_some_and(Value::is_array)
                || item.get("cycle").is_some_and(Value::is_array);
            let body = if defined {
                let mut body = item.clone();
                if let Some(fields) = body.as_object_mut() {
                    fields.remove("id");
                }
                body
            } else {
                draft_definition(title, kind_id)
            };
            let outcome = schedules::create(&self.store, &self.caller, request(body)?, now)
                .await
                .map(|s| s.id.0);
            self.created(kind::SCHEDULE, id, outcome, !defined, now)
                .await?;
        }
        Ok(())
    }

    /// The source's time-off types (`GET /v1/time-offs`).
    pub async fn time_off_types(&mut self, items: &[Value], now: i64) -> AppResult<()> {
        for item in items {
            let Some(id) = self.counted(kind::TIME_OFF_TYPE, item) else {
                continue;
            };
            let title = text(item, "title");
            if self
                .match_title(kind::TIME_OFF_TYPE, Titled::TimeOffTypes, id, title, now)
                .await?
            {
                continue;
            }
            let mut body = json!({"title": title, "description": text(item, "description")});
            let color = text(item, "color");
            if !color.is_empty() {
                body["color"] = color.into();
            }
            let outcome = time_off_types::create(&self.store, &self.caller, request(body)?, now)
                .await
                .map(|t| t.id.0);
            self.created(kind::TIME_OFF_TYPE, id, outcome, false, now)
                .await?;
        }
        Ok(())
    }

    /// The source's holidays (a source without them answers 404: the door says so).
    pub async fn holidays(&mut self, items: &[Value], now: i64) -> AppResult<()> {
        for item in items {
            let Some(id) = self.counted(kind::HOLIDAY, item) else {
                continue;
            };
            let date = text(item, "date");
            let here = imports::holidays_by_date(self.store.connection(), self.company()).await?;
            if let Some(existing) = here.get(date) {
                self.remember(kind::HOLIDAY, id, *existing, false, now)
                    .await?;
                self.tally(kind::HOLIDAY).matched += 1;
                continue;
            }
            let mut body = json!({"date": date, "title": text(item, "title")});
            for field in ["kind", "as_weekday"] {
                if let Some(value) = item.get(field).filter(|v| !v.is_null()) {
                    body[field] = value.clone();
                }
            }
            let outcome = holidays::add(&self.store, &self.caller, request(body)?, now)
                .await
                .map(|h| h.id.0);
            self.created(kind::HOLIDAY, id, outcome, false, now).await?;
        }
        Ok(())
    }

    /// Notes that the source skipped a whole kind (a holidays endpoint it does not have).
    pub fn source_lacks(&mut self, kind: &'static str, why: &str) {
        self.tally(kind).skip("*", why.to_string());
    }

    /// One employee of the source (`GET /v1/employees`) with their department and
    /// position histories (`…/departments`, `…/positions`; empty when not read): hired
    /// into the first department and positions of the history from the start date, then
    /// moved as the history says.
    pub async fn employee(
        &mut self,
        item: &Value,
        department_history: &[Value],
        position_history: &[Value],
        now: i64,
    ) -> AppResult<()> {
        let Some(id) = self.counted(kind::EMPLOYEE, item) else {
            return Ok(());
        };
        let tab_number = text(item, "tab_number").trim();
        if !tab_number.is_empty()
            && let Some(existing) =
                imports::employee_by_tab_number(self.store.connection(), self.company(), tab_number)
                    .await?
        {
            self.remember(kind::EMPLOYEE, id, existing, false, now)
                .await?;
            self.report.employees.matched += 1;
            return Ok(());
        }
        let plan = match self.employee_plan(item, department_history, position_history) {
            Ok(plan) => plan,
            Err(why) => {
                self.report.employees.skip(&id.to_string(), why);
                return Ok(());
            }
        };
        let mut body = plan.hire.clone();
        let hired = loop {
            match hiring::hire(&self.store, &self.caller, request(body.clone())?, now).await {
                Ok(card) => break card,
                Err(err) if fatal(&err) => return Err(err),
                Err(err) => {
                    let fields = failing_fields(&err);
                    let droppable = ["username", "pin_code"];
                    let can_retry = !fields.is_empty()
                        && fields.iter().all(|f| droppable.contains(&f.as_str()))
                        && fields.iter().any(|f| body.get(f).is_some());
                    if !can_retry {
                        self.report.employees.skip(&id.to_string(), reason(&err));
                        return Ok(());
                    }
                    let note = format!("hired without {}", reason(&err));
                    self.report.employees.note(&id.to_string(), note);
                    if let Some(fields_sent) = body.as_object_mut() {
                        for field in &fields {
                            fields_sent.remove(field);
                        }
                    }
                }
            }
        };
        self.remember(kind::EMPLOYEE, id, hired.id.0, false, now)
            .await?;
        self.report.employees.written += 1;
        for change in plan.changes {
            let outcome = employee_edit::edit(
                &self.store,
                &self.caller,
                hired.id,
                request(change.clone())?,
                now,
            )
            .await;
            if let Err(err) = outcome {
                if fatal(&err) {
                    return Err(err);
                }
                let note = format!("history change {change} not applied: {}", reason(&err));
                self.report.employees.note(&id.to_string(), note);
            }
        }
        Ok(())
    }

    /// An employee the source dismissed with `last_day` as their last day employed:
    /// hired first when new (`item`: the source's Employee, with their histories), then
    /// dismissed here as of that day.
    pub async fn dismissed_employee(
        &mut self,
        id: i64,
        item: Option<&Value>,
        department_history: &[Value],
        position_history: &[Value],
        last_day: NaiveDate,
        now: i64,
    ) -> AppResult<()> {
        self.report.dismissals.read += 1;
        if let (None, Some(item)) = (self.target(kind::EMPLOYEE, id), item) {
            self.employee(item, department_history, position_history, now)
                .await?;
        }
        let Some(employee) = self.target(kind::EMPLOYEE, id) else {
            let why = "the employee was not imported (see employees)".to_string();
            self.report.dismissals.skip(&id.to_string(), why);
            return Ok(());
        };
        let request = Dismissal {
            exp_date: crate::Sent::Value(last_day.to_string()),
        };
        let employee = EmployeeId(employee);
        match employee_lifecycle::dismiss(&self.store, &self.caller, employee, request, now).await {
            Ok(()) => self.report.dismissals.written += 1,
            Err(AppError::NotApplicable) => self.report.dismissals.already_imported += 1,
            Err(err) if fatal(&err) => return Err(err),
            Err(err) => self.report.dismissals.skip(&id.to_string(), reason(&err)),
        }
        Ok(())
    }

    /// The hire and the later changes of a source employee, in this company's ids.
    fn employee_plan(
        &self,
        item: &Value,
        department_history: &[Value],
        position_history: &[Value],
    ) -> Result<EmployeePlan, String> {
        let start_date = text(item, "start_date");
        let mapped = |kind: &'static str, value: Option<&Value>, what: &str| {
            let source = value.and_then(source_id).ok_or(format!("no {what}"))?;
            self.target(kind, source)
                .ok_or(format!("its {what} {source} was not imported"))
        };
        // Department periods by start; the first is the one hired into. A period in a
        // department the source no longer lists (deleted there) is left out.
        let mut periods: Vec<(String, i64)> = Vec::new();
        for record in department_history {
            if let Ok(department) =
                mapped(kind::DEPARTMENT, record.get("department_id"), "department")
            {
                periods.push((text(record, "start_date").to_string(), department));
            }
        }
        periods.sort();
        let current = mapped(
            kind::DEPARTMENT,
            item.get("department").and_then(|d| d.get("id")),
            "department",
        )?;
        let first_department = periods.first().map_or(current, |(_, d)| *d);
        let schedule = mapped(
            kind::SCHEDULE,
            item.get("schedule").and_then(|s| s.get("id")),
            "schedule",
        )?;
        let mut location_ids = Vec::new();
        let listed = item.get("locations").and_then(Value::as_array);
        for location in listed.into_iter().flatten() {
            location_ids.push(mapped(kind::LOCATION, location.get("id"), "location")?);
        }
        let locations = if listed.is_none_or(|l| l.is_empty()) {
            json!("*")
        } else {
            json!(location_ids)
        };
        let held = position_sets(self, item, position_history, start_date)?;
        let first_positions = held.first().map(|(_, p)| p.clone()).unwrap_or_default();
        let schedule_start = text(item, "schedule_start_date").max(start_date);
        let mut hire = json!({
            "first_name": text(item, "first_name"),
            "last_name": text(item, "last_name"),
            "patronymic": text(item, "patronymic"),
            "department_id": first_department,
            "schedule_id": schedule,
            "locations": locations,
            "positions": first_positions,
            "start_date": start_date,
            "schedule_start_date": schedule_start,
            "tab_number": text(item, "tab_number"),
            "home_address": text(item, "home_address"),
            "home_phone": text(item, "home_phone"),
            "work_phone": text(item, "work_phone"),
            "mobile_phone": text(item, "mobile_phone"),
            "bank_book": text(item, "bank_book"),
        });
        for field in ["birth_date", "gender"] {
            let value = text(item, field);
            if !value.is_empty() {
                hire[field] = value.into();
            }
        }
        let notes = item
            .get("notes")
            .or_else(|| item.get("note"))
            .and_then(Value::as_str);
        if let Some(notes) = notes {
            hire["notes"] = notes.into();
        }
        let pin = match item.get("pin_code") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        if !pin.is_empty() {
            hire["pin_code"] = pin.into();
        }
        let email = item.get("user").and_then(|u| u.get("email"));
        if let Some(email) = email.and_then(Value::as_str).filter(|e| !e.is_empty()) {
            hire["username"] = email.into();
        }
        let mut changes = Vec::new();
        for (date, department) in periods.iter().skip(1) {
            changes.push(json!({"department_id": department, "efct_date": date}));
        }
        for (date, held) in held.iter().skip(1) {
            changes.push(json!({"positions": held, "efct_date": date}));
        }
        Ok(EmployeePlan { hire, changes })
    }

    /// One time-off of the source (`GET /v1/employees/time-off`): entered for its
    /// employee, then decided as the source decided it.
    pub async fn time_off(&mut self, item: &Value, now: i64) -> AppResult<()> {
        let Some(id) = self.counted(kind::TIME_OFF, item) else {
            return Ok(());
        };
        let employee = item.get("employee_id").and_then(source_id);
        let Some(employee) = employee.and_then(|e| self.target(kind::EMPLOYEE, e)) else {
            let why = "its employee was not imported".to_string();
            self.report.time_offs.skip(&id.to_string(), why);
            return Ok(());
        };
        let absence = item
            .get("absence")
            .and_then(|a| a.get("id"))
            .or_else(|| item.get("absence_id"))
            .and_then(source_id);
        let Some(absence) = absence.and_then(|a| self.target(kind::TIME_OFF_TYPE, a)) else {
            let why = "its time-off type was not imported".to_string();
            self.report.time_offs.skip(&id.to_string(), why);
            return Ok(());
        };
        let status = item.get("status").and_then(source_id).unwrap_or(0);
        let mut body = json!({
            "employee_id": employee,
            "absence_id": absence,
            "absence_type": item.get("absence_type").cloned().unwrap_or(json!("daily")),
            "start_date_time": text(item, "start_date_time"),
            "end_date_time": text(item, "end_date_time"),
            "paid": item.get("paid").cloned().unwrap_or(json!(false)),
            "status": if status == 1 { 1 } else { 0 },
        });
        let description = text(item, "description");
        if !description.is_empty() {
            body["description"] = description.into();
        }
        let created = match time_offs::request(&self.store, &self.caller, request(body)?, now).await
        {
            Ok(created) => created,
            Err(err) if fatal(&err) => return Err(err),
            Err(err) => {
                self.report.time_offs.skip(&id.to_string(), reason(&err));
                return Ok(());
            }
        };
        self.remember(kind::TIME_OFF, id, created.id.0, false, now)
            .await?;
        self.report.time_offs.written += 1;
        let decided = match status {
            2 => time_offs::reject(&self.store, &self.caller, created.id, None, now)
                .await
                .map(|_| ()),
            3 => time_offs::cancel(&self.store, &self.caller, created.id, now).await,
            _ => Ok(()),
        };
        if let Err(err) = decided {
            if fatal(&err) {
                return Err(err);
            }
            let note = format!("status {status} not applied: {}", reason(&err));
            self.report.time_offs.note(&id.to_string(), note);
        }
        Ok(())
    }

    /// The clock events of one local day (`GET /v1/reports/inouts` for that day, every
    /// page), stored in one transaction; `whole` (a day before today) marks the day read
    /// in the same transaction, so that a later run does not read it again — unless an
    /// event of it was left behind.
    pub async fn day_of_events(
        &mut self,
        day: NaiveDate,
        items: &[Value],
        whole: bool,
        now: i64,
    ) -> AppResult<()> {
        let company = self.company();
        let zone = self.caller.zone();
        let from = zone.day_start(civil(day));
        let to = zone.day_start(civil(day.succ_opt().unwrap_or(day)));
        let mut seen: HashSet<(i64, i64, &'static str, Option<i64>)> =
            clock_events::keys_between(self.store.connection(), company, from, to)
                .await?
                .into_iter()
                .map(|k| {
                    (
                        k.employee_id.0,
                        k.at,
                        k.kind.0.name(),
                        k.location_id.map(|l| l.0),
                    )
                })
                .collect();
        let mut new = Vec::new();
        let mut skipped = 0;
        for item in items {
            self.report.events.read += 1;
            match self.event(item, &zone) {
                Err(why) => {
                    skipped += 1;
                    *self.report.events.skipped.entry(why.into()).or_default() += 1;
                }
                Ok(event) => {
                    let key = (
                        event.employee_id.0,
                        event.at,
                        event.kind.name(),
                        event.location_id.map(|l| l.0),
                    );
                    if seen.insert(key) {
                        new.push(event);
                    } else {
                        self.report.events.already_present += 1;
                    }
                }
            }
        }
        let txn = self.store.begin().await?;
        txn.changes(new.iter().map(|e| Dependency::Attendance(e.employee_id)));
        clock_events::insert_batch(&txn, company, &new, now).await?;
        // A day with events left behind is read again next time: their employee may
        // be imported by then (the events already stored are not stored twice).
        if whole && skipped == 0 {
            let read = items.len() as i64;
            imports::day_read(&txn, company, &self.source, &day.to_string(), read, now).await?;
        }
        txn.commit().await?;
        self.report.events.written += new.len() as u64;
        self.report.events.days_read += 1;
        Ok(())
    }

    /// One `inouts` item as an event to store, or why it is not stored.
    fn event(
        &self,
        item: &Value,
        zone: &davomat_core::zone::CompanyZone,
    ) -> Result<NewEvent, &'static str> {
        let employee = item.get("employee_id").and_then(source_id);
        let employee = employee
            .and_then(|e| self.target(kind::EMPLOYEE, e))
            .ok_or("employee not imported")?;
        let kind = match text(item, "event_name") {
            "in" => EventKind::In,
            "out" => EventKind::Out,
            _ => return Err("event_name neither in nor out"),
        };
        let when = chrono::NaiveDateTime::parse_from_str(
            text(item, "event_full_date"),
            "%Y-%m-%d %H:%M:%S",
        )
        .map_err(|_| "event_full_date unreadable")?;
        let seconds = i64::from(chrono::Timelike::num_seconds_from_midnight(&when.time()));
        let at = zone.local_instant(civil(when.date()), seconds);
        // A location the source no longer lists (deleted there): the event is stored
        // without one, as an event sent from no location is.
        let location = item
            .get("location_id")
            .and_then(source_id)
            .and_then(|source| self.target(kind::LOCATION, source));
        Ok(NewEvent {
            employee_id: EmployeeId(employee),
            kind,
            at,
            location_id: location.map(LocationId),
            mode: ClockMode::parse(text(item, "mode")).unwrap_or(ClockMode::Auto),
            device_id: None,
            device_uid: None,
            ip: None,
            latitude: None,
            longitude: None,
            created_by: None,
            verify_mode: None,
            work_code: None,
        })
    }

    /// Notes a day an earlier run read whole.
    pub fn day_already_read(&mut self) {
        self.report.events.days_already_read += 1;
    }

    /// The days an earlier run read whole.
    pub async fn days_read(&self) -> AppResult<HashSet<String>> {
        Ok(imports::days_read(self.store.connection(), self.company(), &self.source).await?)
    }

    /// Lists the schedules of this source still drafts, for the report.
    pub async fn list_drafts(&mut self) -> AppResult<()> {
        let conn = self.store.connection();
        let ids = imports::drafts(conn, self.company(), &self.source, kind::SCHEDULE).await?;
        let mut drafts = Vec::new();
        for id in ids {
            match schedules::get(&self.store, &self.caller, id).await {
                Ok(row) => drafts.push(DraftSchedule {
                    id,
                    title: row.title,
                    kind: row.kind,
                }),
                Err(AppError::NotFound) => {}
                Err(err) => return Err(err),
            }
        }
        self.report.draft_schedules = drafts;
        Ok(())
    }

    fn tally(&mut self, kind: &'static str) -> &mut Tally {
        let report = &mut self.report;
        match kind {
            kind::DEPARTMENT => &mut report.departments,
            kind::POSITION => &mut report.positions,
            kind::LOCATION => &mut report.locations,
            kind::SCHEDULE => &mut report.schedules,
            kind::TIME_OFF_TYPE => &mut report.time_off_types,
            kind::HOLIDAY => &mut report.holidays,
            kind::EMPLOYEE => &mut report.employees,
            _ => &mut report.time_offs,
        }
    }

    /// Counts a source object read; answers its id unless it has none or was imported
    /// before (each counted).
    fn counted(&mut self, kind: &'static str, item: &Value) -> Option<i64> {
        self.tally(kind).read += 1;
        let Some(id) = item.get("id").and_then(source_id) else {
            self.tally(kind).skip("?", "no id".into());
            return None;
        };
        if self.target(kind, id).is_some() {
            self.tally(kind).already_imported += 1;
            return None;
        }
        Some(id)
    }

    /// Links what a use case created, or records why it refused.
    async fn created(
        &mut self,
        kind: &'static str,
        source: i64,
        outcome: AppResult<i64>,
        draft: bool,
        now: i64,
    ) -> AppResult<()> {
        match outcome {
            Ok(target) => {
                self.remember(kind, source, target, draft, now).await?;
                self.tally(kind).written += 1;
            }
            Err(err) if fatal(&err) => return Err(err),
            Err(err) => self.tally(kind).skip(&source.to_string(), reason(&err)),
        }
        Ok(())
    }
}

/// An employee's hire and later changes, as request bodies.
struct EmployeePlan {
    hire: Value,
    changes: Vec<Value>,
}

/// The departments of a tree, parents first, each with its parent's source id.
fn flatten<'a>(tree: &'a [Value], parent: Option<i64>, into: &mut Vec<(&'a Value, Option<i64>)>) {
    for item in tree {
        into.push((item, parent));
        let id = item.get("id").and_then(source_id);
        if let Some(childs) = item.get("childs").and_then(Value::as_array) {
            flatten(childs, id, into);
        }
    }
}

/// The positions held from each day their set changes (the first from the start
/// date), in this company's ids: from the position history's periods, or the current
/// positions when there is no history.
fn position_sets(
    import: &Import,
    item: &Value,
    history: &[Value],
    start_date: &str,
) -> Result<Vec<(String, Vec<i64>)>, String> {
    // A position the source no longer lists (deleted there) is left out.
    let mapped = |value: Option<&Value>| -> Result<Option<i64>, String> {
        let source = value.and_then(source_id);
        Ok(source.and_then(|source| import.target(kind::POSITION, source)))
    };
    if history.is_empty() {
        let mut current = Vec::new();
        for position in item
            .get("positions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            current.extend(mapped(position.get("id"))?);
        }
        return Ok(vec![(start_date.to_string(), current)]);
    }
    let mut periods = Vec::new();
    for record in history {
        let Some(position) = mapped(record.get("position_id"))? else {
            continue;
        };
        let start = text(record, "start_date").max(start_date).to_string();
        let end = text(record, "end_date").to_string();
        periods.push((start, end, position));
    }
    // A set changes where a period starts or the day after one ends.
    let mut days: Vec<String> = vec![start_date.to_string()];
    for (start, end, _) in &periods {
        days.push(start.clone());
        if let Ok(end) = NaiveDate::parse_from_str(end, "%Y-%m-%d")
            && let Some(next) = end.succ_opt()
        {
            days.push(next.to_string());
        }
    }
    days.sort();
    days.dedup();
    let mut sets: Vec<(String, Vec<i64>)> = Vec::new();
    for day in days.into_iter().filter(|d| d.as_str() >= start_date) {
        let mut held: Vec<i64> = periods
            .iter()
            .filter(|(start, end, _)| *start <= day && (end.is_empty() || *end >= day))
            .map(|(_, _, p)| *p)
            .collect();
        held.sort_unstable();
        held.dedup();
        if sets.last().is_none_or(|(_, last)| *last != held) {
            sets.push((day, held));
        }
    }
    Ok(sets)
}

/// A schedule of this type with a definition to complete: Monday to Friday from 09:00
/// (shifts: a day on, a day off).
fn draft_definition(title: &str, kind: i64) -> Value {
    let weekdays = |day: Value| -> Vec<Value> {
        (1..=5)
            .map(|weekday| {
                let mut day = day.clone();
                day["weekday"] = weekday.into();
                day
            })
            .collect()
    };
    match kind {
        1 => json!({"title": title, "type": 1,
            "days": weekdays(json!({"production_time": "08:00"}))}),
        3 => json!({"title": title, "type": 3,
            "days": weekdays(json!({"start_from": "08:00", "start_to": "10:00",
                "production_time": "08:00", "lunch_minutes": 60}))}),
        4 => json!({"title": title, "type": 4,
            "cycle": [{"start": "09:00", "end": "21:00", "lunch_minutes": 60}, null]}),
        _ => json!({"title": title, "type": 2,
            "days": weekdays(json!({"start": "09:00", "end": "18:00",
                "lunch_start": "13:00", "lunch_end": "14:00"}))}),
    }
}
