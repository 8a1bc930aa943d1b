//! The production calendar (SEMANTICS.md §2): add and remove holidays and shortened
//! pre-holiday days — admins only (CONTRACT.md §4). One entry per date (8008 on
//! `date`); titles 1..250 characters of the name rule, stored trimmed; `kind`
//! `holiday` (the default), `shortened` or `workday` (a day off moved to a working day,
//! planned as the ISO weekday `as_weekday`, 1–7, default 1; read only with `workday`). Each change writes its activity row
//! (`createdHoliday`, `deletedHoliday`) in its transaction, and drops the cached
//! directory of the company (cards, accounts and lists show plans that read it).

use chrono::NaiveDate;
use davomat_core::Role;
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::engine::HolidayKind;
use davomat_core::page::PageRequest;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, check_title};
use davomat_store::Store;
use davomat_store::holidays::{self, Holiday, HolidayFields};
use davomat_store::read_cache::Dependency;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::Sent;

/// Title length limits.
pub const TITLE_MIN: usize = 1;
pub const TITLE_MAX: usize = 250;

/// Who may change the calendar. A door whose input may be malformed calls it before
/// reading that input (CONTRACT.md §2's order of checks); the use cases check it again.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin])
}

/// One page of the company's calendar entries (any role) between two dates (both
/// included; `None`: unbounded), by date, and the total.
pub async fn list(
    store: &Store,
    caller: &Caller,
    (from, to): (Option<NaiveDate>, Option<NaiveDate>),
    page: PageRequest,
) -> AppResult<(Vec<Holiday>, u64)> {
    Ok(holidays::list(store.connection(), caller.company_id, from, to, page).await?)
}

/// A new calendar entry, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewHoliday {
    /// The date, `YYYY-MM-DD`; one entry per date.
    #[schema(value_type = String, format = Date, example = "2026-03-21")]
    pub date: Sent<String>,
    #[schema(value_type = String, min_length = 1, max_length = 250, example = "Navruz")]
    pub title: Sent<String>,
    /// `holiday`: a day off on fixed, floating and free schedules (shift slots stay work
    /// days); `shortened`: the working day ends one hour earlier; `workday`: a day off
    /// the government moves to a working day, planned as `as_weekday`. Default `holiday`.
    #[schema(value_type = Option<String>, pattern = "^(holiday|shortened|workday)$", default = "holiday")]
    pub kind: Sent<String>,
    /// With `workday`: the ISO weekday (1 = Monday … 7 = Sunday) whose plan the date
    /// takes on fixed, floating and free schedules. Default 1; ignored for other kinds.
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 7, default = 1)]
    pub as_weekday: Sent<i64>,
}

/// Adds an entry to the caller's company's calendar; answers it.
pub async fn add(
    store: &Store,
    caller: &Caller,
    request: NewHoliday,
    now: i64,
) -> AppResult<Holiday> {
    authorize(caller)?;
    let mut errors = FieldErrors::new();
    let date = request.date.required_date("date", &mut errors);
    let title = request.title.required("title", &mut errors);
    if let Some(title) = &title {
        check_title("title", title, TITLE_MIN, TITLE_MAX, &mut errors);
    }
    let kind = checked_kind(request.kind, &mut errors).map(|kind| match kind {
        HolidayKind::Workday(_) => {
            HolidayKind::Workday(checked_weekday(request.as_weekday, &mut errors))
        }
        other => other,
    });
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Directory(company)]);
    if let Some(date) = date
        && holidays::date_taken(&txn, company, date).await?
    {
        errors.add("date", FieldCode::AlreadyExists, Reason::Plain);
    }
    let fields = match (date, title, kind) {
        (Some(date), Some(title), Some(kind)) if errors.is_empty() => HolidayFields {
            date,
            title: title.trim().to_string(),
            kind,
        },
        _ => return Err(errors.into()),
    };
    let id = holidays::create(&txn, company, &fields, now).await?;
    let message = Message::Created {
        kind: ObjectKind::Holiday,
        title: format!("{} {}", fields.title, fields.date.format("%Y-%m-%d")),
    };
    caller
        .log_object_change(&txn, actor, "createdHoliday", id, message, now)
        .await?;
    let holiday = holidays::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(holiday)
}

/// The kind sent; an absent kind is a holiday, an unknown one 8003 naming the kinds.
fn checked_kind(kind: Sent<String>, errors: &mut FieldErrors) -> Option<HolidayKind> {
    let Some(name) = kind.optional("kind", errors) else {
        return (!errors.has("kind")).then_some(HolidayKind::Holiday);
    };
    let kind = HolidayKind::parse(name.trim());
    if kind.is_none() {
        let names = HolidayKind::ALL.iter().map(|k| k.as_str().to_string());
        errors.add(
            "kind",
            FieldCode::InvalidValue,
            Reason::OneOf(names.collect()),
        );
    }
    kind
}

/// The weekday a workday is worked as: absent is Monday, outside 1–7 is 8003.
fn checked_weekday(sent: Sent<i64>, errors: &mut FieldErrors) -> u8 {
    match sent.optional("as_weekday", errors) {
        None => 1,
        Some(day) => match u8::try_from(day).ok().filter(|d| (1..=7).contains(d)) {
            Some(day) => day,
            None => {
                errors.add(
                    "as_weekday",
                    FieldCode::InvalidValue,
                    Reason::Between("1".into(), "7".into()),
                );
                1
            }
        },
    }
}

/// Removes an entry of the caller's company's calendar ([`AppError::NotFound`] when it
/// is not one).
pub async fn remove(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<()> {
    authorize(caller)?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    txn.changes([Dependency::Directory(company)]);
    let current = holidays::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    holidays::delete(&txn, company, id).await?;
    let message = Message::Deleted {
        kind: ObjectKind::Holiday,
        title: format!("{} {}", current.title, current.date.format("%Y-%m-%d")),
    };
    caller
        .log_object_change(&txn, actor, "deletedHoliday", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(())
}
