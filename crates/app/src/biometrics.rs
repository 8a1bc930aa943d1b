//! An employee's biometric data (Uzbekistan's Law on Personal Data): their consent to
//! davomat keeping a face template — recorded with the day it was given and who
//! recorded it, or withdrawn, which erases the template from davomat and queues its
//! deletion on the terminals — and the template itself handed over as uploaded (the
//! employee's copy on request). Who may: as for face templates (admins; heads for their
//! departments). Each change logs its activity row in its transaction. Templates of
//! dismissed employees are erased after the company's retention period by
//! `davomat_store::biometrics::erase_expired_everywhere`.

use chrono::NaiveDate;
use davomat_core::EmployeeId;
use davomat_core::activity::{Message, PayrollAction};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule};
use davomat_store::ConnectionTrait;
use davomat_store::activity::{self, NewActivity};
use davomat_store::biometrics::{self, Consent, Original, Policy};
use davomat_store::device_commands::{self, CommandKind};
use davomat_store::faces::FaceOwner;
use davomat_store::read_cache::Dependency;
use davomat_store::{Store, WriteTransaction, faces};

use crate::caller::Caller;
use crate::error::{AppError, AppResult};

/// The employee's consent as recorded (readers of their face: admins, heads in scope).
pub async fn consent(store: &Store, caller: &Caller, employee: i64) -> AppResult<Consent> {
    let owner = crate::faces::owner(store, caller, employee).await?;
    biometrics::consent(store.connection(), caller.company_id, owner.id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Records the consent given on `given_on` (`YYYY-MM-DD`, not after today), recorded
/// by the caller.
pub async fn record_consent(
    store: &Store,
    caller: &Caller,
    employee: i64,
    given_on: &str,
    now: i64,
) -> AppResult<()> {
    let owner = crate::faces::owner(store, caller, employee).await?;
    let mut errors = FieldErrors::new();
    let day = NaiveDate::parse_from_str(given_on.trim(), "%Y-%m-%d").ok();
    match day {
        None => errors.add("given_on", FieldCode::DateFormat, Reason::Plain),
        Some(day) if day > caller.today(now) => {
            errors.add("given_on", FieldCode::InvalidValue, Reason::Plain)
        }
        Some(_) => {}
    }
    let Some(day) = day.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let recorder = caller
        .employee_name
        .clone()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| caller.email.clone());
    let txn = begin(store, owner.id).await?;
    biometrics::set_consent(&txn, caller.company_id, owner.id, Some((day, &recorder))).await?;
    log(
        &txn,
        caller,
        &owner,
        PayrollAction::BiometricConsentRecorded,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Records that the consent was withdrawn: the template (if any) is erased and its
/// deletion queued for the terminals.
pub async fn withdraw_consent(
    store: &Store,
    caller: &Caller,
    employee: i64,
    now: i64,
) -> AppResult<()> {
    let owner = crate::faces::owner(store, caller, employee).await?;
    let company = caller.company_id;
    let txn = begin(store, owner.id).await?;
    biometrics::set_consent(&txn, company, owner.id, None).await?;
    log(
        &txn,
        caller,
        &owner,
        PayrollAction::BiometricConsentWithdrawn,
        now,
    )
    .await?;
    if faces::delete(&txn, company, owner.id).await? {
        let pin = &owner.pin_code;
        device_commands::queue(&txn, company, owner.id, pin, CommandKind::DeleteFace, now).await?;
        log(&txn, caller, &owner, PayrollAction::FaceDeleted, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The employee's template as uploaded (404 without one).
pub async fn export(store: &Store, caller: &Caller, employee: i64) -> AppResult<Original> {
    let owner = crate::faces::owner(store, caller, employee).await?;
    biometrics::original(store.connection(), caller.company_id, owner.id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The longest retention an admin may set, in days (ten years).
pub const RETENTION_MAX: i64 = 3_650;

/// The caller's company's rules for face templates (retention, consent required).
pub async fn policy(store: &Store, caller: &Caller) -> AppResult<Policy> {
    Ok(biometrics::policy(store.connection(), caller.company_id).await?)
}

/// Sets the company's rules (admins): the retention in whole days, 1..3650 (8003 on
/// `biometric_retention_days` otherwise), and whether consent is required before a
/// template is stored. Turning the requirement on erases nothing already stored (the
/// employee's file says whose consent is missing). Like the company's other settings it
/// writes no activity row (docs/decisions.md).
pub async fn set_policy(
    store: &Store,
    caller: &Caller,
    retention_days: &str,
    consent_required: bool,
) -> AppResult<()> {
    crate::company::authorize(caller)?;
    let Some(days) = retention_days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=RETENTION_MAX).contains(d))
    else {
        let mut errors = FieldErrors::new();
        errors.add(
            "biometric_retention_days",
            FieldCode::InvalidValue,
            Reason::Plain,
        );
        return Err(AppError::Invalid(errors));
    };
    let policy = Policy {
        biometric_retention_days: days,
        biometric_consent_required: consent_required,
    };
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    biometrics::set_policy(&writer, caller.company_id, policy).await?;
    Ok(())
}

/// Refuses to store a template for an employee without recorded consent when the
/// company requires it (8003 on `imgdata`).
pub async fn require_consent(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    employee: EmployeeId,
) -> AppResult<()> {
    let policy = biometrics::policy(conn, caller.company_id).await?;
    if !policy.biometric_consent_required {
        return Ok(());
    }
    let consent = biometrics::consent(conn, caller.company_id, employee).await?;
    if consent.is_some_and(|c| c.biometric_consent_on.is_some()) {
        return Ok(());
    }
    let mut errors = FieldErrors::new();
    errors.add(
        "imgdata",
        FieldCode::InvalidValue,
        Reason::Rule(Rule::NoBiometricConsent),
    );
    Err(AppError::Invalid(errors))
}

async fn begin(store: &Store, employee: EmployeeId) -> AppResult<WriteTransaction> {
    let txn = store.begin().await?;
    txn.changes([Dependency::Employee(employee)]);
    Ok(txn)
}

async fn log(
    txn: &WriteTransaction,
    caller: &Caller,
    owner: &FaceOwner,
    action: PayrollAction,
    now: i64,
) -> AppResult<()> {
    let action_name = match action {
        PayrollAction::FaceDeleted => "deletedFace",
        PayrollAction::BiometricConsentWithdrawn => "withdrewBiometricConsent",
        _ => "recordedBiometricConsent",
    };
    let entry = NewActivity {
        company_id: caller.company_id,
        actor: Some(caller.actor()),
        action_name,
        object_id: Some(owner.id.0),
        person_id: Some(owner.id),
        assigned: None,
        message: Message::Payroll {
            action,
            name: owner.full_name.clone(),
            detail: String::new(),
        },
    };
    activity::record(txn, entry, caller.company_lang, now).await?;
    Ok(())
}
