//! The kiosk page (`GET /kiosk`, CONTRACT.md §9): a tablet at the entrance, opened
//! with a kiosk's token (the console shows the link `/kiosk#token=…` once when an admin
//! adds a kiosk). No console session: the page speaks to `POST /v1/kiosk/punch` with
//! the token, from `kiosk.js`, which keeps punches made offline in IndexedDB and
//! replays them. `GET /kiosk-sw.js` is its service worker: it keeps the page and its
//! files so that the page opens without the network too (browsers allow service
//! workers on HTTPS and on localhost only: docs/terminals.md, "A browser kiosk").

use askama::Template;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use davomat_core::Lang;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::assets::asset_path;
use crate::i18n::Words;
use crate::pages::{languages, render};
use crate::session::visitor_lang;

/// The words the page's script shows, by the names it uses.
const SCRIPT_WORDS: [(&str, &str); 11] = [
    ("in", "kiosk-in"),
    ("out", "kiosk-out"),
    ("unknown", "kiosk-unknown"),
    ("not_here", "kiosk-not-here"),
    ("refused", "kiosk-refused"),
    ("queued", "kiosk-queued"),
    ("waiting", "kiosk-waiting"),
    ("revoked", "kiosk-revoked"),
    ("no_camera", "kiosk-no-camera"),
    ("no_camera_scanner", "kiosk-no-camera-scanner"),
    ("scanner", "kiosk-scanner"),
];

#[derive(Template)]
#[template(path = "kiosk.html")]
struct KioskPage {
    t: Words,
    css: String,
    kiosk_css: String,
    kiosk_js: String,
    jsqr_js: String,
    languages: Vec<(&'static str, &'static str, bool)>,
    /// [`SCRIPT_WORDS`] as a JSON object, safe inside a `<script>` element.
    words_json: String,
}

#[derive(Deserialize)]
pub struct KioskQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// `GET /kiosk[?lang=uz]`.
pub async fn page(headers: HeaderMap, Query(query): Query<KioskQuery>) -> Response {
    let lang = query
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(|| visitor_lang(&headers));
    let t = Words::new(lang);
    let words: serde_json::Map<String, serde_json::Value> = SCRIPT_WORDS
        .iter()
        .map(|(name, key)| (name.to_string(), t.get(key).into()))
        .collect();
    let words_json = serde_json::Value::Object(words)
        .to_string()
        .replace('<', "\\u003c");
    let page = KioskPage {
        t,
        css: asset_path("console.css"),
        kiosk_css: asset_path("kiosk.css"),
        kiosk_js: asset_path("kiosk.js"),
        jsqr_js: asset_path("jsqr.js"),
        languages: languages(lang),
        words_json,
    };
    render(StatusCode::OK, &page)
}

/// The files the service worker keeps: the page in each language and its files.
fn kept_files() -> Vec<String> {
    let mut files: Vec<String> = [
        "/kiosk",
        "/kiosk?lang=ru",
        "/kiosk?lang=uz",
        "/kiosk?lang=en",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    files.extend(["console.css", "kiosk.css", "kiosk.js", "jsqr.js"].map(asset_path));
    files
}

/// `GET /kiosk-sw.js`: the kiosk's service worker — the page from the network when it
/// answers (and kept under its address), else the kept copy of that address (or of
/// `/kiosk`); the files by their fingerprinted names.
pub async fn service_worker() -> Response {
    let files = kept_files();
    let version = hex::encode(Sha256::digest(files.join(",").as_bytes()));
    let list = serde_json::to_string(&files).unwrap_or_else(|_| "[]".into());
    let script = format!(
        "// davomat kiosk service worker\n\
         const CACHE = 'davomat-kiosk-{}';\n\
         const FILES = {list};\n\
         self.addEventListener('install', (e) => e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting())));\n\
         self.addEventListener('activate', (e) => e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim())));\n\
         self.addEventListener('fetch', (e) => {{\n\
         \x20 const url = new URL(e.request.url);\n\
         \x20 if (e.request.method !== 'GET' || url.origin !== self.location.origin) return;\n\
         \x20 if (url.pathname === '/kiosk') {{\n\
         \x20   e.respondWith(fetch(e.request).then((r) => {{ const copy = r.clone(); caches.open(CACHE).then((c) => c.put(e.request, copy)); return r; }})\n\
         \x20     .catch(() => caches.match(e.request).then((hit) => hit || caches.match('/kiosk'))));\n\
         \x20 }} else if (url.pathname.startsWith('/assets/')) {{\n\
         \x20   e.respondWith(caches.match(e.request).then((hit) => hit || fetch(e.request)));\n\
         \x20 }}\n\
         }});\n",
        &version[..12]
    );
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        script,
    )
        .into_response()
}
