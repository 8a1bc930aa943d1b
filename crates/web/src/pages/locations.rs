//! Locations: `GET /locations` (every location with its address, coordinates, radius,
//! IPv4 and how many employees and devices it has; admins also get the form that
//! creates one), `POST /locations`, `GET`/`POST /locations/{id}` (change) and
//! `POST /locations/{id}/delete` (refused while an employee is linked to it), over
//! `davomat_app::locations` with the API's messages.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::AppError;
use davomat_app::locations::{self, LocationRequest};
use davomat_app::sign_in::ConsoleUser;
use davomat_core::page::PageRequest;
use davomat_store::locations::Location;

use crate::form::{Input, Messages, Posted};
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// Locations a company has, at most, on the list's one page.
const LISTED: u64 = 1_000;
/// The form's fields, as the API names them.
const FIELDS: [&str; 6] = [
    "title",
    "address",
    "latitude",
    "longitude",
    "radius",
    "ipv4",
];

#[derive(Template)]
#[template(path = "locations.html")]
struct ListPage {
    frame: Frame,
    t: Words,
    locations: Vec<Location>,
    inputs: Vec<Input>,
    messages: Messages,
}

#[derive(Template)]
#[template(path = "location.html")]
struct LocationPage {
    frame: Frame,
    t: Words,
    location: Location,
    inputs: Vec<Input>,
    messages: Messages,
}

/// The form's fields with their values (by name) and messages.
fn inputs(t: &Words, value: impl Fn(&str) -> String, messages: &Messages) -> Vec<Input> {
    FIELDS
        .iter()
        .map(|name| {
            let mut input = Input::new(
                name,
                t.get(&format!("location-{name}")),
                "text",
                value(name),
            );
            input.error = messages.of(name);
            if *name == "title" {
                input.required()
            } else {
                input
            }
        })
        .collect()
}

/// A stored location's value of a form field.
fn stored(location: &Location, name: &str) -> String {
    match name {
        "title" => location.title.clone(),
        "address" => location.address.clone().unwrap_or_default(),
        "latitude" => location.lat.clone(),
        "longitude" => location.lon.clone(),
        "radius" => location.radius.map(|r| r.to_string()).unwrap_or_default(),
        "ipv4" => location.ipv4.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// `GET /locations`.
pub async fn list(State(state): State<AppState>, Signed(user): Signed) -> Response {
    list_page(&state, &user, None, Messages::default()).await
}

async fn list_page(
    state: &AppState,
    user: &ConsoleUser,
    typed: Option<&Posted>,
    mut messages: Messages,
) -> Response {
    let caller = &user.caller;
    let page = PageRequest {
        page: 1,
        per_page: LISTED,
    };
    let locations = match locations::list(&state.store, caller, page).await {
        Ok((locations, _)) => locations,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "locations");
    let t = frame.t;
    let inputs = if locations::authorize(caller).is_ok() {
        inputs(
            &t,
            |name| typed.map(|f| f.value(name).to_string()).unwrap_or_default(),
            &messages,
        )
    } else {
        Vec::new()
    };
    messages.keep_fields(&FIELDS);
    let page = ListPage {
        frame,
        t,
        locations,
        inputs,
        messages,
    };
    render(page.messages.status(), &page)
}

/// `POST /locations`: creates, back to the list.
pub async fn create(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let created = match form.request::<LocationRequest>(&FIELDS, &[]) {
        Ok(request) => locations::create(&state.store, caller, request, state.clock.now()).await,
        Err(err) => Err(err),
    };
    match created {
        Ok(_) => Redirect::to("/locations").into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            list_page(&state, &user, Some(&form), messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `GET /locations/{id}`: the change form and the delete button (admins).
pub async fn edit(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Response {
    location_page(&state, &user, &id, None, Messages::default()).await
}

async fn location_page(
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
    if let Err(err) = locations::authorize(caller) {
        return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
    }
    let location = match locations::get(&state.store, caller, id).await {
        Ok(location) => location,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "locations");
    let t = frame.t;
    let value = |name: &str| match typed {
        Some(form) => form.value(name).to_string(),
        None => stored(&location, name),
    };
    let inputs = inputs(&t, value, &messages);
    messages.keep_fields(&FIELDS);
    let page = LocationPage {
        frame,
        t,
        location,
        inputs,
        messages,
    };
    render(page.messages.status(), &page)
}

/// `POST /locations/{id}`: changes, back to the list.
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
    let Ok(location) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    let changed = match form.request::<LocationRequest>(&FIELDS, &[]) {
        Ok(change) => locations::update(&state.store, caller, location, change, now).await,
        Err(err) => Err(err),
    };
    match changed {
        Ok(_) => Redirect::to("/locations").into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            location_page(&state, &user, &id, Some(&form), messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /locations/{id}/delete`: deletes it, or says why not.
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
    let Ok(location) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    match locations::delete(&state.store, caller, location, state.clock.now()).await {
        Ok(()) => Redirect::to("/locations").into_response(),
        Err(err @ AppError::InUse) => {
            let messages = Messages::general(err, caller.lang);
            location_page(&state, &user, &id, None, messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
