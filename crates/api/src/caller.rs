//! The authenticated caller of a `/v1` request, as the guard found it: the use cases'
//! [`davomat_app::Caller`], extracted from the request.

use std::ops::Deref;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;

/// Who is calling: placed in the request by the authentication guard. Everything about
/// the caller (role checks, zone, the actor of activity rows) is the use cases'.
#[derive(Clone, Debug)]
pub struct Caller(pub davomat_app::Caller);

impl Deref for Caller {
    type Target = davomat_app::Caller;

    fn deref(&self) -> &davomat_app::Caller {
        &self.0
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
