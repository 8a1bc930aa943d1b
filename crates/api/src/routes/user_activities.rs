//! `GET /v1/user-activities`: the activity log, newest first, filtered by
//! `start_date`, `end_date` (local dates of the company) and `action_name`.
//!
//! Who reads which rows is the use case's (`davomat_app::user_activities`); this handler
//! reads the query (400/4001 for a date that is not one, or a range ending before it
//! starts), calls it and renders the Activity objects.

use axum::Json;
use axum::extract::{RawQuery, State};
use davomat_app::user_activities::{self as use_cases, LogFilter};
use davomat_core::person::full_name;
use davomat_core::zone::CompanyZone;
use davomat_store::activity::ActivityRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::envelope::{Envelope, ListRequest, Paging};
use crate::error::{ApiResult, ErrorBody};
use crate::guard::Access;
use crate::input::{Fields, QueryValue, query_range};

pub fn routes(table: RouteTable) -> RouteTable {
    table.documented(Access::Authenticated, routes!(list))
}

/// One row of the activity log.
#[derive(Serialize, ToSchema)]
#[schema(as = Activity)]
pub struct ActivityObject {
    id: i64,
    #[schema(example = "addEmployee")]
    action_name: String,
    /// Who acted; null when the row names no user.
    user: Option<ActivityUser>,
    /// The object changed (an employee, a department, a position…).
    object_id: Option<i64>,
    /// The employee the row is about.
    person_id: Option<i64>,
    /// What was assigned: a role's name, an object's title…
    assigned: Option<String>,
    when: Option<String>,
    /// What happened, in the company's language.
    message: String,
    /// In the company's time zone, `YYYY-MM-DD HH:MM:SS`.
    #[schema(example = "2025-03-04 09:00:00")]
    created_at: String,
}

/// The user who acted.
#[derive(Serialize, ToSchema)]
pub struct ActivityUser {
    id: i64,
    full_name: String,
}

impl ActivityObject {
    fn of(row: &ActivityRow, zone: &CompanyZone) -> Self {
        ActivityObject {
            id: row.id.0,
            action_name: row.action_name.clone(),
            user: row.user_id.map(|id| ActivityUser {
                id: id.0,
                full_name: full_name(
                    row.user_last_name.as_deref().unwrap_or(""),
                    row.user_first_name.as_deref().unwrap_or(""),
                    row.user_patronymic.as_deref().unwrap_or(""),
                ),
            }),
            object_id: row.object_id,
            person_id: row.person_id.map(|id| id.0),
            assigned: row.assigned.clone(),
            when: row.happened_on.clone(),
            message: row.message.clone(),
            created_at: zone.format(row.created_at),
        }
    }
}

/// The filters of the log; each may be left out.
#[derive(Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct LogQuery {
    /// First local date (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    start_date: QueryValue,
    /// Last local date (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    end_date: QueryValue,
    /// Only rows of this action, e.g. addEmployee.
    #[param(value_type = Option<String>, example = "addEmployee")]
    action_name: QueryValue,
}

/// The activity log
///
/// Newest first. Admins see the company; heads, managers and observers the people in
/// their departments; employees get 403.
#[utoipa::path(get, path = "/v1/user-activities", tag = "User activities",
    params(LogQuery, Paging),
    responses(
        (status = 200, description = "One page of the log", body = Envelope<ActivityObject>),
        (status = 400, description = "A date is not a date, or the range ends before it starts (4001)", body = ErrorBody),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    list: ListRequest,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Envelope<ActivityObject>>> {
    use_cases::authorize(&caller)?;
    let query: LogQuery = Fields::from_query(raw.as_deref()).request()?;
    let (start, end) = query_range(query.start_date.as_deref(), query.end_date.as_deref())?;
    let filter = LogFilter {
        start,
        end,
        action_name: query.action_name.0,
        person: None,
    };
    let (rows, total) = use_cases::list(&state.store, &caller, filter, list.page).await?;
    let zone = caller.zone();
    let items = rows
        .iter()
        .map(|row| ActivityObject::of(row, &zone))
        .collect();
    Ok(Json(list.envelope_of(items, total)))
}
