//! `GET /v1/payroll/salaries`, `/payrolls`, `/fines`: one page of the employees in the
//! caller's scope (active ones, by name), each with every period of its kind, oldest
//! first. `f=department` (sub-departments included) or `f=employee` narrows the page to
//! `ids`; `f` absent or empty is the whole scope; `f` given without `ids` is 400/4000.
//! A page costs four statements: count, employees, their locations and positions (the
//! employee page's own), and their periods.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::Method;
use davomat_core::DepartmentId;
use davomat_core::money::format_minor;
use davomat_store::departments;
use davomat_store::employees::{self, EmployeeCard, EmployeeFilter, SortKey, StatusFilter};
use davomat_store::payroll::periods::{self, PeriodKind, PeriodRow};
use serde_json::{Value, json};

use super::READERS;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult, Malformed};
use crate::guard::Access;
use crate::input::{Fields, query_ids};
use crate::objects::PhotoBase;
use crate::openapi::{Operation, paging, query, schema_ref, with_errors};
use crate::routes::RouteTable;
use crate::scope::Scope;

/// Each list's path and the periods it shows.
const LISTS: [(&str, PeriodKind); 3] = [
    ("/v1/payroll/salaries", PeriodKind::Salary),
    ("/v1/payroll/payrolls", PeriodKind::Payroll),
    ("/v1/payroll/fines", PeriodKind::Fine),
];

pub fn routes(mut table: RouteTable) -> RouteTable {
    for (path, kind) in LISTS {
        table = table.add(
            Method::GET,
            path,
            Access::Authenticated,
            move |state: State<AppState>,
                  caller: Caller,
                  photo_base: PhotoBase,
                  list: ListRequest,
                  raw: RawQuery| page(state, caller, photo_base, list, raw, kind),
        );
    }
    table
}

/// The employees the query asks for, within the caller's scope.
async fn filter(state: &AppState, caller: &Caller, raw: Option<&str>) -> ApiResult<EmployeeFilter> {
    let fields = Fields::from_query(raw);
    let mut filter = EmployeeFilter {
        visibility: Scope::of(&state.store, caller).await?.visibility(),
        status: StatusFilter::Active,
        departments: None,
        first_letter: None,
        tab_number: None,
        ids: None,
        name_contains: None,
        sort: SortKey::FullName,
        descending: false,
    };
    let Some(kind) = fields.query_text("f").filter(|f| !f.trim().is_empty()) else {
        return Ok(filter);
    };
    let ids = fields
        .query_text("ids")
        .filter(|ids| !ids.trim().is_empty())
        .ok_or_else(|| ApiError::MissingArgument("ids".into()))?;
    let ids = query_ids(&ids, "ids")?;
    match kind.trim() {
        "employee" => filter.ids = Some(ids),
        "department" => {
            let mut all = Vec::new();
            for id in ids {
                all.extend(
                    departments::subtree_ids(
                        state.store.connection(),
                        caller.company_id,
                        DepartmentId(id),
                    )
                    .await?,
                );
            }
            filter.departments = Some(all);
        }
        _ => return Err(ApiError::Malformed(Malformed::QueryValue("f".into()))),
    }
    Ok(filter)
}

async fn page(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
    kind: PeriodKind,
) -> ApiResult<Json<Value>> {
    caller.require(&READERS)?;
    let filter = filter(&state, &caller, raw.as_deref()).await?;
    let conn = state.store.connection();
    let today = caller.today(state.clock.now());
    let (cards, total) =
        employees::list(conn, caller.company_id, &filter, list.page, today).await?;
    let ids: Vec<i64> = cards.iter().map(|card| card.id).collect();
    let mut by_employee: HashMap<i64, Vec<Value>> = HashMap::new();
    for row in periods::of_employees(conn, kind, &ids).await? {
        by_employee
            .entry(row.employee_id)
            .or_default()
            .push(period_object(kind, &row));
    }
    let items = cards
        .iter()
        .map(|card| {
            let periods = by_employee.remove(&card.id).unwrap_or_default();
            person_object(card, &photo_base, kind, periods)
        })
        .collect();
    Ok(Json(list.envelope(items, total)))
}

/// The name of the periods' list in a person object.
fn list_name(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Salary => "employeeSalaries",
        PeriodKind::Payroll => "personPayrolls",
        PeriodKind::Fine => "personFines",
    }
}

fn person_object(
    card: &EmployeeCard,
    photo_base: &PhotoBase,
    kind: PeriodKind,
    periods: Vec<Value>,
) -> Value {
    let mut object = json!({
        "department_id": card.department_id,
        "employee_id": card.id,
        "last_name": card.last_name,
        "first_name": card.first_name,
        "patronymic": card.patronymic,
        "photos": photo_base.photos(card.id, card.photo_key.as_deref()),
    });
    object[list_name(kind)] = Value::Array(periods);
    object
}

/// A period as the lists show it (Salary, Payroll or PersonFine of the reference).
pub(super) fn period_object(kind: PeriodKind, row: &PeriodRow) -> Value {
    let mut object = json!({
        "id": row.id,
        "start_date": row.start_date.to_string(),
        "end_date": row.end_date.to_string(),
    });
    match kind {
        PeriodKind::Salary => {
            object["rate"] = json!(format_minor(row.rate.unwrap_or(0)));
            object["type_col"] = json!(row.type_col);
        }
        PeriodKind::Payroll => {
            object["payrollRule"] = json!({
                "id": row.held_id,
                "title": row.title,
                "otc_algorithm_daily": row.flag.unwrap_or(false),
            });
        }
        PeriodKind::Fine => {
            object["fine"] = json!({
                "id": row.held_id,
                "title": row.title,
                "has_dayly_fine": u8::from(row.flag.unwrap_or(false)),
                "amount": format_minor(row.amount.unwrap_or(0)),
            });
        }
    }
    object
}

fn period_schema(kind: PeriodKind) -> Value {
    let mut properties = json!({
        "id": {"type": "integer"},
        "start_date": {"type": "string", "format": "date"},
        "end_date": {"type": "string", "format": "date", "description": "9999-12-31 while open"}
    });
    match kind {
        PeriodKind::Salary => {
            properties["rate"] = json!({"type": "string", "example": "1000.00"});
            properties["type_col"] = json!({"type": "integer", "enum": [1, 2, 3, 4], "description": "1 hourly, 2 weekly, 3 monthly, 4 daily"});
        }
        PeriodKind::Payroll => {
            properties["payrollRule"] = json!({"type": "object", "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"}, "otc_algorithm_daily": {"type": "boolean"}}});
        }
        PeriodKind::Fine => {
            properties["fine"] = json!({"type": "object", "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"},
                "has_dayly_fine": {"type": "integer", "enum": [0, 1]}, "amount": {"type": "string", "example": "25.00"}}});
        }
    }
    json!({"type": "object", "properties": properties})
}

fn list_operation(path: &'static str, kind: PeriodKind, summary: &'static str) -> Operation {
    let mut parameters = paging();
    parameters.push(query(
        "f",
        "department (sub-departments included) or employee; absent or empty: the caller's scope",
        json!({"type": "string", "enum": ["department", "employee", ""]}),
    ));
    parameters.push(query(
        "ids",
        "comma-separated ids of the kind named by f (required with f)",
        json!({"type": "string"}),
    ));
    let mut person = json!({"type": "object", "properties": {
        "department_id": {"type": "integer"},
        "employee_id": {"type": "integer"},
        "last_name": {"type": "string"},
        "first_name": {"type": "string"},
        "patronymic": {"type": "string"},
        "photos": {"type": ["object", "null"]}
    }});
    person["properties"][list_name(kind)] = json!({"type": "array", "items": period_schema(kind)});
    Operation {
        method: "get",
        path,
        tag: "Payroll",
        summary,
        description: "Admins (the company) and department heads (their departments). Active employees by name, each with every period, oldest first.",
        secured: true,
        parameters,
        request: None,
        responses: with_errors(
            true,
            vec![
                (
                    "200",
                    "One page of employees",
                    json!({"type": "object", "properties": {
                        "items": {"type": "array", "items": person},
                        "_links": schema_ref("Links"),
                        "_meta": schema_ref("Meta")
                    }}),
                ),
                (
                    "400",
                    "f given without ids (4000); f not department/employee or ids not integers (4001)",
                    schema_ref("Error"),
                ),
            ],
        ),
    }
}

pub fn operations() -> Vec<Operation> {
    vec![
        list_operation(
            "/v1/payroll/salaries",
            PeriodKind::Salary,
            "Employees with their salary rates",
        ),
        list_operation(
            "/v1/payroll/payrolls",
            PeriodKind::Payroll,
            "Employees with their payroll rules",
        ),
        list_operation(
            "/v1/payroll/fines",
            PeriodKind::Fine,
            "Employees with their automatic fines",
        ),
    ]
}
