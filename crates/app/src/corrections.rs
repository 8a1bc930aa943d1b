//! Corrections of attendance (issue 14): what an admin, or a head or manager within
//! their departments, does when a terminal got a day wrong. A missing in or out is
//! added with the manual clock-in (crate::clock); a wrong event is voided here: kept
//! with who voided it, when and why, and left out of every report and the engine from
//! then on. The void and its `voidedClockEvent` row commit together. The reason of an
//! added event is read here too ([`optional_reason`]) and shown in its activity row.

use davomat_core::activity::Message;
use davomat_core::engine::EventKind;
use davomat_core::validation::{FieldCode, FieldErrors, Reason};
use davomat_core::{ClockEventId, EmployeeId, Role};
use davomat_store::Store;
use davomat_store::activity::{self, NewActivity};
use davomat_store::clock_events::{self, EventToVoid};
use davomat_store::read_cache::Dependency;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::Sent;
use crate::scope::Scope;

/// Roles that may correct events (as for entering them for others).
const CORRECTING_ROLES: [Role; 3] = [Role::Admin, Role::DepartmentHead, Role::DepartmentManager];
/// The longest reason kept, in characters.
pub const REASON_MAX: usize = 500;

/// A void, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct VoidRequest {
    /// Why the event is wrong (required, at most 500 characters); shown in the activity
    /// log.
    #[schema(value_type = String, example = "Terminal double read")]
    pub reason: Sent<String>,
}

/// The event voided.
#[derive(Clone, Debug)]
pub struct Voided {
    pub id: ClockEventId,
    pub employee_id: EmployeeId,
    pub kind: EventKind,
    pub at: i64,
    pub voided_at: i64,
    pub reason: String,
}

/// The event a caller may void (CONTRACT.md §2's order: 403 outside the correcting roles
/// or the caller's departments, 404 for an id that is not the company's event, 400/4001
/// when it is voided already). A door checks this before it reads the request's body.
pub async fn voidable(store: &Store, caller: &Caller, id: ClockEventId) -> AppResult<EventToVoid> {
    caller.require(&CORRECTING_ROLES)?;
    let event = clock_events::find_to_void(store.connection(), caller.company_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !Scope::of(store, caller)
        .await?
        .covers_employee(event.employee_id, event.department_id)
    {
        return Err(AppError::Forbidden);
    }
    if event.voided_at.is_some() {
        return Err(AppError::NotApplicable);
    }
    Ok(event)
}

/// Voids the event found by [`voidable`] (422 without a reason), with its
/// `voidedClockEvent` row in the same transaction.
pub async fn void_event(
    store: &Store,
    caller: &Caller,
    event: EventToVoid,
    request: VoidRequest,
    now: i64,
) -> AppResult<Voided> {
    let company = caller.company_id;
    let id = event.id;
    let mut errors = FieldErrors::new();
    let reason = checked_reason(request.reason, &mut errors);
    errors.finish()?;
    let reason = reason.unwrap_or_default();

    let txn = store.begin().await?;
    txn.changes([Dependency::Attendance(event.employee_id)]);
    if !clock_events::void(&txn, company, id, caller.user_id, &reason, now).await? {
        // Voided by a concurrent correction since it was read.
        return Err(AppError::NotApplicable);
    }
    let kind = event.kind.0;
    let entry = NewActivity {
        company_id: company,
        actor: Some(caller.actor()),
        action_name: "voidedClockEvent",
        object_id: Some(id.0),
        person_id: Some(event.employee_id),
        assigned: Some(kind.name().to_string()),
        message: Message::VoidedClock {
            clock_in: kind == EventKind::In,
            name: event.full_name.clone(),
            time: caller.zone().format(event.at),
            reason: reason.clone(),
        },
    };
    activity::record(&txn, entry, caller.company_lang, now).await?;
    txn.commit().await?;
    Ok(Voided {
        id,
        employee_id: event.employee_id,
        kind,
        at: event.at,
        voided_at: now,
        reason,
    })
}

/// Adds a missing in or out for an employee as a correction: the manual clock-in for
/// another employee ([`crate::clock::clock`]) with its reason required (8002), as the
/// console asks for it (the API keeps the reason optional, CONTRACT.md §9).
pub async fn add_missing(
    store: &Store,
    caller: &Caller,
    kind: EventKind,
    request: crate::clock::ClockRequest,
    now: i64,
) -> AppResult<crate::clock::Clocked> {
    let reason = match &request.reason {
        Sent::Value(text) => Sent::Value(text.clone()),
        _ => Sent::Absent,
    };
    let mut errors = FieldErrors::new();
    checked_reason(reason, &mut errors);
    errors.finish()?;
    crate::clock::clock(store, caller, kind, request, now).await
}

/// The reason of a void, trimmed: required (8002; blank counts as absent), at most
/// [`REASON_MAX`] characters (8003).
fn checked_reason(sent: Sent<String>, errors: &mut FieldErrors) -> Option<String> {
    let reason = optional_reason(sent, errors);
    if reason.is_none() && !errors.has("reason") {
        errors.add("reason", FieldCode::Required, Reason::Plain);
    }
    reason
}

/// A correction's reason where it may be left out (an event added for another
/// employee): trimmed, blank is none, at most [`REASON_MAX`] characters (8003).
pub fn optional_reason(sent: Sent<String>, errors: &mut FieldErrors) -> Option<String> {
    let reason = sent.optional("reason", errors)?.trim().to_string();
    if reason.is_empty() {
        return None;
    }
    if reason.chars().count() > REASON_MAX {
        errors.add(
            "reason",
            FieldCode::InvalidValue,
            Reason::TooLong(REASON_MAX),
        );
        return None;
    }
    Some(reason)
}
