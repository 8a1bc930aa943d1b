//! Payroll (reference 09): the company's catalogs of payroll rules and automatic fines
//! (`catalog`), and giving employees periods of a salary rate, a rule or a fine, or
//! deleting one (`assign`). Writes are for admins; reading is for admins and department
//! heads.

pub mod assign;
pub mod catalog;

use davomat_core::Role;

use crate::caller::Caller;
use crate::error::AppResult;

/// Who reads payroll: admins (the company) and department heads (their scope).
pub const READERS: [Role; 2] = [Role::Admin, Role::DepartmentHead];

/// Who may read payroll.
pub fn authorize_read(caller: &Caller) -> AppResult<()> {
    caller.require(&READERS)
}

/// Who may change payroll. A door whose input may be malformed calls it before reading
/// that input (CONTRACT.md §2's order of checks); the use cases check it again.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin])
}

/// An amount of money in minor units from its text (`1000.5`, `"1000.50"`, `"12,50"`):
/// 8003 naming what is wrong otherwise.
pub(crate) fn amount(
    text: Option<String>,
    name: &str,
    errors: &mut davomat_core::validation::FieldErrors,
) -> Option<i64> {
    use davomat_core::money::{AmountError, parse_minor};
    use davomat_core::validation::{FieldCode, Reason, Rule};
    match parse_minor(&text?) {
        Ok(minor) => Some(minor),
        Err(error) => {
            let rule = match error {
                AmountError::NotANumber => Rule::NotADecimal,
                AmountError::Negative => Rule::NegativeAmount,
                AmountError::TooPrecise => Rule::TooManyDecimals,
                AmountError::TooLarge => Rule::AmountTooLarge,
            };
            errors.add(name, FieldCode::InvalidValue, Reason::Rule(rule));
            None
        }
    }
}

/// One employee's payroll history: every salary rate, payroll rule and fine period,
/// oldest first.
#[derive(Clone, Debug)]
pub struct History {
    pub salaries: Vec<davomat_store::payroll::periods::PeriodRow>,
    pub rules: Vec<davomat_store::payroll::periods::PeriodRow>,
    pub fines: Vec<davomat_store::payroll::periods::PeriodRow>,
}

/// The payroll history of an employee the caller may read (404 when not the company's,
/// 403 outside the caller's scope).
pub async fn history(
    store: &davomat_store::Store,
    caller: &Caller,
    employee: davomat_core::EmployeeId,
    now: i64,
) -> AppResult<History> {
    use davomat_store::payroll::periods::{self, PeriodKind};
    authorize_read(caller)?;
    let conn = store.connection();
    let today = caller.today(now);
    let card = match davomat_store::employees::card(conn, caller.company_id, employee, today).await
    {
        Err(davomat_store::StoreError::NotFound) => return Err(crate::AppError::NotFound),
        other => other?,
    };
    if !crate::scope::Scope::of(store, caller)
        .await?
        .covers_employee(employee, card.department_id)
    {
        return Err(crate::AppError::Forbidden);
    }
    let ids = [employee.0];
    let read = |kind| periods::of_employees(conn, kind, &ids);
    Ok(History {
        salaries: read(PeriodKind::Salary).await?,
        rules: read(PeriodKind::Payroll).await?,
        fines: read(PeriodKind::Fine).await?,
    })
}
