//! What a Hikvision access-control terminal pushes to an "HTTP listening" host, read
//! into what davomat needs (docs/research/hikvision-events.md): the event notification
//! JSON — `AccessControllerEvent` (or a Device Gateway's `EventNotificationAlert`
//! wrapper) with the person's employee number, the local time with its offset, the
//! major/minor event codes, the attendance status and the per-device serial number —
//! and heartbeats. Only a successful verification (major 5 and one of
//! [`SUCCESS_MINORS`]) is a punch: denials carry employee numbers too.

use chrono::{DateTime, NaiveDateTime};
use serde_json::Value;

/// The major event type of authentication results and door events.
pub const MAJOR_EVENT: i64 = 5;

/// Minor codes of major 5 that are a person verified: card, card and password,
/// multiple authentication, fingerprint and its combinations, face and its
/// combinations, employee number with fingerprint, face or password, person and ID
/// card, combined authentication, QR code, Bluetooth, dynamic code, password.
pub const SUCCESS_MINORS: [i64; 23] = [
    1, 2, 16, 38, 40, 43, 46, 54, 57, 60, 63, 66, 69, 72, 75, 77, 101, 105, 153, 156, 159, 179, 181,
];

/// When the terminal says the event happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventTime {
    /// With its offset: an instant (Unix seconds).
    Instant(i64),
    /// Without an offset (older firmware): a local time in the device's zone.
    Local(NaiveDateTime),
}

/// In or out, as the terminal's attendance status says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    In,
    Out,
}

/// A verified person at the terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Punch {
    /// The terminal's event number (`serialNo`).
    pub serial_no: i64,
    /// The person's employee number on the terminal (leading zeros kept).
    pub employee_no: String,
    pub time: EventTime,
    /// The text of `dateTime` as sent (part of the event's uid).
    pub time_text: String,
    /// From `attendanceStatus`; `None` for `undefined` or none.
    pub status: Option<Status>,
    /// The minor code: how the person was verified.
    pub minor: i64,
}

/// What one notification is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A keep-alive (`heartBeat`, or a camera's `videoloss` inactive).
    Heartbeat,
    Punch(Punch),
    /// Anything else (door events, denials, events without a person): acknowledged,
    /// not attendance; the reason says which.
    Ignored(&'static str),
    /// Not an event notification at all.
    Unreadable(&'static str),
}

/// Reads one notification's JSON text (a UTF-8 byte order mark allowed).
pub fn read(text: &str) -> Notice {
    let text = text.trim_start_matches('\u{feff}').trim();
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return Notice::Unreadable("not JSON");
    };
    let alert = value.get("EventNotificationAlert").unwrap_or(&value);
    if !alert.is_object() {
        return Notice::Unreadable("not an object");
    }
    let event_type = alert
        .get("eventType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if event_type.eq_ignore_ascii_case("heartbeat") || event_type.eq_ignore_ascii_case("videoloss")
    {
        return Notice::Heartbeat;
    }
    let Some(event) = alert.get("AccessControllerEvent") else {
        return Notice::Ignored("not an access control event");
    };
    if number(event.get("majorEventType")) != Some(MAJOR_EVENT) {
        return Notice::Ignored("not an authentication event");
    }
    let Some(minor) = number(event.get("subEventType")) else {
        return Notice::Ignored("no minor code");
    };
    if !SUCCESS_MINORS.contains(&minor) {
        return Notice::Ignored("not a successful verification");
    }
    let Some(employee_no) = employee_number(event) else {
        return Notice::Ignored("no employee number");
    };
    let Some(serial_no) = number(event.get("serialNo")) else {
        return Notice::Unreadable("no serialNo");
    };
    let time_text = alert
        .get("dateTime")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string();
    let Some(time) = event_time(&time_text) else {
        return Notice::Unreadable("no readable dateTime");
    };
    let status = event
        .get("attendanceStatus")
        .and_then(Value::as_str)
        .and_then(attendance_status);
    Notice::Punch(Punch {
        serial_no,
        employee_no,
        time,
        time_text,
        status,
        minor,
    })
}

/// A number sent as a JSON number or a string of digits.
fn number(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `employeeNoString`, else the legacy numeric `employeeNo`; empty and `0` are none.
fn employee_number(event: &Value) -> Option<String> {
    let text = match event.get("employeeNoString") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => number(event.get("employeeNo"))?.to_string(),
    };
    (text != "0" && !text.is_empty() && text.len() <= 32).then_some(text)
}

/// `2024-03-04T09:17:00+05:00` (an instant; older firmware writes the offset as `+5:00`,
/// `+05` or `+0500`, and `Z` is UTC), or without an offset (local).
pub fn event_time(text: &str) -> Option<EventTime> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(EventTime::Instant(at.timestamp()));
    }
    let local = |t: &str| {
        NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S"))
            .ok()
    };
    // The offset starts at the last sign after the date.
    let sign_at = text
        .char_indices()
        .skip(10)
        .filter(|(_, c)| *c == '+' || *c == '-')
        .map(|(i, _)| i)
        .last();
    match sign_at {
        Some(at) => {
            let offset = offset_seconds(&text[at..])?;
            let local = local(&text[..at])?;
            Some(EventTime::Instant(local.and_utc().timestamp() - offset))
        }
        None => local(text).map(EventTime::Local),
    }
}

/// `+5:00`, `+05:00`, `+05`, `+0500`, `-03:30` as seconds east of UTC.
fn offset_seconds(text: &str) -> Option<i64> {
    let sign = if text.starts_with('-') { -1 } else { 1 };
    let digits = &text[1..];
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    let hours: i64 = hours.parse().ok().filter(|h| *h <= 14)?;
    let minutes: i64 = minutes.parse().ok().filter(|m| *m < 60)?;
    Some(sign * (hours * 3_600 + minutes * 60))
}

/// `checkIn`, `breakIn`, `overtimeIn` are in; `checkOut`, `breakOut`, `overtimeOut`
/// out (any case); `undefined` and anything else say nothing.
fn attendance_status(text: &str) -> Option<Status> {
    match text.to_ascii_lowercase().as_str() {
        "checkin" | "breakin" | "overtimein" => Some(Status::In),
        "checkout" | "breakout" | "overtimeout" => Some(Status::Out),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(minor: i64, status: &str) -> String {
        format!(
            r#"{{"ipAddress":"192.168.10.21","portNo":80,"protocol":"HTTP","macAddress":"a4:d5:c2:11:22:33",
            "channelID":1,"dateTime":"2025-03-04T09:17:00+05:00","activePostCount":1,
            "eventType":"AccessControllerEvent","eventState":"active",
            "AccessControllerEvent":{{"deviceName":"Access Controller","majorEventType":5,"subEventType":{minor},
            "name":"Aziz","employeeNoString":"000123","serialNo":48211,"currentVerifyMode":"cardOrFaceOrFp",
            "attendanceStatus":"{status}","picturesNumber":1}}}}"#
        )
    }

    #[test]
    fn a_verified_face_is_a_punch_at_its_instant() {
        let Notice::Punch(punch) = read(&face(75, "checkIn")) else {
            panic!("a punch");
        };
        assert_eq!(punch.employee_no, "000123");
        assert_eq!(punch.serial_no, 48211);
        // 09:17 at +05:00 is 04:17 UTC.
        assert_eq!(punch.time, EventTime::Instant(1_741_061_820));
        assert_eq!(punch.status, Some(Status::In));
        let Notice::Punch(out) = read(&face(1, "breakOut")) else {
            panic!("a card punch");
        };
        assert_eq!(out.status, Some(Status::Out));
        let Notice::Punch(unknown) = read(&face(38, "undefined")) else {
            panic!("a fingerprint punch");
        };
        assert_eq!(unknown.status, None);
    }

    #[test]
    fn denials_door_events_and_heartbeats_are_not_punches() {
        for minor in [6, 8, 9, 76, 21, 25] {
            assert!(
                matches!(read(&face(minor, "checkIn")), Notice::Ignored(_)),
                "{minor}"
            );
        }
        let beat = r#"{"ipAddress":"192.168.10.21","dateTime":"2025-03-04T09:17:30+05:00",
            "activePostCount":0,"eventType":"heartBeat","eventState":"active"}"#;
        assert_eq!(read(beat), Notice::Heartbeat);
        assert!(matches!(read("<xml/>"), Notice::Unreadable(_)));
        assert!(matches!(read("[1]"), Notice::Unreadable(_)));
    }

    #[test]
    fn a_gateway_s_wrapper_a_bom_and_offsetless_times_are_read() {
        let wrapped = format!(
            "\u{feff}{{\"EventNotificationAlert\":{}}}",
            face(75, "checkOut")
        );
        assert!(matches!(
            read(&wrapped),
            Notice::Punch(Punch {
                status: Some(Status::Out),
                ..
            })
        ));
        assert_eq!(
            event_time("2025-03-04T09:17:00"),
            Some(EventTime::Local(
                NaiveDateTime::parse_from_str("2025-03-04 09:17:00", "%Y-%m-%d %H:%M:%S")
                    .expect("a time")
            ))
        );
        for offset in ["+5:00", "+05", "+0500"] {
            let text = format!("2025-03-04T09:17:00{offset}");
            assert_eq!(
                event_time(&text),
                Some(EventTime::Instant(1_741_061_820)),
                "{text}"
            );
        }
        assert_eq!(
            event_time("2025-03-04T04:17:00Z"),
            Some(EventTime::Instant(1_741_061_820))
        );
        assert_eq!(event_time("2025-03-04T09:17:00+25:00"), None);
        assert_eq!(event_time("yesterday"), None);
    }
}
