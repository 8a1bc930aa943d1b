//! The company's payroll rules and automatic fines (reference 09 lists them; the writes
//! are ext): `GET /v1/payroll/payroll-list` and `/fine-list` for admins and heads;
//! `POST` to the same paths (201), `PUT …/{id}` (only the fields sent change) and
//! `DELETE …/{id}` (7011 while any employee holds or held it) for admins.
//!
//! Rules: `title`, `otc_algorithm_daily` (default false), `is_active` (default true).
//! Fines: `title`, `has_dayly_fine` (0/1 or a boolean, default 0), `amount` (default
//! 0.00), `amount_type` (0 a fixed sum, 1 a percentage; default 0), `is_active`.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode};
use davomat_core::Role;
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::money::format_minor;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, check_title};
use davomat_store::DatabaseTransaction;
use davomat_store::payroll::fines::{self, Fine, FineFields};
use davomat_store::payroll::rules::{self, PayrollRule, RuleFields};
use davomat_store::read_cache::Dependency;
use serde_json::{Value, json};

use super::READERS;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult};
use crate::guard::Access;
use crate::input::{Fields, body_fields, path_id};
use crate::openapi::{Operation, body, id_in_path, paging, schema_ref, with_errors};
use crate::routes::RouteTable;

/// Which catalog a request is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Catalog {
    Rules,
    Fines,
}

/// One entry's fields, read from a request over the entry's current ones.
enum Entry {
    Rule(RuleFields),
    Fine(FineFields),
}

impl Catalog {
    fn kind(self) -> ObjectKind {
        match self {
            Catalog::Rules => ObjectKind::PayrollRule,
            Catalog::Fines => ObjectKind::Fine,
        }
    }

    /// The activity action names of create, update and delete.
    fn actions(self) -> [&'static str; 3] {
        match self {
            Catalog::Rules => [
                "createdPayrollRule",
                "updatedPayrollRule",
                "deletedPayrollRule",
            ],
            Catalog::Fines => ["createdFine", "updatedFine", "deletedFine"],
        }
    }

    /// The entry as the API shows it and its title, if it is the company's.
    async fn find(
        self,
        conn: &DatabaseTransaction,
        caller: &Caller,
        id: i64,
    ) -> ApiResult<Option<(Value, String)>> {
        Ok(match self {
            Catalog::Rules => rules::find(conn, caller.company_id, id)
                .await?
                .map(|rule| (rule_object(&rule), rule.title)),
            Catalog::Fines => fines::find(conn, caller.company_id, id)
                .await?
                .map(|fine| (fine_object(&fine), fine.title)),
        })
    }
}

pub fn routes(mut table: RouteTable) -> RouteTable {
    table = table
        .add(
            Method::GET,
            "/v1/payroll/payroll-list",
            Access::Authenticated,
            list_rules,
        )
        .add(
            Method::GET,
            "/v1/payroll/fine-list",
            Access::Authenticated,
            list_fines,
        );
    for (catalog, path, item_path) in [
        (
            Catalog::Rules,
            "/v1/payroll/payroll-list",
            "/v1/payroll/payroll-list/{id}",
        ),
        (
            Catalog::Fines,
            "/v1/payroll/fine-list",
            "/v1/payroll/fine-list/{id}",
        ),
    ] {
        table = table
            .add(
                Method::POST,
                path,
                Access::Authenticated,
                move |State(state): State<AppState>, caller: Caller, request: Request| {
                    create(state, caller, catalog, request)
                },
            )
            .add(
                Method::PUT,
                item_path,
                Access::Authenticated,
                move |State(state): State<AppState>,
                      caller: Caller,
                      Path(id): Path<String>,
                      request: Request| update(state, caller, catalog, id, request),
            )
            .add(
                Method::DELETE,
                item_path,
                Access::Authenticated,
                move |State(state): State<AppState>, caller: Caller, Path(id): Path<String>| {
                    remove(state, caller, catalog, id)
                },
            );
    }
    table
}

fn rule_object(rule: &PayrollRule) -> Value {
    json!({
        "id": rule.id,
        "company_id": rule.company_id,
        "title": rule.title,
        "otc_algorithm_daily": rule.otc_algorithm_daily,
        "is_active": rule.is_active,
    })
}

fn fine_object(fine: &Fine) -> Value {
    json!({
        "id": fine.id,
        "company_id": fine.company_id,
        "title": fine.title,
        "is_active": fine.is_active,
        "has_dayly_fine": u8::from(fine.has_dayly_fine),
        "amount": format_minor(fine.amount),
        "amount_type": fine.amount_type,
    })
}

async fn list_rules(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Value>> {
    caller.require(&READERS)?;
    let (rows, total) = rules::list(state.store.connection(), caller.company_id, list.page).await?;
    Ok(Json(
        list.envelope(rows.iter().map(rule_object).collect(), total),
    ))
}

async fn list_fines(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Value>> {
    caller.require(&READERS)?;
    let (rows, total) = fines::list(state.store.connection(), caller.company_id, list.page).await?;
    Ok(Json(
        list.envelope(rows.iter().map(fine_object).collect(), total),
    ))
}

/// A title: required on create, checked whenever sent.
fn read_title(fields: &Fields, current: Option<&str>, errors: &mut FieldErrors) -> String {
    let title = match current {
        None => fields.required_text("title", errors),
        Some(_) => fields.text("title", errors),
    };
    if let Some(title) = &title {
        check_title("title", title, 1, 250, errors);
    }
    title
        .map(|t| t.trim().to_string())
        .or_else(|| current.map(str::to_string))
        .unwrap_or_default()
}

fn read_rule(
    fields: &Fields,
    current: Option<&PayrollRule>,
    errors: &mut FieldErrors,
) -> RuleFields {
    RuleFields {
        title: read_title(fields, current.map(|c| c.title.as_str()), errors),
        otc_algorithm_daily: fields
            .boolean("otc_algorithm_daily", errors)
            .unwrap_or(current.is_some_and(|c| c.otc_algorithm_daily)),
        is_active: fields
            .boolean("is_active", errors)
            .unwrap_or(current.is_none_or(|c| c.is_active)),
    }
}

fn read_fine(fields: &Fields, current: Option<&Fine>, errors: &mut FieldErrors) -> FineFields {
    let amount_type = fields.int("amount_type", errors);
    if amount_type.is_some_and(|t| !(0..=1).contains(&t)) {
        errors.add(
            "amount_type",
            FieldCode::InvalidValue,
            Reason::OneOf(vec!["0".into(), "1".into()]),
        );
    }
    FineFields {
        title: read_title(fields, current.map(|c| c.title.as_str()), errors),
        is_active: fields
            .boolean("is_active", errors)
            .unwrap_or(current.is_none_or(|c| c.is_active)),
        has_dayly_fine: fields
            .boolean("has_dayly_fine", errors)
            .unwrap_or(current.is_some_and(|c| c.has_dayly_fine)),
        amount: fields
            .amount("amount", errors)
            .unwrap_or(current.map_or(0, |c| c.amount)),
        amount_type: amount_type.unwrap_or(current.map_or(0, |c| c.amount_type)),
    }
}

/// Reads the request over the entry `id` (`None` to create one): 404 when `id` is not
/// the company's, 422 with every failing field.
async fn read_entry(
    state: &AppState,
    caller: &Caller,
    catalog: Catalog,
    id: Option<i64>,
    request: Request,
) -> ApiResult<Entry> {
    let fields = body_fields(request).await?;
    let mut errors = FieldErrors::new();
    let conn = state.store.connection();
    let company = caller.company_id;
    let entry = match (catalog, id) {
        (Catalog::Rules, None) => Entry::Rule(read_rule(&fields, None, &mut errors)),
        (Catalog::Rules, Some(id)) => {
            let current = rules::find(conn, company, id)
                .await?
                .ok_or(ApiError::NotFound)?;
            Entry::Rule(read_rule(&fields, Some(&current), &mut errors))
        }
        (Catalog::Fines, None) => Entry::Fine(read_fine(&fields, None, &mut errors)),
        (Catalog::Fines, Some(id)) => {
            let current = fines::find(conn, company, id)
                .await?
                .ok_or(ApiError::NotFound)?;
            Entry::Fine(read_fine(&fields, Some(&current), &mut errors))
        }
    };
    errors.finish()?;
    Ok(entry)
}

/// Writes the entry (a new one when `id` is `None`); answers its id.
async fn write_entry(
    txn: &DatabaseTransaction,
    caller: &Caller,
    entry: &Entry,
    id: Option<i64>,
    now: i64,
) -> ApiResult<i64> {
    let company = caller.company_id;
    Ok(match (entry, id) {
        (Entry::Rule(fields), None) => rules::create(txn, company, fields, now).await?,
        (Entry::Fine(fields), None) => fines::create(txn, company, fields, now).await?,
        (Entry::Rule(fields), Some(id)) => {
            rules::update(txn, company, id, fields).await?;
            id
        }
        (Entry::Fine(fields), Some(id)) => {
            fines::update(txn, company, id, fields).await?;
            id
        }
    })
}

/// Creates (`id` `None`) or changes an entry with its activity row; answers the entry.
async fn save(
    state: AppState,
    caller: Caller,
    catalog: Catalog,
    id: Option<i64>,
    request: Request,
) -> ApiResult<Value> {
    caller.require(&[Role::Admin])?;
    let entry = read_entry(&state, &caller, catalog, id, request).await?;
    let actor = caller.actor(&state.store).await?;
    let now = state.clock.now();
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    let saved = write_entry(&txn, &caller, &entry, id, now).await?;
    let (object, title) = catalog
        .find(&txn, &caller, saved)
        .await?
        .ok_or(ApiError::NotFound)?;
    let [created, updated, _] = catalog.actions();
    let (action_name, message) = match id {
        None => (
            created,
            Message::Created {
                kind: catalog.kind(),
                title,
            },
        ),
        Some(_) => (
            updated,
            Message::Updated {
                kind: catalog.kind(),
                title,
            },
        ),
    };
    caller
        .log_object_change(&txn, actor, action_name, saved, message, now)
        .await?;
    davomat_store::commit(txn).await?;
    Ok(object)
}

async fn remove(
    state: AppState,
    caller: Caller,
    catalog: Catalog,
    id: String,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let id = path_id(&id)?;
    let actor = caller.actor(&state.store).await?;
    let txn = state.store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    let (_, title) = catalog
        .find(&txn, &caller, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let held = match catalog {
        Catalog::Rules => rules::in_use(&txn, id).await?,
        Catalog::Fines => fines::in_use(&txn, id).await?,
    };
    if held {
        return Err(ApiError::DeleteRefused);
    }
    match catalog {
        Catalog::Rules => rules::delete(&txn, caller.company_id, id).await?,
        Catalog::Fines => fines::delete(&txn, caller.company_id, id).await?,
    }
    let [_, _, deleted] = catalog.actions();
    let message = Message::Deleted {
        kind: catalog.kind(),
        title,
    };
    caller
        .log_object_change(&txn, actor, deleted, id, message, state.clock.now())
        .await?;
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"message": "success"})))
}

async fn create(
    state: AppState,
    caller: Caller,
    catalog: Catalog,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let entry = save(state, caller, catalog, None, request).await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

async fn update(
    state: AppState,
    caller: Caller,
    catalog: Catalog,
    id: String,
    request: Request,
) -> ApiResult<Json<Value>> {
    let id = path_id(&id)?;
    Ok(Json(save(state, caller, catalog, Some(id), request).await?))
}

fn rule_schema() -> Value {
    json!({"type": "object", "required": ["id", "company_id", "title", "otc_algorithm_daily", "is_active"], "properties": {
        "id": {"type": "integer"}, "company_id": {"type": "integer"}, "title": {"type": "string"},
        "otc_algorithm_daily": {"type": "boolean"}, "is_active": {"type": "boolean"}}})
}

fn fine_schema() -> Value {
    json!({"type": "object", "required": ["id", "company_id", "title", "is_active", "has_dayly_fine", "amount", "amount_type"], "properties": {
        "id": {"type": "integer"}, "company_id": {"type": "integer"}, "title": {"type": "string"},
        "is_active": {"type": "boolean"}, "has_dayly_fine": {"type": "integer", "enum": [0, 1]},
        "amount": {"type": "string", "example": "25.00"},
        "amount_type": {"type": "integer", "enum": [0, 1], "description": "0 a fixed sum, 1 a percentage"}}})
}

fn rule_input() -> Value {
    json!({"type": "object", "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 250},
        "otc_algorithm_daily": {"type": "boolean", "default": false},
        "is_active": {"type": "boolean", "default": true}}})
}

fn fine_input() -> Value {
    json!({"type": "object", "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 250},
        "has_dayly_fine": {"type": ["integer", "boolean"], "default": 0},
        "amount": {"type": ["string", "number"], "default": "0.00", "description": "at most two decimals"},
        "amount_type": {"type": "integer", "enum": [0, 1], "default": 0},
        "is_active": {"type": "boolean", "default": true}}})
}

fn catalog_operations(
    path: &'static str,
    item_path: &'static str,
    tag_noun: &'static str,
    schema: Value,
    input: Value,
) -> Vec<Operation> {
    let id = id_in_path("id");
    let invalid = (
        "422",
        "title missing (8002) or invalid, a flag not a boolean, amount not an amount with at most two decimals, amount_type not 0/1 (8003)",
        schema_ref("ValidationError"),
    );
    let missing = ("404", "Not the company's (3000)", schema_ref("Error"));
    let mut create_input = input.clone();
    create_input["required"] = json!(["title"]);
    vec![
        Operation {
            method: "get",
            path,
            tag: "Payroll",
            summary: tag_noun,
            description: "Admins and department heads. By id.",
            secured: true,
            parameters: paging(),
            request: None,
            responses: with_errors(
                true,
                vec![(
                    "200",
                    "One page",
                    json!({"type": "object", "properties": {
                    "items": {"type": "array", "items": schema.clone()},
                    "_links": schema_ref("Links"), "_meta": schema_ref("Meta")}}),
                )],
            ),
        },
        Operation {
            method: "post",
            path,
            tag: "Payroll",
            summary: "Create one",
            description: "Admins only.",
            secured: true,
            parameters: vec![],
            request: Some(body(create_input)),
            responses: with_errors(
                true,
                vec![("201", "Created", schema.clone()), invalid.clone()],
            ),
        },
        Operation {
            method: "put",
            path: item_path,
            tag: "Payroll",
            summary: "Change one",
            description: "Admins only. Only the fields sent change.",
            secured: true,
            parameters: vec![id.clone()],
            request: Some(body(input)),
            responses: with_errors(
                true,
                vec![("200", "Changed", schema), invalid, missing.clone()],
            ),
        },
        Operation {
            method: "delete",
            path: item_path,
            tag: "Payroll",
            summary: "Delete one",
            description: "Admins only. Refused (400/7011) while any employee holds or held it.",
            secured: true,
            parameters: vec![id],
            request: None,
            responses: with_errors(
                true,
                vec![
                    ("200", "Deleted", schema_ref("Message")),
                    ("400", "Held by an employee (7011)", schema_ref("Error")),
                    missing,
                ],
            ),
        },
    ]
}

pub fn operations() -> Vec<Operation> {
    let mut operations = catalog_operations(
        "/v1/payroll/payroll-list",
        "/v1/payroll/payroll-list/{id}",
        "The company's payroll rules",
        rule_schema(),
        rule_input(),
    );
    operations.extend(catalog_operations(
        "/v1/payroll/fine-list",
        "/v1/payroll/fine-list/{id}",
        "The company's automatic fines",
        fine_schema(),
        fine_input(),
    ));
    operations
}
