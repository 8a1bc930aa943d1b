//! `/v1/employees/time-off`: employees' time-offs (TimeEmployee).
//!
//! - `GET /v1/employees/time-off`: the caller's scope; `f=status&fv=0..3`,
//!   `start_date`/`end_date` (local dates; time-offs overlapping them), newest first.
//! - `GET /v1/employees/time-off/{id}`: any role of the company.
//! - `POST /v1/employees/time-off` (ext, SEMANTICS.md §12; 201): every role for
//!   themself; admins, heads and managers for their scope, and only they may pass
//!   `"status": 1` to create it accepted.
//! - `POST …/{id}/approve` → status 1, `POST …/{id}/reject` → status 2 (admins, heads,
//!   managers in scope); a deleted time-off cannot be decided (400/4001).
//! - `DELETE …/{id}` → status 3 (`{"success": true}`): admins, heads and managers in
//!   scope, or the owner while it is pending.
//!
//! A daily time-off covers whole local days (`start_date_time`'s date 00:00:00 to
//! `end_date_time`'s date 23:59:59; a bare date is accepted); an hourly one must begin
//! and end on one local day. Ending before the start is 8010.

use axum::Json;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{Method, StatusCode};
use davomat_core::activity::{Message, TimeOffAction};
use davomat_core::validation::{
    FieldCode, FieldErrors, Reason, parse_date, parse_local_date_time, supported_date,
};
use davomat_core::zone::CompanyZone;
use davomat_core::{EmployeeId, Role};
use davomat_store::activity::{self, NewActivity};
use davomat_store::employees::lifecycle::{self, LifecycleRow};
use davomat_store::read_cache::Dependency;
use davomat_store::time_off_types;
use davomat_store::time_offs::{self, NewTimeOff, TimeOff, TimeOffFilter};
use serde_json::{Value, json};

use super::RouteTable;
use super::positions::read_fields;
use super::time_off_types::type_schema;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult, Malformed};
use crate::guard::Access;
use crate::input::{Fields, path_id, query_range};
use crate::openapi::{Operation, body, id_in_path, paging, query, schema_ref, with_errors};
use crate::scope::Scope;

/// Roles that decide time-offs and create them for others.
const DECIDERS: [Role; 3] = [Role::Admin, Role::DepartmentHead, Role::DepartmentManager];
const PENDING: i64 = 0;
const ACCEPTED: i64 = 1;
const REJECTED: i64 = 2;
const DELETED: i64 = 3;
const DESCRIPTION_MAX: usize = 1000;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(
            Method::GET,
            "/v1/employees/time-off",
            Access::Authenticated,
            list,
        )
        .add(
            Method::POST,
            "/v1/employees/time-off",
            Access::Authenticated,
            create,
        )
        .add(
            Method::GET,
            "/v1/employees/time-off/{id}",
            Access::Authenticated,
            get,
        )
        .add(
            Method::DELETE,
            "/v1/employees/time-off/{id}",
            Access::Authenticated,
            delete,
        )
        .add(
            Method::POST,
            "/v1/employees/time-off/{id}/approve",
            Access::Authenticated,
            approve,
        )
        .add(
            Method::POST,
            "/v1/employees/time-off/{id}/reject",
            Access::Authenticated,
            reject,
        )
}

/// The TimeEmployee object.
fn object(time_off: &TimeOff, zone: &CompanyZone) -> Value {
    json!({
        "id": time_off.id,
        "employee_id": time_off.employee_id,
        "start_date_time": zone.format(time_off.start_at),
        "end_date_time": zone.format(time_off.end_at),
        "description": time_off.description,
        "status": time_off.status,
        "paid": time_off.paid,
        "absence_type": time_off.absence_type,
        "absence": {
            "id": time_off.type_id,
            "title": time_off.type_title,
            "description": time_off.type_description,
            "color": time_off.type_color,
        },
        "created_at": zone.format(time_off.created_at),
    })
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let fields = Fields::from_query(raw.as_deref());
    let zone = caller.zone();
    let status = match (
        fields.query_text("f").as_deref().map(str::trim),
        fields.query_text("fv"),
    ) {
        (Some(f), _) if !f.is_empty() && f != "status" => {
            return Err(ApiError::Malformed(Malformed::QueryValue("f".into())));
        }
        (Some("status"), Some(value)) if !value.trim().is_empty() => {
            match value.trim().parse::<i64>() {
                Ok(status) if (PENDING..=DELETED).contains(&status) => Some(status),
                _ => return Err(ApiError::Malformed(Malformed::QueryValue("fv".into()))),
            }
        }
        _ => None,
    };
    let (start, end) = query_range(
        fields.query_text("start_date").as_deref(),
        fields.query_text("end_date").as_deref(),
    )?;
    let filter = TimeOffFilter {
        visibility: Scope::of(&state.store, &caller).await?.visibility(),
        status,
        from: start.map(|d| zone.day_start(d)),
        to: end
            .and_then(|d| d.succ_opt())
            .map(|next| zone.day_start(next)),
        employees: None,
    };
    let (rows, total) = time_offs::list(
        state.store.connection(),
        caller.company_id,
        &filter,
        list.page,
    )
    .await?;
    let items = rows.iter().map(|t| object(t, &zone)).collect();
    Ok(Json(list.envelope(items, total)))
}

async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = path_id(&id)?;
    let time_off = time_offs::find(state.store.connection(), caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(object(&time_off, &caller.zone())))
}

/// The period of a new time-off as unix seconds, from its two fields.
fn read_period(
    fields: &Fields,
    daily: bool,
    zone: &CompanyZone,
    errors: &mut FieldErrors,
) -> Option<(i64, i64)> {
    let read = |name: &str, errors: &mut FieldErrors| {
        let text = match fields.text(name, errors) {
            Some(text) if !text.trim().is_empty() => text,
            _ => {
                errors.add(name, FieldCode::Required, Reason::Plain);
                return None;
            }
        };
        let parsed = parse_local_date_time(&text).or_else(|| {
            // A daily time-off may name bare dates.
            daily
                .then(|| parse_date(text.trim()).map(|d| (d, 0)))
                .flatten()
        });
        match parsed {
            Some((date, second)) => supported_date(name, date, errors).map(|date| (date, second)),
            None => {
                errors.add(name, FieldCode::DateFormat, Reason::Plain);
                None
            }
        }
    };
    let start = read("start_date_time", errors);
    let end = read("end_date_time", errors);
    let ((start_day, start_second), (end_day, end_second)) = (start?, end?);
    let (start_at, end_at) = if daily {
        let last = end_day.succ_opt()?;
        (zone.day_start(start_day), zone.day_start(last) - 1)
    } else {
        (
            zone.local_instant(start_day, start_second),
            zone.local_instant(end_day, end_second),
        )
    };
    if end_at < start_at {
        errors.add(
            "end_date_time",
            FieldCode::DateTooEarly,
            Reason::NotBefore("start_date_time".into()),
        );
        return None;
    }
    if !daily && (end_day != start_day || end_at == start_at) {
        errors.add(
            "end_date_time",
            FieldCode::InvalidValue,
            Reason::Note("an hourly time-off ends after its start on the same local day".into()),
        );
        return None;
    }
    Some((start_at, end_at))
}

/// The employee a time-off is about, when the caller may act for them: 8004 when not
/// in the company, 403 outside the caller's scope (or someone else, for roles 4–5).
async fn employee_for(
    state: &AppState,
    caller: &Caller,
    id: i64,
    errors: &mut FieldErrors,
) -> ApiResult<Option<LifecycleRow>> {
    let row = lifecycle::get(state.store.connection(), caller.company_id, EmployeeId(id)).await?;
    let Some(row) = row else {
        errors.add("employee_id", FieldCode::UnknownReference, Reason::Plain);
        return Ok(None);
    };
    let own = caller.employee_id == Some(EmployeeId(row.id));
    if !own {
        if !DECIDERS.contains(&caller.role) {
            return Err(ApiError::Forbidden);
        }
        let scope = Scope::of(&state.store, caller).await?;
        if !scope.covers_employee(row.id, row.department_id) {
            return Err(ApiError::Forbidden);
        }
    }
    Ok(Some(row))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (fields, _) = read_fields(request).await?;
    let zone = caller.zone();
    let company = caller.company_id;
    let mut errors = FieldErrors::new();
    let employee_id = fields
        .int("employee_id", &mut errors)
        .or(caller.employee_id.map(|id| id.0));
    if employee_id.is_none() && !errors.has("employee_id") {
        errors.add("employee_id", FieldCode::Required, Reason::Plain);
    }
    let type_id = fields.int("absence_id", &mut errors);
    if type_id.is_none() && !errors.has("absence_id") {
        errors.add("absence_id", FieldCode::Required, Reason::Plain);
    }
    let absence_type = fields
        .text("absence_type", &mut errors)
        .unwrap_or_else(|| "daily".into());
    let daily = match absence_type.trim() {
        "daily" => true,
        "hourly" => false,
        _ => {
            errors.add(
                "absence_type",
                FieldCode::InvalidValue,
                Reason::OneOf(vec!["daily".into(), "hourly".into()]),
            );
            true
        }
    };
    let period = read_period(&fields, daily, &zone, &mut errors);
    let paid = fields.boolean("paid", &mut errors).unwrap_or(false);
    let description = fields
        .text("description", &mut errors)
        .filter(|d| !d.trim().is_empty());
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > DESCRIPTION_MAX)
    {
        errors.add(
            "description",
            FieldCode::InvalidValue,
            Reason::TooLong(DESCRIPTION_MAX),
        );
    }
    let status = match fields.int("status", &mut errors) {
        None | Some(PENDING) => PENDING,
        Some(ACCEPTED) if DECIDERS.contains(&caller.role) => ACCEPTED,
        Some(ACCEPTED) => {
            errors.add("status", FieldCode::NotSettable, Reason::Plain);
            PENDING
        }
        Some(_) => {
            errors.add(
                "status",
                FieldCode::InvalidValue,
                Reason::OneOf(vec!["0".into(), "1".into()]),
            );
            PENDING
        }
    };
    let employee = match employee_id {
        Some(id) => employee_for(&state, &caller, id, &mut errors).await?,
        None => None,
    };
    if let Some(type_id) = type_id
        && time_off_types::find(state.store.connection(), company, type_id)
            .await?
            .is_none()
    {
        errors.add("absence_id", FieldCode::UnknownReference, Reason::Plain);
    }
    errors.finish()?;
    let (Some(employee), Some(type_id), Some((start_at, end_at))) = (employee, type_id, period)
    else {
        return Err(ApiError::Internal("time-off fields checked".into()));
    };
    let new = NewTimeOff {
        employee_id: employee.id,
        type_id,
        daily,
        start_at,
        end_at,
        description,
        paid,
        status,
        created_by: Some(caller.user_id.0),
    };
    let now = state.clock.now();
    let actor = caller.actor(&state.store).await?;
    let txn = state.store.begin().await?;
    // The employee's account counts accepted time-off today.
    txn.changes([Dependency::Employee(EmployeeId(new.employee_id))]);
    let id = time_offs::create(&txn, company, &new, now).await?;
    let time_off = time_offs::find(&txn, company, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    log(
        &caller,
        &txn,
        actor,
        TimeOffAction::Created,
        &time_off,
        &employee,
        now,
    )
    .await?;
    davomat_store::commit(txn).await?;
    Ok((StatusCode::CREATED, Json(object(&time_off, &zone))))
}

/// Writes the activity row of a time-off step.
async fn log(
    caller: &Caller,
    txn: &davomat_store::DatabaseTransaction,
    actor: davomat_store::activity::Actor,
    action: TimeOffAction,
    time_off: &TimeOff,
    employee: &LifecycleRow,
    now: i64,
) -> ApiResult<()> {
    let zone = caller.zone();
    let action_name = match action {
        TimeOffAction::Created => "createdTimeoff",
        TimeOffAction::Approved => "approvedTimeoff",
        TimeOffAction::Rejected => "rejectedTimeoff",
        TimeOffAction::Canceled => "canceledTimeoff",
    };
    let period = format!(
        "{} — {}",
        zone.format(time_off.start_at),
        zone.format(time_off.end_at)
    );
    activity::record(
        txn,
        NewActivity {
            company_id: caller.company_id,
            actor: Some(actor),
            action_name,
            object_id: Some(time_off.id),
            person_id: Some(employee.id),
            assigned: Some(time_off.type_title.clone()),
            message: Message::TimeOff {
                action,
                name: employee.full_name.clone(),
                period,
            },
        },
        caller.company_lang,
        now,
    )
    .await?;
    Ok(())
}

/// The time-off of the path and its employee, for a decision or a deletion by the
/// caller: 404 outside the company, 403 when the caller may not act on it.
async fn target(
    state: &AppState,
    caller: &Caller,
    id: &str,
    owner_may: bool,
) -> ApiResult<(TimeOff, LifecycleRow)> {
    if !owner_may {
        caller.require(&DECIDERS)?;
    }
    let id = path_id(id)?;
    let time_off = time_offs::find(state.store.connection(), caller.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let employee = lifecycle::get(
        state.store.connection(),
        caller.company_id,
        EmployeeId(time_off.employee_id),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    let owner = caller.employee_id == Some(EmployeeId(employee.id));
    if owner_may && owner && time_off.status == PENDING {
        return Ok((time_off, employee));
    }
    caller.require(&DECIDERS)?;
    let scope = Scope::of(&state.store, caller).await?;
    if !scope.covers_employee(employee.id, employee.department_id) {
        return Err(ApiError::Forbidden);
    }
    Ok((time_off, employee))
}

async fn decide(
    state: AppState,
    caller: Caller,
    id: String,
    status: i64,
) -> ApiResult<Json<Value>> {
    let (current, employee) = target(&state, &caller, &id, false).await?;
    if current.status == DELETED {
        return Err(ApiError::Malformed(Malformed::NotApplicable));
    }
    let zone = caller.zone();
    if current.status == status {
        return Ok(Json(object(&current, &zone)));
    }
    let action = if status == ACCEPTED {
        TimeOffAction::Approved
    } else {
        TimeOffAction::Rejected
    };
    let now = state.clock.now();
    let actor = caller.actor(&state.store).await?;
    let txn = state.store.begin().await?;
    txn.changes([Dependency::Employee(EmployeeId(current.employee_id))]);
    time_offs::set_status(&txn, caller.company_id, current.id, status).await?;
    let time_off = time_offs::find(&txn, caller.company_id, current.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    log(&caller, &txn, actor, action, &time_off, &employee, now).await?;
    davomat_store::commit(txn).await?;
    Ok(Json(object(&time_off, &zone)))
}

async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    decide(state, caller, id, ACCEPTED).await
}

async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    decide(state, caller, id, REJECTED).await
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (current, employee) = target(&state, &caller, &id, true).await?;
    if current.status == DELETED {
        return Err(ApiError::Malformed(Malformed::NotApplicable));
    }
    let now = state.clock.now();
    let actor = caller.actor(&state.store).await?;
    let txn = state.store.begin().await?;
    txn.changes([Dependency::Employee(EmployeeId(current.employee_id))]);
    time_offs::set_status(&txn, caller.company_id, current.id, DELETED).await?;
    log(
        &caller,
        &txn,
        actor,
        TimeOffAction::Canceled,
        &current,
        &employee,
        now,
    )
    .await?;
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"success": true})))
}

fn time_off_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "employee_id", "start_date_time", "end_date_time", "description", "status", "paid", "absence_type", "absence", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "employee_id": {"type": "integer"},
            "start_date_time": {"type": "string", "description": "local YYYY-MM-DD HH:MM:SS"},
            "end_date_time": {"type": "string", "description": "local YYYY-MM-DD HH:MM:SS (a daily time-off ends at 23:59:59)"},
            "description": {"type": ["string", "null"]},
            "status": {"type": "integer", "enum": [0, 1, 2, 3], "description": "0 pending, 1 accepted, 2 rejected, 3 deleted"},
            "paid": {"type": "boolean"},
            "absence_type": {"type": "string", "enum": ["daily", "hourly"]},
            "absence": type_schema(),
            "created_at": {"type": "string"}
        }
    })
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let id = || vec![id_in_path("id")];
    let not_found = || {
        (
            "404",
            "No such time-off in the company (3000)",
            schema_ref("Error"),
        )
    };
    let not_applicable = || ("400", "The time-off is deleted (4001)", schema_ref("Error"));
    let mut list_parameters = paging();
    list_parameters.extend([
        query(
            "f",
            "`status` to filter by status",
            json!({"type": "string", "enum": ["status"]}),
        ),
        query(
            "fv",
            "the status: 0 pending, 1 accepted, 2 rejected, 3 deleted",
            json!({"type": "integer"}),
        ),
        query(
            "start_date",
            "time-offs ending on or after this local date",
            json!({"type": "string", "format": "date"}),
        ),
        query(
            "end_date",
            "time-offs starting on or before this local date",
            json!({"type": "string", "format": "date"}),
        ),
    ]);
    let decision = |path: &'static str, summary: &'static str| Operation {
        method: "post",
        path,
        tag: "Time-off",
        summary,
        description: "Admins, heads and managers, for employees in their scope.",
        secured: true,
        parameters: id(),
        request: None,
        responses: with_errors(
            true,
            vec![
                ("200", "The time-off", time_off_schema()),
                not_found(),
                not_applicable(),
            ],
        ),
    };
    vec![
        Operation {
            method: "get",
            path: "/v1/employees/time-off",
            tag: "Time-off",
            summary: "Time-offs in the caller's scope",
            description: "Newest start first. An employee sees their own.",
            secured: true,
            parameters: list_parameters,
            request: None,
            responses: with_errors(
                true,
                vec![
                    (
                        "200",
                        "One page of time-offs",
                        json!({"type": "object", "properties": {
                            "items": {"type": "array", "items": time_off_schema()},
                            "_links": schema_ref("Links"),
                            "_meta": schema_ref("Meta")
                        }}),
                    ),
                    (
                        "400",
                        "fv or a date unreadable, or end_date before start_date (4001)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
        Operation {
            method: "post",
            path: "/v1/employees/time-off",
            tag: "Time-off",
            summary: "Request (or record) a time-off",
            description: "Every role for themself (employee_id defaults to the caller's own profile); admins, heads and managers for their scope, and only they may pass status 1 to create it accepted.",
            secured: true,
            parameters: vec![],
            request: Some(body(json!({
                "type": "object",
                "required": ["absence_id", "start_date_time", "end_date_time"],
                "properties": {
                    "employee_id": {"type": "integer"},
                    "absence_id": {"type": "integer", "description": "the time-off type"},
                    "absence_type": {"type": "string", "enum": ["daily", "hourly"], "default": "daily"},
                    "start_date_time": {"type": "string", "description": "local YYYY-MM-DD HH:MM:SS (a bare date for daily)"},
                    "end_date_time": {"type": "string", "description": "local; an hourly time-off ends on its start's day"},
                    "paid": {"type": "boolean", "default": false},
                    "description": {"type": "string", "maxLength": 1000},
                    "status": {"type": "integer", "enum": [0, 1], "default": 0}
                }
            }))),
            responses: with_errors(
                true,
                vec![
                    ("201", "The new time-off", time_off_schema()),
                    (
                        "422",
                        "a field missing (8002), invalid (8003), an unknown employee or type (8004), status 1 from a role that cannot decide (8005), a date-time unreadable (8009), ending before it starts (8010)",
                        schema_ref("ValidationError"),
                    ),
                ],
            ),
        },
        Operation {
            method: "get",
            path: "/v1/employees/time-off/{id}",
            tag: "Time-off",
            summary: "One time-off",
            description: "Any role of the company.",
            secured: true,
            parameters: id(),
            request: None,
            responses: with_errors(
                true,
                vec![("200", "The time-off", time_off_schema()), not_found()],
            ),
        },
        Operation {
            method: "delete",
            path: "/v1/employees/time-off/{id}",
            tag: "Time-off",
            summary: "Delete a time-off (status 3)",
            description: "Admins, heads and managers in scope; the owner while it is pending.",
            secured: true,
            parameters: id(),
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "Deleted", schema_ref("Success")),
                    not_found(),
                    not_applicable(),
                ],
            ),
        },
        decision(
            "/v1/employees/time-off/{id}/approve",
            "Accept a time-off (status 1)",
        ),
        decision(
            "/v1/employees/time-off/{id}/reject",
            "Reject a time-off (status 2)",
        ),
    ]
}
