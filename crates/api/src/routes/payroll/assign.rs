//! Giving employees a new salary rate, payroll rule or automatic fine, and deleting
//! one period (admins only).
//!
//! `POST /v1/payroll/add-salary` (`type_col`, `rate`, `start_date`), `/add-payroll`
//! (`payroll_rule_id`, `start_date`) and `/add-fine` (`fine_id`, `start_date`) take the
//! employees as `employee_ids` or `person_ids`. A malformed request is 422 as a whole;
//! otherwise the answer is always 200 with one result per employee, in the order sent:
//! the new period, or `status: false` with code 4001 when the employee is not in the
//! company, the start is not after their open period's start, or (fines) the fine is
//! the one they already hold. The accepted periods, their closings and their activity
//! rows commit together. When another request gives one of the employees a period at
//! the same moment (a conflict on PostgreSQL), the employees are decided again once on
//! what it wrote; after a second conflict each employee is decided and written alone,
//! and only one whose period changed meanwhile is refused (4001, "send it again"). The
//! reference's curls post to `/v1/add-salary` etc.; both paths are served.
//!
//! `DELETE /v1/payroll/{employee_id}/delete-salary/{id}` (`/delete-payroll/`,
//! `/delete-fine/`) removes a period and gives its days back to the one before.

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::Method;
use chrono::NaiveDate;
use davomat_core::activity::{Message, PayrollAction};
use davomat_core::money::format_minor;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule};
use davomat_core::{EmployeeId, Role};
use davomat_store::StoreError;
use davomat_store::activity::{self, NewActivity};
use davomat_store::employees::{self, lookups};
use davomat_store::payroll::periods::{self, Held, PeriodKind};
use davomat_store::payroll::{fines, rules};
use davomat_store::read_cache::Dependency;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};
use crate::guard::Access;
use crate::input::{Fields, body_fields, path_id};
use crate::openapi::{Operation, body, id_in_path, schema_ref, with_errors};
use crate::routes::RouteTable;

pub fn routes(mut table: RouteTable) -> RouteTable {
    for path in ["/v1/payroll/add-salary", "/v1/add-salary"] {
        table = table.add(Method::POST, path, Access::Authenticated, add_salary);
    }
    for (kind, paths) in [
        (
            PeriodKind::Payroll,
            ["/v1/payroll/add-payroll", "/v1/add-payroll"],
        ),
        (PeriodKind::Fine, ["/v1/payroll/add-fine", "/v1/add-fine"]),
    ] {
        for path in paths {
            table = table.add(
                Method::POST,
                path,
                Access::Authenticated,
                move |State(state): State<AppState>, caller: Caller, request: Request| {
                    add_held(state, caller, request, kind)
                },
            );
        }
    }
    for (kind, path) in [
        (
            PeriodKind::Salary,
            "/v1/payroll/{employee_id}/delete-salary/{id}",
        ),
        (
            PeriodKind::Payroll,
            "/v1/payroll/{employee_id}/delete-payroll/{id}",
        ),
        (
            PeriodKind::Fine,
            "/v1/payroll/{employee_id}/delete-fine/{id}",
        ),
    ] {
        table = table.add(
            Method::DELETE,
            path,
            Access::Authenticated,
            move |state: State<AppState>, caller: Caller, path: Path<(String, String)>| {
                delete(state, caller, path, kind)
            },
        );
    }
    table
}

/// `employee_ids` or `person_ids` (either is accepted; a missing list is reported
/// under `preferred`, the name the reference gives it for this request).
fn start_and_employees(
    fields: &Fields,
    preferred: &str,
    errors: &mut FieldErrors,
) -> (Option<NaiveDate>, Vec<i64>) {
    let start = fields.date("start_date", errors);
    if start.is_none() && !errors.has("start_date") {
        errors.add("start_date", FieldCode::Required, Reason::Plain);
    }
    let name = ["employee_ids", "person_ids"]
        .into_iter()
        .find(|name| fields.contains(name))
        .unwrap_or(preferred);
    let mut employees = Vec::new();
    match fields.ids(name, errors) {
        Some(ids) if !ids.is_empty() => {
            let mut seen = HashSet::new();
            employees = ids.into_iter().filter(|id| seen.insert(*id)).collect();
        }
        Some(_) | None if errors.has(name) => {}
        _ => errors.add(name, FieldCode::Required, Reason::Plain),
    }
    (start, employees)
}

async fn add_salary(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let fields = body_fields(request).await?;
    let mut errors = FieldErrors::new();
    let type_col = fields.int("type_col", &mut errors);
    match type_col {
        Some(1..=4) => {}
        Some(_) => errors.add(
            "type_col",
            FieldCode::InvalidValue,
            Reason::OneOf(vec!["1".into(), "2".into(), "3".into(), "4".into()]),
        ),
        None if !errors.has("type_col") => {
            errors.add("type_col", FieldCode::Required, Reason::Plain)
        }
        None => {}
    }
    let rate = fields.amount("rate", &mut errors);
    if rate.is_none() && !errors.has("rate") {
        errors.add("rate", FieldCode::Required, Reason::Plain);
    }
    let (start, employees) = start_and_employees(&fields, "employee_ids", &mut errors);
    errors.finish()?;
    let (Some(type_col), Some(rate), Some(start)) = (type_col, rate, start) else {
        return Err(ApiError::Internal("add-salary fields checked".into()));
    };
    let held = Held::Salary { type_col, rate };
    let detail = Assigned {
        label: format_minor(rate),
        result_key: None,
    };
    assign(&state, &caller, start, &employees, held, detail).await
}

/// A rule or fine of the company, as an add request names it.
struct CatalogEntry {
    held: Held,
    title: String,
    is_active: bool,
}

/// The rule (`PeriodKind::Payroll`) or fine of the company with this id, if any.
async fn catalog_entry(
    state: &AppState,
    caller: &Caller,
    kind: PeriodKind,
    id: i64,
) -> ApiResult<Option<CatalogEntry>> {
    let conn = state.store.connection();
    Ok(match kind {
        PeriodKind::Payroll => {
            rules::find(conn, caller.company_id, id)
                .await?
                .map(|rule| CatalogEntry {
                    held: Held::Rule(rule.id),
                    title: rule.title,
                    is_active: rule.is_active,
                })
        }
        _ => fines::find(conn, caller.company_id, id)
            .await?
            .map(|fine| CatalogEntry {
                held: Held::Fine(fine.id),
                title: fine.title,
                is_active: fine.is_active,
            }),
    })
}

/// `add-payroll` (`payroll_rule_id`) and `add-fine` (`fine_id`).
async fn add_held(
    state: AppState,
    caller: Caller,
    request: Request,
    kind: PeriodKind,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let (id_field, result_key) = match kind {
        PeriodKind::Payroll => ("payroll_rule_id", "payroll_rule"),
        _ => ("fine_id", "fine"),
    };
    let fields = body_fields(request).await?;
    let mut errors = FieldErrors::new();
    let sent = required_id(&fields, id_field, &mut errors);
    let (start, employees) = start_and_employees(&fields, "person_ids", &mut errors);
    let entry = match sent {
        Some(id) => catalog_entry(&state, &caller, kind, id).await?,
        None => None,
    };
    check_reference(
        sent,
        entry.as_ref().map(|e| e.is_active),
        id_field,
        &mut errors,
    );
    errors.finish()?;
    let (Some(entry), Some(start)) = (entry, start) else {
        return Err(ApiError::Internal(format!("{id_field} checked")));
    };
    let detail = Assigned {
        label: entry.title,
        result_key: Some(result_key),
    };
    assign(&state, &caller, start, &employees, entry.held, detail).await
}

fn required_id(fields: &Fields, name: &str, errors: &mut FieldErrors) -> Option<i64> {
    let id = fields.int(name, errors);
    if id.is_none() && !errors.has(name) {
        errors.add(name, FieldCode::Required, Reason::Plain);
    }
    id
}

/// 8004 when the rule or fine sent is not the company's; 8003 when it is not active.
fn check_reference(sent: Option<i64>, active: Option<bool>, name: &str, errors: &mut FieldErrors) {
    match (sent, active) {
        (Some(_), None) => errors.add(name, FieldCode::UnknownReference, Reason::Plain),
        (Some(_), Some(false)) => {
            errors.add(name, FieldCode::InvalidValue, Reason::Rule(Rule::Inactive))
        }
        _ => {}
    }
}

/// How an accepted result and its activity row name what was assigned.
struct Assigned {
    /// The rate (`"1000.00"`) or the rule's or fine's title.
    label: String,
    /// The result's key for the title (`payroll_rule`, `fine`); salary results carry
    /// `type_col` and `rate` instead.
    result_key: Option<&'static str>,
}

fn kind_noun(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Salary => "salary",
        PeriodKind::Payroll => "payroll",
        PeriodKind::Fine => "fine",
    }
}

fn refused(employee: i64, message: String) -> Value {
    json!({"employee_id": employee, "status": false, "errors": {"message": message, "code": 4001}})
}

/// Decides each employee's result, writes the accepted periods and their activity rows
/// in one transaction, and answers `{"items": [...]}` in the order sent.
async fn assign(
    state: &AppState,
    caller: &Caller,
    start: NaiveDate,
    employees: &[i64],
    held: Held,
    assigned: Assigned,
) -> ApiResult<Json<Value>> {
    let company = caller.company_id;
    let kind = held.kind();
    let actor = caller.actor(&state.store).await?;
    let now = state.clock.now();
    let txn = state.store.begin().await?;
    // Cards show each employee's open period.
    txn.changes(
        employees
            .iter()
            .map(|id| Dependency::Employee(EmployeeId(*id))),
    );
    let names: HashMap<i64, String> = lookups::named(&txn, company, employees)
        .await?
        .into_iter()
        .map(|e| (e.id, e.full_name))
        .collect();
    let request = Assignment {
        company,
        employees,
        names: &names,
        start,
        held,
        now,
    };
    let mut attempt = request.decide_and_write(&txn).await;
    if matches!(attempt, Err(StoreError::Conflict(_))) {
        // Another request gave one of these employees a period of this kind after we
        // read theirs (PostgreSQL): decide again on what it wrote.
        attempt = request.decide_and_write(&txn).await;
    }
    let Decided {
        mut refusals,
        accepted,
        created,
    } = match attempt {
        Ok(decided) => decided,
        Err(StoreError::Conflict(_)) => request.one_by_one(&txn).await?,
        Err(other) => return Err(other.into()),
    };
    let (action_name, action) = match kind {
        PeriodKind::Salary => ("assignNewSalaryRate", PayrollAction::SalaryAssigned),
        PeriodKind::Payroll => ("assignedPayroll", PayrollAction::PayrollAssigned),
        PeriodKind::Fine => ("assignedFine", PayrollAction::FineAssigned),
    };
    let rows = accepted
        .iter()
        .map(|employee| NewActivity {
            company_id: company,
            actor: Some(actor.clone()),
            action_name,
            object_id: created.get(employee).copied(),
            person_id: Some(*employee),
            assigned: Some(assigned.label.clone()),
            message: Message::Payroll {
                action,
                name: names.get(employee).cloned().unwrap_or_default(),
                detail: format!("{}, {start}", assigned.label),
            },
        })
        .collect();
    activity::record_many(&txn, rows, caller.company_lang, now).await?;
    davomat_store::commit(txn).await?;
    let items: Vec<Value> = employees
        .iter()
        .map(
            |employee| match (refusals.remove(employee), created.get(employee)) {
                (Some(message), _) => refused(*employee, message),
                (None, id) => accepted_result(*employee, id.copied(), start, held, &assigned),
            },
        )
        .collect();
    Ok(Json(json!({"items": items})))
}

/// One add-salary/payroll/fine request, as [`assign`] decides it.
struct Assignment<'a> {
    company: davomat_core::CompanyId,
    employees: &'a [i64],
    /// The company's employees among `employees`, with their names.
    names: &'a HashMap<i64, String>,
    start: NaiveDate,
    held: Held,
    now: i64,
}

/// Who gets the new period (with its id) and who is refused (with the reason).
struct Decided {
    refusals: HashMap<i64, String>,
    accepted: Vec<i64>,
    created: HashMap<i64, i64>,
}

impl Assignment<'_> {
    /// Reads the employees' open periods, decides each employee and writes the
    /// accepted periods, in a savepoint: when a concurrent request wrote a period for
    /// one of them meanwhile, the write fails with a conflict and leaves nothing behind,
    /// so the caller can decide again.
    async fn decide_and_write(
        &self,
        txn: &davomat_store::DatabaseTransaction,
    ) -> Result<Decided, StoreError> {
        let savepoint = davomat_store::TransactionTrait::begin(txn).await?;
        let outcome = self.decide_and_write_in(&savepoint).await;
        match outcome {
            Ok(decided) => {
                savepoint.commit().await?;
                Ok(decided)
            }
            Err(err) => {
                savepoint.rollback().await?;
                Err(err)
            }
        }
    }

    async fn decide_and_write_in(
        &self,
        conn: &davomat_store::DatabaseTransaction,
    ) -> Result<Decided, StoreError> {
        let kind = self.held.kind();
        let known: Vec<i64> = self
            .employees
            .iter()
            .copied()
            .filter(|id| self.names.contains_key(id))
            .collect();
        let open = periods::open_periods(conn, kind, self.company, &known).await?;
        let mut refusals: HashMap<i64, String> = HashMap::new();
        let mut accepted = Vec::new();
        for &employee in self.employees {
            let refusal = match (self.names.contains_key(&employee), open.get(&employee)) {
                (false, _) => Some("Employee not found".to_string()),
                (true, Some(period)) if self.held == Held::Fine(period.held_id.unwrap_or(0)) => {
                    Some("this fine is already in use".to_string())
                }
                (true, Some(period)) if self.start <= period.start_date => Some(format!(
                    "The date of assigning {} should be later than the (\"{}\")",
                    kind_noun(kind),
                    period.start_date
                )),
                _ => None,
            };
            match refusal {
                Some(message) => {
                    refusals.insert(employee, message);
                }
                None => accepted.push(employee),
            }
        }
        let created = periods::assign(
            conn,
            self.company,
            &accepted,
            self.start,
            self.held,
            self.now,
        )
        .await?;
        Ok(Decided {
            refusals,
            accepted,
            created,
        })
    }

    /// After a second conflict: each employee decided and written on their own, so
    /// that only an employee whose period another request changed at the same moment
    /// is refused (4001, "send it again"); the others get their result.
    async fn one_by_one(
        &self,
        txn: &davomat_store::DatabaseTransaction,
    ) -> Result<Decided, StoreError> {
        let mut all = Decided {
            refusals: HashMap::new(),
            accepted: Vec::new(),
            created: HashMap::new(),
        };
        for employee in self.employees {
            let alone = Assignment {
                employees: std::slice::from_ref(employee),
                ..*self
            };
            match alone.decide_and_write(txn).await {
                Ok(decided) => {
                    all.refusals.extend(decided.refusals);
                    all.accepted.extend(decided.accepted);
                    all.created.extend(decided.created);
                }
                Err(StoreError::Conflict(_)) => {
                    all.refusals.insert(
                        *employee,
                        "changed by another request at the same time: send it again".into(),
                    );
                }
                Err(other) => return Err(other),
            }
        }
        Ok(all)
    }
}

fn accepted_result(
    employee: i64,
    id: Option<i64>,
    start: NaiveDate,
    held: Held,
    assigned: &Assigned,
) -> Value {
    let mut result = json!({"employee_id": employee, "status": true, "id": id});
    match (held, assigned.result_key) {
        (Held::Salary { type_col, rate }, _) => {
            result["type_col"] = json!(type_col);
            result["rate"] = json!(format_minor(rate));
        }
        (_, Some(key)) => result[key] = json!(assigned.label),
        (_, None) => {}
    }
    result["start_date"] = json!(start.to_string());
    result["end_date"] = json!(periods::open_end().to_string());
    result
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((employee, id)): Path<(String, String)>,
    kind: PeriodKind,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Admin])?;
    let (employee, id) = (path_id(&employee)?, path_id(&id)?);
    let company = caller.company_id;
    let actor = caller.actor(&state.store).await?;
    let now = state.clock.now();
    let txn = state.store.begin().await?;
    txn.changes([Dependency::Employee(EmployeeId(employee))]);
    let name = employees::full_name_of(&txn, company, EmployeeId(employee)).await?;
    let period = periods::delete(&txn, kind, company, employee, id).await?;
    let (action_name, action) = match kind {
        PeriodKind::Salary => ("cancelNewSalaryRate", PayrollAction::SalaryCanceled),
        PeriodKind::Payroll => ("canceledPayroll", PayrollAction::PayrollCanceled),
        PeriodKind::Fine => ("canceledFine", PayrollAction::FineCanceled),
    };
    let entry = NewActivity {
        company_id: company,
        actor: Some(actor),
        action_name,
        object_id: Some(id),
        person_id: Some(employee),
        assigned: None,
        message: Message::Payroll {
            action,
            name,
            detail: period.start_date.to_string(),
        },
    };
    activity::record(&txn, entry, caller.company_lang, now).await?;
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"success": true})))
}

fn results_schema() -> Value {
    json!({"type": "object", "properties": {"items": {"type": "array", "items": {
        "type": "object",
        "required": ["employee_id", "status"],
        "properties": {
            "employee_id": {"type": "integer"},
            "status": {"type": "boolean"},
            "id": {"type": "integer", "description": "the new period (status true)"},
            "type_col": {"type": "integer", "description": "add-salary"},
            "rate": {"type": "string", "description": "add-salary"},
            "payroll_rule": {"type": "string", "description": "add-payroll: the rule's title"},
            "fine": {"type": "string", "description": "add-fine: the fine's title"},
            "start_date": {"type": "string", "format": "date"},
            "end_date": {"type": "string", "format": "date"},
            "errors": {"type": "object", "description": "status false", "properties": {
                "message": {"type": "string"}, "code": {"type": "integer", "enum": [4001]}}}
        }
    }}}})
}

fn add_operation(
    path: &'static str,
    summary: &'static str,
    held: Value,
    required: &[&str],
) -> Operation {
    let mut properties = held;
    properties["start_date"] = json!({"type": "string", "format": "date"});
    properties["employee_ids"] = json!({"type": "array", "items": {"type": "integer"}});
    properties["person_ids"] = json!({"type": "array", "items": {"type": "integer"}, "description": "the same as employee_ids"});
    Operation {
        method: "post",
        path,
        tag: "Payroll",
        summary,
        description: "Admins only. Always 200 with one result per employee, in the order sent; an employee outside the company, a start not after the open period's start, or the fine already held gives status false with code 4001. A new period closes the open one the day before it starts.",
        secured: true,
        parameters: vec![],
        request: Some(body(
            json!({"type": "object", "required": required, "properties": properties}),
        )),
        responses: with_errors(
            true,
            vec![
                ("200", "One result per employee", results_schema()),
                (
                    "422",
                    "a field missing (8002) or invalid (8003: type_col not 1-4, rate not an amount with at most two decimals, rule or fine inactive), start_date not a date (8009), rule or fine not the company's (8004)",
                    schema_ref("ValidationError"),
                ),
            ],
        ),
    }
}

fn delete_operation(path: &'static str, summary: &'static str) -> Operation {
    Operation {
        method: "delete",
        path,
        tag: "Payroll",
        summary,
        description: "Admins only. The period before it takes over its days (open again when the deleted one was open).",
        secured: true,
        parameters: vec![id_in_path("employee_id"), id_in_path("id")],
        request: None,
        responses: with_errors(
            true,
            vec![
                ("200", "Deleted", schema_ref("Success")),
                (
                    "404",
                    "No such employee or period in the company (3000)",
                    schema_ref("Error"),
                ),
            ],
        ),
    }
}

pub fn operations() -> Vec<Operation> {
    let salary = json!({
        "type_col": {"type": "integer", "enum": [1, 2, 3, 4], "description": "1 hourly, 2 weekly, 3 monthly, 4 daily"},
        "rate": {"type": ["string", "number"], "description": "at most two decimals, e.g. \"1000.50\""}
    });
    let payroll = json!({"payroll_rule_id": {"type": "integer"}});
    let fine = json!({"fine_id": {"type": "integer"}});
    let mut operations = Vec::new();
    for path in ["/v1/payroll/add-salary", "/v1/add-salary"] {
        operations.push(add_operation(
            path,
            "Give employees a salary rate",
            salary.clone(),
            &["type_col", "rate", "start_date", "employee_ids"],
        ));
    }
    for path in ["/v1/payroll/add-payroll", "/v1/add-payroll"] {
        operations.push(add_operation(
            path,
            "Give employees a payroll rule",
            payroll.clone(),
            &["payroll_rule_id", "start_date", "person_ids"],
        ));
    }
    for path in ["/v1/payroll/add-fine", "/v1/add-fine"] {
        operations.push(add_operation(
            path,
            "Give employees an automatic fine",
            fine.clone(),
            &["fine_id", "start_date", "person_ids"],
        ));
    }
    operations.push(delete_operation(
        "/v1/payroll/{employee_id}/delete-salary/{id}",
        "Delete a salary rate",
    ));
    operations.push(delete_operation(
        "/v1/payroll/{employee_id}/delete-payroll/{id}",
        "Delete a payroll rule period",
    ));
    operations.push(delete_operation(
        "/v1/payroll/{employee_id}/delete-fine/{id}",
        "Delete an automatic fine period",
    ));
    operations
}
