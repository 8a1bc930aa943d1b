//! Devices (terminals and phones), admins only: `GET /devices` (each with its location,
//! time zone and when it was last heard from, and the form that registers one),
//! `POST /devices` (registers and shows the device's API token once — only its digest
//! is kept), `GET`/`POST /devices/{id}` (the device, its change form and the commands
//! waiting for it) and `POST /devices/{id}/delete`, over `davomat_app::devices` with the
//! API's messages. Terminals pushing over ADMS (`davomat_app::adms`): the list shows
//! which are online and the serials waiting for a claim, claimed here for a location
//! (`POST /devices/claim`); a terminal's page shows what it told about itself, its
//! commands and their results, the rules its punches are read by
//! (`POST /devices/{id}/rules`), imports the punches it sent while pending
//! (`POST /devices/{id}/import`) and queues a restart, a clock setting or a re-upload of
//! its log (`POST /devices/{id}/command`); `GET /devices/unmatched` lists punches whose
//! PIN matched nobody, each attached to an employee there (`POST /devices/unmatched/{id}`).
//! A Hikvision terminal (`davomat_app::hikvision`) shows its event URL once at
//! registration and at each new secret (`POST /devices/{id}/secret`), and what its
//! employee numbers are matched with (`POST /devices/{id}/employee-key`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::adms::{self, Claim, ClaimRefusal, TerminalAction};
use davomat_app::devices::{self, DeviceRequest};
use davomat_app::personnel;
use davomat_app::sign_in::ConsoleUser;
use davomat_app::{AppError, Caller};
use davomat_core::page::PageRequest;
use davomat_store::devices::DeviceRow;

use crate::form::{Input, Messages, Posted};
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, posted_id, render};
use crate::session::{Signed, csrf_matches};

/// Devices a company has, at most, on the list's one page.
const LISTED: u64 = 1_000;
/// Waiting commands a device's page shows, at most.
const COMMANDS_SHOWN: u64 = 100;
/// The form's fields, as the API names them.
const FIELDS: [&str; 4] = ["serial_number", "type", "location_id", "time_zone"];
/// A device's page's fields: the form's and the terminal rules'.
const TERMINAL_FIELDS: [&str; 9] = [
    "serial_number",
    "type",
    "location_id",
    "time_zone",
    "direction_rule",
    "allowed_network",
    "from",
    "to",
    "employee_key",
];

/// A device as a page shows it.
struct Shown {
    row: DeviceRow,
    last_seen: String,
    online: bool,
}

/// A serial waiting for a claim.
struct Pending {
    serial: String,
    last_seen: String,
}

/// A terminal command as its device's page lists it.
struct SentCommand {
    command: String,
    status: String,
    code: String,
    when: String,
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
    registered: Option<JustRegistered>,
    pending: Vec<Pending>,
    locations: Vec<(String, String)>,
    /// Why a claim was refused.
    claim_problem: Option<String>,
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
    terminal_commands: Vec<SentCommand>,
    rules: Vec<(&'static str, String)>,
    /// The outcome of an import just made, in words.
    imported: Option<String>,
    /// A Hikvision terminal: what its employee numbers are matched with.
    hikvision: bool,
    employee_keys: Vec<(&'static str, String)>,
    /// The URL with the secret just issued (shown this once).
    secret_url: Option<String>,
}

fn shown(row: DeviceRow, caller: &Caller, t: &Words, now: i64) -> Shown {
    let last_seen = row
        .last_request_at
        .map_or_else(|| t.get("device-never"), |at| caller.zone().format(at));
    let online = adms::online(row.last_request_at, now);
    Shown {
        row,
        last_seen,
        online,
    }
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
    list_page(&state, &user, None, Messages::default(), None, None).await
}

/// A device just registered: its serial, its token and, for a Hikvision terminal, the
/// URL to set on it with the token in it (shown this once).
struct JustRegistered {
    serial: String,
    token: String,
    /// The link or URL with the token in it, and the words that say what it is for.
    url: Option<(String, String)>,
}

/// Where a Hikvision terminal with this secret posts its events: the server's public
/// address (`DAVOMAT_PUBLIC_URL`) when set, else the path alone.
fn hikvision_url(state: &AppState, secret: &str) -> String {
    let base = state
        .config
        .public_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/');
    format!("{base}/terminals/hikvision/{secret}/events")
}

async fn list_page(
    state: &AppState,
    user: &ConsoleUser,
    typed: Option<&Posted>,
    mut messages: Messages,
    registered: Option<JustRegistered>,
    claim_problem: Option<String>,
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
    let now = state.clock.now();
    let devices = rows
        .into_iter()
        .map(|row| shown(row, caller, &t, now))
        .collect();
    let status = if registered.is_some() {
        StatusCode::CREATED
    } else if claim_problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        messages.status()
    };
    let pending = match adms::pending(&state.store, caller).await {
        Ok(found) => found
            .into_iter()
            .map(|p| Pending {
                serial: p.serial_number,
                last_seen: caller.zone().format(p.last_seen_at),
            })
            .collect(),
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let locations = match personnel::choices(&state.store, caller).await {
        Ok(choices) => choices
            .locations
            .iter()
            .map(|(id, title)| (id.to_string(), title.clone()))
            .collect(),
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let page = ListPage {
        frame,
        t,
        devices,
        inputs,
        messages,
        registered,
        pending,
        locations,
        claim_problem,
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
    let registered = match form.request::<DeviceRequest>(&sent_fields(&form), &[]) {
        Ok(request) => devices::register(&state.store, caller, request, state.clock.now()).await,
        Err(err) => Err(err),
    };
    match registered {
        Ok(done) => {
            let hikvision = done
                .device
                .kind
                .eq_ignore_ascii_case(davomat_app::hikvision::KIND);
            let label = Words::new(caller.lang).get("device-hikvision-url");
            let shown = JustRegistered {
                url: hikvision.then(|| (hikvision_url(&state, &done.token), label)),
                serial: done.device.serial_number,
                token: done.token,
            };
            list_page(&state, &user, None, Messages::default(), Some(shown), None).await
        }
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            list_page(&state, &user, Some(&form), messages, None, None).await
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
    device_page(&state, &user, &id, None, Messages::default(), None, None).await
}

async fn device_page(
    state: &AppState,
    user: &ConsoleUser,
    id: &str,
    typed: Option<&Posted>,
    mut messages: Messages,
    imported: Option<String>,
    secret_url: Option<String>,
) -> Response {
    let caller = &user.caller;
    let Ok(id) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let found = async {
        devices::authorize(caller)?;
        let row = devices::get(&state.store, caller, id).await?;
        let commands = devices::pending_commands(&state.store, caller, id, COMMANDS_SHOWN).await?;
        let sent = davomat_store::terminals::commands_of(
            &state.store,
            caller.company_id,
            davomat_core::DeviceId(id),
            COMMANDS_SHOWN,
        )
        .await
        .map_err(AppError::from)?;
        Ok::<_, AppError>((row, commands, sent))
    };
    let (row, commands, sent) = match found.await {
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
    messages.keep_fields(&TERMINAL_FIELDS);
    let commands = commands
        .into_iter()
        .map(|c| Waiting {
            id: c.id,
            kind: c.kind.0.as_str().to_string(),
            employee_id: c.employee_id,
            pin_code: c.pin_code,
        })
        .collect();
    let zone = caller.zone();
    let terminal_commands = sent
        .into_iter()
        .map(|c| SentCommand {
            status: t.get(&format!("device-command-{}", c.status)),
            code: c.return_code.map(|r| r.to_string()).unwrap_or_default(),
            when: zone.format(c.done_at.or(c.sent_at).unwrap_or(c.created_at)),
            command: c.command,
        })
        .collect();
    let rules = adms::DIRECTION_RULES
        .iter()
        .map(|rule| (*rule, t.get(&format!("device-rule-{rule}"))))
        .collect();
    let hikvision = row.kind.eq_ignore_ascii_case(davomat_app::hikvision::KIND);
    let employee_keys = davomat_app::hikvision::EMPLOYEE_KEYS
        .iter()
        .map(|key| (*key, t.get(&format!("device-key-{key}"))))
        .collect();
    let page = DevicePage {
        hikvision,
        employee_keys,
        secret_url,
        device: shown(row, caller, &t, state.clock.now()),
        frame,
        t,
        inputs,
        messages,
        commands,
        terminal_commands,
        rules,
        imported,
    };
    render(page.messages.status(), &page)
}

/// The device form's fields to hand to the use case: a time zone left blank is not
/// sent, so that a new device takes the company's and a changed one keeps its own (the
/// API reads an empty `time_zone` as a value, and refuses it).
fn sent_fields(form: &Posted) -> Vec<&'static str> {
    FIELDS
        .into_iter()
        .filter(|name| *name != "time_zone" || !form.value(name).trim().is_empty())
        .collect()
}

/// After a change on a terminal's page: the page again (its terminal section), with the
/// fields' messages when the change was refused for them.
async fn back_to_device(
    state: &AppState,
    user: &ConsoleUser,
    id: &str,
    changed: Result<(), AppError>,
) -> Response {
    let caller = &user.caller;
    match changed {
        Ok(()) => Redirect::to(&format!("/devices/{id}#terminal")).into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            device_page(state, user, id, None, messages, None, None).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /devices/{id}`: changes, back to the list.
pub async fn update(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    let device = match posted_id(&user, &form, &id) {
        Ok(device) => device,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    let now = state.clock.now();
    let changed = match form.request::<DeviceRequest>(&sent_fields(&form), &[]) {
        Ok(change) => devices::update(&state.store, caller, device, change, now).await,
        Err(err) => Err(err),
    };
    match changed {
        Ok(_) => Redirect::to("/devices").into_response(),
        Err(AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            device_page(&state, &user, &id, Some(&form), messages, None, None).await
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
    let device = match posted_id(&user, &form, &id) {
        Ok(device) => device,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    match devices::remove(&state.store, caller, device, state.clock.now()).await {
        Ok(()) => Redirect::to("/devices").into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /devices/claim` (`serial_number`, `location_id`, `time_zone`): claims a
/// pending terminal for the caller's company; its page next.
pub async fn claim(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let t = Words::new(caller.lang);
    let Ok(location) = form.value("location_id").parse::<i64>() else {
        let why = Some(t.get("device-claim-no-location"));
        return list_page(&state, &user, None, Messages::default(), None, why).await;
    };
    let zone = form.value("time_zone").trim();
    let claim = Claim {
        serial: form.value("serial_number").to_string(),
        company: caller.company_id,
        location: davomat_core::LocationId(location),
        time_zone: Some(zone.to_string()).filter(|z| !z.is_empty()),
    };
    match adms::claim(&state.store, claim, Some(caller), state.clock.now()).await {
        Ok(Ok(device)) => Redirect::to(&format!("/devices/{}", device.0)).into_response(),
        Ok(Err(refusal)) => {
            let why = match refusal {
                ClaimRefusal::BadSerial => "device-claim-bad-serial",
                ClaimRefusal::NoSuchCompany | ClaimRefusal::NoSuchLocation => {
                    "device-claim-no-location"
                }
                ClaimRefusal::BadTimeZone => "device-claim-bad-zone",
                ClaimRefusal::SerialTaken => "device-claim-taken",
            };
            let why = Some(t.get(why));
            list_page(&state, &user, None, Messages::default(), None, why).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /devices/{id}/rules` (`direction_rule`, `allowed_network`): back to the page.
pub async fn set_rules(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    let device = match posted_id(&user, &form, &id) {
        Ok(device) => device,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    let set = adms::set_rules(
        &state.store,
        caller,
        davomat_core::DeviceId(device),
        form.value("direction_rule"),
        form.value("allowed_network"),
    )
    .await;
    back_to_device(&state, &user, &id, set).await
}

/// `POST /devices/{id}/command` (`action`: `reboot`, `set_time`, or `resend_log` with
/// the dates `from` and `to`): queues the command; back to the page, which lists it.
pub async fn command(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    let device = match posted_id(&user, &form, &id) {
        Ok(device) => device,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    let queued =
        match TerminalAction::read(form.value("action"), form.value("from"), form.value("to")) {
            Ok(action) => {
                let device = davomat_core::DeviceId(device);
                adms::queue_action(&state.store, caller, device, action, state.clock.now()).await
            }
            Err(err) => Err(err),
        };
    back_to_device(&state, &user, &id, queued).await
}

/// `POST /devices/kiosk` (`title`, `location_id`): adds a kiosk; the list shows the
/// link that opens it on the tablet, with its token, this once.
pub async fn add_kiosk(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let fields = ["location_id", "title"];
    let made = match form.request::<davomat_app::kiosks::KioskRequest>(&fields, &[]) {
        Ok(request) => {
            davomat_app::kiosks::create(&state.store, caller, request, state.clock.now()).await
        }
        Err(err) => Err(err),
    };
    let t = Words::new(caller.lang);
    match made {
        Ok(kiosk) => {
            let base = state.config.public_url.as_deref().unwrap_or("");
            let link = format!("{}/kiosk#token={}", base.trim_end_matches('/'), kiosk.token);
            let shown = JustRegistered {
                serial: form.value("title").trim().to_string(),
                token: kiosk.token,
                url: Some((link, t.get("device-kiosk-link"))),
            };
            list_page(&state, &user, None, Messages::default(), Some(shown), None).await
        }
        Err(AppError::Invalid(_)) => {
            let why = Some(t.get("device-kiosk-invalid"));
            list_page(&state, &user, None, Messages::default(), None, why).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /devices/{id}/secret`: a new secret (token) for the device, the old one
/// stops working; the page shows the URL with it this once.
pub async fn new_secret(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    let device = match posted_id(&user, &form, &id) {
        Ok(device) => device,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    match devices::replace_token(&state.store, caller, device, state.clock.now()).await {
        Ok(token) => {
            let url = Some(hikvision_url(&state, &token));
            device_page(&state, &user, &id, None, Messages::default(), None, url).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /devices/{id}/employee-key` (`employee_key`: `pin_code`, `tab_number`): what a
/// Hikvision terminal's employee numbers are matched with; back to the page.
pub async fn set_employee_key(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    let device = match posted_id(&user, &form, &id) {
        Ok(device) => device,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    let device_id = davomat_core::DeviceId(device);
    let key = form.value("employee_key");
    let set = davomat_app::hikvision::set_employee_key(&state.store, caller, device_id, key).await;
    back_to_device(&state, &user, &id, set).await
}

/// `POST /devices/{id}/import`: the punches the terminal sent while pending (the last
/// 30 days) become attendance; the page again with what became of them.
pub async fn import(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    let device = match posted_id(&user, &form, &id) {
        Ok(device) => device,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    let now = state.clock.now();
    match adms::import_for(&state.store, caller, davomat_core::DeviceId(device), now).await {
        Ok(done) => {
            let t = Words::new(caller.lang);
            let said = format!(
                "{}: {} · {}: {} · {}: {} · {}: {}",
                t.get("device-import-read"),
                done.taken,
                t.get("device-import-stored"),
                done.stored + done.duplicates,
                t.get("device-import-unmatched"),
                done.unmatched,
                t.get("device-import-quarantined"),
                done.quarantined
            );
            device_page(
                &state,
                &user,
                &id,
                None,
                Messages::default(),
                Some(said),
                None,
            )
            .await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// An unmatched punch as listed.
struct UnmatchedLine {
    id: i64,
    serial: String,
    pin: String,
    when: String,
    direction: String,
}

#[derive(Template)]
#[template(path = "unmatched.html")]
struct UnmatchedPage {
    frame: Frame,
    t: Words,
    lines: Vec<UnmatchedLine>,
    problem: Option<String>,
}

/// `GET /devices/unmatched`.
pub async fn unmatched(State(state): State<AppState>, Signed(user): Signed) -> Response {
    unmatched_page(&state, &user, None).await
}

async fn unmatched_page(state: &AppState, user: &ConsoleUser, problem: Option<String>) -> Response {
    let caller = &user.caller;
    let found = match adms::unmatched(&state.store, caller).await {
        Ok(found) => found,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(user, "devices");
    let t = frame.t;
    let zone = caller.zone();
    let lines = found
        .into_iter()
        .map(|u| UnmatchedLine {
            id: u.id,
            serial: u.serial_number,
            pin: u.pin,
            when: zone.format(u.at),
            direction: t.get(&format!("event-{}", u.direction)),
        })
        .collect();
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        &UnmatchedPage {
            frame,
            t,
            lines,
            problem,
        },
    )
}

/// `POST /devices/unmatched/{id}` (`employee`: an employee's id or PIN): the punch
/// becomes that employee's clock event.
pub async fn attach(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Ok(punch) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let t = Words::new(caller.lang);
    let employee =
        match davomat_app::personnel::by_id_or_pin(&state.store, caller, form.value("employee"))
            .await
        {
            Ok(Some(employee)) => employee,
            Ok(None) => {
                return unmatched_page(&state, &user, Some(t.get("device-attach-nobody"))).await;
            }
            Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
        };
    match adms::attach(&state.store, caller, punch, employee, state.clock.now()).await {
        Ok(()) => Redirect::to("/devices/unmatched").into_response(),
        Err(AppError::NotFound) => {
            unmatched_page(&state, &user, Some(t.get("device-attach-nobody"))).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
