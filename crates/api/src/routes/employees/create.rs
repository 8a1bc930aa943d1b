//! `POST /v1/employees`: hire an employee (admins; heads into the departments they
//! oversee), optionally with a login user (`username`), a role, the departments that
//! role oversees and a password (ext). 201 with the Employee object.
//!
//! Checks, in the contract's order: the caller's role (403/7004); a head's
//! `department_id` outside their departments (403/7004; one not in the company is
//! 8004 instead); the employee limit (400/7012); then every field at once (422/8001).
//! Where the contract is silent:
//! - `role` that is not an integer 1..5 (a non-number included) is 8006; an empty one
//!   is the default 5.
//! - A role 1..4 or a `password` without a `username` is 8002 on `username`: a role or
//!   a password needs a login to belong to.
//! - `department_ids` given (non-empty) with role 1 or 5 is 8003: only roles 2..4
//!   oversee departments. A role 2..4 with no `department_ids` oversees nothing yet.
//! - `locations` given as an empty list is 8002; `"*"` (or `["*"]`) with a company
//!   that has no locations links none.
//! - `gender` is compared case-insensitively and stored lowercase.
//! - `tab_number` and `bank_book` take at most 255 characters (8003); all text fields
//!   are stored trimmed, except the password.
//! - `notes` wins over `note` when both are sent; an empty one is `null`.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use davomat_core::activity::Message;
use davomat_core::validation::{FieldCode, FieldErrors, Reason, is_valid_email};
use davomat_core::{EmployeeId, Role};
use davomat_store::activity::{self, NewActivity};
use davomat_store::companies::{self, UserSeed};
use davomat_store::employees::create::{self as store, NewEmployee, Reference};
use davomat_store::employees::{self};
use davomat_store::read_cache::Dependency;
use serde_json::{Value, json};

use super::fields::{self as rules, Locations};
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};
use crate::input::{Fields, body_fields};
use crate::objects::PhotoBase;
use crate::openapi::{Operation, body, schema_ref, with_errors};
use crate::scope::Scope;
use crate::{AppState, objects};

const PASSWORD_MIN: usize = 8;

/// The request as read from its fields, before the checks against the database.
struct Hire {
    employee: NewEmployee,
    locations: Option<Locations>,
    username: Option<String>,
    password: Option<String>,
    role: Role,
    department_ids: Vec<i64>,
}

/// `role`: 1..5, default 5; anything else 8006.
fn read_role(fields: &Fields, errors: &mut FieldErrors) -> Role {
    if !fields.contains("role") {
        return Role::Employee;
    }
    let mut scratch = FieldErrors::new();
    let parsed = fields.int("role", &mut scratch);
    if parsed.is_none() && scratch.is_empty() {
        return Role::Employee;
    }
    match parsed.and_then(Role::from_id) {
        Some(role) => role,
        None => {
            errors.add(
                "role",
                FieldCode::InvalidRole,
                Reason::OneOf((1..=5).map(|r: i64| r.to_string()).collect()),
            );
            Role::Employee
        }
    }
}

/// Reads every field, recording every failure that needs no database.
fn read(fields: &Fields, caller: &Caller, today: NaiveDate, errors: &mut FieldErrors) -> Hire {
    let first_name = rules::first_name(fields, errors);
    let last_name = rules::optional_name(fields, "last_name", errors);
    let patronymic = rules::optional_name(fields, "patronymic", errors);
    let birth_date = rules::birth_date(fields, today, errors);
    let gender = rules::gender(fields, errors);
    let department_id = rules::required_int(fields, "department_id", errors).unwrap_or(0);
    let schedule_id = rules::required_int(fields, "schedule_id", errors).unwrap_or(0);
    let locations = rules::locations(fields, errors);
    let position_ids = fields.ids("positions", errors).unwrap_or_default();
    let start_date = rules::required_date(fields, "start_date", errors);
    let schedule_start_date = rules::required_date(fields, "schedule_start_date", errors);
    rules::schedule_not_before_start(start_date, schedule_start_date, errors);
    let username = fields
        .text("username", errors)
        .map(|u| u.trim().to_lowercase())
        .filter(|u| !u.is_empty());
    if username
        .as_deref()
        .is_some_and(|u| !is_valid_email(u) || u.chars().count() > 255)
    {
        errors.add("username", FieldCode::InvalidEmail, Reason::Plain);
    }
    let password = fields.text("password", errors).filter(|p| !p.is_empty());
    if password
        .as_deref()
        .is_some_and(|p| p.chars().count() < PASSWORD_MIN)
    {
        errors.add(
            "password",
            FieldCode::InvalidValue,
            Reason::TooShort(PASSWORD_MIN),
        );
    }
    let role_errors_before = errors.has("role");
    let role = read_role(fields, errors);
    let role_failed = errors.has("role") && !role_errors_before;
    if role != Role::Employee && caller.role != Role::Admin {
        errors.add(
            "role",
            FieldCode::NotSettable,
            Reason::Note("only administrators grant roles 1..4".into()),
        );
    }
    if username.is_none() && !errors.has("username") {
        if role != Role::Employee {
            errors.add(
                "username",
                FieldCode::Required,
                Reason::Note("a role needs a login".into()),
            );
        } else if password.is_some() {
            errors.add(
                "username",
                FieldCode::Required,
                Reason::Note("a password needs a login".into()),
            );
        }
    }
    let department_ids = fields.ids("department_ids", errors).unwrap_or_default();
    if !department_ids.is_empty() && !role_failed && !role.oversees_departments() {
        errors.add(
            "department_ids",
            FieldCode::InvalidValue,
            Reason::Note("only roles 2..4 oversee departments".into()),
        );
    }
    let notes = rules::notes(fields, errors);
    let employee = NewEmployee {
        company_id: caller.company_id.0,
        first_name,
        last_name,
        patronymic,
        gender,
        birth_date,
        start_date: start_date.unwrap_or_default(),
        schedule_start_date: schedule_start_date.unwrap_or_default(),
        tab_number: rules::optional_text(fields, "tab_number", rules::CODE_MAX, errors),
        home_address: rules::optional_text(fields, "home_address", rules::ADDRESS_MAX, errors),
        home_phone: rules::optional_text(fields, "home_phone", rules::PHONE_MAX, errors),
        work_phone: rules::optional_text(fields, "work_phone", rules::PHONE_MAX, errors),
        mobile_phone: rules::optional_text(fields, "mobile_phone", rules::PHONE_MAX, errors),
        notes,
        bank_book: rules::optional_text(fields, "bank_book", rules::CODE_MAX, errors),
        department_id,
        schedule_id,
        location_ids: Vec::new(),
        position_ids,
    };
    Hire {
        employee,
        locations,
        username,
        password,
        role,
        department_ids,
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin, Role::DepartmentHead])?;
    let fields = body_fields(request).await?;
    let mut errors = FieldErrors::new();
    let today = caller.today(state.clock.now());
    let mut hire = read(&fields, &caller, today, &mut errors);
    let company = caller.company_id;
    let conn = state.store.connection();

    // A head hires only into the departments they oversee; a department that is not
    // the company's is a body error (8004), found below.
    if caller.role != Role::Admin && !errors.has("department_id") {
        let id = hire.employee.department_id;
        let exists = store::unknown_ids(conn, company, Reference::Department, &[id])
            .await?
            .is_empty();
        if exists {
            Scope::require_department(&state.store, &caller, id).await?;
        }
    }
    // Hashed before the transaction: it is slow on purpose.
    let password_hash = match (&hire.password, errors.is_empty()) {
        (Some(password), true) => Some(davomat_store::secrets::hash_password(password)?),
        _ => None,
    };
    let actor = caller.actor(&state.store).await?;
    let now = state.clock.now();
    let today = caller.today(now);

    let txn = state.store.begin().await?;
    // A new employee on the company's lists; nothing cached shows them yet.
    txn.changes([Dependency::Roster(company)]);
    // Serialises the company's writes, so that the limit, the pin code and the tab
    // number checked below still hold when the row is written.
    davomat_store::departments::lock(&txn, company).await?;
    if store::would_exceed_limit(&txn, company, 1).await? {
        return Err(ApiError::EmployeeLimit);
    }
    let department = [hire.employee.department_id];
    rules::check_ids(
        &txn,
        &caller,
        "department_id",
        Reference::Department,
        &department,
        &mut errors,
    )
    .await?;
    let schedule = [hire.employee.schedule_id];
    rules::check_ids(
        &txn,
        &caller,
        "schedule_id",
        Reference::Schedule,
        &schedule,
        &mut errors,
    )
    .await?;
    match &hire.locations {
        Some(Locations::All) => {
            hire.employee.location_ids = store::all_location_ids(&txn, company).await?;
        }
        Some(Locations::Ids(ids)) => {
            rules::check_ids(
                &txn,
                &caller,
                "locations",
                Reference::Location,
                ids,
                &mut errors,
            )
            .await?;
            hire.employee.location_ids = ids.clone();
        }
        None => {}
    }
    rules::check_ids(
        &txn,
        &caller,
        "positions",
        Reference::Position,
        &hire.employee.position_ids,
        &mut errors,
    )
    .await?;
    rules::check_ids(
        &txn,
        &caller,
        "department_ids",
        Reference::Department,
        &hire.department_ids,
        &mut errors,
    )
    .await?;
    let tab = &hire.employee.tab_number;
    if !tab.is_empty()
        && !errors.has("tab_number")
        && store::tab_number_taken(&txn, company, tab, None).await?
    {
        errors.add("tab_number", FieldCode::AlreadyExists, Reason::Plain);
    }
    if let Some(email) = &hire.username
        && !errors.has("username")
        && store::email_taken(&txn, email).await?
    {
        errors.add("username", FieldCode::AlreadyExists, Reason::Plain);
    }
    errors.finish()?;

    let id = store::insert(&txn, &hire.employee, now).await?;
    let name = employees::full_name_of(&txn, company, EmployeeId(id)).await?;
    activity::record(
        &txn,
        NewActivity {
            company_id: company,
            actor: Some(actor.clone()),
            action_name: "addEmployee",
            object_id: Some(id),
            person_id: Some(id),
            assigned: None,
            message: Message::EmployeeAdded { name: name.clone() },
        },
        caller.company_lang,
        now,
    )
    .await?;
    if let Some(email) = &hire.username {
        let seed = UserSeed {
            company_id: company.0,
            email: email.clone(),
            password_hash,
            role: hire.role,
            employee_id: Some(id),
            lang: caller.company_lang,
            time_zone: caller.time_zone.clone(),
        };
        // Taken by another company's request in the meantime: 8008 on `username`
        // (the unique rule's field, crate::error).
        let user_id = companies::insert_user(&txn, &seed, now).await?;
        if hire.role.oversees_departments() {
            store::oversee(&txn, user_id, &hire.department_ids).await?;
        }
        if hire.role != Role::Employee {
            activity::record(
                &txn,
                NewActivity {
                    company_id: company,
                    actor: Some(actor),
                    action_name: "assignedRole",
                    object_id: Some(user_id),
                    person_id: Some(id),
                    assigned: Some(hire.role.name(caller.company_lang).to_string()),
                    message: Message::RoleAssigned {
                        name,
                        role: hire.role,
                    },
                },
                caller.company_lang,
                now,
            )
            .await?;
        }
    }
    let card = employees::card(&txn, company, EmployeeId(id), today).await?;
    davomat_store::commit(txn).await?;
    Ok((
        StatusCode::CREATED,
        Json(objects::employee_value(&card, &photo_base)),
    ))
}

/// The request body of `POST /v1/employees`.
fn request_schema() -> Value {
    let name = |description: &str| json!({"type": "string", "minLength": 3, "maxLength": 70, "description": description});
    let ids = json!({"oneOf": [
        {"type": "array", "items": {"type": ["integer", "string"]}},
        {"type": "string", "description": "comma-separated ids"}
    ]});
    json!({
        "type": "object",
        "required": ["first_name", "department_id", "locations", "schedule_id", "start_date", "schedule_start_date"],
        "properties": {
            "first_name": name("letters, digits, space and ' ` _ ( ) & - № , . ʻ ʼ ‘ ’"),
            "last_name": name("as first_name; empty = not set"),
            "patronymic": name("as first_name; empty = not set"),
            "birth_date": {"type": "string", "format": "date"},
            "gender": {"type": "string", "enum": ["male", "female"]},
            "department_id": {"type": ["integer", "string"]},
            "positions": ids.clone(),
            "locations": {"oneOf": [ids.clone(), {"const": "*", "description": "every location of the company"}]},
            "schedule_id": {"type": ["integer", "string"]},
            "start_date": {"type": "string", "format": "date"},
            "schedule_start_date": {"type": "string", "format": "date", "description": "not before start_date (8010)"},
            "username": {"type": "string", "format": "email", "description": "creates the login user; unique server-wide (8008)"},
            "work_phone": {"type": "string", "maxLength": 200},
            "mobile_phone": {"type": "string", "maxLength": 200},
            "home_phone": {"type": "string", "maxLength": 200},
            "home_address": {"type": "string", "maxLength": 255},
            "notes": {"type": "string", "description": "also accepted as note"},
            "tab_number": {"type": "string", "maxLength": 255, "description": "unique in the company when set (8008)"},
            "bank_book": {"type": "string", "maxLength": 255},
            "role": {"type": ["integer", "string"], "enum": [1, 2, 3, 4, 5], "default": 5, "description": "ext; 1..4 granted by admins only (8005); needs username"},
            "department_ids": {"description": "ext: the departments a role 2..4 oversees", "oneOf": [ids.clone()]},
            "password": {"type": "string", "minLength": 8, "description": "ext; needs username; without it the user sets one through password reset"}
        }
    })
}

/// The OpenAPI description of `POST /v1/employees`.
pub(super) fn operations() -> Vec<Operation> {
    vec![Operation {
        method: "post",
        path: "/v1/employees",
        tag: "Employees",
        summary: "Hire an employee",
        description: "Admins; heads into the departments they oversee (403/7004 otherwise). JSON or form body (arrays as a[]=1&a[]=2 or a=1,2). pin_code and qrcode are generated. With username a login user is created with the given role (default 5) and password. Writes addEmployee (and assignedRole for roles 1..4) in the activity log.",
        secured: true,
        parameters: vec![],
        request: Some(body(request_schema())),
        responses: with_errors(
            true,
            vec![
                ("201", "The new employee", schema_ref("Employee")),
                (
                    "400",
                    "The company's employee limit is reached (7012), or a malformed body (4001)",
                    schema_ref("Error"),
                ),
                (
                    "403",
                    "Not an admin or head, or the department is outside the head's (7004)",
                    schema_ref("Error"),
                ),
                (
                    "422",
                    "Every failing field: 8002 required, 8003 invalid, 8004 id not in the company, 8005 role not grantable, 8006 invalid role, 8007 invalid email, 8008 username or tab_number taken, 8009 date format, 8010 schedule_start_date before start_date",
                    schema_ref("ValidationError"),
                ),
            ],
        ),
    }]
}
