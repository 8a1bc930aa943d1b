//! Schedules (графики): create, replace, delete — admins only (ext, SEMANTICS.md §12).
//!
//! A schedule is a title (1..200 characters, no control characters, stored trimmed) and
//! a definition — its kind (1 free, 2 fixed, 3 floating, 4 shift), graces, night split,
//! weekdays or shift cycle — read and checked by `davomat_core::schedule`, every failing
//! field reported (nested ones as `days[0].start`, `cycle[2].end`). A replace takes the
//! whole body again. A schedule an employee follows is not deleted. Each change writes
//! its activity row (`createdSchedule`, `updatedSchedule`, `deletedSchedule`) in its
//! transaction and drops the company's cached directory (cards, accounts and lists show
//! titles and plans).

use chrono::{Days, NaiveDate};
use davomat_core::Role;
use davomat_core::activity::{Message, ObjectKind};
use davomat_core::dates::{civil, naive};
use davomat_core::engine::{self, Attendance, Employment};
use davomat_core::page::PageRequest;
use davomat_core::schedule::{ScheduleDefinition, parse_definition};
use davomat_core::validation::{FieldCode, FieldErrors, Reason};
use davomat_store::read_cache::Dependency;
use davomat_store::schedules::{self, ScheduleRow};
use davomat_store::{Store, StoreError};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::attendance::read_calendar;
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::request::Sent;

/// The longest title.
pub const TITLE_MAX: usize = 200;

/// Who may change schedules. A door whose input may be malformed calls it before
/// reading that input (CONTRACT.md §2's order of checks); the use cases check it again.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin])
}

/// The schedule of the caller's company ([`AppError::NotFound`] otherwise). A door
/// checks it before reading a replace's input, so that an unknown id is answered before
/// a bad body (CONTRACT.md §2's order of checks).
pub async fn get(store: &Store, caller: &Caller, id: i64) -> AppResult<ScheduleRow> {
    schedules::get(store.connection(), caller.company_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A schedule as sent, to create one or to replace one (the same body). The members
/// of the definition are kept as sent, for the definition's parser
/// (`davomat_core::schedule::parse_definition`).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ScheduleRequest {
    /// Up to 200 characters, no control characters; stored trimmed.
    #[schema(value_type = String, min_length = 1, max_length = 200, example = "Office 09:00–18:00")]
    pub title: Sent<String>,
    /// 1 free, 2 fixed, 3 floating, 4 shift.
    #[serde(rename = "type")]
    #[schema(value_type = i64, minimum = 1, maximum = 4, example = 2)]
    pub kind: Option<Value>,
    /// Minutes of lateness forgiven, 0..720; default 0.
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 720)]
    pub late_grace: Option<Value>,
    /// Minutes of early leaving forgiven, 0..720; default 0.
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 720)]
    pub early_exit_grace: Option<Value>,
    /// Free+: night accounting on a free schedule; default false.
    #[schema(value_type = Option<bool>)]
    pub night_split: Option<Value>,
    /// Types 1-3: ISO weekday (1 = Monday) with start/end and lunch (fixed),
    /// start_from/start_to/production_time (floating) or production_time (free);
    /// unlisted weekdays are days off.
    #[schema(value_type = Option<Vec<ScheduleDay>>)]
    pub days: Option<Value>,
    /// Type 4: one slot per day of the cycle ({start, end, lunch}) or null for a day off,
    /// anchored at each employee's schedule_start_date.
    #[schema(value_type = Option<Vec<Option<ScheduleSlot>>>)]
    pub cycle: Option<Value>,
}

/// One weekday of a free, fixed or floating schedule; times are `HH:MM`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ScheduleDay {
    /// ISO weekday, 1 = Monday … 7 = Sunday; each at most once (8008).
    #[schema(minimum = 1, maximum = 7)]
    weekday: i64,
    /// Fixed: the start.
    #[schema(required = false, example = "09:00")]
    start: String,
    /// Fixed: the end; at or before the start ends the next day.
    #[schema(required = false, example = "18:00")]
    end: String,
    /// Floating: the earliest start.
    #[schema(required = false)]
    start_from: String,
    /// Floating: the latest start.
    #[schema(required = false)]
    start_to: String,
    /// Free and floating: the working time due.
    #[schema(required = false, example = "08:00")]
    production_time: String,
    /// Fixed: the lunch window's start, within the shift (with `lunch_end`).
    #[schema(required = false, example = "13:00")]
    lunch_start: String,
    /// Fixed: the lunch window's end.
    #[schema(required = false, example = "14:00")]
    lunch_end: String,
    /// Fixed (instead of a window) and floating: minutes of lunch, 0..720.
    #[schema(required = false, minimum = 0, maximum = 720)]
    lunch_minutes: i64,
}

/// One working day of a shift cycle; times are `HH:MM`, an end at or before the start
/// ends the next day.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ScheduleSlot {
    #[schema(example = "21:00")]
    start: String,
    #[schema(example = "09:00")]
    end: String,
    /// The lunch window's start, within the shift (with `lunch_end`).
    #[schema(required = false)]
    lunch_start: String,
    /// The lunch window's end.
    #[schema(required = false)]
    lunch_end: String,
    /// Minutes of lunch instead of a window, 0..720.
    #[schema(required = false, minimum = 0, maximum = 720)]
    lunch_minutes: i64,
}

/// One page of the company's schedules by id (any role), and the total.
pub async fn list(
    store: &Store,
    caller: &Caller,
    page: PageRequest,
) -> AppResult<(Vec<ScheduleRow>, u64)> {
    Ok(schedules::list(store, caller.company_id, page).await?)
}

/// The days a preview shows.
pub const PREVIEW_DAYS: u64 = 14;

/// One day of a schedule's plan, as the engine computes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedDay {
    pub date: NaiveDate,
    pub work_day: bool,
    pub holiday: bool,
    /// The planned start and end (unix seconds); none on a day off and on free days.
    pub start: Option<i64>,
    pub end: Option<i64>,
    /// Seconds of work due.
    pub production: i64,
}

/// The plan of the schedule a request describes for the [`PREVIEW_DAYS`] days from
/// `from`, before it is saved (a shift cycle starting on `from`), with the company's
/// holidays: what the engine computes for an employee on it with no clock events.
/// Refused with every failing field, as a save would be.
pub async fn preview(
    store: &Store,
    caller: &Caller,
    request: ScheduleRequest,
    from: NaiveDate,
) -> AppResult<Vec<PlannedDay>> {
    authorize(caller)?;
    let (_, definition) = checked(request)?;
    let to = from
        .checked_add_days(Days::new(PREVIEW_DAYS - 1))
        .unwrap_or(from);
    let zone = caller.zone();
    let calendar = read_calendar(store, caller.company_id, &zone, (from, to)).await?;
    let employment = Employment {
        start_date: civil(from),
        dismissal_date: None,
        schedule_start_date: civil(from),
    };
    let attendance = Attendance {
        schedule: &definition,
        employment: &employment,
        events: &[],
        time_offs: &[],
    };
    // Computed as seen at the start of the first day: nothing is due yet, so nothing is
    // counted absent; only the plan shows.
    let now = zone.day_start(civil(from));
    let sheet = engine::timesheet(&calendar, &attendance, now, civil(from), civil(to));
    Ok(sheet
        .rows
        .iter()
        .map(|row| PlannedDay {
            date: naive(row.date),
            work_day: row.is_work_day,
            holiday: row.is_holiday,
            start: row.start,
            end: row.end,
            production: row.production,
        })
        .collect())
}

/// The title and definition of a request, every failing field reported.
fn checked(request: ScheduleRequest) -> AppResult<(String, ScheduleDefinition)> {
    let mut errors = FieldErrors::new();
    let title = request
        .title
        .required("title", &mut errors)
        .map(|t| t.trim().to_string());
    if let Some(title) = &title {
        if title.chars().count() > TITLE_MAX {
            errors.add("title", FieldCode::InvalidValue, Reason::TooLong(TITLE_MAX));
        } else if title.chars().any(char::is_control) {
            errors.add("title", FieldCode::InvalidValue, Reason::Plain);
        }
    }
    let members = [
        ("type", request.kind),
        ("late_grace", request.late_grace),
        ("early_exit_grace", request.early_exit_grace),
        ("night_split", request.night_split),
        ("days", request.days),
        ("cycle", request.cycle),
    ];
    let body: Map<String, Value> = members
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_string(), value?)))
        .collect();
    let definition = parse_definition(&body, &mut errors);
    match (title, definition) {
        (Some(title), Some(definition)) if errors.is_empty() => Ok((title, definition)),
        _ => Err(errors.into()),
    }
}

/// The definition as stored.
fn definition_text(definition: &ScheduleDefinition) -> AppResult<String> {
    serde_json::to_string(definition)
        .map_err(|e| StoreError::Invalid(format!("schedule not serialisable: {e}")).into())
}

/// Creates a schedule; answers it.
pub async fn create(
    store: &Store,
    caller: &Caller,
    request: ScheduleRequest,
    now: i64,
) -> AppResult<ScheduleRow> {
    authorize(caller)?;
    let (title, definition) = checked(request)?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(company)]);
    let id = schedules::insert(
        &txn,
        company,
        &title,
        definition.kind.id(),
        &definition_text(&definition)?,
        now,
    )
    .await?;
    let message = Message::Created {
        kind: ObjectKind::Schedule,
        title,
    };
    caller
        .log_object_change(&txn, actor, "createdSchedule", id, message, now)
        .await?;
    let row = schedules::get(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(row)
}

/// Replaces a schedule's title and definition.
pub async fn update(
    store: &Store,
    caller: &Caller,
    id: i64,
    request: ScheduleRequest,
    now: i64,
) -> AppResult<ScheduleRow> {
    authorize(caller)?;
    get(store, caller, id).await?;
    let (title, definition) = checked(request)?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(company)]);
    schedules::update(
        &txn,
        company,
        id,
        &title,
        definition.kind.id(),
        &definition_text(&definition)?,
    )
    .await?;
    let message = Message::Updated {
        kind: ObjectKind::Schedule,
        title,
    };
    caller
        .log_object_change(&txn, actor, "updatedSchedule", id, message, now)
        .await?;
    let row = schedules::get(&txn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes a schedule no employee follows ([`AppError::InUse`] otherwise).
pub async fn delete(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<()> {
    authorize(caller)?;
    let current = get(store, caller, id).await?;
    let company = caller.company_id;
    let actor = caller.actor();
    let txn = store.begin().await?;
    // Shown on cards, accounts and lists: titles, plans, holidays, devices.
    txn.changes([Dependency::Directory(company)]);
    if schedules::employees_using(&txn, company, id).await? > 0 {
        return Err(AppError::InUse);
    }
    schedules::delete(&txn, company, id).await?;
    let message = Message::Deleted {
        kind: ObjectKind::Schedule,
        title: current.title,
    };
    caller
        .log_object_change(&txn, actor, "deletedSchedule", id, message, now)
        .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn failed(request: Value) -> Vec<(String, FieldCode)> {
        let request: ScheduleRequest = serde_json::from_value(request).expect("reads");
        match checked(request) {
            Err(AppError::Invalid(errors)) => errors
                .into_vec()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect(),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn the_title_comes_first_then_the_definition() {
        assert_eq!(
            failed(json!({"type": 9, "late_grace": 721})),
            vec![
                ("title".to_string(), FieldCode::Required),
                ("type".to_string(), FieldCode::InvalidValue),
                ("late_grace".to_string(), FieldCode::InvalidValue),
            ]
        );
        assert_eq!(
            failed(json!({"title": "a\u{7}b", "type": null})),
            vec![
                ("title".to_string(), FieldCode::InvalidValue),
                ("type".to_string(), FieldCode::Required),
            ]
        );
    }

    #[test]
    fn a_valid_request_is_trimmed_and_parsed() {
        let request: ScheduleRequest = serde_json::from_value(json!({
            "title": " Free ", "type": "1", "unknown": true,
            "days": [{"weekday": 1, "production_time": "08:00"}]
        }))
        .expect("reads");
        let (title, definition) = checked(request).expect("valid");
        assert_eq!(title, "Free");
        assert_eq!(definition.kind.id(), 1);
        assert_eq!(definition.days.len(), 1);
    }
}
