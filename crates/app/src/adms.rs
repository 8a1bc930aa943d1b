//! ZKTeco-family terminals pushing over ADMS / iclock (the doors are `/iclock/*`; the
//! protocol's text is `davomat_core::adms`). A terminal is known by its serial number:
//!
//! - **Claimed** — a device of a company with that serial (made by `POST /v1/devices`,
//!   the console or `davomat device claim`): its ATTLOG lines become clock events of
//!   the employee whose `pin_code` the line names, read in the device's time zone; the
//!   punch state says in or out (0, 3, 4 in; 1, 2, 5 out) and, where it says nothing
//!   (255 or none), the device's rule decides (`alternate`: a day's first punch in, the
//!   next out, and so on). A line already stored (the firmware resends a batch it got
//!   no `OK` for) is stored once; a PIN nobody has is kept *unmatched*; a malformed line
//!   is skipped and counted; a line up to 15 minutes ahead of the server's clock is
//!   kept and the device's time is set, further ahead it is quarantined with the reason.
//!   The device's stamp advances only once its lines are committed.
//! - **Pending** — a serial nobody claimed: registered on first contact (at most
//!   [`PENDING_MAX`] serials wait at once), its lines kept in quarantine (at most
//!   [`QUARANTINE_MAX`] a serial, 30 days), nothing reaching any company's data. Once
//!   claimed, an admin imports its quarantined lines of the last 30 days.
//!
//! The protocol has no authentication: a claimed device may be limited to a source
//! network, and the doors rate-limit registrations per address.

use std::collections::HashMap;
use std::net::IpAddr;

use davomat_core::adms::{self, AttLine, DeviceInfo, Dialect, LineFault, Options};
use davomat_core::dates::civil;
use davomat_core::engine::EventKind;
use davomat_core::validation::FieldCode;
use davomat_core::zone::CompanyZone;
use davomat_core::{CompanyStatus, DeviceId};
use davomat_store::Store;
use davomat_store::clock_events;
use davomat_store::employees::lookups;
use davomat_store::terminals::{self, NewUnmatched, PushDevice, StampOf};

use crate::error::{AppError, AppResult};
use crate::terminal_events::{self, Terminal, TerminalEvent, When, Who};

/// Serials that may wait for a claim at once.
pub const PENDING_MAX: u64 = 1000;
/// New serials one source address may register in an hour.
pub const REGISTRATIONS_AN_HOUR: u64 = 20;
/// Lines kept in quarantine for one serial.
pub const QUARANTINE_MAX: u64 = 50_000;
/// How long quarantined lines are kept (seconds).
pub const QUARANTINE_DAYS: i64 = 30;
/// How far ahead of the server's clock a punch is kept (seconds); the device's time is
/// set when one is more than the API's 5 minutes ahead.
pub const AHEAD_KEPT: i64 = 15 * 60;
/// Seconds after which a command handed over and not answered is handed over again.
pub const RESEND_AFTER: i64 = 120;
/// Commands handed over in one poll.
const COMMANDS_A_POLL: u64 = 20;

/// Who is calling: the serial the terminal gives, the address it calls from, the push
/// protocol version it announced.
#[derive(Clone, Debug)]
pub struct Knock<'a> {
    pub serial: &'a str,
    pub source: IpAddr,
    pub push_version: Option<&'a str>,
}

/// Why a terminal is not answered as it asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No serial, or not one a terminal has.
    BadSerial,
    /// A claimed device calling from outside its allowed network.
    WrongNetwork,
    /// Too many serials are pending already, or this address registered too many in
    /// the last hour.
    TooManyPending,
}

/// What a terminal is to davomat.
enum Known {
    Claimed(Box<PushDevice>),
    Pending,
}

/// A serial is letters, digits, `-` and `_`, at most 64.
fn valid_serial(serial: &str) -> bool {
    !serial.is_empty()
        && serial.len() <= adms::FIELD_MAX
        && serial
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Finds the terminal; registers (or notes) a pending serial.
async fn knock(store: &Store, knock: &Knock<'_>, now: i64) -> AppResult<Result<Known, Refusal>> {
    if !valid_serial(knock.serial) {
        return Ok(Err(Refusal::BadSerial));
    }
    if let Some(device) = terminals::by_serial(store, knock.serial).await? {
        if !network_allows(device.allowed_network.as_deref(), knock.source) {
            return Ok(Err(Refusal::WrongNetwork));
        }
        if device
            .last_request_at
            .is_none_or(|at| at <= now - SEEN_PRECISION)
        {
            let writer = store.write_connection().await;
            writer.changes_nothing_cached();
            terminals::note_seen(&writer, device.id, knock.push_version, now).await?;
        }
        return Ok(Ok(Known::Claimed(Box::new(device))));
    }
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    let source = knock.source.to_string();
    if terminals::pending(&writer, knock.serial).await?.is_none()
        && (terminals::pending_count(&writer).await? >= PENDING_MAX
            || terminals::registered_from(&writer, &source, now - 3600).await?
                >= REGISTRATIONS_AN_HOUR)
    {
        return Ok(Err(Refusal::TooManyPending));
    }
    terminals::note_pending(&writer, knock.serial, &source, knock.push_version, now).await?;
    Ok(Ok(Known::Pending))
}

/// How stale a device's last-seen time may get before a request writes it again.
const SEEN_PRECISION: i64 = 30;

/// True when `source` is in `allowed` (an address, or a network `a.b.c.d/n`,
/// `x::/n`); no limit when none is set.
pub fn network_allows(allowed: Option<&str>, source: IpAddr) -> bool {
    let Some(allowed) = allowed.map(str::trim).filter(|a| !a.is_empty()) else {
        return true;
    };
    let (address, bits) = match allowed.split_once('/') {
        Some((address, bits)) => (address, bits.trim().parse::<u32>().ok()),
        None => (allowed, None),
    };
    let Ok(network) = address.trim().parse::<IpAddr>() else {
        return false;
    };
    match (network, source) {
        (IpAddr::V4(net), IpAddr::V4(src)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(net) & mask == u32::from(src) & mask
        }
        (IpAddr::V6(net), IpAddr::V6(src)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(net) & mask == u128::from(src) & mask
        }
        _ => false,
    }
}

/// The device's zone: its own, else its company's default (Tashkent).
fn zone_of(device: &PushDevice) -> CompanyZone {
    CompanyZone::named_or_default(&device.time_zone)
}

/// The handshake (`GET /iclock/cdata?SN=…&options=all`): the options block.
pub async fn handshake(
    store: &Store,
    knock: Knock<'_>,
    now: i64,
) -> AppResult<Result<String, Refusal>> {
    let dialect = Dialect::of(knock.push_version);
    Ok(match self::knock(store, &knock, now).await? {
        Err(refusal) => Err(refusal),
        Ok(Known::Claimed(device)) => Ok(adms::options_block(&Options {
            serial: knock.serial.to_string(),
            attlog_stamp: device.attlog_stamp.clone(),
            operlog_stamp: device.operlog_stamp.clone(),
            utc_offset_minutes: i64::from(zone_of(&device).offset_at(now)) / 60,
            dialect,
        })),
        Ok(Known::Pending) => Ok(adms::options_block(&Options {
            serial: knock.serial.to_string(),
            attlog_stamp: None,
            operlog_stamp: None,
            utc_offset_minutes: i64::from(CompanyZone::named_or_default("").offset_at(now)) / 60,
            dialect,
        })),
    })
}

/// The configuration a Security PUSH terminal asks for (`GET /iclock/push`).
pub async fn security_options(
    store: &Store,
    knock: Knock<'_>,
    now: i64,
) -> AppResult<Result<String, Refusal>> {
    let knock = Knock {
        push_version: knock.push_version.or(Some(adms::SECURITY_PUSH_VERSION)),
        ..knock
    };
    handshake(store, knock, now).await
}

/// A Security PUSH terminal's registration (`POST /iclock/registry?SN=…` with its
/// parameters, `key=value` separated by commas): noted as any first contact (a pending
/// serial, or a claimed device seen), its firmware kept; answered with the registry
/// code.
pub async fn register(
    store: &Store,
    knock: Knock<'_>,
    parameters: &str,
    now: i64,
) -> AppResult<Result<String, Refusal>> {
    let said = adms::registration(parameters);
    let knock = Knock {
        push_version: knock
            .push_version
            .or(said.push_version.as_deref())
            .or(Some(adms::SECURITY_PUSH_VERSION)),
        ..knock
    };
    match self::knock(store, &knock, now).await? {
        Err(refusal) => Ok(Err(refusal)),
        Ok(known) => {
            if let Known::Claimed(device) = known
                && said.firmware.is_some()
            {
                let writer = store.write_connection().await;
                writer.changes_nothing_cached();
                let firmware = said.firmware.as_deref();
                terminals::note_info(&writer, device.id, firmware, None, None).await?;
            }
            Ok(Ok(format!(
                "RegistryCode={}\n",
                adms::registry_code(knock.serial)
            )))
        }
    }
}

/// What an upload came to: the lines taken (the `OK: n` answered) and what became of
/// them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Uploaded {
    /// Lines read (stored, already stored, unmatched or quarantined).
    pub taken: u64,
    pub stored: u64,
    pub duplicates: u64,
    pub unmatched: u64,
    pub quarantined: u64,
    /// Malformed lines skipped.
    pub skipped: u64,
    /// Records that are not punches (`rtlog`: refusals, door and alarm events).
    pub ignored: u64,
}

/// An upload (`POST /iclock/cdata?SN=…&table=…&Stamp=…`).
pub async fn upload(
    store: &Store,
    knock: Knock<'_>,
    table: &str,
    stamp: Option<&str>,
    body: &str,
    now: i64,
) -> AppResult<Result<Uploaded, Refusal>> {
    let known = match self::knock(store, &knock, now).await? {
        Err(refusal) => return Ok(Err(refusal)),
        Ok(known) => known,
    };
    let attlog = table.eq_ignore_ascii_case("ATTLOG");
    Ok(Ok(match known {
        Known::Pending => keep_pending(store, knock.serial, table, body, now).await?,
        Known::Claimed(device) if table.eq_ignore_ascii_case("rtlog") => {
            attendance(store, &device, body, adms::rt_line, now).await?
        }
        Known::Claimed(device) if attlog => {
            let uploaded = attendance(store, &device, body, attlog_line, now).await?;
            if let Some(stamp) = stamp.filter(|s| !s.is_empty() && s.len() <= adms::FIELD_MAX) {
                let writer = store.write_connection().await;
                writer.changes_nothing_cached();
                terminals::set_stamp(&writer, device.id, StampOf::AttLog, stamp).await?;
            }
            uploaded
        }
        Known::Claimed(device) => {
            // Operation logs, user and template uploads: read and acknowledged; their
            // stamp advances so that they are not sent again.
            if table.eq_ignore_ascii_case("OPERLOG")
                && let Some(stamp) = stamp.filter(|s| !s.is_empty() && s.len() <= adms::FIELD_MAX)
            {
                let writer = store.write_connection().await;
                writer.changes_nothing_cached();
                terminals::set_stamp(&writer, device.id, StampOf::OperLog, stamp).await?;
            }
            Uploaded {
                taken: adms::lines(body).count() as u64,
                ..Uploaded::default()
            }
        }
    }))
}

/// A pending serial's lines, kept in quarantine up to [`QUARANTINE_MAX`].
async fn keep_pending(
    store: &Store,
    serial: &str,
    table: &str,
    body: &str,
    now: i64,
) -> AppResult<Uploaded> {
    let lines: Vec<&str> = adms::lines(body).collect();
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    // Lines kept longer than the quarantine's 30 days go first (every node does this
    // on the way; no job is needed).
    terminals::forget_quarantine_before(&writer, now - QUARANTINE_DAYS * 86_400).await?;
    let held = terminals::quarantined_count(&writer, serial).await?;
    let room = QUARANTINE_MAX.saturating_sub(held) as usize;
    let kept: Vec<(String, String)> = lines
        .iter()
        .take(room)
        .map(|line| (line.to_string(), "pending: not claimed".to_string()))
        .collect();
    let table = table.chars().take(adms::FIELD_MAX).collect::<String>();
    terminals::quarantine(&writer, serial, &table, &kept, now).await?;
    Ok(Uploaded {
        taken: lines.len() as u64,
        quarantined: kept.len() as u64,
        skipped: (lines.len() - kept.len()) as u64,
        ..Uploaded::default()
    })
}

/// How an upload's table is read: a punch, not one (`None`), or malformed.
type LineReader = fn(&str) -> Result<Option<AttLine>, LineFault>;

/// An ATTLOG line: every well-formed one is a punch.
fn attlog_line(line: &str) -> Result<Option<AttLine>, LineFault> {
    adms::att_line(line).map(Some)
}

/// The reader of a table whose lines can be punches: ATTLOG, and the Security PUSH
/// dialect's `rtlog`.
fn reader_of(table: &str) -> Option<LineReader> {
    if table.eq_ignore_ascii_case("ATTLOG") {
        Some(attlog_line)
    } else if table.eq_ignore_ascii_case("rtlog") {
        Some(adms::rt_line)
    } else {
        None
    }
}

/// A claimed device's punches (ATTLOG lines or `rtlog` records, read by `read`).
async fn attendance(
    store: &Store,
    device: &PushDevice,
    body: &str,
    read: LineReader,
    now: i64,
) -> AppResult<Uploaded> {
    let mut uploaded = Uploaded::default();
    let mut lines = Vec::new();
    for raw in adms::lines(body) {
        match read(raw) {
            Ok(Some(line)) => lines.push((raw.to_string(), line)),
            Ok(None) => uploaded.ignored += 1,
            Err(fault) => {
                uploaded.skipped += 1;
                tracing::info!(
                    device = device.id.0,
                    fault = fault.as_str(),
                    "an uploaded line is skipped"
                );
            }
        }
    }
    uploaded.taken = lines.len() as u64 + uploaded.ignored;
    let outcome = take_lines(store, device, lines, now).await?;
    uploaded.stored = outcome.stored;
    uploaded.duplicates = outcome.duplicates;
    uploaded.unmatched = outcome.unmatched;
    uploaded.quarantined = outcome.quarantined;
    Ok(uploaded)
}

#[derive(Default)]
pub(crate) struct Taken {
    pub(crate) stored: u64,
    pub(crate) duplicates: u64,
    pub(crate) unmatched: u64,
    pub(crate) quarantined: u64,
}

/// Stores parsed lines of a claimed device (an upload, or its quarantine imported).
pub(crate) async fn take_lines(
    store: &Store,
    device: &PushDevice,
    mut lines: Vec<(String, AttLine)>,
    now: i64,
) -> AppResult<Taken> {
    let zone = zone_of(device);
    let mut taken = Taken::default();
    let mut ahead = Vec::new();
    let mut set_time = false;
    lines.retain(|(raw, line)| {
        let at = zone.local_instant(civil(line.date), line.seconds);
        if at > now + AHEAD_KEPT {
            ahead.push((
                raw.clone(),
                format!("{} s ahead of the server's clock", at - now),
            ));
            set_time = true;
            false
        } else {
            set_time |= at > now + crate::clock::FUTURE_SLACK;
            true
        }
    });
    lines.sort_by_key(|(_, line)| (line.date, line.seconds));
    let pins: Vec<String> = {
        let mut pins: Vec<String> = lines.iter().map(|(_, l)| l.pin.clone()).collect();
        pins.sort_unstable();
        pins.dedup();
        pins
    };
    let company = device.company_id;
    let known = lookups::by_ids_or_pins(store.connection(), company, &[], &pins).await?;
    let by_pin: HashMap<String, i64> = known.into_iter().map(|r| (r.pin_code, r.id)).collect();
    let directions = directions(store, device, &zone, &lines, &by_pin).await?;
    let mut events = Vec::new();
    let mut unmatched = Vec::new();
    for ((_, line), direction) in lines.iter().zip(directions) {
        if by_pin.contains_key(&line.pin) {
            events.push(TerminalEvent {
                uid: line.uid(),
                employee: Who::Pin(line.pin.clone()),
                direction,
                when: When::Local {
                    date: line.date,
                    seconds: line.seconds,
                },
                location_id: None,
                verify_mode: line.verify,
                work_code: Some(line.work_code.clone()).filter(|w| !w.is_empty()),
            });
        } else {
            unmatched.push(NewUnmatched {
                device_id: device.id,
                pin: line.pin.clone(),
                at: zone.local_instant(civil(line.date), line.seconds),
                direction: direction.name().to_string(),
                verify_mode: line.verify,
                work_code: Some(line.work_code.clone()).filter(|w| !w.is_empty()),
                uid: line.uid(),
            });
        }
    }
    let terminal = Terminal {
        device_id: device.id,
        company_id: company,
        location_id: device.location_id,
        zone,
        future_slack: AHEAD_KEPT,
    };
    let recorded = terminal_events::record(store, &terminal, events, now).await?;
    taken.stored = recorded.accepted;
    taken.duplicates = recorded.duplicates;
    // A PIN removed between the lookup and the insert: kept unmatched too; any other
    // refusal (a date davomat does not store) goes to quarantine.
    for refused in recorded.refused {
        let line = lines.iter().find(|(_, l)| l.uid() == refused.uid);
        if let Some((raw, line)) = line {
            if refused.code == FieldCode::UnknownReference {
                unmatched.push(NewUnmatched {
                    device_id: device.id,
                    pin: line.pin.clone(),
                    at: terminal.zone.local_instant(civil(line.date), line.seconds),
                    direction: "in".to_string(),
                    verify_mode: line.verify,
                    work_code: None,
                    uid: line.uid(),
                });
            } else {
                ahead.push((raw.clone(), refused.reason.to_string()));
            }
        }
    }
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    if !unmatched.is_empty() {
        terminals::keep_unmatched(&writer, company, &unmatched, now).await?;
        taken.unmatched = unmatched.len() as u64;
    }
    if !ahead.is_empty() {
        let serial = davomat_store::devices::get(&writer, company, device.id.0)
            .await?
            .map(|d| d.serial_number)
            .unwrap_or_default();
        terminals::quarantine(&writer, &serial, "ATTLOG", &ahead, now).await?;
        taken.quarantined = ahead.len() as u64;
    }
    if set_time {
        queue_time_sync(&writer, device.company_id, device.id, &zone_of(device), now).await?;
    }
    Ok(taken)
}

/// Queues the command that sets the device's clock to the server's (once while one
/// waits).
async fn queue_time_sync(
    conn: &impl davomat_store::ConnectionTrait,
    company: davomat_core::CompanyId,
    device: DeviceId,
    zone: &CompanyZone,
    now: i64,
) -> AppResult<()> {
    const PREFIX: &str = "SET OPTIONS DateTime=";
    if terminals::command_waiting(conn, device, PREFIX).await? {
        return Ok(());
    }
    let local = now + i64::from(zone.offset_at(now));
    let date = chrono::DateTime::from_timestamp(local, 0)
        .map(|t| t.date_naive())
        .ok_or_else(|| AppError::Internal("the server's clock".into()))?;
    let command = adms::set_time_command(date, local.rem_euclid(86_400));
    terminals::queue_command(conn, company, device, &command, now).await?;
    Ok(())
}

/// In or out for each line (in the lines' order): the punch state, else the device's
/// rule — `alternate`: the employee's events of the day before the punch (stored, and
/// earlier lines of the batch) counted, an even count an arrival.
async fn directions(
    store: &Store,
    device: &PushDevice,
    zone: &CompanyZone,
    lines: &[(String, AttLine)],
    by_pin: &HashMap<String, i64>,
) -> AppResult<Vec<EventKind>> {
    let undecided: Vec<&AttLine> = lines
        .iter()
        .map(|(_, l)| l)
        .filter(|l| adms::direction_of_status(l.status).is_none())
        .collect();
    let alternate = device.direction_rule == "alternate";
    let mut counts: HashMap<(i64, chrono::NaiveDate), usize> = HashMap::new();
    // Stored events are counted only for the `alternate` rule; `status` reads an
    // undecided punch as an arrival without looking.
    if alternate && !undecided.is_empty() {
        let employees: Vec<i64> = {
            let mut ids: Vec<i64> = undecided
                .iter()
                .filter_map(|l| by_pin.get(&l.pin).copied())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let first = undecided.iter().map(|l| l.date).min();
        let last = lines.iter().map(|(_, l)| l.date).max();
        if let (Some(first), Some(last)) = (first, last) {
            let from = zone.day_start(civil(first));
            let to = zone.day_start(civil(last.succ_opt().unwrap_or(last)));
            let stored = clock_events::of_employees(
                store.connection(),
                device.company_id,
                &employees,
                from,
                to,
            )
            .await?;
            // Events stored before this batch's first line count; the batch's own
            // lines (resent ones included) are counted as they come below.
            let batch_start = lines
                .first()
                .map(|(_, l)| zone.local_instant(civil(l.date), l.seconds))
                .unwrap_or(to);
            for event in stored.iter().filter(|e| e.at < batch_start) {
                if let Some(date) = zone.date_of(event.at) {
                    let date = davomat_core::dates::naive(date);
                    *counts.entry((event.employee_id.0, date)).or_default() += 1;
                }
            }
        }
    }
    Ok(lines
        .iter()
        .map(|(_, line)| {
            let employee = by_pin.get(&line.pin).copied().unwrap_or(0);
            let count = counts.entry((employee, line.date)).or_default();
            let direction =
                adms::direction_of_status(line.status).unwrap_or(if alternate && *count % 2 == 1 {
                    EventKind::Out
                } else {
                    EventKind::In
                });
            *count += 1;
            direction
        })
        .collect())
}

/// A poll (`GET /iclock/getrequest?SN=…[&INFO=…]`): the commands due, as
/// `C:<id>:<command>` lines, or `OK`.
pub async fn poll(
    store: &Store,
    knock: Knock<'_>,
    info: Option<&str>,
    now: i64,
) -> AppResult<Result<String, Refusal>> {
    let device = match self::knock(store, &knock, now).await? {
        Err(refusal) => return Ok(Err(refusal)),
        Ok(Known::Pending) => return Ok(Ok("OK".to_string())),
        Ok(Known::Claimed(device)) => device,
    };
    if CompanyStatus::Active != device.company_status.0 {
        return Ok(Ok("OK".to_string()));
    }
    crate::terminal_users::follow(store, &device, now).await?;
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    if let Some(info) = info.filter(|i| !i.trim().is_empty()) {
        let DeviceInfo {
            firmware,
            users,
            logs,
        } = adms::device_info(info);
        terminals::note_info(&writer, device.id, firmware.as_deref(), users, logs).await?;
    }
    let due =
        terminals::take_commands(&writer, device.id, now, RESEND_AFTER, COMMANDS_A_POLL).await?;
    if due.is_empty() {
        return Ok(Ok("OK".to_string()));
    }
    let lines: Vec<String> = due
        .iter()
        .map(|c| adms::command_line(c.id, &c.command))
        .collect();
    Ok(Ok(lines.join("\n") + "\n"))
}

/// Command results (`POST /iclock/devicecmd?SN=…`): each closes its command (done, or
/// failed with the firmware's code); answers how many were the device's.
pub async fn command_results(
    store: &Store,
    knock: Knock<'_>,
    body: &str,
    now: i64,
) -> AppResult<Result<u64, Refusal>> {
    let device = match self::knock(store, &knock, now).await? {
        Err(refusal) => return Ok(Err(refusal)),
        Ok(Known::Pending) => return Ok(Ok(0)),
        Ok(Known::Claimed(device)) => device,
    };
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    let mut closed = 0;
    for result in adms::command_results(body) {
        let Ok(id) = result.id.parse::<i64>() else {
            continue;
        };
        if terminals::close_command(&writer, device.id, id, result.code, now).await? {
            closed += 1;
        }
    }
    Ok(Ok(closed))
}

/// Imports a claimed device's quarantined lines of the last 30 days (those kept while
/// it was pending, or too far ahead then): each goes through the same path as an upload
/// now. Operator or admin doors check who may.
pub async fn import_quarantine(
    store: &Store,
    company: davomat_core::CompanyId,
    device: DeviceId,
    now: i64,
) -> AppResult<Uploaded> {
    let row = davomat_store::devices::get(store.connection(), company, device.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let push = terminals::by_serial(store, &row.serial_number)
        .await?
        .ok_or(AppError::NotFound)?;
    let since = now - QUARANTINE_DAYS * 86_400;
    let kept = terminals::quarantined_since(store.connection(), &row.serial_number, since).await?;
    let mut uploaded = Uploaded::default();
    let mut lines = Vec::new();
    let mut ids = Vec::new();
    for line in &kept {
        let Some(read) = reader_of(&line.table_name) else {
            continue;
        };
        ids.push(line.id);
        match read(&line.line) {
            Ok(Some(parsed)) => lines.push((line.line.clone(), parsed)),
            Ok(None) => uploaded.ignored += 1,
            Err(_) => uploaded.skipped += 1,
        }
    }
    uploaded.taken = lines.len() as u64 + uploaded.ignored;
    // Marked first: a line still too far ahead is quarantined again as a new row.
    {
        let writer = store.write_connection().await;
        writer.changes_nothing_cached();
        terminals::mark_imported(&writer, &ids, now).await?;
    }
    let outcome = take_lines(store, &push, lines, now).await?;
    uploaded.stored = outcome.stored;
    uploaded.duplicates = outcome.duplicates;
    uploaded.unmatched = outcome.unmatched;
    uploaded.quarantined = outcome.quarantined;
    Ok(uploaded)
}

/// What an operator claims a terminal with (`davomat device claim`).
#[derive(Clone, Debug)]
pub struct Claim {
    pub serial: String,
    pub company: davomat_core::CompanyId,
    pub location: davomat_core::LocationId,
    /// An IANA zone; the company's when none.
    pub time_zone: Option<String>,
}

/// Why a claim is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimRefusal {
    BadSerial,
    NoSuchCompany,
    NoSuchLocation,
    BadTimeZone,
    /// Another device (of any company) has the serial.
    SerialTaken,
}

/// Claims a terminal for a company at one of its locations — an operator's command
/// (`by` none) or an admin in the console for their own company (`POST /v1/devices`
/// claims too): a device of type `terminal` with that serial, the pending serial
/// forgotten, logged as the device's creation. Answers the device's id.
pub async fn claim(
    store: &Store,
    claim: Claim,
    by: Option<&crate::caller::Caller>,
    now: i64,
) -> AppResult<Result<DeviceId, ClaimRefusal>> {
    if let Some(caller) = by {
        crate::devices::authorize(caller)?;
        if caller.company_id != claim.company {
            return Err(AppError::Forbidden);
        }
    }
    use davomat_core::activity::{Message, ObjectKind};
    use davomat_store::activity::{self, NewActivity};
    use davomat_store::devices::{self, DeviceFields};

    let serial = claim.serial.trim().to_string();
    if !valid_serial(&serial) {
        return Ok(Err(ClaimRefusal::BadSerial));
    }
    let company = match davomat_store::companies::get(store, claim.company).await {
        Ok(company) => company,
        Err(davomat_store::StoreError::NotFound) => return Ok(Err(ClaimRefusal::NoSuchCompany)),
        Err(err) => return Err(err.into()),
    };
    let time_zone = claim
        .time_zone
        .clone()
        .unwrap_or_else(|| company.time_zone.clone());
    if CompanyZone::named(&time_zone).is_none() {
        return Ok(Err(ClaimRefusal::BadTimeZone));
    }
    let txn = store.begin().await?;
    txn.changes([davomat_store::read_cache::Dependency::Directory(
        claim.company,
    )]);
    if !devices::location_exists(&txn, claim.company, claim.location).await? {
        return Ok(Err(ClaimRefusal::NoSuchLocation));
    }
    if devices::serial_taken(&txn, &serial, None).await? {
        return Ok(Err(ClaimRefusal::SerialTaken));
    }
    let fields = DeviceFields {
        serial_number: serial.clone(),
        kind: "terminal".to_string(),
        location_id: Some(claim.location),
        time_zone,
        additional_button: false,
        save_image_gallery: false,
        front_camera: false,
        photo_audit: false,
        qr_code: false,
    };
    let token = davomat_store::secrets::new_token();
    let digest = davomat_core::token::digest(&token);
    let id = devices::insert(&txn, claim.company, &fields, &digest, now).await?;
    terminals::forget_pending(&txn, &serial).await?;
    let entry = NewActivity {
        company_id: claim.company,
        actor: by.map(|caller| caller.actor()),
        action_name: "createDevice",
        object_id: Some(id),
        person_id: None,
        assigned: Some(serial.clone()),
        message: Message::Created {
            kind: ObjectKind::Device,
            title: serial,
        },
    };
    activity::record(&txn, entry, company.lang(), now).await?;
    txn.commit().await?;
    Ok(Ok(DeviceId(id)))
}

/// A terminal is online when it was heard from within this many seconds (it polls
/// every 10).
pub const ONLINE_WITHIN: i64 = 120;

/// True when a device last heard from at `last_seen` is online at `now`.
pub fn online(last_seen: Option<i64>, now: i64) -> bool {
    last_seen.is_some_and(|at| now - at <= ONLINE_WITHIN)
}

/// The serials waiting for a claim (admins of any company see them, without the
/// addresses they called from: those are another company's business).
pub async fn pending(
    store: &Store,
    caller: &crate::caller::Caller,
) -> AppResult<Vec<terminals::PendingTerminal>> {
    crate::devices::authorize(caller)?;
    Ok(terminals::all_pending(store).await?)
}

/// How a terminal's punches are read (`status` or `alternate`) and the network it may
/// call from, as an admin sets them.
pub async fn set_rules(
    store: &Store,
    caller: &crate::caller::Caller,
    device: DeviceId,
    direction_rule: &str,
    allowed_network: &str,
) -> AppResult<()> {
    use davomat_core::validation::{FieldErrors, Reason};
    crate::devices::authorize(caller)?;
    let conn = store.connection();
    davomat_store::devices::get(conn, caller.company_id, device.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    if !DIRECTION_RULES.contains(&direction_rule) {
        errors.add("direction_rule", FieldCode::InvalidValue, Reason::Plain);
    }
    let network = allowed_network.trim();
    if !network.is_empty() && !valid_network(network) {
        errors.add("allowed_network", FieldCode::InvalidValue, Reason::Plain);
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    let network = Some(network).filter(|n| !n.is_empty());
    terminals::set_rules(&writer, caller.company_id, device, direction_rule, network).await?;
    Ok(())
}

/// The rules a terminal's punches without a state are read by.
pub const DIRECTION_RULES: [&str; 2] = ["status", "alternate"];

/// An address or `address/bits` that reads.
fn valid_network(text: &str) -> bool {
    let (address, bits) = match text.split_once('/') {
        Some((address, bits)) => (address, Some(bits)),
        None => (text, None),
    };
    let Ok(address) = address.trim().parse::<IpAddr>() else {
        return false;
    };
    let most = if address.is_ipv4() { 32 } else { 128 };
    bits.is_none_or(|b| b.trim().parse::<u32>().is_ok_and(|b| b <= most))
}

/// What an admin asks a terminal to do from its page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TerminalAction {
    /// Restart.
    Reboot,
    /// Set its clock to the server's, in its zone.
    SetTime,
    /// Upload its attendance log of these days (its local dates) again; lines already
    /// stored are stored once.
    ResendLog {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
}

/// The longest range a terminal is asked to upload again, in days.
pub const RESEND_DAYS_MAX: i64 = 93;

impl TerminalAction {
    /// Reads a console form: `action` (`reboot`, `set_time`, `resend_log`) and, for
    /// `resend_log`, the dates `from` and `to` (at most [`RESEND_DAYS_MAX`] days).
    pub fn read(action: &str, from: &str, to: &str) -> AppResult<TerminalAction> {
        use davomat_core::validation::{FieldErrors, Reason};
        let mut errors = FieldErrors::new();
        let date = |text: &str| chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        let action = match action {
            "reboot" => Some(TerminalAction::Reboot),
            "set_time" => Some(TerminalAction::SetTime),
            "resend_log" => match (date(from), date(to)) {
                (Some(from), Some(to)) if to < from => {
                    let before = Reason::NotBefore("from".into());
                    errors.add("to", FieldCode::DateTooEarly, before);
                    None
                }
                (Some(from), Some(to)) if (to - from).num_days() >= RESEND_DAYS_MAX => {
                    errors.add("to", FieldCode::InvalidValue, Reason::Plain);
                    None
                }
                (Some(from), Some(to)) => Some(TerminalAction::ResendLog { from, to }),
                (first, second) => {
                    if first.is_none() {
                        errors.add("from", FieldCode::DateFormat, Reason::Plain);
                    }
                    if second.is_none() {
                        errors.add("to", FieldCode::DateFormat, Reason::Plain);
                    }
                    None
                }
            },
            _ => {
                errors.add("action", FieldCode::InvalidValue, Reason::Plain);
                None
            }
        };
        match action {
            Some(action) if errors.is_empty() => Ok(action),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

/// Queues an admin's command for a terminal of the company (reboot, set its time,
/// upload a range of its log again); its page lists it with the terminal's result.
pub async fn queue_action(
    store: &Store,
    caller: &crate::caller::Caller,
    device: DeviceId,
    action: TerminalAction,
    now: i64,
) -> AppResult<()> {
    crate::devices::authorize(caller)?;
    let company = caller.company_id;
    let row = davomat_store::devices::get(store.connection(), company, device.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    match action {
        TerminalAction::Reboot => {
            terminals::queue_command(&writer, company, device, adms::REBOOT_COMMAND, now).await?;
        }
        TerminalAction::SetTime => {
            let zone = CompanyZone::named_or_default(&row.time_zone);
            queue_time_sync(&writer, company, device, &zone, now).await?;
        }
        TerminalAction::ResendLog { from, to } => {
            let command =
                adms::query_log_command(&format!("{from} 00:00:00"), &format!("{to} 23:59:59"));
            terminals::queue_command(&writer, company, device, &command, now).await?;
        }
    }
    Ok(())
}

/// Imports the quarantine of the caller's device (admins).
pub async fn import_for(
    store: &Store,
    caller: &crate::caller::Caller,
    device: DeviceId,
    now: i64,
) -> AppResult<Uploaded> {
    crate::devices::authorize(caller)?;
    import_quarantine(store, caller.company_id, device, now).await
}

/// The company's unmatched punches not attached yet, newest first (admins).
pub async fn unmatched(
    store: &Store,
    caller: &crate::caller::Caller,
) -> AppResult<Vec<terminals::Unmatched>> {
    crate::devices::authorize(caller)?;
    Ok(terminals::unmatched(store, caller.company_id, 500).await?)
}

/// Attaches an unmatched punch to an employee of the company: it becomes their clock
/// event (from the device, with its time and direction, idempotent on its uid) and
/// leaves the unmatched list. 404 for a punch or an employee not the company's.
pub async fn attach(
    store: &Store,
    caller: &crate::caller::Caller,
    punch: i64,
    employee: davomat_core::EmployeeId,
    now: i64,
) -> AppResult<()> {
    crate::devices::authorize(caller)?;
    let company = caller.company_id;
    let found = terminals::unmatched_one(store.connection(), company, punch)
        .await?
        .ok_or(AppError::NotFound)?;
    if found.attached_event_id.is_some() {
        return Err(AppError::NotApplicable);
    }
    let device = davomat_store::devices::get(store.connection(), company, found.device_id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let known = lookups::by_ids_or_pins(store.connection(), company, &[employee.0], &[]).await?;
    if known.is_empty() {
        return Err(AppError::NotFound);
    }
    let zone = CompanyZone::named_or_default(&device.time_zone);
    let terminal = Terminal {
        device_id: found.device_id,
        company_id: company,
        location_id: device.location_id,
        zone: zone.clone(),
        future_slack: AHEAD_KEPT,
    };
    let local = found.at + i64::from(zone.offset_at(found.at));
    let date = chrono::DateTime::from_timestamp(local, 0)
        .map(|t| t.date_naive())
        .ok_or_else(|| AppError::Internal("the punch's time".into()))?;
    let event = TerminalEvent {
        uid: found.uid.clone(),
        employee: Who::Id(employee.0),
        direction: if found.direction == "out" {
            EventKind::Out
        } else {
            EventKind::In
        },
        when: When::Local {
            date,
            seconds: local.rem_euclid(86_400),
        },
        location_id: None,
        verify_mode: found.verify_mode,
        work_code: found.work_code.clone(),
    };
    terminal_events::record(store, &terminal, vec![event], now).await?;
    let stored = clock_events::id_of_device_uid(store.connection(), found.device_id, &found.uid)
        .await?
        .ok_or_else(|| AppError::Internal("the attached punch was not stored".into()))?;
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    terminals::attach(&writer, found.id, stored).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_allow_their_addresses_only() {
        let ip = |s: &str| s.parse::<IpAddr>().expect("an address");
        assert!(network_allows(None, ip("203.0.113.9")));
        assert!(network_allows(Some(""), ip("203.0.113.9")));
        assert!(network_allows(Some("10.0.0.0/8"), ip("10.20.30.40")));
        assert!(!network_allows(Some("10.0.0.0/8"), ip("11.0.0.1")));
        assert!(network_allows(Some("192.168.1.7"), ip("192.168.1.7")));
        assert!(!network_allows(Some("192.168.1.7"), ip("192.168.1.8")));
        assert!(!network_allows(Some("10.0.0.0/8"), ip("::1")));
        assert!(!network_allows(Some("not a network"), ip("10.0.0.1")));
        assert!(network_allows(Some("fd00::/8"), ip("fd12::1")));
    }

    #[test]
    fn serials_are_letters_digits_and_dashes() {
        assert!(valid_serial("CJDE214560123"));
        assert!(valid_serial("A-1_b"));
        assert!(!valid_serial(""));
        assert!(!valid_serial("a b"));
        assert!(!valid_serial(&"x".repeat(65)));
    }
}
