//! The console's static files, built into the binary (vendored: nothing is loaded from
//! another origin). Each is served under a name carrying the first 12 hex digits of its
//! SHA-256 (`/assets/htmx-1a2b3c4d5e6f.js`), so that it can be cached for a year: a
//! changed file gets a new name.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One embedded file.
struct Asset {
    /// The name pages use (`htmx.js`).
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    /// The name it is served under, with its fingerprint.
    served_as: String,
}

const FILES: [(&str, &str, &[u8]); 6] = [
    (
        "htmx.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/htmx.min.js"),
    ),
    (
        "photo-preview.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/photo-preview.js"),
    ),
    (
        "console.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/console.css"),
    ),
    (
        "kiosk.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/kiosk.css"),
    ),
    (
        "kiosk.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/kiosk.js"),
    ),
    (
        // The QR decoder of kiosks whose browser has no BarcodeDetector (jsqr.LICENSE).
        "jsqr.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/jsqr.min.js"),
    ),
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(name, content_type, bytes)| Asset {
            name,
            content_type,
            bytes,
            served_as: fingerprinted(name, bytes),
        })
        .collect()
});

fn fingerprinted(name: &str, bytes: &[u8]) -> String {
    let hash = hex::encode(Sha256::digest(bytes));
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    format!("{stem}-{}.{extension}", &hash[..12])
}

/// The path of an embedded file by its plain name (`/assets/htmx-….js`); templates use it.
pub fn asset_path(name: &str) -> String {
    ASSETS
        .iter()
        .find(|a| a.name == name)
        .map(|a| format!("/assets/{}", a.served_as))
        .unwrap_or_default()
}

/// `GET /assets/{name}`: the file under its fingerprinted name, cached for a year.
pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.served_as == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        asset.bytes,
    )
        .into_response()
}
