//! `GET /v1/user-activities`: the activity log, newest first, filtered by
//! `start_date`, `end_date` (local dates of the company) and `action_name`.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::Method;
use davomat_core::Role;
use davomat_core::person::full_name;
use davomat_core::zone::CompanyZone;
use davomat_store::activity::{self, ActivityFilter, ActivityRow};
use davomat_store::scope;
use serde_json::{Value, json};
use std::collections::HashMap;

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::ApiResult;
use crate::guard::Access;
use crate::input::query_range;
use crate::openapi::{Operation, paging, query, schema_ref, with_errors};

pub fn routes(table: RouteTable) -> RouteTable {
    table.add(
        Method::GET,
        "/v1/user-activities",
        Access::Authenticated,
        list,
    )
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    caller.require(&[
        Role::Admin,
        Role::DepartmentHead,
        Role::DepartmentManager,
        Role::Observer,
    ])?;
    let (start, end) = query_range(
        query.get("start_date").map(String::as_str),
        query.get("end_date").map(String::as_str),
    )?;
    let zone = CompanyZone::named_or_default(&caller.time_zone);
    let people = if caller.role == Role::Admin {
        None
    } else {
        Some(scope::employees_overseen(&state.store, caller.company_id, caller.user_id).await?)
    };
    let filter = ActivityFilter {
        since: start.map(|d| zone.day_start(d)),
        until: end.and_then(|d| d.succ_opt()).map(|d| zone.day_start(d)),
        action_name: query
            .get("action_name")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        people,
    };
    let (rows, total) = activity::list(&state.store, caller.company_id, &filter, list.page).await?;
    let items = rows.iter().map(|row| item(row, &zone)).collect();
    Ok(Json(list.envelope(items, total)))
}

fn item(row: &ActivityRow, zone: &CompanyZone) -> Value {
    let user = row.user_id.map(|id| {
        json!({
            "id": id,
            "full_name": full_name(
                row.user_last_name.as_deref().unwrap_or(""),
                row.user_first_name.as_deref().unwrap_or(""),
                row.user_patronymic.as_deref().unwrap_or(""),
            ),
        })
    });
    json!({
        "id": row.id,
        "action_name": row.action_name,
        "user": user,
        "object_id": row.object_id,
        "person_id": row.person_id,
        "assigned": row.assigned,
        "when": row.happened_on,
        "message": row.message,
        "created_at": zone.format(row.created_at),
    })
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    vec![Operation {
        method: "get",
        path: "/v1/user-activities",
        tag: "User activities",
        summary: "The activity log",
        description: "Newest first. Admins see the company; heads, managers and observers the people in their departments; employees get 403.",
        secured: true,
        parameters: {
            let mut p = vec![
                query(
                    "start_date",
                    "first local date (YYYY-MM-DD)",
                    json!({"type": "string", "format": "date"}),
                ),
                query(
                    "end_date",
                    "last local date (YYYY-MM-DD)",
                    json!({"type": "string", "format": "date"}),
                ),
                query("action_name", "e.g. addEmployee", json!({"type": "string"})),
            ];
            p.extend(paging());
            p
        },
        request: None,
        responses: with_errors(
            true,
            vec![("200", "One page of the log", schema_ref("ActivityList"))],
        ),
    }]
}
