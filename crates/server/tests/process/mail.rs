//! Password reset through a real SMTP server (aiosmtpd's Debugging handler, which
//! prints every message it receives on stdout), CONTRACT.md §3.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Proc, Server, TempDb, create_company, free_port, is_token,
    poll_until, port_answers, service_missing, text,
};

const BEGIN: &str = "---------- MESSAGE FOLLOWS ----------";
const END: &str = "------------ END MESSAGE ------------";
const MAIL_FROM: &str = "davomat@test.local";
const PUBLIC_URL: &str = "https://attendance.example.test";

/// A local SMTP server; killed on drop.
struct SmtpServer {
    proc: Proc,
    port: u16,
}

impl SmtpServer {
    /// `python3 -m aiosmtpd -n -l 127.0.0.1:PORT`, or why it cannot run.
    async fn start() -> Result<SmtpServer, String> {
        let probe = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match probe {
            Ok(status) if status.success() => {}
            Ok(_) => return Err("python3 cannot import aiosmtpd".into()),
            Err(e) => return Err(format!("no python3: {e}")),
        }
        for _attempt in 0..3 {
            let port = free_port();
            let mut command = Command::new("python3");
            command
                .args(["-u", "-m", "aiosmtpd", "-n"])
                .args(["-c", "aiosmtpd.handlers.Debugging"])
                .arg("-l")
                .arg(format!("127.0.0.1:{port}"))
                .env("PYTHONUNBUFFERED", "1")
                .stdin(Stdio::null());
            let mut proc = Proc::spawn("aiosmtpd", command);
            let listening = poll_until(Duration::from_secs(20), || {
                let answers = port_answers(port);
                let exited = proc.exited().is_some();
                async move { (answers || exited).then_some(()) }
            })
            .await
            .is_some();
            if proc.exited().is_none() && listening {
                return Ok(SmtpServer { proc, port });
            }
            if proc.exited().is_none() {
                return Err(format!(
                    "aiosmtpd did not listen within 20 s: {}",
                    proc.stderr()
                ));
            }
            // Exited: most likely the port was taken meanwhile; try another one.
        }
        Err("aiosmtpd could not be started".into())
    }

    /// The messages received so far, each as its raw text.
    fn messages(&self) -> Vec<String> {
        let out = self.proc.stdout().replace("\r\n", "\n");
        let mut messages = Vec::new();
        let mut rest = out.as_str();
        while let Some(start) = rest.find(BEGIN) {
            let after = &rest[start + BEGIN.len()..];
            let Some(end) = after.find(END) else { break };
            messages.push(after[..end].trim_start_matches('\n').to_string());
            rest = &after[end + END.len()..];
        }
        messages
    }
}

/// A received message: its headers (name lowercased) and its decoded text.
struct Mail {
    headers: Vec<(String, String)>,
    body: String,
}

impl Mail {
    fn parse(raw: &str) -> Mail {
        let (head, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        let encoding = headers
            .iter()
            .find(|(name, _)| name == "content-transfer-encoding")
            .map(|(_, value)| value.to_ascii_lowercase())
            .unwrap_or_default();
        let bytes = match encoding.as_str() {
            "quoted-printable" => decode_quoted_printable(body),
            "base64" => decode_base64(body),
            _ => body.as_bytes().to_vec(),
        };
        Mail {
            headers,
            body: String::from_utf8_lossy(&bytes).replace("\r\n", "\n"),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The one 40-hex token the text carries (in the link and in the instructions).
    fn token(&self) -> String {
        let mut found: Vec<String> = Vec::new();
        let mut rest = self.body.as_str();
        while let Some(at) = rest.find("token=") {
            let candidate: String = rest[at + 6..].chars().take(40).collect();
            if is_token(&candidate) {
                found.push(candidate);
            }
            rest = &rest[at + 6..];
        }
        assert!(
            !found.is_empty(),
            "no 40-hex token in the mail: {}",
            self.body
        );
        assert!(
            found.iter().all(|t| *t == found[0]),
            "different tokens in one mail: {found:?}"
        );
        found.swap_remove(0)
    }
}

fn decode_quoted_printable(text: &str) -> Vec<u8> {
    let text = text.replace("=\r\n", "").replace("=\n", "");
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter_map(value) {
        buffer = (buffer << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

#[test]
fn transfer_encodings_decode() {
    assert_eq!(
        decode_quoted_printable("a=3Db=\nc=D0=92"),
        "a=bcВ".as_bytes()
    );
    assert_eq!(decode_base64("0JLQvtGB\n0YI="), "Вост".as_bytes());
}

#[tokio::test]
async fn password_reset_mail_arrives_through_smtp_and_its_token_sets_the_password() {
    let smtp = match SmtpServer::start().await {
        Ok(smtp) => smtp,
        Err(reason) => {
            service_missing(
                "password_reset_mail_arrives_through_smtp_and_its_token_sets_the_password",
                "DAVOMAT_TEST_REQUIRE_SMTP",
                &reason,
            );
            return;
        }
    };
    let db = TempDb::new("mail");
    let company = create_company(&db, "Mail");
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    let server = Server::start(
        &db,
        &[
            "--smtp-url",
            &smtp_url,
            "--mail-from",
            MAIL_FROM,
            "--public-url",
            PUBLIC_URL,
        ],
    )
    .await;
    let token_before = server.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // An unknown address answers the same, and no mail goes out for it.
    let unknown = server
        .post_json(
            "/v1/sign-in/password-reset",
            &json!({"email": "nobody@process.test"}),
        )
        .await;
    assert_eq!(unknown.status, 200, "{}", unknown.text);
    assert!(unknown.body["message"].is_string(), "{}", unknown.text);

    // Whatever Host the request names, the link is built from the public URL.
    let known = server
        .http
        .post(server.url("/v1/sign-in/password-reset"))
        .header("host", "evil.example")
        .json(&json!({"email": ADMIN_EMAIL}))
        .send()
        .await
        .expect("reset requested");
    assert_eq!(known.status(), 200);

    let arrived = poll_until(Duration::from_secs(20), || {
        let messages = smtp.messages();
        async move { (!messages.is_empty()).then_some(()) }
    })
    .await;
    assert!(
        arrived.is_some(),
        "no mail within 20 s; davomat stderr: {}",
        server.proc.stderr()
    );
    let messages = smtp.messages();
    assert_eq!(
        messages.len(),
        1,
        "one mail only (none for the unknown address)"
    );
    let mail = Mail::parse(&messages[0]);
    assert!(
        mail.header("to").is_some_and(|to| to.contains(ADMIN_EMAIL)),
        "To: {:?}",
        mail.header("to")
    );
    assert!(
        mail.header("from")
            .is_some_and(|from| from.contains(MAIL_FROM)),
        "From: {:?}",
        mail.header("from")
    );
    assert!(
        mail.header("content-type")
            .is_some_and(|t| t.contains("text/plain") && t.contains("charset=utf-8")),
        "Content-Type: {:?}",
        mail.header("content-type")
    );
    let token = mail.token();
    assert!(
        mail.body
            .contains(&format!("{PUBLIC_URL}/reset-password?token={token}")),
        "the link: {}",
        mail.body
    );
    assert!(!mail.body.contains("evil.example"), "{}", mail.body);

    // Confirm: 200; the old password and the old tokens stop working.
    let confirm = json!({"token": token, "password": "new-password-1"});
    let confirmed = server
        .post_json("/v1/sign-in/password-reset/confirm", &confirm)
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    assert!(confirmed.body["message"].is_string(), "{}", confirmed.text);
    server
        .password_grant(
            &text(&company, "client_id"),
            &text(&company, "client_secret"),
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        )
        .await
        .assert_error(401, 7002);
    server
        .get("/v1/accounts", Some(&token_before))
        .await
        .assert_error(401, 7008);
    let token_after = server.login(&company, ADMIN_EMAIL, "new-password-1").await;
    let accounts = server.get("/v1/accounts", Some(&token_after)).await;
    assert_eq!(accounts.status, 200, "{}", accounts.text);

    // The token works once.
    let again = json!({"token": token, "password": "newer-password-2"});
    let reused = server
        .post_json("/v1/sign-in/password-reset/confirm", &again)
        .await;
    reused.assert_error(422, 8001);
    assert_eq!(
        reused.body["errors"][0]["field"], "token",
        "{}",
        reused.text
    );
    server.login(&company, ADMIN_EMAIL, "new-password-1").await;

    // Still the one mail: nothing was sent for the unknown address meanwhile.
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn without_a_public_url_reset_links_go_to_the_log_not_the_mail() {
    let smtp = match SmtpServer::start().await {
        Ok(smtp) => smtp,
        Err(reason) => {
            service_missing(
                "without_a_public_url_reset_links_go_to_the_log_not_the_mail",
                "DAVOMAT_TEST_REQUIRE_SMTP",
                &reason,
            );
            return;
        }
    };
    let db = TempDb::new("mail-no-public-url");
    create_company(&db, "Mail");
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    let server = Server::start(&db, &["--smtp-url", &smtp_url, "--mail-from", MAIL_FROM]).await;
    assert!(
        server
            .proc
            .stderr()
            .contains("DAVOMAT_PUBLIC_URL is not set"),
        "a warning at start; stderr: {}",
        server.proc.stderr()
    );
    let known = server
        .post_json("/v1/sign-in/password-reset", &json!({"email": ADMIN_EMAIL}))
        .await;
    assert_eq!(known.status, 200, "{}", known.text);
    let logged = poll_until(Duration::from_secs(20), || {
        let stderr = server.proc.stderr();
        async move { stderr.contains("/reset-password?token=").then_some(stderr) }
    })
    .await;
    let stderr = logged.expect("the reset link in the log within 20 s");
    assert!(
        stderr.contains("password reset link not mailed"),
        "{stderr}"
    );
    assert!(smtp.messages().is_empty(), "no mail without a public URL");
}
