//! Hiring an employee (`POST /v1/employees`): admins, and heads into the departments they
//! oversee; optionally with a login user (`username`), a role, the departments that
//! role oversees and a password.
//!
//! Checks, in the contract's order: the caller's role ([`AppError::Forbidden`]); a
//! head's department outside their departments (forbidden; one not in the company is
//! 8004 instead); the employee limit ([`AppError::EmployeeLimit`]); then every field at
//! once. Where the contract is silent:
//! - `role` that is not an integer 1..5 is 8006; an empty one is the default 5; roles
//!   1..4 are granted by administrators only (8005).
//! - A role 1..4 or a `password` without a `username` is 8002 on `username`: a role or
//!   a password needs a login to belong to.
//! - `department_ids` given (non-empty) with role 1 or 5 is 8003: only roles 2..4
//!   oversee departments. A role 2..4 with no `department_ids` oversees nothing yet.
//! - `locations` given as an empty list is 8002; all of them (`"*"`) with a company
//!   that has no locations links none.
//! - `gender` is compared case-insensitively and stored lowercase.
//! - `tab_number` and `bank_book` take at most 255 characters (8003); all text fields
//!   are stored trimmed, except the password and the notes.
//! - `pin_code` (ext, CONTRACT.md §9) is 4..10 digits (8003), kept as text with its
//!   leading zeros, unique in the company among employees of every status (8008);
//!   absent or empty, the next free number of the company is generated.
//!
//! The new employee, their login and role are written with their activity rows
//! (`addEmployee`, `assignedRole`) in one transaction, under the company's lock so that
//! the limit and the codes checked still hold when the row is written.

use davomat_core::activity::Message;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule, is_valid_email};
use davomat_core::webhooks::WebhookEvent;
use davomat_core::{DepartmentId, EmployeeId, PositionId, Role, ScheduleId};
use davomat_store::activity::{self, Actor, NewActivity};
use davomat_store::companies::{self, UserSeed};
use davomat_store::employees::create::{self as store, Code, NewEmployee, Reference};
use davomat_store::employees::{self, EmployeeCard};
use davomat_store::read_cache::Dependency;
use davomat_store::{Store, WriteTransaction, departments, secrets, terminal_users};

use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::employee_fields::{self as rules, TextField};
use crate::error::{AppError, AppResult};
use crate::request::{Locations, Sent};
use crate::scope::Scope;

/// The shortest password a new login may be given.
pub const PASSWORD_MIN: usize = 8;

/// Who may hire.
const HIRING_ROLES: [Role; 2] = [Role::Admin, Role::DepartmentHead];

/// Refused ([`AppError::Forbidden`]) unless the caller may hire. A door whose input may
/// be malformed calls it before reading that input (CONTRACT.md §2's order of checks).
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&HIRING_ROLES)
}

/// A hire, as sent (JSON or form; arrays as `a[]=1&a[]=2` or `a=1,2`).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = NewEmployee)]
pub struct Hire {
    /// Letters, digits, space and ' ` _ ( ) & - № , . ʻ ʼ ‘ ’.
    #[schema(value_type = String, min_length = 3, max_length = 70, example = "Nilufar")]
    pub first_name: Sent<String>,
    /// As first_name; empty: not set.
    #[schema(value_type = Option<String>, min_length = 3, max_length = 70)]
    pub last_name: Sent<String>,
    /// As first_name; empty: not set.
    #[schema(value_type = Option<String>, min_length = 3, max_length = 70)]
    pub patronymic: Sent<String>,
    /// `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Sent<String>,
    /// male or female.
    #[schema(value_type = Option<String>, example = "female")]
    pub gender: Sent<String>,
    /// A department of the company (a head's: one they oversee).
    #[schema(value_type = i64)]
    pub department_id: Sent<i64>,
    /// A schedule of the company.
    #[schema(value_type = i64)]
    pub schedule_id: Sent<i64>,
    /// The locations the employee may clock in at: ids, `"1,2"` or `"*"` for all.
    #[schema(value_type = crate::employee_fields::LocationIdsShape)]
    pub locations: Sent<Locations>,
    /// The positions the employee holds from the start date: ids or `"1,2"`.
    #[schema(value_type = Option<Vec<i64>>)]
    pub positions: Sent<Vec<i64>>,
    /// `YYYY-MM-DD`: the first day employed.
    #[schema(value_type = String, format = Date)]
    pub start_date: Sent<String>,
    /// `YYYY-MM-DD`: the first day on the schedule, not before the start date (8010).
    #[schema(value_type = String, format = Date)]
    pub schedule_start_date: Sent<String>,
    /// The login's email: creates the login user; unique server-wide (8008). None: no
    /// login.
    #[schema(value_type = Option<String>, format = Email)]
    pub username: Sent<String>,
    /// Ext: the login's password, as typed (not trimmed); needs username. Without it the
    /// user sets one through password reset.
    #[serde(default, deserialize_with = "crate::request::secret")]
    #[schema(value_type = Option<String>, min_length = 8)]
    pub password: Sent<String>,
    /// Ext: the login's role id, 1..5 (default 5); 1..4 granted by admins only (8005);
    /// needs username.
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 5, default = 5)]
    pub role: Sent<i64>,
    /// Ext: the departments a role 2..4 oversees: ids or `"1,2"`.
    #[schema(value_type = Option<Vec<i64>>)]
    pub department_ids: Sent<Vec<i64>>,
    /// Ext: the PIN terminals and kiosks know the employee by (for one already enrolled
    /// on a terminal): digits only, 4..10 of them, leading zeros kept (8003); unique in
    /// the company, dismissed employees included (8008). Absent or empty: the next free
    /// number of the company is generated.
    #[schema(value_type = Option<String>, min_length = 4, max_length = 10, pattern = "^[0-9]{4,10}$", example = "0417")]
    pub pin_code: Sent<String>,
    /// Unique in the company when set (8008).
    #[schema(value_type = Option<String>, max_length = 255)]
    pub tab_number: Sent<String>,
    #[schema(value_type = Option<String>, max_length = 255)]
    pub home_address: Sent<String>,
    #[schema(value_type = Option<String>, max_length = 200)]
    pub home_phone: Sent<String>,
    #[schema(value_type = Option<String>, max_length = 200)]
    pub work_phone: Sent<String>,
    #[schema(value_type = Option<String>, max_length = 200)]
    pub mobile_phone: Sent<String>,
    #[schema(value_type = Option<String>, max_length = 255)]
    pub bank_book: Sent<String>,
    /// Kept as sent; also accepted as `note`. (A door that reads the alias `note` names
    /// its errors `notes`.)
    #[schema(value_type = Option<String>)]
    pub notes: Sent<String>,
}

/// The hire as read, before the checks against the database.
struct Checked {
    employee: NewEmployee,
    locations: Option<Locations>,
    username: Option<String>,
    password: Option<String>,
    role: Role,
    department_ids: Vec<DepartmentId>,
}

/// Hires the employee; answers their card (on the caller's today).
pub async fn hire(
    store: &Store,
    caller: &Caller,
    request: Hire,
    now: i64,
) -> AppResult<EmployeeCard> {
    authorize(caller)?;
    let company = caller.company_id;
    let today = caller.today(now);
    let mut errors = FieldErrors::new();
    let mut hire = check_fields(request, caller, today, &mut errors);

    // A head hires only into the departments they oversee; a department that is not
    // the company's is a field error (8004), found below.
    if caller.role != Role::Admin && !errors.has("department_id") {
        let id = hire.employee.department_id;
        let exists = store::unknown_ids(store.connection(), company, Reference::Department, &[id])
            .await?
            .is_empty();
        if exists {
            Scope::require_department(store, caller, id).await?;
        }
    }
    // Hashed before the transaction: it is slow on purpose.
    let password_hash = match (&hire.password, errors.is_empty()) {
        (Some(password), true) => Some(secrets::hash_password(password)?),
        _ => None,
    };
    let actor = caller.actor();

    let txn = store.begin().await?;
    // A new employee on the company's lists; nothing cached shows them yet.
    txn.changes([Dependency::Roster(company)]);
    // Serialises the company's writes, so that the limit and the codes checked below
    // still hold when the row is written.
    departments::lock(&txn, company).await?;
    if store::would_exceed_limit(&txn, company, 1).await? {
        return Err(AppError::EmployeeLimit);
    }
    check_references(&txn, caller, &mut hire, &mut errors).await?;
    errors.finish()?;

    let id = store::insert(&txn, &hire.employee, now).await?;
    let name = employees::full_name_of(&txn, company, EmployeeId(id)).await?;
    let added = NewActivity {
        company_id: company,
        actor: Some(actor.clone()),
        action_name: "addEmployee",
        object_id: Some(id),
        person_id: Some(EmployeeId(id)),
        assigned: None,
        message: Message::EmployeeAdded { name: name.clone() },
    };
    activity::record(&txn, added, caller.company_lang, now).await?;
    terminal_users::note_change(&txn, company, EmployeeId(id), now).await?;
    let data = serde_json::json!({"employee_id": id, "full_name": name});
    crate::webhooks::announce(&txn, company, WebhookEvent::EmployeeCreated, data, now).await?;
    if let Some(email) = &hire.username {
        let login = Login {
            email: email.clone(),
            password_hash,
            role: hire.role,
            department_ids: &hire.department_ids,
        };
        create_login(&txn, caller, actor, EmployeeId(id), &name, login, now).await?;
    }
    let card = employees::card(&txn, company, EmployeeId(id), today).await?;
    txn.commit().await?;
    Ok(card)
}

/// Reads every field, recording every failure that needs no database (in the order the
/// contract's answers list them).
fn check_fields(
    request: Hire,
    caller: &Caller,
    today: chrono::NaiveDate,
    errors: &mut FieldErrors,
) -> Checked {
    let first_name = rules::first_name(request.first_name, errors);
    let last_name = rules::optional_name(request.last_name, "last_name", errors);
    let patronymic = rules::optional_name(request.patronymic, "patronymic", errors);
    let birth_date = rules::birth_date(request.birth_date, today, errors);
    let gender = rules::gender(request.gender, errors);
    let department_id = request.department_id.required("department_id", errors);
    let schedule_id = request.schedule_id.required("schedule_id", errors);
    let locations = rules::locations(request.locations, errors);
    let position_ids = request.positions.optional("positions", errors);
    let start_date = request.start_date.required_date("start_date", errors);
    let schedule_start_date = request
        .schedule_start_date
        .required_date("schedule_start_date", errors);
    rules::schedule_not_before_start(start_date, schedule_start_date, errors);
    let username = request
        .username
        .optional("username", errors)
        .map(|u| u.trim().to_lowercase())
        .filter(|u| !u.is_empty());
    if username
        .as_deref()
        .is_some_and(|u| !is_valid_email(u) || u.chars().count() > 255)
    {
        errors.add("username", FieldCode::InvalidEmail, Reason::Plain);
    }
    let password = request.password.optional("password", errors);
    if password
        .as_deref()
        .is_some_and(|p| p.chars().count() < PASSWORD_MIN)
    {
        let too_short = Reason::TooShort(PASSWORD_MIN);
        errors.add("password", FieldCode::InvalidValue, too_short);
    }
    let role = checked_role(request.role, caller, errors);
    if username.is_none() && !errors.has("username") {
        let needs_login = if role.is_some_and(|r| r != Role::Employee) {
            Some(Rule::RoleNeedsLogin)
        } else if password.is_some() {
            Some(Rule::PasswordNeedsLogin)
        } else {
            None
        };
        if let Some(why) = needs_login {
            errors.add("username", FieldCode::Required, Reason::Rule(why));
        }
    }
    let department_ids = request.department_ids.optional("department_ids", errors);
    let department_ids: Vec<DepartmentId> = department_ids
        .unwrap_or_default()
        .into_iter()
        .map(DepartmentId)
        .collect();
    if !department_ids.is_empty() && role.is_some_and(|r| !r.oversees_departments()) {
        let why = Reason::Rule(Rule::OnlyOverseeingRolesHaveDepartments);
        errors.add("department_ids", FieldCode::InvalidValue, why);
    }
    let notes = rules::notes(request.notes, "notes", errors);
    let pin_code = request
        .pin_code
        .optional("pin_code", errors)
        .and_then(|pin| rules::pin_code(&pin, errors));
    let employee = NewEmployee {
        company_id: caller.company_id,
        first_name,
        last_name,
        patronymic,
        gender,
        birth_date,
        start_date: start_date.unwrap_or_default(),
        schedule_start_date: schedule_start_date.unwrap_or_default(),
        pin_code,
        tab_number: rules::text(request.tab_number, TextField::TabNumber, errors),
        home_address: rules::text(request.home_address, TextField::HomeAddress, errors),
        home_phone: rules::text(request.home_phone, TextField::HomePhone, errors),
        work_phone: rules::text(request.work_phone, TextField::WorkPhone, errors),
        mobile_phone: rules::text(request.mobile_phone, TextField::MobilePhone, errors),
        notes,
        bank_book: rules::text(request.bank_book, TextField::BankBook, errors),
        department_id: DepartmentId(department_id.unwrap_or(0)),
        schedule_id: ScheduleId(schedule_id.unwrap_or(0)),
        location_ids: Vec::new(),
        position_ids: position_ids
            .unwrap_or_default()
            .into_iter()
            .map(PositionId)
            .collect(),
    };
    Checked {
        employee,
        locations,
        username,
        password,
        role: role.unwrap_or(Role::Employee),
        department_ids,
    }
}

/// The login's role: 1..5, default 5 (8006 otherwise; `None` then); roles 1..4 are
/// granted by administrators only (8005).
fn checked_role(sent: Sent<i64>, caller: &Caller, errors: &mut FieldErrors) -> Option<Role> {
    let role = match sent {
        Sent::Absent => Some(Role::Employee),
        Sent::Value(id) => Role::from_id(id),
        Sent::Unreadable => None,
    };
    let Some(role) = role else {
        let ids = (1..=5).map(|r: i64| r.to_string()).collect();
        errors.add("role", FieldCode::InvalidRole, Reason::OneOf(ids));
        return None;
    };
    if role != Role::Employee && caller.role != Role::Admin {
        let why = Reason::Rule(Rule::OnlyAdminsGrantRoles);
        errors.add("role", FieldCode::NotSettable, why);
    }
    Some(role)
}

/// Checks every referenced id against the company (8004) and the unique fields (8008),
/// under the company's lock; resolves "all locations".
async fn check_references(
    txn: &WriteTransaction,
    caller: &Caller,
    hire: &mut Checked,
    errors: &mut FieldErrors,
) -> AppResult<()> {
    let company = caller.company_id;
    let department = [hire.employee.department_id];
    rules::check_ids(
        txn,
        company,
        "department_id",
        Reference::Department,
        &department,
        errors,
    )
    .await?;
    let schedule = [hire.employee.schedule_id];
    rules::check_ids(
        txn,
        company,
        "schedule_id",
        Reference::Schedule,
        &schedule,
        errors,
    )
    .await?;
    match &hire.locations {
        Some(Locations::All) => {
            hire.employee.location_ids = store::all_location_ids(txn, company).await?;
        }
        Some(Locations::Ids(ids)) => {
            rules::check_ids(txn, company, "locations", Reference::Location, ids, errors).await?;
            hire.employee.location_ids = ids.clone();
        }
        None => {}
    }
    let positions = &hire.employee.position_ids;
    rules::check_ids(
        txn,
        company,
        "positions",
        Reference::Position,
        positions,
        errors,
    )
    .await?;
    let overseen = &hire.department_ids;
    rules::check_ids(
        txn,
        company,
        "department_ids",
        Reference::Department,
        overseen,
        errors,
    )
    .await?;
    let tab = &hire.employee.tab_number;
    rules::check_unique(txn, company, Code::TabNumber, tab, None, errors).await?;
    if let Some(pin) = &hire.employee.pin_code {
        rules::check_unique(txn, company, Code::Pin, pin, None, errors).await?;
    }
    if let Some(email) = &hire.username
        && !errors.has("username")
        && store::email_taken(txn, email).await?
    {
        errors.add("username", FieldCode::AlreadyExists, Reason::Plain);
    }
    Ok(())
}

/// The login user a hire creates.
struct Login<'a> {
    email: String,
    password_hash: Option<String>,
    role: Role,
    department_ids: &'a [DepartmentId],
}

/// Creates the new employee's login, the departments its role oversees, and (for roles
/// 1..4) the `assignedRole` row.
async fn create_login(
    txn: &WriteTransaction,
    caller: &Caller,
    actor: Actor,
    employee: EmployeeId,
    name: &str,
    login: Login<'_>,
    now: i64,
) -> AppResult<()> {
    let seed = UserSeed {
        company_id: caller.company_id.0,
        email: login.email,
        password_hash: login.password_hash,
        role: login.role,
        employee_id: Some(employee.0),
        lang: caller.company_lang,
        time_zone: caller.time_zone.clone(),
    };
    // Taken by another company's request in the meantime: the unique rule's field error
    // (8008 on `username`, davomat_store::Unique).
    let user_id = companies::insert_user(txn, &seed, now).await?;
    if login.role.oversees_departments() {
        store::oversee(txn, user_id, login.department_ids).await?;
    }
    if login.role == Role::Employee {
        return Ok(());
    }
    let assigned = NewActivity {
        company_id: caller.company_id,
        actor: Some(actor),
        action_name: "assignedRole",
        object_id: Some(user_id),
        person_id: Some(employee),
        assigned: Some(login.role.name(caller.company_lang).to_string()),
        message: Message::RoleAssigned {
            name: name.to_string(),
            role: login.role,
        },
    };
    activity::record(txn, assigned, caller.company_lang, now).await?;
    Ok(())
}
