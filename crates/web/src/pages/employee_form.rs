//! The forms that hire and edit an employee: `GET`/`POST /employees/new` (admins; heads
//! into their departments) and `GET`/`POST /employees/{id}/edit`. Both post to the use
//! cases of the API's `POST /v1/employees` and `PUT /v1/employees/{id}`
//! (`davomat_app::hiring`, `davomat_app::employee_edit`); a refused form comes back with
//! what was typed and the contract's message beside each failing field.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::employee_edit::{self, EmployeeEdit};
use davomat_app::hiring::{self, Hire};
use davomat_app::personnel::{self, Choices};
use davomat_app::sign_in::ConsoleUser;
use davomat_app::{AppError, Caller};
use davomat_core::{EmployeeId, Role};
use davomat_store::employees::{self, EmployeeCard};

use crate::form::{Input, Messages, Posted};
use crate::i18n::Words;
use crate::pages::employees::department_options;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// The fields both forms send as one value each.
const SINGLES: [&str; 16] = [
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "gender",
    "department_id",
    "schedule_id",
    "start_date",
    "schedule_start_date",
    "tab_number",
    "work_phone",
    "mobile_phone",
    "home_phone",
    "home_address",
    "bank_book",
    "notes",
];
/// The hiring form's login fields.
const LOGIN: [&str; 3] = ["username", "password", "role"];

#[derive(Template)]
#[template(path = "employee_form.html")]
struct FormPage {
    frame: Frame,
    t: Words,
    title: String,
    action: String,
    back: String,
    inputs: Vec<Input>,
    messages: Messages,
}

/// Where the form's values come from: what was posted, or the employee as they stand
/// (or a new one's defaults).
enum Values<'a> {
    Posted(&'a Posted),
    Card(&'a EmployeeCard),
    New { today: String },
}

impl Values<'_> {
    fn one(&self, name: &str) -> String {
        match self {
            Values::Posted(form) => form.value(name).to_string(),
            Values::Card(card) => card_value(card, name),
            Values::New { today } => match name {
                "start_date" | "schedule_start_date" => today.clone(),
                "role" => "5".to_string(),
                _ => String::new(),
            },
        }
    }

    fn many(&self, name: &str, choices: &Choices) -> Vec<String> {
        match self {
            Values::Posted(form) => form.values(name).into_iter().map(str::to_string).collect(),
            Values::Card(card) => {
                let refs = if name == "positions" {
                    &card.positions
                } else {
                    &card.locations
                };
                refs.iter().map(|r| r.id.to_string()).collect()
            }
            // A new employee may clock in everywhere until told otherwise.
            Values::New { .. } if name == "locations" => choices
                .locations
                .iter()
                .map(|(id, _)| id.to_string())
                .collect(),
            Values::New { .. } => Vec::new(),
        }
    }
}

fn card_value(card: &EmployeeCard, name: &str) -> String {
    match name {
        "last_name" => card.last_name.clone(),
        "first_name" => card.first_name.clone(),
        "patronymic" => card.patronymic.clone(),
        "birth_date" => card.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        "gender" => card.gender.clone().unwrap_or_default(),
        "department_id" => card.department_id.to_string(),
        "schedule_id" => card.schedule_id.to_string(),
        "start_date" => card.start_date.to_string(),
        "schedule_start_date" => card.schedule_start_date.to_string(),
        "tab_number" => card.tab_number.clone(),
        "work_phone" => card.work_phone.clone(),
        "mobile_phone" => card.mobile_phone.clone(),
        "home_phone" => card.home_phone.clone(),
        "home_address" => card.home_address.clone(),
        "bank_book" => card.bank_book.clone(),
        "notes" => card.notes.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// The form's fields, with their values and messages.
fn inputs(
    t: &Words,
    choices: &Choices,
    values: &Values,
    messages: &Messages,
    hiring: Option<&Caller>,
) -> Vec<Input> {
    let field = |name: &'static str, kind: &'static str| {
        let mut input = Input::new(
            name,
            t.get(&format!("field-{name}")),
            kind,
            values.one(name),
        );
        input.error = messages.of(name);
        input
    };
    let ids = |list: &[(i64, String)]| {
        let mut options = vec![(String::new(), "—".to_string())];
        options.extend(
            list.iter()
                .map(|(id, title)| (id.to_string(), title.clone())),
        );
        options
    };
    let mut departments = vec![(String::new(), "—".to_string())];
    departments.extend(department_options(choices));
    let genders = vec![
        (String::new(), "—".to_string()),
        ("male".to_string(), t.get("gender-male")),
        ("female".to_string(), t.get("gender-female")),
    ];
    let mut list = vec![
        field("last_name", "text"),
        field("first_name", "text").required(),
        field("patronymic", "text"),
        field("birth_date", "date"),
        field("gender", "select").options(genders, &[]),
        field("department_id", "select")
            .required()
            .options(departments, &[]),
        field("positions", "multiple").options(
            ids(&choices.positions).split_off(1),
            &values.many("positions", choices),
        ),
        field("schedule_id", "select")
            .required()
            .options(ids(&choices.schedules), &[]),
        field("start_date", "date").required(),
        field("schedule_start_date", "date").required(),
    ];
    if !choices.locations.is_empty() {
        list.push(field("locations", "checkboxes").options(
            ids(&choices.locations).split_off(1),
            &values.many("locations", choices),
        ));
    }
    list.extend([
        field("tab_number", "text"),
        field("mobile_phone", "text"),
        field("work_phone", "text"),
        field("home_phone", "text"),
        field("home_address", "text"),
        field("bank_book", "text"),
        field("notes", "textarea"),
    ]);
    if let Some(caller) = hiring {
        list.push(field("username", "email"));
        list.push(field("password", "password"));
        // Roles 1–4 are granted by administrators only (8005).
        if caller.role == Role::Admin {
            let roles = (1..=5)
                .rev()
                .map(|r| (r.to_string(), t.get(&format!("role-{r}"))))
                .collect();
            list.push(field("role", "select").options(roles, &[]));
        }
    }
    // A password typed is never sent back to the browser.
    for input in &mut list {
        if input.kind == "password" {
            input.value.clear();
        }
    }
    list
}

fn names(list: &[Input]) -> Vec<&'static str> {
    list.iter().map(|i| i.name).collect()
}

/// `GET /employees/new`.
pub async fn new_form(State(state): State<AppState>, Signed(user): Signed) -> Response {
    let caller = &user.caller;
    if let Err(err) = hiring::authorize(caller) {
        return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
    }
    let today = caller.today(state.clock.now()).to_string();
    hire_page(&state, &user, &Values::New { today }, Messages::default()).await
}

/// `POST /employees/new`: hires and opens the new employee's file.
pub async fn create(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let mut singles = SINGLES.to_vec();
    singles.extend(LOGIN);
    let hired = match form.request::<Hire>(&singles, &lists(&form)) {
        Ok(hire) => hiring::hire(&state.store, caller, hire, state.clock.now()).await,
        Err(err) => Err(err),
    };
    match hired {
        Ok(card) => Redirect::to(&format!("/employees/{}", card.id)).into_response(),
        Err(err) => match refused(err, caller) {
            Ok(messages) => hire_page(&state, &user, &Values::Posted(&form), messages).await,
            Err(page) => page.into_response(),
        },
    }
}

/// The list fields a form sent: positions always (none chosen clears them), locations
/// when the company has any (the form shows them then).
fn lists(form: &Posted) -> Vec<&'static str> {
    if form.value("has_locations") == "1" {
        vec!["positions", "locations"]
    } else {
        vec!["positions"]
    }
}

/// The messages of a refusal a form shows, or the error page of one it cannot.
fn refused(err: AppError, caller: &Caller) -> Result<Messages, ErrorPage> {
    match err {
        AppError::Invalid(errors) => Ok(Messages::of_fields(errors, caller.lang)),
        err @ AppError::EmployeeLimit => Ok(Messages::general(err, caller.lang)),
        err => Err(ErrorPage::new(caller.lang, Problem::from(err))),
    }
}

/// Which form a page is: a hire, or an edit of this employee.
enum Which<'a> {
    Hire,
    Edit(&'a EmployeeCard),
}

async fn hire_page(
    state: &AppState,
    user: &ConsoleUser,
    values: &Values<'_>,
    messages: Messages,
) -> Response {
    form_page(state, user, Which::Hire, values, messages).await
}

async fn edit_page(
    state: &AppState,
    user: &ConsoleUser,
    card: &EmployeeCard,
    values: &Values<'_>,
    messages: Messages,
) -> Response {
    form_page(state, user, Which::Edit(card), values, messages).await
}

/// The form with its values, each refused field's message beside it, and the
/// messages of no field above it.
async fn form_page(
    state: &AppState,
    user: &ConsoleUser,
    which: Which<'_>,
    values: &Values<'_>,
    mut messages: Messages,
) -> Response {
    let caller = &user.caller;
    let choices = match personnel::choices(&state.store, caller).await {
        Ok(choices) => choices,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "employees");
    let t = frame.t;
    let hiring = matches!(which, Which::Hire).then_some(caller);
    let mut list = inputs(&t, &choices, values, &messages, hiring);
    messages.keep_fields(&names(&list));
    for input in &mut list {
        input.error = messages.of(input.name);
    }
    let (title, action, back) = match which {
        Which::Hire => (
            t.get("employee-new"),
            "/employees/new".to_string(),
            "/employees".to_string(),
        ),
        Which::Edit(card) => (
            format!("{}: {}", t.get("employee-edit"), card.full_name),
            format!("/employees/{}/edit", card.id),
            format!("/employees/{}", card.id),
        ),
    };
    let page = FormPage {
        title,
        action,
        back,
        inputs: list,
        frame,
        t,
        messages,
    };
    render(page.messages.status(), &page)
}

/// `GET /employees/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Response {
    let caller = &user.caller;
    let Ok(employee) = id.parse::<i64>().map(EmployeeId) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    if let Err(err) = employee_edit::check(&state.store, caller, employee).await {
        return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
    }
    let today = caller.today(state.clock.now());
    match employees::card(state.store.connection(), caller.company_id, employee, today).await {
        Ok(card) => {
            edit_page(
                &state,
                &user,
                &card,
                &Values::Card(&card),
                Messages::default(),
            )
            .await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(AppError::from(err))).into_response(),
    }
}

/// `POST /employees/{id}/edit`: saves and goes back to the file.
pub async fn update(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Ok(employee) = id.parse::<i64>().map(EmployeeId) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    let edited = match form.request::<EmployeeEdit>(&SINGLES, &lists(&form)) {
        Ok(change) => employee_edit::edit(&state.store, caller, employee, change, now).await,
        Err(err) => Err(err),
    };
    match edited {
        Ok(_) => Redirect::to(&format!("/employees/{}", employee.0)).into_response(),
        Err(err) => match refused(err, caller) {
            Ok(messages) => {
                let today = caller.today(now);
                match employees::card(state.store.connection(), caller.company_id, employee, today)
                    .await
                {
                    Ok(card) => {
                        edit_page(&state, &user, &card, &Values::Posted(&form), messages).await
                    }
                    Err(err) => ErrorPage::new(caller.lang, Problem::from(AppError::from(err)))
                        .into_response(),
                }
            }
            Err(page) => page.into_response(),
        },
    }
}
