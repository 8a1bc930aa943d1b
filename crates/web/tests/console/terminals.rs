//! Terminals over ADMS in the console (issue 15): a terminal that called before it was
//! registered waits on the devices page, an admin claims it for a location and imports
//! what it sent while waiting (the timesheet shows it), sets how its punches are read
//! and where it may call from, and attaches a punch whose PIN matched nobody — over
//! HTTP on SQLite and PostgreSQL, the terminal speaking the protocol to the same server.

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, Console, USER_PASSWORD, each_backend, text_of};

async fn admin(console: &Console) -> reqwest::Client {
    let client = console.visitor();
    let page = console.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.html);
    client
}

/// Pushes ATTLOG lines as a ZKTeco terminal does (after its handshake).
async fn push(console: &Console, serial: &str, lines: &[String]) -> String {
    let http = reqwest::Client::new();
    let handshake = http
        .get(console.url(&format!(
            "/iclock/cdata?SN={serial}&options=all&pushver=2.4.1"
        )))
        .send()
        .await
        .expect("a handshake");
    assert_eq!(handshake.status().as_u16(), 200);
    let pushed = http
        .post(console.url(&format!("/iclock/cdata?SN={serial}&table=ATTLOG&Stamp=1")))
        .body(lines.join("\n"))
        .send()
        .await
        .expect("an upload");
    assert_eq!(pushed.status().as_u16(), 200);
    pushed.text().await.expect("text")
}

fn punch(pin: &str, time: &str, state: i64) -> String {
    format!("{pin}\t{time}\t{state}\t1\t\t0\t0")
}

#[tokio::test]
async fn an_admin_claims_a_waiting_terminal_imports_its_punches_and_attaches_an_unknown_pin() {
    each_backend(|console| async move {
        let worker = console.add_employee("Alisher").await;
        let pin = text_of(&console, worker, "pin_code").await;
        // Monday 2025-03-03: in at 09:00, out at 18:00 — sent before anyone claimed it.
        let said = push(
            &console,
            "ZK0001",
            &[
                punch(&pin, "2025-03-03 09:00:00", 0),
                punch(&pin, "2025-03-03 18:00:00", 1),
            ],
        )
        .await;
        assert_eq!(said, "OK: 2");
        let client = admin(&console).await;
        let list = console.get(&client, "/devices").await;
        assert_eq!(list.status, 200, "{}", list.html);
        let pending = list
            .html
            .split("id=\"pending-terminals\"")
            .nth(1)
            .expect("the waiting terminals");
        assert!(pending.contains("<code>ZK0001</code>"), "{pending}");
        let location = list
            .html
            .split("<select id=\"claim-location\" name=\"location_id\"><option value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("a location")
            .to_string();

        // A serial that does not read is refused with a message; the right one claimed.
        let csrf = list.csrf();
        let bad = console
            .post(
                &client,
                "/devices/claim",
                &[
                    ("csrf", &csrf),
                    ("serial_number", "zk 1"),
                    ("location_id", &location),
                ],
            )
            .await;
        assert_eq!(bad.status, 422, "{}", bad.html);
        assert!(bad.html.contains("id=\"claim-problem\""), "{}", bad.html);
        let claimed = console
            .post(
                &client,
                "/devices/claim",
                &[
                    ("csrf", &csrf),
                    ("serial_number", "ZK0001"),
                    ("location_id", &location),
                ],
            )
            .await;
        assert_eq!(claimed.status, 303, "{}", claimed.html);
        let page_path = claimed.header("location").to_string();
        let again = console
            .post(
                &client,
                "/devices/claim",
                &[
                    ("csrf", &csrf),
                    ("serial_number", "ZK0001"),
                    ("location_id", &location),
                ],
            )
            .await;
        assert_eq!(again.status, 422, "{}", again.html);
        assert!(again.html.contains("уже привязан"), "{}", again.html);

        // The punches sent while waiting: imported from the terminal's page.
        let page = console.get(&client, &page_path).await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(page.html.contains("id=\"terminal\""), "{}", page.html);
        let id = page_path.trim_start_matches("/devices/");
        let imported = console
            .post(
                &client,
                &format!("/devices/{id}/import"),
                &[("csrf", &page.csrf())],
            )
            .await;
        assert_eq!(imported.status, 200, "{}", imported.html);
        let notice = imported
            .html
            .split("id=\"imported\">")
            .nth(1)
            .and_then(|r| r.split("</p>").next())
            .expect("what was imported");
        assert!(notice.contains("прочитано: 2 · учтено: 2"), "{notice}");
        let month = console.get(&client, "/timesheet?month=2025-03").await;
        let row = month
            .html
            .split(&format!("<tr data-employee=\"{worker}\">"))
            .nth(1)
            .and_then(|r| r.split("</tr>").next())
            .expect("the worker's row");
        assert!(row.contains("9:00"), "{row}");

        // The rules: a network that does not read is refused beside its field.
        let refused = console
            .post(
                &client,
                &format!("/devices/{id}/rules"),
                &[
                    ("csrf", &page.csrf()),
                    ("direction_rule", "alternate"),
                    ("allowed_network", "10.0.0.0/99"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        assert!(
            refused.html.contains("id=\"network-error\""),
            "{}",
            refused.html
        );
        let saved = console
            .post(
                &client,
                &format!("/devices/{id}/rules"),
                &[
                    ("csrf", &page.csrf()),
                    ("direction_rule", "alternate"),
                    ("allowed_network", "127.0.0.0/8"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.html);
        let page = console.get(&client, &page_path).await;
        assert!(page.html.contains("<option value=\"alternate\" selected>"));

        // A PIN nobody has: listed as unmatched, attached to the worker by their PIN.
        let said = push(
            &console,
            "ZK0001",
            &[punch("777777", "2025-03-04 08:55:00", 0)],
        )
        .await;
        assert_eq!(said, "OK: 1");
        let unmatched = console.get(&client, "/devices/unmatched").await;
        assert_eq!(unmatched.status, 200, "{}", unmatched.html);
        let punch_id = unmatched
            .html
            .split("data-punch=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("the unmatched punch")
            .to_string();
        assert!(unmatched.html.contains("<code>777777</code>"));
        let nobody = console
            .post(
                &client,
                &format!("/devices/unmatched/{punch_id}"),
                &[("csrf", &unmatched.csrf()), ("employee", "424242")],
            )
            .await;
        assert_eq!(nobody.status, 422, "{}", nobody.html);
        let attached = console
            .post(
                &client,
                &format!("/devices/unmatched/{punch_id}"),
                &[("csrf", &unmatched.csrf()), ("employee", &pin)],
            )
            .await;
        assert_eq!(attached.status, 303, "{}", attached.html);
        let unmatched = console.get(&client, "/devices/unmatched").await;
        assert!(
            unmatched.html.contains("id=\"none-unmatched\""),
            "{}",
            unmatched.html
        );
        let day = console
            .get(
                &client,
                &format!("/timesheet/day?employee={worker}&date=2025-03-04"),
            )
            .await;
        assert!(day.html.contains("08:55"), "{}", day.html);

        // Heads see none of it.
        let department = console.add_department("Склад").await;
        console.add_head("head@test.uz", department).await;
        let head = console.visitor();
        console.sign_in(&head, "head@test.uz", USER_PASSWORD).await;
        for path in ["/devices", "/devices/unmatched"] {
            let page = console.get(&head, path).await;
            assert_eq!(page.status, 403, "{path}: {}", page.html);
        }
    })
    .await;
}
