//! Positions: `GET /positions` (every position with how many hold it today; admins also
//! get the form that creates one), `POST /positions`, `GET`/`POST /positions/{id}`
//! (rename) and `POST /positions/{id}/delete` (refused while someone holds it or is due
//! to), over `davomat_app::positions` with the API's messages.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::AppError;
use davomat_app::positions::{self, NewPosition, PositionChange};
use davomat_app::sign_in::ConsoleUser;
use davomat_core::page::PageRequest;
use davomat_store::positions::Position;

use crate::form::{Input, Messages, Posted};
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// Positions a company has, at most, on the list's one page.
const LISTED: u64 = 1_000;

#[derive(Template)]
#[template(path = "positions.html")]
struct ListPage {
    frame: Frame,
    t: Words,
    positions: Vec<Position>,
    /// The creating form's field (admins).
    inputs: Vec<Input>,
    messages: Messages,
}

#[derive(Template)]
#[template(path = "position.html")]
struct PositionPage {
    frame: Frame,
    t: Words,
    position: Position,
    inputs: Vec<Input>,
    messages: Messages,
}

fn title_input(t: &Words, value: &str, messages: &Messages) -> Vec<Input> {
    let mut title =
        Input::new("title", t.get("position-title"), "text", value.to_string()).required();
    title.error = messages.of("title");
    vec![title]
}

/// `GET /positions`.
pub async fn list(State(state): State<AppState>, Signed(user): Signed) -> Response {
    list_page(&state, &user, "", Messages::default()).await
}

async fn list_page(
    state: &AppState,
    user: &ConsoleUser,
    title: &str,
    mut messages: Messages,
) -> Response {
    let caller = &user.caller;
    let page = PageRequest {
        page: 1,
        per_page: LISTED,
    };
    let positions = match positions::list(&state.store, caller, page, state.clock.now()).await {
        Ok((positions, _)) => positions,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "positions");
    let t = frame.t;
    let inputs = if positions::authorize(caller).is_ok() {
        title_input(&t, title, &messages)
    } else {
        Vec::new()
    };
    messages.keep_fields(&["title"]);
    let page = ListPage {
        frame,
        t,
        positions,
        inputs,
        messages,
    };
    render(page.messages.status(), &page)
}

/// `POST /positions`: creates, back to the list.
pub async fn create(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let created = match form.request::<NewPosition>(&["title"], &[]) {
        Ok(request) => positions::create(&state.store, caller, request, state.clock.now()).await,
        Err(err) => Err(err),
    };
    match created {
        Ok(_) => Redirect::to("/positions").into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            list_page(&state, &user, form.value("title"), messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `GET /positions/{id}`: the rename form and the delete button (admins).
pub async fn edit(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Response {
    position_page(&state, &user, &id, None, Messages::default()).await
}

async fn position_page(
    state: &AppState,
    user: &ConsoleUser,
    id: &str,
    typed: Option<&str>,
    mut messages: Messages,
) -> Response {
    let caller = &user.caller;
    let Ok(id) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    if let Err(err) = positions::authorize(caller) {
        return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
    }
    let position = match positions::get(&state.store, caller, id, state.clock.now()).await {
        Ok(position) => position,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "positions");
    let t = frame.t;
    let inputs = title_input(&t, typed.unwrap_or(&position.title), &messages);
    messages.keep_fields(&["title"]);
    let page = PositionPage {
        frame,
        t,
        position,
        inputs,
        messages,
    };
    render(page.messages.status(), &page)
}

/// `POST /positions/{id}`: renames, back to the list.
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
    let Ok(position) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    let renamed = match form.request::<PositionChange>(&["title"], &[]) {
        Ok(change) => positions::rename(&state.store, caller, position, change, now).await,
        Err(err) => Err(err),
    };
    match renamed {
        Ok(_) => Redirect::to("/positions").into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            position_page(&state, &user, &id, Some(form.value("title")), messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /positions/{id}/delete`: deletes it, or says why not.
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
    let Ok(position) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    match positions::delete(&state.store, caller, position, state.clock.now()).await {
        Ok(()) => Redirect::to("/positions").into_response(),
        Err(err @ AppError::InUse) => {
            let messages = Messages::general(err, caller.lang);
            position_page(&state, &user, &id, None, messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
