//! `/v1/identification` (reference file 12): an employee's face template, for the
//! face-ID terminals at their locations. Admins for the company, department heads for
//! the employees of their departments (403 outside them, as employee edits).
//!
//! - `POST /v1/identification/addface/{employee_id}`: the image as the multipart field
//!   `imgdata`, as the raw body (`image/jpeg`, `image/png`, `application/octet-stream`),
//!   or base64 in the JSON or form field `imgdata` (a `data:image/…;base64,` prefix is
//!   fine). The body may be up to 3 MB; the image is checked by [`crate::faces`].
//!   Replaces the previous template (new photo URLs), logs `addedFace` and queues
//!   `addface` for the terminals. `{"success": true}`.
//! - `GET`/`POST /v1/identification/deleteface/{employee_id}`: removes the template,
//!   logs `deletedFace` and queues `deleteface`; without a template nothing changes.
//!   `{"success": true}` either way.
//!
//! Removing an employee (`DELETE /v1/employees/{id}/remove`) queues `deleteface` too,
//! through the use case (`davomat_app::employee_lifecycle::remove`).

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{Method, header};
use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use davomat_core::activity::{Message, PayrollAction};
use davomat_core::validation::{FieldCode, Reason, Rule};
use davomat_core::{EmployeeId, Role};
use davomat_store::activity::{self, NewActivity};
use davomat_store::device_commands::{self, CommandKind};
use davomat_store::faces::{self as stored_faces, FaceOwner, NewFace};
use davomat_store::read_cache::Dependency;
use serde_json::{Value, json};

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, Malformed};
use crate::faces::{self, FIELD, Format, UPLOAD_BODY_LIMIT};
use crate::guard::Access;
use crate::input::{Fields, path_id, read_body};
use crate::openapi::{Operation, id_in_path, schema_ref, with_errors};
use crate::scope::Scope;

const ADD: &str = "/v1/identification/addface/{employee_id}";
const DELETE: &str = "/v1/identification/deleteface/{employee_id}";

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add_with_body_limit(
            Method::POST,
            ADD,
            Access::Authenticated,
            UPLOAD_BODY_LIMIT,
            add_face,
        )
        .add(Method::GET, DELETE, Access::Authenticated, delete_face)
        .add(Method::POST, DELETE, Access::Authenticated, delete_face)
}

/// The employee behind the path: 403 for roles other than admin and head, 404 outside
/// the company, 403 outside a head's departments.
async fn target(state: &AppState, caller: &Caller, id: &str) -> ApiResult<FaceOwner> {
    caller.require(&[Role::Admin, Role::DepartmentHead])?;
    let owner = stored_faces::owner(
        state.store.connection(),
        caller.company_id,
        EmployeeId(path_id(id)?),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    Scope::require_department(&state.store, caller, owner.department_id).await?;
    Ok(owner)
}

async fn add_face(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Value>> {
    let owner = target(&state, &caller, &id).await?;
    let bytes = read_image(request)
        .await?
        .ok_or_else(|| ApiError::field(FIELD, FieldCode::Required, Reason::Plain))?;
    let template = faces::prepare(bytes).await?;
    let company = caller.company_id;
    let employee = EmployeeId(owner.id);
    let actor = caller.actor(&state.store).await?;
    let now = state.clock.now();
    let face = NewFace {
        photo_key: davomat_store::secrets::new_token(),
        format: template.format.name().to_string(),
        width: i64::from(template.width),
        height: i64::from(template.height),
        original: template.original,
        small: template.small,
        medium: template.medium,
    };
    let txn = state.store.begin().await?;
    // Cards show the employee's photos.
    txn.changes([Dependency::Employee(employee)]);
    stored_faces::put(&txn, company, employee, face, now).await?;
    announce(&txn, &caller, actor, &owner, PayrollAction::FaceAdded, now).await?;
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"success": true})))
}

async fn delete_face(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let owner = target(&state, &caller, &id).await?;
    let company = caller.company_id;
    let employee = EmployeeId(owner.id);
    let actor = caller.actor(&state.store).await?;
    let now = state.clock.now();
    let txn = state.store.begin().await?;
    txn.changes([Dependency::Employee(employee)]);
    // Deleting what is not there changes nothing: no activity row, no commands.
    if stored_faces::delete(&txn, company, employee).await? {
        announce(
            &txn,
            &caller,
            actor,
            &owner,
            PayrollAction::FaceDeleted,
            now,
        )
        .await?;
    }
    davomat_store::commit(txn).await?;
    Ok(Json(json!({"success": true})))
}

/// Writes the `addedFace` / `deletedFace` row about the employee and queues the
/// matching command for the terminals, in the change's transaction.
async fn announce(
    txn: &davomat_store::DatabaseTransaction,
    caller: &Caller,
    actor: activity::Actor,
    owner: &FaceOwner,
    action: PayrollAction,
    now: i64,
) -> ApiResult<()> {
    let (action_name, command) = match action {
        PayrollAction::FaceDeleted => ("deletedFace", CommandKind::DeleteFace),
        _ => ("addedFace", CommandKind::AddFace),
    };
    activity::record(
        txn,
        NewActivity {
            company_id: caller.company_id,
            actor: Some(actor),
            action_name,
            object_id: Some(owner.id),
            person_id: Some(owner.id),
            assigned: None,
            message: Message::Payroll {
                action,
                name: owner.full_name.clone(),
                detail: String::new(),
            },
        },
        caller.company_lang,
        now,
    )
    .await?;
    device_commands::queue(
        txn,
        caller.company_id,
        EmployeeId(owner.id),
        &owner.pin_code,
        command,
        now,
    )
    .await?;
    Ok(())
}

/// The image of an upload however it was sent; `None` when none came.
async fn read_image(request: Request) -> ApiResult<Option<Vec<u8>>> {
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, UPLOAD_BODY_LIMIT).await?;
    let media = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if media == "multipart/form-data" {
        let request = Request::from_parts(parts, Body::from(bytes));
        return from_multipart(request).await;
    }
    // A raw body: an image type, octet-stream, or image bytes under any other type.
    if media.starts_with("image/")
        || media == "application/octet-stream"
        || Format::sniff(&bytes).is_some()
    {
        return Ok((!bytes.is_empty()).then(|| bytes.to_vec()));
    }
    let fields = Fields::from_body(&parts.headers, &bytes)?;
    match fields.raw(FIELD) {
        None => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => decode_base64(text).map(Some),
        Some(_) => Err(not_base64()),
    }
}

/// The `imgdata` part of a multipart body: a file part as it is, a text part as
/// base64 unless it is the image itself.
async fn from_multipart(request: Request) -> ApiResult<Option<Vec<u8>>> {
    let malformed = |_| ApiError::Malformed(Malformed::Body);
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| ApiError::Malformed(Malformed::Body))?;
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        if field.name() != Some(FIELD) {
            continue;
        }
        let is_file = field.file_name().is_some();
        let data = field.bytes().await.map_err(malformed)?;
        if data.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        if !is_file
            && Format::sniff(&data).is_none()
            && let Ok(text) = std::str::from_utf8(&data)
        {
            return decode_base64(text).map(Some);
        }
        return Ok(Some(data.to_vec()));
    }
    Ok(None)
}

fn not_base64() -> ApiError {
    ApiError::field(
        FIELD,
        FieldCode::InvalidValue,
        Reason::Rule(Rule::FileOrBase64),
    )
}

/// Base64 (standard or URL-safe, padded or not, line breaks allowed), optionally as a
/// `data:image/…;base64,` URL. A space is read as `+`: an unescaped form body turns
/// every `+` into one.
fn decode_base64(text: &str) -> ApiResult<Vec<u8>> {
    let text = text.trim();
    let payload = match text.strip_prefix("data:") {
        Some(rest) => match rest.split_once(',') {
            Some((meta, data)) if meta.to_ascii_lowercase().ends_with(";base64") => data,
            _ => return Err(not_base64()),
        },
        None => text,
    };
    let cleaned: String = payload
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n' | '\t'))
        .map(|c| if c == ' ' { '+' } else { c })
        .collect();
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    GeneralPurpose::new(&alphabet::STANDARD, config)
        .decode(&cleaned)
        .or_else(|_| GeneralPurpose::new(&alphabet::URL_SAFE, config).decode(&cleaned))
        .map_err(|_| not_base64())
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let employee_id = id_in_path("employee_id");
    let imgdata = json!({"type": "object", "required": [FIELD], "properties": {
        FIELD: {"type": "string", "description": "the image in base64 (a data:image/...;base64, prefix is accepted)"}
    }});
    let delete = |method: &'static str| Operation {
        method,
        path: DELETE,
        tag: "Face ID",
        summary: "Delete an employee's face template",
        description: "Admins; department heads for employees of their departments. Removes the template and its photos and queues `deleteface` for the terminals at the employee's locations and every terminal that was sent the face. Without a template nothing changes and the answer is the same. GET and POST both work (the reference shows both).",
        secured: true,
        parameters: vec![employee_id.clone()],
        request: None,
        responses: with_errors(
            true,
            vec![
                ("200", "Deleted, or there was none", schema_ref("Success")),
                (
                    "404",
                    "No such employee in the company (3000)",
                    schema_ref("Error"),
                ),
            ],
        ),
    };
    vec![
        Operation {
            method: "post",
            path: ADD,
            tag: "Face ID",
            summary: "Add or replace an employee's face template",
            description: "Admins; department heads for employees of their departments. JPEG or PNG, at most 1.5 MB (1,572,864 bytes), each side 400..1600 px. The body may be up to 3 MB (413 past it). The image replaces the previous one; the employee's `photos` get new URLs (40×40 and 120×120 PNGs of the centred square) and the old ones stop working. Queues `addface` for the terminals at the employee's locations.",
            secured: true,
            parameters: vec![employee_id.clone()],
            request: Some(json!({
                "required": true,
                "content": {
                    "multipart/form-data": {"schema": {"type": "object", "required": [FIELD], "properties": {
                        FIELD: {"type": "string", "format": "binary"}}}},
                    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                    "application/json": {"schema": imgdata.clone()},
                    "application/x-www-form-urlencoded": {"schema": imgdata},
                }
            })),
            responses: with_errors(
                true,
                vec![
                    ("200", "Stored", schema_ref("Success")),
                    (
                        "404",
                        "No such employee in the company (3000)",
                        schema_ref("Error"),
                    ),
                    ("413", "Body over 3 MB (4001)", schema_ref("Error")),
                    (
                        "422",
                        "imgdata missing (8002); not JPEG or PNG, over 1.5 MB, a side outside 400..1600 px, damaged, or not base64 (8003, the message names the limit)",
                        schema_ref("ValidationError"),
                    ),
                ],
            ),
        },
        delete("get"),
        delete("post"),
    ]
}
