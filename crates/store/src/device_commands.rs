//! The queue of commands face-ID terminals fetch through the device API: load an
//! employee's face template (`addface`) or forget it (`deleteface`). A command stays
//! pending until its device acknowledges it; a newer command about an employee replaces
//! the device's pending ones about them, since only the newest state matters.

use davomat_core::{CompanyId, EmployeeId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{StoreResult, sql};

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
    pub kind: String,
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
            kind.as_str().into(),
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
    device_id: i64,
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
    device_id: i64,
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
