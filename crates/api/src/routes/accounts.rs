//! `GET /v1/accounts` (also `POST`, as the reference's last line shows) and
//! `PUT /v1/accounts/settings` (ext).
//!
//! An account read from the database (the user, their employee card) is cached per
//! user and day, and what today's row is computed from (the plan, the events) per
//! employee and day, apart, so that a clock-in re-reads only the second; `scheduled`
//! and `actual` are computed at each request's time and the answer is serialised from the typed [`AccountObject`].

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use davomat_app::accounts::{self as use_cases, SettingsRequest};
use davomat_core::{CompanyId, EmployeeId, Lang, Role};
use davomat_store::profiles::{self, Account};
use davomat_store::read_cache::{Dependency, ReadCache};
use davomat_store::users::UserSettings;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use super::reports::rows::{self, TimesActual, TimesScheduled};
use crate::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, ValidationBody};
use crate::guard::Access;
use crate::input::body_fields;
use crate::objects::{self, Employee, Named, PhotoBase};
use davomat_app::attendance;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(account))
        .documented(Access::Authenticated, routes!(update_settings))
}

/// The key of an account's cached parts: the user, the company's date (today's
/// schedule and events), the language of the role's name and the base of the photo
/// URLs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct AccountKey {
    user_id: i64,
    today: chrono::NaiveDate,
    lang: Lang,
    photo_base: PhotoBase,
}

/// Accounts as read from the database (the user, their employee card), dropped when
/// something they depend on changes ([`account_dependencies`]) and after
/// [`davomat_store::read_cache::LIFETIME`] (docs/decisions.md, "Read caches").
pub(crate) type AccountCache = ReadCache<AccountKey, Arc<Account>>;

/// What an employee's today is computed from (their plan, events and time-off), by
/// company, employee and day. Kept apart from the account so that a clock-in, which
/// changes only the employee's events ([`Dependency::Attendance`]), re-reads this part
/// alone. The row itself is computed at each request's `now` (today's `actual` counts
/// the time worked up to now), so that the part can be kept while the clock runs.
pub(crate) type AccountDayCache =
    ReadCache<(CompanyId, EmployeeId, chrono::NaiveDate), Arc<Option<attendance::Today>>>;

/// The account of the token's owner.
#[derive(Serialize, ToSchema)]
#[schema(as = Account)]
pub struct AccountObject<'a> {
    /// The user's id.
    id: i64,
    /// The user's login (email).
    user_name: &'a str,
    company_id: i64,
    company_name: &'a str,
    role: RoleObject,
    /// The user's employee profile; null for a user without one.
    employee: Option<AccountEmployee<'a>>,
    /// Today's plan; null when the user has no profile employed today.
    scheduled: Option<TimesScheduled>,
    /// Today's arrivals and departures; null as scheduled.
    actual: Option<TimesActual>,
    settings: SettingsObject<'a>,
}

/// The user's role: its id (1 admin … 5 employee) and name in the caller's language.
#[derive(Serialize, ToSchema)]
#[schema(as = AccountRole)]
pub struct RoleObject {
    id: i64,
    name: &'static str,
}

/// The Employee object, with its positions also under the name the reference's account
/// shows (CONTRACT.md §8).
#[derive(Serialize, ToSchema)]
pub struct AccountEmployee<'a> {
    #[serde(flatten)]
    employee: Employee<'a>,
    /// The same list as `positions`.
    position: Vec<Named<'a>>,
}

/// A user's display settings.
#[derive(Serialize, ToSchema)]
#[schema(as = UserSettings)]
pub struct SettingsObject<'a> {
    /// The user's id.
    id: i64,
    user_id: i64,
    fiotype: &'a str,
    date_format: &'a str,
    /// An IANA zone (display only).
    time_zone: &'a str,
    ampm: &'a str,
    lang: &'a str,
}

impl<'a> From<&'a UserSettings> for SettingsObject<'a> {
    fn from(settings: &'a UserSettings) -> Self {
        SettingsObject {
            id: settings.id.0,
            user_id: settings.id.0,
            fiotype: &settings.fiotype,
            date_format: &settings.date_format,
            time_zone: &settings.time_zone,
            ampm: &settings.ampm,
            lang: &settings.lang,
        }
    }
}

/// The caller's account
///
/// The user, company, role, employee profile, today's scheduled and actual
/// (SEMANTICS.md) and display settings of the token's owner. POST answers exactly as
/// GET (the reference's form).
#[utoipa::path(method(get, post), path = "/v1/accounts", tag = "Accounts",
    responses((status = 200, description = "The account", body = AccountObject<'static>)))]
async fn account(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let zone = caller.zone();
    let key = AccountKey {
        user_id: caller.user_id.0,
        today: caller.today(now),
        lang: caller.lang,
        photo_base,
    };
    let account = state
        .accounts
        .get_or_read(key.clone(), || async {
            let account =
                profiles::account(&state.store, caller.company_id, caller.user_id, key.today)
                    .await?;
            Ok::<_, ApiError>((Arc::new(account), account_dependencies(&caller)))
        })
        .await?;
    let day = match account.employee.as_ref() {
        Some(card) => Some(account_day(&state, &caller, card.id, key.today).await?),
        None => None,
    };
    let today = day.as_deref().and_then(Option::as_ref).and_then(|today| {
        let row = today.row(now)?;
        Some((
            rows::scheduled(&row, today.employee().schedule_id.0, &zone),
            rows::actual(&row, &zone),
        ))
    });
    let (scheduled, actual) = today.unzip();
    let role = Role::from_id(account.user.role).unwrap_or(Role::Employee);
    let object = AccountObject {
        id: account.user.id.0,
        user_name: &account.user.email,
        company_id: account.user.company_id.0,
        company_name: &account.user.company_name,
        role: RoleObject {
            id: role.id(),
            name: role.name(key.lang),
        },
        employee: account.employee.as_ref().map(|card| AccountEmployee {
            employee: objects::employee(card, &key.photo_base),
            position: objects::named(&card.positions),
        }),
        scheduled,
        actual,
        settings: SettingsObject::from(&account.settings),
    };
    let body = serde_json::to_vec(&object).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// What an account is read from: the user (role, settings), their employee's card, the
/// company's directory (department, schedule, location and position titles) and the
/// company itself.
fn account_dependencies(caller: &Caller) -> Vec<Dependency> {
    let mut list = vec![
        Dependency::User(caller.user_id),
        Dependency::Directory(caller.company_id),
        Dependency::Company(caller.company_id),
    ];
    list.extend(caller.employee_id.map(Dependency::Employee));
    list
}

/// What the employee's today is computed from, cached: it depends on the employee
/// (card, schedule, time-off), their events, the company's directory (holidays,
/// schedules) and the company (its zone).
async fn account_day(
    state: &AppState,
    caller: &Caller,
    employee: EmployeeId,
    today: chrono::NaiveDate,
) -> ApiResult<Arc<Option<attendance::Today>>> {
    let company = caller.company_id;
    state
        .account_days
        .get_or_read((company, employee, today), || async {
            let day =
                attendance::today_of(&state.store, company, &caller.zone(), employee.0, today)
                    .await?;
            let dependencies = vec![
                Dependency::Employee(employee),
                Dependency::Attendance(employee),
                Dependency::Directory(company),
                Dependency::Company(company),
            ];
            Ok::<_, ApiError>((Arc::new(day), dependencies))
        })
        .await
}

/// Change the caller's display settings (ext)
///
/// Any subset of fiotype, date_format, time_zone (display only), ampm, lang. lang also
/// picks the language of this user's error messages.
#[utoipa::path(put, path = "/v1/accounts/settings", tag = "Accounts",
    request_body(content(
        (SettingsRequest = "application/json"),
        (SettingsRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The new settings", body = SettingsObject<'static>),
        (status = 422, description = "A value outside its set (8003)", body = ValidationBody),
    ))]
async fn update_settings(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<serde_json::Value>> {
    let change: SettingsRequest = body_fields(request).await?.request()?;
    let settings = use_cases::update_settings(&state.store, &caller, change).await?;
    Ok(Json(
        serde_json::to_value(SettingsObject::from(&settings)).unwrap_or_default(),
    ))
}
