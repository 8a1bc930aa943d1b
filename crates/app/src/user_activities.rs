//! Reading the activity log (CONTRACT.md §4, reference 14): admins read the company's
//! whole log; department heads, managers and observers the rows about the people of
//! their departments (and, for rows about no person, the rows those people made);
//! employees none. Newest first, filtered by local dates of the company and by action.

use chrono::NaiveDate;
use davomat_core::Role;
use davomat_core::dates::civil;
use davomat_core::page::PageRequest;
use davomat_store::Store;
use davomat_store::activity::{self, ActivityFilter, ActivityRow};

use crate::caller::Caller;
use crate::error::AppResult;

/// Who may read the log. A door whose query may be malformed calls it before reading
/// that query (CONTRACT.md §2's order of checks); [`list`] checks it again.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[
        Role::Admin,
        Role::DepartmentHead,
        Role::DepartmentManager,
        Role::Observer,
    ])
}

/// What part of the log is asked for.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    /// Rows from the start of this local date of the company.
    pub start: Option<NaiveDate>,
    /// Rows up to the end of this local date of the company.
    pub end: Option<NaiveDate>,
    /// Rows of this action only (trimmed; blank is every action).
    pub action_name: Option<String>,
    /// Rows about this employee only.
    pub person: Option<i64>,
}

/// One page of the log the caller may read, newest first, and the total.
pub async fn list(
    store: &Store,
    caller: &Caller,
    filter: LogFilter,
    page: PageRequest,
) -> AppResult<(Vec<ActivityRow>, u64)> {
    authorize(caller)?;
    let zone = caller.zone();
    let people = if caller.role == Role::Admin {
        None
    } else {
        Some(
            davomat_store::scope::employees_overseen(store, caller.company_id, caller.user_id)
                .await?,
        )
    };
    let filter = ActivityFilter {
        since: filter.start.map(|d| zone.day_start(civil(d))),
        until: filter
            .end
            .and_then(|d| d.succ_opt())
            .map(|d| zone.day_start(civil(d))),
        action_name: filter
            .action_name
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        people,
        person: filter.person,
    };
    Ok(activity::list(store, caller.company_id, &filter, page).await?)
}
