//! The queue of commands face-ID terminals fetch through the device API: load an
//! employee's face template (`addface`) or forget it (`deleteface`). A command stays
//! pending until its device acknowledges it; a newer command about an employee replaces
//! the device's pending ones about them, since only the newest state matters. When an
//! employee's locations change the terminals follow ([`follow_locations`]); acknowledged
//! commands are pruned after [`KEEP_ACKNOWLEDGED_SECONDS`], except each device's latest
//! about each employee, which says what the device holds.

use std::collections::{BTreeMap, BTreeSet};

use davomat_core::{CompanyId, DeviceId, EmployeeId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::text::{Text, bound};
use crate::{Store, StoreResult, sql};

/// How long an acknowledged command is kept (90 days).
pub const KEEP_ACKNOWLEDGED_SECONDS: i64 = 90 * 86_400;

/// What a terminal is told to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandKind {
    AddFace,
    DeleteFace,
}

impl CommandKind {
    /// The name stored and sent (`addface`, `deleteface`).
    pub fn as_str(self) -> &'static str {
        match self {
            CommandKind::AddFace => "addface",
            CommandKind::DeleteFace => "deleteface",
        }
    }
}

/// A command waiting for its device, with the current key of the employee's face
/// template (`None` when they have none now).
#[derive(Clone, Debug, FromQueryResult)]
pub struct PendingCommand {
    pub id: i64,
    pub kind: Text<CommandKind>,
    pub employee_id: i64,
    pub pin_code: String,
    pub photo_key: Option<String>,
}

/// The devices a command about employee `$2` of company `$1` goes to: those at one of
/// the employee's locations; for `deleteface` also every device an `addface` about them
/// was ever queued for, so that a face leaves the terminals of a location the employee
/// no longer has.
fn targets(kind: CommandKind) -> &'static str {
    match kind {
        CommandKind::AddFace => {
            "SELECT d.id FROM devices d WHERE d.company_id = $1 AND d.location_id IN \
             (SELECT el.location_id FROM employee_locations el WHERE el.employee_id = $2)"
        }
        CommandKind::DeleteFace => {
            "SELECT d.id FROM devices d WHERE d.company_id = $1 AND d.location_id IN \
             (SELECT el.location_id FROM employee_locations el WHERE el.employee_id = $2) \
             UNION SELECT c.device_id FROM device_commands c WHERE c.company_id = $1 \
             AND c.employee_id = $2 AND c.kind = 'addface'"
        }
    }
}

/// Queues `kind` about the employee for its devices, dropping those devices' pending
/// commands about the employee; answers how many commands were queued.
pub async fn queue(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    pin_code: &str,
    kind: CommandKind,
    now: i64,
) -> StoreResult<u64> {
    let targets = targets(kind);
    sql::execute(
        conn,
        &format!(
            "DELETE FROM device_commands WHERE company_id = $1 AND employee_id = $2 \
             AND acked_at IS NULL AND device_id IN ({targets})"
        ),
        vec![company.0.into(), employee.0.into()],
    )
    .await?;
    sql::execute(
        conn,
        &format!(
            "INSERT INTO device_commands (company_id, device_id, employee_id, kind, pin_code, created_at, acked_at) \
             SELECT $1, d.id, $2, $3, $4, $5, NULL FROM devices d WHERE d.company_id = $1 AND d.id IN ({targets}) \
             ORDER BY d.id"
        ),
        vec![
            company.0.into(),
            employee.0.into(),
            bound(kind),
            pin_code.into(),
            now.into(),
        ],
    )
    .await
}

/// The device's pending commands, oldest first, at most `limit`.
pub async fn pending(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    device_id: DeviceId,
    limit: u64,
) -> StoreResult<Vec<PendingCommand>> {
    sql::all(
        conn,
        &format!(
            "SELECT c.id, c.kind, c.employee_id, c.pin_code, f.photo_key FROM device_commands c \
             LEFT JOIN faces f ON f.employee_id = c.employee_id AND f.company_id = c.company_id \
             WHERE c.company_id = $1 AND c.device_id = $2 AND c.acked_at IS NULL ORDER BY c.id LIMIT {limit}"
        ),
        vec![company.0.into(), device_id.into()],
    )
    .await
}

/// Marks the device's own command done. Answers false when the device has no such
/// command (another device's, dropped for a newer one, or never queued); an
/// acknowledged command acknowledged again answers true and keeps its first time.
pub async fn acknowledge(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    device_id: DeviceId,
    id: i64,
    now: i64,
) -> StoreResult<bool> {
    let changed = sql::execute(
        conn,
        "UPDATE device_commands SET acked_at = $1 WHERE id = $2 AND device_id = $3 AND company_id = $4 \
         AND acked_at IS NULL",
        vec![now.into(), id.into(), device_id.into(), company.0.into()],
    )
    .await?;
    if changed > 0 {
        return Ok(true);
    }
    Ok(sql::scalar(
        conn,
        "SELECT count(*) FROM device_commands WHERE id = $1 AND device_id = $2 AND company_id = $3",
        vec![id.into(), device_id.into(), company.0.into()],
    )
    .await?
    .unwrap_or(0)
        > 0)
}

#[derive(FromQueryResult)]
struct FaceStamp {
    created_at: i64,
    pin_code: String,
}

#[derive(FromQueryResult)]
struct SentCommand {
    device_id: i64,
    kind: Text<CommandKind>,
    created_at: i64,
}

#[derive(FromQueryResult)]
struct DeviceRow {
    id: i64,
}

/// After the employee's locations changed, in the same transaction: when they have a
/// face template, every device at one of their locations that was not sent it since it
/// was uploaded gets `addface`, and every device that holds it (its latest command
/// about them is an `addface`) but is at none of their locations now gets `deleteface`.
/// Answers how many commands were queued.
pub async fn follow_locations(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    now: i64,
) -> StoreResult<u64> {
    let face: Option<FaceStamp> = sql::one(
        conn,
        "SELECT f.created_at, e.pin_code FROM faces f JOIN employees e ON e.id = f.employee_id \
         WHERE f.employee_id = $1 AND f.company_id = $2",
        vec![employee.0.into(), company.0.into()],
    )
    .await?;
    let Some(face) = face else {
        return Ok(0);
    };
    let here: Vec<DeviceRow> = sql::all(
        conn,
        targets(CommandKind::AddFace),
        vec![company.0.into(), employee.0.into()],
    )
    .await?;
    let here: BTreeSet<i64> = here.into_iter().map(|d| d.id).collect();
    let sent: Vec<SentCommand> = sql::all(
        conn,
        "SELECT device_id, kind, created_at FROM device_commands \
         WHERE company_id = $1 AND employee_id = $2 ORDER BY id",
        vec![company.0.into(), employee.0.into()],
    )
    .await?;
    let latest: BTreeMap<i64, SentCommand> = sent.into_iter().map(|c| (c.device_id, c)).collect();
    let holds_current = |device: &i64| {
        latest
            .get(device)
            .is_some_and(|c| c.kind.0 == CommandKind::AddFace && c.created_at >= face.created_at)
    };
    let to_add: Vec<i64> = here.iter().copied().filter(|d| !holds_current(d)).collect();
    let to_delete: Vec<i64> = latest
        .iter()
        .filter(|(device, c)| !here.contains(device) && c.kind.0 == CommandKind::AddFace)
        .map(|(device, _)| *device)
        .collect();
    let mut queued = 0;
    for (kind, devices) in [
        (CommandKind::AddFace, to_add),
        (CommandKind::DeleteFace, to_delete),
    ] {
        for device in devices {
            queued += queue_for_device(conn, company, employee, &face.pin_code, kind, device, now)
                .await?;
        }
    }
    Ok(queued)
}

/// Queues `kind` about the employee for one device, dropping its pending commands about
/// them.
async fn queue_for_device(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    pin_code: &str,
    kind: CommandKind,
    device: i64,
    now: i64,
) -> StoreResult<u64> {
    sql::execute(
        conn,
        "DELETE FROM device_commands WHERE company_id = $1 AND employee_id = $2 AND device_id = $3 \
         AND acked_at IS NULL",
        vec![company.0.into(), employee.0.into(), device.into()],
    )
    .await?;
    sql::execute(
        conn,
        "INSERT INTO device_commands (company_id, device_id, employee_id, kind, pin_code, created_at, acked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, NULL)",
        vec![
            company.0.into(),
            device.into(),
            employee.0.into(),
            bound(kind),
            pin_code.into(),
            now.into(),
        ],
    )
    .await
}

/// Deletes the commands acknowledged more than [`KEEP_ACKNOWLEDGED_SECONDS`] before
/// `now`, except each device's latest command about each employee (what the device
/// holds: a later `deleteface` must still find it). Answers how many went.
pub async fn prune_acknowledged(store: &Store, now: i64) -> StoreResult<u64> {
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    sql::execute(
        &writer,
        "DELETE FROM device_commands WHERE acked_at IS NOT NULL AND acked_at < $1 \
         AND EXISTS (SELECT 1 FROM device_commands newer WHERE newer.device_id = device_commands.device_id \
         AND newer.employee_id = device_commands.employee_id AND newer.id > device_commands.id)",
        vec![(now - KEEP_ACKNOWLEDGED_SECONDS).into()],
    )
    .await
}
