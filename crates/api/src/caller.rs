//! The authenticated caller of a `/v1` request, as the guard found it, and role checks.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use davomat_core::{CompanyId, EmployeeId, Lang, Role, UserId};

use crate::error::ApiError;

/// Who is calling: placed in the request by the authentication guard.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: UserId,
    pub company_id: CompanyId,
    pub role: Role,
    pub employee_id: Option<EmployeeId>,
    pub email: String,
    /// The user's own language (`settings.lang`).
    pub lang: Lang,
    /// The company's language, for activity-log messages.
    pub company_lang: Lang,
    /// The company's time zone name.
    pub time_zone: String,
}

impl Caller {
    /// 403/7004 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or(ApiError::NotAuthenticated)
    }
}

impl Caller {
    /// The company's time zone.
    pub fn zone(&self) -> davomat_core::zone::CompanyZone {
        davomat_core::zone::CompanyZone::named_or_default(&self.time_zone)
    }

    /// The caller's local date today.
    pub fn today(&self, now: i64) -> chrono::NaiveDate {
        self.zone().date_of(now).unwrap_or_default()
    }

    /// The caller as the author of an activity-log row (their employee's full name).
    pub async fn actor(
        &self,
        store: &davomat_store::Store,
    ) -> Result<davomat_store::activity::Actor, ApiError> {
        let full_name = match self.employee_id {
            Some(id) => match davomat_store::employees::full_name_of(
                store.connection(),
                self.company_id,
                id,
            )
            .await
            {
                Ok(name) if !name.is_empty() => name,
                Ok(_) | Err(davomat_store::StoreError::NotFound) => self.email.clone(),
                Err(err) => return Err(err.into()),
            },
            None => self.email.clone(),
        };
        Ok(davomat_store::activity::Actor {
            user_id: self.user_id,
            full_name,
        })
    }
}

impl Caller {
    /// Writes the activity row of a change to a company object (department, holiday…),
    /// inside the change's transaction, its message in the company's language.
    pub async fn log_object_change(
        &self,
        txn: &davomat_store::DatabaseTransaction,
        actor: davomat_store::activity::Actor,
        action_name: &'static str,
        object_id: i64,
        message: davomat_core::activity::Message,
        now: i64,
    ) -> Result<(), ApiError> {
        let entry = davomat_store::activity::NewActivity::object_change(
            self.company_id,
            actor,
            action_name,
            object_id,
            message,
        );
        davomat_store::activity::record(txn, entry, self.company_lang, now).await?;
        Ok(())
    }
}
