//! The list envelope (CONTRACT.md §1): `items`, `_links` with absolute hrefs that keep
//! every filter of the request, and `_meta`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use davomat_core::page::PageRequest;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::ApiError;
use crate::input::QueryValue;

/// A list request: the page asked for and what its links must repeat.
#[derive(Clone, Debug)]
pub struct ListRequest {
    pub page: PageRequest,
    /// Absolute URL of the path, without query.
    base: String,
    /// Every query pair except the paging ones, in the request's order.
    filters: Vec<(String, String)>,
}

/// The paging parameters of every list (CONTRACT.md §1); the last of a repeated one
/// counts.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 1-based page number (below 1 → 1).
    #[param(value_type = Option<u64>, default = 1)]
    page: QueryValue,
    /// Items per page, clamped to 1..50.
    #[param(value_type = Option<u64>, default = 50, rename = "per-page")]
    per_page: QueryValue,
    /// Alias of `per-page` (also read from a `limit` header).
    #[param(value_type = Option<u64>)]
    limit: QueryValue,
}

impl Paging {
    /// The paging parameters among a query's decoded pairs.
    fn of(pairs: &[(String, String)]) -> Paging {
        let last = |name: &str| {
            QueryValue(
                pairs
                    .iter()
                    .rev()
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value.clone()),
            )
        };
        Paging {
            page: last("page"),
            per_page: last("per-page"),
            limit: last("limit"),
        }
    }
}

/// A list envelope of typed items, serialized straight into the body.
#[derive(serde::Serialize, ToSchema)]
pub struct Envelope<T> {
    items: Vec<T>,
    #[serde(rename = "_links")]
    links: Links,
    #[serde(rename = "_meta")]
    meta: Meta,
}

/// One object under `items`, as the reference answers some creations.
#[derive(serde::Serialize, ToSchema)]
pub struct Items<T> {
    pub items: T,
}

/// The links of a list page; `prev` and `next` only where such a page exists.
#[derive(serde::Serialize, ToSchema)]
pub struct Links {
    #[serde(rename = "self")]
    this: Link,
    first: Link,
    last: Link,
    #[serde(skip_serializing_if = "Option::is_none")]
    prev: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<Link>,
}

/// An absolute URL that keeps every filter of the request.
#[derive(serde::Serialize, ToSchema)]
pub struct Link {
    #[schema(format = "uri")]
    href: String,
}

/// The counts of a list.
#[derive(serde::Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    total_count: u64,
    #[schema(minimum = 1)]
    page_count: u64,
    current_page: u64,
    per_page: u64,
}

impl ListRequest {
    /// The envelope of one page of typed `items` out of `total`.
    pub fn envelope_of<T: serde::Serialize>(&self, items: Vec<T>, total: u64) -> Envelope<T> {
        let page_count = self.page.page_count(total);
        let current = self.page.page;
        let link = |page: u64| Link {
            href: self.href(page),
        };
        Envelope {
            items,
            links: Links {
                this: link(current),
                first: link(1),
                last: link(page_count),
                prev: (current > 1).then(|| link((current - 1).min(page_count))),
                next: (current < page_count).then(|| link(current + 1)),
            },
            meta: Meta {
                total_count: total,
                page_count,
                current_page: current,
                per_page: self.page.per_page,
            },
        }
    }

    /// The envelope around one page of `items` out of `total`.
    pub fn envelope(&self, items: Vec<Value>, total: u64) -> Value {
        serde_json::to_value(self.envelope_of(items, total)).unwrap_or(Value::Null)
    }

    fn href(&self, page: u64) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in &self.filters {
            query.append_pair(key, value);
        }
        query.append_pair("page", &page.to_string());
        query.append_pair("per-page", &self.page.per_page.to_string());
        format!("{}?{}", self.base, query.finish())
    }
}

impl ListRequest {
    /// A list asked for from inside the server (the console's report pages): the page,
    /// the path its links name, and the query's other pairs.
    pub fn inside(page: PageRequest, path: &str, query: &str) -> ListRequest {
        let filters = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .filter(|(k, _)| !matches!(k.as_str(), "page" | "per-page" | "limit"))
            .collect();
        ListRequest {
            page,
            base: path.to_string(),
            filters,
        }
    }
}

/// The absolute base URL of this server: the configured public URL, or the request's
/// `X-Forwarded-Proto` and `Host`.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(public) = &state.config.public_url {
        return public.trim_end_matches('/').to_string();
    }
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').next().unwrap_or("http").trim().to_string())
        .filter(|v| v == "http" || v == "https")
        .unwrap_or_else(|| "http".to_string());
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

impl FromRequestParts<AppState> for ListRequest {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let paging = Paging::of(&pairs);
        let limit_header = parts.headers.get("limit").and_then(|v| v.to_str().ok());
        let page = PageRequest::parse(
            paging.page.as_deref(),
            paging.per_page.as_deref(),
            paging.limit.as_deref(),
            limit_header,
        );
        let filters = pairs
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "page" | "per-page" | "limit"))
            .cloned()
            .collect();
        Ok(ListRequest {
            page,
            base: format!("{}{}", base_url(state, &parts.headers), parts.uri.path()),
            filters,
        })
    }
}

impl<T: serde::Serialize> Envelope<T> {
    /// The envelope as a JSON answer, serialised at once: for items that borrow from
    /// data the handler computed (report rows borrow the computed sheets).
    pub fn render(&self) -> Result<axum::response::Response, ApiError> {
        use axum::response::IntoResponse;
        let body = serde_json::to_vec(self).map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
    }
}
