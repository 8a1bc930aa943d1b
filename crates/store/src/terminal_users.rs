//! Which users a ZKTeco-family terminal should hold, and which davomat told it to hold
//! (migration 0014). Writes that can change who is employed, a PIN, a name or an
//! employee's locations note the employee in `roster_changes` in their own
//! transaction; each terminal keeps a cursor into those changes and, per employee, the
//! user line it was last sent (`terminal_users`), so that only differences are sent.

use davomat_core::{CompanyId, DeviceId, EmployeeId, LocationId};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use crate::{StoreResult, sql};

/// Notes that the employee's terminal user may have changed.
pub async fn note_change(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "INSERT INTO roster_changes (company_id, employee_id, changed_at) VALUES ($1, $2, $3)",
        vec![company.0.into(), employee.0.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// Notes every employee of the company whose dismissal takes effect on `today` (before
/// the day's step changes their status).
pub async fn note_due_dismissals(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    today: chrono::NaiveDate,
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "INSERT INTO roster_changes (company_id, employee_id, changed_at) \
         SELECT company_id, id, $3 FROM employees WHERE company_id = $1 AND status = 'active' \
         AND dismissal_date IS NOT NULL AND dismissal_date < $2 ORDER BY id",
        vec![company.0.into(), today.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// The company's latest change (0 when it has none).
pub async fn latest_change(conn: &impl ConnectionTrait, company: CompanyId) -> StoreResult<i64> {
    let row: Option<MaybeNumber> = sql::one(
        conn,
        "SELECT max(id) AS value FROM roster_changes WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?;
    Ok(row.and_then(|r| r.value).unwrap_or(0))
}

/// A number that may be NULL.
#[derive(FromQueryResult)]
struct MaybeNumber {
    value: Option<i64>,
}

#[derive(Clone, Debug, FromQueryResult)]
pub struct RosterChange {
    pub id: i64,
    pub employee_id: i64,
}

/// The company's changes after `cursor`, oldest first, at most `limit`.
pub async fn changes_after(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    cursor: i64,
    limit: u64,
) -> StoreResult<Vec<RosterChange>> {
    sql::all(
        conn,
        &format!(
            "SELECT id, employee_id FROM roster_changes WHERE company_id = $1 AND id > $2 \
             ORDER BY id LIMIT {limit}"
        ),
        vec![company.0.into(), cursor.into()],
    )
    .await
}

/// An employee a terminal at a location should hold: employed now and allowed there.
#[derive(Clone, Debug, FromQueryResult)]
pub struct WantedUser {
    pub employee_id: i64,
    pub pin_code: String,
    pub full_name: String,
}

/// The employees a terminal at the location should hold: all of them, or those among
/// `employees`.
pub async fn wanted(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    location: LocationId,
    employees: Option<&[i64]>,
) -> StoreResult<Vec<WantedUser>> {
    let mut values: Vec<Value> = vec![company.0.into(), location.0.into()];
    let among = match employees {
        Some(ids) => format!(
            " AND {}",
            sql::id_in(conn.get_database_backend(), "e.id", ids, &mut values)
        ),
        None => String::new(),
    };
    sql::all(
        conn,
        &format!(
            "SELECT e.id AS employee_id, e.pin_code, e.full_name FROM employees e \
             JOIN employee_locations el ON el.employee_id = e.id \
             WHERE e.company_id = $1 AND el.location_id = $2 AND e.status = 'active'{among} \
             ORDER BY e.id"
        ),
        values,
    )
    .await
}

/// A user davomat told a terminal to hold, with the line it sent.
#[derive(Clone, Debug, FromQueryResult)]
pub struct HeldUser {
    pub employee_id: i64,
    pub pin_code: String,
    pub digest: String,
}

/// The users davomat told the terminal to hold: all, or those of `employees`.
pub async fn held(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    employees: Option<&[i64]>,
) -> StoreResult<Vec<HeldUser>> {
    let mut values: Vec<Value> = vec![device.into()];
    let among = match employees {
        Some(ids) => format!(
            " AND {}",
            sql::id_in(conn.get_database_backend(), "employee_id", ids, &mut values)
        ),
        None => String::new(),
    };
    sql::all(
        conn,
        &format!(
            "SELECT employee_id, pin_code, digest FROM terminal_users WHERE device_id = $1{among} \
             ORDER BY employee_id"
        ),
        values,
    )
    .await
}

/// Records that the terminal was told to hold the employee as this user line.
pub async fn hold(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    employee: i64,
    pin_code: &str,
    digest: &str,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "DELETE FROM terminal_users WHERE device_id = $1 AND employee_id = $2",
        vec![device.into(), employee.into()],
    )
    .await?;
    sql::execute(
        conn,
        "INSERT INTO terminal_users (device_id, employee_id, pin_code, digest) VALUES ($1, $2, $3, $4)",
        vec![device.into(), employee.into(), pin_code.into(), digest.into()],
    )
    .await?;
    Ok(())
}

/// Records that the terminal was told to forget the employee.
pub async fn release(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    employee: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "DELETE FROM terminal_users WHERE device_id = $1 AND employee_id = $2",
        vec![device.into(), employee.into()],
    )
    .await?;
    Ok(())
}

/// The terminal's cursor into the roster's changes (`None`: it compares the whole
/// roster of its location next).
pub async fn cursor(conn: &impl ConnectionTrait, device: DeviceId) -> StoreResult<Option<i64>> {
    let row: Option<MaybeNumber> = sql::one(
        conn,
        "SELECT roster_cursor AS value FROM devices WHERE id = $1",
        vec![device.into()],
    )
    .await?;
    Ok(row.and_then(|r| r.value))
}

/// Moves the terminal's cursor from `from` to `to`; false when another poll moved it
/// first (then this one's differences are not sent).
pub async fn move_cursor(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    from: Option<i64>,
    to: i64,
) -> StoreResult<bool> {
    let moved = match from {
        Some(from) => {
            sql::execute(
                conn,
                "UPDATE devices SET roster_cursor = $2 WHERE id = $1 AND roster_cursor = $3",
                vec![device.into(), to.into(), from.into()],
            )
            .await?
        }
        None => {
            sql::execute(
                conn,
                "UPDATE devices SET roster_cursor = $2 WHERE id = $1 AND roster_cursor IS NULL",
                vec![device.into(), to.into()],
            )
            .await?
        }
    };
    Ok(moved == 1)
}

/// Makes the terminal compare the whole roster of its location at its next poll (it
/// moved to another location).
pub async fn forget_cursor(conn: &impl ConnectionTrait, device: DeviceId) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE devices SET roster_cursor = NULL WHERE id = $1",
        vec![device.into()],
    )
    .await?;
    Ok(())
}
