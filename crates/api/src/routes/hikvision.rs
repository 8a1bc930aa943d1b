//! The Hikvision access-control door (CONTRACT.md §9): `POST
//! /terminals/hikvision/{device_secret}/events`, where a terminal configured for "HTTP
//! listening" (JSON) posts its events — `multipart/form-data` with the event as an
//! `event_log` or `AccessControllerEvent` part (any part whose text is a JSON object)
//! and optionally a `Picture` part, or the event as a plain JSON body. The secret in the
//! path is the device's token; the path is never logged with it. Reading the event and
//! deciding is `davomat_app::hikvision`'s.

use axum::Json;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use davomat_app::hikvision::{self, Delivery, Picture, Received, Refusal};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::RouteTable;
use crate::AppState;
use crate::error::ApiResult;
use crate::guard::{Access, client_ip};

/// The largest push a terminal may send (an event and its picture).
const PUSH_LIMIT: usize = 2 * 1024 * 1024;

pub fn routes(table: RouteTable) -> RouteTable {
    table.documented_with_body_limit(Access::Service, PUSH_LIMIT, routes!(events))
}

/// What became of a push (the terminal needs only the 2xx).
#[derive(Serialize, ToSchema)]
pub struct HikvisionAnswer {
    /// `stored`, `duplicate`, `unmatched` (an employee number nobody has; shown in the
    /// console), `quarantined` (too far ahead in time), `heartbeat` or `ignored`.
    #[schema(example = "stored")]
    pub status: &'static str,
    /// Why an event was ignored (a door event, a failed verification…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

/// Events of a Hikvision terminal
///
/// The terminal's event notifications: `AccessControllerEvent` JSON (or a Device
/// Gateway's `EventNotificationAlert` wrapper), in a multipart part named `event_log` or
/// `AccessControllerEvent` with an optional `Picture` (JPEG), or as the JSON body.
/// Successful verifications (major 5, minors such as 75 face, 1 card, 38 fingerprint)
/// become punches; heartbeats note that the terminal is alive; anything else is
/// acknowledged and dropped.
#[utoipa::path(post, path = "/terminals/hikvision/{device_secret}/events", tag = "Terminals (Hikvision)",
    params(("device_secret" = String, Path, description = "The device's token, shown when it was registered with `type: hikvision`")),
    request_body(content(
        (String = "multipart/form-data"),
        (Object = "application/json"),
    ), description = "The event notification"),
    responses(
        (status = 200, description = "Taken", body = HikvisionAnswer),
        (status = 400, description = "Not an event notification", body = HikvisionAnswer),
        (status = 402, description = "The company's subscription has expired", body = HikvisionAnswer),
        (status = 403, description = "Not from the device's allowed network", body = HikvisionAnswer),
        (status = 404, description = "No Hikvision terminal has this secret", body = HikvisionAnswer),
        (status = 413, description = "Over 2 MB", body = HikvisionAnswer),
    ))]
async fn events(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    let source = client_ip(&state, &request)
        .parse()
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    let Some(delivery) = delivery(request).await else {
        return Ok(answer(
            StatusCode::BAD_REQUEST,
            "refused",
            Some("no event in the body"),
        ));
    };
    let now = state.clock.now();
    Ok(
        match hikvision::receive(&state.store, &secret, source, delivery, now).await? {
            Ok(received) => {
                let (status, reason) = match received {
                    Received::Stored => ("stored", None),
                    Received::Duplicate => ("duplicate", None),
                    Received::Unmatched => ("unmatched", None),
                    Received::Quarantined => ("quarantined", None),
                    Received::Heartbeat => ("heartbeat", None),
                    Received::Ignored(why) => ("ignored", Some(why)),
                };
                answer(StatusCode::OK, status, reason)
            }
            Err(Refusal::UnknownSecret) => {
                answer(StatusCode::NOT_FOUND, "refused", Some("unknown secret"))
            }
            Err(Refusal::WrongNetwork) => answer(
                StatusCode::FORBIDDEN,
                "refused",
                Some("not from this device's network"),
            ),
            Err(Refusal::CompanyExpired) => answer(
                StatusCode::PAYMENT_REQUIRED,
                "refused",
                Some("the subscription has expired"),
            ),
            Err(Refusal::Unreadable(why)) => answer(StatusCode::BAD_REQUEST, "refused", Some(why)),
        },
    )
}

fn answer(status: StatusCode, word: &'static str, reason: Option<&'static str>) -> Response {
    (
        status,
        Json(HikvisionAnswer {
            status: word,
            reason,
        }),
    )
        .into_response()
}

/// The event's text and the picture, from a multipart body (the first part whose text
/// is a JSON object, and the first image part) or a plain body; `None` when there is no
/// event to read.
async fn delivery(request: Request) -> Option<Delivery> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("multipart/"));
    if !multipart {
        let bytes = axum::body::to_bytes(request.into_body(), PUSH_LIMIT)
            .await
            .ok()?;
        return Some(Delivery {
            event: String::from_utf8_lossy(&bytes).into_owned(),
            picture: None,
        });
    }
    let mut parts = Multipart::from_request(request, &()).await.ok()?;
    let mut event = None;
    let mut picture = None;
    while let Ok(Some(part)) = parts.next_field().await {
        let content_type = part.content_type().unwrap_or_default().to_ascii_lowercase();
        let named_picture = part
            .name()
            .is_some_and(|n| n.eq_ignore_ascii_case("picture"));
        let Ok(bytes) = part.bytes().await else {
            break;
        };
        if picture.is_none() && (named_picture || content_type.starts_with("image/")) {
            picture = Some(Picture {
                content_type,
                bytes: bytes.to_vec(),
            });
        } else if event.is_none() {
            let text = String::from_utf8_lossy(&bytes);
            if text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('{')
            {
                event = Some(text.into_owned());
            }
        }
    }
    Some(Delivery {
        event: event?,
        picture,
    })
}
