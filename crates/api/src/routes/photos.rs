//! The employee photos behind `photos.small` / `photos.medium` (ext, CONTRACT.md §5),
//! reached without a token: the unguessable `k` of the URL is the permission, and a new
//! upload changes it, so a URL shows one image for as long as it works.
//!
//! - `GET /images/employee/{40|120}/{company_id}/{employee_id}.png?k=KEY`: the 40×40
//!   or 120×120 PNG.
//! - `GET /images/employee/original/{company_id}/{employee_id}.png?k=KEY`: the template
//!   as uploaded, for terminals (the `image_url` of an `addface` command), with the
//!   content type of its own format (`image/jpeg` or `image/png`) whatever the `.png`.
//!
//! A wrong size, id or key answers 404/3000 in JSON, as any unknown path.

use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use davomat_core::token::looks_like_token;
use davomat_core::{CompanyId, EmployeeId};
use davomat_store::faces::{self, FaceSize};
use serde_json::json;

use super::RouteTable;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::faces::Format;
use crate::guard::Access;
use crate::input::{Fields, path_id};
use crate::openapi::{Operation, id_in_path, schema_ref};

const THUMBNAIL: &str = "/images/employee/{size}/{company_id}/{file}";
const ORIGINAL: &str = "/images/employee/original/{company_id}/{file}";
/// Private: the photos are personal data and must not stay in shared caches; a day,
/// since the content under one URL never changes (a new upload makes a new URL).
const CACHE: &str = "private, max-age=86400";

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .add(Method::GET, THUMBNAIL, Access::Service, thumbnail)
        .add(Method::GET, ORIGINAL, Access::Service, original)
}

async fn thumbnail(
    State(state): State<AppState>,
    Path((size, company, file)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let size = match size.as_str() {
        "40" => FaceSize::Small,
        "120" => FaceSize::Medium,
        _ => return Err(ApiError::NotFound),
    };
    photo(&state, size, &company, &file, query.as_deref()).await
}

async fn original(
    State(state): State<AppState>,
    Path((company, file)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    photo(
        &state,
        FaceSize::Original,
        &company,
        &file,
        query.as_deref(),
    )
    .await
}

async fn photo(
    state: &AppState,
    size: FaceSize,
    company: &str,
    file: &str,
    query: Option<&str>,
) -> ApiResult<Response> {
    let company = CompanyId(path_id(company)?);
    let employee = EmployeeId(path_id(
        file.strip_suffix(".png").ok_or(ApiError::NotFound)?,
    )?);
    // Keys are tokens: anything else cannot match, so it costs no query.
    let key = Fields::from_query(query)
        .query_text("k")
        .filter(|k| looks_like_token(k))
        .ok_or(ApiError::NotFound)?;
    let image = faces::image(state.store.connection(), company, employee, &key, size)
        .await?
        .ok_or(ApiError::NotFound)?;
    let content_type = match size {
        FaceSize::Original => Format::parse(&image.format)
            .ok_or_else(|| ApiError::Internal(format!("stored face format {}", image.format)))?
            .content_type(),
        FaceSize::Small | FaceSize::Medium => "image/png",
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, CACHE),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        image.data,
    )
        .into_response())
}

/// The OpenAPI description of these routes.
pub fn operations() -> Vec<Operation> {
    let company = id_in_path("company_id");
    let file = json!({"name": "file", "in": "path", "required": true, "description": "`{employee_id}.png`", "schema": {"type": "string", "pattern": "^[0-9]+\\.png$"}});
    let key = json!({"name": "k", "in": "query", "required": true, "description": "the key in the URL of `photos` (or of a command's `image_url`); it changes on every upload", "schema": {"type": "string", "pattern": "^[0-9a-f]{40}$"}});
    let missing = (
        "404",
        "Wrong size, company, employee or key, or no face template (3000)",
        schema_ref("Error"),
    );
    vec![
        Operation {
            method: "get",
            path: THUMBNAIL,
            tag: "Face ID",
            summary: "An employee's photo (40×40 or 120×120 PNG)",
            description: "No token: the URL comes from the employee's `photos`. The centred square of the face template, scaled. Cache-Control: private, max-age=86400.",
            secured: false,
            parameters: vec![
                json!({"name": "size", "in": "path", "required": true, "schema": {"type": "string", "enum": ["40", "120"]}}),
                company.clone(),
                file.clone(),
                key.clone(),
            ],
            request: None,
            responses: vec![
                ("200", "The PNG", json!({"x-media-type": "image/png"})),
                missing.clone(),
            ],
        },
        Operation {
            method: "get",
            path: ORIGINAL,
            tag: "Face ID",
            summary: "An employee's face template as uploaded, for terminals",
            description: "No token: the URL is the `image_url` of an `addface` command. The path ends in `.png` like the thumbnails', but the body is the uploaded image in its own format: Content-Type image/jpeg or image/png says which.",
            secured: false,
            parameters: vec![company, file, key],
            request: None,
            responses: vec![
                (
                    "200",
                    "The image (image/jpeg or image/png)",
                    json!({"x-media-type": "image/*"}),
                ),
                missing,
            ],
        },
    ]
}
