//! Positions (должности): create, rename, delete — admins only (CONTRACT.md §4).
//!
//! Titles: 1..250 characters of the name rule, unique in the company (compared trimmed
//! and case-insensitively), stored trimmed. A position that an employee holds, or is
//! due to take, is not deleted. Each change writes its activity row
//! (`createdPosition`, `updatedPosition`, `deletedPosition`) in its transaction.

use davomat_core::Role;
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::page::PageRequest;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, check_title};
use davomat_store::positions::{self, Position, PositionFields};
use davomat_store::read_cache::Dependency;
use davomat_store::{Store, StoreError};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::Sent;

/// Title length limits of the reference.
pub const TITLE_MIN: usize = 1;
pub const TITLE_MAX: usize = 250;

/// Who may change positions. A door whose input may be malformed calls it before
/// reading that input, so that a refused role is answered before a bad body
/// (CONTRACT.md §2's order of checks); the use cases check it again.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin])
}

/// One page of the company's positions by id (any role), each counted on the caller's
/// today, and the total.
pub async fn list(
    store: &Store,
    caller: &Caller,
    page: PageRequest,
    now: i64,
) -> AppResult<(Vec<Position>, u64)> {
    Ok(positions::list(
        store.connection(),
        caller.company_id,
        caller.today(now),
        page,
    )
    .await?)
}

/// The position of the company, counted on the caller's today ([`AppError::NotFound`]
/// otherwise). A door checks it before reading a change's input, so that an unknown id
/// is answered before a bad body (CONTRACT.md §2's order of checks).
pub async fn get(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<Position> {
    positions::find(store.connection(), caller.company_id, id, caller.today(now))
        .await?
        .ok_or(AppError::NotFound)
}

/// A new position, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewPosition {
    /// Letters, digits, space and ' ` _ ( ) & - № , . ; unique in the company
    /// (case-insensitive).
    #[schema(value_type = String, min_length = 1, max_length = 250, example = "Accountant")]
    pub title: Sent<String>,
}

/// A change of a position, as sent: an absent title leaves it as it is.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PositionChange {
    /// As for a new position; absent or empty: unchanged.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 250)]
    pub title: Sent<String>,
}

fn checked_title(title: Option<String>, errors: &mut FieldErrors) -> Option<String> {
    let title = title?;
    check_title("title", &title, TITLE_MIN, TITLE_MAX, errors);
    Some(title.trim().to_string())
}

/// Creates a position; answers it (counted on the caller's today).
pub async fn create(
    store: &Store,
    caller: &Caller,
    request: NewPosition,
    now: i64,
) -> AppResult<Position> {
    authorize(caller)?;
    let mut errors = FieldErrors::new();
    let title = checked_title(request.title.required("title", &mut errors), &mut errors);
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    // A position nobody holds yet is on no cached card.
    txn.changes_nothing_cached();
    if let Some(title) = &title
        && !errors.has("title")
        && positions::title_taken(&txn, company, title, None).await?
    {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    let fields = PositionFields {
        title: title.unwrap_or_default(),
    };
    let id = positions::create(&txn, company, &fields, now).await?;
    let message = Message::Created {
        kind: ObjectKind::Position,
        title: fields.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "createdPosition", id, message, now)
        .await?;
    let position = positions::find(&txn, company, id, caller.today(now))
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(position)
}

/// Renames a position; an absent or empty title leaves it (no activity row then).
pub async fn rename(
    store: &Store,
    caller: &Caller,
    id: i64,
    change: PositionChange,
    now: i64,
) -> AppResult<Position> {
    authorize(caller)?;
    let company = caller.company_id;
    let today = caller.today(now);
    get(store, caller, id, now).await?;
    let mut errors = FieldErrors::new();
    let title = checked_title(change.title.optional("title", &mut errors), &mut errors);
    let actor = caller.actor();
    let txn = store.begin().await?;
    // Cards show the titles of the positions their employees hold.
    txn.changes([Dependency::Directory(company)]);
    let current = positions::find(&txn, company, id, today)
        .await?
        .ok_or(AppError::NotFound)?;
    let changed = PositionFields {
        title: title.unwrap_or_else(|| current.title.clone()),
    };
    let unchanged = changed.title == current.title;
    if !unchanged
        && !errors.has("title")
        && positions::title_taken(&txn, company, &changed.title, Some(id)).await?
    {
        errors.add("title", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;
    if unchanged {
        return Ok(current);
    }
    positions::update(&txn, company, id, &changed).await?;
    let message = Message::Updated {
        kind: ObjectKind::Position,
        title: changed.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "updatedPosition", id, message, now)
        .await?;
    let position = positions::find(&txn, company, id, today)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(position)
}

/// Deletes a position nobody holds or is due to take ([`AppError::InUse`] otherwise).
pub async fn delete(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<()> {
    authorize(caller)?;
    let company = caller.company_id;
    let today = caller.today(now);
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Directory(company)]);
    let current = positions::find(&txn, company, id, today)
        .await?
        .ok_or(AppError::NotFound)?;
    if positions::is_held(&txn, company, id, today).await? {
        return Err(AppError::InUse);
    }
    match positions::delete(&txn, company, id).await {
        Ok(()) => {}
        // Assigned in the meantime: the database's restriction answers.
        Err(StoreError::Conflict(_)) => return Err(AppError::InUse),
        Err(err) => return Err(err.into()),
    }
    let message = Message::Deleted {
        kind: ObjectKind::Position,
        title: current.title,
    };
    caller
        .log_object_change(&txn, actor, "deletedPosition", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(())
}
