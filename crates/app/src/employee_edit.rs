//! Editing an employee (`PUT /v1/employees/{id}`): a partial change (admins; heads for
//! the employees of their departments).
//!
//! Checks, in the contract's order: the caller's role (forbidden); the employee in the
//! company (not found); a head's employee outside their departments, or a head moving
//! the employee into a department outside them (forbidden; a department not in the
//! company is 8004 instead); then every field at once.
//!
//! What a field sent means (not sent, or `null`, keeps the value):
//! - Profile: `first_name`, `last_name`, `patronymic`, `birth_date`, `gender`,
//!   `work_phone`, `mobile_phone`, `home_phone`, `home_address`, `notes` (a door may
//!   read the alias `note`; its errors are named `notes`), `tab_number`, `bank_book`,
//!   `start_date`, with the rules of `POST`. An empty optional
//!   field clears it; an empty `first_name` or `start_date` is 8002 (the employee must
//!   have one). `tab_number` is unique in the company, the employee itself excepted.
//! - `pin_code` (ext, CONTRACT.md §9): the rules of `POST` (4..10 digits, 8003; unique
//!   in the company, the employee itself excepted, 8008); empty is 8002, since every
//!   employee has one. A change is a profile change (`editPersonProfile`).
//! - `efct_date` (ext): the first day a change of department or positions holds;
//!   default the company's today, or `start_date` for an employee who has not started
//!   yet; before `start_date` is 8010. A day after today makes the change pending: it
//!   shows in `/departments` and `/positions` and `DELETE …/department` / `…/position`
//!   remove it. A department change on or before today, or on the first day of an
//!   employee who has not started, moves the card's department at once; a later one
//!   moves it when the day comes.
//! - `department_id`, `positions`: the same as the employee holds from `efct_date` on,
//!   with nothing changing later, is no change; otherwise the periods from
//!   `efct_date` on are replaced (a pending change after it goes, a period holding on
//!   it closes the day before).
//! - `schedule_id`, `schedule_start_date`: applied at once; `schedule_start_date`
//!   defaults to `efct_date` (not before `start_date`) when the schedule changes; it
//!   must not precede `start_date` (8010).
//! - `locations`: a list, `"1,2"` or `"*"`, replaced at once; empty is 8002.
//! - `username`, `password`, `role`, `department_ids` are not changed by this route and
//!   are ignored (the reference's own sample sends `username`).
//!
//! One activity row per kind of change made, in the same transaction:
//! `editPersonProfile` (the PIN code included), `editEmployeeCode` (`assigned` = the
//! new tab number), `transferEmpDep` (the department's title), `assignedPosition` (the
//! titles), `assignedSchedule` (the title), `assignedLocation` (the titles);
//! `object_id` and `person_id` are the employee. A PUT that changes nothing writes
//! nothing.

use chrono::NaiveDate;
use davomat_core::activity::{EmployeeChange, Message};
use davomat_core::validation::{FieldCode, FieldErrors, Reason};
use davomat_core::webhooks::WebhookEvent;
use davomat_core::{DepartmentId, EmployeeId, LocationId, Role, ScheduleId};
use davomat_store::activity::{self, Actor, NewActivity};
use davomat_store::employees::create::{self as references, Code, Reference};
use davomat_store::employees::history::{self, Kind};
use davomat_store::employees::update::{self as store, Current, Profile};
use davomat_store::employees::{self, EmployeeCard};
use davomat_store::read_cache::Dependency;
use davomat_store::{DatabaseTransaction, Store, departments, terminal_users};

use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::employee_fields::{self as rules, TextField};
use crate::error::{AppError, AppResult};
use crate::request::{Locations, Sent};
use crate::scope::Scope;

/// Who may edit employees.
const EDITING_ROLES: [Role; 2] = [Role::Admin, Role::DepartmentHead];

/// A change of an employee, as sent (JSON or form): an absent or null field is kept; an
/// empty one clears an optional field (a required one is 8002).
// `None` = not sent (kept); `Some(Sent::Absent)` = sent empty.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = EmployeeChange)]
pub struct EmployeeEdit {
    /// Letters, digits, space and ' ` _ ( ) & - № , . ʻ ʼ ‘ ’; empty is 8002.
    #[schema(value_type = Option<String>, min_length = 3, max_length = 70)]
    pub first_name: Option<Sent<String>>,
    /// As first_name; empty clears.
    #[schema(value_type = Option<String>, min_length = 3, max_length = 70)]
    pub last_name: Option<Sent<String>>,
    /// As first_name; empty clears.
    #[schema(value_type = Option<String>, min_length = 3, max_length = 70)]
    pub patronymic: Option<Sent<String>>,
    /// `YYYY-MM-DD`, up to today; empty clears.
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Option<Sent<String>>,
    /// male or female; empty clears.
    #[schema(value_type = Option<String>, example = "female")]
    pub gender: Option<Sent<String>>,
    /// `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, format = Date)]
    pub start_date: Option<Sent<String>>,
    /// Ext: the PIN terminals and kiosks know the employee by: digits only, 4..10 of
    /// them, leading zeros kept (8003); unique in the company, dismissed employees
    /// included (8008); empty is 8002.
    #[schema(value_type = Option<String>, min_length = 4, max_length = 10, pattern = "^[0-9]{4,10}$", example = "0417")]
    pub pin_code: Option<Sent<String>>,
    /// Unique in the company when set (8008).
    #[schema(value_type = Option<String>, max_length = 255)]
    pub tab_number: Option<Sent<String>>,
    #[schema(value_type = Option<String>, max_length = 255)]
    pub home_address: Option<Sent<String>>,
    #[schema(value_type = Option<String>, max_length = 200)]
    pub home_phone: Option<Sent<String>>,
    #[schema(value_type = Option<String>, max_length = 200)]
    pub work_phone: Option<Sent<String>>,
    #[schema(value_type = Option<String>, max_length = 200)]
    pub mobile_phone: Option<Sent<String>>,
    #[schema(value_type = Option<String>, max_length = 255)]
    pub bank_book: Option<Sent<String>>,
    /// Kept as sent; also accepted as `note`.
    #[schema(value_type = Option<String>)]
    pub notes: Option<Sent<String>>,
    /// From efct_date on.
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<Sent<i64>>,
    /// The positions held from efct_date on: ids or `"1,2"`; `[]` removes them.
    #[schema(value_type = Option<Vec<i64>>)]
    pub positions: Option<Sent<Vec<i64>>>,
    /// Applied at once.
    #[schema(value_type = Option<i64>)]
    pub schedule_id: Option<Sent<i64>>,
    /// `YYYY-MM-DD`: default efct_date when the schedule changes; not before start_date
    /// (8010); absent: see the module's notes.
    #[schema(value_type = Option<String>, format = Date)]
    pub schedule_start_date: Sent<String>,
    /// Replaced at once: ids, `"1,2"` or `"*"` for every location of the company.
    #[schema(value_type = Option<crate::employee_fields::LocationIdsShape>)]
    pub locations: Option<Sent<Locations>>,
    /// Ext, `YYYY-MM-DD`: the first day a department or position change holds; default
    /// today (or start_date before the employee starts); later than today = pending; not
    /// before start_date (8010).
    #[schema(value_type = Option<String>, format = Date)]
    pub efct_date: Sent<String>,
}

/// What the request asks for; `None` = not sent (kept).
#[derive(Default)]
struct Asked {
    first_name: Option<String>,
    last_name: Option<String>,
    patronymic: Option<String>,
    gender: Option<Option<String>>,
    birth_date: Option<Option<NaiveDate>>,
    start_date: Option<NaiveDate>,
    pin_code: Option<String>,
    tab_number: Option<String>,
    home_address: Option<String>,
    home_phone: Option<String>,
    work_phone: Option<String>,
    mobile_phone: Option<String>,
    notes: Option<Option<String>>,
    bank_book: Option<String>,
    department_id: Option<i64>,
    positions: Option<Vec<i64>>,
    schedule_id: Option<i64>,
    schedule_start_date: Option<NaiveDate>,
    locations: Option<Locations>,
    efct_date: Option<NaiveDate>,
}

/// Refused ([`AppError::Forbidden`]) unless the caller's role may edit employees.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&EDITING_ROLES)
}

/// The employee as they stand, when the caller may edit them: refused for the
/// caller's role ([`AppError::Forbidden`]), outside the company
/// ([`AppError::NotFound`]), outside a head's departments ([`AppError::Forbidden`]). A
/// door whose input may be malformed calls it before reading that input (CONTRACT.md
/// §2's order of checks); [`edit`] calls it again.
pub async fn check(store: &Store, caller: &Caller, employee: EmployeeId) -> AppResult<Current> {
    authorize(caller)?;
    let current = store::current(store.connection(), caller.company_id, employee)
        .await?
        .ok_or(AppError::NotFound)?;
    Scope::require_department(store, caller, current.department_id).await?;
    Ok(current)
}

/// Edits the employee; answers their card (on the caller's today).
pub async fn edit(
    store: &Store,
    caller: &Caller,
    employee: EmployeeId,
    request: EmployeeEdit,
    now: i64,
) -> AppResult<EmployeeCard> {
    check(store, caller, employee).await?;
    let company = caller.company_id;
    let today = caller.today(now);
    let mut errors = FieldErrors::new();
    let asked = read(request, today, &mut errors);
    // A head moves employees only into the departments they oversee; a department
    // that is not the company's is a field error (8004), found below.
    if let Some(id) = asked.department_id
        && caller.role != Role::Admin
        && references::unknown_ids(store.connection(), company, Reference::Department, &[id])
            .await?
            .is_empty()
    {
        Scope::require_department(store, caller, DepartmentId(id)).await?;
    }
    let actor = caller.actor();

    let txn = store.begin().await?;
    // The employee, and the lists that sort and filter by what an edit changes.
    txn.changes([Dependency::Employee(employee), Dependency::Roster(company)]);
    // Serialises the company's writes, so that the codes checked below are still free
    // when the row is written.
    departments::lock(&txn, company).await?;
    let current = store::current(&txn, company, employee)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan = plan(&txn, caller, &current, &asked, today, &mut errors).await?;
    errors.finish()?;
    let rows = write(&txn, caller, &current, &plan, today, now).await?;
    if !rows.is_empty() {
        let name = employees::full_name_of(&txn, company, employee).await?;
        log(&txn, caller, &actor, current.id.0, &name, rows, now).await?;
        terminal_users::note_change(&txn, company, employee, now).await?;
        let data = serde_json::json!({"employee_id": employee.0, "full_name": name});
        crate::webhooks::announce(&txn, company, WebhookEvent::EmployeeUpdated, data, now).await?;
    }
    let card = employees::card(&txn, company, employee, today).await?;
    txn.commit().await?;
    Ok(card)
}

/// The ids sorted, each once.
fn distinct_sorted<Id: Ord>(mut ids: Vec<Id>) -> Vec<Id> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Reads every field sent, recording every failure that needs no database (in the
/// order the contract's answers list them).
fn read(request: EmployeeEdit, today: NaiveDate, errors: &mut FieldErrors) -> Asked {
    let text = |sent: Option<Sent<String>>, field: TextField, errors: &mut FieldErrors| {
        sent.map(|sent| rules::text(sent, field, errors))
    };
    let name = |sent: Option<Sent<String>>, name: &str, errors: &mut FieldErrors| {
        sent.map(|sent| rules::optional_name(sent, name, errors))
    };
    let mut asked = Asked {
        first_name: request
            .first_name
            .map(|sent| rules::first_name(sent, errors)),
        last_name: name(request.last_name, "last_name", errors),
        patronymic: name(request.patronymic, "patronymic", errors),
        gender: request.gender.map(|sent| rules::gender(sent, errors)),
        pin_code: request
            .pin_code
            .and_then(|sent| sent.required("pin_code", errors))
            .and_then(|pin| rules::pin_code(&pin, errors)),
        tab_number: text(request.tab_number, TextField::TabNumber, errors),
        home_address: text(request.home_address, TextField::HomeAddress, errors),
        home_phone: text(request.home_phone, TextField::HomePhone, errors),
        work_phone: text(request.work_phone, TextField::WorkPhone, errors),
        mobile_phone: text(request.mobile_phone, TextField::MobilePhone, errors),
        bank_book: text(request.bank_book, TextField::BankBook, errors),
        notes: request
            .notes
            .map(|sent| rules::notes(sent, "notes", errors)),
        ..Asked::default()
    };
    if let Some(sent) = request.birth_date {
        let day = rules::birth_date(sent, today, errors);
        if !errors.has("birth_date") {
            asked.birth_date = Some(day);
        }
    }
    if let Some(sent) = request.start_date {
        asked.start_date = sent.required_date("start_date", errors);
    }
    if let Some(sent) = request.department_id {
        asked.department_id = sent.required("department_id", errors);
    }
    if let Some(sent) = request.schedule_id {
        asked.schedule_id = sent.required("schedule_id", errors);
    }
    if let Some(sent) = request.positions {
        asked.positions = sent.optional("positions", errors).map(distinct_sorted);
    }
    if let Some(sent) = request.locations {
        asked.locations = rules::locations(sent, errors);
    }
    asked.schedule_start_date = request
        .schedule_start_date
        .optional_date("schedule_start_date", errors);
    asked.efct_date = request.efct_date.optional_date("efct_date", errors);
    asked
}

/// The profile the request leaves: the current one with what was sent.
fn edited_profile(current: &Current, asked: &Asked) -> Profile {
    let mut profile = current.profile();
    let replace = |slot: &mut String, value: &Option<String>| {
        if let Some(value) = value {
            slot.clone_from(value);
        }
    };
    replace(&mut profile.first_name, &asked.first_name);
    replace(&mut profile.last_name, &asked.last_name);
    replace(&mut profile.patronymic, &asked.patronymic);
    replace(&mut profile.pin_code, &asked.pin_code);
    replace(&mut profile.tab_number, &asked.tab_number);
    replace(&mut profile.home_address, &asked.home_address);
    replace(&mut profile.home_phone, &asked.home_phone);
    replace(&mut profile.work_phone, &asked.work_phone);
    replace(&mut profile.mobile_phone, &asked.mobile_phone);
    replace(&mut profile.bank_book, &asked.bank_book);
    if let Some(gender) = &asked.gender {
        profile.gender.clone_from(gender);
    }
    if let Some(birth_date) = asked.birth_date {
        profile.birth_date = birth_date;
    }
    if let Some(notes) = &asked.notes {
        profile.notes.clone_from(notes);
    }
    if let Some(start_date) = asked.start_date {
        profile.start_date = start_date;
    }
    profile
}

/// The changes to write, once every check passed.
struct Plan {
    profile: Profile,
    profile_changed: bool,
    code_changed: bool,
    department: Option<i64>,
    positions: Option<Vec<i64>>,
    schedule: Option<(ScheduleId, NaiveDate)>,
    locations: Option<Vec<LocationId>>,
    efct_date: NaiveDate,
}

/// Checks the request against the database and the employee as it stands, and works
/// out what actually changes.
async fn plan(
    txn: &DatabaseTransaction,
    caller: &Caller,
    current: &Current,
    asked: &Asked,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> AppResult<Plan> {
    let company = caller.company_id;
    let employee = current.id;
    let profile = edited_profile(current, asked);
    let start = profile.start_date;
    if let Some(efct) = asked.efct_date
        && efct < start
    {
        errors.add(
            "efct_date",
            FieldCode::DateTooEarly,
            Reason::NotBefore("start_date".into()),
        );
    }
    let efct_date = asked.efct_date.unwrap_or(today.max(start));

    let mut department = None;
    if let Some(id) = asked.department_id {
        rules::check_ids(
            txn,
            company,
            "department_id",
            Reference::Department,
            &[id],
            errors,
        )
        .await?;
        let held = store::held_from(txn, Kind::Department, employee, efct_date).await?;
        if held != Some(vec![id]) {
            department = Some(id);
        }
    }
    let mut positions = None;
    if let Some(ids) = &asked.positions {
        rules::check_ids(txn, company, "positions", Reference::Position, ids, errors).await?;
        if store::held_from(txn, Kind::Position, employee, efct_date).await? != Some(ids.clone()) {
            positions = Some(ids.clone());
        }
    }

    let schedule_id = asked.schedule_id.map_or(current.schedule_id, ScheduleId);
    if let Some(id) = asked.schedule_id {
        rules::check_ids(
            txn,
            company,
            "schedule_id",
            Reference::Schedule,
            &[id],
            errors,
        )
        .await?;
    }
    let schedule_start = match asked.schedule_start_date {
        Some(day) => day,
        None if schedule_id != current.schedule_id => efct_date.max(start),
        None => current.schedule_start_date,
    };
    if asked.schedule_start_date.is_some() || asked.start_date.is_some() {
        rules::schedule_not_before_start(Some(start), Some(schedule_start), errors);
    }
    let schedule = (schedule_id != current.schedule_id
        || schedule_start != current.schedule_start_date)
        .then_some((schedule_id, schedule_start));

    let mut locations = None;
    let wanted = match &asked.locations {
        Some(Locations::All) => Some(references::all_location_ids(txn, company).await?),
        Some(Locations::Ids(ids)) => {
            rules::check_ids(txn, company, "locations", Reference::Location, ids, errors).await?;
            Some(distinct_sorted(ids.clone()))
        }
        None => None,
    };
    if let Some(ids) = wanted
        && ids != store::location_ids(txn, employee).await?
    {
        locations = Some(ids);
    }

    let code_changed = profile.tab_number != current.tab_number;
    if code_changed {
        let tab = &profile.tab_number;
        rules::check_unique(txn, company, Code::TabNumber, tab, Some(employee), errors).await?;
    }
    if profile.pin_code != current.pin_code {
        let pin = &profile.pin_code;
        rules::check_unique(txn, company, Code::Pin, pin, Some(employee), errors).await?;
    }
    let mut untouched_code = profile.clone();
    untouched_code.tab_number.clone_from(&current.tab_number);
    let profile_changed = untouched_code != current.profile();
    Ok(Plan {
        profile,
        profile_changed,
        code_changed,
        department,
        positions,
        schedule,
        locations,
        efct_date,
    })
}

/// One activity row about the employee.
struct Row {
    action: &'static str,
    what: EmployeeChange,
    assigned: Option<String>,
    value: Option<String>,
    from: Option<NaiveDate>,
}

/// Writes the plan and answers the activity rows it calls for.
async fn write(
    txn: &DatabaseTransaction,
    caller: &Caller,
    current: &Current,
    plan: &Plan,
    today: NaiveDate,
    now: i64,
) -> AppResult<Vec<Row>> {
    let company = caller.company_id;
    let employee = current.id;
    let mut rows = Vec::new();
    let dated = (plan.efct_date != today).then_some(plan.efct_date);
    if plan.profile_changed || plan.code_changed {
        // A PIN or tab number taken by a concurrent request meanwhile is 8008 on its
        // field (the unique rule's field, davomat_store::Unique).
        store::write_profile(txn, company, employee, &plan.profile).await?;
    }
    if plan.profile_changed {
        rows.push(Row {
            action: "editPersonProfile",
            what: EmployeeChange::Profile,
            assigned: None,
            value: None,
            from: None,
        });
    }
    if plan.code_changed {
        let code = Some(plan.profile.tab_number.clone()).filter(|c| !c.is_empty());
        rows.push(Row {
            action: "editEmployeeCode",
            what: EmployeeChange::Code,
            assigned: code.clone(),
            value: code,
            from: None,
        });
    }
    if let Some(department) = plan.department {
        history::change(
            txn,
            Kind::Department,
            employee,
            &[department],
            plan.efct_date,
            now,
        )
        .await?;
        // A change on the first day of an employee who has not started yet replaces
        // an assignment that never took effect.
        if plan.efct_date <= today || plan.efct_date == plan.profile.start_date {
            store::set_department(txn, employee, department).await?;
        }
        let title = store::titles(txn, company, Reference::Department, &[department])
            .await?
            .join(", ");
        rows.push(Row {
            action: "transferEmpDep",
            what: EmployeeChange::Department,
            assigned: Some(title.clone()),
            value: Some(title),
            from: dated,
        });
    }
    if let Some(positions) = &plan.positions {
        history::change(
            txn,
            Kind::Position,
            employee,
            positions,
            plan.efct_date,
            now,
        )
        .await?;
        let titles = store::titles(txn, company, Reference::Position, positions)
            .await?
            .join(", ");
        rows.push(Row {
            action: "assignedPosition",
            what: EmployeeChange::Positions,
            assigned: Some(titles.clone()).filter(|t| !t.is_empty()),
            value: Some(titles),
            from: dated,
        });
    }
    if let Some((schedule, from)) = plan.schedule {
        store::set_schedule(txn, employee, schedule, from).await?;
        let title = store::titles(txn, company, Reference::Schedule, &[schedule])
            .await?
            .join(", ");
        rows.push(Row {
            action: "assignedSchedule",
            what: EmployeeChange::Schedule,
            assigned: Some(title.clone()),
            value: Some(title),
            from: (from != today).then_some(from),
        });
    }
    if let Some(locations) = &plan.locations {
        store::set_locations(txn, company, employee, locations, now).await?;
        let titles = store::titles(txn, company, Reference::Location, locations)
            .await?
            .join(", ");
        rows.push(Row {
            action: "assignedLocation",
            what: EmployeeChange::Locations,
            assigned: Some(titles.clone()),
            value: Some(titles),
            from: None,
        });
    }
    Ok(rows)
}

async fn log(
    txn: &DatabaseTransaction,
    caller: &Caller,
    actor: &Actor,
    employee: i64,
    name: &str,
    rows: Vec<Row>,
    now: i64,
) -> AppResult<()> {
    for row in rows {
        activity::record(
            txn,
            NewActivity {
                company_id: caller.company_id,
                actor: Some(actor.clone()),
                action_name: row.action,
                object_id: Some(employee),
                person_id: Some(EmployeeId(employee)),
                assigned: row.assigned,
                message: Message::EmployeeChanged {
                    what: row.what,
                    name: name.to_string(),
                    value: row.value,
                    from: row.from.map(|d| d.to_string()),
                },
            },
            caller.company_lang,
            now,
        )
        .await?;
    }
    Ok(())
}
