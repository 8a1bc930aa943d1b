//! Terminals pushing over the ZKTeco ADMS / iclock protocol (migration 0013): a claimed
//! one is a device row found by its serial number, with what it last told about itself
//! and the stamps of what it uploaded; a serial nobody claimed is a pending terminal,
//! and its lines wait in quarantine (as do lines too far ahead in time); a punch whose
//! PIN matched nobody is kept unmatched; commands queued for a terminal wait for its
//! next poll and are closed by its results.

use davomat_core::{CompanyId, CompanyStatus, DeviceId, LocationId};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use crate::text::Text;
use crate::{Store, StoreResult, sql};

/// A claimed terminal as the protocol needs it.
#[derive(Clone, Debug, FromQueryResult)]
pub struct PushDevice {
    pub id: DeviceId,
    pub company_id: CompanyId,
    pub location_id: Option<LocationId>,
    /// The device's own zone (its local times are read in it).
    pub time_zone: String,
    pub company_status: Text<CompanyStatus>,
    /// `status` (the punch state says), `alternate` (in, out, in… within a day).
    pub direction_rule: String,
    /// An address or a network (`10.0.0.0/8`) the terminal must call from, if set.
    pub allowed_network: Option<String>,
    pub attlog_stamp: Option<String>,
    pub operlog_stamp: Option<String>,
    pub last_request_at: Option<i64>,
    /// The device type (`hikvision` for Hikvision terminals).
    pub kind: String,
    /// What a Hikvision terminal's employee number is: `pin_code` or `tab_number`.
    pub employee_key: String,
}

const PUSH_DEVICE: &str = "SELECT d.id, d.company_id, d.location_id, d.time_zone, \
     c.status AS company_status, d.direction_rule, d.allowed_network, d.attlog_stamp, \
     d.operlog_stamp, d.last_request_at, d.kind, d.employee_key \
     FROM devices d JOIN companies c ON c.id = d.company_id";

/// The claimed terminal of a serial number.
pub async fn by_serial(store: &Store, serial: &str) -> StoreResult<Option<PushDevice>> {
    sql::one(
        store.conn(),
        &format!("{PUSH_DEVICE} WHERE d.serial_number = $1"),
        vec![serial.into()],
    )
    .await
}

/// A terminal by its id (one that authenticated otherwise, say by a secret in its URL).
pub async fn by_id(store: &Store, device: DeviceId) -> StoreResult<Option<PushDevice>> {
    sql::one(
        store.conn(),
        &format!("{PUSH_DEVICE} WHERE d.id = $1"),
        vec![device.into()],
    )
    .await
}

/// Notes a request from the terminal (its last-seen time and protocol version).
pub async fn note_seen(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    push_version: Option<&str>,
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE devices SET last_request_at = $2, offline_announced = FALSE, push_version = COALESCE($3, push_version) \
         WHERE id = $1",
        vec![device.into(), now.into(), push_version.into()],
    )
    .await?;
    Ok(())
}

/// Keeps what the terminal told about itself (a poll's `INFO=`).
pub async fn note_info(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    firmware: Option<&str>,
    users: Option<i64>,
    logs: Option<i64>,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE devices SET firmware = COALESCE($2, firmware), user_count = COALESCE($3, user_count), \
         log_count = COALESCE($4, log_count) WHERE id = $1",
        vec![device.into(), firmware.into(), users.into(), logs.into()],
    )
    .await?;
    Ok(())
}

/// Which upload a stamp is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StampOf {
    AttLog,
    OperLog,
}

/// Keeps the stamp of an upload once its lines are stored.
pub async fn set_stamp(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    of: StampOf,
    stamp: &str,
) -> StoreResult<()> {
    let column = match of {
        StampOf::AttLog => "attlog_stamp",
        StampOf::OperLog => "operlog_stamp",
    };
    sql::execute(
        conn,
        &format!("UPDATE devices SET {column} = $2 WHERE id = $1"),
        vec![device.into(), stamp.into()],
    )
    .await?;
    Ok(())
}

/// A serial number heard from and not claimed.
#[derive(Clone, Debug, FromQueryResult)]
pub struct PendingTerminal {
    pub id: i64,
    pub serial_number: String,
    pub source_address: String,
    pub push_version: Option<String>,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
}

/// The pending terminal of a serial, if any.
pub async fn pending(
    conn: &impl ConnectionTrait,
    serial: &str,
) -> StoreResult<Option<PendingTerminal>> {
    sql::one(
        conn,
        "SELECT id, serial_number, source_address, push_version, first_seen_at, last_seen_at \
         FROM pending_terminals WHERE serial_number = $1",
        vec![serial.into()],
    )
    .await
}

/// How many serials are pending.
pub async fn pending_count(conn: &impl ConnectionTrait) -> StoreResult<u64> {
    Ok(
        sql::scalar(conn, "SELECT count(*) FROM pending_terminals", vec![])
            .await?
            .unwrap_or(0) as u64,
    )
}

/// How many pending serials were first heard from `source` since `since`.
pub async fn registered_from(
    conn: &impl ConnectionTrait,
    source: &str,
    since: i64,
) -> StoreResult<u64> {
    Ok(sql::scalar(
        conn,
        "SELECT count(*) FROM pending_terminals WHERE source_address = $1 AND first_seen_at >= $2",
        vec![source.into(), since.into()],
    )
    .await?
    .unwrap_or(0) as u64)
}

/// Registers a serial as pending (first seen now), or notes it was seen again.
pub async fn note_pending(
    conn: &impl ConnectionTrait,
    serial: &str,
    source: &str,
    push_version: Option<&str>,
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "INSERT INTO pending_terminals (serial_number, source_address, push_version, first_seen_at, \
         last_seen_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (serial_number) DO UPDATE SET \
         source_address = $2, push_version = COALESCE($3, pending_terminals.push_version), \
         last_seen_at = $4",
        vec![serial.into(), source.into(), push_version.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// Every pending serial, most recently seen first.
pub async fn all_pending(store: &Store) -> StoreResult<Vec<PendingTerminal>> {
    sql::all(
        store.conn(),
        "SELECT id, serial_number, source_address, push_version, first_seen_at, last_seen_at \
         FROM pending_terminals ORDER BY last_seen_at DESC, id DESC",
        vec![],
    )
    .await
}

/// Forgets a pending serial (it was claimed).
pub async fn forget_pending(conn: &impl ConnectionTrait, serial: &str) -> StoreResult<()> {
    sql::execute(
        conn,
        "DELETE FROM pending_terminals WHERE serial_number = $1",
        vec![serial.into()],
    )
    .await?;
    Ok(())
}

/// A line kept aside, with why.
#[derive(Clone, Debug, FromQueryResult)]
pub struct QuarantinedLine {
    pub id: i64,
    pub serial_number: String,
    pub table_name: String,
    pub line: String,
    pub reason: String,
    pub received_at: i64,
}

/// Lines of a serial kept aside (not imported yet).
pub async fn quarantined_count(conn: &impl ConnectionTrait, serial: &str) -> StoreResult<u64> {
    Ok(sql::scalar(
        conn,
        "SELECT count(*) FROM quarantined_lines WHERE serial_number = $1 AND imported_at IS NULL",
        vec![serial.into()],
    )
    .await?
    .unwrap_or(0) as u64)
}

/// Keeps lines aside: `(line, reason)` each.
pub async fn quarantine(
    conn: &impl ConnectionTrait,
    serial: &str,
    table: &str,
    lines: &[(String, String)],
    now: i64,
) -> StoreResult<()> {
    for chunk in lines.chunks(200) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 5);
        let rows: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, (line, reason))| {
                values.extend([
                    serial.into(),
                    table.into(),
                    line.clone().into(),
                    reason.clone().into(),
                    now.into(),
                ]);
                let at = i * 5;
                format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    at + 1,
                    at + 2,
                    at + 3,
                    at + 4,
                    at + 5
                )
            })
            .collect();
        sql::execute(
            conn,
            &format!(
                "INSERT INTO quarantined_lines (serial_number, table_name, line, reason, received_at) \
                 VALUES {}",
                rows.join(", ")
            ),
            values,
        )
        .await?;
    }
    Ok(())
}

/// The serial's lines kept since `since` and not imported, oldest first.
pub async fn quarantined_since(
    conn: &impl ConnectionTrait,
    serial: &str,
    since: i64,
) -> StoreResult<Vec<QuarantinedLine>> {
    sql::all(
        conn,
        "SELECT id, serial_number, table_name, line, reason, received_at FROM quarantined_lines \
         WHERE serial_number = $1 AND received_at >= $2 AND imported_at IS NULL ORDER BY id",
        vec![serial.into(), since.into()],
    )
    .await
}

/// Marks lines as imported.
pub async fn mark_imported(conn: &impl ConnectionTrait, ids: &[i64], now: i64) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut values: Vec<Value> = vec![now.into()];
    let list = sql::id_in(conn.get_database_backend(), "id", ids, &mut values);
    sql::execute(
        conn,
        &format!("UPDATE quarantined_lines SET imported_at = $1 WHERE {list}"),
        values,
    )
    .await?;
    Ok(())
}

/// Forgets lines kept before `before` (30 days).
pub async fn forget_quarantine_before(
    conn: &impl ConnectionTrait,
    before: i64,
) -> StoreResult<u64> {
    sql::execute(
        conn,
        "DELETE FROM quarantined_lines WHERE received_at < $1",
        vec![before.into()],
    )
    .await
}

/// A punch whose PIN matched no employee of the device's company.
#[derive(Clone, Debug)]
pub struct NewUnmatched {
    pub device_id: DeviceId,
    pub pin: String,
    pub at: i64,
    /// `in` or `out`.
    pub direction: String,
    pub verify_mode: Option<i64>,
    pub work_code: Option<String>,
    pub uid: String,
}

/// Keeps unmatched punches (a resent one once); answers how many are new.
pub async fn keep_unmatched(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    punches: &[NewUnmatched],
    now: i64,
) -> StoreResult<u64> {
    let mut kept = 0;
    for punch in punches {
        kept += sql::execute(
            conn,
            "INSERT INTO unmatched_punches (company_id, device_id, pin, at, direction, verify_mode, \
             work_code, uid, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (device_id, uid) DO NOTHING",
            vec![
                company.0.into(),
                punch.device_id.into(),
                punch.pin.clone().into(),
                punch.at.into(),
                punch.direction.clone().into(),
                punch.verify_mode.into(),
                punch.work_code.clone().into(),
                punch.uid.clone().into(),
                now.into(),
            ],
        )
        .await?;
    }
    Ok(kept)
}

/// An unmatched punch as listed.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Unmatched {
    pub id: i64,
    pub device_id: DeviceId,
    pub serial_number: String,
    pub pin: String,
    pub at: i64,
    pub direction: String,
    pub verify_mode: Option<i64>,
    pub work_code: Option<String>,
    pub uid: String,
    pub attached_event_id: Option<i64>,
}

const UNMATCHED: &str = "SELECT u.id, u.device_id, d.serial_number, u.pin, u.at, u.direction, \
     u.verify_mode, u.work_code, u.uid, u.attached_event_id FROM unmatched_punches u \
     JOIN devices d ON d.id = u.device_id";

/// The company's unmatched punches not attached yet, newest first (at most `limit`).
pub async fn unmatched(
    store: &Store,
    company: CompanyId,
    limit: u64,
) -> StoreResult<Vec<Unmatched>> {
    sql::all(
        store.conn(),
        &format!(
            "{UNMATCHED} WHERE u.company_id = $1 AND u.attached_event_id IS NULL \
             ORDER BY u.at DESC, u.id DESC LIMIT {limit}"
        ),
        vec![company.0.into()],
    )
    .await
}

/// One unmatched punch of the company.
pub async fn unmatched_one(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
) -> StoreResult<Option<Unmatched>> {
    sql::one(
        conn,
        &format!("{UNMATCHED} WHERE u.company_id = $1 AND u.id = $2"),
        vec![company.0.into(), id.into()],
    )
    .await
}

/// Notes the clock event an unmatched punch became.
pub async fn attach(conn: &impl ConnectionTrait, id: i64, event_id: i64) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE unmatched_punches SET attached_event_id = $2 WHERE id = $1",
        vec![id.into(), event_id.into()],
    )
    .await?;
    Ok(())
}

/// A command for a terminal, as queued.
#[derive(Clone, Debug, FromQueryResult)]
pub struct TerminalCommand {
    pub id: i64,
    pub device_id: DeviceId,
    pub command: String,
    /// `queued`, `sent`, `done` or `failed`.
    pub status: String,
    pub return_code: Option<i64>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub done_at: Option<i64>,
}

const COMMANDS: &str = "SELECT id, device_id, command, status, return_code, created_at, sent_at, \
     done_at FROM terminal_commands";

/// Queues a command for the terminal; answers its id.
pub async fn queue_command(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    device: DeviceId,
    command: &str,
    now: i64,
) -> StoreResult<i64> {
    sql::insert(
        conn,
        "INSERT INTO terminal_commands (company_id, device_id, command, status, created_at) \
         VALUES ($1, $2, $3, 'queued', $4)",
        vec![company.0.into(), device.into(), command.into(), now.into()],
    )
    .await
}

/// True when the terminal has a command of this text queued or sent and not answered.
pub async fn command_waiting(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    command_prefix: &str,
) -> StoreResult<bool> {
    Ok(sql::scalar(
        conn,
        "SELECT count(*) FROM terminal_commands WHERE device_id = $1 \
         AND status IN ('queued', 'sent') AND command LIKE $2",
        vec![device.into(), format!("{command_prefix}%").into()],
    )
    .await?
    .unwrap_or(0)
        > 0)
}

/// The terminal's commands to hand over at a poll — queued ones, and sent ones not
/// answered for `resend_after` seconds — oldest first, at most `limit`; marks them sent.
pub async fn take_commands(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    now: i64,
    resend_after: i64,
    limit: u64,
) -> StoreResult<Vec<TerminalCommand>> {
    let due: Vec<TerminalCommand> = sql::all(
        conn,
        &format!(
            "{COMMANDS} WHERE device_id = $1 AND (status = 'queued' OR (status = 'sent' AND sent_at < $2)) \
             ORDER BY id LIMIT {limit}"
        ),
        vec![device.into(), (now - resend_after).into()],
    )
    .await?;
    if !due.is_empty() {
        let ids: Vec<i64> = due.iter().map(|c| c.id).collect();
        let mut values: Vec<Value> = vec![now.into()];
        let list = sql::id_in(conn.get_database_backend(), "id", &ids, &mut values);
        sql::execute(
            conn,
            &format!("UPDATE terminal_commands SET status = 'sent', sent_at = $1 WHERE {list}"),
            values,
        )
        .await?;
    }
    Ok(due)
}

/// Closes a command of the terminal with its result (0 or more done, below 0 failed);
/// answers whether it was the terminal's.
pub async fn close_command(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    id: i64,
    code: i64,
    now: i64,
) -> StoreResult<bool> {
    let status = if code >= 0 { "done" } else { "failed" };
    Ok(sql::execute(
        conn,
        "UPDATE terminal_commands SET status = $3, return_code = $4, done_at = $5 \
         WHERE id = $1 AND device_id = $2",
        vec![
            id.into(),
            device.into(),
            status.into(),
            code.into(),
            now.into(),
        ],
    )
    .await?
        > 0)
}

/// The terminal's latest commands, newest first.
pub async fn commands_of(
    store: &Store,
    company: CompanyId,
    device: DeviceId,
    limit: u64,
) -> StoreResult<Vec<TerminalCommand>> {
    sql::all(
        store.conn(),
        &format!(
            "{COMMANDS} WHERE company_id = $1 AND device_id = $2 ORDER BY id DESC LIMIT {limit}"
        ),
        vec![company.0.into(), device.into()],
    )
    .await
}

/// Sets how a terminal's punches are read as in or out (`status`, `alternate`) and the
/// network it may call from (`None`: any).
pub async fn set_rules(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    device: DeviceId,
    direction_rule: &str,
    allowed_network: Option<&str>,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE devices SET direction_rule = $3, allowed_network = $4 WHERE id = $1 AND company_id = $2",
        vec![
            device.into(),
            company.0.into(),
            direction_rule.into(),
            allowed_network.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Devices of one type: how many, and how many were heard from lately.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Presence {
    pub kind: String,
    pub online: i64,
    pub total: i64,
}

/// The devices of every company by type, counting as online those heard from at or
/// after `since`.
pub async fn presence(store: &Store, since: i64) -> StoreResult<Vec<Presence>> {
    sql::all(
        store.conn(),
        "SELECT kind, CAST(SUM(CASE WHEN last_request_at >= $1 THEN 1 ELSE 0 END) AS BIGINT) AS online, \
         count(*) AS total FROM devices GROUP BY kind ORDER BY kind",
        vec![since.into()],
    )
    .await
}

/// Sets what a Hikvision terminal's employee number is (`pin_code`, `tab_number`).
pub async fn set_employee_key(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    device: DeviceId,
    key: &str,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE devices SET employee_key = $3 WHERE id = $1 AND company_id = $2",
        vec![device.into(), company.0.into(), key.into()],
    )
    .await?;
    Ok(())
}

/// Keeps the picture a terminal sent with a clock event, unless it has one.
pub async fn keep_picture(
    conn: &impl ConnectionTrait,
    event: i64,
    content_type: &str,
    picture: &[u8],
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "INSERT INTO clock_event_pictures (clock_event_id, content_type, picture, received_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (clock_event_id) DO NOTHING",
        vec![
            event.into(),
            content_type.into(),
            picture.to_vec().into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// A clock event's picture.
#[derive(Clone, Debug, FromQueryResult)]
pub struct EventPicture {
    pub content_type: String,
    pub picture: Vec<u8>,
}

/// The picture of a clock event of the company, if a terminal sent one.
pub async fn picture_of(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    event: i64,
) -> StoreResult<Option<EventPicture>> {
    sql::one(
        conn,
        "SELECT p.content_type, p.picture FROM clock_event_pictures p \
         JOIN clock_events e ON e.id = p.clock_event_id WHERE p.clock_event_id = $1 AND e.company_id = $2",
        vec![event.into(), company.0.into()],
    )
    .await
}
