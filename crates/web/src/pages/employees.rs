//! The people of the company: `GET /employees` (the list, 50 a page, with the search by
//! name, tab number or PIN and the filters by department and below, position, location
//! and status), `GET /employees/{id}` (the employee's file: card, photo, history, the last
//! 31 days, the activity about them) and the steps of employment taken from the file —
//! `POST /employees/{id}/dismiss`, `…/cancel-dismissal`, `…/rehire`, `…/cancel-rehire`.
//! The forms that hire and edit are in [`super::employee_form`].

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::employee_lifecycle::{self, Dismissal, Recovery, Step};
use davomat_app::personnel::{self, Choices, EmployeeFile, EmployeeQuery, PAGE_SIZE};
use davomat_app::sign_in::ConsoleUser;
use davomat_app::{AppError, Locations, Sent};
use davomat_core::page::PageRequest;
use davomat_core::{EmployeeId, EmployeeStatus};
use davomat_store::employees::{EmployeeCard, StatusFilter};
use serde::Deserialize;

use crate::form::{Messages, Posted};
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// The list's query string as sent; what does not read is "any".
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
}

impl ListQuery {
    fn query(&self) -> EmployeeQuery {
        EmployeeQuery {
            search: Some(self.q.trim().to_string()).filter(|q| !q.is_empty()),
            department: self.department.parse().ok(),
            position: self.position.parse().ok(),
            location: self.location.parse().ok(),
            status: match self.status.as_str() {
                "dismissed" => StatusFilter::Dismissed,
                "pending" => StatusFilter::Pending,
                "all" => StatusFilter::All,
                _ => StatusFilter::Active,
            },
        }
    }

    fn page(&self) -> u64 {
        self.page.parse().unwrap_or(1).max(1)
    }

    /// This query on another page, as a link.
    fn link_to(&self, page: u64) -> String {
        let pairs = [
            ("q", self.q.as_str()),
            ("department", self.department.as_str()),
            ("position", self.position.as_str()),
            ("location", self.location.as_str()),
            ("status", self.status.as_str()),
        ];
        let mut link = format!("/employees?page={page}");
        for (key, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            link.push_str(&format!("&{key}={}", encode(value)));
        }
        link
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One row of the list.
struct Row {
    id: i64,
    full_name: String,
    tab_number: String,
    department: String,
    positions: String,
    status: String,
}

#[derive(Template)]
#[template(path = "employees.html")]
struct ListPage {
    frame: Frame,
    t: Words,
    query: ListQuery,
    departments: Vec<(String, String)>,
    positions: Vec<(i64, String)>,
    locations: Vec<(i64, String)>,
    rows: Vec<Row>,
    total: u64,
    page: u64,
    pages: u64,
    previous: Option<String>,
    next: Option<String>,
    may_hire: bool,
    /// Admins give a rate to a whole department.
    may_give_rates: bool,
}

/// `GET /employees`.
pub async fn list(
    State(state): State<AppState>,
    Signed(user): Signed,
    Query(query): Query<ListQuery>,
) -> Response {
    let now = state.clock.now();
    let caller = &user.caller;
    let found = personnel::page(&state.store, caller, &query.query(), query.page(), now).await;
    let choices = personnel::choices(&state.store, caller).await;
    let ((cards, total), choices) = match (found, choices) {
        (Ok(found), Ok(choices)) => (found, choices),
        (Err(err), _) | (_, Err(err)) => {
            return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
        }
    };
    let frame = Frame::new(&user, "employees");
    let t = frame.t;
    let page = query.page();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let rows = cards.iter().map(|card| row(card, &t)).collect();
    let list = ListPage {
        departments: department_options(&choices),
        positions: choices.positions,
        locations: choices.locations,
        rows,
        total,
        page,
        pages,
        previous: (page > 1).then(|| query.link_to(page - 1)),
        next: (page < pages).then(|| query.link_to(page + 1)),
        may_hire: davomat_app::hiring::authorize(caller).is_ok(),
        may_give_rates: davomat_app::payroll::authorize(caller).is_ok(),
        query,
        frame,
        t,
    };
    render(StatusCode::OK, &list)
}

fn row(card: &EmployeeCard, t: &Words) -> Row {
    Row {
        id: card.id.0,
        full_name: card.full_name.clone(),
        tab_number: card.tab_number.clone(),
        department: card.department_title.clone(),
        positions: card
            .positions
            .iter()
            .map(|p| p.title.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        status: t.get(match card.status.0 {
            EmployeeStatus::Active => "status-active",
            EmployeeStatus::Dismissed => "status-dismissed",
        }),
    }
}

/// The departments as options, each indented by its depth in the tree.
pub fn department_options(choices: &Choices) -> Vec<(String, String)> {
    choices
        .departments
        .iter()
        .map(|d| {
            (
                d.id.to_string(),
                format!("{}{}", "\u{a0}\u{a0}".repeat(d.depth), d.title),
            )
        })
        .collect()
}

/// One day of the file's calendar.
struct Day {
    date: String,
    number: u32,
    key: &'static str,
    word: String,
}

/// One period of a history.
struct Held {
    title: String,
    from: String,
    to: String,
}

/// One activity row.
struct Happened {
    at: String,
    message: String,
    by: String,
}

#[derive(Template)]
#[template(path = "employee.html")]
struct FilePage {
    frame: Frame,
    t: Words,
    card: EmployeeCard,
    photo: Option<String>,
    status: String,
    positions: String,
    locations: String,
    days: Vec<Day>,
    departments: Vec<Held>,
    position_history: Vec<Held>,
    activity: Vec<Happened>,
    activity_more: u64,
    /// What may be done now: `dismiss`, `cancel-dismissal`, `rehire`, `cancel-rehire`.
    steps: Vec<&'static str>,
    may_edit: bool,
    /// Admins and heads read the employee's pay and fines.
    may_read_payroll: bool,
    dismissal_date: Option<String>,
    recovery_date: Option<String>,
    today: String,
    /// For the re-hire form.
    department_options: Vec<(String, String)>,
    schedule_options: Vec<(i64, String)>,
    /// Why the last step was refused.
    messages: Messages,
    /// The caller's own file: it offers clocking in and out at these locations.
    own_locations: Option<Vec<(i64, String)>>,
    /// For those who manage faces: the biometric consent as recorded (the day given and
    /// who recorded it), `Some(None)` when none is.
    biometrics: Option<Option<(String, String)>>,
    /// What the caller just clocked (`in`, `out`), said once.
    clocked: Option<String>,
    /// The caller's own file: their time-offs and the types they may ask for.
    own_time_offs: Vec<OwnTimeOff>,
    time_off_types: Vec<(i64, String)>,
}

/// One of the caller's own time-offs.
struct OwnTimeOff {
    id: i64,
    kind: String,
    from: String,
    to: String,
    status: String,
    pending: bool,
}

/// The file's query: what the caller just clocked.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FileQuery {
    #[serde(default)]
    clocked: Option<String>,
}

/// `GET /employees/{id}`.
pub async fn file(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Query(query): Query<FileQuery>,
) -> Response {
    let clocked = query.clocked.filter(|c| c == "in" || c == "out");
    show_file(&state, &user, &id, Messages::default(), clocked).await
}

pub(crate) async fn show_file(
    state: &AppState,
    user: &ConsoleUser,
    id: &str,
    messages: Messages,
    clocked: Option<String>,
) -> Response {
    let caller = &user.caller;
    let Ok(id) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    let file = match personnel::file(&state.store, caller, EmployeeId(id), now).await {
        Ok(file) => file,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let choices = if file.may_change {
        match personnel::choices(&state.store, caller).await {
            Ok(choices) => choices,
            Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
        }
    } else {
        Choices::default()
    };
    let own = caller.employee_id.map(|e| e.0) == Some(id);
    let frame = Frame::new(user, if own { "me" } else { "employees" });
    let t = frame.t;
    let status = messages.status();
    let manages_faces = file.may_change && davomat_app::faces::authorize(caller).is_ok();
    let mut page = file_page(frame, file, &choices, caller, now, messages, t);
    if manages_faces {
        let consent = match davomat_app::biometrics::consent(&state.store, caller, id).await {
            Ok(consent) => consent,
            Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
        };
        page.biometrics = Some(consent.biometric_consent_on.map(|on| {
            (
                on.to_string(),
                consent.biometric_consent_by.unwrap_or_default(),
            )
        }));
    }
    if own {
        let locations = page
            .card
            .locations
            .iter()
            .map(|l| (l.id, l.title.clone()))
            .collect();
        page.own_locations = Some(locations);
        page.clocked = clocked.map(|c| page.t.get(&format!("clock-done-{c}")));
        if let Err(err) = own_time_offs(state, caller, &mut page).await {
            return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
        }
    }
    render(status, &page)
}

/// The caller's own time-offs and the types they may ask for, on their file.
async fn own_time_offs(
    state: &AppState,
    caller: &davomat_app::Caller,
    page: &mut FilePage,
) -> Result<(), AppError> {
    let all = PageRequest {
        page: 1,
        per_page: 200,
    };
    let mine = davomat_app::time_offs::mine(&state.store, caller).await?;
    let (types, _) = davomat_app::time_off_types::list(&state.store, caller, all).await?;
    let zone = caller.zone();
    let day = |at: i64| zone.format(at).get(..10).unwrap_or("").to_string();
    page.own_time_offs = mine
        .iter()
        .map(|o| OwnTimeOff {
            id: o.id.0,
            kind: o.type_title.clone(),
            from: day(o.start_at),
            to: day(o.end_at),
            status: page.t.get(&format!("time-off-status-{}", o.status)),
            pending: o.status == 0,
        })
        .collect();
    page.time_off_types = types.into_iter().map(|t| (t.id.0, t.title)).collect();
    Ok(())
}

fn file_page(
    frame: Frame,
    file: EmployeeFile,
    choices: &Choices,
    caller: &davomat_app::Caller,
    now: i64,
    messages: Messages,
    t: Words,
) -> FilePage {
    let zone = caller.zone();
    let today = caller.today(now);
    let card = file.card;
    let dismissed = card.status.0 == EmployeeStatus::Dismissed;
    let steps = file
        .steps
        .iter()
        .filter_map(|step| step_key(*step))
        .collect();
    let held = |periods: Vec<davomat_store::employees::history::Period>| {
        periods
            .into_iter()
            .map(|p| Held {
                title: p.object_title,
                from: p.start_date.to_string(),
                to: p.end_date.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect()
    };
    let days = file
        .days
        .iter()
        .map(|(date, mark)| Day {
            date: date.to_string(),
            number: chrono::Datelike::day(date),
            key: mark.key(),
            word: t.get(&format!("day-{}", mark.key())),
        })
        .collect();
    let activity = file
        .activity
        .iter()
        .map(|row| Happened {
            at: zone.format(row.created_at),
            message: row.message.clone(),
            by: davomat_core::person::full_name(
                row.user_last_name.as_deref().unwrap_or(""),
                row.user_first_name.as_deref().unwrap_or(""),
                row.user_patronymic.as_deref().unwrap_or(""),
            ),
        })
        .collect();
    FilePage {
        photo: card.photo_key.as_ref().map(|key| {
            format!(
                "/images/employee/120/{}/{}.png?k={key}",
                caller.company_id.0, card.id
            )
        }),
        status: t.get(if dismissed {
            "status-dismissed"
        } else {
            "status-active"
        }),
        positions: join_titles(&card.positions),
        locations: join_titles(&card.locations),
        days,
        departments: held(file.departments),
        position_history: held(file.positions),
        activity_more: file
            .activity_total
            .saturating_sub(file.activity.len() as u64),
        activity,
        steps,
        may_edit: file.may_change && !dismissed,
        may_read_payroll: davomat_app::payroll::authorize_read(caller).is_ok(),
        dismissal_date: file.dismissal_date.map(|d| d.to_string()),
        recovery_date: file.recovery_date.map(|d| d.to_string()),
        today: today.to_string(),
        department_options: department_options(choices),
        schedule_options: choices.schedules.clone(),
        messages,
        own_locations: None,
        biometrics: None,
        clocked: None,
        own_time_offs: Vec::new(),
        time_off_types: Vec::new(),
        card,
        frame,
        t,
    }
}

fn join_titles(refs: &[davomat_store::employees::NamedRef]) -> String {
    refs.iter()
        .map(|r| r.title.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The path segment of a step the file offers.
fn step_key(step: Step) -> Option<&'static str> {
    match step {
        Step::Dismiss => Some("dismiss"),
        Step::CancelDismissal => Some("cancel-dismissal"),
        Step::Recover => Some("rehire"),
        Step::CancelRecovery => Some("cancel-rehire"),
        Step::Remove => None,
    }
}

/// `POST /employees/{id}/dismiss` (`exp_date`), `…/cancel-dismissal`, `…/rehire`
/// (`efct_date`, `department_id`, `schedule_id`; every location), `…/cancel-rehire`:
/// back to the file, with the use case's message when refused.
pub async fn step(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path((id, step)): Path<(String, String)>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let known = [
        Step::Dismiss,
        Step::CancelDismissal,
        Step::Recover,
        Step::CancelRecovery,
    ];
    let Some(step) = known
        .into_iter()
        .find(|s| step_key(*s) == Some(step.as_str()))
    else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let Ok(employee) = id.parse::<i64>().map(EmployeeId) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    let store = &state.store;
    let done = match step {
        Step::Dismiss => {
            let request = Dismissal {
                exp_date: text(form.value("exp_date")),
            };
            employee_lifecycle::dismiss(store, caller, employee, request, now).await
        }
        Step::CancelDismissal => {
            employee_lifecycle::cancel_dismissal(store, caller, employee, now).await
        }
        Step::Recover => {
            let request = Recovery {
                department_id: number(form.value("department_id")),
                schedule_id: number(form.value("schedule_id")),
                efct_date: text(form.value("efct_date")),
                location_ids: Sent::Value(Locations::All),
                ..Recovery::default()
            };
            employee_lifecycle::recover(store, caller, employee, request, now).await
        }
        Step::CancelRecovery => {
            employee_lifecycle::cancel_recovery(store, caller, employee, now).await
        }
        Step::Remove => return ErrorPage::new(caller.lang, Problem::NotFound).into_response(),
    };
    match done {
        Ok(()) => Redirect::to(&format!("/employees/{}", employee.0)).into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            show_file(&state, &user, &id, messages, None).await
        }
        Err(err @ (AppError::NotApplicable | AppError::LastAdmin | AppError::EmployeeLimit)) => {
            let messages = Messages::general(err, caller.lang);
            show_file(&state, &user, &id, messages, None).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

fn text(value: &str) -> Sent<String> {
    let value = value.trim();
    if value.is_empty() {
        Sent::Absent
    } else {
        Sent::Value(value.to_string())
    }
}

fn number(value: &str) -> Sent<i64> {
    match value.trim() {
        "" => Sent::Absent,
        value => value.parse().map_or(Sent::Unreadable, Sent::Value),
    }
}

/// The messages beside the file's forms are the general ones and the fields' together.
impl FilePage {
    fn all_messages(&self) -> Vec<String> {
        self.messages
            .general
            .iter()
            .cloned()
            .chain(self.messages.fields.iter().map(|(_, m)| m.clone()))
            .collect()
    }
}
