//! An employee's lifecycle (CONTRACT.md §7, employees): dismissal and its cancellation
//! (admins, heads within their departments), re-hire and its cancellation, and removal
//! (admins).
//!
//! - A dismissal names the last day employed (not before the first): a past or current
//!   day dismisses now, a future one is pending until the day passes.
//! - A re-hire names the first day employed again (after the last one), the department,
//!   schedule, locations (`*` for all) and optionally the position and tab number; a
//!   future day is pending. It counts against the company's employee limit.
//! - The company's last administrator who can log in is never dismissed or removed:
//!   without one, nobody could run the company. It is checked before the request's
//!   fields and again under the company's lock, so that two administrators dismissing
//!   each other cannot both pass.
//! - Removing a dismissed employee drops their face template and queues its deletion for
//!   the terminals.
//!
//! Each change writes its activity row (`dismissEmployee`, `cancelDismissEmployee`,
//! `recoveryEmployee`, `cancelRecoveryEmployee`, `removeEmployee`) in its transaction,
//! and tells the caches about the employee and the company's lists.

use chrono::NaiveDate;
use davomat_core::activity::{LifecycleAction, Message};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule};
use davomat_core::webhooks::WebhookEvent;
use davomat_core::{CompanyId, DepartmentId, EmployeeId, PositionId, Role, ScheduleId};
use davomat_store::activity::{self, NewActivity};
use davomat_store::device_commands::{self, CommandKind};
use davomat_store::employees::create::{self as references, Code, Reference};
use davomat_store::employees::lifecycle::{self, LifecycleRow, RecoveryPlan};
use davomat_store::faces;
use davomat_store::read_cache::Dependency;
use davomat_store::{Store, WriteTransaction, departments, terminal_users, users};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::{Locations, Sent};
use crate::scope::Scope;

/// Who may dismiss an employee or cancel a dismissal.
const DISMISSING_ROLES: [Role; 2] = [Role::Admin, Role::DepartmentHead];
/// Who may re-hire, cancel a re-hire or remove.
const ADMINS: [Role; 1] = [Role::Admin];

/// The operations of the lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Dismiss,
    CancelDismissal,
    Recover,
    CancelRecovery,
    Remove,
}

impl Step {
    /// The steps the caller's role allows that apply to the employee as they stand
    /// (scope aside: the caller has already been shown the employee). The console offers
    /// these on the employee's file.
    pub fn available(caller: &Caller, row: &LifecycleRow) -> Vec<Step> {
        [
            Step::Dismiss,
            Step::CancelDismissal,
            Step::Recover,
            Step::CancelRecovery,
        ]
        .into_iter()
        .filter(|step| step.roles().contains(&caller.role) && step.applies_to(row))
        .collect()
    }

    fn roles(self) -> &'static [Role] {
        match self {
            Step::Dismiss | Step::CancelDismissal => &DISMISSING_ROLES,
            Step::Recover | Step::CancelRecovery | Step::Remove => &ADMINS,
        }
    }

    /// True when the step applies to the employee as they stand.
    fn applies_to(self, row: &LifecycleRow) -> bool {
        match self {
            Step::Dismiss => !row.is_dismissed(),
            Step::CancelDismissal => row.has_pending_dismissal(),
            Step::Recover => row.is_dismissed() && row.recovery_date.is_none(),
            Step::CancelRecovery => row.recovery_date.is_some(),
            Step::Remove => row.is_dismissed(),
        }
    }

    /// True when the step would leave the company without an administrator.
    fn ends_employment(self) -> bool {
        matches!(self, Step::Dismiss | Step::Remove)
    }

    fn action_name(self) -> &'static str {
        match self {
            Step::Dismiss => "dismissEmployee",
            Step::CancelDismissal => "cancelDismissEmployee",
            Step::Recover => "recoveryEmployee",
            Step::CancelRecovery => "cancelRecoveryEmployee",
            Step::Remove => "removeEmployee",
        }
    }

    fn logged_as(self) -> LifecycleAction {
        match self {
            Step::Dismiss => LifecycleAction::Dismissed,
            Step::CancelDismissal => LifecycleAction::DismissalCancelled,
            Step::Recover => LifecycleAction::Recovered,
            Step::CancelRecovery => LifecycleAction::RecoveryCancelled,
            Step::Remove => LifecycleAction::Removed,
        }
    }
}

/// Where the employee stands, when the step may be taken on them: refused for the
/// caller's role ([`AppError::Forbidden`]), outside the company ([`AppError::NotFound`]),
/// outside a head's departments ([`AppError::Forbidden`]), when the step does not apply
/// now ([`AppError::NotApplicable`]) and when it would dismiss or remove the last
/// administrator ([`AppError::LastAdmin`]). A door whose input may be malformed calls it
/// before reading that input (CONTRACT.md §2's order of checks); the use cases call it
/// again.
pub async fn check(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    step: Step,
) -> AppResult<LifecycleRow> {
    caller.require(step.roles())?;
    let row = lifecycle::get(store.connection(), caller.company_id, employee)
        .await?
        .ok_or(AppError::NotFound)?;
    Scope::require_department(store, caller, row.department_id).await?;
    if !step.applies_to(&row) {
        return Err(AppError::NotApplicable);
    }
    if step.ends_employment()
        && users::is_last_active_admin(store.connection(), caller.company_id, employee).await?
    {
        return Err(AppError::LastAdmin);
    }
    Ok(row)
}

/// A dismissal, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = EmployeeDismissal)]
pub struct Dismissal {
    /// The last day employed, `YYYY-MM-DD`: not before start_date; the employee counts
    /// as dismissed from the next day, a future date makes the dismissal pending.
    #[schema(value_type = String, format = Date, example = "2025-03-31")]
    pub exp_date: Sent<String>,
}

/// Dismisses the employee from the day after `exp_date`.
pub async fn dismiss(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    request: Dismissal,
    now: i64,
) -> AppResult<()> {
    let row = check(store, caller, employee, Step::Dismiss).await?;
    let mut errors = FieldErrors::new();
    let last_day = request.exp_date.required_date("exp_date", &mut errors);
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
    let Some(last_day) = last_day else {
        return Err(AppError::field(
            "exp_date",
            FieldCode::Required,
            Reason::Plain,
        ));
    };
    let today = caller.today(now);
    let txn = begin(store, caller, employee).await?;
    refuse_last_admin(&txn, caller.company_id, employee).await?;
    lifecycle::dismiss(&txn, caller.company_id, employee, last_day, today).await?;
    let data = serde_json::json!({"employee_id": employee.0, "last_day": last_day.to_string()});
    let dismissed = WebhookEvent::EmployeeDismissed;
    crate::webhooks::announce(&txn, caller.company_id, dismissed, data, now).await?;
    log_and_commit(caller, txn, Step::Dismiss, &row, Some(last_day), now).await
}

/// Cancels a pending dismissal.
pub async fn cancel_dismissal(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    now: i64,
) -> AppResult<()> {
    let row = check(store, caller, employee, Step::CancelDismissal).await?;
    let txn = begin(store, caller, employee).await?;
    lifecycle::cancel_dismissal(&txn, caller.company_id, employee).await?;
    log_and_commit(caller, txn, Step::CancelDismissal, &row, None, now).await
}

/// A re-hire, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = EmployeeRecovery)]
pub struct Recovery {
    /// A department of the company.
    #[schema(value_type = i64)]
    pub department_id: Sent<i64>,
    /// A schedule of the company.
    #[schema(value_type = i64)]
    pub schedule_id: Sent<i64>,
    /// A position of the company.
    #[schema(value_type = Option<i64>)]
    pub position_id: Sent<i64>,
    /// The first day employed again, `YYYY-MM-DD`: after the last day employed; a
    /// future one makes the re-hire pending.
    #[schema(value_type = String, format = Date, example = "2025-04-01")]
    pub efct_date: Sent<String>,
    /// The employment's start date; absent: `efct_date`.
    #[schema(value_type = Option<String>, format = Date)]
    pub start_date: Sent<String>,
    /// The employee's locations: a list of ids, `"1,2"` or `"*"`.
    #[schema(value_type = crate::employee_fields::LocationIdsShape)]
    pub location_ids: Sent<Locations>,
    /// The tab number; unique in the company.
    #[schema(value_type = Option<String>)]
    pub code: Sent<String>,
}

/// Re-hires a dismissed employee (now, or pending until `efct_date`).
pub async fn recover(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    request: Recovery,
    now: i64,
) -> AppResult<()> {
    let row = check(store, caller, employee, Step::Recover).await?;
    let plan = checked_plan(store, caller, &row, request).await?;
    if references::would_exceed_limit(store.connection(), caller.company_id, 1).await? {
        return Err(AppError::EmployeeLimit);
    }
    let today = caller.today(now);
    let txn = begin(store, caller, employee).await?;
    lifecycle::recover(&txn, caller.company_id, employee, &plan, today, now).await?;
    let first_day = Some(plan.first_day);
    log_and_commit(caller, txn, Step::Recover, &row, first_day, now).await
}

/// Cancels a pending re-hire.
pub async fn cancel_recovery(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    now: i64,
) -> AppResult<()> {
    let row = check(store, caller, employee, Step::CancelRecovery).await?;
    let txn = begin(store, caller, employee).await?;
    lifecycle::cancel_recovery(&txn, caller.company_id, employee).await?;
    log_and_commit(caller, txn, Step::CancelRecovery, &row, None, now).await
}

/// Removes a dismissed employee and everything that hangs on them, their login included.
pub async fn remove(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    now: i64,
) -> AppResult<()> {
    let row = check(store, caller, employee, Step::Remove).await?;
    let txn = begin(store, caller, employee).await?;
    refuse_last_admin(&txn, caller.company_id, employee).await?;
    forget_face(&txn, caller.company_id, employee, now).await?;
    lifecycle::remove(&txn, caller.company_id, employee).await?;
    log_and_commit(caller, txn, Step::Remove, &row, None, now).await
}

/// A write transaction that changes the employee (card, sessions, account) and the
/// company's lists they are on.
async fn begin(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
) -> AppResult<WriteTransaction> {
    let txn = store.begin().await?;
    txn.changes([
        Dependency::Employee(employee),
        Dependency::Roster(caller.company_id),
    ]);
    Ok(txn)
}

/// [`AppError::LastAdmin`] when the employee's login is the company's last administrator
/// who can log in, read under the company's lock.
async fn refuse_last_admin(
    txn: &WriteTransaction,
    company: CompanyId,
    employee: EmployeeId,
) -> AppResult<()> {
    departments::lock(txn, company).await?;
    if users::is_last_active_admin(txn, company, employee).await? {
        return Err(AppError::LastAdmin);
    }
    Ok(())
}

/// Drops a removed employee's face template and, if they had one, queues `deleteface`
/// for the terminals (the command outlives the employee it names).
async fn forget_face(
    txn: &WriteTransaction,
    company: CompanyId,
    employee: EmployeeId,
    now: i64,
) -> AppResult<()> {
    let Some(owner) = faces::owner(txn, company, employee).await? else {
        return Ok(());
    };
    if faces::delete(txn, company, employee).await? {
        let pin = &owner.pin_code;
        device_commands::queue(txn, company, employee, pin, CommandKind::DeleteFace, now).await?;
    }
    Ok(())
}

/// Writes the step's activity row about the employee and commits with it.
async fn log_and_commit(
    caller: &Caller,
    txn: WriteTransaction,
    step: Step,
    row: &LifecycleRow,
    day: Option<NaiveDate>,
    now: i64,
) -> AppResult<()> {
    let actor = caller.actor();
    let entry = NewActivity {
        company_id: caller.company_id,
        actor: Some(actor),
        action_name: step.action_name(),
        object_id: Some(row.id.0),
        person_id: Some(row.id),
        assigned: day.map(|d| d.to_string()),
        message: Message::Lifecycle {
            action: step.logged_as(),
            name: row.full_name.clone(),
        },
    };
    activity::record(&txn, entry, caller.company_lang, now).await?;
    terminal_users::note_change(&txn, caller.company_id, row.id, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Checks a re-hire: every field at once, every referenced id the company's (8004).
async fn checked_plan(
    store: &Store,
    caller: &Caller,
    row: &LifecycleRow,
    request: Recovery,
) -> AppResult<RecoveryPlan> {
    let conn = store.connection();
    let company = caller.company_id;
    let mut errors = FieldErrors::new();
    let department_id = request.department_id.required("department_id", &mut errors);
    let schedule_id = request.schedule_id.required("schedule_id", &mut errors);
    let position_id = request.position_id.optional("position_id", &mut errors);
    let first_day = request.efct_date.required_date("efct_date", &mut errors);
    let start_date = request.start_date.optional_date("start_date", &mut errors);
    let locations = match request.location_ids.required("location_ids", &mut errors) {
        Some(Locations::All) => Some(references::all_location_ids(conn, company).await?),
        Some(Locations::Ids(ids)) => Some(ids),
        None => None,
    };
    let tab_number = request
        .code
        .optional("code", &mut errors)
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let references = [
        (
            "department_id",
            Reference::Department,
            department_id.into_iter().collect(),
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
            locations.iter().flatten().map(|id| id.0).collect(),
        ),
    ];
    for (name, referent, ids) in references {
        let ids: Vec<i64> = ids;
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
            Reason::Rule(Rule::AfterLastDayEmployed),
        );
    }
    if let Some(tab) = &tab_number
        && references::code_taken(conn, company, Code::TabNumber, tab, Some(row.id)).await?
    {
        errors.add("code", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    match (first_day, department_id, schedule_id, locations) {
        (Some(first_day), Some(department_id), Some(schedule_id), Some(location_ids)) => {
            Ok(RecoveryPlan {
                first_day,
                start_date: start_date.unwrap_or(first_day),
                department_id: DepartmentId(department_id),
                schedule_id: ScheduleId(schedule_id),
                location_ids,
                position_id: position_id.map(PositionId),
                tab_number,
            })
        }
        _ => Err(AppError::field(
            "efct_date",
            FieldCode::Required,
            Reason::Plain,
        )),
    }
}
