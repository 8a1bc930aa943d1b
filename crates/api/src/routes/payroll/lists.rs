//! `GET /v1/payroll/salaries`, `/payrolls`, `/fines`: one page of the employees in the
//! caller's scope (active ones, by name), each with every period of its kind, oldest
//! first. `f=department` (sub-departments included) or `f=employee` narrows the page to
//! `ids`; `f` absent or empty is the whole scope; `f` given without `ids` is 400/4000.
//! A page costs four statements: count, employees, their locations and positions (the
//! employee page's own), and their periods.

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use davomat_app::payroll::authorize_read;
use davomat_core::DepartmentId;
use davomat_core::money::format_minor;
use davomat_store::departments;
use davomat_store::employees::{self, EmployeeCard, EmployeeFilter, StatusFilter};
use davomat_store::payroll::periods::{self, PeriodKind, PeriodRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiError, ApiResult, ErrorBody, Malformed};
use crate::guard::Access;
use crate::input::{Fields, QueryValue, query_ids};
use crate::objects::{PhotoBase, Photos};
use crate::routes::RouteTable;
use crate::scope::Scope;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(salaries))
        .documented(Access::Authenticated, routes!(payrolls))
        .documented(Access::Authenticated, routes!(fines))
}

/// Which employees a list shows, besides the paging.
#[derive(Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PeriodFilter {
    /// department (sub-departments included) or employee; absent or empty: the caller's
    /// scope.
    #[param(value_type = Option<PeriodFilterKind>, inline)]
    f: QueryValue,
    /// Comma-separated ids of the kind named by f (required with f).
    #[param(value_type = Option<String>, example = "3,7")]
    ids: QueryValue,
}

/// What a list's `ids` name (`f` absent or empty: the caller's whole scope).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum PeriodFilterKind {
    Department,
    Employee,
}

impl PeriodFilterKind {
    /// The kind `f` names (trimmed), if any.
    fn parse(text: &str) -> Option<PeriodFilterKind> {
        Some(match text.trim() {
            "department" => PeriodFilterKind::Department,
            "employee" => PeriodFilterKind::Employee,
            _ => return None,
        })
    }
}

/// The employee part of a person of the payroll lists.
struct Person<'a> {
    department_id: i64,
    employee_id: i64,
    last_name: &'a str,
    first_name: &'a str,
    patronymic: &'a str,
    photos: Option<Photos>,
}

impl<'a> Person<'a> {
    fn of(card: &'a EmployeeCard, photo_base: &PhotoBase) -> Self {
        Person {
            department_id: card.department_id.0,
            employee_id: card.id.0,
            last_name: &card.last_name,
            first_name: &card.first_name,
            patronymic: &card.patronymic,
            photos: photo_base.photos(card.id.0, card.photo_key.as_deref()),
        }
    }
}

/// An employee with every salary rate period, oldest first.
#[derive(Serialize, ToSchema)]
#[schema(as = PersonSalaries)]
pub struct PersonSalariesObject<'a> {
    department_id: i64,
    employee_id: i64,
    last_name: &'a str,
    first_name: &'a str,
    patronymic: &'a str,
    /// Null without a face template.
    photos: Option<Photos>,
    #[serde(rename = "employeeSalaries")]
    employee_salaries: Vec<SalaryPeriodObject>,
}

/// An employee with every payroll rule period, oldest first.
#[derive(Serialize, ToSchema)]
#[schema(as = PersonPayrolls)]
pub struct PersonPayrollsObject<'a> {
    department_id: i64,
    employee_id: i64,
    last_name: &'a str,
    first_name: &'a str,
    patronymic: &'a str,
    /// Null without a face template.
    photos: Option<Photos>,
    #[serde(rename = "personPayrolls")]
    person_payrolls: Vec<PayrollPeriodObject>,
}

/// An employee with every automatic fine period, oldest first.
#[derive(Serialize, ToSchema)]
#[schema(as = PersonFines)]
pub struct PersonFinesObject<'a> {
    department_id: i64,
    employee_id: i64,
    last_name: &'a str,
    first_name: &'a str,
    patronymic: &'a str,
    /// Null without a face template.
    photos: Option<Photos>,
    #[serde(rename = "personFines")]
    person_fines: Vec<FinePeriodObject>,
}

/// A salary rate period (Salary of the reference).
#[derive(Serialize, ToSchema)]
#[schema(as = SalaryPeriod)]
pub struct SalaryPeriodObject {
    id: i64,
    #[schema(format = Date, example = "2025-03-01")]
    start_date: String,
    /// 9999-12-31 while open.
    #[schema(format = Date, example = "9999-12-31")]
    end_date: String,
    /// Two decimals.
    #[schema(example = "1000.00")]
    rate: String,
    /// 1 hourly, 2 weekly, 3 monthly, 4 daily.
    #[schema(minimum = 1, maximum = 4)]
    type_col: Option<i64>,
}

/// A payroll rule period (Payroll of the reference).
#[derive(Serialize, ToSchema)]
#[schema(as = PayrollPeriod)]
pub struct PayrollPeriodObject {
    id: i64,
    #[schema(format = Date, example = "2025-03-01")]
    start_date: String,
    /// 9999-12-31 while open.
    #[schema(format = Date, example = "9999-12-31")]
    end_date: String,
    #[serde(rename = "payrollRule")]
    payroll_rule: PeriodRuleObject,
}

/// The rule a payroll period holds.
#[derive(Serialize, ToSchema)]
#[schema(as = PeriodPayrollRule)]
pub struct PeriodRuleObject {
    id: Option<i64>,
    title: Option<String>,
    otc_algorithm_daily: bool,
}

/// An automatic fine period (PersonFine of the reference).
#[derive(Serialize, ToSchema)]
#[schema(as = FinePeriod)]
pub struct FinePeriodObject {
    id: i64,
    #[schema(format = Date, example = "2025-03-01")]
    start_date: String,
    /// 9999-12-31 while open.
    #[schema(format = Date, example = "9999-12-31")]
    end_date: String,
    fine: PeriodFineObject,
}

/// The fine a fine period holds.
#[derive(Serialize, ToSchema)]
#[schema(as = PeriodFine)]
pub struct PeriodFineObject {
    id: Option<i64>,
    title: Option<String>,
    /// 1 a daily fine, else 0.
    #[schema(minimum = 0, maximum = 1)]
    has_dayly_fine: u8,
    /// Two decimals.
    #[schema(example = "25.00")]
    amount: String,
}

impl From<&PeriodRow> for SalaryPeriodObject {
    fn from(row: &PeriodRow) -> Self {
        SalaryPeriodObject {
            id: row.id,
            start_date: row.start_date.to_string(),
            end_date: row.end_date.to_string(),
            rate: format_minor(row.rate.unwrap_or(0)),
            type_col: row.type_col,
        }
    }
}

impl From<&PeriodRow> for PayrollPeriodObject {
    fn from(row: &PeriodRow) -> Self {
        PayrollPeriodObject {
            id: row.id,
            start_date: row.start_date.to_string(),
            end_date: row.end_date.to_string(),
            payroll_rule: PeriodRuleObject {
                id: row.held_id,
                title: row.title.clone(),
                otc_algorithm_daily: row.flag.unwrap_or(false),
            },
        }
    }
}

impl From<&PeriodRow> for FinePeriodObject {
    fn from(row: &PeriodRow) -> Self {
        FinePeriodObject {
            id: row.id,
            start_date: row.start_date.to_string(),
            end_date: row.end_date.to_string(),
            fine: PeriodFineObject {
                id: row.held_id,
                title: row.title.clone(),
                has_dayly_fine: u8::from(row.flag.unwrap_or(false)),
                amount: format_minor(row.amount.unwrap_or(0)),
            },
        }
    }
}

/// The employees the query asks for, within the caller's scope.
async fn filter(state: &AppState, caller: &Caller, raw: Option<&str>) -> ApiResult<EmployeeFilter> {
    let sent: PeriodFilter = Fields::from_query(raw).request()?;
    let mut filter = EmployeeFilter::new(
        Scope::of(&state.store, caller).await?.visibility(),
        StatusFilter::Active,
    );
    let Some(f) = sent.f.as_deref().filter(|f| !f.trim().is_empty()) else {
        return Ok(filter);
    };
    let kind = PeriodFilterKind::parse(f);
    let ids = sent
        .ids
        .as_deref()
        .filter(|ids| !ids.trim().is_empty())
        .ok_or_else(|| ApiError::MissingArgument("ids".into()))?;
    let ids = query_ids(ids, "ids")?;
    match kind {
        Some(PeriodFilterKind::Employee) => filter.ids = Some(ids),
        Some(PeriodFilterKind::Department) => {
            let mut all = Vec::new();
            for id in ids {
                all.extend(
                    departments::subtree_ids(
                        state.store.connection(),
                        caller.company_id,
                        DepartmentId(id),
                    )
                    .await?,
                );
            }
            filter.departments = Some(all);
        }
        _ => return Err(ApiError::Malformed(Malformed::QueryValue("f".into()))),
    }
    Ok(filter)
}

/// One page of the employees the query asks for, each with every period of `kind`,
/// oldest first, and the total.
async fn page(
    state: &AppState,
    caller: &Caller,
    list: &ListRequest,
    raw: Option<&str>,
    kind: PeriodKind,
) -> ApiResult<(Vec<(EmployeeCard, Vec<PeriodRow>)>, u64)> {
    authorize_read(caller)?;
    let filter = filter(state, caller, raw).await?;
    let conn = state.store.connection();
    let today = caller.today(state.clock.now());
    let (cards, total) =
        employees::list(conn, caller.company_id, &filter, list.page, today).await?;
    let ids: Vec<i64> = cards.iter().map(|card| card.id.0).collect();
    let mut by_employee: HashMap<i64, Vec<PeriodRow>> = HashMap::new();
    for row in periods::of_employees(conn, kind, &ids).await? {
        by_employee.entry(row.employee_id).or_default().push(row);
    }
    let people = cards
        .into_iter()
        .map(|card| {
            let periods = by_employee.remove(&card.id.0).unwrap_or_default();
            (card, periods)
        })
        .collect();
    Ok((people, total))
}

/// Employees with their salary rates
///
/// Admins (the company) and department heads (their departments). Active employees by
/// name, each with every period, oldest first.
#[utoipa::path(get, path = "/v1/payroll/salaries", tag = "Payroll", params(Paging, PeriodFilter),
    responses(
        (status = 200, description = "One page of employees", body = Envelope<PersonSalariesObject<'static>>),
        (status = 400, description = "f given without ids (4000); f not department/employee or ids not integers (4001)", body = ErrorBody),
    ))]
async fn salaries(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    let (people, total) = page(&state, &caller, &list, raw.as_deref(), PeriodKind::Salary).await?;
    let items = people
        .iter()
        .map(|(card, periods)| {
            let person = Person::of(card, &photo_base);
            PersonSalariesObject {
                department_id: person.department_id,
                employee_id: person.employee_id,
                last_name: person.last_name,
                first_name: person.first_name,
                patronymic: person.patronymic,
                photos: person.photos,
                employee_salaries: periods.iter().map(SalaryPeriodObject::from).collect(),
            }
        })
        .collect();
    list.envelope_of(items, total).render()
}

/// Employees with their payroll rules
///
/// Admins (the company) and department heads (their departments). Active employees by
/// name, each with every period, oldest first.
#[utoipa::path(get, path = "/v1/payroll/payrolls", tag = "Payroll", params(Paging, PeriodFilter),
    responses(
        (status = 200, description = "One page of employees", body = Envelope<PersonPayrollsObject<'static>>),
        (status = 400, description = "f given without ids (4000); f not department/employee or ids not integers (4001)", body = ErrorBody),
    ))]
async fn payrolls(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    let (people, total) = page(&state, &caller, &list, raw.as_deref(), PeriodKind::Payroll).await?;
    let items = people
        .iter()
        .map(|(card, periods)| {
            let person = Person::of(card, &photo_base);
            PersonPayrollsObject {
                department_id: person.department_id,
                employee_id: person.employee_id,
                last_name: person.last_name,
                first_name: person.first_name,
                patronymic: person.patronymic,
                photos: person.photos,
                person_payrolls: periods.iter().map(PayrollPeriodObject::from).collect(),
            }
        })
        .collect();
    list.envelope_of(items, total).render()
}

/// Employees with their automatic fines
///
/// Admins (the company) and department heads (their departments). Active employees by
/// name, each with every period, oldest first.
#[utoipa::path(get, path = "/v1/payroll/fines", tag = "Payroll", params(Paging, PeriodFilter),
    responses(
        (status = 200, description = "One page of employees", body = Envelope<PersonFinesObject<'static>>),
        (status = 400, description = "f given without ids (4000); f not department/employee or ids not integers (4001)", body = ErrorBody),
    ))]
async fn fines(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    let (people, total) = page(&state, &caller, &list, raw.as_deref(), PeriodKind::Fine).await?;
    let items = people
        .iter()
        .map(|(card, periods)| {
            let person = Person::of(card, &photo_base);
            PersonFinesObject {
                department_id: person.department_id,
                employee_id: person.employee_id,
                last_name: person.last_name,
                first_name: person.first_name,
                patronymic: person.patronymic,
                photos: person.photos,
                person_fines: periods.iter().map(FinePeriodObject::from).collect(),
            }
        })
        .collect();
    list.envelope_of(items, total).render()
}
