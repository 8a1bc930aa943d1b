//! The company's users and their roles (admins): `GET /settings/users` lists them with
//! each one's role and overseen departments; `GET`/`POST /settings/users/{id}` changes a
//! role and the departments a head, manager or observer oversees — over
//! `davomat_app::users`, with the API's messages.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::sign_in::ConsoleUser;
use davomat_app::{AppError, personnel, users};
use davomat_core::DepartmentId;
use davomat_store::users::CompanyUser;

use crate::form::{Input, Messages, Posted};
use crate::i18n::Words;
use crate::pages::employees::department_options;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// One user as the list shows them.
struct Listed {
    id: i64,
    email: String,
    name: String,
    role: String,
    departments: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    frame: Frame,
    t: Words,
    users: Vec<Listed>,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    frame: Frame,
    t: Words,
    user: Listed,
    inputs: Vec<Input>,
    messages: Messages,
}

async fn listed(
    state: &AppState,
    user: &ConsoleUser,
    t: &Words,
    all: Vec<CompanyUser>,
) -> Result<Vec<Listed>, AppError> {
    let choices = personnel::choices(&state.store, &user.caller).await?;
    let title = |id: &DepartmentId| {
        choices
            .departments
            .iter()
            .find(|d| d.id == *id)
            .map_or_else(|| id.to_string(), |d| d.title.clone())
    };
    Ok(all
        .into_iter()
        .map(|u| Listed {
            id: u.id.0,
            name: u.full_name.unwrap_or_default(),
            role: t.get(&format!("role-{}", u.role)),
            departments: u
                .departments
                .iter()
                .map(title)
                .collect::<Vec<_>>()
                .join(", "),
            email: u.email,
        })
        .collect())
}

/// `GET /settings/users`.
pub async fn list(State(state): State<AppState>, Signed(user): Signed) -> Response {
    let caller = &user.caller;
    let frame = Frame::new(&user, "settings");
    let t = frame.t;
    let found = async {
        let all = users::list(&state.store, caller).await?;
        listed(&state, &user, &t, all).await
    };
    match found.await {
        Ok(users) => render(axum::http::StatusCode::OK, &UsersPage { frame, t, users }),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `GET /settings/users/{id}`.
pub async fn edit(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Response {
    user_page(&state, &user, &id, None, Messages::default()).await
}

async fn user_page(
    state: &AppState,
    user: &ConsoleUser,
    id: &str,
    typed: Option<&Posted>,
    mut messages: Messages,
) -> Response {
    let caller = &user.caller;
    let Ok(id) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let frame = Frame::new(user, "settings");
    let t = frame.t;
    let found = async {
        let one = users::get(&state.store, caller, id).await?;
        let choices = personnel::choices(&state.store, caller).await?;
        let shown = listed(state, user, &t, vec![one.clone()]).await?;
        Ok::<_, AppError>((one, choices, shown))
    };
    let (one, choices, mut shown) = match found.await {
        Ok(found) => found,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let role = typed.map_or_else(|| one.role.to_string(), |f| f.value("role").to_string());
    let overseen: Vec<String> = match typed {
        Some(form) => form
            .values("department_ids")
            .into_iter()
            .map(str::to_string)
            .collect(),
        None => one
            .departments
            .iter()
            .map(DepartmentId::to_string)
            .collect(),
    };
    let roles = (1..=5)
        .map(|r| (r.to_string(), t.get(&format!("role-{r}"))))
        .collect();
    let mut inputs = vec![
        Input::new("role", t.get("field-role"), "select", role).options(roles, &[]),
        Input::new(
            "department_ids",
            t.get("user-departments"),
            "multiple",
            String::new(),
        )
        .options(department_options(&choices), &overseen),
    ];
    for input in &mut inputs {
        input.error = messages.of(input.name);
    }
    messages.keep_fields(&["role", "department_ids"]);
    let page = UserPage {
        user: shown.remove(0),
        frame,
        t,
        inputs,
        messages,
    };
    render(page.messages.status(), &page)
}

/// `POST /settings/users/{id}` (`role`, `department_ids`): back to the users.
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
    let Ok(target) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let departments: Vec<i64> = form
        .values("department_ids")
        .into_iter()
        .filter_map(|d| d.parse().ok())
        .collect();
    let now = state.clock.now();
    match users::set_role(
        &state.store,
        caller,
        target,
        form.value("role"),
        departments,
        now,
    )
    .await
    {
        Ok(()) => Redirect::to("/settings/users").into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            user_page(&state, &user, &id, Some(&form), messages).await
        }
        Err(err @ AppError::LastAdmin) => {
            let messages = Messages::general(err, caller.lang);
            user_page(&state, &user, &id, Some(&form), messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
