//! The list envelope (CONTRACT.md §1): `items`, `_links` with absolute hrefs that keep
//! every filter of the request, and `_meta`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use davomat_core::page::PageRequest;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;

/// A list request: the page asked for and what its links must repeat.
#[derive(Clone, Debug)]
pub struct ListRequest {
    pub page: PageRequest,
    /// Absolute URL of the path, without query.
    base: String,
    /// Every query pair except the paging ones, in the request's order.
    filters: Vec<(String, String)>,
}

/// A list envelope of typed items, serialized straight into the body.
#[derive(serde::Serialize)]
pub struct Envelope<T> {
    items: Vec<T>,
    #[serde(rename = "_links")]
    links: Value,
    #[serde(rename = "_meta")]
    meta: Value,
}

impl ListRequest {
    /// The envelope of one page of typed `items` out of `total`.
    pub fn envelope_of<T: serde::Serialize>(&self, items: Vec<T>, total: u64) -> Envelope<T> {
        let mut parts = self.envelope(Vec::new(), total);
        Envelope {
            items,
            links: parts["_links"].take(),
            meta: parts["_meta"].take(),
        }
    }

    /// The envelope around one page of `items` out of `total`.
    pub fn envelope(&self, items: Vec<Value>, total: u64) -> Value {
        let page_count = self.page.page_count(total);
        let current = self.page.page;
        let mut links = serde_json::Map::new();
        links.insert("self".into(), json!({"href": self.href(current)}));
        links.insert("first".into(), json!({"href": self.href(1)}));
        links.insert("last".into(), json!({"href": self.href(page_count)}));
        if current > 1 {
            links.insert(
                "prev".into(),
                json!({"href": self.href((current - 1).min(page_count))}),
            );
        }
        if current < page_count {
            links.insert("next".into(), json!({"href": self.href(current + 1)}));
        }
        json!({
            "items": items,
            "_links": links,
            "_meta": {
                "totalCount": total,
                "pageCount": page_count,
                "currentPage": current,
                "perPage": self.page.per_page,
            }
        })
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
        let find = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let limit_header = parts.headers.get("limit").and_then(|v| v.to_str().ok());
        let page = PageRequest::parse(find("page"), find("per-page"), find("limit"), limit_header);
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
