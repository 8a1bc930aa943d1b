//! The error contract (CONTRACT.md §2) as one enum. Each variant knows its HTTP status
//! and Workly code; every conversion into it lives in this file. The body is rendered
//! in Russian here and re-rendered in the request's language by the edge middleware,
//! which reads the [`ErrorReport`] left in the response's extensions.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use davomat_core::Lang;
use davomat_core::validation::FieldErrors;
use davomat_store::{StoreError, Unique};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n;

pub type ApiResult<T, E = ApiError> = Result<T, E>;

/// What was wrong with a malformed request (400/4001).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// The JSON or form body could not be read.
    Body,
    /// A query argument has the wrong shape (named).
    QueryValue(String),
    /// `start_date` after `end_date`, or a range too long.
    DateRange,
    /// The action does not apply to the object in its current state.
    NotApplicable,
    /// The request line or the headers could not be parsed (crate::connection).
    Request,
    /// Dismissing or removing the company's last administrator who can log in.
    LastAdmin,
}

/// Every error the API answers with.
#[derive(Clone, Debug)]
pub enum ApiError {
    /// 404/3000: unknown route, or a path id not in the caller's company.
    NotFound,
    /// 400/4000: a required query argument is missing (named).
    MissingArgument(String),
    /// 400/4001.
    Malformed(Malformed),
    /// 405/4001; the `Allow` header is kept from the router's answer.
    MethodNotAllowed(Option<HeaderValue>),
    /// 406/4001.
    NotAcceptable,
    /// 413/4001 with the limit in bytes.
    PayloadTooLarge(usize),
    /// 400/7011.
    DeleteRefused,
    /// 400/7012.
    EmployeeLimit,
    /// 401/7001.
    Unauthorized,
    /// 401/7002.
    BadCredentials,
    /// 401/7003.
    InvalidClient,
    /// 400/7005.
    UnsupportedGrantType,
    /// 401/7006.
    RefreshTokenExpired,
    /// 401/7007.
    NotAuthenticated,
    /// 401/7008.
    InvalidToken,
    /// 401/7009.
    TokenExpired,
    /// 402/7004.
    PaymentRequired,
    /// 403/7004.
    Forbidden,
    /// 422/8001 with every failing field.
    Validation(FieldErrors),
    /// 426/7010.
    UpgradeRequired,
    /// 429/6000 with the seconds to wait.
    TooManyRequests { retry_after: u64 },
    /// 500/5000; the text is logged with the request id, never sent.
    Internal(String),
    /// 503/5000 with the seconds to wait.
    Unavailable {
        retry_after: u64,
        cause: Unavailability,
    },
}

/// Why the service is unavailable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unavailability {
    Maintenance,
    Database,
    Timeout,
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MissingArgument(_)
            | ApiError::Malformed(_)
            | ApiError::DeleteRefused
            | ApiError::EmployeeLimit
            | ApiError::UnsupportedGrantType => StatusCode::BAD_REQUEST,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unauthorized
            | ApiError::BadCredentials
            | ApiError::InvalidClient
            | ApiError::RefreshTokenExpired
            | ApiError::NotAuthenticated
            | ApiError::InvalidToken
            | ApiError::TokenExpired => StatusCode::UNAUTHORIZED,
            ApiError::PaymentRequired => StatusCode::PAYMENT_REQUIRED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UpgradeRequired => StatusCode::UPGRADE_REQUIRED,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The Workly code of the body.
    pub fn code(&self) -> u16 {
        match self {
            ApiError::NotFound => 3000,
            ApiError::MissingArgument(_) => 4000,
            ApiError::Malformed(_)
            | ApiError::MethodNotAllowed(_)
            | ApiError::NotAcceptable
            | ApiError::PayloadTooLarge(_) => 4001,
            ApiError::DeleteRefused => 7011,
            ApiError::EmployeeLimit => 7012,
            ApiError::Unauthorized => 7001,
            ApiError::BadCredentials => 7002,
            ApiError::InvalidClient => 7003,
            ApiError::UnsupportedGrantType => 7005,
            ApiError::RefreshTokenExpired => 7006,
            ApiError::NotAuthenticated => 7007,
            ApiError::InvalidToken => 7008,
            ApiError::TokenExpired => 7009,
            ApiError::PaymentRequired | ApiError::Forbidden => 7004,
            ApiError::Validation(_) => 8001,
            ApiError::UpgradeRequired => 7010,
            ApiError::TooManyRequests { .. } => 6000,
            ApiError::Internal(_) | ApiError::Unavailable { .. } => 5000,
        }
    }

    /// The JSON body in `lang`: an [`ErrorBody`], or a [`ValidationBody`] for 422.
    pub fn body(&self, lang: Lang) -> serde_json::Value {
        let message = i18n::error_message(self, lang);
        let code = self.code();
        let body = match self {
            ApiError::Validation(errors) => serde_json::to_value(ValidationBody {
                message,
                code,
                errors: errors
                    .clone()
                    .into_vec()
                    .iter()
                    .map(|e| FieldErrorBody {
                        field: e.field.clone(),
                        code: e.code.code(),
                        message: i18n::field_message(e, lang),
                    })
                    .collect(),
            }),
            _ => serde_json::to_value(ErrorBody { message, code }),
        };
        body.unwrap_or(serde_json::Value::Null)
    }

    /// A validation error with one failing field.
    pub fn field(
        field: &str,
        code: davomat_core::validation::FieldCode,
        reason: davomat_core::validation::Reason,
    ) -> ApiError {
        let mut errors = FieldErrors::new();
        errors.add(field, code, reason);
        ApiError::Validation(errors)
    }
}

/// The body of every error answer but 422 (CONTRACT.md §2), in the request's language.
#[derive(Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub message: String,
    /// Workly's error code (CONTRACT.md §2).
    #[schema(example = 3000)]
    pub code: u16,
}

/// The body of a 422: code 8001 and one entry per failing field.
#[derive(Serialize, ToSchema)]
#[schema(as = ValidationError)]
pub struct ValidationBody {
    #[schema(example = "Validation Failed")]
    pub message: String,
    #[schema(example = 8001)]
    pub code: u16,
    pub errors: Vec<FieldErrorBody>,
}

/// One failing field of a 422.
#[derive(Serialize, ToSchema)]
#[schema(as = FieldError)]
pub struct FieldErrorBody {
    #[schema(example = "title")]
    pub field: String,
    /// 8002 required … 8010 (CONTRACT.md §2).
    #[schema(minimum = 8002, maximum = 8010, example = 8002)]
    pub code: u16,
    /// Why, in the request's language.
    pub message: String,
}

/// A bare message, such as the `{"message": "success"}` of a delete.
#[derive(Serialize, ToSchema)]
#[schema(as = Message)]
pub struct MessageBody {
    #[schema(example = "success")]
    pub message: String,
}

impl MessageBody {
    /// `{"message": "success"}`.
    pub fn success() -> MessageBody {
        MessageBody {
            message: "success".to_string(),
        }
    }
}

/// `{"success": true}`: what a revoke, a cancellation or a delete of the reference
/// answers.
#[derive(Serialize, ToSchema)]
#[schema(as = Success)]
pub struct SuccessBody {
    /// Always true.
    #[schema(example = true)]
    pub success: bool,
}

impl SuccessBody {
    pub fn new() -> SuccessBody {
        SuccessBody { success: true }
    }
}

impl Default for SuccessBody {
    fn default() -> Self {
        SuccessBody::new()
    }
}

/// Left in a response's extensions so that the edge middleware can re-render the body
/// in the request's language and log internal errors with the request id.
#[derive(Clone, Debug)]
pub struct ErrorReport(pub ApiError);

/// Builds the JSON response for an error in `lang`, with its headers.
pub fn render(error: &ApiError, lang: Lang) -> Response {
    let mut response = (error.status(), axum::Json(error.body(lang))).into_response();
    let headers = response.headers_mut();
    match error {
        ApiError::MethodNotAllowed(Some(allow)) => {
            headers.insert(header::ALLOW, allow.clone());
        }
        ApiError::TooManyRequests { retry_after } | ApiError::Unavailable { retry_after, .. } => {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        _ => {}
    }
    response.extensions_mut().insert(ErrorReport(error.clone()));
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        render(&self, Lang::Ru)
    }
}

/// A store error as the API answers it. A broken unique rule is the field error of what
/// was duplicated (8008), whichever handler met it: two requests racing for the same
/// email, holiday date, serial number or PIN cannot both pass their checks' reads.
impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                ApiError::Unavailable {
                    retry_after: 5,
                    cause: Unavailability::Database,
                }
            }
            StoreError::Conflict(_) if err.broken_unique_rule().is_some() => {
                let field = match err.broken_unique_rule() {
                    Some(Unique::UserEmail) => "username",
                    Some(Unique::HolidayDate) => "date",
                    Some(Unique::DeviceSerial) => "serial_number",
                    Some(Unique::EmployeeTabNumber) => "tab_number",
                    Some(Unique::EmployeePin) | None => "pin_code",
                };
                ApiError::field(
                    field,
                    davomat_core::validation::FieldCode::AlreadyExists,
                    davomat_core::validation::Reason::Plain,
                )
            }
            StoreError::Conflict(detail)
            | StoreError::Database(detail)
            | StoreError::Invalid(detail) => ApiError::Internal(detail),
        }
    }
}

/// A use case's refusal as the API answers it.
impl From<davomat_app::AppError> for ApiError {
    fn from(err: davomat_app::AppError) -> Self {
        use davomat_app::AppError;
        match err {
            AppError::NotFound => ApiError::NotFound,
            AppError::Forbidden => ApiError::Forbidden,
            AppError::Invalid(errors) => ApiError::Validation(errors),
            AppError::InUse => ApiError::DeleteRefused,
            AppError::NotApplicable => ApiError::Malformed(Malformed::NotApplicable),
            AppError::LastAdmin => ApiError::Malformed(Malformed::LastAdmin),
            AppError::EmployeeLimit => ApiError::EmployeeLimit,
            AppError::Internal(message) => ApiError::Internal(message),
            AppError::Store(err) => err.into(),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Validation(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use davomat_core::validation::{FieldCode, Reason};

    /// Every variant against its row of CONTRACT.md §2.
    #[test]
    fn every_variant_has_the_contract_status_and_code() {
        let table: Vec<(ApiError, u16, u16)> = vec![
            (ApiError::MissingArgument("start_date".into()), 400, 4000),
            (ApiError::Malformed(Malformed::Body), 400, 4001),
            (
                ApiError::Malformed(Malformed::QueryValue("x".into())),
                400,
                4001,
            ),
            (ApiError::Malformed(Malformed::DateRange), 400, 4001),
            (ApiError::Malformed(Malformed::NotApplicable), 400, 4001),
            (ApiError::Malformed(Malformed::Request), 400, 4001),
            (ApiError::Malformed(Malformed::LastAdmin), 400, 4001),
            (ApiError::DeleteRefused, 400, 7011),
            (ApiError::EmployeeLimit, 400, 7012),
            (ApiError::Unauthorized, 401, 7001),
            (ApiError::BadCredentials, 401, 7002),
            (ApiError::InvalidClient, 401, 7003),
            (ApiError::UnsupportedGrantType, 400, 7005),
            (ApiError::RefreshTokenExpired, 401, 7006),
            (ApiError::NotAuthenticated, 401, 7007),
            (ApiError::InvalidToken, 401, 7008),
            (ApiError::TokenExpired, 401, 7009),
            (ApiError::PaymentRequired, 402, 7004),
            (ApiError::Forbidden, 403, 7004),
            (ApiError::NotFound, 404, 3000),
            (ApiError::MethodNotAllowed(None), 405, 4001),
            (ApiError::NotAcceptable, 406, 4001),
            (ApiError::PayloadTooLarge(1), 413, 4001),
            (
                ApiError::field("f", FieldCode::Required, Reason::Plain),
                422,
                8001,
            ),
            (ApiError::UpgradeRequired, 426, 7010),
            (ApiError::TooManyRequests { retry_after: 1 }, 429, 6000),
            (ApiError::Internal("x".into()), 500, 5000),
            (
                ApiError::Unavailable {
                    retry_after: 1,
                    cause: Unavailability::Maintenance,
                },
                503,
                5000,
            ),
        ];
        for (error, status, code) in table {
            assert_eq!(
                (error.status().as_u16(), error.code()),
                (status, code),
                "{error:?}"
            );
            for lang in [Lang::Ru, Lang::En, Lang::Uz] {
                let body = error.body(lang);
                assert_eq!(body["code"], code);
                assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
            }
        }
    }

    #[test]
    fn internal_details_never_reach_the_body() {
        let body = ApiError::Internal("SELECT secret FROM users".into()).body(Lang::En);
        assert!(!body.to_string().contains("secret"));
    }

    #[test]
    fn validation_bodies_list_every_field() {
        let mut errors = FieldErrors::new();
        errors.add("first_name", FieldCode::Required, Reason::Plain);
        errors.add("start_date", FieldCode::DateTooEarly, Reason::Plain);
        let body = ApiError::Validation(errors).body(Lang::Ru);
        assert_eq!(body["message"], "Validation Failed");
        assert_eq!(body["errors"][0]["field"], "first_name");
        assert_eq!(body["errors"][0]["code"], 8002);
        assert_eq!(body["errors"][1]["code"], 8010);
    }
}
