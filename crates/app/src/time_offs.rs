//! Employees' time-offs (SEMANTICS.md §12): requesting one, approving or rejecting it,
//! and cancelling it.
//!
//! - Every role requests time-off for themself; admins, heads and managers for the
//!   employees of their scope (forbidden otherwise), and only they may create it
//!   accepted (`status` 1; 8005 for the others).
//! - A daily time-off covers whole local days (the start's date 00:00:00 to the end's
//!   date 23:59:59; a bare date is accepted); an hourly one begins and ends on one local
//!   day (8003). Ending before the start is 8010.
//! - Admins, heads and managers approve and reject within their scope; the owner may
//!   cancel their own while it is pending. A cancelled (deleted) time-off is decided no
//!   more ([`AppError::NotApplicable`]); deciding what is already so changes nothing.
//!
//! Each step writes its activity row (`createdTimeoff`, `approvedTimeoff`,
//! `rejectedTimeoff`, `canceledTimeoff`) in its transaction, and drops the employee's
//! cached account (it counts accepted time-off today).

use davomat_core::activity::{Message, TimeOffAction};
use davomat_core::dates::civil;
use davomat_core::engine::TimeOffStatus;
use davomat_core::page::PageRequest;
use davomat_core::validation::{
    FieldCode, FieldErrors, Reason, Rule, parse_date, parse_local_date_time, supported_date,
};
use davomat_core::webhooks::WebhookEvent;
use davomat_core::zone::CompanyZone;
use davomat_core::{EmployeeId, Role, TimeOffId, TimeOffTypeId};
use davomat_store::activity::{self, Actor, NewActivity};
use davomat_store::employees::lifecycle::{self, LifecycleRow};
use davomat_store::read_cache::Dependency;
use davomat_store::time_offs::{self, NewTimeOff, TimeOff};
use davomat_store::{Store, WriteTransaction, time_off_types};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::Sent;
use crate::scope::Scope;

/// Roles that decide time-offs and create them for others.
const DECIDERS: [Role; 3] = [Role::Admin, Role::DepartmentHead, Role::DepartmentManager];
/// The longest description.
pub const DESCRIPTION_MAX: usize = 1000;

/// A time-off request, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct TimeOffRequest {
    /// Whose time-off; absent: the caller's own profile.
    #[schema(value_type = Option<i64>)]
    pub employee_id: Sent<i64>,
    /// The time-off type.
    #[schema(value_type = i64)]
    pub absence_id: Sent<i64>,
    /// `daily` (default) or `hourly`.
    #[schema(value_type = Option<AbsenceKind>, default = "daily")]
    pub absence_type: Sent<String>,
    /// Local `YYYY-MM-DD HH:MM:SS` (a daily one may send a bare date).
    #[schema(value_type = String, example = "2025-03-04 09:00:00")]
    pub start_date_time: Sent<String>,
    /// Local `YYYY-MM-DD HH:MM:SS` (a daily one may send a bare date); an hourly
    /// time-off ends on its start's day.
    #[schema(value_type = String, example = "2025-03-04 13:00:00")]
    pub end_date_time: Sent<String>,
    /// true/false, 1/0, "true"/"false" or "1"/"0"; default false.
    #[serde(default)]
    #[schema(value_type = Option<bool>, default = false)]
    pub paid: Sent<bool>,
    /// At most 1,000 characters.
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub description: Sent<String>,
    /// 0 pending (default) or 1 accepted (admins, heads and managers only).
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 1, default = 0)]
    pub status: Sent<i64>,
}

/// The two kinds of time-off: whole local days, or hours within one local day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum AbsenceKind {
    Daily,
    Hourly,
}

/// Time-offs the caller's own page shows, at most.
pub const OWN_SHOWN: u64 = 50;

/// The caller's own time-offs (any role with an employee profile), newest first; none
/// without a profile.
pub async fn mine(store: &Store, caller: &Caller) -> AppResult<Vec<TimeOff>> {
    let Some(me) = caller.employee_id else {
        return Ok(Vec::new());
    };
    let filter = time_offs::TimeOffFilter {
        visibility: davomat_store::employees::Visibility::Only(Some(me)),
        status: None,
        from: None,
        to: None,
        employees: Some(vec![me.0]),
    };
    let page = davomat_core::page::PageRequest {
        page: 1,
        per_page: OWN_SHOWN,
    };
    let (mut rows, _) =
        time_offs::list(store.connection(), caller.company_id, &filter, page).await?;
    rows.sort_by(|a, b| b.start_at.cmp(&a.start_at).then(b.id.cmp(&a.id)));
    Ok(rows)
}

/// Requests (or, for a decider, enters) a time-off; answers it.
pub async fn request(
    store: &Store,
    caller: &Caller,
    request: TimeOffRequest,
    now: i64,
) -> AppResult<TimeOff> {
    let company = caller.company_id;
    let mut errors = FieldErrors::new();
    let employee_id = request
        .employee_id
        .optional("employee_id", &mut errors)
        .or(caller.employee_id.map(|id| id.0));
    if employee_id.is_none() && !errors.has("employee_id") {
        errors.add("employee_id", FieldCode::Required, Reason::Plain);
    }
    let type_id = request.absence_id.required("absence_id", &mut errors);
    let daily = checked_kind(request.absence_type, &mut errors);
    let period = checked_period(
        &request.start_date_time,
        &request.end_date_time,
        daily,
        &caller.zone(),
        &mut errors,
    );
    let paid = request.paid.optional("paid", &mut errors).unwrap_or(false);
    let description = request
        .description
        .optional("description", &mut errors)
        .filter(|d| !d.trim().is_empty());
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > DESCRIPTION_MAX)
    {
        let too_long = Reason::TooLong(DESCRIPTION_MAX);
        errors.add("description", FieldCode::InvalidValue, too_long);
    }
    let status = checked_status(request.status, caller, &mut errors);
    let employee = match employee_id {
        Some(id) => employee_for(store, caller, id, &mut errors).await?,
        None => None,
    };
    if let Some(type_id) = type_id
        && time_off_types::find(store.connection(), company, type_id)
            .await?
            .is_none()
    {
        errors.add("absence_id", FieldCode::UnknownReference, Reason::Plain);
    }
    errors.finish()?;
    let (Some(employee), Some(type_id), Some((start_at, end_at))) = (employee, type_id, period)
    else {
        return Err(AppError::field(
            "employee_id",
            FieldCode::Required,
            Reason::Plain,
        ));
    };
    let new = NewTimeOff {
        employee_id: employee.id,
        type_id: TimeOffTypeId(type_id),
        daily,
        start_at,
        end_at,
        description,
        paid,
        status: status as i64,
        created_by: Some(caller.user_id),
    };
    let actor = caller.actor();
    let txn = begin(store, new.employee_id).await?;
    let id = time_offs::create(&txn, company, &new, now).await?;
    let time_off = time_offs::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    log(
        caller,
        &txn,
        actor,
        TimeOffAction::Created,
        &time_off,
        &employee,
        now,
    )
    .await?;
    let data = crate::webhooks::time_off_data(&time_off);
    crate::webhooks::announce(&txn, company, WebhookEvent::TimeOffCreated, data, now).await?;
    txn.commit().await?;
    Ok(time_off)
}

/// Roles that decide time-offs (the console offers them the decision).
pub fn may_decide(caller: &Caller) -> bool {
    caller.require(&DECIDERS).is_ok()
}

/// Which time-offs a list shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct ListFilter {
    /// 0 pending, 1 accepted, 2 rejected, 3 deleted; all when none.
    pub status: Option<i64>,
    /// Overlapping `[from, to)`, unix seconds.
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// One page of the time-offs in the caller's scope (an employee's own), newest start
/// first, and the total.
pub async fn list(
    store: &Store,
    caller: &Caller,
    filter: ListFilter,
    page: PageRequest,
) -> AppResult<(Vec<TimeOff>, u64)> {
    let filter = time_offs::TimeOffFilter {
        visibility: Scope::of(store, caller).await?.visibility(),
        status: filter.status,
        from: filter.from,
        to: filter.to,
        employees: None,
    };
    Ok(time_offs::list(store.connection(), caller.company_id, &filter, page).await?)
}

/// The most time-offs a month's calendar reads.
pub const CALENDAR_MAX: usize = 5000;

/// The pending and accepted time-offs of the caller's scope that overlap the days
/// `first..=last` (the month's calendar of who is away), oldest start first; at most
/// [`CALENDAR_MAX`]. Readers of the timesheet only.
pub async fn away_between(
    store: &Store,
    caller: &Caller,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> AppResult<Vec<TimeOff>> {
    caller.require(&crate::timesheets::READERS)?;
    let zone = caller.zone();
    let next = last.succ_opt().unwrap_or(last);
    let filter = ListFilter {
        status: None,
        from: Some(zone.day_start(civil(first))),
        to: Some(zone.day_start(civil(next))),
    };
    let mut found = Vec::new();
    for page in 1.. {
        let request = PageRequest {
            page,
            per_page: 500,
        };
        let (rows, total) = list(store, caller, filter, request).await?;
        let read = rows.len() as u64;
        found.extend(rows.into_iter().filter(|t| {
            matches!(
                status_of(t),
                Some(TimeOffStatus::Pending | TimeOffStatus::Accepted)
            )
        }));
        if read == 0 || page * 500 >= total || found.len() >= CALENDAR_MAX {
            break;
        }
    }
    found.truncate(CALENDAR_MAX);
    found.sort_by_key(|t| (t.start_at, t.id.0));
    Ok(found)
}

/// The longest comment a decision takes (characters).
pub const COMMENT_MAX: usize = 500;

/// Approves a time-off, with the decider's comment if any (the console's; the API
/// sends none); answers it as it now is.
pub async fn approve(
    store: &Store,
    caller: &Caller,
    id: TimeOffId,
    comment: Option<&str>,
    now: i64,
) -> AppResult<TimeOff> {
    decide(store, caller, id, TimeOffStatus::Accepted, comment, now).await
}

/// Rejects a time-off, with the decider's comment if any; answers it as it now is.
pub async fn reject(
    store: &Store,
    caller: &Caller,
    id: TimeOffId,
    comment: Option<&str>,
    now: i64,
) -> AppResult<TimeOff> {
    decide(store, caller, id, TimeOffStatus::Rejected, comment, now).await
}

/// A decision's comment trimmed (blank is none); 8003 on `comment` when longer than
/// [`COMMENT_MAX`].
fn checked_comment(comment: Option<&str>) -> AppResult<Option<String>> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    match comment {
        Some(text) if text.chars().count() > COMMENT_MAX => {
            let mut errors = FieldErrors::new();
            errors.add(
                "comment",
                FieldCode::InvalidValue,
                Reason::TooLong(COMMENT_MAX),
            );
            Err(AppError::Invalid(errors))
        }
        other => Ok(other.map(str::to_string)),
    }
}

/// Cancels a time-off (its status becomes deleted; the row stays).
pub async fn cancel(store: &Store, caller: &Caller, id: TimeOffId, now: i64) -> AppResult<()> {
    let (current, employee) = target(store, caller, id, true).await?;
    if status_of(&current) == Some(TimeOffStatus::Deleted) {
        return Err(AppError::NotApplicable);
    }
    let actor = caller.actor();
    let txn = begin(store, current.employee_id).await?;
    let deleted = TimeOffStatus::Deleted as i64;
    time_offs::set_status(&txn, caller.company_id, current.id, deleted).await?;
    log(
        caller,
        &txn,
        actor,
        TimeOffAction::Canceled,
        &current,
        &employee,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets the decision; deciding what is already so changes nothing (and logs nothing).
async fn decide(
    store: &Store,
    caller: &Caller,
    id: TimeOffId,
    decision: TimeOffStatus,
    comment: Option<&str>,
    now: i64,
) -> AppResult<TimeOff> {
    let (current, employee) = target(store, caller, id, false).await?;
    let comment = checked_comment(comment)?;
    match status_of(&current) {
        Some(TimeOffStatus::Deleted) => return Err(AppError::NotApplicable),
        Some(status) if status == decision => return Ok(current),
        _ => {}
    }
    let action = match decision {
        TimeOffStatus::Accepted => TimeOffAction::Approved,
        _ => TimeOffAction::Rejected,
    };
    let actor = caller.actor();
    let txn = begin(store, current.employee_id).await?;
    let status = decision as i64;
    time_offs::decide(
        &txn,
        caller.company_id,
        current.id,
        status,
        comment.as_deref(),
    )
    .await?;
    let time_off = time_offs::find(&txn, caller.company_id, current.id)
        .await?
        .ok_or(AppError::NotFound)?;
    log(caller, &txn, actor, action, &time_off, &employee, now).await?;
    let event = match decision {
        TimeOffStatus::Accepted => WebhookEvent::TimeOffAccepted,
        _ => WebhookEvent::TimeOffRejected,
    };
    let data = crate::webhooks::time_off_data(&time_off);
    crate::webhooks::announce(&txn, caller.company_id, event, data, now).await?;
    txn.commit().await?;
    Ok(time_off)
}

fn status_of(time_off: &TimeOff) -> Option<TimeOffStatus> {
    TimeOffStatus::from_id(time_off.status)
}

/// A write transaction that changes the employee's time-off (their cached account
/// counts accepted time-off today).
async fn begin(store: &Store, employee_id: EmployeeId) -> AppResult<WriteTransaction> {
    let txn = store.begin().await?;
    txn.changes([Dependency::Employee(employee_id)]);
    Ok(txn)
}

/// `absence_type`: true for `daily` (the default), false for `hourly`; 8003 otherwise.
fn checked_kind(sent: Sent<String>, errors: &mut FieldErrors) -> bool {
    match sent
        .optional("absence_type", errors)
        .as_deref()
        .map(str::trim)
    {
        None | Some("daily") => true,
        Some("hourly") => false,
        Some(_) => {
            let kinds = Reason::OneOf(vec!["daily".into(), "hourly".into()]);
            errors.add("absence_type", FieldCode::InvalidValue, kinds);
            true
        }
    }
}

/// `status`: 0 (the default) or 1, the latter for deciders only (8005).
fn checked_status(sent: Sent<i64>, caller: &Caller, errors: &mut FieldErrors) -> TimeOffStatus {
    let asked = sent.optional("status", errors).map(TimeOffStatus::from_id);
    match asked {
        None | Some(Some(TimeOffStatus::Pending)) => TimeOffStatus::Pending,
        Some(Some(TimeOffStatus::Accepted)) if DECIDERS.contains(&caller.role) => {
            TimeOffStatus::Accepted
        }
        Some(Some(TimeOffStatus::Accepted)) => {
            errors.add("status", FieldCode::NotSettable, Reason::Plain);
            TimeOffStatus::Pending
        }
        Some(_) => {
            let allowed = Reason::OneOf(vec!["0".into(), "1".into()]);
            errors.add("status", FieldCode::InvalidValue, allowed);
            TimeOffStatus::Pending
        }
    }
}

/// One end of the period: a local date and the seconds after its midnight (a daily
/// time-off may name a bare date).
fn checked_moment(
    sent: &Sent<String>,
    name: &str,
    daily: bool,
    errors: &mut FieldErrors,
) -> Option<(chrono::NaiveDate, i64)> {
    let text = sent.clone().required(name, errors)?;
    let parsed = parse_local_date_time(&text).or_else(|| {
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
}

/// The period as unix seconds, from its two ends.
fn checked_period(
    start: &Sent<String>,
    end: &Sent<String>,
    daily: bool,
    zone: &CompanyZone,
    errors: &mut FieldErrors,
) -> Option<(i64, i64)> {
    let start = checked_moment(start, "start_date_time", daily, errors);
    let end = checked_moment(end, "end_date_time", daily, errors);
    let ((start_day, start_second), (end_day, end_second)) = (start?, end?);
    let (start_at, end_at) = if daily {
        let last = end_day.succ_opt()?;
        (
            zone.day_start(civil(start_day)),
            zone.day_start(civil(last)) - 1,
        )
    } else {
        (
            zone.local_instant(civil(start_day), start_second),
            zone.local_instant(civil(end_day), end_second),
        )
    };
    if end_at < start_at {
        let not_before = Reason::NotBefore("start_date_time".into());
        errors.add("end_date_time", FieldCode::DateTooEarly, not_before);
        return None;
    }
    if !daily && (end_day != start_day || end_at == start_at) {
        let why = Reason::Rule(Rule::HourlyWithinOneDay);
        errors.add("end_date_time", FieldCode::InvalidValue, why);
        return None;
    }
    Some((start_at, end_at))
}

/// The employee a time-off is about, when the caller may act for them: 8004 when not
/// in the company, forbidden outside the caller's scope (or someone else, for roles
/// 4–5).
async fn employee_for(
    store: &Store,
    caller: &Caller,
    id: i64,
    errors: &mut FieldErrors,
) -> AppResult<Option<LifecycleRow>> {
    let row = lifecycle::get(store.connection(), caller.company_id, EmployeeId(id)).await?;
    let Some(row) = row else {
        errors.add("employee_id", FieldCode::UnknownReference, Reason::Plain);
        return Ok(None);
    };
    if caller.employee_id != Some(row.id) {
        caller.require(&DECIDERS)?;
        let scope = Scope::of(store, caller).await?;
        if !scope.covers_employee(row.id, row.department_id) {
            return Err(AppError::Forbidden);
        }
    }
    Ok(Some(row))
}

/// The time-off and its employee, for a decision or a cancellation by the caller: not
/// found outside the company, forbidden when the caller may not act on it. The owner
/// may act (`owner_may`) on their own pending time-off.
async fn target(
    store: &Store,
    caller: &Caller,
    id: TimeOffId,
    owner_may: bool,
) -> AppResult<(TimeOff, LifecycleRow)> {
    if !owner_may {
        caller.require(&DECIDERS)?;
    }
    let conn = store.connection();
    let time_off = time_offs::find(conn, caller.company_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let employee = lifecycle::get(conn, caller.company_id, time_off.employee_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let owner = caller.employee_id == Some(employee.id);
    if owner_may && owner && status_of(&time_off) == Some(TimeOffStatus::Pending) {
        return Ok((time_off, employee));
    }
    caller.require(&DECIDERS)?;
    let scope = Scope::of(store, caller).await?;
    if !scope.covers_employee(employee.id, employee.department_id) {
        return Err(AppError::Forbidden);
    }
    Ok((time_off, employee))
}

/// Writes the activity row of a time-off step.
async fn log(
    caller: &Caller,
    txn: &WriteTransaction,
    actor: Actor,
    action: TimeOffAction,
    time_off: &TimeOff,
    employee: &LifecycleRow,
    now: i64,
) -> AppResult<()> {
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
    let entry = NewActivity {
        company_id: caller.company_id,
        actor: Some(actor),
        action_name,
        object_id: Some(time_off.id.0),
        person_id: Some(employee.id),
        assigned: Some(time_off.type_title.clone()),
        message: Message::TimeOff {
            action,
            name: employee.full_name.clone(),
            period,
            comment: match action {
                TimeOffAction::Approved | TimeOffAction::Rejected => {
                    time_off.decision_comment.clone()
                }
                _ => None,
            },
        },
    };
    activity::record(txn, entry, caller.company_lang, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: serde_json::Value) -> TimeOffRequest {
        serde_json::from_value(value).expect("a time-off request reads from any object")
    }

    #[test]
    fn paid_reads_as_a_boolean_and_blank_is_not_set() {
        assert_eq!(read(json!({"paid": true})).paid, Sent::Value(true));
        assert_eq!(read(json!({"paid": " 0 "})).paid, Sent::Value(false));
        assert_eq!(read(json!({"paid": "TRUE"})).paid, Sent::Value(true));
        assert_eq!(read(json!({"paid": 1})).paid, Sent::Value(true));
        assert_eq!(read(json!({"paid": " "})).paid, Sent::Absent);
        assert_eq!(read(json!({"paid": null})).paid, Sent::Absent);
        assert_eq!(read(json!({})).paid, Sent::Absent);
        assert_eq!(read(json!({"paid": 2})).paid, Sent::Unreadable);
        assert_eq!(read(json!({"paid": "yes"})).paid, Sent::Unreadable);
        assert_eq!(read(json!({"paid": [true]})).paid, Sent::Unreadable);
    }

    #[test]
    fn text_and_numbers_read_leniently() {
        let request = read(json!({
            "employee_id": "7", "absence_id": 3, "absence_type": "", "description": "  ",
            "start_date_time": "2025-03-04", "status": "x"
        }));
        assert_eq!(request.employee_id, Sent::Value(7));
        assert_eq!(request.absence_id, Sent::Value(3));
        assert_eq!(request.absence_type, Sent::Absent);
        assert_eq!(request.description, Sent::Absent);
        assert_eq!(request.start_date_time, Sent::Value("2025-03-04".into()));
        assert_eq!(request.end_date_time, Sent::Absent);
        assert_eq!(request.status, Sent::Unreadable);
    }
}
