//! `PUT /v1/employees/{id}`: a partial update of an employee (admins; heads for the
//! employees of their departments). Answers 200 with the Employee object, bare, as the
//! reference shows and as CONTRACT.md §1 has single objects (only `GET` of one employee
//! wraps it in `{"success", "data"}`).
//!
//! The rules (who may edit whom, what each field sent means, the activity rows) are
//! the use case's (`davomat_app::employee_edit`); this handler reads which fields were
//! sent, calls it and renders the Employee object.

use axum::Json;
use axum::extract::{Path, Request, State};
use davomat_app::employee_edit::{self as use_cases, EmployeeEdit};
use davomat_core::EmployeeId;
use serde_json::{Value, json};

use crate::caller::Caller;
use crate::error::ApiResult;
use crate::input::{Fields, body_fields, path_id};
use crate::objects::PhotoBase;
use crate::openapi::{Operation, body, id_in_path, schema_ref, with_errors};
use crate::{AppState, objects};

/// The edit as sent: a field not sent (or `null`) is `None`.
fn edit_of(fields: &Fields) -> EmployeeEdit {
    let text = |name: &str| fields.contains(name).then(|| fields.sent_text(name));
    let int = |name: &str| fields.contains(name).then(|| fields.sent_int(name));
    EmployeeEdit {
        first_name: text("first_name"),
        last_name: text("last_name"),
        patronymic: text("patronymic"),
        birth_date: text("birth_date"),
        gender: text("gender"),
        start_date: text("start_date"),
        tab_number: text("tab_number"),
        home_address: text("home_address"),
        home_phone: text("home_phone"),
        work_phone: text("work_phone"),
        mobile_phone: text("mobile_phone"),
        bank_book: text("bank_book"),
        notes: text(super::notes_field(fields)),
        department_id: int("department_id"),
        positions: fields
            .contains("positions")
            .then(|| fields.sent_ids("positions")),
        schedule_id: int("schedule_id"),
        schedule_start_date: fields.sent_text("schedule_start_date"),
        locations: fields
            .contains("locations")
            .then(|| fields.sent_locations("locations")),
        efct_date: fields.sent_text("efct_date"),
    }
}

pub(super) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    let employee = EmployeeId(path_id(&id)?);
    // Refused before the body is read (403 and 404 come before 400 and 422).
    use_cases::check(&state.store, &caller, employee).await?;
    let edit = edit_of(&body_fields(request).await?);
    let card = use_cases::edit(&state.store, &caller, employee, edit, state.clock.now()).await?;
    Ok(Json(objects::employee_value(&card, &photo_base)))
}

/// The request body of `PUT /v1/employees/{id}`.
fn request_schema() -> Value {
    let name = |description: &str| json!({"type": "string", "minLength": 3, "maxLength": 70, "description": description});
    let ids = json!({"oneOf": [
        {"type": "array", "items": {"type": ["integer", "string"]}},
        {"type": "string", "description": "comma-separated ids"}
    ]});
    json!({
        "type": "object",
        "description": "Every field is optional; absent or null keeps the value, an empty optional field clears it.",
        "properties": {
            "first_name": name("letters, digits, space and ' ` _ ( ) & - № , . ʻ ʼ ‘ ’; empty is 8002"),
            "last_name": name("as first_name; empty clears"),
            "patronymic": name("as first_name; empty clears"),
            "birth_date": {"type": "string", "format": "date"},
            "gender": {"type": "string", "enum": ["male", "female"]},
            "start_date": {"type": "string", "format": "date"},
            "work_phone": {"type": "string", "maxLength": 200},
            "mobile_phone": {"type": "string", "maxLength": 200},
            "home_phone": {"type": "string", "maxLength": 200},
            "home_address": {"type": "string", "maxLength": 255},
            "notes": {"type": "string", "description": "also accepted as note"},
            "tab_number": {"type": "string", "maxLength": 255, "description": "unique in the company when set (8008)"},
            "bank_book": {"type": "string", "maxLength": 255},
            "department_id": {"type": ["integer", "string"], "description": "from efct_date on"},
            "positions": {"description": "the positions held from efct_date on; [] removes them", "oneOf": [ids.clone()]},
            "schedule_id": {"type": ["integer", "string"], "description": "applied at once"},
            "schedule_start_date": {"type": "string", "format": "date", "description": "default efct_date when the schedule changes; not before start_date (8010)"},
            "locations": {"oneOf": [ids.clone(), {"const": "*", "description": "every location of the company"}], "description": "replaced at once"},
            "efct_date": {"type": "string", "format": "date", "description": "ext: the first day a department or position change holds; default today (or start_date before the employee starts); later than today = pending; not before start_date (8010)"}
        }
    })
}

/// The OpenAPI description of `PUT /v1/employees/{id}`.
pub(super) fn operations() -> Vec<Operation> {
    vec![Operation {
        method: "put",
        path: "/v1/employees/{id}",
        tag: "Employees",
        summary: "Edit an employee (partial)",
        description: "Admins; heads for the employees of their departments, into their departments (403/7004 otherwise). JSON or form body. Answers the Employee object. A department or position change takes effect on efct_date (pending when later than today); schedule and locations change at once. Writes editPersonProfile, editEmployeeCode, transferEmpDep, assignedPosition, assignedSchedule, assignedLocation as the change calls for; a change that changes nothing writes nothing.",
        secured: true,
        parameters: vec![id_in_path("id")],
        request: Some(body(request_schema())),
        responses: with_errors(
            true,
            vec![
                ("200", "The employee as it is now", schema_ref("Employee")),
                ("400", "A malformed body (4001)", schema_ref("Error")),
                (
                    "403",
                    "Not an admin or head, or the employee or the new department is outside the head's (7004)",
                    schema_ref("Error"),
                ),
                (
                    "404",
                    "No such employee in the company (3000)",
                    schema_ref("Error"),
                ),
                (
                    "422",
                    "Every failing field: 8002 required field emptied, 8003 invalid, 8004 id not in the company, 8008 tab_number taken, 8009 date format, 8010 schedule_start_date or efct_date before start_date",
                    schema_ref("ValidationError"),
                ),
            ],
        ),
    }]
}
