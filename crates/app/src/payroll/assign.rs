//! Giving employees a new salary rate, payroll rule or automatic fine, and deleting one
//! period (admins only).
//!
//! An add request names the employees as `employee_ids` or `person_ids` and is refused
//! as a whole when a field is (8002/8003/8004/8009); otherwise each employee gets a
//! result, in the order sent: the new period, or a refusal when the employee is not in
//! the company, the start is not after their open period's start, or (fines) the fine is
//! the one they already hold. The accepted periods, their closings and their activity
//! rows commit together. When another request gives one of the employees a period at the
//! same moment (a conflict on PostgreSQL), the employees are decided again once on what
//! it wrote; after a second conflict each employee is decided and written alone, and
//! only one whose period changed meanwhile is refused ("send it again").
//!
//! Deleting a period gives its days back to the one before.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use davomat_core::EmployeeId;
use davomat_core::activity::{Message, PayrollAction};
use davomat_core::money::format_minor;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule};
use davomat_store::activity::{self, NewActivity};
use davomat_store::employees::{self, lookups};
use davomat_store::payroll::periods::{self, Held, PeriodKind};
use davomat_store::payroll::{fines, rules};
use davomat_store::read_cache::Dependency;
use davomat_store::{DatabaseTransaction, Store, StoreError};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{amount, authorize};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::Sent;

/// A new salary rate for employees, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewSalary {
    /// 1 hourly, 2 weekly, 3 monthly, 4 daily.
    #[schema(value_type = i64, minimum = 1, maximum = 4)]
    pub type_col: Sent<i64>,
    /// At most two decimals, as a string or a number, e.g. "1000.50".
    #[schema(value_type = String, example = "1000.50")]
    pub rate: Sent<String>,
    /// The first day of the new rate; the open one ends the day before.
    #[schema(value_type = String, format = Date, example = "2025-03-01")]
    pub start_date: Sent<String>,
    /// The employees (or `person_ids`).
    #[schema(value_type = Vec<i64>)]
    pub employee_ids: Sent<Vec<i64>>,
    /// The same as employee_ids.
    #[schema(value_type = Option<Vec<i64>>)]
    pub person_ids: Sent<Vec<i64>>,
}

/// A payroll rule for employees, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewPayrollPeriod {
    /// An active payroll rule of the company.
    #[schema(value_type = i64)]
    pub payroll_rule_id: Sent<i64>,
    /// The first day of the new period; the open one ends the day before.
    #[schema(value_type = String, format = Date, example = "2025-03-01")]
    pub start_date: Sent<String>,
    /// The employees (or `employee_ids`).
    #[schema(value_type = Vec<i64>)]
    pub person_ids: Sent<Vec<i64>>,
    /// The same as person_ids.
    #[schema(value_type = Option<Vec<i64>>)]
    pub employee_ids: Sent<Vec<i64>>,
}

/// An automatic fine for employees, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewFinePeriod {
    /// An active fine of the company.
    #[schema(value_type = i64)]
    pub fine_id: Sent<i64>,
    /// The first day of the new period; the open one ends the day before.
    #[schema(value_type = String, format = Date, example = "2025-03-01")]
    pub start_date: Sent<String>,
    /// The employees (or `employee_ids`).
    #[schema(value_type = Vec<i64>)]
    pub person_ids: Sent<Vec<i64>>,
    /// The same as person_ids.
    #[schema(value_type = Option<Vec<i64>>)]
    pub employee_ids: Sent<Vec<i64>>,
}

/// What an add request gave, and to whom.
#[derive(Clone, Debug)]
pub struct Assignments {
    pub start: NaiveDate,
    /// The end of an open period (9999-12-31).
    pub end: NaiveDate,
    pub held: Held,
    /// The rate (`"1000.00"`) or the rule's or fine's title.
    pub label: String,
    /// One outcome per employee, in the order sent (duplicates dropped).
    pub results: Vec<(i64, Outcome)>,
}

/// One employee's result of an add request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The new period's id.
    Accepted(Option<i64>),
    /// Why not (code 4001 on the wire).
    Refused(String),
}

/// `start_date` (required) and `employee_ids` or `person_ids` (either is accepted; a
/// missing list is reported under `preferred`, the name the reference gives it for the
/// request).
fn start_and_employees(
    start: Sent<String>,
    employee_ids: Sent<Vec<i64>>,
    person_ids: Sent<Vec<i64>>,
    preferred: &str,
    errors: &mut FieldErrors,
) -> (Option<NaiveDate>, Vec<i64>) {
    let start = start.required_date("start_date", errors);
    let (name, ids) = if employee_ids != Sent::Absent {
        ("employee_ids", employee_ids)
    } else if person_ids != Sent::Absent {
        ("person_ids", person_ids)
    } else {
        (preferred, Sent::Absent)
    };
    let mut employees = Vec::new();
    match ids {
        Sent::Value(ids) if !ids.is_empty() => {
            let mut seen = HashSet::new();
            employees = ids.into_iter().filter(|id| seen.insert(*id)).collect();
        }
        Sent::Unreadable => errors.add(name, FieldCode::InvalidValue, Reason::Plain),
        _ => errors.add(name, FieldCode::Required, Reason::Plain),
    }
    (start, employees)
}

/// Gives the employees a new salary rate from `start_date`.
pub async fn add_salary(
    store: &Store,
    caller: &Caller,
    request: NewSalary,
    now: i64,
) -> AppResult<Assignments> {
    authorize(caller)?;
    let mut errors = FieldErrors::new();
    let type_col = request.type_col.required("type_col", &mut errors);
    if type_col.is_some_and(|t| !(1..=4).contains(&t)) {
        errors.add(
            "type_col",
            FieldCode::InvalidValue,
            Reason::OneOf(vec!["1".into(), "2".into(), "3".into(), "4".into()]),
        );
    }
    let rate = match request.rate.required("rate", &mut errors) {
        Some(text) => amount(Some(text), "rate", &mut errors),
        None => None,
    };
    let (start, employees) = start_and_employees(
        request.start_date,
        request.employee_ids,
        request.person_ids,
        "employee_ids",
        &mut errors,
    );
    errors.finish()?;
    let (Some(type_col), Some(rate), Some(start)) = (type_col, rate, start) else {
        return Err(AppError::field(
            "start_date",
            FieldCode::Required,
            Reason::Plain,
        ));
    };
    let held = Held::Salary { type_col, rate };
    assign(
        store,
        caller,
        start,
        employees,
        held,
        format_minor(rate),
        now,
    )
    .await
}

/// A rule or fine of the company, as an add request names it.
struct CatalogEntry {
    held: Held,
    title: String,
    is_active: bool,
}

/// An add-payroll or add-fine request: the rule's or fine's id and the rest.
struct HeldRequest {
    id: Sent<i64>,
    start_date: Sent<String>,
    employee_ids: Sent<Vec<i64>>,
    person_ids: Sent<Vec<i64>>,
}

/// `add-payroll` (`payroll_rule_id`, kind Payroll) and `add-fine` (`fine_id`, kind Fine).
async fn add_held(
    store: &Store,
    caller: &Caller,
    kind: PeriodKind,
    request: HeldRequest,
    now: i64,
) -> AppResult<Assignments> {
    authorize(caller)?;
    let HeldRequest {
        id: sent,
        start_date: start,
        employee_ids,
        person_ids,
    } = request;
    let id_field = match kind {
        PeriodKind::Payroll => "payroll_rule_id",
        _ => "fine_id",
    };
    let mut errors = FieldErrors::new();
    let sent = sent.required(id_field, &mut errors);
    let (start, employees) =
        start_and_employees(start, employee_ids, person_ids, "person_ids", &mut errors);
    let conn = store.connection();
    let company = caller.company_id;
    let entry = match (sent, kind) {
        (None, _) => None,
        (Some(id), PeriodKind::Payroll) => {
            rules::find(conn, company, id)
                .await?
                .map(|rule| CatalogEntry {
                    held: Held::Rule(rule.id),
                    title: rule.title,
                    is_active: rule.is_active,
                })
        }
        (Some(id), _) => fines::find(conn, company, id)
            .await?
            .map(|fine| CatalogEntry {
                held: Held::Fine(fine.id),
                title: fine.title,
                is_active: fine.is_active,
            }),
    };
    // 8004 when the rule or fine sent is not the company's; 8003 when it is not active.
    match (sent, entry.as_ref().map(|e| e.is_active)) {
        (Some(_), None) => errors.add(id_field, FieldCode::UnknownReference, Reason::Plain),
        (Some(_), Some(false)) => errors.add(
            id_field,
            FieldCode::InvalidValue,
            Reason::Rule(Rule::Inactive),
        ),
        _ => {}
    }
    errors.finish()?;
    let (Some(entry), Some(start)) = (entry, start) else {
        return Err(AppError::field(
            id_field,
            FieldCode::Required,
            Reason::Plain,
        ));
    };
    assign(
        store,
        caller,
        start,
        employees,
        entry.held,
        entry.title,
        now,
    )
    .await
}

/// Gives the employees an active payroll rule of the company from `start_date`.
pub async fn add_payroll_rule(
    store: &Store,
    caller: &Caller,
    request: NewPayrollPeriod,
    now: i64,
) -> AppResult<Assignments> {
    add_held(
        store,
        caller,
        PeriodKind::Payroll,
        HeldRequest {
            id: request.payroll_rule_id,
            start_date: request.start_date,
            employee_ids: request.employee_ids,
            person_ids: request.person_ids,
        },
        now,
    )
    .await
}

/// Gives the employees an active automatic fine of the company from `start_date`.
pub async fn add_fine(
    store: &Store,
    caller: &Caller,
    request: NewFinePeriod,
    now: i64,
) -> AppResult<Assignments> {
    add_held(
        store,
        caller,
        PeriodKind::Fine,
        HeldRequest {
            id: request.fine_id,
            start_date: request.start_date,
            employee_ids: request.employee_ids,
            person_ids: request.person_ids,
        },
        now,
    )
    .await
}

fn kind_noun(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Salary => "salary",
        PeriodKind::Payroll => "payroll",
        PeriodKind::Fine => "fine",
    }
}

/// Decides each employee's result and writes the accepted periods and their activity
/// rows in one transaction.
async fn assign(
    store: &Store,
    caller: &Caller,
    start: NaiveDate,
    employees: Vec<i64>,
    held: Held,
    label: String,
    now: i64,
) -> AppResult<Assignments> {
    let company = caller.company_id;
    let kind = held.kind();
    let actor = caller.actor();
    let txn = store.begin().await?;
    // Cards show each employee's open period.
    txn.changes(
        employees
            .iter()
            .map(|id| Dependency::Employee(EmployeeId(*id))),
    );
    let names: HashMap<i64, String> = lookups::named(&txn, company, &employees)
        .await?
        .into_iter()
        .map(|e| (e.id, e.full_name))
        .collect();
    let request = Assignment {
        company,
        employees: &employees,
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
            person_id: Some(EmployeeId(*employee)),
            assigned: Some(label.clone()),
            message: Message::Payroll {
                action,
                name: names.get(employee).cloned().unwrap_or_default(),
                detail: format!("{label}, {start}"),
            },
        })
        .collect();
    activity::record_many(&txn, rows, caller.company_lang, now).await?;
    txn.commit().await?;
    let results = employees
        .iter()
        .map(|employee| {
            let outcome = match refusals.remove(employee) {
                Some(message) => Outcome::Refused(message),
                None => Outcome::Accepted(created.get(employee).copied()),
            };
            (*employee, outcome)
        })
        .collect();
    Ok(Assignments {
        start,
        end: periods::open_end(),
        held,
        label,
        results,
    })
}

/// One add request, as [`assign`] decides it.
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
    async fn decide_and_write(&self, txn: &DatabaseTransaction) -> Result<Decided, StoreError> {
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

    async fn decide_and_write_in(&self, conn: &DatabaseTransaction) -> Result<Decided, StoreError> {
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
    /// is refused ("send it again"); the others get their result.
    async fn one_by_one(&self, txn: &DatabaseTransaction) -> Result<Decided, StoreError> {
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

/// Deletes the period `id` of `kind` of the employee; the period before it takes over
/// its days (open again when the deleted one was open).
pub async fn delete_period(
    store: &Store,
    caller: &Caller,
    kind: PeriodKind,
    employee: i64,
    id: i64,
    now: i64,
) -> AppResult<()> {
    authorize(caller)?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
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
        person_id: Some(EmployeeId(employee)),
        assigned: None,
        message: Message::Payroll {
            action,
            name,
            detail: period.start_date.to_string(),
        },
    };
    activity::record(&txn, entry, caller.company_lang, now).await?;
    txn.commit().await?;
    Ok(())
}
