//! Schedules: `GET /schedules` (the list), the editor at `GET`/`POST /schedules/new` and
//! `GET`/`POST /schedules/{id}` for all four kinds — free days with production time,
//! fixed weeks with a lunch window or lunch minutes, floating starts, shift cycles of day
//! and night slots — and `POST /schedules/{id}/delete`. The editor's "Preview" button
//! shows the next 14 days of planned shifts as the engine computes them for the
//! schedule as typed (`davomat_app::schedules::preview`) without saving it; "Save"
//! creates or replaces it. Both check the form with the API's rules and messages.
//!
//! The form shows every kind's fields; the stylesheet hides those the chosen kind does
//! not use (`:has()`), so the page needs no script. What a kind does not use is not sent
//! to the use case.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::schedules::{self, PlannedDay, ScheduleRequest};
use davomat_app::sign_in::ConsoleUser;
use davomat_app::{AppError, Caller};
use davomat_core::page::PageRequest;
use davomat_core::zone::CompanyZone;
use davomat_store::schedules::ScheduleRow;
use serde_json::{Map, Value, json};

use crate::form::{Input, Messages, Posted};
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// Schedules a company has, at most, on the list's one page.
const LISTED: u64 = 1_000;
/// Rows of the shift cycle's table at least (a longer cycle shows all its days).
const CYCLE_ROWS: usize = 14;
/// The weekday columns: (field, the kinds' class that uses it).
const DAY_COLUMNS: [(&str, &str); 8] = [
    ("start", "col-fixed"),
    ("end", "col-fixed"),
    ("lunch_start", "col-fixed"),
    ("lunch_end", "col-fixed"),
    ("lunch_minutes", "col-lunch"),
    ("start_from", "col-floating"),
    ("start_to", "col-floating"),
    ("production_time", "col-production"),
];
/// The fields of a cycle's day.
const SLOT_COLUMNS: [&str; 5] = ["start", "end", "lunch_start", "lunch_end", "lunch_minutes"];

#[derive(Template)]
#[template(path = "schedules.html")]
struct ListPage {
    frame: Frame,
    t: Words,
    schedules: Vec<(ScheduleRow, String)>,
    may_change: bool,
}

/// One input of the weekday or cycle tables.
struct Cell {
    name: String,
    label: String,
    class: &'static str,
    value: String,
    checkbox: bool,
    invalid: bool,
}

/// One row of a table: its heading and its inputs.
struct Row {
    label: String,
    cells: Vec<Cell>,
}

/// One day of the preview.
struct Planned {
    date: String,
    weekday: String,
    plan: String,
    work_day: bool,
}

#[derive(Template)]
#[template(path = "schedule.html")]
struct EditorPage {
    frame: Frame,
    t: Words,
    title: String,
    action: String,
    /// Title, kind, graces.
    inputs: Vec<Input>,
    night_split: bool,
    weekdays: Vec<Row>,
    cycle_length: String,
    cycle_length_invalid: bool,
    cycle: Vec<Row>,
    messages: Messages,
    preview: Vec<Planned>,
    deletable: Option<i64>,
}

/// `GET /schedules`.
pub async fn list(State(state): State<AppState>, Signed(user): Signed) -> Response {
    let caller = &user.caller;
    let page = PageRequest {
        page: 1,
        per_page: LISTED,
    };
    let rows = match schedules::list(&state.store, caller, page).await {
        Ok((rows, _)) => rows,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let frame = Frame::new(&user, "schedules");
    let t = frame.t;
    let schedules = rows
        .into_iter()
        .map(|row| {
            let kind = t.get(&format!("schedule-kind-{}", row.kind));
            (row, kind)
        })
        .collect();
    let page = ListPage {
        may_change: schedules::authorize(caller).is_ok(),
        frame,
        t,
        schedules,
    };
    render(axum::http::StatusCode::OK, &page)
}

/// The form's values by field name.
type Values = HashMap<String, String>;

/// The form's values of a stored schedule.
fn stored_values(row: &ScheduleRow) -> Values {
    let mut values = Values::new();
    values.insert("title".into(), row.title.clone());
    values.insert("type".into(), row.kind.to_string());
    let definition: Map<String, Value> = serde_json::from_str(&row.definition).unwrap_or_default();
    let text = |value: &Value| match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => {
            if *b {
                "1".into()
            } else {
                String::new()
            }
        }
        _ => String::new(),
    };
    for key in ["late_grace", "early_exit_grace", "night_split"] {
        if let Some(value) = definition.get(key) {
            values.insert(key.into(), text(value));
        }
    }
    for day in definition
        .get("days")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(weekday) = day.get("weekday").and_then(Value::as_i64) else {
            continue;
        };
        values.insert(format!("d{weekday}_on"), "1".into());
        for (key, _) in DAY_COLUMNS {
            if let Some(value) = day.get(key) {
                values.insert(format!("d{weekday}_{key}"), text(value));
            }
        }
    }
    if let Some(cycle) = definition.get("cycle").and_then(Value::as_array) {
        values.insert("cycle_length".into(), cycle.len().to_string());
        for (i, slot) in cycle.iter().enumerate() {
            if slot.is_null() {
                continue;
            }
            values.insert(format!("c{i}_on"), "1".into());
            for key in SLOT_COLUMNS {
                if let Some(value) = slot.get(key) {
                    values.insert(format!("c{i}_{key}"), text(value));
                }
            }
        }
    }
    values
}

/// A new schedule's values: a fixed week, Monday to Friday 09:00–18:00, lunch 13–14.
fn new_values() -> Values {
    let mut values = Values::new();
    values.insert("type".into(), "2".into());
    for weekday in 1..=5 {
        for (key, value) in [
            ("on", "1"),
            ("start", "09:00"),
            ("end", "18:00"),
            ("lunch_start", "13:00"),
            ("lunch_end", "14:00"),
        ] {
            values.insert(format!("d{weekday}_{key}"), value.into());
        }
    }
    values
}

fn posted_values(form: &Posted) -> Values {
    form.pairs()
        .iter()
        .filter(|(key, _)| key != "csrf" && key != "action")
        .map(|(key, value)| (key.clone(), value.trim().to_string()))
        .collect()
}

/// A number as a JSON number, anything else as the text (for the parser to refuse).
fn number_or_text(text: &str) -> Value {
    text.parse::<i64>()
        .map_or_else(|_| json!(text), |n| json!(n))
}

/// The use case's request from the form, and which weekday each sent day is.
fn request_of(values: &Values) -> (ScheduleRequest, Vec<u8>) {
    let get = |key: &str| values.get(key).map(String::as_str).unwrap_or("");
    let mut body = Map::new();
    body.insert("title".into(), json!(get("title")));
    if !get("type").is_empty() {
        body.insert("type".into(), number_or_text(get("type")));
    }
    for key in ["late_grace", "early_exit_grace"] {
        if !get(key).is_empty() {
            body.insert(key.into(), number_or_text(get(key)));
        }
    }
    body.insert("night_split".into(), json!(get("night_split") == "1"));
    let kind = get("type");
    let mut sent_weekdays = Vec::new();
    if kind == "4" {
        if !get("cycle_length").is_empty() {
            let length = get("cycle_length").parse::<usize>().unwrap_or(0);
            let cycle: Vec<Value> = (0..length.min(366))
                .map(|i| {
                    if get(&format!("c{i}_on")) != "1" {
                        return Value::Null;
                    }
                    Value::Object(fields_of(&SLOT_COLUMNS, |key| get(&format!("c{i}_{key}"))))
                })
                .collect();
            body.insert(
                "cycle".into(),
                if length == 0 {
                    json!(get("cycle_length"))
                } else {
                    Value::Array(cycle)
                },
            );
        }
    } else {
        let used: Vec<&str> = DAY_COLUMNS
            .iter()
            .filter(|(_, class)| match kind {
                "1" => *class == "col-production",
                "3" => *class != "col-fixed",
                _ => *class == "col-fixed" || *class == "col-lunch",
            })
            .map(|(key, _)| *key)
            .collect();
        let days: Vec<Value> = (1..=7u8)
            .filter(|w| get(&format!("d{w}_on")) == "1")
            .map(|w| {
                sent_weekdays.push(w);
                let mut day = fields_of(&used, |key| get(&format!("d{w}_{key}")));
                day.insert("weekday".into(), json!(w));
                Value::Object(day)
            })
            .collect();
        body.insert("days".into(), Value::Array(days));
    }
    let request = serde_json::from_value(Value::Object(body)).unwrap_or_default();
    (request, sent_weekdays)
}

/// The non-blank fields among `keys` (`lunch_minutes` as a number).
fn fields_of<'a>(keys: &[&'a str], value: impl Fn(&'a str) -> &'a str) -> Map<String, Value> {
    keys.iter()
        .filter(|key| !value(key).is_empty())
        .map(|key| {
            let text = value(key);
            let value = if *key == "lunch_minutes" {
                number_or_text(text)
            } else {
                json!(text)
            };
            (key.to_string(), value)
        })
        .collect()
}

/// The form's name of a field the use case named: `days[k].start` is the start of the
/// k-th weekday sent, `cycle[k].end` the end of the cycle's day k.
fn form_field(field: &str, weekdays: &[u8]) -> String {
    let parts = |rest: &str| -> Option<(usize, String)> {
        let (index, tail) = rest.split_once(']')?;
        Some((
            index.parse().ok()?,
            tail.trim_start_matches('.').to_string(),
        ))
    };
    if let Some((k, tail)) = field.strip_prefix("days[").and_then(parts) {
        let weekday = weekdays.get(k).copied().unwrap_or(0);
        let tail = if tail.is_empty() {
            "on".to_string()
        } else {
            tail
        };
        return format!("d{weekday}_{tail}");
    }
    if let Some((k, tail)) = field.strip_prefix("cycle[").and_then(parts) {
        let tail = if tail.is_empty() {
            "on".to_string()
        } else {
            tail
        };
        return format!("c{k}_{tail}");
    }
    field.to_string()
}

fn editor(
    user: &ConsoleUser,
    existing: Option<&ScheduleRow>,
    values: &Values,
    messages: Messages,
    preview: Vec<PlannedDay>,
) -> Response {
    let caller = &user.caller;
    let frame = Frame::new(user, "schedules");
    let t = frame.t;
    let get = |key: &str| values.get(key).cloned().unwrap_or_default();
    let invalid = |name: &str| messages.of(name).is_some();
    let mut inputs = Vec::new();
    let mut title = Input::new("title", t.get("schedule-title"), "text", get("title")).required();
    title.error = messages.of("title");
    inputs.push(title);
    let kinds = (1..=4)
        .map(|k| (k.to_string(), t.get(&format!("schedule-kind-{k}"))))
        .collect();
    let mut kind =
        Input::new("type", t.get("schedule-kind"), "select", get("type")).options(kinds, &[]);
    kind.error = messages.of("type");
    inputs.push(kind);
    for key in ["late_grace", "early_exit_grace"] {
        let mut grace = Input::new(key, t.get(&format!("schedule-{key}")), "text", get(key));
        grace.error = messages.of(key);
        inputs.push(grace);
    }
    let weekdays = (1..=7)
        .map(|w| {
            let day = t.get(&format!("weekday-{w}"));
            let mut cells = vec![Cell {
                name: format!("d{w}_on"),
                label: format!("{day}: {}", t.get("schedule-works")),
                class: "",
                value: "1".into(),
                checkbox: true,
                invalid: invalid(&format!("d{w}_on")),
            }];
            let checked = get(&format!("d{w}_on")) == "1";
            cells[0].value = if checked { "1".into() } else { String::new() };
            cells.extend(DAY_COLUMNS.iter().map(|(key, class)| {
                let name = format!("d{w}_{key}");
                Cell {
                    label: format!("{day}: {}", t.get(&format!("schedule-{key}"))),
                    class,
                    value: get(&name),
                    checkbox: false,
                    invalid: invalid(&name),
                    name,
                }
            }));
            Row { label: day, cells }
        })
        .collect();
    let length: usize = get("cycle_length").parse().unwrap_or(0);
    let cycle = (0..length.clamp(CYCLE_ROWS, 366))
        .map(|i| {
            let day = format!("{} {}", t.get("schedule-cycle-day"), i + 1);
            let on = format!("c{i}_on");
            let mut cells = vec![Cell {
                label: format!("{day}: {}", t.get("schedule-works")),
                class: "",
                value: if get(&on) == "1" {
                    "1".into()
                } else {
                    String::new()
                },
                checkbox: true,
                invalid: invalid(&on),
                name: on,
            }];
            cells.extend(SLOT_COLUMNS.iter().map(|key| {
                let name = format!("c{i}_{key}");
                Cell {
                    label: format!("{day}: {}", t.get(&format!("schedule-{key}"))),
                    class: "",
                    value: get(&name),
                    checkbox: false,
                    invalid: invalid(&name),
                    name,
                }
            }));
            Row { label: day, cells }
        })
        .collect();
    let zone = caller.zone();
    let preview = preview.iter().map(|day| planned(day, &zone, &t)).collect();
    let (title, action) = match existing {
        Some(row) => (row.title.clone(), format!("/schedules/{}", row.id)),
        None => (t.get("schedule-new"), "/schedules/new".to_string()),
    };
    let cycle_length_invalid = invalid("cycle");
    let mut messages = messages;
    // Every message shows above the form; those of the fields above the tables also
    // beside them.
    let listed: Vec<String> = messages
        .fields
        .iter()
        .filter(|(name, _)| {
            !["title", "type", "late_grace", "early_exit_grace"].contains(&name.as_str())
        })
        .map(|(_, message)| message.clone())
        .collect();
    messages.general.extend(listed);
    let page = EditorPage {
        night_split: get("night_split") == "1",
        cycle_length: get("cycle_length"),
        cycle_length_invalid,
        title,
        action,
        inputs,
        weekdays,
        cycle,
        preview,
        deletable: existing.map(|row| row.id.0),
        messages,
        frame,
        t,
    };
    render(page.messages.status(), &page)
}

/// A day of the plan in words: `09:00–18:00`, `21:00–09:00 (+1)`, `8:00 h due`, a day off.
fn planned(day: &PlannedDay, zone: &CompanyZone, t: &Words) -> Planned {
    let clock = |at: i64| zone.format(at).get(11..16).unwrap_or("").to_string();
    let date = |at: i64| zone.format(at).get(..10).unwrap_or("").to_string();
    let plan = match (day.work_day, day.start, day.end) {
        (false, _, _) if day.holiday => t.get("day-holiday"),
        (false, _, _) => t.get("day-day-off"),
        (true, Some(start), Some(end)) => {
            let next = if date(end) != date(start) {
                " (+1)"
            } else {
                ""
            };
            format!("{}–{}{next}", clock(start), clock(end))
        }
        (true, _, _) => format!(
            "{} {}:{:02}",
            t.get("schedule-due"),
            day.production / 3600,
            day.production % 3600 / 60
        ),
    };
    Planned {
        date: day.date.to_string(),
        weekday: t.get(&format!(
            "weekday-{}",
            chrono::Datelike::weekday(&day.date).number_from_monday()
        )),
        plan,
        work_day: day.work_day,
    }
}

/// `GET /schedules/new`.
pub async fn new_form(Signed(user): Signed) -> Response {
    if let Err(err) = schedules::authorize(&user.caller) {
        return ErrorPage::new(user.caller.lang, Problem::from(err)).into_response();
    }
    editor(&user, None, &new_values(), Messages::default(), Vec::new())
}

/// `GET /schedules/{id}`.
pub async fn edit(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Response {
    let caller = &user.caller;
    let row = match stored(&state, caller, &id).await {
        Ok(row) => row,
        Err(page) => return page.into_response(),
    };
    editor(
        &user,
        Some(&row),
        &stored_values(&row),
        Messages::default(),
        Vec::new(),
    )
}

/// The schedule of the path, for an admin.
async fn stored(state: &AppState, caller: &Caller, id: &str) -> Result<ScheduleRow, ErrorPage> {
    let problem = |err: AppError| ErrorPage::new(caller.lang, Problem::from(err));
    schedules::authorize(caller).map_err(problem)?;
    let id = id.parse::<i64>().map_err(|_| problem(AppError::NotFound))?;
    schedules::get(&state.store, caller, id)
        .await
        .map_err(problem)
}

/// `POST /schedules/new`: previews or creates.
pub async fn create(
    State(state): State<AppState>,
    Signed(user): Signed,
    Form(form): Form<Posted>,
) -> Response {
    submit(&state, &user, None, &form).await
}

/// `POST /schedules/{id}`: previews or replaces.
pub async fn update(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let row = match stored(&state, &user.caller, &id).await {
        Ok(row) => row,
        Err(page) => return page.into_response(),
    };
    submit(&state, &user, Some(&row), &form).await
}

async fn submit(
    state: &AppState,
    user: &ConsoleUser,
    existing: Option<&ScheduleRow>,
    form: &Posted,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let values = posted_values(form);
    let (request, weekdays) = request_of(&values);
    let now = state.clock.now();
    let refused = |errors| {
        let mut messages = Messages::of_fields(errors, caller.lang);
        for (name, _) in &mut messages.fields {
            *name = form_field(name, &weekdays);
        }
        editor(user, existing, &values, messages, Vec::new())
    };
    if form.value("action") == "preview" {
        return match schedules::preview(&state.store, caller, request, caller.today(now)).await {
            Ok(plan) => editor(user, existing, &values, Messages::default(), plan),
            Err(AppError::Invalid(errors)) => refused(errors),
            Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
        };
    }
    let saved = match existing {
        Some(row) => schedules::update(&state.store, caller, row.id.0, request, now).await,
        None => schedules::create(&state.store, caller, request, now).await,
    };
    match saved {
        Ok(_) => Redirect::to("/schedules").into_response(),
        Err(AppError::Invalid(errors)) => refused(errors),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /schedules/{id}/delete`: deletes a schedule nobody follows, or says why not.
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
    let row = match stored(&state, caller, &id).await {
        Ok(row) => row,
        Err(page) => return page.into_response(),
    };
    match schedules::delete(&state.store, caller, row.id.0, state.clock.now()).await {
        Ok(()) => Redirect::to("/schedules").into_response(),
        Err(err @ AppError::InUse) => {
            let messages = Messages::general(err, caller.lang);
            editor(
                &user,
                Some(&row),
                &stored_values(&row),
                messages,
                Vec::new(),
            )
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}
