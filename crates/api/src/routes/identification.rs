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
//! Who may change whose template, the activity rows and the terminal commands are the
//! use cases' (`davomat_app::faces`); this door reads the image however it was sent,
//! checks it ([`crate::faces::prepare`]) and answers. Removing an employee (`DELETE
//! /v1/employees/{id}/remove`) queues `deleteface` too, through the use case
//! (`davomat_app::employee_lifecycle::remove`).

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::header;
use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use davomat_app::faces as use_cases;
use davomat_core::validation::{FieldCode, Reason, Rule};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody, Malformed, SuccessBody, ValidationBody};
use crate::faces::{self, FIELD, Format, UPLOAD_BODY_LIMIT};
use crate::guard::Access;
use crate::input::{Fields, path_id, read_body};

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented_with_body_limit(Access::Authenticated, UPLOAD_BODY_LIMIT, routes!(add_face))
        .documented(Access::Authenticated, routes!(delete_face))
}

/// The image bytes of an upload.
pub struct ImageBytes(Vec<u8>);

impl utoipa::PartialSchema for ImageBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl ToSchema for ImageBytes {}

/// A multipart upload: the image as its `imgdata` part (a file part as it is, a text
/// part as base64).
#[derive(ToSchema)]
#[schema(as = FaceUploadMultipart)]
#[allow(dead_code)] // Describes the body only: the door reads its parts itself.
pub struct MultipartUpload {
    imgdata: ImageBytes,
}

/// A JSON or form upload: the image in base64.
#[derive(Deserialize, ToSchema)]
#[schema(as = FaceUploadBase64)]
pub struct Base64Upload {
    /// The image in base64 (a `data:image/...;base64,` prefix is accepted).
    #[schema(value_type = String)]
    imgdata: Option<Value>,
}

/// Add or replace an employee's face template
///
/// Admins; department heads for employees of their departments. JPEG or PNG, at most
/// 1.5 MB (1,572,864 bytes), each side 400..1600 px. The body may be up to 3 MB (413
/// past it). The image replaces the previous one; the employee's `photos` get new URLs
/// (40×40 and 120×120 PNGs of the centred square) and the old ones stop working. Queues
/// `addface` for the terminals at the employee's locations.
#[utoipa::path(post, path = "/v1/identification/addface/{employee_id}", tag = "Face ID",
    params(("employee_id" = i64, Path, description = "The employee's id")),
    request_body(content(
        (MultipartUpload = "multipart/form-data"),
        (ImageBytes = "image/jpeg"),
        (ImageBytes = "image/png"),
        (ImageBytes = "application/octet-stream"),
        (Base64Upload = "application/json"),
        (Base64Upload = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Stored", body = SuccessBody),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
        (status = 413, description = "Body over 3 MB (4001)", body = ErrorBody),
        (status = 422, description = "imgdata missing (8002); not JPEG or PNG, over 1.5 MB, a side outside 400..1600 px, damaged, or not base64 (8003, the message names the limit)", body = ValidationBody),
    ))]
async fn add_face(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<SuccessBody>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::owner(&state.store, &caller, id).await?;
    let ImageBytes(bytes) = read_image(request)
        .await?
        .ok_or_else(|| ApiError::field(FIELD, FieldCode::Required, Reason::Plain))?;
    let template = faces::prepare(bytes).await?;
    use_cases::add(
        &state.store,
        &caller,
        id,
        template.into(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(SuccessBody::new()))
}

/// Delete an employee's face template
///
/// Admins; department heads for employees of their departments. Removes the template
/// and its photos and queues `deleteface` for the terminals at the employee's locations
/// and every terminal that was sent the face. Without a template nothing changes and
/// the answer is the same. GET and POST both work (the reference shows both).
#[utoipa::path(method(get, post), path = "/v1/identification/deleteface/{employee_id}", tag = "Face ID",
    params(("employee_id" = i64, Path, description = "The employee's id")),
    responses(
        (status = 200, description = "Deleted, or there was none", body = SuccessBody),
        (status = 404, description = "No such employee in the company (3000)", body = ErrorBody),
    ))]
async fn delete_face(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SuccessBody>> {
    use_cases::authorize(&caller)?;
    let id = path_id(&id)?;
    use_cases::remove(&state.store, &caller, id, state.clock.now()).await?;
    Ok(Json(SuccessBody::new()))
}

/// The image of an upload however it was sent; `None` when none came.
async fn read_image(request: Request) -> ApiResult<Option<ImageBytes>> {
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
        return Ok(from_multipart(request).await?.map(ImageBytes));
    }
    // A raw body: an image type, octet-stream, or image bytes under any other type.
    if media.starts_with("image/")
        || media == "application/octet-stream"
        || Format::sniff(&bytes).is_some()
    {
        return Ok((!bytes.is_empty()).then(|| ImageBytes(bytes.to_vec())));
    }
    let upload: Base64Upload = Fields::from_body(&parts.headers, &bytes)?.request()?;
    match upload.imgdata {
        None => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => decode_base64(&text).map(|image| Some(ImageBytes(image))),
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
pub(crate) fn decode_base64(text: &str) -> ApiResult<Vec<u8>> {
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
