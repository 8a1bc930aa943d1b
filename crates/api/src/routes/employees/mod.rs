//! Employees, read side: `GET /v1/employees` (the caller's scope, with the reference's
//! filters and sorting) and `GET /v1/employees/{id}` (`{"success": true, "data": …}`);
//! hiring in [`create`], editing in [`update`] (both thin over the use cases), the bare lists `/letter` and `/{id}/locations` in [`lookups`].

mod create;
pub mod history;
pub mod lifecycle;
mod lookups;
mod update;

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::Method;
use davomat_core::EmployeeId;
use davomat_store::employees::{self, EmployeeFilter, SortKey, StatusFilter};
use serde_json::{Value, json};

use utoipa_axum::routes;

use super::RouteTable;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult, Malformed};
use crate::guard::Access;
use crate::input::path_id;
use crate::objects::PhotoBase;
use crate::openapi::{Operation, id_in_path, paging, query, schema_ref, with_errors};
use crate::scope::Scope;
use crate::{AppState, objects};

/// The field that carries an employee's notes: `notes`, or its alias `note` when only
/// that is sent.
fn notes_field(fields: &crate::input::Fields) -> &'static str {
    if !fields.contains("notes") && fields.contains("note") {
        "note"
    } else {
        "notes"
    }
}

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::GET, "/v1/employees", Access::Authenticated, list)
        .add(
            Method::GET,
            "/v1/employees/{id}",
            Access::Authenticated,
            get,
        )
        .add(
            Method::POST,
            "/v1/employees",
            Access::Authenticated,
            create::create,
        )
        .add(
            Method::PUT,
            "/v1/employees/{id}",
            Access::Authenticated,
            update::update,
        )
        .documented(Access::Authenticated, routes!(lookups::letters))
        .documented(Access::Authenticated, routes!(lookups::locations))
}

fn malformed(name: &str) -> ApiError {
    ApiError::Malformed(Malformed::QueryValue(name.to_string()))
}

/// Reads the list's query into a filter; shapes it cannot read are 400/4001.
async fn filter(
    state: &AppState,
    caller: &Caller,
    query: &HashMap<String, String>,
) -> ApiResult<EmployeeFilter> {
    let visibility = Scope::of(&state.store, caller).await?.visibility();
    let text = |name: &str| {
        query
            .get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let status = match text("status").as_deref() {
        None | Some("active") => StatusFilter::Active,
        Some("dismissed") => StatusFilter::Dismissed,
        Some("all") => StatusFilter::All,
        Some(_) => return Err(malformed("status")),
    };
    let mut result = EmployeeFilter {
        visibility,
        status,
        departments: None,
        first_letter: None,
        tab_number: None,
        ids: None,
        name_contains: text("full_name").map(|n| n.to_lowercase()),
        sort: SortKey::FullName,
        descending: false,
    };
    let value = text("fv");
    match text("f").as_deref() {
        None => {}
        Some("department") => {
            let id: i64 = value
                .as_deref()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| malformed("fv"))?;
            result.departments = Some(
                davomat_store::departments::subtree_ids(
                    state.store.connection(),
                    caller.company_id,
                    davomat_core::DepartmentId(id),
                )
                .await?,
            );
        }
        Some("letter") => {
            let letter = value
                .and_then(|v| v.chars().next())
                .ok_or_else(|| malformed("fv"))?;
            result.first_letter = Some(letter.to_uppercase().collect());
        }
        Some("tab_number") => result.tab_number = Some(value.ok_or_else(|| malformed("fv"))?),
        Some(_) => return Err(malformed("f")),
    }
    if let Some(ids) = text("ids") {
        let parsed: Result<Vec<i64>, _> = ids
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::parse)
            .collect();
        result.ids = Some(parsed.map_err(|_| malformed("ids"))?);
    }
    if let Some(sort) = text("sort") {
        let (descending, key) = match sort.strip_prefix('-') {
            Some(key) => (true, key.to_string()),
            None => (false, sort),
        };
        result.descending = descending;
        result.sort = match key.as_str() {
            "full_name" => SortKey::FullName,
            "start_date" => SortKey::StartDate,
            "birth_date" => SortKey::BirthDate,
            _ => return Err(malformed("sort")),
        };
    }
    Ok(result)
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    list: ListRequest,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<axum::response::Response> {
    let filter = filter(&state, &caller, &query).await?;
    let today = caller.today(state.clock.now());
    // The list's order and the cards come from the read caches when nothing they were
    // read from changed (davomat_store::employees::page_ids, crate::cards).
    let (ids, total) =
        employees::page_ids(&state.store, caller.company_id, &filter, list.page).await?;
    let items = crate::cards::rendered(
        &state.cards,
        &state.store,
        caller.company_id,
        &ids,
        today,
        &photo_base,
    )
    .await?;
    Ok(axum::response::IntoResponse::into_response(Json(
        list.envelope_of(items, total),
    )))
}

/// Any role of the company may read one employee (the reference needs no role for it).
async fn get(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let today = caller.today(state.clock.now());
    let card = employees::card(
        state.store.connection(),
        caller.company_id,
        EmployeeId(path_id(&id)?),
        today,
    )
    .await?;
    Ok(Json(
        json!({"success": true, "data": objects::employee_value(&card, &photo_base)}),
    ))
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let mut parameters = vec![
        query(
            "f",
            "filter kind: department (sub-departments included), letter (first letter of the first name) or tab_number",
            json!({"type": "string", "enum": ["department", "letter", "tab_number"]}),
        ),
        query("fv", "the filter's value", json!({"type": "string"})),
        query(
            "ids",
            "comma-separated employee ids",
            json!({"type": "string"}),
        ),
        query(
            "full_name",
            "case-insensitive part of the full name",
            json!({"type": "string"}),
        ),
        query(
            "sort",
            "full_name (default), start_date or birth_date; a leading - sorts descending",
            json!({"type": "string"}),
        ),
        query(
            "status",
            "active (default), dismissed or all (ext)",
            json!({"type": "string", "enum": ["active", "dismissed", "all"]}),
        ),
    ];
    parameters.extend(paging());
    let mut operations = vec![
        Operation {
            method: "get",
            path: "/v1/employees",
            tag: "Employees",
            summary: "List the employees in the caller's scope",
            description: "Admins see the company, heads, managers and observers their departments and below, employees themselves. Sorted by full_name by default.",
            secured: true,
            parameters,
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "One page of Employee objects",
                    json!({"type": "object", "properties": {"items": {"type": "array", "items": schema_ref("Employee")}, "_links": schema_ref("Links"), "_meta": schema_ref("Meta")}}),
                )],
            ),
        },
        Operation {
            method: "get",
            path: "/v1/employees/{id}",
            tag: "Employees",
            summary: "One employee",
            description: "Any role of the company.",
            secured: true,
            parameters: vec![id_in_path("id")],
            request: None,
            responses: with_errors(
                true,
                vec![
                    (
                        "200",
                        "{success: true, data: Employee}",
                        json!({"type": "object", "properties": {"success": {"const": true}, "data": schema_ref("Employee")}}),
                    ),
                    (
                        "404",
                        "No such employee in the company (3000)",
                        schema_ref("Error"),
                    ),
                ],
            ),
        },
    ];
    operations.extend(create::operations());
    operations.extend(update::operations());
    operations
}
