//! Giving employees a new salary rate, payroll rule or automatic fine, and deleting
//! one period (admins only).
//!
//! `POST /v1/payroll/add-salary` (`type_col`, `rate`, `start_date`), `/add-payroll`
//! (`payroll_rule_id`, `start_date`) and `/add-fine` (`fine_id`, `start_date`) take the
//! employees as `employee_ids` or `person_ids`. A malformed request is 422 as a whole;
//! otherwise the answer is always 200 with one result per employee, in the order sent:
//! the new period, or `status: false` with code 4001 when the employee is not in the
//! company, the start is not after their open period's start, or (fines) the fine is
//! the one they already hold. The reference's curls post to `/v1/add-salary` etc.; both
//! paths are served.
//!
//! `DELETE /v1/payroll/{employee_id}/delete-salary/{id}` (`/delete-payroll/`,
//! `/delete-fine/`) removes a period and gives its days back to the one before.
//!
//! The rules (fields, who is refused, the transaction and its retries) are the use
//! cases' (`davomat_app::payroll::assign`); these handlers read the request, call them
//! and render the results.

use axum::Json;
use axum::extract::{Path, Request, State};
use davomat_app::payroll::assign::{
    self as use_cases, Assignments, NewFinePeriod, NewPayrollPeriod, NewSalary, Outcome,
};
use davomat_app::payroll::authorize;
use davomat_core::money::format_minor;
use davomat_store::payroll::periods::{Held, PeriodKind};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use crate::AppState;
use crate::caller::Caller;
use crate::error::{ApiResult, ErrorBody, SuccessBody, ValidationBody};
use crate::guard::Access;
use crate::input::{body_fields, path_id};
use crate::routes::RouteTable;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(add_salary))
        .documented(Access::Authenticated, routes!(add_salary_short))
        .documented(Access::Authenticated, routes!(add_payroll))
        .documented(Access::Authenticated, routes!(add_payroll_short))
        .documented(Access::Authenticated, routes!(add_fine))
        .documented(Access::Authenticated, routes!(add_fine_short))
        .documented(Access::Authenticated, routes!(delete_salary))
        .documented(Access::Authenticated, routes!(delete_payroll))
        .documented(Access::Authenticated, routes!(delete_fine))
}

/// The answer of an add request: one result per employee, in the order sent.
#[derive(Serialize, ToSchema)]
#[schema(as = AssignmentResults)]
pub struct ResultsBody {
    items: Vec<ResultObject>,
}

/// One employee's result: the new period, or why not.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[schema(as = AssignmentResult)]
pub enum ResultObject {
    Accepted(AcceptedObject),
    Refused(RefusedObject),
}

/// An employee given the new period.
#[derive(Serialize, ToSchema)]
#[schema(as = AssignedPeriod)]
pub struct AcceptedObject {
    employee_id: i64,
    /// Always true.
    status: bool,
    /// The new period.
    id: Option<i64>,
    /// add-salary: 1 hourly, 2 weekly, 3 monthly, 4 daily.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 4)]
    type_col: Option<i64>,
    /// add-salary: two decimals.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "1000.00")]
    rate: Option<String>,
    /// add-payroll: the rule's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    payroll_rule: Option<String>,
    /// add-fine: the fine's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    fine: Option<String>,
    #[schema(format = Date, example = "2025-03-01")]
    start_date: String,
    /// 9999-12-31: the new period is open.
    #[schema(format = Date, example = "9999-12-31")]
    end_date: String,
}

/// An employee refused the new period.
#[derive(Serialize, ToSchema)]
#[schema(as = RefusedAssignment)]
pub struct RefusedObject {
    employee_id: i64,
    /// Always false.
    status: bool,
    errors: RefusalObject,
}

/// Why an employee was refused.
#[derive(Serialize, ToSchema)]
#[schema(as = AssignmentRefusal)]
pub struct RefusalObject {
    #[schema(example = "Employee not found")]
    message: String,
    /// Always 4001.
    #[schema(minimum = 4001, maximum = 4001)]
    code: u16,
}

impl From<&Assignments> for ResultsBody {
    fn from(done: &Assignments) -> Self {
        let start_date = done.start.to_string();
        let end_date = done.end.to_string();
        let items = done
            .results
            .iter()
            .map(|(employee, outcome)| match outcome {
                Outcome::Refused(message) => ResultObject::Refused(RefusedObject {
                    employee_id: *employee,
                    status: false,
                    errors: RefusalObject {
                        message: message.clone(),
                        code: 4001,
                    },
                }),
                Outcome::Accepted(id) => {
                    let mut accepted = AcceptedObject {
                        employee_id: *employee,
                        status: true,
                        id: *id,
                        type_col: None,
                        rate: None,
                        payroll_rule: None,
                        fine: None,
                        start_date: start_date.clone(),
                        end_date: end_date.clone(),
                    };
                    match done.held {
                        Held::Salary { type_col, rate } => {
                            accepted.type_col = Some(type_col);
                            accepted.rate = Some(format_minor(rate));
                        }
                        Held::Rule(_) => accepted.payroll_rule = Some(done.label.clone()),
                        Held::Fine(_) => accepted.fine = Some(done.label.clone()),
                    }
                    ResultObject::Accepted(accepted)
                }
            })
            .collect();
        ResultsBody { items }
    }
}

async fn salary(state: AppState, caller: Caller, request: Request) -> ApiResult<Json<ResultsBody>> {
    authorize(&caller)?;
    let new: NewSalary = body_fields(request).await?.request()?;
    let done = use_cases::add_salary(&state.store, &caller, new, state.clock.now()).await?;
    Ok(Json(ResultsBody::from(&done)))
}

async fn payroll(
    state: AppState,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<ResultsBody>> {
    authorize(&caller)?;
    let new: NewPayrollPeriod = body_fields(request).await?.request()?;
    let done = use_cases::add_payroll_rule(&state.store, &caller, new, state.clock.now()).await?;
    Ok(Json(ResultsBody::from(&done)))
}

async fn fine(state: AppState, caller: Caller, request: Request) -> ApiResult<Json<ResultsBody>> {
    authorize(&caller)?;
    let new: NewFinePeriod = body_fields(request).await?.request()?;
    let done = use_cases::add_fine(&state.store, &caller, new, state.clock.now()).await?;
    Ok(Json(ResultsBody::from(&done)))
}

/// Give employees a salary rate
///
/// Admins only. Always 200 with one result per employee, in the order sent; an employee
/// outside the company, a start not after the open period's start, or the fine already
/// held gives status false with code 4001. A new period closes the open one the day
/// before it starts.
#[utoipa::path(post, path = "/v1/payroll/add-salary", tag = "Payroll",
    request_body(content(
        (NewSalary = "application/json"),
        (NewSalary = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "One result per employee", body = ResultsBody),
        (status = 422, description = "a field missing (8002) or invalid (8003: type_col not 1-4, rate not an amount with at most two decimals), start_date not a date (8009)", body = ValidationBody),
    ))]
async fn add_salary(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<ResultsBody>> {
    salary(state, caller, request).await
}

/// Give employees a salary rate
///
/// The reference's path of `/v1/payroll/add-salary`. Admins only. Always 200 with one
/// result per employee, in the order sent; an employee outside the company, a start not
/// after the open period's start, or the fine already held gives status false with code
/// 4001. A new period closes the open one the day before it starts.
#[utoipa::path(post, path = "/v1/add-salary", tag = "Payroll",
    request_body(content(
        (NewSalary = "application/json"),
        (NewSalary = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "One result per employee", body = ResultsBody),
        (status = 422, description = "a field missing (8002) or invalid (8003: type_col not 1-4, rate not an amount with at most two decimals), start_date not a date (8009)", body = ValidationBody),
    ))]
async fn add_salary_short(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<ResultsBody>> {
    salary(state, caller, request).await
}

/// Give employees a payroll rule
///
/// Admins only. Always 200 with one result per employee, in the order sent; an employee
/// outside the company, a start not after the open period's start, or the fine already
/// held gives status false with code 4001. A new period closes the open one the day
/// before it starts.
#[utoipa::path(post, path = "/v1/payroll/add-payroll", tag = "Payroll",
    request_body(content(
        (NewPayrollPeriod = "application/json"),
        (NewPayrollPeriod = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "One result per employee", body = ResultsBody),
        (status = 422, description = "a field missing (8002) or invalid (8003: rule inactive), start_date not a date (8009), rule not the company's (8004)", body = ValidationBody),
    ))]
async fn add_payroll(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<ResultsBody>> {
    payroll(state, caller, request).await
}

/// Give employees a payroll rule
///
/// The reference's path of `/v1/payroll/add-payroll`. Admins only. Always 200 with one
/// result per employee, in the order sent; an employee outside the company, a start not
/// after the open period's start, or the fine already held gives status false with code
/// 4001. A new period closes the open one the day before it starts.
#[utoipa::path(post, path = "/v1/add-payroll", tag = "Payroll",
    request_body(content(
        (NewPayrollPeriod = "application/json"),
        (NewPayrollPeriod = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "One result per employee", body = ResultsBody),
        (status = 422, description = "a field missing (8002) or invalid (8003: rule inactive), start_date not a date (8009), rule not the company's (8004)", body = ValidationBody),
    ))]
async fn add_payroll_short(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<ResultsBody>> {
    payroll(state, caller, request).await
}

/// Give employees an automatic fine
///
/// Admins only. Always 200 with one result per employee, in the order sent; an employee
/// outside the company, a start not after the open period's start, or the fine already
/// held gives status false with code 4001. A new period closes the open one the day
/// before it starts.
#[utoipa::path(post, path = "/v1/payroll/add-fine", tag = "Payroll",
    request_body(content(
        (NewFinePeriod = "application/json"),
        (NewFinePeriod = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "One result per employee", body = ResultsBody),
        (status = 422, description = "a field missing (8002) or invalid (8003: fine inactive), start_date not a date (8009), fine not the company's (8004)", body = ValidationBody),
    ))]
async fn add_fine(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<ResultsBody>> {
    fine(state, caller, request).await
}

/// Give employees an automatic fine
///
/// The reference's path of `/v1/payroll/add-fine`. Admins only. Always 200 with one
/// result per employee, in the order sent; an employee outside the company, a start not
/// after the open period's start, or the fine already held gives status false with code
/// 4001. A new period closes the open one the day before it starts.
#[utoipa::path(post, path = "/v1/add-fine", tag = "Payroll",
    request_body(content(
        (NewFinePeriod = "application/json"),
        (NewFinePeriod = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "One result per employee", body = ResultsBody),
        (status = 422, description = "a field missing (8002) or invalid (8003: fine inactive), start_date not a date (8009), fine not the company's (8004)", body = ValidationBody),
    ))]
async fn add_fine_short(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<ResultsBody>> {
    fine(state, caller, request).await
}

async fn delete(
    state: AppState,
    caller: Caller,
    (employee, id): (String, String),
    kind: PeriodKind,
) -> ApiResult<Json<SuccessBody>> {
    authorize(&caller)?;
    let (employee, id) = (path_id(&employee)?, path_id(&id)?);
    use_cases::delete_period(&state.store, &caller, kind, employee, id, state.clock.now()).await?;
    Ok(Json(SuccessBody::new()))
}

/// Delete a salary rate
///
/// Admins only. The period before it takes over its days (open again when the deleted
/// one was open).
#[utoipa::path(delete, path = "/v1/payroll/{employee_id}/delete-salary/{id}", tag = "Payroll",
    params(
        ("employee_id" = i64, Path, description = "The employee's id"),
        ("id" = i64, Path, description = "The period's id"),
    ),
    responses(
        (status = 200, description = "Deleted", body = SuccessBody),
        (status = 404, description = "No such employee or period in the company (3000)", body = ErrorBody),
    ))]
async fn delete_salary(
    State(state): State<AppState>,
    caller: Caller,
    Path(ids): Path<(String, String)>,
) -> ApiResult<Json<SuccessBody>> {
    delete(state, caller, ids, PeriodKind::Salary).await
}

/// Delete a payroll rule period
///
/// Admins only. The period before it takes over its days (open again when the deleted
/// one was open).
#[utoipa::path(delete, path = "/v1/payroll/{employee_id}/delete-payroll/{id}", tag = "Payroll",
    params(
        ("employee_id" = i64, Path, description = "The employee's id"),
        ("id" = i64, Path, description = "The period's id"),
    ),
    responses(
        (status = 200, description = "Deleted", body = SuccessBody),
        (status = 404, description = "No such employee or period in the company (3000)", body = ErrorBody),
    ))]
async fn delete_payroll(
    State(state): State<AppState>,
    caller: Caller,
    Path(ids): Path<(String, String)>,
) -> ApiResult<Json<SuccessBody>> {
    delete(state, caller, ids, PeriodKind::Payroll).await
}

/// Delete an automatic fine period
///
/// Admins only. The period before it takes over its days (open again when the deleted
/// one was open).
#[utoipa::path(delete, path = "/v1/payroll/{employee_id}/delete-fine/{id}", tag = "Payroll",
    params(
        ("employee_id" = i64, Path, description = "The employee's id"),
        ("id" = i64, Path, description = "The period's id"),
    ),
    responses(
        (status = 200, description = "Deleted", body = SuccessBody),
        (status = 404, description = "No such employee or period in the company (3000)", body = ErrorBody),
    ))]
async fn delete_fine(
    State(state): State<AppState>,
    caller: Caller,
    Path(ids): Path<(String, String)>,
) -> ApiResult<Json<SuccessBody>> {
    delete(state, caller, ids, PeriodKind::Fine).await
}
