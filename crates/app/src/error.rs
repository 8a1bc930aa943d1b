//! Why a use case refused, in the domain's words; each door turns it into its own answer
//! (the API: CONTRACT.md §2's status and code).

use davomat_core::validation::{FieldCode, FieldErrors, Reason};
use davomat_store::StoreError;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The object is not the caller's company's (or does not exist).
    #[error("not found")]
    NotFound,
    /// The caller's role or scope does not allow it.
    #[error("forbidden")]
    Forbidden,
    /// Fields refused, every one of them.
    #[error("invalid fields")]
    Invalid(FieldErrors),
    /// The object is still in use (employees in a department, time-offs of a type…).
    #[error("still in use")]
    InUse,
    /// The operation does not apply to the object as it stands (dismissing someone
    /// already dismissed, cancelling what is not pending…).
    #[error("not applicable now")]
    NotApplicable,
    /// It would dismiss or remove the company's last administrator who can log in.
    #[error("the company's last administrator")]
    LastAdmin,
    /// The company's employee limit is reached.
    #[error("employee limit reached")]
    EmployeeLimit,
    /// Something outside the store failed (a worker thread).
    #[error("internal: {0}")]
    Internal(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    /// One refused field.
    pub fn field(field: &str, code: FieldCode, reason: Reason) -> AppError {
        let mut errors = FieldErrors::new();
        errors.add(field, code, reason);
        AppError::Invalid(errors)
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}
