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
