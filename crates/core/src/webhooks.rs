//! Webhooks without I/O: the events a company can subscribe a URL to, the signature a
//! receiver checks, when a failed delivery is tried again, and which addresses a
//! webhook may not point at. Storing, sending and the routes live elsewhere
//! (docs/webhooks.md says what a receiver gets).

use std::net::IpAddr;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// An event a subscription can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WebhookEvent {
    ClockIn,
    ClockOut,
    EmployeeCreated,
    EmployeeUpdated,
    EmployeeDismissed,
    TimeOffCreated,
    TimeOffAccepted,
    TimeOffRejected,
    DeviceOffline,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 9] = [
        WebhookEvent::ClockIn,
        WebhookEvent::ClockOut,
        WebhookEvent::EmployeeCreated,
        WebhookEvent::EmployeeUpdated,
        WebhookEvent::EmployeeDismissed,
        WebhookEvent::TimeOffCreated,
        WebhookEvent::TimeOffAccepted,
        WebhookEvent::TimeOffRejected,
        WebhookEvent::DeviceOffline,
    ];

    /// The name a subscription and a delivery carry (`clock.in`).
    pub fn name(self) -> &'static str {
        match self {
            WebhookEvent::ClockIn => "clock.in",
            WebhookEvent::ClockOut => "clock.out",
            WebhookEvent::EmployeeCreated => "employee.created",
            WebhookEvent::EmployeeUpdated => "employee.updated",
            WebhookEvent::EmployeeDismissed => "employee.dismissed",
            WebhookEvent::TimeOffCreated => "timeoff.created",
            WebhookEvent::TimeOffAccepted => "timeoff.accepted",
            WebhookEvent::TimeOffRejected => "timeoff.rejected",
            WebhookEvent::DeviceOffline => "device.offline",
        }
    }

    pub fn parse(name: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// The `X-Davomat-Signature` of a delivery: `sha256=` and the hex HMAC-SHA256, keyed by
/// the subscription's secret, of `<timestamp>.<body>` (the timestamp is the
/// `X-Davomat-Timestamp` header, Unix seconds), so that a receiver can refuse both a
/// forged body and an old one replayed.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Where a webhook URL points: `http(s)://host[:port]/path?query`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub https: bool,
    /// A name, or an address (IPv6 without its brackets).
    pub host: String,
    pub port: u16,
    /// The path and query, `/` at least.
    pub path: String,
}

/// The longest webhook URL.
pub const URL_MAX: usize = 2000;

impl Target {
    /// Reads a webhook URL: `http` or `https`, a host, an optional port; no user
    /// information, no spaces or control characters, at most [`URL_MAX`] long. The
    /// fragment is dropped.
    pub fn parse(url: &str) -> Option<Target> {
        if url.len() > URL_MAX || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return None;
        }
        let (scheme, rest) = url.split_once("://")?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "http" => false,
            "https" => true,
            _ => return None,
        };
        let rest = rest.split('#').next().unwrap_or("");
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let (host, port) = split_host_port(authority, if https { 443 } else { 80 })?;
        if host.is_empty() {
            return None;
        }
        let path = match path {
            "" => "/".to_string(),
            p if p.starts_with('?') => format!("/{p}"),
            p => p.to_string(),
        };
        Some(Target {
            https,
            host,
            port,
            path,
        })
    }

    /// The `Host` header: the host, and the port when it is not the scheme's own.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == if self.https { 443 } else { 80 } {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`.
fn split_host_port(authority: &str, default_port: u16) -> Option<(String, u16)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => default_port,
            None => return None,
        };
        return Some((host.to_string(), port));
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Some((host.to_string(), port.parse().ok()?)),
        None => Some((authority.to_string(), default_port)),
    }
}

/// How long a delivery is tried, from the event: a day.
pub const RETRY_FOR_SECONDS: i64 = 24 * 3600;

/// Seconds before the next try after `attempts` failed ones: 10 s, doubling, at most an
/// hour (10, 20, 40 … 2560, 3600, 3600 …: about 30 tries in the day).
pub fn retry_delay(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 20) - 1;
    (10_i64 << doublings).min(3600)
}

/// True for addresses a webhook may not reach unless the operator allows it
/// (`DAVOMAT_WEBHOOK_ALLOW_PRIVATE=1`): loopback, private, link-local, unique-local,
/// carrier-grade NAT, unspecified, multicast and broadcast.
pub fn is_private(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || (a == 100 && (64..128).contains(&b))
                || a == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_read_into_targets() {
        let target = Target::parse("https://hr.example.uz/hooks/davomat?k=1#top").expect("a URL");
        assert_eq!(
            target,
            Target {
                https: true,
                host: "hr.example.uz".into(),
                port: 443,
                path: "/hooks/davomat?k=1".into()
            }
        );
        assert_eq!(target.host_header(), "hr.example.uz");
        let local = Target::parse("http://127.0.0.1:8085").expect("a URL");
        assert_eq!(
            (local.port, local.path.as_str(), local.host_header()),
            (8085, "/", "127.0.0.1:8085".to_string())
        );
        let v6 = Target::parse("http://[::1]:9000?x").expect("a URL");
        assert_eq!(
            (v6.host.as_str(), v6.path.as_str(), v6.host_header()),
            ("::1", "/?x", "[::1]:9000".to_string())
        );
        for bad in [
            "ftp://example.uz/x",
            "example.uz/x",
            "http://",
            "http://user@example.uz/",
            "http://a b/",
            "http://example.uz:http/",
            "http://[::1/",
        ] {
            assert_eq!(Target::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_read_back() {
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.name()), Some(event));
        }
        assert_eq!(WebhookEvent::parse("clock.sideways"), None);
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // The primitive: RFC 4231 test case 2. Then the layout `<timestamp>.<body>`.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").expect("a key");
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").expect("a key");
        mac.update(b"1700000000.{\"a\":1}");
        let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(signature("Jefe", 1_700_000_000, b"{\"a\":1}"), expected);
        assert_ne!(signature("Jefe", 1, b"{}"), signature("Jefe", 2, b"{}"));
        assert_ne!(signature("Jefe", 1, b"{}"), signature("Jeff", 1, b"{}"));
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        let delays: Vec<i64> = (1..=10).map(retry_delay).collect();
        assert_eq!(delays, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600]);
        assert_eq!(retry_delay(40), 3600);
        let mut spent = 0;
        let mut tries = 0;
        while spent < RETRY_FOR_SECONDS {
            tries += 1;
            spent += retry_delay(tries);
        }
        assert!((25..40).contains(&tries), "{tries} tries in a day");
    }

    #[test]
    fn private_addresses_are_told_apart() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(
                is_private(private.parse().expect("an address")),
                "{private}"
            );
        }
        for public in ["8.8.8.8", "195.158.1.10", "2a00:1450::1"] {
            assert!(!is_private(public.parse().expect("an address")), "{public}");
        }
    }
}
