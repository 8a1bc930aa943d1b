//! Locations (локации) of a company: offices with their coordinates as the text the
//! client sent, a radius, an address and an IP address, each with the number of active
//! employees linked to it and of devices placed at it; and the writes behind
//! `/v1/locations`. Every function takes the company id; the writes take any connection
//! so that the caller can put them and their activity row in one transaction.

use davomat_core::page::PageRequest;
use davomat_core::{CompanyId, DepartmentId, EmployeeId, LocationId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::read_cache::Dependency;
use crate::{StoreError, StoreResult, sql};

/// A location as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct Location {
    pub id: LocationId,
    pub title: String,
    /// Latitude as sent; `""` when not set.
    pub lat: String,
    /// Longitude as sent; `""` when not set.
    pub lon: String,
    /// Metres.
    pub radius: Option<i64>,
    pub address: Option<String>,
    pub ipv4: Option<String>,
    /// Active employees linked to it.
    pub count_employees: i64,
    /// Devices placed at it.
    pub count_devices: i64,
}

/// What a location is made of. `lat`/`lon` are `""` when not set; the other optional
/// fields `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocationFields {
    pub title: String,
    pub lat: String,
    pub lon: String,
    pub radius: Option<i64>,
    pub address: Option<String>,
    pub ipv4: Option<String>,
}

/// The columns of [`Location`] selected from `locations l`.
const COLUMNS: &str = "l.id, l.title, l.lat, l.lon, l.radius, l.address, l.ipv4, \
     (SELECT count(*) FROM employee_locations el JOIN employees e ON e.id = el.employee_id \
      WHERE el.location_id = l.id AND e.status = 'active') AS count_employees, \
     (SELECT count(*) FROM devices dv WHERE dv.location_id = l.id) AS count_devices";

#[derive(FromQueryResult)]
struct TitleRow {
    id: i64,
    title: String,
}

/// One page of the company's locations by id, and the total.
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn list(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    page: PageRequest,
) -> StoreResult<(Vec<Location>, u64)> {
    let total = sql::scalar(
        conn,
        "SELECT count(*) FROM locations WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?
    .unwrap_or(0) as u64;
    let rows = sql::all(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM locations l WHERE l.company_id = $1 ORDER BY l.id LIMIT {} OFFSET {}",
            page.per_page,
            page.offset()
        ),
        vec![company.0.into()],
    )
    .await?;
    Ok((rows, total))
}

/// One location of the company, if it is one.
#[tracing::instrument(skip_all, fields(company = company.0, location = id.0), err)]
pub async fn find(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: LocationId,
) -> StoreResult<Option<Location>> {
    sql::one(
        conn,
        &format!("SELECT {COLUMNS} FROM locations l WHERE l.company_id = $1 AND l.id = $2"),
        vec![company.0.into(), id.0.into()],
    )
    .await
}

/// The location of the company when the employee is linked to it, for the clock-in
/// answer: the row by its key and the link, the two counts from the store's short-lived
/// total cache (they would otherwise count the location's employees on every clock-in).
pub async fn find_linked(
    store: &crate::Store,
    company: CompanyId,
    id: LocationId,
    employee: EmployeeId,
) -> StoreResult<Option<Location>> {
    let conn = store.connection();
    let found: Option<Location> = sql::one(
        conn,
        "SELECT l.id, l.title, l.lat, l.lon, l.radius, l.address, l.ipv4, \
         CAST(0 AS BIGINT) AS count_employees, CAST(0 AS BIGINT) AS count_devices FROM locations l \
         WHERE l.company_id = $1 AND l.id = $2 \
         AND EXISTS (SELECT 1 FROM employee_locations el WHERE el.location_id = l.id AND el.employee_id = $3)",
        vec![company.0.into(), id.0.into(), employee.into()],
    )
    .await?;
    match found {
        Some(location) => Ok(Some(with_counts(store, company, location).await?)),
        None => Ok(None),
    }
}

/// The location with its two counts from the store's short-lived total cache (they
/// would otherwise count the location's employees on every clock-in).
async fn with_counts(
    store: &crate::Store,
    company: CompanyId,
    mut location: Location,
) -> StoreResult<Location> {
    let id = location.id;
    location.count_employees = cached_count(
        store,
        company,
        format!("location-employees\u{1f}{id}"),
        "SELECT count(*) FROM employee_locations el JOIN employees e ON e.id = el.employee_id \
         WHERE el.location_id = $1 AND e.status = 'active'",
        id,
    )
    .await?;
    location.count_devices = cached_count(
        store,
        company,
        format!("location-devices\u{1f}{id}"),
        "SELECT count(*) FROM devices dv WHERE dv.location_id = $1",
        id,
    )
    .await?;
    Ok(location)
}

/// An employee of the company and a location, read together as a manual clock-in
/// checks them: who the employee is, and whether the location is the company's and
/// one of the employee's.
#[derive(Clone, Debug)]
pub struct EmployeeAtLocation {
    pub employee_id: EmployeeId,
    pub department_id: DepartmentId,
    pub full_name: String,
    /// The location asked about.
    pub location_id: Option<LocationId>,
    /// The location, when the employee is linked to it, with its counts.
    pub linked: Option<Location>,
    /// The location is one of the company's (linked or not).
    pub location_exists: bool,
}

#[derive(FromQueryResult)]
struct EmployeeAtLocationRow {
    employee_id: EmployeeId,
    department_id: DepartmentId,
    full_name: String,
    id: Option<LocationId>,
    title: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
    radius: Option<i64>,
    address: Option<String>,
    ipv4: Option<String>,
    linked: bool,
}

/// The employee of the company and the location `location` (none sent: no location),
/// in one read; `None` when the employee is not the company's.
pub async fn employee_at(
    store: &crate::Store,
    company: CompanyId,
    employee: i64,
    location: Option<LocationId>,
) -> StoreResult<Option<EmployeeAtLocation>> {
    let found: Option<EmployeeAtLocationRow> = sql::one(
        store.connection(),
        "SELECT e.id AS employee_id, e.department_id, e.full_name, \
         l.id, l.title, l.lat, l.lon, l.radius, l.address, l.ipv4, \
         EXISTS (SELECT 1 FROM employee_locations el WHERE el.location_id = l.id AND el.employee_id = e.id) AS linked \
         FROM employees e LEFT JOIN locations l ON l.company_id = e.company_id AND l.id = $3 \
         WHERE e.company_id = $1 AND e.id = $2",
        vec![company.0.into(), employee.into(), location.map(|l| l.0).into()],
    )
    .await?;
    let Some(row) = found else {
        return Ok(None);
    };
    let linked = match (row.id, row.linked) {
        (Some(id), true) => Some(
            with_counts(
                store,
                company,
                Location {
                    id,
                    title: row.title.unwrap_or_default(),
                    lat: row.lat.unwrap_or_default(),
                    lon: row.lon.unwrap_or_default(),
                    radius: row.radius,
                    address: row.address,
                    ipv4: row.ipv4,
                    count_employees: 0,
                    count_devices: 0,
                },
            )
            .await?,
        ),
        _ => None,
    };
    Ok(Some(EmployeeAtLocation {
        employee_id: row.employee_id,
        department_id: row.department_id,
        full_name: row.full_name,
        location_id: location,
        linked,
        location_exists: row.id.is_some(),
    }))
}

/// A count of one location through the store's total cache: it depends on who works
/// where (the company's roster) and on its devices (the company's directory).
async fn cached_count(
    store: &crate::Store,
    company: CompanyId,
    key: String,
    query: &str,
    id: LocationId,
) -> StoreResult<i64> {
    let total = store
        .counts()
        .get_or_read(key, || async {
            let total = sql::scalar(store.connection(), query, vec![id.into()])
                .await?
                .unwrap_or(0);
            let dependencies = vec![Dependency::Roster(company), Dependency::Directory(company)];
            Ok::<_, crate::StoreError>((total as u64, dependencies))
        })
        .await?;
    Ok(total as i64)
}

/// True when a location of the company other than `except` already has this title.
/// Titles compare trimmed and case-insensitively (any script).
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn title_taken(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    title: &str,
    except: Option<LocationId>,
) -> StoreResult<bool> {
    let rows: Vec<TitleRow> = sql::all(
        conn,
        "SELECT id, title FROM locations WHERE company_id = $1",
        vec![company.0.into()],
    )
    .await?;
    let wanted = title_key(title);
    Ok(rows
        .iter()
        .any(|r| Some(LocationId(r.id)) != except && title_key(&r.title) == wanted))
}

fn title_key(title: &str) -> String {
    title.trim().to_lowercase()
}

/// Inserts a location (title trimmed); answers its id. The caller has checked the fields.
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn create(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    fields: &LocationFields,
    now: i64,
) -> StoreResult<LocationId> {
    sql::insert(
        conn,
        "INSERT INTO locations (company_id, title, lat, lon, radius, address, ipv4, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        vec![
            company.0.into(),
            fields.title.trim().into(),
            fields.lat.clone().into(),
            fields.lon.clone().into(),
            fields.radius.into(),
            fields.address.clone().into(),
            fields.ipv4.clone().into(),
            now.into(),
        ],
    )
    .await
    .map(LocationId)
}

/// Replaces a location's fields. `NotFound` when it is not the company's.
#[tracing::instrument(skip_all, fields(company = company.0, location = id.0), err)]
pub async fn update(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: LocationId,
    fields: &LocationFields,
) -> StoreResult<()> {
    let touched = sql::execute(
        conn,
        "UPDATE locations SET title = $1, lat = $2, lon = $3, radius = $4, address = $5, ipv4 = $6 \
         WHERE company_id = $7 AND id = $8",
        vec![
            fields.title.trim().into(),
            fields.lat.clone().into(),
            fields.lon.clone().into(),
            fields.radius.into(),
            fields.address.clone().into(),
            fields.ipv4.clone().into(),
            company.0.into(),
            id.0.into(),
        ],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// True while any employee of the company, whatever their status, is linked to it.
#[tracing::instrument(skip_all, fields(company = company.0, location = id.0), err)]
pub async fn is_linked(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: LocationId,
) -> StoreResult<bool> {
    let linked = sql::scalar(
        conn,
        "SELECT count(*) FROM employee_locations el JOIN employees e ON e.id = el.employee_id \
         WHERE e.company_id = $1 AND el.location_id = $2",
        vec![company.0.into(), id.0.into()],
    )
    .await?
    .unwrap_or(0);
    Ok(linked > 0)
}

/// Deletes a location (the caller has checked that no employee is linked); its devices
/// stay, with no location. `NotFound` when it is not the company's.
#[tracing::instrument(skip_all, fields(company = company.0, location = id.0), err)]
pub async fn delete(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    id: LocationId,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE devices SET location_id = NULL WHERE company_id = $1 AND location_id = $2",
        vec![company.0.into(), id.0.into()],
    )
    .await?;
    let touched = sql::execute(
        conn,
        "DELETE FROM locations WHERE company_id = $1 AND id = $2",
        vec![company.0.into(), id.0.into()],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
