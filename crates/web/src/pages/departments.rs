//! The department tree: `GET /departments` (the tree over the caller's scope, each with
//! its employees; admins also get the form that creates one), `POST /departments`
//! (create), `GET`/`POST /departments/{id}` (rename, move by choosing a parent) and
//! `POST /departments/{id}/delete`. The rules — admins only change it, titles unique
//! among siblings, no department under itself, a department with people in it or below
//! it is not deleted — are the use case's (`davomat_app::departments`), with the API's
//! messages.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::departments::{self, Department, DepartmentChange, NewDepartment};
use davomat_app::personnel;
use davomat_app::sign_in::ConsoleUser;
use davomat_app::{AppError, Caller};
use davomat_core::DepartmentId;

use crate::form::{Input, Messages, Posted};
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// One department of the tree as the list shows it.
struct Node {
    id: i64,
    title: String,
    depth: usize,
    employees: i64,
}

#[derive(Template)]
#[template(path = "departments.html")]
struct TreePage {
    frame: Frame,
    t: Words,
    nodes: Vec<Node>,
    /// The creating form's fields (admins).
    inputs: Vec<Input>,
    messages: Messages,
}

#[derive(Template)]
#[template(path = "department.html")]
struct DepartmentPage {
    frame: Frame,
    t: Words,
    id: i64,
    title: String,
    employees: i64,
    inputs: Vec<Input>,
    messages: Messages,
}

/// The tree depth first, each department's children by title.
fn flatten(tree: &[Department], depth: usize, nodes: &mut Vec<Node>) {
    let mut ordered: Vec<&Department> = tree.iter().collect();
    ordered.sort_by(|a, b| a.row.title.cmp(&b.row.title).then(a.row.id.cmp(&b.row.id)));
    for department in ordered {
        nodes.push(Node {
            id: department.row.id.0,
            title: department.row.title.clone(),
            depth,
            employees: department.row.count_employees,
        });
        flatten(&department.childs, depth + 1, nodes);
    }
}

/// The title and parent fields; `except` leaves a department and everything below it
/// out of the parents offered.
async fn inputs(
    state: &AppState,
    caller: &Caller,
    t: &Words,
    values: (&str, &str),
    messages: &Messages,
    except: Option<i64>,
) -> Result<Vec<Input>, AppError> {
    let choices = personnel::choices(&state.store, caller).await?;
    let mut below = Vec::new();
    if let Some(id) = except {
        let tree = departments::get(&state.store, caller, DepartmentId(id)).await?;
        let mut nodes = Vec::new();
        flatten(&[tree], 0, &mut nodes);
        below = nodes.into_iter().map(|n| n.id).collect();
    }
    let mut parents = vec![("0".to_string(), t.get("department-root"))];
    parents.extend(
        choices
            .departments
            .iter()
            .filter(|d| !below.contains(&d.id.0))
            .map(|d| {
                (
                    d.id.to_string(),
                    format!("{}{}", "\u{a0}\u{a0}".repeat(d.depth), d.title),
                )
            }),
    );
    let mut title = Input::new(
        "title",
        t.get("department-title"),
        "text",
        values.0.to_string(),
    )
    .required();
    title.error = messages.of("title");
    let mut parent = Input::new(
        "pid",
        t.get("department-parent"),
        "select",
        values.1.to_string(),
    )
    .options(parents, &[]);
    parent.error = messages.of("pid");
    Ok(vec![title, parent])
}

/// `GET /departments`.
pub async fn tree(State(state): State<AppState>, Signed(user): Signed) -> Response {
    tree_page(&state, &user, ("", "0"), Messages::default()).await
}

async fn tree_page(
    state: &AppState,
    user: &ConsoleUser,
    values: (&str, &str),
    mut messages: Messages,
) -> Response {
    let caller = &user.caller;
    let tree = match departments::list(&state.store, caller).await {
        Ok(tree) => tree,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "departments");
    let t = frame.t;
    let mut nodes = Vec::new();
    flatten(&tree, 0, &mut nodes);
    let inputs = if departments::authorize(caller).is_ok() {
        match inputs(state, caller, &t, values, &messages, None).await {
            Ok(inputs) => inputs,
            Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
        }
    } else {
        Vec::new()
    };
    messages.keep_fields(&["title", "pid"]);
    let status = messages.status();
    let page = TreePage {
        frame,
        t,
        nodes,
        inputs,
        messages,
    };
    render(status, &page)
}

/// `POST /departments`: creates, back to the tree.
pub async fn create(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let now = state.clock.now();
    let created = match form.request::<NewDepartment>(&["title", "pid"], &[]) {
        Ok(request) => departments::create(&state.store, caller, request, now).await,
        Err(err) => Err(err),
    };
    match created {
        Ok(_) => Redirect::to("/departments").into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            let values = (form.value("title"), form.value("pid"));
            tree_page(&state, &user, values, messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `GET /departments/{id}`: the form that renames and moves it, and its delete button.
pub async fn edit(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Response {
    department_page(&state, &user, &id, None, Messages::default()).await
}

async fn department_page(
    state: &AppState,
    user: &ConsoleUser,
    id: &str,
    posted: Option<&Posted>,
    mut messages: Messages,
) -> Response {
    let caller = &user.caller;
    let Ok(id) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    if let Err(err) = departments::authorize(caller) {
        return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
    }
    let department = match departments::get(&state.store, caller, DepartmentId(id)).await {
        Ok(department) => department,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "departments");
    let t = frame.t;
    let row = &department.row;
    let parent = row.pid.map_or(0, |p| p.0).to_string();
    let values = match posted {
        Some(form) => (form.value("title"), form.value("pid")),
        None => (row.title.as_str(), parent.as_str()),
    };
    let inputs = match inputs(state, caller, &t, values, &messages, Some(id)).await {
        Ok(inputs) => inputs,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    messages.keep_fields(&["title", "pid"]);
    let status = messages.status();
    let page = DepartmentPage {
        id,
        title: row.title.clone(),
        employees: row.count_employees,
        frame,
        t,
        inputs,
        messages,
    };
    render(status, &page)
}

/// `POST /departments/{id}`: renames and moves, back to the tree.
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
    let Ok(department) = id.parse::<i64>().map(DepartmentId) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    let changed = match form.request::<DepartmentChange>(&["title", "pid"], &[]) {
        Ok(change) => departments::update(&state.store, caller, department, change, now).await,
        Err(err) => Err(err),
    };
    match changed {
        Ok(_) => Redirect::to("/departments").into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            department_page(&state, &user, &id, Some(&form), messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /departments/{id}/delete`: deletes it (and its empty sub-departments), or says
/// why not.
pub async fn delete(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Ok(department) = id.parse::<i64>().map(DepartmentId) else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    match departments::delete(&state.store, caller, department, state.clock.now()).await {
        Ok(()) => Redirect::to("/departments").into_response(),
        Err(err @ AppError::InUse) => {
            let messages = Messages::general(err, caller.lang);
            department_page(&state, &user, &id, None, messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
