//! An employee's lifecycle: `POST /v1/employees/{id}/dismiss`, `/cancel-dismiss`,
//! `/recovery`, `/reestablish` and `DELETE /v1/employees/{id}/remove`. Each answers
//! `{"success": true}` and writes its activity row in the same transaction.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::Method;
use chrono::NaiveDate;
use davomat_core::validation::{FieldCode, FieldErrors, Reason};
use davomat_core::{EmployeeId, Role};
use davomat_store::activity::{self, NewActivity};
use davomat_store::employees::create::{self as references, Reference};
use davomat_store::employees::lifecycle::{self, LifecycleRow, RecoveryPlan};
use davomat_store::read_cache::Dependency;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, Malformed};
use crate::guard::Access;
use crate::input::{Fields, body_fields, path_id};
use crate::openapi::{Operation, body, id_in_path, schema_ref, with_errors};
use crate::routes::RouteTable;
use crate::scope::Scope;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(
            Method::POST,
            "/v1/employees/{id}/dismiss",
            Access::Authenticated,
            dismiss,
        )
        .add(
            Method::POST,
            "/v1/employees/{id}/cancel-dismiss",
            Access::Authenticated,
            cancel_dismiss,
        )
        .add(
            Method::POST,
            "/v1/employees/{id}/recovery",
            Access::Authenticated,
            recovery,
        )
        .add(
            Method::POST,
            "/v1/employees/{id}/reestablish",
            Access::Authenticated,
            reestablish,
        )
        .add(
            Method::DELETE,
            "/v1/employees/{id}/remove",
            Access::Authenticated,
            remove,
        )
}

/// The employee behind the path, after the role check: 404 outside the company, 403
/// outside a head's departments.
async fn target(
    state: &AppState,
    caller: &Caller,
    roles: &[Role],
    id: &str,
) -> ApiResult<LifecycleRow> {
    caller.require(roles)?;
    let row = lifecycle::get(
        state.store.connection(),
        caller.company_id,
        EmployeeId(path_id(id)?),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    Scope::require_department(&state.store, caller, row.department_id).await?;
    Ok(row)
}

/// Writes one lifecycle activity row about the employee and commits with it.
async fn log_and_commit(
    state: &AppState,
    caller: &Caller,
    txn: davomat_store::WriteTransaction,
    action: &'static str,
    row: &LifecycleRow,
    assigned: Option<String>,
) -> ApiResult<Json<Value>> {
    let actor = caller.actor(&state.store).await?;
    let message = davomat_core::activity::Message::Lifecycle {
        action: lifecycle_action(action),
        name: row.full_name.clone(),
    };
    activity::record(
        &txn,
        NewActivity {
            company_id: caller.company_id,
            actor: Some(actor),
            action_name: action,
            object_id: Some(row.id),
            person_id: Some(row.id),
            assigned,
            message,
        },
        caller.company_lang,
        state.clock.now(),
    )
    .await?;
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"success": true})))
}

fn lifecycle_action(action: &str) -> davomat_core::activity::LifecycleAction {
    use davomat_core::activity::LifecycleAction;
    match action {
        "dismissEmployee" => LifecycleAction::Dismissed,
        "cancelDismissEmployee" => LifecycleAction::DismissalCancelled,
        "recoveryEmployee" => LifecycleAction::Recovered,
        "cancelRecoveryEmployee" => LifecycleAction::RecoveryCancelled,
        _ => LifecycleAction::Removed,
    }
}

/// 400/4001 when the employee's login is the company's last administrator who can log
/// in: without one, nobody could run the company. The company's writes are locked
/// first, so that two administrators dismissing each other cannot both pass.
async fn refuse_last_admin(
    txn: &davomat_store::DatabaseTransaction,
    company: davomat_core::CompanyId,
    employee: EmployeeId,
) -> ApiResult<()> {
    davomat_store::departments::lock(txn, company).await?;
    if davomat_store::users::is_last_active_admin(txn, company, employee).await? {
        return Err(ApiError::Malformed(Malformed::LastAdmin));
    }
    Ok(())
}

fn required_date(fields: &Fields, name: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let date = fields.date(name, errors);
    if date.is_none() && !errors.has(name) {
        errors.add(name, FieldCode::Required, Reason::Plain);
    }
    date
}

async fn dismiss(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    let row = target(&state, &caller, &[Role::Admin, Role::DepartmentHead], &id).await?;
    if row.is_dismissed() {
        return Err(ApiError::Malformed(Malformed::NotApplicable));
    }
    // Refused before the body is read (400 comes before 422); checked again under the
    // company's lock below, against a racing dismissal.
    if davomat_store::users::is_last_active_admin(
        state.store.connection(),
        caller.company_id,
        EmployeeId(row.id),
    )
    .await?
    {
        return Err(ApiError::Malformed(Malformed::LastAdmin));
    }
    let fields = body_fields(request).await?;
    let mut errors = FieldErrors::new();
    let last_day = required_date(&fields, "exp_date", &mut errors);
    if let Some(day) = last_day
        && day < row.start_date
    {
        errors.add(
            "exp_date",
            FieldCode::DateTooEarly,
            Reason::NotBefore("start_date".into()),
        );
    }
    errors.finish()?;
    let last_day = last_day.ok_or(ApiError::Internal("exp_date checked".into()))?;
    let today = caller.today(state.clock.now());
    let txn = state.store.begin().await?;
    // The employee (card, sessions, account) and the lists they are on.
    txn.changes([
        Dependency::Employee(EmployeeId(row.id)),
        Dependency::Roster(caller.company_id),
    ]);
    refuse_last_admin(&txn, caller.company_id, EmployeeId(row.id)).await?;
    lifecycle::dismiss(&txn, caller.company_id, EmployeeId(row.id), last_day, today).await?;
    log_and_commit(
        &state,
        &caller,
        txn,
        "dismissEmployee",
        &row,
        Some(last_day.to_string()),
    )
    .await
}

async fn cancel_dismiss(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let row = target(&state, &caller, &[Role::Admin, Role::DepartmentHead], &id).await?;
    if !row.has_pending_dismissal() {
        return Err(ApiError::Malformed(Malformed::NotApplicable));
    }
    let txn = state.store.begin().await?;
    // The employee (card, sessions, account) and the lists they are on.
    txn.changes([
        Dependency::Employee(EmployeeId(row.id)),
        Dependency::Roster(caller.company_id),
    ]);
    lifecycle::cancel_dismissal(&txn, caller.company_id, EmployeeId(row.id)).await?;
    log_and_commit(&state, &caller, txn, "cancelDismissEmployee", &row, None).await
}

/// Reads and checks a re-hire: every referenced id must be the company's (8004).
async fn read_plan(
    state: &AppState,
    caller: &Caller,
    row: &LifecycleRow,
    fields: &Fields,
) -> ApiResult<RecoveryPlan> {
    let conn = state.store.connection();
    let company = caller.company_id;
    let mut errors = FieldErrors::new();
    let required_id = |name: &str, errors: &mut FieldErrors| {
        let id = fields.int(name, errors);
        if id.is_none() && !errors.has(name) {
            errors.add(name, FieldCode::Required, Reason::Plain);
        }
        id
    };
    let department_id = required_id("department_id", &mut errors);
    let schedule_id = required_id("schedule_id", &mut errors);
    let position_id = fields.int("position_id", &mut errors);
    let first_day = required_date(fields, "efct_date", &mut errors);
    let start_date = fields.date("start_date", &mut errors);
    let locations = match fields.raw("location_ids") {
        Some(Value::String(s)) if s.trim() == "*" => {
            Some(references::all_location_ids(conn, company).await?)
        }
        Some(_) => fields.ids("location_ids", &mut errors),
        None => {
            errors.add("location_ids", FieldCode::Required, Reason::Plain);
            None
        }
    };
    let tab_number = fields
        .text("code", &mut errors)
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    for (name, referent, ids) in [
        (
            "department_id",
            Reference::Department,
            department_id.into_iter().collect::<Vec<_>>(),
        ),
        (
            "schedule_id",
            Reference::Schedule,
            schedule_id.into_iter().collect(),
        ),
        (
            "position_id",
            Reference::Position,
            position_id.into_iter().collect(),
        ),
        (
            "location_ids",
            Reference::Location,
            locations.clone().unwrap_or_default(),
        ),
    ] {
        if !references::unknown_ids(conn, company, referent, &ids)
            .await?
            .is_empty()
        {
            errors.add(name, FieldCode::UnknownReference, Reason::Plain);
        }
    }
    if let (Some(first), Some(last)) = (first_day, row.dismissal_date)
        && first <= last
    {
        errors.add(
            "efct_date",
            FieldCode::DateTooEarly,
            Reason::Note("after the last day employed".into()),
        );
    }
    if let Some(tab) = &tab_number
        && references::tab_number_taken(conn, company, tab, Some(row.id)).await?
    {
        errors.add("code", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    match (first_day, department_id, schedule_id, locations) {
        (Some(first_day), Some(department_id), Some(schedule_id), Some(location_ids)) => {
            Ok(RecoveryPlan {
                first_day,
                start_date: start_date.unwrap_or(first_day),
                department_id,
                schedule_id,
                location_ids,
                position_id,
                tab_number,
            })
        }
        _ => Err(ApiError::Internal("recovery checked but incomplete".into())),
    }
}

async fn recovery(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    let row = target(&state, &caller, &[Role::Admin], &id).await?;
    if !row.is_dismissed() || row.recovery_date.is_some() {
        return Err(ApiError::Malformed(Malformed::NotApplicable));
    }
    let fields = body_fields(request).await?;
    let plan = read_plan(&state, &caller, &row, &fields).await?;
    if references::would_exceed_limit(state.store.connection(), caller.company_id, 1).await? {
        return Err(ApiError::EmployeeLimit);
    }
    let now = state.clock.now();
    let today = caller.today(now);
    let txn = state.store.begin().await?;
    // The employee (card, sessions, account) and the lists they are on.
    txn.changes([
        Dependency::Employee(EmployeeId(row.id)),
        Dependency::Roster(caller.company_id),
    ]);
    lifecycle::recover(
        &txn,
        caller.company_id,
        EmployeeId(row.id),
        &plan,
        today,
        now,
    )
    .await?;
    log_and_commit(
        &state,
        &caller,
        txn,
        "recoveryEmployee",
        &row,
        Some(plan.first_day.to_string()),
    )
    .await
}

async fn reestablish(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let row = target(&state, &caller, &[Role::Admin], &id).await?;
    if row.recovery_date.is_none() {
        return Err(ApiError::Malformed(Malformed::NotApplicable));
    }
    let txn = state.store.begin().await?;
    // The employee (card, sessions, account) and the lists they are on.
    txn.changes([
        Dependency::Employee(EmployeeId(row.id)),
        Dependency::Roster(caller.company_id),
    ]);
    lifecycle::cancel_recovery(&txn, caller.company_id, EmployeeId(row.id)).await?;
    log_and_commit(&state, &caller, txn, "cancelRecoveryEmployee", &row, None).await
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let row = target(&state, &caller, &[Role::Admin], &id).await?;
    if !row.is_dismissed() {
        return Err(ApiError::Malformed(Malformed::NotApplicable));
    }
    let txn = state.store.begin().await?;
    // The employee (card, sessions, account) and the lists they are on.
    txn.changes([
        Dependency::Employee(EmployeeId(row.id)),
        Dependency::Roster(caller.company_id),
    ]);
    refuse_last_admin(&txn, caller.company_id, EmployeeId(row.id)).await?;
    let now = state.clock.now();
    super::super::identification::forget_removed(&txn, caller.company_id, EmployeeId(row.id), now)
        .await?;
    lifecycle::remove(&txn, caller.company_id, EmployeeId(row.id)).await?;
    log_and_commit(&state, &caller, txn, "removeEmployee", &row, None).await
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let id = id_in_path("id");
    let action = |method: &'static str,
                  path: &'static str,
                  summary: &'static str,
                  description: &'static str,
                  request: Option<Value>,
                  invalid: &'static str| Operation {
        method,
        path,
        tag: "Employees",
        summary,
        description,
        secured: true,
        parameters: vec![id.clone()],
        request: request.map(body),
        responses: with_errors(
            true,
            vec![
                ("200", "Done", schema_ref("Success")),
                (
                    "400",
                    "The action does not apply to the employee now (4001); the employee limit is reached (7012)",
                    schema_ref("Error"),
                ),
                (
                    "404",
                    "No such employee in the company (3000)",
                    schema_ref("Error"),
                ),
                ("422", invalid, schema_ref("ValidationError")),
            ],
        ),
    };
    vec![
        action(
            "post",
            "/v1/employees/{id}/dismiss",
            "Dismiss an employee (admin, head)",
            "exp_date is the last day employed; the employee counts as dismissed from the next day. A future date makes the dismissal pending.",
            Some(
                json!({"type": "object", "required": ["exp_date"], "properties": {"exp_date": {"type": "string", "format": "date"}}}),
            ),
            "exp_date missing (8002), malformed (8009) or before start_date (8010)",
        ),
        action(
            "post",
            "/v1/employees/{id}/cancel-dismiss",
            "Cancel a pending dismissal (admin, head)",
            "400/4001 when none is pending.",
            None,
            "—",
        ),
        action(
            "post",
            "/v1/employees/{id}/recovery",
            "Re-hire a dismissed employee (admin)",
            "efct_date is the first day employed again (a future one is pending); start_date defaults to it; location_ids is a list, \"1,2\" or \"*\"; code is the tab number.",
            Some(
                json!({"type": "object", "required": ["department_id", "schedule_id", "efct_date", "location_ids"], "properties": {
                "department_id": {"type": "integer"}, "schedule_id": {"type": "integer"}, "efct_date": {"type": "string", "format": "date"},
                "start_date": {"type": "string", "format": "date"}, "location_ids": {"type": ["array", "string"]},
                "position_id": {"type": "integer"}, "code": {"type": "string"}}}),
            ),
            "missing fields (8002), ids not in the company (8004), code taken (8008), malformed dates (8009), efct_date not after the last day employed (8010)",
        ),
        action(
            "post",
            "/v1/employees/{id}/reestablish",
            "Cancel a pending re-hire (admin)",
            "400/4001 when none is pending.",
            None,
            "—",
        ),
        action(
            "delete",
            "/v1/employees/{id}/remove",
            "Remove a dismissed employee (admin)",
            "Removes the person and everything that hangs on it, its login included. 400/4001 unless dismissed.",
            None,
            "—",
        ),
    ]
}
