//! What a kiosk needs from the store: the person a PIN code or QR code names in the
//! kiosk's company (with their face key, status and whether they may clock at the
//! kiosk's location), and the event a kiosk's uid already became.

use davomat_core::engine::EventKind;
use davomat_core::{CompanyId, DeviceId, EmployeeStatus, LocationId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::text::Text;
use crate::{StoreResult, sql};

/// How a person identified themself at the kiosk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    PinCode,
    QrCode,
}

impl Credential {
    fn column(self) -> &'static str {
        match self {
            Credential::PinCode => "pin_code",
            Credential::QrCode => "qrcode",
        }
    }
}

/// The person at the kiosk.
#[derive(Clone, Debug, FromQueryResult)]
pub struct KioskPerson {
    pub id: i64,
    pub full_name: String,
    pub status: Text<EmployeeStatus>,
    pub photo_key: Option<String>,
    /// 1 when the employee may clock at the kiosk's location.
    pub allowed_here: i64,
}

/// The kiosk's view of an employee of the company, found by `column = $2`.
fn person_where(column: &str) -> String {
    format!(
        "SELECT e.id, e.full_name, e.status, f.photo_key, \
         (SELECT count(*) FROM employee_locations el WHERE el.employee_id = e.id AND el.location_id = $3) \
         AS allowed_here FROM employees e \
         LEFT JOIN faces f ON f.employee_id = e.id AND f.company_id = e.company_id \
         WHERE e.company_id = $1 AND e.{column} = $2 ORDER BY e.id LIMIT 1"
    )
}

/// The employee of the company whose PIN code or QR code is `value` (an empty value
/// names nobody).
pub async fn person(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    credential: Credential,
    value: &str,
    location: LocationId,
) -> StoreResult<Option<KioskPerson>> {
    if value.is_empty() {
        return Ok(None);
    }
    sql::one(
        conn,
        &person_where(credential.column()),
        vec![company.0.into(), value.into(), location.0.into()],
    )
    .await
}

/// The person of an employee of the company by id.
pub async fn person_by_id(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: i64,
    location: LocationId,
) -> StoreResult<Option<KioskPerson>> {
    sql::one(
        conn,
        &person_where("id"),
        vec![company.0.into(), employee.into(), location.0.into()],
    )
    .await
}

/// An event a kiosk recorded.
#[derive(Clone, Debug, FromQueryResult)]
pub struct KioskEvent {
    pub id: i64,
    pub employee_id: i64,
    pub kind: Text<EventKind>,
    pub at: i64,
}

/// The event the device's uid became, if it did.
pub async fn event_of_uid(
    conn: &impl ConnectionTrait,
    device: DeviceId,
    uid: &str,
) -> StoreResult<Option<KioskEvent>> {
    sql::one(
        conn,
        "SELECT id, employee_id, kind, at FROM clock_events WHERE device_id = $1 AND device_uid = $2",
        vec![device.into(), uid.into()],
    )
    .await
}
