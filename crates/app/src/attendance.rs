//! Running the attendance engine for the employees of a request: the store's roster
//! rows and inputs turned into the engine's types, one timesheet per employee. The
//! reports, `GET /v1/accounts` and `GET /v1/employees/attendance` all come through here.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use davomat_core::dates::{Date, civil};
use davomat_core::engine::{
    self, Attendance, Calendar, ClockEvent, Employment, Holiday, Rules, TimeOff, TimeOffStatus,
    Timesheet,
};
use davomat_core::schedule::ScheduleDefinition;
use davomat_core::zone::CompanyZone;
use davomat_core::{AbsenceType, ClockMode, CompanyId};
use davomat_store::Store;
use davomat_store::attendance::{self, RosterEmployee};
use davomat_store::clock_events::StoredEvent;

use crate::error::{AppError, AppResult};

/// Employees whose inputs are read in one go (bounds the `IN` lists and memory).
const CHUNK: usize = 500;
/// Days of holidays read around a range: more than the engine's margins.
const HOLIDAY_MARGIN: u64 = 7;

/// One employee's computed dates.
pub struct Sheet {
    pub employee: RosterEmployee,
    pub timesheet: Timesheet,
}

/// A time-off type as the T12 shows an absence cause.
#[derive(Clone, Debug)]
pub struct Cause {
    pub title: String,
    pub color: String,
    pub absence_type: AbsenceType,
}

/// The computed timesheets of a roster over `from..=to`, with the absence causes met
/// (by time-off id).
pub struct Computed {
    pub sheets: Vec<Sheet>,
    pub causes: HashMap<i64, Cause>,
}

/// Computes the timesheets of `roster` (in its order) for the dates `from..=to`.
pub async fn compute(
    store: &Store,
    company: CompanyId,
    zone: &CompanyZone,
    roster: Vec<RosterEmployee>,
    (from, to): (NaiveDate, NaiveDate),
    now: i64,
) -> AppResult<Computed> {
    let calendar = read_calendar(store, company, zone, (from, to)).await?;
    let days = (civil(from), civil(to));
    let window = engine::event_window(&calendar, days.0, days.1);
    let mut sheets = Vec::with_capacity(roster.len());
    let mut causes = HashMap::new();
    let mut roster = roster.into_iter().peekable();
    while roster.peek().is_some() {
        let chunk: Vec<RosterEmployee> = roster.by_ref().take(CHUNK).collect();
        let ids: Vec<i64> = chunk.iter().map(|e| e.id.0).collect();
        let mut stored = attendance::inputs(store.connection(), company, &ids, window).await?;
        for employee in chunk {
            let inputs = EmployeeInputs::take(employee, &mut stored, &mut causes)?;
            let timesheet = inputs.timesheet(&calendar, now, days);
            sheets.push(Sheet {
                employee: inputs.employee,
                timesheet,
            });
        }
    }
    Ok(Computed { sheets, causes })
}

/// Computes `roster` (in its order) for `from..=to` chunk by chunk, hands each
/// employee's sheet to `shape` and each chunk's shaped sheets to `sink`, in order. The
/// engine's rows of a chunk are dropped once shaped, so memory stays bounded by a few
/// chunks whatever the roster; the engine runs on a blocking thread while the next
/// chunk's inputs are read and the previous chunk is sunk (the exports of a whole
/// company write a chunk while the next is computed).
#[allow(clippy::too_many_arguments)]
pub async fn compute_in_chunks<T, F, S, Fut>(
    store: &Store,
    company: CompanyId,
    zone: &CompanyZone,
    roster: Vec<RosterEmployee>,
    (from, to): (NaiveDate, NaiveDate),
    now: i64,
    shape: F,
    mut sink: S,
) -> AppResult<()>
where
    T: Send + 'static,
    F: Fn(Sheet) -> T + Send + Sync + 'static,
    S: FnMut(Vec<T>) -> Fut,
    Fut: Future<Output = AppResult<()>>,
{
    let calendar = std::sync::Arc::new(read_calendar(store, company, zone, (from, to)).await?);
    let shape = std::sync::Arc::new(shape);
    let days = (civil(from), civil(to));
    let window = engine::event_window(&calendar, days.0, days.1);
    let mut running: Option<tokio::task::JoinHandle<Vec<T>>> = None;
    let mut roster = roster.into_iter().peekable();
    while roster.peek().is_some() {
        let chunk: Vec<RosterEmployee> = roster.by_ref().take(CHUNK).collect();
        let ids: Vec<i64> = chunk.iter().map(|e| e.id.0).collect();
        let mut stored = attendance::inputs(store.connection(), company, &ids, window).await?;
        let mut causes = HashMap::new();
        let inputs = chunk
            .into_iter()
            .map(|employee| EmployeeInputs::take(employee, &mut stored, &mut causes))
            .collect::<AppResult<Vec<_>>>()?;
        drop(stored);
        let done = match running.take() {
            Some(previous) => Some(
                previous
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            ),
            None => None,
        };
        let (calendar, shape) = (calendar.clone(), shape.clone());
        running = Some(tokio::task::spawn_blocking(move || {
            inputs
                .into_iter()
                .map(|inputs| {
                    let timesheet = inputs.timesheet(&calendar, now, days);
                    shape(Sheet {
                        employee: inputs.employee,
                        timesheet,
                    })
                })
                .collect()
        }));
        if let Some(done) = done {
            sink(done).await?;
        }
    }
    if let Some(last) = running {
        sink(last.await.map_err(|e| AppError::Internal(e.to_string()))?).await?;
    }
    Ok(())
}

/// The company's calendar (zone, holidays around the range, rules) for `from..=to`.
pub(crate) async fn read_calendar(
    store: &Store,
    company: CompanyId,
    zone: &CompanyZone,
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<Calendar> {
    let days = (
        from.checked_sub_days(Days::new(HOLIDAY_MARGIN))
            .unwrap_or(from),
        to.checked_add_days(Days::new(HOLIDAY_MARGIN)).unwrap_or(to),
    );
    let holidays = davomat_store::holidays::between(store.connection(), company, days.0, days.1)
        .await?
        .iter()
        .map(|h| Holiday {
            date: civil(h.date),
            kind: h.kind,
        })
        .collect::<Vec<_>>();
    Ok(Calendar::new(
        zone,
        &holidays,
        Rules::default(),
        civil(from),
        civil(to),
    ))
}

/// One employee's engine inputs: the roster row, schedule, employment, events and
/// accepted time-offs.
#[derive(Clone, Debug)]
pub struct EmployeeInputs {
    pub employee: RosterEmployee,
    schedule: ScheduleDefinition,
    employment: Employment,
    events: Vec<ClockEvent>,
    time_offs: Vec<TimeOff>,
}

impl EmployeeInputs {
    /// Takes the employee's share of `stored`, noting the absence causes met.
    fn take(
        employee: RosterEmployee,
        stored: &mut attendance::Inputs,
        causes: &mut HashMap<i64, Cause>,
    ) -> AppResult<EmployeeInputs> {
        let events = stored
            .events
            .remove(&employee.id)
            .unwrap_or_default()
            .iter()
            .map(clock_event)
            .collect();
        let stored_offs = stored.time_offs.remove(&employee.id).unwrap_or_default();
        for t in &stored_offs {
            causes.insert(
                t.id.0,
                Cause {
                    title: t.type_title.clone(),
                    color: t.type_color.clone(),
                    absence_type: t.absence_type.0,
                },
            );
        }
        Ok(EmployeeInputs {
            schedule: schedule_of(&employee)?,
            employment: Employment {
                start_date: civil(employee.start_date),
                dismissal_date: employee.dismissal_date.map(civil),
                schedule_start_date: civil(employee.schedule_start_date),
            },
            events,
            time_offs: stored_offs.iter().map(time_off).collect(),
            employee,
        })
    }

    fn timesheet(&self, calendar: &Calendar, now: i64, (from, to): (Date, Date)) -> Timesheet {
        let attendance = Attendance {
            schedule: &self.schedule,
            employment: &self.employment,
            events: &self.events,
            time_offs: &self.time_offs,
        };
        engine::timesheet(calendar, &attendance, now, from, to)
    }
}

/// What the engine needs for one employee's today, read once: the row itself is
/// computed at each request's `now` ([`Today::row`]), so that it can be kept (the
/// account cache) while "time worked so far" keeps counting.
#[derive(Clone, Debug)]
pub struct Today {
    date: Date,
    calendar: Calendar,
    inputs: EmployeeInputs,
}

impl Today {
    /// The employee's roster row.
    pub fn employee(&self) -> &RosterEmployee {
        &self.inputs.employee
    }

    /// Today's row at `now`; none when not employed today.
    pub fn row(&self, now: i64) -> Option<engine::DayRow> {
        self.inputs
            .timesheet(&self.calendar, now, (self.date, self.date))
            .rows
            .into_iter()
            .next()
    }
}

/// One employee's inputs for `today` (none when not on the roster today).
pub async fn today_of(
    store: &Store,
    company: CompanyId,
    zone: &CompanyZone,
    employee: i64,
    today: NaiveDate,
) -> AppResult<Option<Today>> {
    let mut filter = attendance::RosterFilter::all(davomat_store::employees::Visibility::Company);
    filter.employees = Some(vec![employee]);
    let (roster, _) = attendance::roster(store.connection(), company, &filter, today, None).await?;
    let Some(entry) = roster.into_iter().next() else {
        return Ok(None);
    };
    let calendar = read_calendar(store, company, zone, (today, today)).await?;
    let date = civil(today);
    let window = engine::event_window(&calendar, date, date);
    let mut stored = attendance::inputs(store.connection(), company, &[employee], window).await?;
    let inputs = EmployeeInputs::take(entry, &mut stored, &mut HashMap::new())?;
    Ok(Some(Today {
        date,
        calendar,
        inputs,
    }))
}

fn schedule_of(employee: &RosterEmployee) -> AppResult<ScheduleDefinition> {
    let mut definition: serde_json::Value = serde_json::from_str(&employee.schedule_definition)
        .map_err(|err| AppError::Internal(format!("schedule {}: {err}", employee.schedule_id)))?;
    if let Some(map) = definition.as_object_mut() {
        map.insert("type".into(), employee.schedule_kind.into());
    }
    serde_json::from_value(definition).map_err(|err| {
        AppError::Internal(format!(
            "schedule {} of employee {} does not read: {err}",
            employee.schedule_id, employee.id
        ))
    })
}

fn clock_event(event: &StoredEvent) -> ClockEvent {
    ClockEvent {
        id: event.id.0,
        kind: event.kind.0,
        at: event.at,
        location_id: event.location_id.map(|id| id.0),
        manual: event.mode.0 == ClockMode::Manual,
    }
}

fn time_off(stored: &davomat_store::time_offs::TimeOff) -> TimeOff {
    TimeOff {
        id: stored.id.0,
        type_id: stored.type_id.0,
        status: TimeOffStatus::from_id(stored.status).unwrap_or(TimeOffStatus::Pending),
        paid: stored.paid,
        daily: stored.absence_type.0 == AbsenceType::Daily,
        start: stored.start_at,
        end: stored.end_at,
    }
}
