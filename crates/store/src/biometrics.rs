//! Biometric data (migration 0017): an employee's recorded consent to keeping their face
//! template, and the erasure of dismissed employees' templates once the company's
//! retention period has passed (a step every node runs with the day's other steps:
//! the template goes, `deleteface` is queued for the terminals and `deletedFace` is
//! logged without an actor, in one transaction per company), and the company's policy
//! (migration 0018: whether consent is required before a template is stored).

use chrono::NaiveDate;
use davomat_core::activity::{Message, PayrollAction};
use davomat_core::dates::naive;
use davomat_core::zone::CompanyZone;
use davomat_core::{CompanyId, EmployeeId, Lang};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::activity::{self, NewActivity};
use crate::device_commands::{self, CommandKind};
use crate::read_cache::Dependency;
use crate::{Store, StoreResult, faces, sql};

/// An employee's consent: the day it was given and who recorded it (none: not given).
#[derive(Clone, Debug, Default, FromQueryResult)]
pub struct Consent {
    pub biometric_consent_on: Option<NaiveDate>,
    pub biometric_consent_by: Option<String>,
}

/// The employee's consent as recorded (`None` for an employee not of the company).
pub async fn consent(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<Option<Consent>> {
    sql::one(
        conn,
        "SELECT biometric_consent_on, biometric_consent_by FROM employees WHERE id = $1 AND company_id = $2",
        vec![employee.0.into(), company.0.into()],
    )
    .await
}

/// Records (or, with `None`, clears) the employee's consent.
pub async fn set_consent(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    given: Option<(NaiveDate, &str)>,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE employees SET biometric_consent_on = $3, biometric_consent_by = $4 \
         WHERE id = $1 AND company_id = $2",
        vec![
            employee.0.into(),
            company.0.into(),
            given.map(|(on, _)| on).into(),
            given.map(|(_, by)| by.to_string()).into(),
        ],
    )
    .await?;
    Ok(())
}

/// The template as uploaded: its format (`jpeg`, `png`) and bytes.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Original {
    pub format: String,
    pub original: Vec<u8>,
}

/// The employee's template as uploaded, if they have one.
pub async fn original(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<Option<Original>> {
    sql::one(
        conn,
        "SELECT format, original FROM faces WHERE company_id = $1 AND employee_id = $2",
        vec![company.0.into(), employee.0.into()],
    )
    .await
}

/// A company's rules for face templates: how many days after the last day employed a
/// dismissed employee's template is kept (30 by default), and whether a template may be
/// stored only for an employee whose consent is recorded (off by default: CONTRACT.md
/// §5's `addface` has no such condition; docs/decisions.md).
#[derive(Clone, Copy, Debug, FromQueryResult, PartialEq, Eq)]
pub struct Policy {
    pub biometric_retention_days: i64,
    pub biometric_consent_required: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            biometric_retention_days: 30,
            biometric_consent_required: false,
        }
    }
}

/// The company's rules for face templates.
pub async fn policy(conn: &impl ConnectionTrait, company: CompanyId) -> StoreResult<Policy> {
    let row: Option<Policy> = sql::one(
        conn,
        "SELECT biometric_retention_days, biometric_consent_required FROM companies WHERE id = $1",
        vec![company.0.into()],
    )
    .await?;
    Ok(row.unwrap_or_default())
}

/// Sets the company's rules for face templates.
pub async fn set_policy(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    policy: Policy,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE companies SET biometric_retention_days = $2, biometric_consent_required = $3 \
         WHERE id = $1",
        vec![
            company.0.into(),
            policy.biometric_retention_days.into(),
            policy.biometric_consent_required.into(),
        ],
    )
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct CompanyRetention {
    id: i64,
    time_zone: String,
    lang: String,
    biometric_retention_days: i64,
}

#[derive(FromQueryResult)]
struct Expired {
    id: i64,
    pin_code: String,
    full_name: String,
}

/// Erases the templates of employees dismissed more than their company's retention
/// period ago (by each company's date); answers how many were erased.
pub async fn erase_expired_everywhere(store: &Store, now: i64) -> StoreResult<u64> {
    let companies: Vec<CompanyRetention> = sql::all(
        store.conn(),
        "SELECT id, time_zone, lang, biometric_retention_days FROM companies ORDER BY id",
        vec![],
    )
    .await?;
    let mut erased = 0;
    for company in companies {
        let zone = CompanyZone::named_or_default(&company.time_zone);
        let Some(today) = zone.date_of(now).map(naive) else {
            continue;
        };
        let before = today - chrono::Days::new(company.biometric_retention_days.max(0) as u64);
        erased += erase_expired(store, CompanyId(company.id), &company.lang, before, now).await?;
    }
    Ok(erased)
}

/// One company's step: templates of employees whose last day employed is before
/// `before`.
async fn erase_expired(
    store: &Store,
    company: CompanyId,
    lang: &str,
    before: NaiveDate,
    now: i64,
) -> StoreResult<u64> {
    let sql = "SELECT e.id, e.pin_code, e.full_name FROM employees e \
               JOIN faces f ON f.employee_id = e.id AND f.company_id = e.company_id \
               WHERE e.company_id = $1 AND e.status = 'dismissed' \
               AND e.dismissal_date IS NOT NULL AND e.dismissal_date < $2 ORDER BY e.id";
    let due: Vec<Expired> =
        sql::all(store.conn(), sql, vec![company.0.into(), before.into()]).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let lang = Lang::parse(lang).unwrap_or_default();
    let txn = store.begin().await?;
    txn.changes(due.iter().map(|e| Dependency::Employee(EmployeeId(e.id))));
    let mut erased = 0;
    for employee in due {
        let id = EmployeeId(employee.id);
        if !faces::delete(&txn, company, id).await? {
            continue;
        }
        let pin = &employee.pin_code;
        device_commands::queue(&txn, company, id, pin, CommandKind::DeleteFace, now).await?;
        let entry = NewActivity {
            company_id: company,
            actor: None,
            action_name: "deletedFace",
            object_id: Some(employee.id),
            person_id: Some(id),
            assigned: None,
            message: Message::Payroll {
                action: PayrollAction::FaceDeleted,
                name: employee.full_name,
                detail: String::new(),
            },
        };
        activity::record(&txn, entry, lang, now).await?;
        erased += 1;
    }
    txn.commit().await?;
    Ok(erased)
}
