//! Devices (terminals and phones) of a company, with the token each one uses for the
//! device API (kept as its digest).

use davomat_core::page::PageRequest;
use davomat_core::{CompanyId, CompanyStatus, DeviceId, LocationId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::sql::Columns;
use crate::text::Text;
use crate::{Store, StoreResult, sql};

/// A device with the title of its location.
#[derive(Clone, Debug, FromQueryResult)]
pub struct DeviceRow {
    pub id: DeviceId,
    pub serial_number: String,
    pub kind: String,
    pub location_id: Option<LocationId>,
    pub location_name: Option<String>,
    pub time_zone: String,
    pub battery_level: Option<i64>,
    pub os_type: Option<String>,
    pub os_version: Option<String>,
    pub app_version: Option<String>,
    pub logged_user_name: Option<String>,
    pub additional_button: bool,
    pub save_image_gallery: bool,
    pub front_camera: bool,
    pub photo_audit: bool,
    pub qr_code: bool,
    pub last_request_at: Option<i64>,
    /// What a terminal pushing over ADMS told about itself (none for other devices).
    pub firmware: Option<String>,
    pub push_version: Option<String>,
    pub user_count: Option<i64>,
    pub log_count: Option<i64>,
    /// How punches without a state are read (`status`, `alternate`).
    pub direction_rule: String,
    pub allowed_network: Option<String>,
    /// What a Hikvision terminal's employee number is: `pin_code` or `tab_number`.
    pub employee_key: String,
    /// A kiosk's title.
    pub title: Option<String>,
}

const SELECT: &str = "SELECT d.id, d.serial_number, d.kind, d.location_id, l.title AS location_name, d.time_zone, \
     d.battery_level, d.os_type, d.os_version, d.app_version, d.logged_user_name, d.additional_button, \
     d.save_image_gallery, d.front_camera, d.photo_audit, d.qr_code, d.last_request_at, d.firmware, \
     d.push_version, d.user_count, d.log_count, d.direction_rule, d.allowed_network, d.employee_key, d.title \
     FROM devices d LEFT JOIN locations l ON l.id = d.location_id";

/// What an admin sets on a device.
#[derive(Clone, Debug)]
pub struct DeviceFields {
    pub serial_number: String,
    pub kind: String,
    pub location_id: Option<LocationId>,
    pub time_zone: String,
    pub additional_button: bool,
    pub save_image_gallery: bool,
    pub front_camera: bool,
    pub photo_audit: bool,
    pub qr_code: bool,
}

/// One page of the company's devices by id, and the total.
pub async fn list(
    store: &Store,
    company: CompanyId,
    page: PageRequest,
) -> StoreResult<(Vec<DeviceRow>, u64)> {
    let total = sql::scalar(
        store.conn(),
        "SELECT count(*) FROM devices WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?
    .unwrap_or(0) as u64;
    let rows = sql::all(
        store.conn(),
        &format!(
            "{SELECT} WHERE d.company_id = $1 ORDER BY d.id LIMIT {} OFFSET {}",
            page.per_page,
            page.offset()
        ),
        vec![company.0.into()],
    )
    .await?;
    Ok((rows, total))
}

/// One device of the company.
pub async fn get(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
) -> StoreResult<Option<DeviceRow>> {
    sql::one(
        conn,
        &format!("{SELECT} WHERE d.id = $1 AND d.company_id = $2"),
        vec![id.into(), company.0.into()],
    )
    .await
}

/// True when another device (anywhere on this server) has the serial number.
pub async fn serial_taken(
    conn: &impl ConnectionTrait,
    serial: &str,
    except: Option<DeviceId>,
) -> StoreResult<bool> {
    Ok(sql::scalar(
        conn,
        "SELECT count(*) FROM devices WHERE serial_number = $1 AND id <> $2",
        vec![serial.into(), except.map_or(0, |id| id.0).into()],
    )
    .await?
    .unwrap_or(0)
        > 0)
}

/// Inserts a device with the digest of its token and answers its id.
pub async fn insert(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    fields: &DeviceFields,
    token_hash: &str,
    now: i64,
) -> StoreResult<i64> {
    sql::insert_row(
        conn,
        "devices",
        Columns::new()
            .set("company_id", company.0)
            .set("serial_number", fields.serial_number.clone())
            .set("kind", fields.kind.clone())
            .set("location_id", fields.location_id)
            .set("time_zone", fields.time_zone.clone())
            .set("additional_button", fields.additional_button)
            .set("save_image_gallery", fields.save_image_gallery)
            .set("front_camera", fields.front_camera)
            .set("photo_audit", fields.photo_audit)
            .set("qr_code", fields.qr_code)
            .set("token_hash", token_hash)
            .set("created_at", now),
    )
    .await
}

/// Replaces what an admin sets on a device.
pub async fn update(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
    fields: &DeviceFields,
) -> StoreResult<()> {
    sql::update_rows(
        conn,
        "devices",
        Columns::new()
            .set("serial_number", fields.serial_number.clone())
            .set("kind", fields.kind.clone())
            .set("location_id", fields.location_id)
            .set("time_zone", fields.time_zone.clone())
            .set("additional_button", fields.additional_button)
            .set("save_image_gallery", fields.save_image_gallery)
            .set("front_camera", fields.front_camera)
            .set("photo_audit", fields.photo_audit)
            .set("qr_code", fields.qr_code),
        Columns::new().set("id", id).set("company_id", company.0),
    )
    .await?;
    Ok(())
}

/// Sets a device's title (kiosks).
pub async fn set_title(conn: &impl ConnectionTrait, id: i64, title: &str) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE devices SET title = $2 WHERE id = $1",
        vec![id.into(), title.into()],
    )
    .await?;
    Ok(())
}

/// Gives a device a new token (by its digest): the old one stops working.
pub async fn replace_token(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: i64,
    token_hash: &str,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE devices SET token_hash = $3 WHERE id = $1 AND company_id = $2",
        vec![id.into(), company.0.into(), token_hash.into()],
    )
    .await?;
    Ok(())
}

/// Removes a device.
pub async fn delete(conn: &impl ConnectionTrait, company: CompanyId, id: i64) -> StoreResult<()> {
    sql::execute(
        conn,
        "DELETE FROM devices WHERE id = $1 AND company_id = $2",
        vec![id.into(), company.0.into()],
    )
    .await?;
    Ok(())
}

/// True when the location belongs to the company.
pub async fn location_exists(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    location_id: LocationId,
) -> StoreResult<bool> {
    Ok(sql::scalar(
        conn,
        "SELECT count(*) FROM locations WHERE id = $1 AND company_id = $2",
        vec![location_id.into(), company.0.into()],
    )
    .await?
    .unwrap_or(0)
        > 0)
}

/// A device found by its token, with its company's state and zone.
#[derive(Clone, Debug, FromQueryResult)]
pub struct DeviceAuth {
    pub id: DeviceId,
    pub company_id: CompanyId,
    pub location_id: Option<LocationId>,
    pub last_request_at: Option<i64>,
    pub company_status: Text<CompanyStatus>,
    pub company_time_zone: String,
}

/// How stale `last_request_at` may get before a request writes it again: a device
/// sending a batch a second does not write its row a second.
const LAST_REQUEST_PRECISION: i64 = 60;

/// The device holding this token (compared by digest); notes `now` as its last
/// request time when the one stored is older than a minute.
pub async fn by_token(store: &Store, token: &str, now: i64) -> StoreResult<Option<DeviceAuth>> {
    let device: Option<DeviceAuth> = sql::one(
        store.conn(),
        "SELECT d.id, d.company_id, d.location_id, d.last_request_at, c.status AS company_status, \
         c.time_zone AS company_time_zone FROM devices d JOIN companies c ON c.id = d.company_id \
         WHERE d.token_hash = $1",
        vec![davomat_core::token::digest(token).into()],
    )
    .await?;
    if let Some(device) = &device
        && device
            .last_request_at
            .is_none_or(|at| at <= now - LAST_REQUEST_PRECISION)
    {
        // Nothing cached shows a device's last request.
        let writer = store.write_connection().await;
        writer.changes_nothing_cached();
        sql::execute(
            &writer,
            "UPDATE devices SET last_request_at = $1, offline_announced = FALSE WHERE id = $2",
            vec![now.into(), device.id.into()],
        )
        .await?;
    }
    Ok(device)
}
