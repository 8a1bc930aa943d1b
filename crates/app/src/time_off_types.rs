//! Time-off types (причины отсутствия): create, change, delete — admins only
//! (CONTRACT.md §4, ext). `title` 1..250 characters of the name rule, unique in the
//! company (8008), stored trimmed; `description` up to 1,000 characters (default
//! empty); `color` six hex digits, a leading `#` dropped (default `A0522D`). A type
//! some time-off uses is not deleted. Each change writes its activity row
//! (`createdReason`, `updatedReason`, `deletedReason`) in its transaction and drops the
//! company's cached directory (cards and lists show the types' titles).

use davomat_core::Role;
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::engine::t13::LeaveCode;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, check_title};
use davomat_store::read_cache::Dependency;
use davomat_store::time_off_types::{self, TimeOffType, TimeOffTypeFields};
use davomat_store::{Store, StoreError};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::{Sent, verbatim};

/// Title length limits.
pub const TITLE_MIN: usize = 1;
pub const TITLE_MAX: usize = 250;
/// The longest description.
pub const DESCRIPTION_MAX: usize = 1000;
/// The colour of a type created without one.
pub const DEFAULT_COLOR: &str = "A0522D";

/// Who may change time-off types. A door whose input may be malformed calls it before
/// reading that input (CONTRACT.md §2's order of checks); the use cases check it again.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin])
}

/// One page of the company's time-off types by id (any role), and the total.
pub async fn list(
    store: &Store,
    caller: &Caller,
    page: davomat_core::page::PageRequest,
) -> AppResult<(Vec<TimeOffType>, u64)> {
    Ok(time_off_types::list(store.connection(), caller.company_id, page).await?)
}

/// The type of the caller's company ([`AppError::NotFound`] otherwise).
pub async fn get(store: &Store, caller: &Caller, id: i64) -> AppResult<TimeOffType> {
    time_off_types::find(store.connection(), caller.company_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A time-off type as sent: to create one (`title` required) or to change one (what is
/// absent stays as it is).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct TimeOffTypeRequest {
    /// Letters, digits, space and ' ` _ ( ) & - № , . ; unique in the company
    /// (case-insensitive). Required to create.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 250, example = "Business trip")]
    pub title: Sent<String>,
    /// Free text; an empty string clears it.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub description: Sent<String>,
    /// Six hex digits, a leading `#` allowed; default `A0522D`.
    #[schema(value_type = Option<String>, pattern = "^#?[0-9A-Fa-f]{6}$", example = "A0522D")]
    pub color: Sent<String>,
}

fn is_color(text: &str) -> bool {
    text.len() == 6 && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// The fields of a create (`current` none) or of a change over the current values.
fn checked(
    request: TimeOffTypeRequest,
    current: Option<&TimeOffType>,
    errors: &mut FieldErrors,
) -> TimeOffTypeFields {
    let title = match current {
        None => request.title.required("title", errors),
        Some(current) => Some(
            request
                .title
                .optional("title", errors)
                .unwrap_or_else(|| current.title.clone()),
        ),
    };
    if let Some(title) = &title {
        check_title("title", title, TITLE_MIN, TITLE_MAX, errors);
    }
    let description = request
        .description
        .optional("description", errors)
        .or_else(|| current.map(|c| c.description.clone()))
        .unwrap_or_default();
    if description.chars().count() > DESCRIPTION_MAX {
        errors.add(
            "description",
            FieldCode::InvalidValue,
            Reason::TooLong(DESCRIPTION_MAX),
        );
    }
    let color = request
        .color
        .optional("color", errors)
        .map(|c| c.trim().trim_start_matches('#').to_string())
        .filter(|c| !c.is_empty())
        .or_else(|| current.map(|c| c.color.clone()))
        .unwrap_or_else(|| DEFAULT_COLOR.to_string());
    if !errors.has("color") && !is_color(&color) {
        errors.add("color", FieldCode::InvalidValue, Reason::Plain);
    }
    TimeOffTypeFields {
        title: title.unwrap_or_default().trim().to_string(),
        description,
        color,
    }
}

/// Creates a time-off type; answers it.
pub async fn create(
    store: &Store,
    caller: &Caller,
    request: TimeOffTypeRequest,
    now: i64,
) -> AppResult<TimeOffType> {
    authorize(caller)?;
    let mut errors = FieldErrors::new();
    let new = checked(request, None, &mut errors);
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Directory(company)]);
    if !errors.has("title") && time_off_types::title_taken(&txn, company, &new.title, None).await? {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    let id = time_off_types::create(&txn, company, &new, now).await?;
    let message = Message::Created {
        kind: ObjectKind::TimeOffType,
        title: new.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "createdReason", id, message, now)
        .await?;
    let created = time_off_types::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a time-off type; a change that changes nothing writes nothing.
pub async fn update(
    store: &Store,
    caller: &Caller,
    id: i64,
    request: TimeOffTypeRequest,
    now: i64,
) -> AppResult<TimeOffType> {
    authorize(caller)?;
    let company = caller.company_id;
    get(store, caller, id).await?;
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Directory(company)]);
    let current = time_off_types::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let changed = checked(request, Some(&current), &mut errors);
    if !errors.has("title")
        && changed.title != current.title
        && time_off_types::title_taken(&txn, company, &changed.title, Some(current.id)).await?
    {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    let unchanged = changed.title == current.title
        && changed.description == current.description
        && changed.color == current.color;
    if unchanged {
        return Ok(current);
    }
    time_off_types::update(&txn, company, id, &changed).await?;
    let message = Message::Updated {
        kind: ObjectKind::TimeOffType,
        title: changed.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "updatedReason", id, message, now)
        .await?;
    let updated = time_off_types::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(updated)
}

/// Sets (or clears, with a blank) a type's code on the monthly timesheet: one of the
/// T-13 time-off codes (`engine::t13::LeaveCode`; 8003 otherwise), logged as the type's
/// update in the same transaction.
pub async fn set_timesheet_code(
    store: &Store,
    caller: &Caller,
    id: i64,
    code: &str,
    now: i64,
) -> AppResult<TimeOffType> {
    authorize(caller)?;
    let company = caller.company_id;
    let current = get(store, caller, id).await?;
    let code = match code.trim() {
        "" => None,
        text => match LeaveCode::parse(text) {
            Some(code) => Some(code.letters()),
            None => {
                let mut errors = FieldErrors::new();
                errors.add("timesheet_code", FieldCode::InvalidValue, Reason::Plain);
                return Err(AppError::Invalid(errors));
            }
        },
    };
    if current.timesheet_code.as_deref() == code {
        return Ok(current);
    }
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Directory(company)]);
    time_off_types::set_timesheet_code(&txn, company, current.id, code).await?;
    let message = Message::Updated {
        kind: ObjectKind::TimeOffType,
        title: current.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "updatedReason", id, message, now)
        .await?;
    let updated = time_off_types::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes a time-off type no time-off uses ([`AppError::InUse`] otherwise).
pub async fn delete(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<()> {
    authorize(caller)?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Directory(company)]);
    let current = time_off_types::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if time_off_types::is_used(&txn, company, id).await? {
        return Err(AppError::InUse);
    }
    match time_off_types::delete(&txn, company, id).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(AppError::InUse),
        Err(err) => return Err(err.into()),
    }
    let message = Message::Deleted {
        kind: ObjectKind::TimeOffType,
        title: current.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "deletedReason", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(())
}
