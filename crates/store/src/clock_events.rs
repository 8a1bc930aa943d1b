//! Clock events: the ins and outs of employees, from the clock endpoints (self or
//! manual) and from devices. Device events carry the device's own id for each event
//! (`device_uid`); a unique index on (device, uid) makes a resent batch store each
//! event once. The engine reads an employee's events of a range; the `inouts` report
//! pages through the stored events themselves. A voided event (a correction) stays
//! stored with who voided it and why, and every read here leaves it out.

use davomat_core::Lang;
use davomat_core::engine::EventKind;
use davomat_core::page::PageRequest;
use davomat_core::{
    ClockEventId, ClockMode, CompanyId, DepartmentId, DeviceId, EmployeeId, LocationId, PositionId,
    UserId,
};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};

use crate::activity::{self, NewActivity};

use crate::employees::{Visibility, id_list};
use crate::text::{StoredText, Text, bound};
use crate::{StoreResult, sql};

/// A stored event, as the engine needs it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct StoredEvent {
    pub id: ClockEventId,
    pub employee_id: EmployeeId,
    pub kind: Text<EventKind>,
    pub at: i64,
    pub location_id: Option<LocationId>,
    pub mode: Text<ClockMode>,
}

/// An event to store.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub employee_id: EmployeeId,
    pub kind: EventKind,
    pub at: i64,
    pub location_id: Option<LocationId>,
    pub mode: ClockMode,
    pub device_id: Option<DeviceId>,
    pub device_uid: Option<String>,
    pub ip: Option<String>,
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub created_by: Option<UserId>,
    /// How a terminal verified the person (its own code: fingerprint, card, face…).
    pub verify_mode: Option<i64>,
    /// The work code a terminal sent with the punch.
    pub work_code: Option<String>,
}

const INSERT: &str = "INSERT INTO clock_events (company_id, employee_id, kind, at, location_id, mode, \
     device_id, device_uid, ip, latitude, longitude, created_by, created_at, verify_mode, work_code) \
     VALUES ";
const COLUMNS_PER_ROW: usize = 15;

fn row_values(company: CompanyId, event: &NewEvent, now: i64) -> [Value; COLUMNS_PER_ROW] {
    [
        company.0.into(),
        event.employee_id.into(),
        bound(event.kind),
        event.at.into(),
        event.location_id.into(),
        bound(event.mode),
        event.device_id.into(),
        event.device_uid.clone().into(),
        event.ip.clone().into(),
        event.latitude.clone().into(),
        event.longitude.clone().into(),
        event.created_by.into(),
        now.into(),
        event.verify_mode.into(),
        event.work_code.clone().into(),
    ]
}

fn placeholders(row: usize) -> String {
    let first = row * COLUMNS_PER_ROW + 1;
    let marks: Vec<String> = (first..first + COLUMNS_PER_ROW)
        .map(|n| format!("${n}"))
        .collect();
    format!("({})", marks.join(", "))
}

/// Stores one event; answers its id.
pub async fn insert(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    event: &NewEvent,
    now: i64,
) -> StoreResult<i64> {
    sql::insert(
        conn,
        &format!("{INSERT}{}", placeholders(0)),
        row_values(company, event, now).to_vec(),
    )
    .await
}

/// Stores one event with the activity row that logs it (a manual event), in one
/// statement — the row names the event it logs without a second round trip to the
/// database (on SQLite a second statement of the same text reads the event's id from
/// `last_insert_rowid()`; on PostgreSQL a data-modifying `WITH` hands it over). Run it
/// inside the write transaction, like any change and its activity row.
pub async fn insert_logged(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    event: &NewEvent,
    entry: NewActivity,
    lang: Lang,
    now: i64,
) -> StoreResult<()> {
    let mut values = row_values(company, event, now).to_vec();
    let first = values.len() + 1;
    values.extend(activity::row_values(entry, lang, now));
    let event_insert = format!("{INSERT}{}", placeholders(0));
    let statement = match conn.get_database_backend() {
        DbBackend::Postgres => format!(
            "WITH event AS ({event_insert} RETURNING id) {}",
            activity::insert_sql(first, "(SELECT id FROM event)")
        ),
        _ => format!(
            "{event_insert}; {}",
            activity::insert_sql(first, "last_insert_rowid()")
        ),
    };
    sql::execute(conn, &statement, values).await?;
    Ok(())
}

/// Rows per statement of a batch insert.
const BATCH_ROWS: usize = 250;

/// An optional integer as SQL text.
fn integer_sql(value: Option<impl std::fmt::Display>) -> String {
    value.map_or_else(|| "NULL".to_string(), |v| v.to_string())
}

/// One row of a batch insert: numbers and the fixed words (`in`/`out`, `auto`/`manual`)
/// written into the statement, text from the device bound as parameters. SQLite looks
/// bound parameters up by name one by one, so a statement with thousands of them costs
/// quadratically (it was two thirds of a batch's time); this keeps them few.
fn batch_row(company: CompanyId, event: &NewEvent, now: i64, values: &mut Vec<Value>) -> String {
    let mut text = |value: &Option<String>| match value {
        Some(text) => {
            values.push(text.clone().into());
            format!("${}", values.len())
        }
        None => "NULL".to_string(),
    };
    let (kind, mode) = (event.kind.text(), event.mode.text());
    let uid = text(&event.device_uid);
    let ip = text(&event.ip);
    let latitude = text(&event.latitude);
    let longitude = text(&event.longitude);
    let work_code = text(&event.work_code);
    format!(
        "({}, {}, '{kind}', {}, {}, '{mode}', {}, {uid}, {ip}, {latitude}, {longitude}, {}, {now}, {}, {work_code})",
        company.0,
        event.employee_id,
        event.at,
        integer_sql(event.location_id),
        integer_sql(event.device_id),
        integer_sql(event.created_by),
        integer_sql(event.verify_mode),
    )
}

#[derive(FromQueryResult)]
struct NewUid {
    /// None for events without a device's uid (the demo's).
    device_uid: Option<String>,
}

/// Stores a device's events, skipping those whose (device, uid) is already stored;
/// answers the uids of those that were new. Device events carry `device_id` and
/// `device_uid` (events without a uid, the demo's, are stored and not answered).
pub async fn insert_batch(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    events: &[NewEvent],
    now: i64,
) -> StoreResult<std::collections::HashSet<String>> {
    let mut stored = std::collections::HashSet::new();
    for chunk in events.chunks(BATCH_ROWS) {
        let mut values = Vec::new();
        let rows: Vec<String> = chunk
            .iter()
            .map(|event| batch_row(company, event, now, &mut values))
            .collect();
        let new: Vec<NewUid> = sql::all(
            conn,
            &format!(
                "{INSERT}{} ON CONFLICT (device_id, device_uid) DO NOTHING RETURNING device_uid",
                rows.join(", ")
            ),
            values,
        )
        .await?;
        stored.extend(new.into_iter().filter_map(|n| n.device_uid));
    }
    Ok(stored)
}

/// What tells one stored event from another where the source of an import gives no id:
/// its employee, instant, direction and location.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct EventKey {
    pub employee_id: EmployeeId,
    pub at: i64,
    pub kind: Text<EventKind>,
    pub location_id: Option<LocationId>,
}

/// The keys of the company's events with `from <= at < to`, voided ones included (an
/// event voided here is not brought back by an import).
pub async fn keys_between(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    from: i64,
    to: i64,
) -> StoreResult<Vec<EventKey>> {
    sql::all(
        conn,
        "SELECT employee_id, at, kind, location_id FROM clock_events \
         WHERE company_id = $1 AND at >= $2 AND at < $3",
        vec![company.0.into(), from.into(), to.into()],
    )
    .await
}

/// The events of these employees with `from <= at < to`, by employee and time.
pub async fn of_employees(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employees: &[i64],
    from: i64,
    to: i64,
) -> StoreResult<Vec<StoredEvent>> {
    if employees.is_empty() {
        return Ok(Vec::new());
    }
    let mut values = vec![company.0.into(), from.into(), to.into()];
    let employees = sql::id_in(
        conn.get_database_backend(),
        "employee_id",
        employees,
        &mut values,
    );
    sql::all(
        conn,
        &format!(
            "SELECT id, employee_id, kind, at, location_id, mode FROM clock_events \
             WHERE company_id = $1 AND {employees} AND at >= $2 AND at < $3 \
             AND voided_at IS NULL ORDER BY employee_id, at, id"
        ),
        values,
    )
    .await
}

/// An employee's event as the day's detail shows it: where, from which device, how,
/// and whether (and why) it was voided.
#[derive(Clone, Debug, FromQueryResult)]
pub struct DayEvent {
    pub id: ClockEventId,
    pub kind: Text<EventKind>,
    pub at: i64,
    pub mode: Text<ClockMode>,
    pub location_title: Option<String>,
    pub serial_number: Option<String>,
    pub voided_at: Option<i64>,
    pub void_reason: Option<String>,
    /// 1 when the terminal sent a picture with the event.
    pub pictures: i64,
}

/// Every event of one employee with `from <= at < to`, voided ones included, by time.
pub async fn of_employee_between(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    (from, to): (i64, i64),
) -> StoreResult<Vec<DayEvent>> {
    sql::all(
        conn,
        "SELECT c.id, c.kind, c.at, c.mode, l.title AS location_title, d.serial_number, \
         c.voided_at, c.void_reason, \
         (SELECT count(*) FROM clock_event_pictures p WHERE p.clock_event_id = c.id) AS pictures \
         FROM clock_events c \
         LEFT JOIN locations l ON l.id = c.location_id LEFT JOIN devices d ON d.id = c.device_id \
         WHERE c.company_id = $1 AND c.employee_id = $2 AND c.at >= $3 AND c.at < $4 \
         ORDER BY c.at, c.id",
        vec![company.0.into(), employee.0.into(), from.into(), to.into()],
    )
    .await
}

/// A row of the `inouts` report: the event with its employee, location and device.
#[derive(Clone, Debug, FromQueryResult)]
pub struct InOut {
    pub id: ClockEventId,
    pub employee_id: EmployeeId,
    pub kind: Text<EventKind>,
    pub at: i64,
    pub mode: Text<ClockMode>,
    pub location_id: Option<LocationId>,
    pub location_title: Option<String>,
    pub serial_number: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub patronymic: String,
    pub full_name: String,
    pub tab_number: String,
    pub pin_code: String,
    pub department_id: Option<DepartmentId>,
    pub department_title: Option<String>,
    /// The position the employee holds now (the lowest id of several).
    pub position_id: Option<PositionId>,
    pub position_title: Option<String>,
}

/// The filters of the `inouts` report.
#[derive(Clone, Debug)]
pub struct InOutFilter {
    pub visibility: Visibility,
    pub employees: Option<Vec<i64>>,
    pub locations: Option<Vec<i64>>,
    pub from: i64,
    pub to: i64,
    pub descending: bool,
}

fn inout_conditions(company: CompanyId, filter: &InOutFilter) -> (String, Vec<Value>) {
    let mut clauses = vec![
        "c.company_id = $1".to_string(),
        "c.at >= $2".to_string(),
        "c.at < $3".to_string(),
        "c.voided_at IS NULL".to_string(),
    ];
    if let Some(clause) = filter.visibility.clause("e") {
        clauses.push(clause);
    }
    if let Some(ids) = &filter.employees {
        clauses.push(format!("c.employee_id IN ({})", id_list(ids)));
    }
    if let Some(ids) = &filter.locations {
        clauses.push(format!("c.location_id IN ({})", id_list(ids)));
    }
    (
        clauses.join(" AND "),
        vec![company.0.into(), filter.from.into(), filter.to.into()],
    )
}

/// One page of stored events in time order, and the total.
pub async fn inouts(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    filter: &InOutFilter,
    page: PageRequest,
) -> StoreResult<(Vec<InOut>, u64)> {
    let (clauses, values) = inout_conditions(company, filter);
    let total = sql::scalar(
        conn,
        &format!(
            "SELECT count(*) FROM clock_events c JOIN employees e ON e.id = c.employee_id WHERE {clauses}"
        ),
        values.clone(),
    )
    .await?
    .unwrap_or(0) as u64;
    let direction = if filter.descending { "DESC" } else { "ASC" };
    let rows = sql::all(
        conn,
        &format!(
            "SELECT c.id, c.employee_id, c.kind, c.at, c.mode, c.location_id, l.title AS location_title, \
             d.serial_number, e.first_name, e.last_name, e.patronymic, e.full_name, e.tab_number, \
             e.pin_code, e.department_id, dp.title AS department_title, \
             p.id AS position_id, p.title AS position_title \
             FROM clock_events c JOIN employees e ON e.id = c.employee_id \
             LEFT JOIN positions p ON p.id = (SELECT min(ep.position_id) FROM employee_positions ep \
               WHERE ep.employee_id = e.id AND ep.end_date IS NULL) \
             LEFT JOIN locations l ON l.id = c.location_id LEFT JOIN devices d ON d.id = c.device_id \
             LEFT JOIN departments dp ON dp.id = e.department_id \
             WHERE {clauses} ORDER BY c.at {direction}, c.id {direction} LIMIT {} OFFSET {}",
            page.per_page,
            page.offset()
        ),
        values,
    )
    .await?;
    Ok((rows, total))
}

/// An event as a correction sees it: whose it is, and whether it is voided already.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct EventToVoid {
    pub id: ClockEventId,
    pub employee_id: EmployeeId,
    pub department_id: DepartmentId,
    pub full_name: String,
    pub kind: Text<EventKind>,
    pub at: i64,
    pub voided_at: Option<i64>,
}

/// The event of the company with this id, voided or not.
pub async fn find_to_void(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: ClockEventId,
) -> StoreResult<Option<EventToVoid>> {
    sql::one(
        conn,
        "SELECT c.id, c.employee_id, e.department_id, e.full_name, c.kind, c.at, c.voided_at \
         FROM clock_events c JOIN employees e ON e.id = c.employee_id \
         WHERE c.company_id = $1 AND c.id = $2",
        vec![company.0.into(), id.into()],
    )
    .await
}

/// Marks the event voided by `by` with the reason; answers false when it already was
/// (a concurrent correction won), so that the caller logs only the void it made.
pub async fn void(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: ClockEventId,
    by: UserId,
    reason: &str,
    now: i64,
) -> StoreResult<bool> {
    let touched = sql::execute(
        conn,
        "UPDATE clock_events SET voided_at = $3, voided_by = $4, void_reason = $5 \
         WHERE company_id = $1 AND id = $2 AND voided_at IS NULL",
        vec![
            company.0.into(),
            id.into(),
            now.into(),
            by.into(),
            reason.into(),
        ],
    )
    .await?;
    Ok(touched == 1)
}

/// The id of the event a device sent with this uid, if stored.
pub async fn id_of_device_uid(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    uid: &str,
) -> StoreResult<Option<i64>> {
    sql::scalar(
        conn,
        "SELECT id FROM clock_events WHERE device_id = $1 AND device_uid = $2",
        vec![device.into(), uid.into()],
    )
    .await
}

/// The employee of a clock event and that employee's department now.
#[derive(Clone, Debug, FromQueryResult)]
pub struct EventOwner {
    pub employee_id: davomat_core::EmployeeId,
    pub department_id: davomat_core::DepartmentId,
}

/// Whose clock event of the company this is.
pub async fn owner_of(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    event: i64,
) -> StoreResult<Option<EventOwner>> {
    sql::one(
        conn,
        "SELECT e.employee_id, m.department_id FROM clock_events e \
         JOIN employees m ON m.id = e.employee_id WHERE e.id = $1 AND e.company_id = $2",
        vec![event.into(), company.0.into()],
    )
    .await
}
