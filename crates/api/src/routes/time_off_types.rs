//! `/v1/time-offs`: time-off types (причины отсутствия), the reasons a time-off is
//! asked for.
//!
//! - `GET /v1/time-offs`, `GET /v1/time-offs/{id}`: any role.
//! - `POST /v1/time-offs` (201), `PUT /v1/time-offs/{id}`, `DELETE /v1/time-offs/{id}`:
//!   admins (ext). `title` 1..250 characters, unique in the company (8008);
//!   `description` up to 1000 characters (default `""`); `color` six hex digits without
//!   `#` (default `A0522D`). A type some time-off uses cannot be deleted (400/7011).

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode};
use davomat_core::Role;
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, check_title};
use davomat_store::StoreError;
use davomat_store::read_cache::Dependency;
use davomat_store::time_off_types::{self, TimeOffType, TimeOffTypeFields};
use serde_json::{Value, json};

use super::RouteTable;
use super::positions::read_fields;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult};
use crate::guard::Access;
use crate::input::{Fields, path_id};
use crate::openapi::{Operation, body, id_in_path, paging, schema_ref, with_errors};

const DEFAULT_COLOR: &str = "A0522D";
const DESCRIPTION_MAX: usize = 1000;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::GET, "/v1/time-offs", Access::Authenticated, list)
        .add(Method::POST, "/v1/time-offs", Access::Authenticated, create)
        .add(
            Method::GET,
            "/v1/time-offs/{id}",
            Access::Authenticated,
            get,
        )
        .add(
            Method::PUT,
            "/v1/time-offs/{id}",
            Access::Authenticated,
            update,
        )
        .add(
            Method::DELETE,
            "/v1/time-offs/{id}",
            Access::Authenticated,
            delete,
        )
}

/// The TimeOffType object.
pub(super) fn object(kind: &TimeOffType) -> Value {
    json!({
        "id": kind.id,
        "title": kind.title,
        "description": kind.description,
        "color": kind.color,
    })
}

fn is_color(text: &str) -> bool {
    text.len() == 6 && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// Reads the fields of a create (`current` None) or an update, over the current values.
fn read_type(
    fields: &Fields,
    current: Option<&TimeOffType>,
    errors: &mut FieldErrors,
) -> TimeOffTypeFields {
    let title = match current {
        None => fields.required_text("title", errors),
        Some(current) => Some(
            fields
                .text("title", errors)
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| current.title.clone()),
        ),
    };
    if let Some(title) = &title {
        check_title("title", title, 1, 250, errors);
    }
    let description = fields
        .text("description", errors)
        .or_else(|| current.map(|c| c.description.clone()))
        .unwrap_or_default();
    if description.chars().count() > DESCRIPTION_MAX {
        errors.add(
            "description",
            FieldCode::InvalidValue,
            Reason::TooLong(DESCRIPTION_MAX),
        );
    }
    let color = fields
        .text("color", errors)
        .map(|c| c.trim().trim_start_matches('#').to_string())
        .filter(|c| !c.is_empty())
        .or_else(|| current.map(|c| c.color.clone()))
        .unwrap_or_else(|| DEFAULT_COLOR.to_string());
    if !is_color(&color) {
        errors.add("color", FieldCode::InvalidValue, Reason::Plain);
    }
    TimeOffTypeFields {
        title: title.unwrap_or_default().trim().to_string(),
        description,
        color,
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Value>> {
    let (rows, total) =
        time_off_types::list(state.store.connection(), caller.company_id, list.page).await?;
    Ok(Json(
        list.envelope(rows.iter().map(object).collect(), total),
    ))
}

async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = path_id(&id)?;
    let kind = time_off_types::find(state.store.connection(), caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(object(&kind)))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin])?;
    let (fields, _) = read_fields(request).await?;
    let mut errors = FieldErrors::new();
    let new = read_type(&fields, None, &mut errors);
    let company = caller.company_id;
    let actor = caller.actor(&state.store).await?;
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    if !errors.has("title") && time_off_types::title_taken(&txn, company, &new.title, None).await? {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    let now = state.clock.now();
    let id = time_off_types::create(&txn, company, &new, now).await?;
    let message = Message::Created {
        kind: ObjectKind::TimeOffType,
        title: new.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "createdReason", id, message, now)
        .await?;
    let kind = time_off_types::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    davomat_store::commit(txn).await?;
    Ok((StatusCode::CREATED, Json(object(&kind))))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let id = path_id(&id)?;
    let company = caller.company_id;
    time_off_types::find(state.store.connection(), company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (fields, _) = read_fields(request).await?;
    let actor = caller.actor(&state.store).await?;
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    let current = time_off_types::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut errors = FieldErrors::new();
    let changed = read_type(&fields, Some(&current), &mut errors);
    if !errors.has("title")
        && changed.title != current.title
        && time_off_types::title_taken(&txn, company, &changed.title, Some(id)).await?
    {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    let unchanged = changed.title == current.title
        && changed.description == current.description
        && changed.color == current.color;
    if unchanged {
        return Ok(Json(object(&current)));
    }
    time_off_types::update(&txn, company, id, &changed).await?;
    let message = Message::Updated {
        kind: ObjectKind::TimeOffType,
        title: changed.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "updatedReason", id, message, state.clock.now())
        .await?;
    let kind = time_off_types::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    davomat_store::commit(txn).await?;
    Ok(Json(object(&kind)))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let id = path_id(&id)?;
    let company = caller.company_id;
    let actor = caller.actor(&state.store).await?;
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    let current = time_off_types::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if time_off_types::is_used(&txn, company, id).await? {
        return Err(ApiError::DeleteRefused);
    }
    match time_off_types::delete(&txn, company, id).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(ApiError::DeleteRefused),
        Err(err) => return Err(err.into()),
    }
    let message = Message::Deleted {
        kind: ObjectKind::TimeOffType,
        title: current.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "deletedReason", id, message, state.clock.now())
        .await?;
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"message": "success"})))
}

/// The TimeOffType object's schema.
pub(super) fn type_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "title", "description", "color"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "color": {"type": "string", "pattern": "^[0-9A-Fa-f]{6}$"}
        }
    })
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let id = || vec![id_in_path("id")];
    let write = |required: bool| {
        let mut schema = json!({"type": "object", "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 250, "description": "unique in the company"},
            "description": {"type": "string", "maxLength": 1000},
            "color": {"type": "string", "pattern": "^#?[0-9A-Fa-f]{6}$", "default": DEFAULT_COLOR}
        }});
        if required {
            schema["required"] = json!(["title"]);
        }
        body(schema)
    };
    let invalid = || {
        (
            "422",
            "title missing (8002), invalid (8003) or taken (8008); description too long or color not six hex digits (8003)",
            schema_ref("ValidationError"),
        )
    };
    let not_found = || {
        (
            "404",
            "No such type in the company (3000)",
            schema_ref("Error"),
        )
    };
    vec![
        Operation {
            method: "get",
            path: "/v1/time-offs",
            tag: "Time-off",
            summary: "Time-off types",
            description: "Any role of the company. By id.",
            secured: true,
            parameters: paging(),
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "One page of types",
                    json!({"type": "object", "properties": {
                        "items": {"type": "array", "items": type_schema()},
                        "_links": schema_ref("Links"),
                        "_meta": schema_ref("Meta")
                    }}),
                )],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/time-offs",
            tag: "Time-off",
            summary: "Create a time-off type",
            description: "Admins only.",
            secured: true,
            parameters: vec![],
            request: Some(write(true)),
            responses: with_errors(
                true,
                vec![("201", "The new type", type_schema()), invalid()],
            ),
        },
        Operation {
            method: "get",
            path: "/v1/time-offs/{id}",
            tag: "Time-off",
            summary: "One time-off type",
            description: "Any role of the company.",
            secured: true,
            parameters: id(),
            request: None,
            responses: with_errors(true, vec![("200", "The type", type_schema()), not_found()]),
        },
        Operation {
            method: "put",
            path: "/v1/time-offs/{id}",
            tag: "Time-off",
            summary: "Change a time-off type",
            description: "Admins only. Absent fields keep their values.",
            secured: true,
            parameters: id(),
            request: Some(write(false)),
            responses: with_errors(
                true,
                vec![("200", "The type", type_schema()), not_found(), invalid()],
            ),
        },
        Operation {
            method: "delete",
            path: "/v1/time-offs/{id}",
            tag: "Time-off",
            summary: "Delete a time-off type",
            description: "Admins only. Refused (7011) while any time-off, of any status, is of this type.",
            secured: true,
            parameters: id(),
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "Deleted", schema_ref("Message")),
                    ("400", "Time-offs use the type (7011)", schema_ref("Error")),
                    not_found(),
                ],
            ),
        },
    ]
}
