//! Who is acting: the user, their company and role, and what the use cases need to know
//! about them (the company's zone and language, their employee profile).

use chrono::NaiveDate;
use davomat_core::dates::naive;
use davomat_core::zone::CompanyZone;
use davomat_core::{CompanyId, EmployeeId, Lang, Role, UserId};
use davomat_store::WriteTransaction;
use davomat_store::activity::{self, Actor, NewActivity};

use crate::error::{AppError, AppResult};

/// The user a use case acts for.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: UserId,
    pub company_id: CompanyId,
    pub role: Role,
    pub employee_id: Option<EmployeeId>,
    /// That employee's full name (read with the session).
    pub employee_name: Option<String>,
    pub email: String,
    /// The user's own language (`settings.lang`).
    pub lang: Lang,
    /// The company's language, for activity-log messages.
    pub company_lang: Lang,
    /// The company's time zone name.
    pub time_zone: String,
}

impl Caller {
    /// Refused ([`AppError::Forbidden`]) unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> AppResult<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The company's time zone.
    pub fn zone(&self) -> CompanyZone {
        CompanyZone::named_or_default(&self.time_zone)
    }

    /// The caller's local date at `now`.
    pub fn today(&self, now: i64) -> NaiveDate {
        self.zone().date_of(now).map(naive).unwrap_or_default()
    }

    /// The caller as the author of an activity-log row (their employee's full name,
    /// else their email).
    pub fn actor(&self) -> Actor {
        let full_name = match &self.employee_name {
            Some(name) if !name.is_empty() => name.clone(),
            _ => self.email.clone(),
        };
        Actor {
            user_id: self.user_id,
            full_name,
        }
    }

    /// Writes the activity row of a change to a company object (department, holiday…),
    /// inside the change's transaction, its message in the company's language.
    pub async fn log_object_change(
        &self,
        txn: &WriteTransaction,
        actor: Actor,
        action_name: &'static str,
        object_id: i64,
        message: davomat_core::activity::Message,
        now: i64,
    ) -> AppResult<()> {
        let entry =
            NewActivity::object_change(self.company_id, actor, action_name, object_id, message);
        activity::record(txn, entry, self.company_lang, now).await?;
        Ok(())
    }
}
