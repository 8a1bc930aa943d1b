//! An employee's department and position history: `GET /v1/employees/{id}/departments`,
//! `GET /v1/employees/{id}/positions` (paginated), and removing the pending change:
//! `DELETE /v1/employees/{id}/department`, `DELETE /v1/employees/{id}/position`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::Method;
use davomat_core::activity::{LifecycleAction, Message};
use davomat_core::{EmployeeId, Role};
use davomat_store::activity::{self, NewActivity};
use davomat_store::employees::history::{self, Kind, Period};
use davomat_store::employees::lifecycle::{self, LifecycleRow};
use davomat_store::read_cache::Dependency;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult, Malformed};
use crate::guard::Access;
use crate::input::path_id;
use crate::openapi::{Operation, id_in_path, paging, schema_ref, with_errors};
use crate::routes::RouteTable;
use crate::scope::Scope;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(
            Method::GET,
            "/v1/employees/{id}/departments",
            Access::Authenticated,
            departments,
        )
        .add(
            Method::GET,
            "/v1/employees/{id}/positions",
            Access::Authenticated,
            positions,
        )
        .add(
            Method::DELETE,
            "/v1/employees/{id}/department",
            Access::Authenticated,
            drop_department,
        )
        .add(
            Method::DELETE,
            "/v1/employees/{id}/position",
            Access::Authenticated,
            drop_position,
        )
}

/// The employee behind the path when the caller may see them: 404 outside the company,
/// 403 outside the caller's scope.
pub async fn visible_employee(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<LifecycleRow> {
    let row = lifecycle::get(
        state.store.connection(),
        caller.company_id,
        EmployeeId(path_id(id)?),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    let visible = match Scope::of(&state.store, caller).await? {
        Scope::Company => true,
        Scope::Departments(ids) => ids.contains(&row.department_id),
        Scope::Myself(me) => me == Some(row.id),
    };
    if visible {
        Ok(row)
    } else {
        Err(ApiError::Forbidden)
    }
}

async fn history_page(
    state: &AppState,
    caller: &Caller,
    id: &str,
    list: &ListRequest,
    kind: Kind,
) -> ApiResult<Json<Value>> {
    let row = visible_employee(state, caller, id).await?;
    let today = caller.today(state.clock.now());
    let (periods, total) = history::list(
        state.store.connection(),
        kind,
        caller.company_id,
        EmployeeId(row.id),
        list.page,
    )
    .await?;
    let items = periods
        .iter()
        .map(|p| period_object(p, kind, today))
        .collect();
    Ok(Json(list.envelope(items, total)))
}

fn period_object(period: &Period, kind: Kind, today: chrono::NaiveDate) -> Value {
    let end = period.end_date.map(|d| d.to_string());
    match kind {
        Kind::Department => json!({
            "id": period.id,
            "employee_id": period.employee_id,
            "department_id": period.object_id,
            "department_title": period.object_title,
            "department_is_active": period.covers(today),
            "start_date": period.start_date.to_string(),
            "end_date": end,
        }),
        Kind::Position => json!({
            "id": period.id,
            "employee_id": period.employee_id,
            "person_id": period.employee_id,
            "position_id": period.object_id,
            "position_title": period.object_title,
            "position_is_active": period.covers(today),
            "start_date": period.start_date.to_string(),
            "end_date": end,
        }),
    }
}

async fn departments(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    list: ListRequest,
) -> ApiResult<Json<Value>> {
    history_page(&state, &caller, &id, &list, Kind::Department).await
}

async fn positions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    list: ListRequest,
) -> ApiResult<Json<Value>> {
    history_page(&state, &caller, &id, &list, Kind::Position).await
}

async fn drop_pending(
    state: &AppState,
    caller: &Caller,
    id: &str,
    kind: Kind,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin, Role::DepartmentHead])?;
    let row = visible_employee(state, caller, id).await?;
    let today = caller.today(state.clock.now());
    let txn = state.store.begin().await?;
    txn.changes([
        Dependency::Employee(EmployeeId(row.id)),
        Dependency::Roster(caller.company_id),
    ]);
    let pending = history::pending(&txn, kind, EmployeeId(row.id), today).await?;
    let Some(first) = pending.first() else {
        return Err(ApiError::Malformed(Malformed::NotApplicable));
    };
    let (action, what) = match kind {
        Kind::Department => ("cancelTransferEmpDep", LifecycleAction::TransferCancelled),
        Kind::Position => (
            "deletedAssignedPosition",
            LifecycleAction::PositionCancelled,
        ),
    };
    let assigned = Some(first.object_title.clone());
    history::drop_pending(&txn, kind, EmployeeId(row.id), today).await?;
    activity::record(
        &txn,
        NewActivity {
            company_id: caller.company_id,
            actor: Some(caller.actor(&state.store).await?),
            action_name: action,
            object_id: Some(row.id),
            person_id: Some(row.id),
            assigned,
            message: Message::Lifecycle {
                action: what,
                name: row.full_name.clone(),
            },
        },
        caller.company_lang,
        state.clock.now(),
    )
    .await?;
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"message": "success"})))
}

async fn drop_department(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    drop_pending(&state, &caller, &id, Kind::Department).await
}

async fn drop_position(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    drop_pending(&state, &caller, &id, Kind::Position).await
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let id = id_in_path("id");
    let mut parameters = vec![id.clone()];
    parameters.extend(paging());
    let period = |extra: Value| {
        let mut properties = json!({"id": {"type": "integer"}, "employee_id": {"type": "integer"},
            "start_date": {"type": "string", "format": "date"}, "end_date": {"type": ["string", "null"], "format": "date"}});
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            properties[k] = v;
        }
        json!({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": properties}},
            "_links": schema_ref("Links"), "_meta": schema_ref("Meta")}})
    };
    let read = |path: &'static str, summary: &'static str, schema: Value| Operation {
        method: "get",
        path,
        tag: "Employees",
        summary,
        description: "Oldest period first; a period starting after today is a pending change. Roles see the employees of their scope (an employee themself).",
        secured: true,
        parameters: parameters.clone(),
        request: None,
        responses: with_errors(
            true,
            vec![
                ("200", "One page of periods", schema),
                (
                    "404",
                    "No such employee in the company (3000)",
                    schema_ref("Error"),
                ),
            ],
        ),
    };
    let drop = |path: &'static str, summary: &'static str| Operation {
        method: "delete",
        path,
        tag: "Employees",
        summary,
        description: "Removes the pending change and reopens the period it would have closed. 400/4001 when nothing is pending.",
        secured: true,
        parameters: vec![id.clone()],
        request: None,
        responses: with_errors(
            true,
            vec![
                ("200", "Removed", schema_ref("Message")),
                ("400", "Nothing is pending (4001)", schema_ref("Error")),
                (
                    "404",
                    "No such employee in the company (3000)",
                    schema_ref("Error"),
                ),
            ],
        ),
    };
    vec![
        read(
            "/v1/employees/{id}/departments",
            "An employee's department history",
            period(json!({
            "department_id": {"type": "integer"}, "department_title": {"type": "string"}, "department_is_active": {"type": "boolean"}})),
        ),
        read(
            "/v1/employees/{id}/positions",
            "An employee's position history",
            period(json!({
            "person_id": {"type": "integer"}, "position_id": {"type": "integer"}, "position_title": {"type": "string"}, "position_is_active": {"type": "boolean"}})),
        ),
        drop(
            "/v1/employees/{id}/department",
            "Remove the pending department change (admin, head)",
        ),
        drop(
            "/v1/employees/{id}/position",
            "Remove the pending position change (admin, head)",
        ),
    ]
}
