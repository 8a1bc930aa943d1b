//! `/v1/holidays` (ext, SEMANTICS.md §12): the company's production calendar.
//!
//! - `GET /v1/holidays`: one page of entries by date, optionally `start_date`..`end_date`
//!   (any role).
//! - `POST /v1/holidays`: add an entry (admins; 201): `date`, `title`, `kind`
//!   `holiday` (a day off for fixed, floating and free schedules) or `shortened` (a
//!   pre-holiday day one hour shorter). One entry per date (8008 on `date`).
//! - `DELETE /v1/holidays/{id}`: remove it (admins; `{"message": "success"}`).

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode};
use davomat_core::Role;
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, check_title};
use davomat_store::holidays::{self, Holiday, HolidayFields};
use davomat_store::read_cache::Dependency;
use serde_json::{Value, json};

use super::RouteTable;
use super::positions::read_fields;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult};
use crate::guard::Access;
use crate::input::{Fields, path_id, query_range};
use crate::openapi::{Operation, body, id_in_path, paging, query, schema_ref, with_errors};

const KINDS: [&str; 2] = ["holiday", "shortened"];

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::GET, "/v1/holidays", Access::Authenticated, list)
        .add(Method::POST, "/v1/holidays", Access::Authenticated, create)
        .add(
            Method::DELETE,
            "/v1/holidays/{id}",
            Access::Authenticated,
            delete,
        )
}

fn object(holiday: &Holiday) -> Value {
    json!({
        "id": holiday.id,
        "date": holiday.date.format("%Y-%m-%d").to_string(),
        "title": holiday.title,
        "kind": holiday.kind,
    })
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> ApiResult<Json<Value>> {
    let fields = Fields::from_query(raw.as_deref());
    let (from, to) = query_range(
        fields.query_text("start_date").as_deref(),
        fields.query_text("end_date").as_deref(),
    )?;
    let (rows, total) = holidays::list(
        state.store.connection(),
        caller.company_id,
        from,
        to,
        list.page,
    )
    .await?;
    Ok(Json(
        list.envelope(rows.iter().map(object).collect(), total),
    ))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin])?;
    let (fields, _) = read_fields(request).await?;
    let mut errors = FieldErrors::new();
    let date = fields.date("date", &mut errors);
    if date.is_none() && !errors.has("date") {
        errors.add("date", FieldCode::Required, Reason::Plain);
    }
    let title = fields.required_text("title", &mut errors);
    if let Some(title) = &title {
        check_title("title", title, 1, 250, &mut errors);
    }
    // An empty kind is "not set" (CONTRACT.md §1).
    let kind = fields
        .text("kind", &mut errors)
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "holiday".to_string());
    if !KINDS.contains(&kind.as_str()) {
        errors.add(
            "kind",
            FieldCode::InvalidValue,
            Reason::OneOf(KINDS.iter().map(|k| k.to_string()).collect()),
        );
    }
    let company = caller.company_id;
    let actor = caller.actor(&state.store).await?;
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    if let Some(date) = date
        && holidays::date_taken(&txn, company, date).await?
    {
        errors.add("date", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    let (Some(date), Some(title)) = (date, title) else {
        return Err(ApiError::Internal("holiday fields checked".into()));
    };
    let new = HolidayFields {
        date,
        title: title.trim().to_string(),
        kind,
    };
    let now = state.clock.now();
    let id = holidays::create(&txn, company, &new, now).await?;
    let message = Message::Created {
        kind: ObjectKind::Holiday,
        title: format!("{} {}", new.title, date.format("%Y-%m-%d")),
    };
    caller
        .log_object_change(&txn, actor, "createdHoliday", id, message, now)
        .await?;
    let holiday = holidays::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    davomat_store::commit(txn).await?;
    Ok((StatusCode::CREATED, Json(object(&holiday))))
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
    let current = holidays::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    holidays::delete(&txn, company, id).await?;
    let message = Message::Deleted {
        kind: ObjectKind::Holiday,
        title: format!("{} {}", current.title, current.date.format("%Y-%m-%d")),
    };
    caller
        .log_object_change(
            &txn,
            actor,
            "deletedHoliday",
            id,
            message,
            state.clock.now(),
        )
        .await?;
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"message": "success"})))
}

fn holiday_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "date", "title", "kind"],
        "properties": {
            "id": {"type": "integer"},
            "date": {"type": "string", "format": "date"},
            "title": {"type": "string"},
            "kind": {"type": "string", "enum": KINDS, "description": "holiday: a day off on fixed, floating and free schedules (shift slots stay work days); shortened: the working day ends one hour earlier"}
        }
    })
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let mut list_parameters = paging();
    list_parameters.push(query(
        "start_date",
        "entries on or after this date",
        json!({"type": "string", "format": "date"}),
    ));
    list_parameters.push(query(
        "end_date",
        "entries on or before this date",
        json!({"type": "string", "format": "date"}),
    ));
    vec![
        Operation {
            method: "get",
            path: "/v1/holidays",
            tag: "Holidays",
            summary: "The holiday calendar",
            description: "Any role of the company. By date.",
            secured: true,
            parameters: list_parameters,
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "One page of entries",
                    json!({"type": "object", "properties": {
                        "items": {"type": "array", "items": holiday_schema()},
                        "_links": schema_ref("Links"),
                        "_meta": schema_ref("Meta")
                    }}),
                )],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/holidays",
            tag: "Holidays",
            summary: "Add a holiday or a shortened day",
            description: "Admins only. One entry per date.",
            secured: true,
            parameters: vec![],
            request: Some(body(json!({
                "type": "object",
                "required": ["date", "title"],
                "properties": {
                    "date": {"type": "string", "format": "date"},
                    "title": {"type": "string", "minLength": 1, "maxLength": 250},
                    "kind": {"type": "string", "enum": KINDS, "default": "holiday"}
                }
            }))),
            responses: with_errors(
                true,
                vec![
                    ("201", "The new entry", holiday_schema()),
                    (
                        "422",
                        "date missing (8002), not a date (8009) or taken (8008); title missing or invalid; kind not holiday/shortened (8003)",
                        schema_ref("ValidationError"),
                    ),
                ],
            ),
        },
        Operation {
            method: "delete",
            path: "/v1/holidays/{id}",
            tag: "Holidays",
            summary: "Remove an entry",
            description: "Admins only.",
            secured: true,
            parameters: vec![id_in_path("id")],
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "Deleted", schema_ref("Message")),
                    (
                        "404",
                        "No such entry in the company (3000)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
    ]
}
