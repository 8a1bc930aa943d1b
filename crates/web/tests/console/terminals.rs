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

/// The first location the devices page offers for a claim.
fn first_location(html: &str) -> String {
    html.split("<select id=\"claim-location\" name=\"location_id\"><option value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a location")
        .to_string()
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
        let location = first_location(&list.html);

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

/// The commands a terminal's poll hands over, without their ids.
async fn poll(console: &Console, serial: &str) -> Vec<String> {
    let answer = reqwest::Client::new()
        .get(console.url(&format!("/iclock/getrequest?SN={serial}")))
        .send()
        .await
        .expect("a poll")
        .text()
        .await
        .expect("text");
    answer
        .lines()
        .filter_map(|l| l.strip_prefix("C:"))
        .filter_map(|l| l.split_once(':').map(|(_, command)| command.to_string()))
        .collect()
}

#[tokio::test]
async fn an_admin_restarts_a_terminal_sets_its_clock_and_asks_for_a_range_of_its_log() {
    each_backend(|console| async move {
        push(&console, "ZK0002", &[]).await;
        let client = admin(&console).await;
        let list = console.get(&client, "/devices").await;
        let location = first_location(&list.html);
        let claimed = console
            .post(
                &client,
                "/devices/claim",
                &[
                    ("csrf", &list.csrf()),
                    ("serial_number", "ZK0002"),
                    ("location_id", &location),
                    ("time_zone", "Asia/Dubai"),
                ],
            )
            .await;
        assert_eq!(claimed.status, 303, "{}", claimed.html);
        let page_path = claimed.header("location").to_string();
        let users = poll(&console, "ZK0002").await;
        assert!(
            users
                .iter()
                .all(|c| c.starts_with("DATA UPDATE USERINFO PIN=")),
            "the location's employees first: {users:?}"
        );
        let page = console.get(&client, &page_path).await;
        let csrf = page.csrf();
        let command_path = format!("{page_path}/command");
        let ask = |fields: Vec<(&'static str, &'static str)>| {
            let mut form: Vec<(&'static str, String)> = vec![("csrf", csrf.clone())];
            form.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
            let (console, client, path) = (&console, &client, &command_path);
            async move {
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                console.post(client, path, &form).await
            }
        };
        // A range backwards or not dates: the page again, the fields named.
        let backwards = ask(vec![
            ("action", "resend_log"),
            ("from", "2025-03-05"),
            ("to", "2025-03-01"),
        ])
        .await;
        assert_eq!(backwards.status, 422, "{}", backwards.html);
        assert!(
            backwards.html.contains("id=\"to-error\""),
            "{}",
            backwards.html
        );
        let not_dates = ask(vec![("action", "resend_log"), ("from", "x"), ("to", "")]).await;
        assert_eq!(not_dates.status, 422, "{}", not_dates.html);
        assert!(not_dates.html.contains("id=\"from-error\""));
        assert!(not_dates.html.contains("id=\"to-error\""));
        for fields in [
            vec![("action", "reboot")],
            vec![("action", "set_time")],
            vec![("action", "set_time")],
            vec![
                ("action", "resend_log"),
                ("from", "2025-03-01"),
                ("to", "2025-03-03"),
            ],
        ] {
            let done = ask(fields).await;
            assert_eq!(done.status, 303, "{}", done.html);
        }
        let page = console.get(&client, &page_path).await;
        assert!(page.html.contains("<code>REBOOT</code>"), "{}", page.html);
        assert!(
            page.html.contains("в очереди"),
            "queued, in Russian: {}",
            page.html
        );

        // The terminal takes them at its next poll, the clock once, in its own zone:
        // START is 2025-03-04 09:00 in Tashkent, 08:00 in Dubai (ZKTeco's packed time).
        let packed = ((25 * 372 + 2 * 31 + 3) * 86_400) + 8 * 3_600;
        assert_eq!(
            poll(&console, "ZK0002").await,
            vec![
                "REBOOT".to_string(),
                format!("SET OPTIONS DateTime={packed}"),
                "DATA QUERY ATTLOG StartTime=2025-03-01 00:00:00\tEndTime=2025-03-03 23:59:59"
                    .to_string(),
            ]
        );
    })
    .await;
}

/// Posts a Hikvision event (face verified, with a picture) for employee number `who`.
async fn hikvision_push(
    console: &Console,
    path: &str,
    who: &str,
    time: &str,
    picture: &[u8],
) -> u16 {
    let event = serde_json::json!({
        "dateTime": format!("{time}+05:00"), "eventType": "AccessControllerEvent",
        "AccessControllerEvent": {"majorEventType": 5, "subEventType": 75,
            "employeeNoString": who, "serialNo": 7, "attendanceStatus": "checkIn"}
    });
    let mut body = format!(
        "--b0undary\r\nContent-Disposition: form-data; name=\"event_log\"\r\n\r\n{event}\r\n\
         --b0undary\r\nContent-Disposition: form-data; name=\"Picture\"; filename=\"Picture.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(picture);
    body.extend_from_slice(b"\r\n--b0undary--\r\n");
    reqwest::Client::new()
        .post(console.url(path))
        .header("content-type", "multipart/form-data; boundary=b0undary")
        .body(body)
        .send()
        .await
        .expect("a push")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_hikvision_terminal_gets_its_url_once_its_pictures_show_in_the_day_and_its_secret_is_replaced()
 {
    each_backend(|console| async move {
        let worker = console.add_employee("Dilnoza").await;
        let pin = text_of(&console, worker, "pin_code").await;
        let client = admin(&console).await;
        let list = console.get(&client, "/devices").await;
        let location = first_location(&list.html);
        let registered = console
            .post(
                &client,
                "/devices",
                &[
                    ("csrf", &list.csrf()),
                    ("serial_number", "HIK-0001"),
                    ("type", "hikvision"),
                    ("location_id", &location),
                ],
            )
            .await;
        assert_eq!(registered.status, 201, "{}", registered.html);
        let url_of = |html: &str| {
            html.split("id=\"hikvision-url\" type=\"text\" readonly value=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .expect("the event URL, once")
                .to_string()
        };
        let first_url = url_of(&registered.html);
        assert!(first_url.starts_with("/terminals/hikvision/") && first_url.ends_with("/events"));
        let device = davomat_store::testing::scalar(
            &console.store,
            "SELECT id FROM devices WHERE serial_number = 'HIK-0001'",
            &[],
        )
        .await;

        // A face at 08:55 with its picture: on the day's page as a thumbnail.
        let mut picture = vec![0xFF, 0xD8, 0xFF, 0xE0];
        picture.extend((0..500u32).map(|i| (i % 200) as u8));
        assert_eq!(
            hikvision_push(&console, &first_url, &pin, "2025-03-04T08:55:00", &picture).await,
            200
        );
        let day = console
            .get(
                &client,
                &format!("/timesheet/day?employee={worker}&date=2025-03-04"),
            )
            .await;
        assert!(day.html.contains("08:55"), "{}", day.html);
        let picture_path = day
            .html
            .split("<a href=\"/timesheet/picture/")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(|id| format!("/timesheet/picture/{id}"))
            .expect("the picture's link");
        let served = client
            .get(console.url(&picture_path))
            .send()
            .await
            .expect("the picture");
        assert_eq!(served.status().as_u16(), 200);
        assert_eq!(served.headers()["content-type"], "image/jpeg");
        assert_eq!(served.bytes().await.expect("bytes").to_vec(), picture);
        // A head of another department may not see it.
        let department = console.add_department("Склад").await;
        console.add_head("head@test.uz", department).await;
        let head = console.visitor();
        console.sign_in(&head, "head@test.uz", USER_PASSWORD).await;
        assert_eq!(console.get(&head, &picture_path).await.status, 403);

        // The employee number is the tab number from now on; a value outside the two is
        // refused beside its field.
        let page = console.get(&client, &format!("/devices/{device}")).await;
        assert!(page.html.contains("id=\"hikvision\""), "{}", page.html);
        let refused = console
            .post(
                &client,
                &format!("/devices/{device}/employee-key"),
                &[("csrf", &page.csrf()), ("employee_key", "passport")],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        let saved = console
            .post(
                &client,
                &format!("/devices/{device}/employee-key"),
                &[("csrf", &page.csrf()), ("employee_key", "tab_number")],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.html);
        let page = console.get(&client, &format!("/devices/{device}")).await;
        assert!(
            page.html.contains("<option value=\"tab_number\" selected>"),
            "{}",
            page.html
        );

        // A new secret: shown once; the old URL stops working.
        let renewed = console
            .post(
                &client,
                &format!("/devices/{device}/secret"),
                &[("csrf", &page.csrf())],
            )
            .await;
        assert_eq!(renewed.status, 200, "{}", renewed.html);
        let second_url = url_of(&renewed.html);
        assert_ne!(first_url, second_url);
        assert_eq!(
            hikvision_push(&console, &first_url, &pin, "2025-03-04T08:56:00", &picture).await,
            404
        );
        assert_eq!(
            hikvision_push(
                &console,
                &second_url,
                "T-1",
                "2025-03-04T08:56:00",
                &picture
            )
            .await,
            200
        );
        let page = console.get(&client, &format!("/devices/{device}")).await;
        assert!(!page.html.contains(&second_url), "the secret is shown once");
    })
    .await;
}
