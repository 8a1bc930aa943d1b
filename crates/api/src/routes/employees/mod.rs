//! Employees, read side: `GET /v1/employees` (the caller's scope, with the reference's
//! filters and sorting) and `GET /v1/employees/{id}` (`{"success": true, "data": …}`);
//! hiring in [`create`], editing in [`update`] (both thin over the use cases), the bare lists `/letter` and `/{id}/locations` in [`lookups`].

mod create;
pub mod history;
pub mod lifecycle;
mod lookups;
mod update;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use davomat_core::EmployeeId;
use davomat_store::employees::{self, EmployeeFilter, SortKey, StatusFilter};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

use super::RouteTable;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiError, ApiResult, ErrorBody, Malformed};
use crate::guard::Access;
use crate::input::{Fields, path_id};
use crate::objects::{Employee, PhotoBase};
use crate::scope::Scope;
use crate::{AppState, objects};

/// The field that carries an employee's notes: `notes`, or its alias `note` when only
/// that is sent.
fn notes_field(fields: &Fields) -> &'static str {
    if !fields.contains("notes") && fields.contains("note") {
        "note"
    } else {
        "notes"
    }
}

/// The fields with the alias `note` read as `notes` when only it is sent.
fn with_notes(fields: Fields) -> Fields {
    if notes_field(&fields) == "notes" {
        return fields;
    }
    let mut map = fields.to_map();
    if let Some(note) = map.get("note").cloned() {
        map.insert("notes".to_string(), note);
    }
    Fields::new(map)
}

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Authenticated, routes!(list))
        .documented(Access::Authenticated, routes!(get))
        .documented(Access::Authenticated, routes!(create::create))
        .documented(Access::Authenticated, routes!(update::update))
        .documented(Access::Authenticated, routes!(lookups::letters))
        .documented(Access::Authenticated, routes!(lookups::locations))
}

fn malformed(name: &str) -> ApiError {
    ApiError::Malformed(Malformed::QueryValue(name.to_string()))
}

/// The filters of the employee list (the paging aside), read from the query as sent: the
/// last of a repeated one counts, blank ones are not set. Values that do not read are
/// 400/4001 (named), checked by [`filter`].
#[derive(Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmployeeFilters {
    /// The filter's kind: department (sub-departments included), letter (first letter of
    /// the first name) or tab_number; its value is `fv`.
    #[param(value_type = Option<EmployeeFilterKind>, inline)]
    f: Option<String>,
    /// The filter's value: a department's id, a letter or a tab number.
    #[param(value_type = Option<String>)]
    fv: Option<String>,
    /// Comma-separated employee ids.
    #[param(value_type = Option<String>, example = "3,7")]
    ids: Option<String>,
    /// A case-insensitive part of the full name.
    #[param(value_type = Option<String>)]
    full_name: Option<String>,
    /// full_name (default), start_date or birth_date; a leading - sorts descending.
    #[param(value_type = Option<EmployeeSort>, inline)]
    sort: Option<String>,
    /// active (default), dismissed or all (ext).
    #[param(value_type = Option<EmployeeStatus>, inline)]
    status: Option<String>,
}

impl EmployeeFilters {
    /// The filters among the query's pairs, each trimmed; blank is not set.
    fn of(raw: Option<&str>) -> EmployeeFilters {
        let mut filters = EmployeeFilters::default();
        for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let slot = match key.as_ref() {
                "f" => &mut filters.f,
                "fv" => &mut filters.fv,
                "ids" => &mut filters.ids,
                "full_name" => &mut filters.full_name,
                "sort" => &mut filters.sort,
                "status" => &mut filters.status,
                _ => continue,
            };
            *slot = Some(value.trim().to_string()).filter(|v| !v.is_empty());
        }
        filters
    }
}

/// What `fv` names (the list's `f`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum EmployeeFilterKind {
    Department,
    Letter,
    TabNumber,
}

impl EmployeeFilterKind {
    fn parse(text: &str) -> Option<EmployeeFilterKind> {
        Some(match text {
            "department" => EmployeeFilterKind::Department,
            "letter" => EmployeeFilterKind::Letter,
            "tab_number" => EmployeeFilterKind::TabNumber,
            _ => return None,
        })
    }
}

/// Whom the list shows by employment.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum EmployeeStatus {
    Active,
    Dismissed,
    All,
}

impl EmployeeStatus {
    fn parse(text: &str) -> Option<EmployeeStatus> {
        Some(match text {
            "active" => EmployeeStatus::Active,
            "dismissed" => EmployeeStatus::Dismissed,
            "all" => EmployeeStatus::All,
            _ => return None,
        })
    }
}

/// The list's order (`-` for descending).
#[derive(ToSchema)]
pub enum EmployeeSort {
    #[schema(rename = "full_name")]
    FullName,
    #[schema(rename = "-full_name")]
    FullNameDescending,
    #[schema(rename = "start_date")]
    StartDate,
    #[schema(rename = "-start_date")]
    StartDateDescending,
    #[schema(rename = "birth_date")]
    BirthDate,
    #[schema(rename = "-birth_date")]
    BirthDateDescending,
}

impl EmployeeSort {
    fn parse(text: &str) -> Option<EmployeeSort> {
        Some(match text {
            "full_name" => EmployeeSort::FullName,
            "-full_name" => EmployeeSort::FullNameDescending,
            "start_date" => EmployeeSort::StartDate,
            "-start_date" => EmployeeSort::StartDateDescending,
            "birth_date" => EmployeeSort::BirthDate,
            "-birth_date" => EmployeeSort::BirthDateDescending,
            _ => return None,
        })
    }

    /// The store's sort key, and whether descending.
    fn key(self) -> (SortKey, bool) {
        match self {
            EmployeeSort::FullName => (SortKey::FullName, false),
            EmployeeSort::FullNameDescending => (SortKey::FullName, true),
            EmployeeSort::StartDate => (SortKey::StartDate, false),
            EmployeeSort::StartDateDescending => (SortKey::StartDate, true),
            EmployeeSort::BirthDate => (SortKey::BirthDate, false),
            EmployeeSort::BirthDateDescending => (SortKey::BirthDate, true),
        }
    }
}

/// Reads the list's filters; shapes it cannot read are 400/4001.
async fn filter(
    state: &AppState,
    caller: &Caller,
    query: EmployeeFilters,
) -> ApiResult<EmployeeFilter> {
    let visibility = Scope::of(&state.store, caller).await?.visibility();
    let status = match query.status.as_deref().map(EmployeeStatus::parse) {
        None | Some(Some(EmployeeStatus::Active)) => StatusFilter::Active,
        Some(Some(EmployeeStatus::Dismissed)) => StatusFilter::Dismissed,
        Some(Some(EmployeeStatus::All)) => StatusFilter::All,
        Some(None) => return Err(malformed("status")),
    };
    let mut result = EmployeeFilter {
        name_contains: query.full_name.map(|n| n.to_lowercase()),
        ..EmployeeFilter::new(visibility, status)
    };
    let value = query.fv;
    let kind = match query.f.as_deref() {
        None => None,
        Some(text) => Some(EmployeeFilterKind::parse(text).ok_or_else(|| malformed("f"))?),
    };
    match kind {
        None => {}
        Some(EmployeeFilterKind::Department) => {
            let id: i64 = value
                .as_deref()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| malformed("fv"))?;
            result.departments = Some(
                davomat_store::departments::subtree_ids(
                    state.store.connection(),
                    caller.company_id,
                    davomat_core::DepartmentId(id),
                )
                .await?,
            );
        }
        Some(EmployeeFilterKind::Letter) => {
            let letter = value
                .and_then(|v| v.chars().next())
                .ok_or_else(|| malformed("fv"))?;
            result.first_letter = Some(letter.to_uppercase().collect());
        }
        Some(EmployeeFilterKind::TabNumber) => {
            result.tab_number = Some(value.ok_or_else(|| malformed("fv"))?)
        }
    }
    if let Some(ids) = query.ids {
        let parsed: Result<Vec<i64>, _> = ids
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::parse)
            .collect();
        result.ids = Some(parsed.map_err(|_| malformed("ids"))?);
    }
    if let Some(sort) = query.sort {
        let (key, descending) = EmployeeSort::parse(&sort)
            .ok_or_else(|| malformed("sort"))?
            .key();
        result.sort = key;
        result.descending = descending;
    }
    Ok(result)
}

/// List the employees in the caller's scope
///
/// Admins see the company, heads, managers and observers their departments and below,
/// employees themselves. Sorted by full_name by default.
#[utoipa::path(get, path = "/v1/employees", tag = "Employees", params(EmployeeFilters, Paging),
    responses(
        (status = 200, description = "One page of Employee objects", body = Envelope<Employee<'static>>),
        (status = 400, description = "A filter that does not read: f, fv, ids, sort or status (4001)", body = ErrorBody),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Envelope<std::sync::Arc<serde_json::value::RawValue>>>> {
    let filter = filter(&state, &caller, EmployeeFilters::of(raw.as_deref())).await?;
    let today = caller.today(state.clock.now());
    // The list's order and the cards come from the read caches when nothing they were
    // read from changed (davomat_store::employees::page_ids, crate::cards): each card is
    // the Employee object, serialised once.
    let (ids, total) =
        employees::page_ids(&state.store, caller.company_id, &filter, list.page).await?;
    let items = crate::cards::rendered(
        &state.cards,
        &state.store,
        caller.company_id,
        &ids,
        today,
        &photo_base,
    )
    .await?;
    Ok(Json(list.envelope_of(items, total)))
}

/// `{"success": true, "data": Employee}`: one employee.
#[derive(Serialize, ToSchema)]
#[schema(as = EmployeeData)]
pub struct EmployeeData<'a> {
    /// Always true.
    #[schema(example = true)]
    success: bool,
    data: Employee<'a>,
}

/// One employee
///
/// Any role of the company.
#[utoipa::path(get, path = "/v1/employees/{id}", tag = "Employees",
    params(("id" = i64, Path, description = "The employee's id")),
    responses(
        (status = 200, description = "{success: true, data: Employee}", body = EmployeeData<'static>),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
    ))]
async fn get(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let today = caller.today(state.clock.now());
    let card = employees::card(
        state.store.connection(),
        caller.company_id,
        EmployeeId(path_id(&id)?),
        today,
    )
    .await?;
    let answer = EmployeeData {
        success: true,
        data: objects::employee(&card, &photo_base),
    };
    // Serialised here: the Employee object borrows the card.
    let body = serde_json::to_vec(&answer).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
