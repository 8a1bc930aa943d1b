//! The company's payroll rules and automatic fines (reference 09 lists them; the writes
//! are ext): create, change (only the fields sent), delete (refused while any employee
//! holds or held the entry) — admins only.
//!
//! Rules: `title` (1..250 characters of the name rule, stored trimmed),
//! `otc_algorithm_daily` (default false), `is_active` (default true). Fines: `title`,
//! `has_dayly_fine` (0/1 or a boolean, default false), `amount` (default 0.00, at most
//! two decimals), `amount_type` (0 a fixed sum, 1 a percentage; default 0),
//! `is_active`. Each change writes its activity row (`createdPayrollRule`,
//! `updatedPayrollRule`, `deletedPayrollRule`; `createdFine`, `updatedFine`,
//! `deletedFine`) in its transaction and drops the company's cached directory.

use davomat_core::activity::{Message, ObjectKind};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, check_title};
use davomat_store::payroll::fines::{self, Fine, FineFields};
use davomat_store::payroll::rules::{self, PayrollRule, RuleFields};
use davomat_store::read_cache::Dependency;
use davomat_store::{Store, WriteTransaction};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{amount, authorize};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::{Sent, verbatim};

/// Title length limits.
pub const TITLE_MIN: usize = 1;
pub const TITLE_MAX: usize = 250;

/// The payroll rule of the company ([`AppError::NotFound`] otherwise). A door checks it
/// before reading a change's input, so that an unknown id is answered before a bad body.
pub async fn get_rule(store: &Store, caller: &Caller, id: i64) -> AppResult<PayrollRule> {
    rules::find(store.connection(), caller.company_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The fine of the company ([`AppError::NotFound`] otherwise), as [`get_rule`].
pub async fn get_fine(store: &Store, caller: &Caller, id: i64) -> AppResult<Fine> {
    fines::find(store.connection(), caller.company_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A payroll rule as sent: to create one (`title` required) or to change one (what is
/// absent stays as it is).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PayrollRuleRequest {
    /// Required to create. Letters, digits, space and ' ` _ ( ) & - № , . ; stored
    /// trimmed.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 250, example = "Standard")]
    pub title: Sent<String>,
    /// Overtime counted per day; default false.
    #[serde(default)]
    #[schema(value_type = Option<bool>, default = false)]
    pub otc_algorithm_daily: Sent<bool>,
    /// Default true.
    #[serde(default)]
    #[schema(value_type = Option<bool>, default = true)]
    pub is_active: Sent<bool>,
}

/// An automatic fine as sent: to create one (`title` required) or to change one (what
/// is absent stays as it is).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct FineRequest {
    /// Required to create. Letters, digits, space and ' ` _ ( ) & - № , . ; stored
    /// trimmed.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 250, example = "Late arrival")]
    pub title: Sent<String>,
    /// A daily fine: 0/1 or a boolean; default 0.
    #[serde(default)]
    #[schema(value_type = Option<bool>, default = false)]
    pub has_dayly_fine: Sent<bool>,
    /// At most two decimals, as a string or a number; default `0.00`.
    #[schema(value_type = Option<String>, default = "0.00", example = "25.00")]
    pub amount: Sent<String>,
    /// 0 a fixed sum, 1 a percentage; default 0.
    #[schema(value_type = Option<i64>, default = 0, minimum = 0, maximum = 1)]
    pub amount_type: Sent<i64>,
    /// Default true.
    #[serde(default)]
    #[schema(value_type = Option<bool>, default = true)]
    pub is_active: Sent<bool>,
}

/// A title: required on create (`current` none, blank is missing), checked whenever
/// sent; answers it trimmed, or the current one.
fn checked_title(title: Sent<String>, current: Option<&str>, errors: &mut FieldErrors) -> String {
    let title = match current {
        None => match title.required("title", errors) {
            Some(t) if t.trim().is_empty() => {
                errors.add("title", FieldCode::Required, Reason::Plain);
                None
            }
            other => other,
        },
        Some(_) => title.optional("title", errors),
    };
    if let Some(title) = &title {
        check_title("title", title, TITLE_MIN, TITLE_MAX, errors);
    }
    title
        .map(|t| t.trim().to_string())
        .or_else(|| current.map(str::to_string))
        .unwrap_or_default()
}

/// A rule's fields from a request over the current ones (none: a new rule).
fn rule_fields(
    request: PayrollRuleRequest,
    current: Option<&PayrollRule>,
    errors: &mut FieldErrors,
) -> RuleFields {
    RuleFields {
        title: checked_title(request.title, current.map(|c| c.title.as_str()), errors),
        otc_algorithm_daily: request
            .otc_algorithm_daily
            .optional("otc_algorithm_daily", errors)
            .unwrap_or(current.is_some_and(|c| c.otc_algorithm_daily)),
        is_active: request
            .is_active
            .optional("is_active", errors)
            .unwrap_or(current.is_none_or(|c| c.is_active)),
    }
}

/// A fine's fields from a request over the current ones (none: a new fine), checked in
/// the order the errors are reported: amount_type, title, is_active, has_dayly_fine,
/// amount.
fn fine_fields(
    request: FineRequest,
    current: Option<&Fine>,
    errors: &mut FieldErrors,
) -> FineFields {
    let amount_type = request.amount_type.optional("amount_type", errors);
    if amount_type.is_some_and(|t| !(0..=1).contains(&t)) {
        errors.add(
            "amount_type",
            FieldCode::InvalidValue,
            Reason::OneOf(vec!["0".into(), "1".into()]),
        );
    }
    let title = checked_title(request.title, current.map(|c| c.title.as_str()), errors);
    let is_active = request
        .is_active
        .optional("is_active", errors)
        .unwrap_or(current.is_none_or(|c| c.is_active));
    let has_dayly_fine = request
        .has_dayly_fine
        .optional("has_dayly_fine", errors)
        .unwrap_or(current.is_some_and(|c| c.has_dayly_fine));
    let sent_amount = request.amount.optional("amount", errors);
    FineFields {
        title,
        is_active,
        has_dayly_fine,
        amount: amount(sent_amount, "amount", errors).unwrap_or(current.map_or(0, |c| c.amount)),
        amount_type: amount_type.unwrap_or(current.map_or(0, |c| c.amount_type)),
    }
}

/// Opens the write of a catalog change: every change shows on cards, accounts and lists.
async fn begin(store: &Store, caller: &Caller) -> AppResult<WriteTransaction> {
    let txn = store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(caller.company_id)]);
    Ok(txn)
}

/// Creates a payroll rule; answers it.
pub async fn create_rule(
    store: &Store,
    caller: &Caller,
    request: PayrollRuleRequest,
    now: i64,
) -> AppResult<PayrollRule> {
    authorize(caller)?;
    let mut errors = FieldErrors::new();
    let fields = rule_fields(request, None, &mut errors);
    errors.finish()?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = begin(store, caller).await?;
    let id = rules::create(&txn, company, &fields, now).await?;
    let rule = rules::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let message = Message::Created {
        kind: ObjectKind::PayrollRule,
        title: rule.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "createdPayrollRule", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(rule)
}

/// Changes a payroll rule: only the fields sent change. Answers it.
pub async fn update_rule(
    store: &Store,
    caller: &Caller,
    id: i64,
    request: PayrollRuleRequest,
    now: i64,
) -> AppResult<PayrollRule> {
    authorize(caller)?;
    let current = get_rule(store, caller, id).await?;
    let mut errors = FieldErrors::new();
    let fields = rule_fields(request, Some(&current), &mut errors);
    errors.finish()?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = begin(store, caller).await?;
    rules::update(&txn, company, id, &fields).await?;
    let rule = rules::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let message = Message::Updated {
        kind: ObjectKind::PayrollRule,
        title: rule.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "updatedPayrollRule", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(rule)
}

/// Deletes a payroll rule no employee holds or held ([`AppError::InUse`] otherwise).
pub async fn delete_rule(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<()> {
    authorize(caller)?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = begin(store, caller).await?;
    let rule = rules::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if rules::in_use(&txn, id).await? {
        return Err(AppError::InUse);
    }
    rules::delete(&txn, company, id).await?;
    let message = Message::Deleted {
        kind: ObjectKind::PayrollRule,
        title: rule.title,
    };
    caller
        .log_object_change(&txn, actor, "deletedPayrollRule", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Creates an automatic fine; answers it.
pub async fn create_fine(
    store: &Store,
    caller: &Caller,
    request: FineRequest,
    now: i64,
) -> AppResult<Fine> {
    authorize(caller)?;
    let mut errors = FieldErrors::new();
    let fields = fine_fields(request, None, &mut errors);
    errors.finish()?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = begin(store, caller).await?;
    let id = fines::create(&txn, company, &fields, now).await?;
    let fine = fines::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let message = Message::Created {
        kind: ObjectKind::Fine,
        title: fine.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "createdFine", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(fine)
}

/// Changes an automatic fine: only the fields sent change. Answers it.
pub async fn update_fine(
    store: &Store,
    caller: &Caller,
    id: i64,
    request: FineRequest,
    now: i64,
) -> AppResult<Fine> {
    authorize(caller)?;
    let current = get_fine(store, caller, id).await?;
    let mut errors = FieldErrors::new();
    let fields = fine_fields(request, Some(&current), &mut errors);
    errors.finish()?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = begin(store, caller).await?;
    fines::update(&txn, company, id, &fields).await?;
    let fine = fines::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let message = Message::Updated {
        kind: ObjectKind::Fine,
        title: fine.title.clone(),
    };
    caller
        .log_object_change(&txn, actor, "updatedFine", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(fine)
}

/// Deletes an automatic fine no employee holds or held ([`AppError::InUse`] otherwise).
pub async fn delete_fine(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<()> {
    authorize(caller)?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = begin(store, caller).await?;
    let fine = fines::find(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if fines::in_use(&txn, id).await? {
        return Err(AppError::InUse);
    }
    fines::delete(&txn, company, id).await?;
    let message = Message::Deleted {
        kind: ObjectKind::Fine,
        title: fine.title,
    };
    caller
        .log_object_change(&txn, actor, "deletedFine", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The company's active payroll rules and fines, all of them, by id: what may be given
/// to employees (the console's choices). Readers of payroll only.
pub async fn active_entries(
    store: &Store,
    caller: &Caller,
) -> AppResult<(Vec<PayrollRule>, Vec<Fine>)> {
    super::authorize_read(caller)?;
    let conn = store.connection();
    let mut found = (Vec::new(), Vec::new());
    for page in 1.. {
        let (rows, total) = rules::list(conn, caller.company_id, entries_page(page)).await?;
        let read = rows.len();
        found.0.extend(rows.into_iter().filter(|r| r.is_active));
        if read == 0 || page * ENTRIES_PAGE >= total {
            break;
        }
    }
    for page in 1.. {
        let (rows, total) = fines::list(conn, caller.company_id, entries_page(page)).await?;
        let read = rows.len();
        found.1.extend(rows.into_iter().filter(|f| f.is_active));
        if read == 0 || page * ENTRIES_PAGE >= total {
            break;
        }
    }
    Ok(found)
}

const ENTRIES_PAGE: u64 = 500;

fn entries_page(page: u64) -> davomat_core::page::PageRequest {
    davomat_core::page::PageRequest {
        page,
        per_page: ENTRIES_PAGE,
    }
}
