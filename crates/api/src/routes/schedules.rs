//! Schedules: `GET /v1/schedules`, `GET /v1/schedules/{id}` (every role), and the ext
//! writes `POST /v1/schedules`, `PUT /v1/schedules/{id}`, `DELETE /v1/schedules/{id}`
//! (admins) with the body of SEMANTICS.md §12.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode};
use davomat_core::Role;
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::schedule::{ScheduleDefinition, parse_definition};
use davomat_core::validation::{FieldCode, FieldErrors, Reason};
use davomat_store::activity::{self, NewActivity};
use davomat_store::read_cache::Dependency;
use davomat_store::schedules::{self, ScheduleRow};
use serde_json::{Value, json};

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult};
use crate::guard::Access;
use crate::input::{body_fields, path_id};
use crate::openapi::{Operation, body, id_in_path, paging, schema_ref, with_errors};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::GET, "/v1/schedules", Access::Authenticated, list)
        .add(Method::POST, "/v1/schedules", Access::Authenticated, create)
        .add(
            Method::GET,
            "/v1/schedules/{id}",
            Access::Authenticated,
            get,
        )
        .add(
            Method::PUT,
            "/v1/schedules/{id}",
            Access::Authenticated,
            update,
        )
        .add(
            Method::DELETE,
            "/v1/schedules/{id}",
            Access::Authenticated,
            delete,
        )
}

/// The Schedule object: `{id, title, type}` plus the definition.
fn schedule_object(row: &ScheduleRow) -> Value {
    let mut object = json!({"id": row.id, "title": row.title, "type": row.kind});
    if let Ok(Value::Object(definition)) = serde_json::from_str::<Value>(&row.definition) {
        for (key, value) in definition {
            if key != "type" {
                object[key] = value;
            }
        }
    }
    object
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Value>> {
    let (rows, total) = schedules::list(&state.store, caller.company_id, list.page).await?;
    Ok(Json(list.envelope(
        rows.iter().map(schedule_object).collect(),
        total,
    )))
}

async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let row = schedules::get(state.store.connection(), caller.company_id, path_id(&id)?)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(schedule_object(&row)))
}

/// Reads and checks a schedule body: the title (1..200 characters) and the definition.
async fn read_schedule(request: Request) -> ApiResult<(String, ScheduleDefinition)> {
    let fields = body_fields(request).await?;
    let mut errors = FieldErrors::new();
    let title = fields
        .required_text("title", &mut errors)
        .map(|t| t.trim().to_string());
    if let Some(title) = &title {
        if title.chars().count() > 200 {
            errors.add("title", FieldCode::InvalidValue, Reason::TooLong(200));
        } else if title.chars().any(char::is_control) {
            errors.add("title", FieldCode::InvalidValue, Reason::Plain);
        }
    }
    let definition = parse_definition(&fields.to_map(), &mut errors);
    errors.finish()?;
    match (title, definition) {
        (Some(title), Some(definition)) => Ok((title, definition)),
        _ => Err(ApiError::Internal(
            "schedule parsed without errors but incomplete".into(),
        )),
    }
}

fn definition_text(definition: &ScheduleDefinition) -> ApiResult<String> {
    serde_json::to_string(definition)
        .map_err(|e| ApiError::Internal(format!("schedule not serialisable: {e}")))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin])?;
    let (title, definition) = read_schedule(request).await?;
    let actor = caller.actor(&state.store).await?;
    let now = state.clock.now();
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    let kind = definition.kind.id();
    let id = schedules::insert(
        &txn,
        caller.company_id,
        &title,
        kind,
        &definition_text(&definition)?,
        now,
    )
    .await?;
    activity::record(
        &txn,
        NewActivity::object_change(
            caller.company_id,
            actor,
            "createdSchedule",
            id,
            Message::Created {
                kind: ObjectKind::Schedule,
                title,
            },
        ),
        caller.company_lang,
        now,
    )
    .await?;
    let row = schedules::get(&txn, caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    davomat_store::commit(txn).await?;
    Ok((StatusCode::CREATED, Json(schedule_object(&row))))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let id = path_id(&id)?;
    schedules::get(state.store.connection(), caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (title, definition) = read_schedule(request).await?;
    let actor = caller.actor(&state.store).await?;
    let now = state.clock.now();
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    schedules::update(
        &txn,
        caller.company_id,
        id,
        &title,
        definition.kind.id(),
        &definition_text(&definition)?,
    )
    .await?;
    activity::record(
        &txn,
        NewActivity::object_change(
            caller.company_id,
            actor,
            "updatedSchedule",
            id,
            Message::Updated {
                kind: ObjectKind::Schedule,
                title,
            },
        ),
        caller.company_lang,
        now,
    )
    .await?;
    let row = schedules::get(&txn, caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    davomat_store::commit(txn).await?;
    Ok(Json(schedule_object(&row)))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let id = path_id(&id)?;
    let row = schedules::get(state.store.connection(), caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let actor = caller.actor(&state.store).await?;
    let now = state.clock.now();
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    if schedules::employees_using(&txn, caller.company_id, id).await? > 0 {
        return Err(ApiError::DeleteRefused);
    }
    schedules::delete(&txn, caller.company_id, id).await?;
    activity::record(
        &txn,
        NewActivity::object_change(
            caller.company_id,
            actor,
            "deletedSchedule",
            id,
            Message::Deleted {
                kind: ObjectKind::Schedule,
                title: row.title,
            },
        ),
        caller.company_lang,
        now,
    )
    .await?;
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"message": "success"})))
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let id = id_in_path("id");
    let schedule = json!({"type": "object", "required": ["title", "type"], "properties": {
        "title": {"type": "string", "maxLength": 200},
        "type": {"type": "integer", "enum": [1, 2, 3, 4], "description": "1 free, 2 fixed, 3 floating, 4 shift"},
        "late_grace": {"type": "integer", "minimum": 0, "maximum": 720},
        "early_exit_grace": {"type": "integer", "minimum": 0, "maximum": 720},
        "night_split": {"type": "boolean", "description": "Free+: night accounting on a free schedule"},
        "days": {"type": "array", "description": "types 1-3: ISO weekday (1 = Monday) with start/end and lunch (fixed), start_from/start_to/production_time (floating) or production_time (free); unlisted weekdays are days off", "items": {"type": "object"}},
        "cycle": {"type": "array", "description": "type 4: one slot per day of the cycle ({start, end, lunch}) or null for a day off, anchored at each employee's schedule_start_date", "items": {"type": ["object", "null"]}}
    }});
    let object = json!({"type": "object", "description": "{id, title, type} plus the definition"});
    vec![
        Operation {
            method: "get",
            path: "/v1/schedules",
            tag: "Schedules",
            summary: "List the company's schedules",
            description: "Every role. Items are {id, title, type} plus the definition.",
            secured: true,
            parameters: paging(),
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "One page of schedules",
                    json!({"type": "object", "properties": {"items": {"type": "array", "items": object.clone()}, "_links": schema_ref("Links"), "_meta": schema_ref("Meta")}}),
                )],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/schedules",
            tag: "Schedules",
            summary: "Create a schedule (ext, admin)",
            description: "The body of SEMANTICS.md §12. Every failing field is reported, nested ones as days[0].start or cycle[2].end.",
            secured: true,
            parameters: vec![],
            request: Some(body(schedule.clone())),
            responses: with_errors(
                true,
                vec![
                    ("201", "The new schedule", object.clone()),
                    (
                        "422",
                        "8002 missing, 8003 invalid (type, times, weekdays, cycle, graces), 8008 a weekday twice",
                        schema_ref("ValidationError"),
                    ),
                ],
            ),
        },
        Operation {
            method: "get",
            path: "/v1/schedules/{id}",
            tag: "Schedules",
            summary: "One schedule",
            description: "Every role.",
            secured: true,
            parameters: vec![id.clone()],
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "The schedule", object.clone()),
                    (
                        "404",
                        "No such schedule in the company (3000)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
        Operation {
            method: "put",
            path: "/v1/schedules/{id}",
            tag: "Schedules",
            summary: "Replace a schedule (ext, admin)",
            description: "Takes the same body as POST.",
            secured: true,
            parameters: vec![id.clone()],
            request: Some(body(schedule)),
            responses: with_errors(
                true,
                vec![
                    ("200", "The schedule", object),
                    (
                        "404",
                        "No such schedule in the company (3000)",
                        schema_ref("Error"),
                    ),
                    ("422", "As for POST", schema_ref("ValidationError")),
                ],
            ),
        },
        Operation {
            method: "delete",
            path: "/v1/schedules/{id}",
            tag: "Schedules",
            summary: "Delete a schedule (ext, admin)",
            description: "Refused with 400/7011 while employees follow it.",
            secured: true,
            parameters: vec![id],
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "Deleted", schema_ref("Message")),
                    (
                        "400",
                        "Employees follow the schedule (7011)",
                        schema_ref("Error"),
                    ),
                    (
                        "404",
                        "No such schedule in the company (3000)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
    ]
}
