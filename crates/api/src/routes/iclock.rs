//! The ZKTeco-family ADMS / iclock push doors (CONTRACT.md §9), for terminals pointed at
//! davomat as their "cloud server": each answers `text/plain` as the firmware expects,
//! with a `Date` header in GMT (the terminal sets its clock from it), and is served at
//! `…` and `….aspx` (ESSL firmware).
//!
//! - `GET /iclock/cdata?SN=…&options=all[&pushver=…]`: the handshake, answered with the
//!   options block (stamps, delays, transfer flags, real time, the device's zone).
//! - `POST /iclock/cdata?SN=…&table=ATTLOG&Stamp=…`: punches, answered `OK: <n>` once
//!   stored; other tables (`OPERLOG`, user and template uploads) are acknowledged.
//! - `GET /iclock/getrequest?SN=…[&INFO=…]`: the commands due as `C:<id>:<command>`
//!   lines, or `OK`.
//! - `POST /iclock/devicecmd?SN=…`: command results, answered `OK`.
//! - `GET /iclock/ping`: `OK`.
//! - The Security PUSH dialect of access-control firmware (push 3.x): `POST
//!   /iclock/registry?SN=…` (its parameters) answered `RegistryCode=…`, `GET
//!   /iclock/push?SN=…` answered with its configuration, and its events posted as
//!   `table=rtlog` to `/iclock/cdata` (people let through become punches).
//!
//! A request without a usable serial is 400; a claimed terminal calling from outside
//! its allowed network is 403; when too many serials wait for a claim (or the address
//! registered too many in the last hour) a new one is 429 (the firmware retries after
//! its error delay). Reading the protocol and deciding is
//! `davomat_app::adms`'s.

use std::net::IpAddr;

use axum::body::Bytes;
use axum::extract::{RawQuery, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use davomat_app::adms::{self, Knock, Refusal};
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::error::ApiResult;
use crate::guard::{Access, client_ip};

/// The largest upload a terminal may post (a batch of punches, a user or template
/// upload).
const UPLOAD_LIMIT: usize = 4 * 1024 * 1024;

pub fn routes(table: RouteTable) -> RouteTable {
    table
        .documented(Access::Service, routes!(handshake))
        .documented(Access::Service, routes!(handshake_aspx))
        .documented_with_body_limit(Access::Service, UPLOAD_LIMIT, routes!(upload))
        .documented_with_body_limit(Access::Service, UPLOAD_LIMIT, routes!(upload_aspx))
        .documented(Access::Service, routes!(poll))
        .documented(Access::Service, routes!(poll_aspx))
        .documented_with_body_limit(Access::Service, UPLOAD_LIMIT, routes!(results))
        .documented_with_body_limit(Access::Service, UPLOAD_LIMIT, routes!(results_aspx))
        .documented(Access::Service, routes!(ping))
        .documented_with_body_limit(Access::Service, UPLOAD_LIMIT, routes!(registry))
        .documented(Access::Service, routes!(push_options))
}

/// The query's pairs, keys as sent.
struct Query(Vec<(String, String)>);

impl Query {
    fn of(raw: Option<&str>) -> Query {
        Query(
            form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The value of the first key equal to `name` in any case.
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A plain-text answer with the server's time in the `Date` header.
fn text(state: &AppState, status: StatusCode, body: String) -> Response {
    let date = chrono::DateTime::from_timestamp(state.clock.now(), 0)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (header::DATE, date),
        ],
        body,
    )
        .into_response()
}

fn refused(state: &AppState, refusal: Refusal) -> Response {
    let (status, why) = match refusal {
        Refusal::BadSerial => (StatusCode::BAD_REQUEST, "no usable SN"),
        Refusal::WrongNetwork => (StatusCode::FORBIDDEN, "not from this device's network"),
        Refusal::TooManyPending => (
            StatusCode::TOO_MANY_REQUESTS,
            "too many terminals wait for a claim",
        ),
    };
    text(state, status, why.to_string())
}

fn source(state: &AppState, request: &Request) -> IpAddr {
    client_ip(state, request)
        .parse()
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

fn knock<'a>(query: &'a Query, source: IpAddr) -> Knock<'a> {
    Knock {
        serial: query.get("SN").unwrap_or("").trim(),
        source,
        // A version is a few characters ("2.4.1"); anything longer is not one.
        push_version: query
            .get("pushver")
            .filter(|v| !v.is_empty() && v.len() <= davomat_core::adms::FIELD_MAX),
    }
}

/// The handshake of a terminal: its options
#[utoipa::path(get, path = "/iclock/cdata", tag = "Terminals (ADMS)",
    params(
        ("SN" = String, Query, description = "The terminal's serial number"),
        ("options" = Option<String>, Query, description = "`all`"),
        ("pushver" = Option<String>, Query, description = "The firmware's push protocol version"),
    ),
    responses(
        (status = 200, description = "The options block: `GET OPTION FROM: <SN>`, stamps, delays, transfer flags, the zone", content_type = "text/plain", body = String),
        (status = 400, description = "No usable serial", content_type = "text/plain", body = String),
        (status = 403, description = "A claimed terminal outside its allowed network", content_type = "text/plain", body = String),
        (status = 429, description = "Too many terminals wait for a claim, or this address registered too many", content_type = "text/plain", body = String),
    ))]
async fn handshake(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    request: Request,
) -> ApiResult<Response> {
    let query = Query::of(raw.as_deref());
    let source = source(&state, &request);
    let now = state.clock.now();
    Ok(
        match adms::handshake(&state.store, knock(&query, source), now).await? {
            Ok(options) => text(&state, StatusCode::OK, options),
            Err(refusal) => refused(&state, refusal),
        },
    )
}

/// The handshake (ESSL's path)
#[utoipa::path(get, path = "/iclock/cdata.aspx", tag = "Terminals (ADMS)",
    params(("SN" = String, Query, description = "The terminal's serial number")),
    responses(
        (status = 200, description = "As `/iclock/cdata`", content_type = "text/plain", body = String),
        (status = 400, description = "No usable serial", content_type = "text/plain", body = String),
        (status = 403, description = "A claimed terminal outside its allowed network", content_type = "text/plain", body = String),
        (status = 429, description = "Too many terminals wait for a claim, or this address registered too many", content_type = "text/plain", body = String),
    ))]
async fn handshake_aspx(
    state: State<AppState>,
    raw: RawQuery,
    request: Request,
) -> ApiResult<Response> {
    handshake(state, raw, request).await
}

/// Punches and other uploads of a terminal
#[utoipa::path(post, path = "/iclock/cdata", tag = "Terminals (ADMS)",
    params(
        ("SN" = String, Query, description = "The terminal's serial number"),
        ("table" = String, Query, description = "`ATTLOG` (punches: `PIN⇥YYYY-MM-DD HH:MM:SS⇥status⇥verify⇥workcode…` a line, or the same as `key=value` pairs), `rtlog` (Security PUSH events: `time=…⇥pin=…⇥event=…⇥inoutstatus=…⇥verifytype=…`), `OPERLOG`, …"),
        ("Stamp" = Option<String>, Query, description = "The upload's stamp (kept once its lines are stored)"),
    ),
    request_body(content = String, content_type = "text/plain", description = "Tab-separated lines"),
    responses(
        (status = 200, description = "`OK: <lines taken>` once stored", content_type = "text/plain", body = String),
        (status = 400, description = "No usable serial", content_type = "text/plain", body = String),
        (status = 403, description = "A claimed terminal outside its allowed network", content_type = "text/plain", body = String),
        (status = 429, description = "Too many terminals wait for a claim, or this address registered too many", content_type = "text/plain", body = String),
    ))]
async fn upload(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    request: Request,
) -> ApiResult<Response> {
    let query = Query::of(raw.as_deref());
    let source = source(&state, &request);
    let body = read_body(request).await;
    let table = query.get("table").unwrap_or("OPERLOG");
    let stamp = query.get("Stamp").or_else(|| query.get("OpStamp"));
    let now = state.clock.now();
    let uploaded = adms::upload(
        &state.store,
        knock(&query, source),
        table,
        stamp,
        &body,
        now,
    )
    .await?;
    Ok(match uploaded {
        Ok(uploaded) => text(&state, StatusCode::OK, format!("OK: {}", uploaded.taken)),
        Err(refusal) => refused(&state, refusal),
    })
}

/// Uploads (ESSL's path)
#[utoipa::path(post, path = "/iclock/cdata.aspx", tag = "Terminals (ADMS)",
    params(("SN" = String, Query, description = "The terminal's serial number")),
    request_body(content = String, content_type = "text/plain"),
    responses(
        (status = 200, description = "As `POST /iclock/cdata`", content_type = "text/plain", body = String),
        (status = 400, description = "No usable serial", content_type = "text/plain", body = String),
        (status = 403, description = "A claimed terminal outside its allowed network", content_type = "text/plain", body = String),
        (status = 429, description = "Too many terminals wait for a claim, or this address registered too many", content_type = "text/plain", body = String),
    ))]
async fn upload_aspx(
    state: State<AppState>,
    raw: RawQuery,
    request: Request,
) -> ApiResult<Response> {
    upload(state, raw, request).await
}

/// The body as text (the firmware writes UTF-8 outside Chinese-language devices; an
/// unreadable byte becomes U+FFFD).
async fn read_body(request: Request) -> String {
    let bytes: Bytes = axum::body::to_bytes(request.into_body(), UPLOAD_LIMIT)
        .await
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A terminal's poll: the commands due
#[utoipa::path(get, path = "/iclock/getrequest", tag = "Terminals (ADMS)",
    params(
        ("SN" = String, Query, description = "The terminal's serial number"),
        ("INFO" = Option<String>, Query, description = "Firmware, users, fingerprints, punches, IP, … comma-separated"),
    ),
    responses(
        (status = 200, description = "`C:<id>:<command>` lines, or `OK`", content_type = "text/plain", body = String),
        (status = 400, description = "No usable serial", content_type = "text/plain", body = String),
        (status = 403, description = "A claimed terminal outside its allowed network", content_type = "text/plain", body = String),
        (status = 429, description = "Too many terminals wait for a claim, or this address registered too many", content_type = "text/plain", body = String),
    ))]
async fn poll(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    request: Request,
) -> ApiResult<Response> {
    let query = Query::of(raw.as_deref());
    let source = source(&state, &request);
    let now = state.clock.now();
    let info = query.get("INFO");
    Ok(
        match adms::poll(&state.store, knock(&query, source), info, now).await? {
            Ok(answer) => text(&state, StatusCode::OK, answer),
            Err(refusal) => refused(&state, refusal),
        },
    )
}

/// A terminal's poll (ESSL's path)
#[utoipa::path(get, path = "/iclock/getrequest.aspx", tag = "Terminals (ADMS)",
    params(("SN" = String, Query, description = "The terminal's serial number")),
    responses(
        (status = 200, description = "As `/iclock/getrequest`", content_type = "text/plain", body = String),
        (status = 400, description = "No usable serial", content_type = "text/plain", body = String),
        (status = 403, description = "A claimed terminal outside its allowed network", content_type = "text/plain", body = String),
        (status = 429, description = "Too many terminals wait for a claim, or this address registered too many", content_type = "text/plain", body = String),
    ))]
async fn poll_aspx(state: State<AppState>, raw: RawQuery, request: Request) -> ApiResult<Response> {
    poll(state, raw, request).await
}

/// Command results of a terminal
#[utoipa::path(post, path = "/iclock/devicecmd", tag = "Terminals (ADMS)",
    params(("SN" = String, Query, description = "The terminal's serial number")),
    request_body(content = String, content_type = "text/plain", description = "`ID=<id>&Return=<code>&CMD=<command>` a line"),
    responses(
        (status = 200, description = "`OK`", content_type = "text/plain", body = String),
        (status = 400, description = "No usable serial", content_type = "text/plain", body = String),
        (status = 403, description = "A claimed terminal outside its allowed network", content_type = "text/plain", body = String),
        (status = 429, description = "Too many terminals wait for a claim, or this address registered too many", content_type = "text/plain", body = String),
    ))]
async fn results(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    request: Request,
) -> ApiResult<Response> {
    let query = Query::of(raw.as_deref());
    let source = source(&state, &request);
    let body = read_body(request).await;
    let now = state.clock.now();
    Ok(
        match adms::command_results(&state.store, knock(&query, source), &body, now).await? {
            Ok(_) => text(&state, StatusCode::OK, "OK".to_string()),
            Err(refusal) => refused(&state, refusal),
        },
    )
}

/// Command results (ESSL's path)
#[utoipa::path(post, path = "/iclock/devicecmd.aspx", tag = "Terminals (ADMS)",
    params(("SN" = String, Query, description = "The terminal's serial number")),
    request_body(content = String, content_type = "text/plain"),
    responses(
        (status = 200, description = "`OK`", content_type = "text/plain", body = String),
        (status = 400, description = "No usable serial", content_type = "text/plain", body = String),
        (status = 403, description = "A claimed terminal outside its allowed network", content_type = "text/plain", body = String),
        (status = 429, description = "Too many terminals wait for a claim, or this address registered too many", content_type = "text/plain", body = String),
    ))]
async fn results_aspx(
    state: State<AppState>,
    raw: RawQuery,
    request: Request,
) -> ApiResult<Response> {
    results(state, raw, request).await
}

/// A terminal's keep-alive during long uploads
#[utoipa::path(get, path = "/iclock/ping", tag = "Terminals (ADMS)",
    responses((status = 200, description = "`OK`", content_type = "text/plain", body = String)))]
async fn ping(State(state): State<AppState>) -> Response {
    text(&state, StatusCode::OK, "OK".to_string())
}

/// A Security PUSH terminal registers
#[utoipa::path(post, path = "/iclock/registry", tag = "Terminals (ADMS)",
    params(("SN" = String, Query, description = "The terminal's serial number")),
    request_body(content = String, content_type = "text/plain", description = "Its parameters: `key=value` separated by commas (`DeviceType=acc,~DeviceName=…,FirmVer=…,PushVersion=3.1.2,…`)"),
    responses(
        (status = 200, description = "`RegistryCode=<code>`", content_type = "text/plain", body = String),
        (status = 400, description = "No usable serial", content_type = "text/plain", body = String),
        (status = 403, description = "A claimed terminal outside its allowed network", content_type = "text/plain", body = String),
        (status = 429, description = "Too many terminals wait for a claim, or this address registered too many", content_type = "text/plain", body = String),
    ))]
async fn registry(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    request: Request,
) -> ApiResult<Response> {
    let query = Query::of(raw.as_deref());
    let source = source(&state, &request);
    let body = read_body(request).await;
    let now = state.clock.now();
    Ok(
        match adms::register(&state.store, knock(&query, source), &body, now).await? {
            Ok(answer) => text(&state, StatusCode::OK, answer),
            Err(refusal) => refused(&state, refusal),
        },
    )
}

/// A Security PUSH terminal's configuration
#[utoipa::path(get, path = "/iclock/push", tag = "Terminals (ADMS)",
    params(("SN" = String, Query, description = "The terminal's serial number")),
    responses(
        (status = 200, description = "`registry=ok`, `RegistryCode`, versions, delays, `TransTables`, `Realtime`, the zone: one `key=value` a line", content_type = "text/plain", body = String),
        (status = 400, description = "No usable serial", content_type = "text/plain", body = String),
        (status = 403, description = "A claimed terminal outside its allowed network", content_type = "text/plain", body = String),
        (status = 429, description = "Too many terminals wait for a claim, or this address registered too many", content_type = "text/plain", body = String),
    ))]
async fn push_options(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    request: Request,
) -> ApiResult<Response> {
    let query = Query::of(raw.as_deref());
    let source = source(&state, &request);
    let now = state.clock.now();
    Ok(
        match adms::security_options(&state.store, knock(&query, source), now).await? {
            Ok(options) => text(&state, StatusCode::OK, options),
            Err(refusal) => refused(&state, refusal),
        },
    )
}
