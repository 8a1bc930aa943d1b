//! `/v1/positions`: the company's positions (должности).
//!
//! - `GET /v1/positions`: one page of positions by id (any role).
//! - `POST /v1/positions`: create one (admins; 201, `{"items": Position}` as the
//!   reference shows, with the real new id).
//! - `GET /v1/positions/{id}`: one position (any role).
//! - `PUT /v1/positions/{id}`: rename it (admins).
//! - `DELETE /v1/positions/delete/{id}`: delete it (admins; the reference's path);
//!   400/7011 while an employee holds it or is due to take it.
//!
//! The rules (titles, who may change them, what a delete refuses) are the use cases'
//! (`davomat_app::positions`); these handlers read the request, call them and render
//! the Position object. `count_employees` counts the active employees holding the
//! position today in the company's zone.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode};
use davomat_app::positions::{self as use_cases, NewPosition, PositionChange};
use davomat_store::positions::{self, Position};
use serde_json::{Value, json};

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::ApiResult;
use crate::guard::Access;
use crate::input::{BODY_LIMIT, Fields, path_id, read_body};
use crate::openapi::{Operation, body, id_in_path, paging, schema_ref, with_errors};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::GET, "/v1/positions", Access::Authenticated, list)
        .add(Method::POST, "/v1/positions", Access::Authenticated, create)
        .add(
            Method::GET,
            "/v1/positions/{id}",
            Access::Authenticated,
            get,
        )
        .add(
            Method::PUT,
            "/v1/positions/{id}",
            Access::Authenticated,
            update,
        )
        .add(
            Method::DELETE,
            "/v1/positions/delete/{id}",
            Access::Authenticated,
            delete,
        )
}

/// The Position object of the reference.
fn object(position: &Position) -> Value {
    json!({
        "id": position.id,
        "title": position.title,
        "count_employees": position.count_employees,
    })
}

/// The request body's fields and its bytes (400/4001 when unreadable, 413 past the limit).
pub(super) async fn read_fields(request: Request) -> ApiResult<(Fields, axum::body::Bytes)> {
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, BODY_LIMIT).await?;
    let fields = Fields::from_body(&parts.headers, &bytes)?;
    Ok((fields, bytes))
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Value>> {
    let today = caller.today(state.clock.now());
    let (rows, total) = positions::list(
        state.store.connection(),
        caller.company_id,
        today,
        list.page,
    )
    .await?;
    let items = rows.iter().map(object).collect();
    Ok(Json(list.envelope(items, total)))
}

async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let position = use_cases::get(&state.store, &caller, path_id(&id)?, state.clock.now()).await?;
    Ok(Json(object(&position)))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    use_cases::authorize(&caller)?;
    let (fields, _) = read_fields(request).await?;
    let new = NewPosition {
        title: fields.sent_text("title"),
    };
    let position = use_cases::create(&state.store, &caller, new, state.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"items": object(&position)})),
    ))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    let now = state.clock.now();
    use_cases::get(&state.store, &caller, id, now).await?;
    let (fields, _) = read_fields(request).await?;
    let change = PositionChange {
        title: fields.sent_text("title"),
    };
    let position = use_cases::rename(&state.store, &caller, id, change, now).await?;
    Ok(Json(object(&position)))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::delete(&state.store, &caller, id, state.clock.now()).await?;
    Ok(Json(json!({"message": "success"})))
}

/// The Position object.
fn position_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "title", "count_employees"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "count_employees": {"type": "integer", "description": "active employees holding the position today"}
        }
    })
}

fn id_parameter() -> Value {
    id_in_path("id")
}

fn write_body(title_required: bool) -> Value {
    let mut schema = json!({"type": "object", "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 250,
                  "description": "letters, digits, space and ' ` _ ( ) & - № , . ; unique in the company (case-insensitive)"}
    }});
    if title_required {
        schema["required"] = json!(["title"]);
    }
    body(schema)
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let invalid = || {
        (
            "422",
            "title missing (8002), too long or with other characters (8003), title taken in the company (8008)",
            schema_ref("ValidationError"),
        )
    };
    let not_found = || {
        (
            "404",
            "No such position in the company (3000)",
            schema_ref("Error"),
        )
    };
    vec![
        Operation {
            method: "get",
            path: "/v1/positions",
            tag: "Positions",
            summary: "The company's positions",
            description: "Any role of the company. By id; count_employees is the number of active employees holding the position today (company time zone).",
            secured: true,
            parameters: paging(),
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "One page of positions",
                    json!({"type": "object", "properties": {
                        "items": {"type": "array", "items": position_schema()},
                        "_links": schema_ref("Links"),
                        "_meta": schema_ref("Meta")
                    }}),
                )],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/positions",
            tag: "Positions",
            summary: "Create a position",
            description: "Admins only. Answers {\"items\": Position} as the reference shows, with the real new id.",
            secured: true,
            parameters: vec![],
            request: Some(write_body(true)),
            responses: with_errors(
                true,
                vec![
                    (
                        "201",
                        "The new position",
                        json!({"type": "object", "required": ["items"], "properties": {"items": position_schema()}}),
                    ),
                    invalid(),
                ],
            ),
        },
        Operation {
            method: "get",
            path: "/v1/positions/{id}",
            tag: "Positions",
            summary: "One position",
            description: "Any role of the company.",
            secured: true,
            parameters: vec![id_parameter()],
            request: None,
            responses: with_errors(
                true,
                vec![("200", "The position", position_schema()), not_found()],
            ),
        },
        Operation {
            method: "put",
            path: "/v1/positions/{id}",
            tag: "Positions",
            summary: "Rename a position",
            description: "Admins only. A title absent or empty leaves the position as it is.",
            secured: true,
            parameters: vec![id_parameter()],
            request: Some(write_body(false)),
            responses: with_errors(
                true,
                vec![
                    ("200", "The position", position_schema()),
                    not_found(),
                    invalid(),
                ],
            ),
        },
        Operation {
            method: "delete",
            path: "/v1/positions/delete/{id}",
            tag: "Positions",
            summary: "Delete a position",
            description: "Admins only; the reference's path. Refused (7011) while an employee of any status holds the position (an open period, or one ending today or later) or is due to take it. Closed periods of it in employees' position histories are deleted with it.",
            secured: true,
            parameters: vec![id_parameter()],
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "Deleted", schema_ref("Message")),
                    (
                        "400",
                        "An employee holds the position (7011)",
                        schema_ref("Error"),
                    ),
                    not_found(),
                ],
            ),
        },
    ]
}
