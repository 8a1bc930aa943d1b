//! `GET /employees/{id}/payroll`: an employee's salary rates, payroll rules and fines,
//! each with its history (oldest first, the open one ending 9999-12-31), for admins and
//! the heads over the employee. Admins give a new rate, payroll rule or fine there
//! (`POST /employees/{id}/payroll/{kind}`, kind salary | payroll | fine: the API's
//! add-salary, add-payroll, add-fine for this employee; the open period ends the day
//! before) and remove the latest period of a kind
//! (`POST /employees/{id}/payroll/{kind}/{period}/delete`: the one before it reopens).
//! `/payroll/rates` gives any of the three to every active employee of a department and
//! below, each employee's result listed as the API answers it. The API's use cases
//! (`davomat_app::payroll`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::caller::Caller;
use davomat_app::payroll::assign::{
    self, Assignments, NewFinePeriod, NewPayrollPeriod, NewSalary, Outcome,
};
use davomat_app::payroll::catalog;
use davomat_app::payroll::{self, History};
use davomat_app::sign_in::ConsoleUser;
use davomat_app::{AppError, Sent};
use davomat_core::EmployeeId;
use davomat_core::money::format_minor;
use davomat_store::payroll::periods::{PeriodKind, PeriodRow};

use crate::form::{Messages, Posted};
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// One period as listed.
struct Line {
    id: i64,
    what: String,
    from: String,
    to: String,
}

/// One kind's table.
struct Section {
    kind: &'static str,
    title: String,
    lines: Vec<Line>,
}

/// A form that gives a payroll rule or a fine: the catalog's active entries to choose.
struct HeldForm {
    /// `payroll` or `fine`.
    kind: &'static str,
    title: String,
    /// The request's field: `payroll_rule_id` or `fine_id`.
    field: &'static str,
    label: String,
    entries: Vec<(i64, String)>,
}

/// The two held forms, with the company's active rules and fines.
async fn held_forms(state: &AppState, caller: &Caller, t: &Words) -> Vec<HeldForm> {
    let (rules, fines) = catalog::active_entries(&state.store, caller)
        .await
        .unwrap_or_default();
    vec![
        HeldForm {
            kind: "payroll",
            title: t.get("payroll-new-rule"),
            field: "payroll_rule_id",
            label: t.get("payroll-rule"),
            entries: rules.into_iter().map(|r| (r.id, r.title)).collect(),
        },
        HeldForm {
            kind: "fine",
            title: t.get("payroll-new-fine"),
            field: "fine_id",
            label: t.get("payroll-fine"),
            entries: fines
                .into_iter()
                .map(|f| {
                    let sum = if f.amount_type == 1 {
                        format!("{} %", format_minor(f.amount))
                    } else {
                        format_minor(f.amount)
                    };
                    (f.id, format!("{} ({sum})", f.title))
                })
                .collect(),
        },
    ]
}

/// What the posted form was, for the page drawn again with its problems.
#[derive(Default)]
struct Typed {
    /// salary | payroll | fine: the form the messages belong to.
    kind: String,
    rate: String,
    start: String,
    entry: String,
}

impl Typed {
    fn of(form: &Posted, kind: &str) -> Typed {
        Typed {
            kind: kind.to_string(),
            rate: form.value("rate").to_string(),
            start: form.value("start_date").to_string(),
            entry: [form.value("payroll_rule_id"), form.value("fine_id")].concat(),
        }
    }
}

#[derive(Template)]
#[template(path = "payroll.html")]
struct PayrollPage {
    frame: Frame,
    t: Words,
    employee_id: i64,
    /// Unused on an employee's page (the forms' department field is the bulk page's).
    departments: Vec<(String, String)>,
    department: String,
    full_name: String,
    sections: Vec<Section>,
    may_change: bool,
    messages: Messages,
    typed: Typed,
    held_forms: Vec<HeldForm>,
}

/// The kind of a path or form (`salary`, `payroll`, `fine`).
fn kind_of(text: &str) -> Option<PeriodKind> {
    match text {
        "salary" => Some(PeriodKind::Salary),
        "payroll" => Some(PeriodKind::Payroll),
        "fine" => Some(PeriodKind::Fine),
        _ => None,
    }
}

/// The API's add-salary, add-payroll or add-fine of the posted form for `employees`.
async fn give(
    state: &AppState,
    caller: &Caller,
    kind: PeriodKind,
    form: &Posted,
    employees: Vec<i64>,
) -> Result<Assignments, AppError> {
    let text = |name: &str| {
        let value = form.value(name).trim();
        if value.is_empty() {
            Sent::Absent
        } else {
            Sent::Value(value.to_string())
        }
    };
    let number = |name: &str| {
        form.value(name)
            .trim()
            .parse()
            .map_or(Sent::Absent, Sent::Value)
    };
    let (store, now) = (&state.store, state.clock.now());
    match kind {
        PeriodKind::Salary => {
            let request = NewSalary {
                type_col: number("type_col"),
                rate: text("rate"),
                start_date: text("start_date"),
                employee_ids: Sent::Value(employees),
                person_ids: Sent::Absent,
            };
            assign::add_salary(store, caller, request, now).await
        }
        PeriodKind::Payroll => {
            let request = NewPayrollPeriod {
                payroll_rule_id: number("payroll_rule_id"),
                start_date: text("start_date"),
                person_ids: Sent::Value(employees),
                employee_ids: Sent::Absent,
            };
            assign::add_payroll_rule(store, caller, request, now).await
        }
        PeriodKind::Fine => {
            let request = NewFinePeriod {
                fine_id: number("fine_id"),
                start_date: text("start_date"),
                person_ids: Sent::Value(employees),
                employee_ids: Sent::Absent,
            };
            assign::add_fine(store, caller, request, now).await
        }
    }
}

/// The fields of the forms a refusal is shown beside.
const FORM_FIELDS: [&str; 5] = [
    "rate",
    "type_col",
    "start_date",
    "payroll_rule_id",
    "fine_id",
];

fn lines(rows: &[PeriodRow], what: impl Fn(&PeriodRow) -> String) -> Vec<Line> {
    rows.iter()
        .map(|row| Line {
            id: row.id,
            what: what(row),
            from: row.start_date.format("%Y-%m-%d").to_string(),
            to: row.end_date.format("%Y-%m-%d").to_string(),
        })
        .collect()
}

fn sections(history: &History, t: &Words) -> Vec<Section> {
    let salary = |row: &PeriodRow| {
        format!(
            "{} ({})",
            format_minor(row.rate.unwrap_or(0)),
            t.get(&format!("payroll-type-{}", row.type_col.unwrap_or(3)))
        )
    };
    let titled = |row: &PeriodRow| row.title.clone().unwrap_or_default();
    vec![
        Section {
            kind: "salary",
            title: t.get("payroll-salaries"),
            lines: lines(&history.salaries, salary),
        },
        Section {
            kind: "payroll",
            title: t.get("payroll-rules"),
            lines: lines(&history.rules, titled),
        },
        Section {
            kind: "fine",
            title: t.get("payroll-fines"),
            lines: lines(&history.fines, titled),
        },
    ]
}

/// `GET /employees/{id}/payroll`.
pub async fn page(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Response {
    show(&state, &user, &id, None).await
}

async fn show(
    state: &AppState,
    user: &ConsoleUser,
    id: &str,
    refused: Option<(&Posted, &str, Messages)>,
) -> Response {
    let caller = &user.caller;
    let Ok(id) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    let history = match payroll::history(&state.store, caller, EmployeeId(id), now).await {
        Ok(history) => history,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let full_name = davomat_store::employees::full_name_of(
        state.store.connection(),
        caller.company_id,
        EmployeeId(id),
    )
    .await
    .unwrap_or_default();
    let frame = Frame::new(user, "employees");
    let t = frame.t;
    let (messages, typed) = match refused {
        Some((form, kind, messages)) => (messages, Typed::of(form, kind)),
        None => Default::default(),
    };
    let may_change = payroll::authorize(caller).is_ok();
    let held_forms = if may_change {
        held_forms(state, caller, &t).await
    } else {
        Vec::new()
    };
    let page = PayrollPage {
        employee_id: id,
        departments: Vec::new(),
        department: String::new(),
        full_name,
        sections: sections(&history, &t),
        may_change,
        messages,
        typed,
        held_forms,
        frame,
        t,
    };
    render(page.messages.status(), &page)
}

/// `POST /employees/{id}/payroll/{kind}`: salary (`rate`, `type_col`, `start_date`),
/// payroll (`payroll_rule_id`, `start_date`) or fine (`fine_id`, `start_date`).
pub async fn add(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path((id, kind_text)): Path<(String, String)>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let (Ok(employee), Some(kind)) = (id.parse::<i64>(), kind_of(&kind_text)) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let messages = match give(&state, caller, kind, &form, vec![employee]).await {
        Ok(done) => match done.results.first() {
            Some((_, Outcome::Refused(why))) => Messages {
                fields: Vec::new(),
                general: vec![why.clone()],
            },
            _ => {
                return Redirect::to(&format!("/employees/{employee}/payroll")).into_response();
            }
        },
        Err(AppError::Invalid(errors)) => {
            let mut messages = Messages::of_fields(errors, caller.lang);
            messages.keep_fields(&FORM_FIELDS);
            messages
        }
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    show(&state, &user, &id, Some((&form, &kind_text, messages))).await
}

/// `POST /employees/{id}/payroll/{kind}/{period}/delete`.
pub async fn remove(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path((id, kind, period)): Path<(String, String, String)>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Some(kind) = kind_of(&kind) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let (Ok(employee), Ok(period)) = (id.parse::<i64>(), period.parse::<i64>()) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    match assign::delete_period(&state.store, caller, kind, employee, period, now).await {
        Ok(()) => Redirect::to(&format!("/employees/{employee}/payroll")).into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// The bulk form's outcome for one employee.
struct Given {
    name: String,
    outcome: String,
    accepted: bool,
}

#[derive(Template)]
#[template(path = "payroll_rates.html")]
struct RatesPage {
    frame: Frame,
    t: Words,
    /// 0: the forms are for a department, not one employee.
    employee_id: i64,
    departments: Vec<(String, String)>,
    department: String,
    typed: Typed,
    messages: Messages,
    given: Vec<Given>,
    held_forms: Vec<HeldForm>,
}

/// `GET /payroll/rates`: the forms that give a rate, a payroll rule or a fine to every
/// active employee of a department and below (admins).
pub async fn rates(State(state): State<AppState>, Signed(user): Signed) -> Response {
    rates_page(&state, &user, None, Messages::default(), Vec::new()).await
}

async fn rates_page(
    state: &AppState,
    user: &ConsoleUser,
    form: Option<&Posted>,
    messages: Messages,
    given: Vec<Given>,
) -> Response {
    let caller = &user.caller;
    if let Err(err) = payroll::authorize(caller) {
        return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
    }
    let choices = match davomat_app::personnel::choices(&state.store, caller).await {
        Ok(choices) => choices,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "employees");
    let t = frame.t;
    let held_forms = held_forms(state, caller, &t).await;
    let page = RatesPage {
        employee_id: 0,
        departments: crate::pages::employees::department_options(&choices),
        department: form
            .map(|f| f.value("department").to_string())
            .unwrap_or_default(),
        typed: form
            .map(|f| Typed::of(f, f.value("kind")))
            .unwrap_or_default(),
        messages,
        given,
        held_forms,
        frame,
        t,
    };
    render(page.messages.status(), &page)
}

/// `POST /payroll/rates` (`department`, `kind` and the kind's fields, as
/// [`add`] reads them): the API's add-salary, add-payroll or add-fine for the
/// department's active employees; each one's result listed.
pub async fn give_rates(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let now = state.clock.now();
    let Some(kind) = kind_of(form.value("kind")) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let Ok(department) = form.value("department").parse::<i64>() else {
        let mut errors = davomat_core::validation::FieldErrors::new();
        errors.add(
            "department",
            davomat_core::validation::FieldCode::Required,
            davomat_core::validation::Reason::Plain,
        );
        let messages = Messages::of_fields(errors, caller.lang);
        return rates_page(&state, &user, Some(&form), messages, Vec::new()).await;
    };
    let people = match davomat_app::personnel::active_in_department(
        &state.store,
        caller,
        davomat_core::DepartmentId(department),
        now,
    )
    .await
    {
        Ok(people) => people,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let t = Words::new(caller.lang);
    let employees = people.iter().map(|(id, _)| *id).collect();
    match give(&state, caller, kind, &form, employees).await {
        Ok(done) => {
            let given = done
                .results
                .iter()
                .map(|(id, outcome)| Given {
                    name: people
                        .iter()
                        .find(|(p, _)| p == id)
                        .map(|(_, name)| name.clone())
                        .unwrap_or_default(),
                    accepted: matches!(outcome, Outcome::Accepted(_)),
                    outcome: match outcome {
                        Outcome::Accepted(_) => t.get("payroll-given"),
                        Outcome::Refused(why) => why.clone(),
                    },
                })
                .collect();
            rates_page(&state, &user, Some(&form), Messages::default(), given).await
        }
        Err(AppError::Invalid(errors)) => {
            let mut messages = Messages::of_fields(errors, caller.lang);
            messages.keep_fields(&FORM_FIELDS);
            rates_page(&state, &user, Some(&form), messages, Vec::new()).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
