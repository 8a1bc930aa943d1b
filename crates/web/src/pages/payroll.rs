//! `GET /employees/{id}/payroll`: an employee's salary rates, payroll rules and fines,
//! each with its history (oldest first, the open one ending 9999-12-31), for admins and
//! the heads over the employee. Admins give a new rate there
//! (`POST /employees/{id}/payroll/salary`, the API's add-salary for this employee: the
//! open rate ends the day before) and remove the latest period of a kind
//! (`POST /employees/{id}/payroll/{kind}/{period}/delete`: the one before it reopens), the
//! API's use cases (`davomat_app::payroll`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::payroll::assign::{self, NewSalary, Outcome};
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

#[derive(Template)]
#[template(path = "payroll.html")]
struct PayrollPage {
    frame: Frame,
    t: Words,
    employee_id: i64,
    full_name: String,
    sections: Vec<Section>,
    may_change: bool,
    messages: Messages,
    typed_rate: String,
    typed_start: String,
}

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
    refused: Option<(&Posted, Messages)>,
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
    let (messages, typed_rate, typed_start) = match refused {
        Some((form, messages)) => (
            messages,
            form.value("rate").to_string(),
            form.value("start_date").to_string(),
        ),
        None => Default::default(),
    };
    let page = PayrollPage {
        employee_id: id,
        full_name,
        sections: sections(&history, &t),
        may_change: payroll::authorize(caller).is_ok(),
        messages,
        typed_rate,
        typed_start,
        frame,
        t,
    };
    render(page.messages.status(), &page)
}

/// `POST /employees/{id}/payroll/salary` (`rate`, `type_col`, `start_date`).
pub async fn add_salary(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Ok(employee) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let text = |name: &str| {
        let value = form.value(name).trim();
        if value.is_empty() {
            Sent::Absent
        } else {
            Sent::Value(value.to_string())
        }
    };
    let request = NewSalary {
        type_col: form
            .value("type_col")
            .parse()
            .map_or(Sent::Absent, Sent::Value),
        rate: text("rate"),
        start_date: text("start_date"),
        employee_ids: Sent::Value(vec![employee]),
        person_ids: Sent::Absent,
    };
    let added = assign::add_salary(&state.store, caller, request, state.clock.now()).await;
    let messages = match added {
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
            messages.keep_fields(&["rate", "type_col", "start_date"]);
            messages
        }
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    show(&state, &user, &id, Some((&form, messages))).await
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
    let kind = match kind.as_str() {
        "salary" => PeriodKind::Salary,
        "payroll" => PeriodKind::Payroll,
        "fine" => PeriodKind::Fine,
        _ => return ErrorPage::new(caller.lang, Problem::NotFound).into_response(),
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
    departments: Vec<(String, String)>,
    department: String,
    typed_rate: String,
    typed_start: String,
    messages: Messages,
    given: Vec<Given>,
}

/// `GET /payroll/rates`: the form that gives a rate to every active employee of a
/// department and below (admins).
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
    let value = |name: &str| form.map(|f| f.value(name).to_string()).unwrap_or_default();
    let page = RatesPage {
        departments: crate::pages::employees::department_options(&choices),
        department: value("department"),
        typed_rate: value("rate"),
        typed_start: value("start_date"),
        messages,
        given,
        frame,
        t,
    };
    render(page.messages.status(), &page)
}

/// `POST /payroll/rates` (`department`, `rate`, `type_col`, `start_date`): the API's
/// add-salary for the department's active employees; each one's result listed.
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
    let text = |name: &str| {
        let value = form.value(name).trim();
        if value.is_empty() {
            Sent::Absent
        } else {
            Sent::Value(value.to_string())
        }
    };
    let request = NewSalary {
        type_col: form
            .value("type_col")
            .parse()
            .map_or(Sent::Absent, Sent::Value),
        rate: text("rate"),
        start_date: text("start_date"),
        employee_ids: Sent::Value(people.iter().map(|(id, _)| *id).collect()),
        person_ids: Sent::Absent,
    };
    let t = Words::new(caller.lang);
    match assign::add_salary(&state.store, caller, request, now).await {
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
            messages.keep_fields(&["rate", "type_col", "start_date"]);
            rates_page(&state, &user, Some(&form), messages, Vec::new()).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
