//! `GET /v1/accounts` (also `POST`, as the reference's last line shows) and
//! `PUT /v1/accounts/settings` (ext).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule};
use davomat_core::zone::CompanyZone;
use davomat_core::{Lang, Role};
use davomat_store::profiles;
use davomat_store::read_cache::{Dependency, ReadCache};
use davomat_store::users::{self, SettingsChange, UserSettings};
use serde_json::{Value, json};

use super::RouteTable;
use super::reports::rows;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};
use crate::guard::Access;
use crate::input::{BODY_LIMIT, Fields, read_body};
use crate::objects::PhotoBase;
use crate::openapi::{Operation, body, schema_ref, with_errors};
use crate::{AppState, attendance, objects};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::GET, "/v1/accounts", Access::Authenticated, account)
        .add(Method::POST, "/v1/accounts", Access::Authenticated, account)
        .add(
            Method::PUT,
            "/v1/accounts/settings",
            Access::Authenticated,
            update_settings,
        )
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

/// An account as read from the database: the answer's object without `scheduled` and
/// `actual`, and what today's row is computed from. Both are computed at each
/// request's `now` (today's `actual` counts the time worked up to now), so that the
/// parts can be kept while the clock runs.
#[derive(Debug)]
pub(crate) struct AccountParts {
    object: Value,
    today: Option<attendance::Today>,
}

/// Accounts' parts, dropped when something they depend on changes
/// ([`account_dependencies`]) and after [`davomat_store::read_cache::LIFETIME`]
/// (docs/decisions.md, "Read caches").
pub(crate) type AccountCache = ReadCache<AccountKey, Arc<AccountParts>>;

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
    let parts = state
        .accounts
        .get_or_read(key.clone(), || async {
            let parts = read_account(&state, &caller, &key).await?;
            Ok::<_, ApiError>((Arc::new(parts), account_dependencies(&caller)))
        })
        .await?;
    let mut object = parts.object.clone();
    let (scheduled, actual) = match &parts.today {
        Some(today) => match today.row(now) {
            Some(row) => (
                serde_json::to_value(rows::scheduled(&row, today.employee().schedule_id, &zone))
                    .unwrap_or(Value::Null),
                serde_json::to_value(rows::actual(&row, &zone)).unwrap_or(Value::Null),
            ),
            None => (Value::Null, Value::Null),
        },
        None => (Value::Null, Value::Null),
    };
    object["scheduled"] = scheduled;
    object["actual"] = actual;
    let body = serde_json::to_vec(&object).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// What an account is read from: the user (role, settings), their employee (card,
/// today's events and time-off), the company's directory (department, schedule,
/// location and position titles, holidays) and the company itself.
fn account_dependencies(caller: &Caller) -> Vec<Dependency> {
    let mut list = vec![
        Dependency::User(caller.user_id),
        Dependency::Directory(caller.company_id),
        Dependency::Company(caller.company_id),
    ];
    list.extend(caller.employee_id.map(Dependency::Employee));
    list
}

/// The caller's account as read from the database.
async fn read_account(
    state: &AppState,
    caller: &Caller,
    key: &AccountKey,
) -> ApiResult<AccountParts> {
    let account =
        profiles::account(&state.store, caller.company_id, caller.user_id, key.today).await?;
    let role = Role::from_id(account.user.role).unwrap_or(Role::Employee);
    let employee = account.employee.as_ref().map(|card| {
        let mut object = objects::employee_value(card, &key.photo_base);
        // The reference's account shows `position`; we give both names the same list.
        object["position"] = object["positions"].clone();
        object
    });
    let today = match account.employee.as_ref() {
        Some(card) => {
            attendance::today_of(
                &state.store,
                caller.company_id,
                &caller.zone(),
                card.id,
                key.today,
            )
            .await?
        }
        None => None,
    };
    let object = json!({
        "id": account.user.id,
        "user_name": account.user.email,
        "company_id": account.user.company_id,
        "company_name": account.user.company_name,
        "role": {"id": role.id(), "name": role.name(caller.lang)},
        "employee": employee,
        "scheduled": Value::Null,
        "actual": Value::Null,
        "settings": settings_object(&account.settings),
    });
    Ok(AccountParts { object, today })
}

fn settings_object(settings: &UserSettings) -> Value {
    json!({
        "id": settings.id,
        "user_id": settings.id,
        "fiotype": settings.fiotype,
        "date_format": settings.date_format,
        "time_zone": settings.time_zone,
        "ampm": settings.ampm,
        "lang": settings.lang,
    })
}

const FIOTYPES: [&str; 8] = [
    "firstlastmiddle",
    "firstlast",
    "firstl",
    "firstmiddle",
    "lastfirst",
    "lastfirstmiddle",
    "lastf",
    "lastfm",
];
const DATE_FORMATS: [&str; 4] = ["full", "long", "medium", "short"];
const AMPM: [&str; 2] = ["24", "ampm"];
const LANGS: [&str; 3] = ["ru", "en", "uz"];

/// Reads an optional enumerated setting, recording 8003 with the allowed values.
fn choice(
    fields: &Fields,
    name: &str,
    allowed: &[&str],
    errors: &mut FieldErrors,
) -> Option<String> {
    let value = fields.text(name, errors)?;
    if allowed.contains(&value.as_str()) {
        Some(value)
    } else {
        errors.add(
            name,
            FieldCode::InvalidValue,
            Reason::OneOf(allowed.iter().map(|s| s.to_string()).collect()),
        );
        None
    }
}

async fn update_settings(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<Json<Value>> {
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, BODY_LIMIT).await?;
    let fields = Fields::from_body(&parts.headers, &bytes)?;
    let mut errors = FieldErrors::new();
    let change = SettingsChange {
        fiotype: choice(&fields, "fiotype", &FIOTYPES, &mut errors),
        date_format: choice(&fields, "date_format", &DATE_FORMATS, &mut errors),
        ampm: choice(&fields, "ampm", &AMPM, &mut errors),
        lang: choice(&fields, "lang", &LANGS, &mut errors),
        time_zone: fields.text("time_zone", &mut errors).and_then(|zone| {
            if CompanyZone::named(&zone).is_some() {
                Some(zone)
            } else {
                errors.add(
                    "time_zone",
                    FieldCode::InvalidValue,
                    Reason::Rule(Rule::UnknownTimeZone),
                );
                None
            }
        }),
    };
    errors.finish()?;
    let settings =
        users::update_settings(&state.store, caller.company_id, caller.user_id, change).await?;
    Ok(Json(settings_object(&settings)))
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    vec![
        Operation {
            method: "get",
            path: "/v1/accounts",
            tag: "Accounts",
            summary: "The caller's account",
            description: "The user, company, role, employee profile, today's scheduled and actual (SEMANTICS.md) and display settings of the token's owner.",
            secured: true,
            parameters: vec![],
            request: None,
            responses: with_errors(true, vec![("200", "The account", schema_ref("Account"))]),
        },
        Operation {
            method: "post",
            path: "/v1/accounts",
            tag: "Accounts",
            summary: "The caller's account (POST form of the reference)",
            description: "Answers exactly as GET /v1/accounts.",
            secured: true,
            parameters: vec![],
            request: None,
            responses: with_errors(true, vec![("200", "The account", schema_ref("Account"))]),
        },
        Operation {
            method: "put",
            path: "/v1/accounts/settings",
            tag: "Accounts",
            summary: "Change the caller's display settings (ext)",
            description: "Any subset of fiotype, date_format, time_zone (display only), ampm, lang. lang also picks the language of this user's error messages.",
            secured: true,
            parameters: vec![],
            request: Some(body(json!({"type": "object", "properties": {
                "fiotype": {"type": "string", "enum": ["firstlastmiddle", "firstlast", "firstl", "firstmiddle", "lastfirst", "lastfirstmiddle", "lastf", "lastfm"]},
                "date_format": {"type": "string", "enum": ["full", "long", "medium", "short"]},
                "time_zone": {"type": "string", "description": "IANA zone"},
                "ampm": {"type": "string", "enum": ["24", "ampm"]},
                "lang": {"type": "string", "enum": ["ru", "en", "uz"]}
            }}))),
            responses: with_errors(
                true,
                vec![
                    ("200", "The new settings", schema_ref("UserSettings")),
                    (
                        "422",
                        "A value outside its set (8003)",
                        schema_ref("ValidationError"),
                    ),
                ],
            ),
        },
    ]
}
