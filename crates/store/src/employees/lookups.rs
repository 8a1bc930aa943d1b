//! Small reads about employees: the first letters of the first names in a scope
//! (`GET /v1/employees/letter`), and one employee's department and locations
//! (`GET /v1/employees/{id}/locations`).

use davomat_core::{CompanyId, EmployeeId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::Visibility;
use crate::locations::Location;
use crate::{StoreResult, sql};

#[derive(FromQueryResult)]
struct LetterRow {
    first_letter: String,
}

/// The distinct first letters (uppercase) of the first names of the active employees
/// the visibility covers, in code point order.
#[tracing::instrument(skip_all, fields(company = company.0), err)]
pub async fn first_letters(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    visibility: &Visibility,
) -> StoreResult<Vec<String>> {
    let scope = match visibility {
        Visibility::Company => String::new(),
        Visibility::Departments(ids) if ids.is_empty() => " AND 1 = 0".to_string(),
        Visibility::Departments(ids) => format!(" AND department_id IN ({})", super::id_list(ids)),
        Visibility::Only(Some(id)) => format!(" AND id = {id}"),
        Visibility::Only(None) => " AND 1 = 0".to_string(),
    };
    let rows: Vec<LetterRow> = sql::all(
        conn,
        &format!(
            "SELECT DISTINCT first_letter FROM employees \
             WHERE company_id = $1 AND status = 'active' AND first_letter <> ''{scope}"
        ),
        vec![company.0.into()],
    )
    .await?;
    let mut letters: Vec<String> = rows.into_iter().map(|r| r.first_letter).collect();
    // Sorted here, not in SQL: the backends' collations differ.
    letters.sort();
    letters.dedup();
    Ok(letters)
}

/// The locations an employee of the company is linked to, as Location objects, by id.
#[tracing::instrument(skip_all, fields(company = company.0, employee = employee.0), err)]
pub async fn locations_of(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<Vec<Location>> {
    sql::all(
        conn,
        "SELECT l.id, l.title, l.lat, l.lon, l.radius, l.address, l.ipv4, \
         (SELECT count(*) FROM employee_locations el2 JOIN employees e2 ON e2.id = el2.employee_id \
          WHERE el2.location_id = l.id AND e2.status = 'active') AS count_employees, \
         (SELECT count(*) FROM devices dv WHERE dv.location_id = l.id) AS count_devices \
         FROM employee_locations el JOIN locations l ON l.id = el.location_id \
         WHERE el.employee_id = $1 AND l.company_id = $2 ORDER BY l.id",
        vec![employee.0.into(), company.0.into()],
    )
    .await
}

/// An employee's id and PIN code, for matching device events.
#[derive(Clone, Debug, FromQueryResult)]
pub struct PinRow {
    pub id: i64,
    pub pin_code: String,
}

/// The employees of the company among these ids or PIN codes (one statement).
pub async fn by_ids_or_pins(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    ids: &[i64],
    pins: &[String],
) -> StoreResult<Vec<PinRow>> {
    if ids.is_empty() && pins.is_empty() {
        return Ok(Vec::new());
    }
    let mut values: Vec<sea_orm::Value> = vec![company.0.into()];
    let marks: Vec<String> = pins
        .iter()
        .map(|pin| {
            values.push(pin.clone().into());
            format!("${}", values.len())
        })
        .collect();
    let pins = if marks.is_empty() {
        "NULL".to_string()
    } else {
        marks.join(", ")
    };
    sql::all(
        conn,
        &format!(
            "SELECT id, pin_code FROM employees WHERE company_id = $1 AND (id IN ({}) OR pin_code IN ({pins}))",
            super::id_list(ids)
        ),
        values,
    )
    .await
}

/// An employee's id and full name.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct NamedEmployee {
    pub id: i64,
    pub full_name: String,
}

/// The employees of the company among these ids, with their names (one statement per
/// 1,000 ids).
pub async fn named(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    ids: &[i64],
) -> StoreResult<Vec<NamedEmployee>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows: Vec<NamedEmployee> = sql::all(
            conn,
            &format!(
                "SELECT id, full_name FROM employees \
                 WHERE company_id = $1 AND id IN ({})",
                super::id_list(chunk)
            ),
            vec![company.0.into()],
        )
        .await?;
        found.extend(rows);
    }
    Ok(found)
}

#[derive(FromQueryResult)]
struct PinOnly {
    pin_code: String,
}

/// The PIN code of the company's employee with this tab number, if any.
pub async fn pin_of_tab_number(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    tab_number: &str,
) -> StoreResult<Option<String>> {
    let row: Option<PinOnly> = sql::one(
        conn,
        "SELECT pin_code FROM employees WHERE company_id = $1 AND tab_number = $2 \
         ORDER BY id LIMIT 1",
        vec![company.0.into(), tab_number.into()],
    )
    .await?;
    Ok(row.map(|r| r.pin_code))
}
