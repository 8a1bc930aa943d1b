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
use axum::http::header;
use axum::response::{IntoResponse, Response};
use davomat_core::token::looks_like_token;
use davomat_core::{CompanyId, EmployeeId};
use davomat_store::faces::{self, FaceSize};
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::faces::Format;
use crate::guard::Access;
use crate::input::{Fields, path_id};

/// Private: the photos are personal data and must not stay in shared caches; a day,
/// since the content under one URL never changes (a new upload makes a new URL).
const CACHE: &str = "private, max-age=86400";

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Service, routes!(thumbnail))
        .documented(Access::Service, routes!(original))
}

/// An image answer: its bytes under the content type of its format, kept out of shared
/// caches and never sniffed.
pub struct ImageBody {
    content_type: &'static str,
    data: Vec<u8>,
}

impl IntoResponse for ImageBody {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, self.content_type),
                (header::CACHE_CONTROL, CACHE),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            self.data,
        )
            .into_response()
    }
}

impl utoipa::PartialSchema for ImageBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl ToSchema for ImageBody {}

/// The side of a thumbnail in pixels, as the path names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
pub enum ThumbnailSize {
    #[schema(rename = "40")]
    Small,
    #[schema(rename = "120")]
    Medium,
}

impl ThumbnailSize {
    fn parse(text: &str) -> Option<ThumbnailSize> {
        match text {
            "40" => Some(ThumbnailSize::Small),
            "120" => Some(ThumbnailSize::Medium),
            _ => None,
        }
    }
}

/// An employee's photo (40×40 or 120×120 PNG)
///
/// No token: the URL comes from the employee's `photos`. The centred square of the face
/// template, scaled. Cache-Control: private, max-age=86400.
#[utoipa::path(get, path = "/images/employee/{size}/{company_id}/{file}", tag = "Face ID",
    params(
        ("size" = inline(ThumbnailSize), Path, description = "The side in pixels"),
        ("company_id" = i64, Path, description = "The employee's company"),
        ("file" = String, Path, description = "`{employee_id}.png`", pattern = "^[0-9]+\\.png$"),
        ("k" = String, Query, description = "The key in the URL of `photos` (or of a command's `image_url`); it changes on every upload", pattern = "^[0-9a-f]{40}$"),
    ),
    responses(
        (status = 200, description = "The PNG", body = inline(ImageBody), content_type = "image/png"),
        (status = 404, description = "Wrong size, company, employee or key, or no face template (3000)", body = ErrorBody),
    ))]
async fn thumbnail(
    State(state): State<AppState>,
    Path((size, company, file)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> ApiResult<ImageBody> {
    let size = match ThumbnailSize::parse(&size).ok_or(ApiError::NotFound)? {
        ThumbnailSize::Small => FaceSize::Small,
        ThumbnailSize::Medium => FaceSize::Medium,
    };
    photo(&state, size, &company, &file, query.as_deref()).await
}

/// An employee's face template as uploaded, for terminals
///
/// No token: the URL is the `image_url` of an `addface` command. The path ends in
/// `.png` like the thumbnails', but the body is the uploaded image in its own format:
/// Content-Type image/jpeg or image/png says which.
#[utoipa::path(get, path = "/images/employee/original/{company_id}/{file}", tag = "Face ID",
    params(
        ("company_id" = i64, Path, description = "The employee's company"),
        ("file" = String, Path, description = "`{employee_id}.png`", pattern = "^[0-9]+\\.png$"),
        ("k" = String, Query, description = "The key in the URL of `photos` (or of a command's `image_url`); it changes on every upload", pattern = "^[0-9a-f]{40}$"),
    ),
    responses(
        (status = 200, description = "The image (image/jpeg or image/png)", content(
            (inline(ImageBody) = "image/jpeg"),
            (inline(ImageBody) = "image/png"),
        )),
        (status = 404, description = "Wrong size, company, employee or key, or no face template (3000)", body = ErrorBody),
    ))]
async fn original(
    State(state): State<AppState>,
    Path((company, file)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> ApiResult<ImageBody> {
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
) -> ApiResult<ImageBody> {
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
    Ok(ImageBody {
        content_type,
        data: image.data,
    })
}
