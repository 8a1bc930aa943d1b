//! `POST /v1/employees`: hire an employee (admins; heads into the departments they
//! oversee), optionally with a login user (`username`), a role, the departments that
//! role oversees and a password (ext). 201 with the Employee object.
//!
//! The rules (who may hire whom, every field's check, the login and its role) are the
//! use case's (`davomat_app::hiring`); this handler reads the request, calls it and
//! renders the Employee object.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use davomat_app::hiring::{self, Hire};
use serde_json::{Value, json};

use crate::caller::Caller;
use crate::error::ApiResult;
use crate::input::body_fields;
use crate::objects::PhotoBase;
use crate::openapi::{Operation, body, schema_ref, with_errors};
use crate::{AppState, objects};

pub(super) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    photo_base: PhotoBase,
    request: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    hiring::authorize(&caller)?;
    let fields = body_fields(request).await?;
    let hire = Hire {
        first_name: fields.sent_text("first_name"),
        last_name: fields.sent_text("last_name"),
        patronymic: fields.sent_text("patronymic"),
        birth_date: fields.sent_text("birth_date"),
        gender: fields.sent_text("gender"),
        department_id: fields.sent_int("department_id"),
        schedule_id: fields.sent_int("schedule_id"),
        locations: fields.sent_locations("locations"),
        positions: fields.sent_ids("positions"),
        start_date: fields.sent_text("start_date"),
        schedule_start_date: fields.sent_text("schedule_start_date"),
        username: fields.sent_text("username"),
        password: fields.sent_secret("password"),
        role: fields.sent_int("role"),
        department_ids: fields.sent_ids("department_ids"),
        tab_number: fields.sent_text("tab_number"),
        home_address: fields.sent_text("home_address"),
        home_phone: fields.sent_text("home_phone"),
        work_phone: fields.sent_text("work_phone"),
        mobile_phone: fields.sent_text("mobile_phone"),
        bank_book: fields.sent_text("bank_book"),
        notes: fields.sent_text(super::notes_field(&fields)),
    };
    let card = hiring::hire(&state.store, &caller, hire, state.clock.now()).await?;
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
