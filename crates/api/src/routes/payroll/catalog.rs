//! The company's payroll rules and automatic fines (reference 09 lists them; the writes
//! are ext): `GET /v1/payroll/payroll-list` and `/fine-list` for admins and heads;
//! `POST` to the same paths (201), `PUT …/{id}` (only the fields sent change) and
//! `DELETE …/{id}` (7011 while any employee holds or held it) for admins.
//!
//! The rules (fields, defaults, who may change them) are the use cases'
//! (`davomat_app::payroll::catalog`); these handlers read the request, call them and
//! render the PayrollRule and Fine objects.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use davomat_app::payroll::catalog::{self as use_cases, FineRequest, PayrollRuleRequest};
use davomat_app::payroll::{authorize, authorize_read};
use davomat_core::money::format_minor;
use davomat_store::payroll::fines::{self, Fine};
use davomat_store::payroll::rules::{self, PayrollRule};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiResult, ErrorBody, MessageBody, ValidationBody};
use crate::guard::Access;
use crate::input::{body_fields, path_id};
use crate::routes::RouteTable;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(list_rules))
        .documented(Access::Authenticated, routes!(create_rule))
        .documented(Access::Authenticated, routes!(update_rule))
        .documented(Access::Authenticated, routes!(delete_rule))
        .documented(Access::Authenticated, routes!(list_fines))
        .documented(Access::Authenticated, routes!(create_fine))
        .documented(Access::Authenticated, routes!(update_fine))
        .documented(Access::Authenticated, routes!(delete_fine))
}

/// A payroll rule of the company.
#[derive(Serialize, ToSchema)]
#[schema(as = PayrollRule)]
pub struct PayrollRuleObject {
    id: i64,
    company_id: i64,
    #[schema(example = "Standard")]
    title: String,
    /// Overtime counted per day.
    otc_algorithm_daily: bool,
    is_active: bool,
}

impl From<&PayrollRule> for PayrollRuleObject {
    fn from(rule: &PayrollRule) -> Self {
        PayrollRuleObject {
            id: rule.id,
            company_id: rule.company_id,
            title: rule.title.clone(),
            otc_algorithm_daily: rule.otc_algorithm_daily,
            is_active: rule.is_active,
        }
    }
}

/// An automatic fine of the company.
#[derive(Serialize, ToSchema)]
#[schema(as = Fine)]
pub struct FineObject {
    id: i64,
    company_id: i64,
    #[schema(example = "Late arrival")]
    title: String,
    is_active: bool,
    /// 1 a daily fine, else 0.
    #[schema(minimum = 0, maximum = 1)]
    has_dayly_fine: u8,
    /// Two decimals.
    #[schema(example = "25.00")]
    amount: String,
    /// 0 a fixed sum, 1 a percentage.
    #[schema(minimum = 0, maximum = 1)]
    amount_type: i64,
}

impl From<&Fine> for FineObject {
    fn from(fine: &Fine) -> Self {
        FineObject {
            id: fine.id,
            company_id: fine.company_id,
            title: fine.title.clone(),
            is_active: fine.is_active,
            has_dayly_fine: u8::from(fine.has_dayly_fine),
            amount: format_minor(fine.amount),
            amount_type: fine.amount_type,
        }
    }
}

/// The company's payroll rules
///
/// Admins and department heads. By id.
#[utoipa::path(get, path = "/v1/payroll/payroll-list", tag = "Payroll", params(Paging),
    responses((status = 200, description = "One page", body = Envelope<PayrollRuleObject>)))]
async fn list_rules(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Envelope<PayrollRuleObject>>> {
    authorize_read(&caller)?;
    let (rows, total) = rules::list(state.store.connection(), caller.company_id, list.page).await?;
    let items = rows.iter().map(PayrollRuleObject::from).collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// Create one
///
/// Admins only.
#[utoipa::path(post, path = "/v1/payroll/payroll-list", tag = "Payroll",
    request_body(content(
        (PayrollRuleRequest = "application/json"),
        (PayrollRuleRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "Created", body = PayrollRuleObject),
        (status = 422, description = "title missing (8002) or invalid, a flag not a boolean (8003)", body = ValidationBody),
    ))]
async fn create_rule(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<PayrollRuleObject>)> {
    authorize(&caller)?;
    let new: PayrollRuleRequest = body_fields(request).await?.request()?;
    let rule = use_cases::create_rule(&state.store, &caller, new, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(PayrollRuleObject::from(&rule))))
}

/// Change one
///
/// Admins only. Only the fields sent change.
#[utoipa::path(put, path = "/v1/payroll/payroll-list/{id}", tag = "Payroll",
    params(("id" = i64, Path, description = "The rule's id")),
    request_body(content(
        (PayrollRuleRequest = "application/json"),
        (PayrollRuleRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Changed", body = PayrollRuleObject),
        (status = 404, description = "Not the company's (3000)", body = ErrorBody),
        (status = 422, description = "title invalid, a flag not a boolean (8003)", body = ValidationBody),
    ))]
async fn update_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<PayrollRuleObject>> {
    authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::get_rule(&state.store, &caller, id).await?;
    let change: PayrollRuleRequest = body_fields(request).await?.request()?;
    let rule = use_cases::update_rule(&state.store, &caller, id, change, state.clock.now()).await?;
    Ok(Json(PayrollRuleObject::from(&rule)))
}

/// Delete one
///
/// Admins only. Refused (400/7011) while any employee holds or held it.
#[utoipa::path(delete, path = "/v1/payroll/payroll-list/{id}", tag = "Payroll",
    params(("id" = i64, Path, description = "The rule's id")),
    responses(
        (status = 200, description = "Deleted", body = MessageBody),
        (status = 400, description = "Held by an employee (7011)", body = ErrorBody),
        (status = 404, description = "Not the company's (3000)", body = ErrorBody),
    ))]
async fn delete_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::delete_rule(&state.store, &caller, id, state.clock.now()).await?;
    Ok(Json(MessageBody::success()))
}

/// The company's automatic fines
///
/// Admins and department heads. By id.
#[utoipa::path(get, path = "/v1/payroll/fine-list", tag = "Payroll", params(Paging),
    responses((status = 200, description = "One page", body = Envelope<FineObject>)))]
async fn list_fines(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
) -> ApiResult<Json<Envelope<FineObject>>> {
    authorize_read(&caller)?;
    let (rows, total) = fines::list(state.store.connection(), caller.company_id, list.page).await?;
    let items = rows.iter().map(FineObject::from).collect();
    Ok(Json(list.envelope_of(items, total)))
}

/// Create one
///
/// Admins only.
#[utoipa::path(post, path = "/v1/payroll/fine-list", tag = "Payroll",
    request_body(content(
        (FineRequest = "application/json"),
        (FineRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 201, description = "Created", body = FineObject),
        (status = 422, description = "title missing (8002) or invalid, a flag not a boolean, amount not an amount with at most two decimals, amount_type not 0/1 (8003)", body = ValidationBody),
    ))]
async fn create_fine(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<FineObject>)> {
    authorize(&caller)?;
    let new: FineRequest = body_fields(request).await?.request()?;
    let fine = use_cases::create_fine(&state.store, &caller, new, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(FineObject::from(&fine))))
}

/// Change one
///
/// Admins only. Only the fields sent change.
#[utoipa::path(put, path = "/v1/payroll/fine-list/{id}", tag = "Payroll",
    params(("id" = i64, Path, description = "The fine's id")),
    request_body(content(
        (FineRequest = "application/json"),
        (FineRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Changed", body = FineObject),
        (status = 404, description = "Not the company's (3000)", body = ErrorBody),
        (status = 422, description = "title invalid, a flag not a boolean, amount not an amount with at most two decimals, amount_type not 0/1 (8003)", body = ValidationBody),
    ))]
async fn update_fine(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<FineObject>> {
    authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::get_fine(&state.store, &caller, id).await?;
    let change: FineRequest = body_fields(request).await?.request()?;
    let fine = use_cases::update_fine(&state.store, &caller, id, change, state.clock.now()).await?;
    Ok(Json(FineObject::from(&fine)))
}

/// Delete one
///
/// Admins only. Refused (400/7011) while any employee holds or held it.
#[utoipa::path(delete, path = "/v1/payroll/fine-list/{id}", tag = "Payroll",
    params(("id" = i64, Path, description = "The fine's id")),
    responses(
        (status = 200, description = "Deleted", body = MessageBody),
        (status = 400, description = "Held by an employee (7011)", body = ErrorBody),
        (status = 404, description = "Not the company's (3000)", body = ErrorBody),
    ))]
async fn delete_fine(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::delete_fine(&state.store, &caller, id, state.clock.now()).await?;
    Ok(Json(MessageBody::success()))
}
