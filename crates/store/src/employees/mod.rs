//! Reading employees as the API shows them: one card, or a page of cards filtered,
//! sorted and scoped in the query, loaded with a fixed number of queries whatever the
//! page holds (each card's locations and positions aggregated by the card's statement).

pub mod create;
pub mod history;
pub mod lifecycle;
pub mod lookups;
pub mod update;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use davomat_core::page::PageRequest;
use davomat_core::person::full_name;
use davomat_core::{CompanyId, DepartmentId, EmployeeId, EmployeeStatus, ScheduleId, UserId};

use crate::read_cache::Dependency;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use crate::text::Text;
use crate::{Store, StoreError, StoreResult, sql};

/// The name forms kept beside the name parts, derived on every write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameForms {
    pub full_name: String,
    /// Lowercase full name: case-insensitive search and sorting alike on both backends.
    pub search_name: String,
    /// Uppercase first letter of the first name (`f=letter`).
    pub first_letter: String,
}

impl NameForms {
    pub fn of(last: &str, first: &str, patronymic: &str) -> NameForms {
        let full_name = full_name(last, first, patronymic);
        NameForms {
            search_name: full_name.to_lowercase(),
            first_letter: first
                .trim()
                .chars()
                .next()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default(),
            full_name,
        }
    }
}

/// An employee with the names of what it points at.
#[derive(Clone, Debug, FromQueryResult)]
pub struct EmployeeCard {
    pub id: EmployeeId,
    pub first_name: String,
    pub last_name: String,
    pub patronymic: String,
    pub full_name: String,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub start_date: NaiveDate,
    pub schedule_start_date: NaiveDate,
    pub pin_code: String,
    pub qrcode: String,
    pub tab_number: String,
    pub home_address: String,
    pub home_phone: String,
    pub work_phone: String,
    pub mobile_phone: String,
    pub notes: Option<String>,
    pub bank_book: String,
    pub status: Text<EmployeeStatus>,
    pub department_id: DepartmentId,
    pub department_title: String,
    pub schedule_id: ScheduleId,
    pub schedule_title: String,
    pub schedule_kind: i64,
    pub user_id: Option<UserId>,
    pub user_email: Option<String>,
    /// The open salary rate, payroll rule and automatic fine (`lastEmployeeSalaryRate`,
    /// `lastPersonPayroll`, `lastPersonFine`): at most one of each is open.
    pub salary_id: Option<i64>,
    pub salary_rate: Option<i64>,
    pub salary_start: Option<NaiveDate>,
    pub salary_type: Option<i64>,
    pub payroll_id: Option<i64>,
    pub payroll_rule_id: Option<i64>,
    pub payroll_start: Option<NaiveDate>,
    pub payroll_rule_title: Option<String>,
    pub payroll_rule_daily: Option<bool>,
    pub person_fine_id: Option<i64>,
    pub fine_id: Option<i64>,
    pub fine_start: Option<NaiveDate>,
    pub fine_title: Option<String>,
    pub fine_daily: Option<bool>,
    pub fine_amount: Option<i64>,
    /// The `k` of the photo URLs; `None` without a face template.
    pub photo_key: Option<String>,
    /// The locations and current positions as the statement aggregated them (JSON
    /// arrays of `{id, title}`), parsed into the two lists below by [`references`].
    locations_json: String,
    positions_json: String,
    #[sea_orm(skip)]
    pub locations: Vec<NamedRef>,
    #[sea_orm(skip)]
    pub positions: Vec<NamedRef>,
}

/// `{id, title}` of a referenced object.
#[derive(Clone, Debug, FromQueryResult, serde::Deserialize)]
pub struct NamedRef {
    pub id: i64,
    pub title: String,
}

const CARD_COLUMNS: &str = "e.id, e.first_name, e.last_name, e.patronymic, e.full_name, e.gender, e.birth_date, \
     e.start_date, e.schedule_start_date, e.pin_code, e.qrcode, e.tab_number, e.home_address, e.home_phone, \
     e.work_phone, e.mobile_phone, e.notes, e.bank_book, e.status, e.department_id, \
     d.title AS department_title, e.schedule_id, s.title AS schedule_title, s.kind AS schedule_kind, \
     u.id AS user_id, u.email AS user_email, \
     sr.id AS salary_id, sr.rate AS salary_rate, sr.start_date AS salary_start, sr.type_col AS salary_type, \
     pp.id AS payroll_id, pp.payroll_rule_id, pp.start_date AS payroll_start, \
     pr.title AS payroll_rule_title, pr.otc_algorithm_daily AS payroll_rule_daily, \
     pf.id AS person_fine_id, pf.fine_id, pf.start_date AS fine_start, \
     fi.title AS fine_title, fi.has_dayly_fine AS fine_daily, fi.amount AS fine_amount, \
     fc.photo_key";

const CARD_JOINS: &str = "FROM employees e \
     JOIN departments d ON d.id = e.department_id \
     JOIN schedules s ON s.id = e.schedule_id \
     LEFT JOIN users u ON u.employee_id = e.id \
     LEFT JOIN salary_rates sr ON sr.employee_id = e.id AND sr.end_date = '9999-12-31' \
     LEFT JOIN person_payrolls pp ON pp.employee_id = e.id AND pp.end_date = '9999-12-31' \
     LEFT JOIN payroll_rules pr ON pr.id = pp.payroll_rule_id \
     LEFT JOIN person_fines pf ON pf.employee_id = e.id AND pf.end_date = '9999-12-31' \
     LEFT JOIN fines fi ON fi.id = pf.fine_id \
     LEFT JOIN faces fc ON fc.employee_id = e.id";

/// The card statement up to its WHERE: the card's columns and joins, and its locations
/// and current positions (on the day bound at placeholder `today`) aggregated into JSON
/// arrays of `{id, title}` by the same statement, ordered by id.
fn card_select(conn: &impl ConnectionTrait, today: &str) -> String {
    let backend = conn.get_database_backend();
    let locations = json_array_of(
        backend,
        "SELECT l.id, l.title FROM employee_locations el JOIN locations l ON l.id = el.location_id \
         WHERE el.employee_id = e.id",
    );
    let positions = json_array_of(
        backend,
        &format!(
            "SELECT p.id, p.title FROM employee_positions ep JOIN positions p ON p.id = ep.position_id \
             WHERE ep.employee_id = e.id AND ep.start_date <= {today} \
             AND (ep.end_date IS NULL OR ep.end_date >= {today})"
        ),
    );
    format!(
        "SELECT {CARD_COLUMNS}, {locations} AS locations_json, {positions} AS positions_json \
         {CARD_JOINS}"
    )
}

/// A scalar subquery answering the rows (`id`, `title`) of `rows` as a JSON array text
/// ordered by id, `[]` for none. The backends differ here only: PostgreSQL aggregates
/// whole rows (`json_agg` of a record costs a fifth less than of `json_build_object`)
/// and gives NULL for no rows; SQLite builds each object.
fn json_array_of(backend: sea_orm::DbBackend, rows: &str) -> String {
    match backend {
        sea_orm::DbBackend::Postgres => {
            format!("(SELECT coalesce(json_agg(x ORDER BY x.id)::text, '[]') FROM ({rows}) x)")
        }
        _ => format!(
            "(SELECT json_group_array(json_object('id', x.id, 'title', x.title) ORDER BY x.id) \
             FROM ({rows}) x)"
        ),
    }
}

/// Fills the cards' locations and positions from the arrays their statement aggregated.
fn references(mut cards: Vec<EmployeeCard>) -> StoreResult<Vec<EmployeeCard>> {
    for card in &mut cards {
        card.locations = parse_refs(&std::mem::take(&mut card.locations_json))?;
        card.positions = parse_refs(&std::mem::take(&mut card.positions_json))?;
    }
    Ok(cards)
}

fn parse_refs(json: &str) -> StoreResult<Vec<NamedRef>> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Database(format!("aggregated references: {e}")))
}

/// Who the caller may see, as the query applies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visibility {
    Company,
    Departments(Vec<DepartmentId>),
    Only(Option<EmployeeId>),
}

impl Visibility {
    /// The condition on the employees table aliased `alias`, or `None` for the company.
    pub(crate) fn clause(&self, alias: &str) -> Option<String> {
        match self {
            Visibility::Company => None,
            Visibility::Departments(ids) => {
                Some(format!("{alias}.department_id IN ({})", id_list(ids)))
            }
            Visibility::Only(Some(id)) => Some(format!("{alias}.id = {id}")),
            Visibility::Only(None) => Some("1 = 0".to_string()),
        }
    }
}

/// Which employees by status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    Active,
    Dismissed,
    /// With a dismissal or a re-hire waiting for its day (the console's "pending").
    Pending,
    All,
}

/// The order of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    FullName,
    StartDate,
    BirthDate,
}

/// The filters of `GET /v1/employees`.
#[derive(Clone, Debug)]
pub struct EmployeeFilter {
    pub visibility: Visibility,
    pub status: StatusFilter,
    /// Departments (sub-departments already expanded).
    pub departments: Option<Vec<DepartmentId>>,
    pub first_letter: Option<String>,
    pub tab_number: Option<String>,
    pub ids: Option<Vec<i64>>,
    /// Lowercase substring of the full name.
    pub name_contains: Option<String>,
    /// A lowercase part of the full name, or a whole tab number or PIN (the console's
    /// search box).
    pub search: Option<String>,
    /// Holding this position on this day.
    pub position_on: Option<(i64, NaiveDate)>,
    /// Linked to this location.
    pub location: Option<i64>,
    pub sort: SortKey,
    pub descending: bool,
}

impl EmployeeFilter {
    /// Every employee of `visibility` with `status`, by full name, no other filter.
    pub fn new(visibility: Visibility, status: StatusFilter) -> EmployeeFilter {
        EmployeeFilter {
            visibility,
            status,
            departments: None,
            first_letter: None,
            tab_number: None,
            ids: None,
            name_contains: None,
            search: None,
            position_on: None,
            location: None,
            sort: SortKey::FullName,
            descending: false,
        }
    }
}

pub(crate) fn id_list<Id: std::fmt::Display>(ids: &[Id]) -> String {
    if ids.is_empty() {
        "NULL".to_string()
    } else {
        ids.iter().map(Id::to_string).collect::<Vec<_>>().join(",")
    }
}

/// The WHERE clause and its values (`$1` is the company).
fn conditions(company: CompanyId, filter: &EmployeeFilter) -> (String, Vec<Value>) {
    let mut clauses = vec!["e.company_id = $1".to_string()];
    let mut values: Vec<Value> = vec![company.0.into()];
    if let Some(clause) = filter.visibility.clause("e") {
        clauses.push(clause);
    }
    match filter.status {
        StatusFilter::Active => clauses.push("e.status = 'active'".to_string()),
        StatusFilter::Dismissed => clauses.push("e.status = 'dismissed'".to_string()),
        StatusFilter::Pending => clauses.push(
            "((e.status = 'active' AND e.dismissal_date IS NOT NULL) OR e.recovery_date IS NOT NULL)"
                .to_string(),
        ),
        StatusFilter::All => {}
    }
    if let Some(ids) = &filter.departments {
        clauses.push(format!("e.department_id IN ({})", id_list(ids)));
    }
    if let Some(ids) = &filter.ids {
        clauses.push(format!("e.id IN ({})", id_list(ids)));
    }
    if let Some(letter) = &filter.first_letter {
        values.push(letter.clone().into());
        clauses.push(format!("e.first_letter = ${}", values.len()));
    }
    if let Some(tab) = &filter.tab_number {
        values.push(tab.clone().into());
        clauses.push(format!("e.tab_number = ${}", values.len()));
    }
    if let Some(part) = &filter.name_contains {
        values.push(like_pattern(part).into());
        clauses.push(format!("e.search_name LIKE ${} ESCAPE '\\'", values.len()));
    }
    if let Some(text) = &filter.search {
        values.push(like_pattern(&text.to_lowercase()).into());
        values.push(text.clone().into());
        let (like, exact) = (values.len() - 1, values.len());
        clauses.push(format!(
            "(e.search_name LIKE ${like} ESCAPE '\\' OR e.tab_number = ${exact} OR e.pin_code = ${exact})"
        ));
    }
    if let Some((position, day)) = filter.position_on {
        values.push(position.into());
        values.push(day.into());
        let (id, on) = (values.len() - 1, values.len());
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM employee_positions ep WHERE ep.employee_id = e.id \
             AND ep.position_id = ${id} AND ep.start_date <= ${on} \
             AND (ep.end_date IS NULL OR ep.end_date >= ${on}))"
        ));
    }
    if let Some(location) = filter.location {
        values.push(location.into());
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM employee_locations el WHERE el.employee_id = e.id \
             AND el.location_id = ${})",
            values.len()
        ));
    }
    (clauses.join(" AND "), values)
}

/// `%part%` for LIKE, with its wildcards escaped (`\\` is the escape).
fn like_pattern(part: &str) -> String {
    let escaped = part
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn order_by(conn: &impl ConnectionTrait, filter: &EmployeeFilter) -> String {
    let direction = if filter.descending { "DESC" } else { "ASC" };
    // Byte order on both backends, so the two list employees alike.
    let binary = match conn.get_database_backend() {
        sea_orm::DbBackend::Postgres => " COLLATE \"C\"",
        _ => "",
    };
    match filter.sort {
        SortKey::FullName => format!("e.search_name{binary} {direction}, e.id {direction}"),
        SortKey::StartDate => {
            format!("e.start_date {direction}, e.search_name{binary} ASC, e.id ASC")
        }
        SortKey::BirthDate => {
            let nulls = if filter.descending {
                "NULLS LAST"
            } else {
                "NULLS FIRST"
            };
            format!("e.birth_date {direction} {nulls}, e.search_name{binary} ASC, e.id ASC")
        }
    }
}

/// One page of cards and the total number of matching employees, counted exactly:
/// two statements whatever the page holds (count, page with its references).
pub async fn list(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    filter: &EmployeeFilter,
    page: PageRequest,
    today: NaiveDate,
) -> StoreResult<(Vec<EmployeeCard>, u64)> {
    let (clauses, values) = conditions(company, filter);
    let total = count(conn, &clauses, values.clone()).await?;
    let cards = page_of(conn, filter, &clauses, values, page, today).await?;
    Ok((cards, total))
}

/// One page of `GET /v1/employees` as employee ids, with the total: the page is a slice
/// of the list's ordered ids, which come from the store's read cache (they depend on the
/// company's roster and directory, crate::read_cache); one statement on a miss, none on a
/// hit. Counting a large company, or walking its index to a far offset, on every page
/// costs more than the page itself. The cards are read by [`cards`].
pub async fn page_ids(
    store: &Store,
    company: CompanyId,
    filter: &EmployeeFilter,
    page: PageRequest,
) -> StoreResult<(Vec<i64>, u64)> {
    let conn = store.connection();
    let (clauses, values) = conditions(company, filter);
    let order = order_by(conn, filter);
    let key = format!("{clauses}\u{1f}{order}\u{1f}{values:?}");
    let ids = store
        .listings()
        .get_or_read(key, || async {
            let ids = ordered_ids(conn, &clauses, &order, values).await?;
            // Who is listed, and in what order (names, departments, tab numbers, …);
            // department filters follow the company's tree.
            let dependencies = vec![Dependency::Roster(company), Dependency::Directory(company)];
            Ok::<_, crate::StoreError>((ids, dependencies))
        })
        .await?;
    let first = usize::try_from(page.offset())
        .unwrap_or(usize::MAX)
        .min(ids.len());
    let last = first.saturating_add(page.per_page as usize).min(ids.len());
    Ok((ids[first..last].to_vec(), ids.len() as u64))
}

/// One page of `GET /v1/employees`'s cards and the total: [`page_ids`] and their
/// [`cards`].
pub async fn list_cached(
    store: &Store,
    company: CompanyId,
    filter: &EmployeeFilter,
    page: PageRequest,
    today: NaiveDate,
) -> StoreResult<(Vec<EmployeeCard>, u64)> {
    let (ids, total) = page_ids(store, company, filter, page).await?;
    Ok((
        cards(store.connection(), company, &ids, today).await?,
        total,
    ))
}

/// The cards of these employees of the company, in the order given, in one statement
/// (ids not in the company are left out).
pub async fn cards(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    ids: &[i64],
    today: NaiveDate,
) -> StoreResult<Vec<EmployeeCard>> {
    cards_of(conn, company, ids, today).await
}

async fn ordered_ids(
    conn: &impl ConnectionTrait,
    clauses: &str,
    order: &str,
    values: Vec<Value>,
) -> StoreResult<Arc<[i64]>> {
    let rows: Vec<IdRow> = sql::all(
        conn,
        &format!("SELECT e.id FROM employees e WHERE {clauses} ORDER BY {order}"),
        values,
    )
    .await?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

#[derive(FromQueryResult)]
struct IdRow {
    id: i64,
}

/// The cards of the company's employees `ids`, in the order of `ids` (the list's: put
/// back in Rust, which spares the statement a sort). The ids are bound, so one prepared
/// statement serves every page of the same size.
async fn cards_of(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    ids: &[i64],
    today: NaiveDate,
) -> StoreResult<Vec<EmployeeCard>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut values: Vec<Value> = vec![company.0.into(), today.into()];
    values.extend(ids.iter().map(|&id| Value::from(id)));
    let mut cards: Vec<EmployeeCard> = sql::all(
        conn,
        &format!(
            "{} WHERE e.company_id = $1 AND e.id IN ({})",
            card_select(conn, "$2"),
            placeholders(3, ids.len())
        ),
        values,
    )
    .await?;
    let position: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    cards.sort_by_key(|card| position.get(&card.id.0).copied());
    references(cards)
}

/// `$first, $first+1, …` for `count` values.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(",")
}

async fn count(conn: &impl ConnectionTrait, clauses: &str, values: Vec<Value>) -> StoreResult<u64> {
    Ok(sql::scalar(
        conn,
        &format!("SELECT count(*) FROM employees e WHERE {clauses}"),
        values,
    )
    .await?
    .unwrap_or(0) as u64)
}

/// The page's cards: the ids of the page first, picked from `employees` alone (an
/// index walk for the default filter and order, however far the page), then the cards
/// of those ids only, so that the joins cost 50 rows and not the offset.
async fn page_of(
    conn: &impl ConnectionTrait,
    filter: &EmployeeFilter,
    clauses: &str,
    values: Vec<Value>,
    page: PageRequest,
    today: NaiveDate,
) -> StoreResult<Vec<EmployeeCard>> {
    let order = order_by(conn, filter);
    let mut values = values;
    values.push(today.into());
    let today_placeholder = format!("${}", values.len());
    let cards = sql::all(
        conn,
        &format!(
            "{} WHERE e.id IN (SELECT e.id FROM employees e WHERE {clauses} ORDER BY {order} \
             LIMIT {} OFFSET {}) ORDER BY {order}",
            card_select(conn, &today_placeholder),
            page.per_page,
            page.offset()
        ),
        values,
    )
    .await?;
    references(cards)
}

/// One employee of the company.
pub async fn card(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    today: NaiveDate,
) -> StoreResult<EmployeeCard> {
    let card: EmployeeCard = sql::one(
        conn,
        &format!(
            "{} WHERE e.id = $1 AND e.company_id = $2",
            card_select(conn, "$3")
        ),
        vec![employee.0.into(), company.0.into(), today.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(references(vec![card])?.remove(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_forms() {
        let forms = NameForms::of("Oʻrinboyev", "ғайрат", "");
        assert_eq!(forms.full_name, "Oʻrinboyev ғайрат");
        assert_eq!(forms.search_name, "oʻrinboyev ғайрат");
        assert_eq!(forms.first_letter, "Ғ");
    }
}

#[derive(FromQueryResult)]
struct NameRow {
    full_name: String,
}

/// The full name of an employee of the company.
pub async fn full_name_of(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<String> {
    let row: NameRow = sql::one(
        conn,
        "SELECT full_name FROM employees WHERE id = $1 AND company_id = $2",
        vec![employee.0.into(), company.0.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(row.full_name)
}
