//! Devices (terminals and phones), admins only: `GET /devices` (each with its location,
//! time zone and when it was last heard from, and the form that registers one),
//! `POST /devices` (registers and shows the device's API token once — only its digest
//! is kept), `GET`/`POST /devices/{id}` (the device, its change form and the commands
//! waiting for it) and `POST /devices/{id}/delete`, over `davomat_app::devices` with the
//! API's messages.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::devices::{self, DeviceRequest};
use davomat_app::personnel;
use davomat_app::sign_in::ConsoleUser;
use davomat_app::{AppError, Caller};
use davomat_core::page::PageRequest;
use davomat_store::devices::DeviceRow;

use crate::form::{Input, Messages, Posted};
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// Devices a company has, at most, on the list's one page.
const LISTED: u64 = 1_000;
/// Waiting commands a device's page shows, at most.
const COMMANDS_SHOWN: u64 = 100;
/// The form's fields, as the API names them.
const FIELDS: [&str; 4] = ["serial_number", "type", "location_id", "time_zone"];

/// A device as a page shows it.
struct Shown {
    row: DeviceRow,
    last_seen: String,
}

/// One waiting command.
struct Waiting {
    id: i64,
    kind: String,
    employee_id: i64,
    pin_code: String,
}

#[derive(Template)]
#[template(path = "devices.html")]
struct ListPage {
    frame: Frame,
    t: Words,
    devices: Vec<Shown>,
    inputs: Vec<Input>,
    messages: Messages,
    /// A device just registered, and its token (shown this once).
    registered: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "device.html")]
struct DevicePage {
    frame: Frame,
    t: Words,
    device: Shown,
    inputs: Vec<Input>,
    messages: Messages,
    commands: Vec<Waiting>,
}

fn shown(row: DeviceRow, caller: &Caller, t: &Words) -> Shown {
    let last_seen = row
        .last_request_at
        .map_or_else(|| t.get("device-never"), |at| caller.zone().format(at));
    Shown { row, last_seen }
}

/// The form's fields with their values (by name) and messages.
async fn inputs(
    state: &AppState,
    caller: &Caller,
    t: &Words,
    value: impl Fn(&str) -> String,
    messages: &Messages,
) -> Result<Vec<Input>, AppError> {
    let choices = personnel::choices(&state.store, caller).await?;
    let mut locations = vec![(String::new(), "—".to_string())];
    locations.extend(
        choices
            .locations
            .iter()
            .map(|(id, title)| (id.to_string(), title.clone())),
    );
    let mut list = vec![
        Input::new(
            "serial_number",
            t.get("device-serial_number"),
            "text",
            value("serial_number"),
        )
        .required(),
        Input::new("type", t.get("device-type"), "text", value("type")),
        Input::new(
            "location_id",
            t.get("device-location_id"),
            "select",
            value("location_id"),
        )
        .options(locations, &[]),
        Input::new(
            "time_zone",
            t.get("device-time_zone"),
            "text",
            value("time_zone"),
        ),
    ];
    for input in &mut list {
        input.error = messages.of(input.name);
    }
    Ok(list)
}

/// `GET /devices`.
pub async fn list(State(state): State<AppState>, Signed(user): Signed) -> Response {
    list_page(&state, &user, None, Messages::default(), None).await
}

async fn list_page(
    state: &AppState,
    user: &ConsoleUser,
    typed: Option<&Posted>,
    mut messages: Messages,
    registered: Option<(String, String)>,
) -> Response {
    let caller = &user.caller;
    if let Err(err) = devices::authorize(caller) {
        return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
    }
    let page = PageRequest {
        page: 1,
        per_page: LISTED,
    };
    let rows = match devices::list(&state.store, caller, page).await {
        Ok((rows, _)) => rows,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "devices");
    let t = frame.t;
    let value = |name: &str| typed.map(|f| f.value(name).to_string()).unwrap_or_default();
    let inputs = match inputs(state, caller, &t, value, &messages).await {
        Ok(inputs) => inputs,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    messages.keep_fields(&FIELDS);
    let devices = rows.into_iter().map(|row| shown(row, caller, &t)).collect();
    let status = if registered.is_some() {
        StatusCode::CREATED
    } else {
        messages.status()
    };
    let page = ListPage {
        frame,
        t,
        devices,
        inputs,
        messages,
        registered,
    };
    render(status, &page)
}

/// `POST /devices`: registers; the list again with the new device's token.
pub async fn register(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let registered = match form.request::<DeviceRequest>(&FIELDS, &[]) {
        Ok(request) => devices::register(&state.store, caller, request, state.clock.now()).await,
        Err(err) => Err(err),
    };
    match registered {
        Ok(done) => {
            let shown = (done.device.serial_number, done.token);
            list_page(&state, &user, None, Messages::default(), Some(shown)).await
        }
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            list_page(&state, &user, Some(&form), messages, None).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `GET /devices/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Response {
    device_page(&state, &user, &id, None, Messages::default()).await
}

async fn device_page(
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
    let found = async {
        devices::authorize(caller)?;
        let row = devices::get(&state.store, caller, id).await?;
        let commands = devices::pending_commands(&state.store, caller, id, COMMANDS_SHOWN).await?;
        Ok::<_, AppError>((row, commands))
    };
    let (row, commands) = match found.await {
        Ok(found) => found,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "devices");
    let t = frame.t;
    let value = |name: &str| match typed {
        Some(form) => form.value(name).to_string(),
        None => match name {
            "serial_number" => row.serial_number.clone(),
            "type" => row.kind.clone(),
            "location_id" => row.location_id.map(|l| l.to_string()).unwrap_or_default(),
            "time_zone" => row.time_zone.clone(),
            _ => String::new(),
        },
    };
    let inputs = match inputs(state, caller, &t, value, &messages).await {
        Ok(inputs) => inputs,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    messages.keep_fields(&FIELDS);
    let commands = commands
        .into_iter()
        .map(|c| Waiting {
            id: c.id,
            kind: c.kind.0.as_str().to_string(),
            employee_id: c.employee_id,
            pin_code: c.pin_code,
        })
        .collect();
    let page = DevicePage {
        device: shown(row, caller, &t),
        frame,
        t,
        inputs,
        messages,
        commands,
    };
    render(page.messages.status(), &page)
}

/// `POST /devices/{id}`: changes, back to the list.
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
    let Ok(device) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    let changed = match form.request::<DeviceRequest>(&FIELDS, &[]) {
        Ok(change) => devices::update(&state.store, caller, device, change, now).await,
        Err(err) => Err(err),
    };
    match changed {
        Ok(_) => Redirect::to("/devices").into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            device_page(&state, &user, &id, Some(&form), messages).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /devices/{id}/delete`: removes it; its token stops working.
pub async fn remove(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Ok(device) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    match devices::remove(&state.store, caller, device, state.clock.now()).await {
        Ok(()) => Redirect::to("/devices").into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
