//! ZKTeco-family terminals over ADMS / iclock (CONTRACT.md §9, issue 15): a terminal
//! simulator written from the protocol's public description handshakes, pushes ATTLOG
//! batches (resent, with malformed lines and unknown PINs, a clock ahead, a device in
//! another zone), polls for commands and answers them — on SQLite and PostgreSQL.

use davomat_core::DeviceId;
use davomat_store::terminals;
use davomat_store::testing::scalar;
use serde_json::json;

use crate::support::{Reply, START, TestApp, each_backend};

/// A terminal as the firmware behaves: its serial, the push version it announces.
struct Terminal<'a> {
    app: &'a TestApp,
    serial: String,
}

impl<'a> Terminal<'a> {
    fn new(app: &'a TestApp, serial: &str) -> Terminal<'a> {
        Terminal {
            app,
            serial: serial.to_string(),
        }
    }

    async fn handshake(&self) -> Reply {
        let path = format!(
            "/iclock/cdata?SN={}&options=all&pushver=2.4.1&language=69",
            self.serial
        );
        self.app.send(self.app.http.get(self.app.url(&path))).await
    }

    /// Pushes ATTLOG lines (joined by LF, as the firmware sends them).
    async fn push(&self, stamp: &str, lines: &[String]) -> Reply {
        let path = format!(
            "/iclock/cdata?SN={}&table=ATTLOG&Stamp={stamp}",
            self.serial
        );
        let body = lines.join("\n") + "\n";
        let request = self
            .app
            .http
            .post(self.app.url(&path))
            .header("content-type", "text/plain")
            .body(body);
        self.app.send(request).await
    }

    async fn poll(&self, info: Option<&str>) -> Reply {
        let mut path = format!("/iclock/getrequest?SN={}", self.serial);
        if let Some(info) = info {
            path.push_str(&format!("&INFO={}", info.replace(' ', "%20")));
        }
        self.app.send(self.app.http.get(self.app.url(&path))).await
    }

    async fn results(&self, body: &str) -> Reply {
        let path = format!("/iclock/devicecmd?SN={}", self.serial);
        let request = self
            .app
            .http
            .post(self.app.url(&path))
            .body(body.to_string());
        self.app.send(request).await
    }
}

/// A punch line: PIN, local time, state, verify (face), no work code.
fn line(pin: &str, time: &str, state: i64) -> String {
    format!("{pin}\t{time}\t{state}\t15\t\t0\t0")
}

async fn pin_of(app: &TestApp, admin: &str, employee: i64) -> String {
    let reply = app
        .get(&format!("/v1/employees/{employee}"), Some(admin))
        .await;
    reply.body["data"]["pin_code"]
        .as_str()
        .expect("pin_code")
        .to_string()
}

async fn office(app: &TestApp, admin: &str) -> i64 {
    let list = app.get("/v1/locations", Some(admin)).await;
    list.body["items"][0]["id"].as_i64().expect("location id")
}

/// Claims a serial through `POST /v1/devices`; answers the device id.
async fn claim(app: &TestApp, admin: &str, serial: &str, time_zone: Option<&str>) -> i64 {
    let mut body = json!({"serial_number": serial, "type": "terminal", "location_id": office(app, admin).await});
    if let Some(zone) = time_zone {
        body["time_zone"] = json!(zone);
    }
    let reply = app.post_json("/v1/devices", &body, Some(admin)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["id"].as_i64().expect("device id")
}

async fn events_of(app: &TestApp, device: i64) -> i64 {
    scalar(
        &app.store,
        "SELECT count(*) FROM clock_events WHERE device_id = $1",
        &[device],
    )
    .await
}

#[tokio::test]
async fn a_claimed_terminal_s_punches_become_events_once_unknown_pins_wait_and_bad_lines_are_skipped()
 {
    each_backend(|app| async move {
        let admin = app.admin_token().await;
        let pin = pin_of(&app, &admin, app.company.admin_employee_id.0).await;
        let device = claim(&app, &admin, "CJDE214560001", None).await;
        let terminal = Terminal::new(&app, "CJDE214560001");

        let options = terminal.handshake().await;
        assert_eq!(options.status, 200, "{}", options.text);
        assert!(
            options.header("content-type").is_some_and(|t| t.starts_with("text/plain")),
            "{:?}",
            options.headers
        );
        assert!(options.header("date").is_some_and(|d| d.ends_with("GMT")));
        assert!(
            options.text.starts_with("GET OPTION FROM: CJDE214560001\nATTLOGStamp=0\n"),
            "{}",
            options.text
        );
        assert!(options.text.contains("\nTimeZone=5\n"), "{}", options.text);

        // Monday 2025-03-03 in Tashkent: in at 09:00, out at 18:00; a PIN nobody has;
        // a line without a time.
        let batch = vec![
            line(&pin, "2025-03-03 09:00:00", 0),
            line(&pin, "2025-03-03 18:00:00", 1),
            line("99999", "2025-03-03 09:05:00", 0),
            "garbage without tabs".to_string(),
        ];
        let pushed = terminal.push("1001", &batch).await;
        assert_eq!((pushed.status, pushed.text.as_str()), (200, "OK: 3"));
        assert_eq!(events_of(&app, device).await, 2);
        // The firmware resends a batch it got no answer for: stored once.
        let again = terminal.push("1001", &batch).await;
        assert_eq!((again.status, again.text.as_str()), (200, "OK: 3"));
        assert_eq!(events_of(&app, device).await, 2);
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM unmatched_punches WHERE device_id = $1",
                &[device]
            )
            .await,
            1
        );
        // The events are the employee's, kept with the verify mode, in the reports.
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM clock_events WHERE device_id = $1 AND verify_mode = 15 AND mode = 'auto'",
                &[device]
            )
            .await,
            2
        );
        let inouts = app
            .get(
                "/v1/reports/inouts?start_date=2025-03-03&end_date=2025-03-03",
                Some(&admin),
            )
            .await;
        assert_eq!(inouts.status, 200, "{}", inouts.text);
        let names: Vec<&str> = inouts.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["event_name"].as_str())
            .collect();
        assert_eq!(names.len(), 2, "{}", inouts.text);
        // The stamp advanced with the stored lines: the next handshake resumes there.
        let options = terminal.handshake().await;
        assert!(options.text.contains("\nATTLOGStamp=1001\n"), "{}", options.text);

        // A poll with INFO keeps what the terminal says about itself.
        let polled = terminal
            .poll(Some("Ver 8.0.4.2-I113-02,143,1,109,172.16.12.182,10,7,12,141,111"))
            .await;
        assert_eq!(polled.status, 200, "{}", polled.text);
        assert!(
            commands(&polled).iter().all(|c| c.starts_with("DATA UPDATE USERINFO ")),
            "only the location's employees as users: {}",
            polled.text
        );
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM devices WHERE id = $1 AND user_count = 143 AND log_count = 109",
                &[device]
            )
            .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn an_unclaimed_serial_is_pending_and_quarantined_until_claimed_and_imported() {
    each_backend(|app| async move {
        let admin = app.admin_token().await;
        let pin = pin_of(&app, &admin, app.company.admin_employee_id.0).await;
        let terminal = Terminal::new(&app, "STRANGER01");
        let options = terminal.handshake().await;
        assert_eq!(options.status, 200, "{}", options.text);
        let pushed = terminal
            .push("5", &[line(&pin, "2025-03-03 09:00:00", 0)])
            .await;
        assert_eq!((pushed.status, pushed.text.as_str()), (200, "OK: 1"));
        // Nothing reaches the company: the line waits in quarantine.
        assert_eq!(
            scalar(&app.store, "SELECT count(*) FROM clock_events", &[]).await,
            0
        );
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM pending_terminals WHERE serial_number = 'STRANGER01'",
                &[]
            )
            .await,
            1
        );
        assert_eq!(
            scalar(&app.store, "SELECT count(*) FROM quarantined_lines", &[]).await,
            1
        );
        assert_eq!(terminal.poll(None).await.text, "OK");

        // Claimed through the API: no longer pending; its quarantine imported once.
        let device = claim(&app, &admin, "STRANGER01", None).await;
        assert_eq!(
            scalar(&app.store, "SELECT count(*) FROM pending_terminals", &[]).await,
            0
        );
        let now = app.clock.now();
        let imported = davomat_app::adms::import_quarantine(
            &app.store,
            app.company.company_id,
            DeviceId(device),
            now,
        )
        .await
        .expect("imported");
        assert_eq!((imported.taken, imported.stored), (1, 1));
        let again = davomat_app::adms::import_quarantine(
            &app.store,
            app.company.company_id,
            DeviceId(device),
            now,
        )
        .await
        .expect("nothing left");
        assert_eq!(again.taken, 0);
        assert_eq!(events_of(&app, device).await, 1);

        // Quarantine is kept 30 days: a stranger's line of 31 days ago is gone once
        // the next pending upload arrives.
        let old = Terminal::new(&app, "STRANGER03");
        old.handshake().await;
        old.push("1", &[line("1", "2025-03-01 09:00:00", 0)]).await;
        app.clock.advance(31 * 86_400);
        old.push("2", &[line("1", "2025-04-01 09:00:00", 0)]).await;
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM quarantined_lines WHERE serial_number = 'STRANGER03'",
                &[]
            )
            .await,
            1
        );

        // Another company cannot claim the serial.
        let other = app
            .second_company("other@test.uz", davomat_core::Lang::Ru)
            .await;
        let other_admin =
            crate::tenancy_probe::other_admin_token(&app, &other, "other@test.uz").await;
        let taken = app
            .post_json(
                "/v1/devices",
                &json!({"serial_number": "STRANGER01"}),
                Some(&other_admin),
            )
            .await;
        taken.assert_error(422, 8001);
        assert!(
            taken
                .field_errors()
                .contains(&("serial_number".to_string(), 8008)),
            "{}",
            taken.text
        );
    })
    .await;
}

#[tokio::test]
async fn a_clock_ahead_is_set_back_a_clock_far_ahead_is_quarantined_and_commands_close() {
    each_backend(|app| async move {
        let admin = app.admin_token().await;
        let pin = pin_of(&app, &admin, app.company.admin_employee_id.0).await;
        let device = claim(&app, &admin, "AHEAD0001", None).await;
        let terminal = Terminal::new(&app, "AHEAD0001");
        terminal.handshake().await;
        // The server's clock: START = 2025-03-04 09:00 in Tashkent. A punch at 09:07
        // (7 minutes ahead) is kept; one at 09:20 is not.
        let pushed = terminal
            .push(
                "7",
                &[
                    line(&pin, "2025-03-04 09:07:00", 0),
                    line(&pin, "2025-03-04 09:20:00", 1),
                ],
            )
            .await;
        assert_eq!((pushed.status, pushed.text.as_str()), (200, "OK: 2"));
        assert_eq!(events_of(&app, device).await, 1);
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM quarantined_lines WHERE serial_number = 'AHEAD0001'",
                &[]
            )
            .await,
            1
        );
        // The time is set at the next poll (with the location's users), once; the result
        // closes the command.
        let polled = terminal.poll(None).await;
        let set = polled
            .text
            .lines()
            .find(|l| l.starts_with("C:") && l.contains(":SET OPTIONS DateTime="))
            .unwrap_or_else(|| panic!("a time setting: {}", polled.text));
        let id = set.split(':').nth(1).expect("an id").to_string();
        assert_eq!(terminal.poll(None).await.text, "OK", "handed over once");
        let answered = terminal
            .results(&format!("ID={id}&Return=0&CMD=SET OPTION\n"))
            .await;
        assert_eq!((answered.status, answered.text.as_str()), (200, "OK"));
        let setting = |all: Vec<terminals::TerminalCommand>| {
            all.into_iter()
                .find(|c| c.id.to_string() == id)
                .expect("the time setting")
        };
        let closed = setting(
            terminals::commands_of(&app.store, app.company.company_id, DeviceId(device), 100)
                .await
                .expect("commands"),
        );
        assert_eq!(
            (closed.status.as_str(), closed.return_code),
            ("done", Some(0))
        );
        // Another terminal's result for that id closes nothing.
        let stranger = Terminal::new(&app, "STRANGER02");
        stranger.handshake().await;
        stranger
            .results(&format!("ID={id}&Return=-1002&CMD=DATA\n"))
            .await;
        let still = setting(
            terminals::commands_of(&app.store, app.company.company_id, DeviceId(device), 100)
                .await
                .expect("commands"),
        );
        assert_eq!(still.status, "done");
    })
    .await;
}

#[tokio::test]
async fn a_terminal_in_another_zone_and_one_that_sends_no_state_are_read_right() {
    each_backend(|app| async move {
        let admin = app.admin_token().await;
        let employee = app.company.admin_employee_id.0;
        let pin = pin_of(&app, &admin, employee).await;
        // A terminal in Moscow (UTC+3): its 07:00 is 09:00 in Tashkent.
        let moscow = claim(&app, &admin, "MOSCOW0001", Some("Europe/Moscow")).await;
        let terminal = Terminal::new(&app, "MOSCOW0001");
        let options = terminal.handshake().await;
        assert!(options.text.contains("\nTimeZone=3\n"), "{}", options.text);
        terminal
            .push("1", &[line(&pin, "2025-03-03 07:00:00", 0)])
            .await;
        let at = scalar(
            &app.store,
            "SELECT at FROM clock_events WHERE device_id = $1",
            &[moscow],
        )
        .await;
        // 2025-03-03 04:00 UTC.
        assert_eq!(at, START - 24 * 3600);

        // A terminal sending every punch as 255, read by the alternate rule: in, out,
        // in again within the day.
        let plain = claim(&app, &admin, "PLAIN0001", None).await;
        terminals::set_rules(
            app.store.connection(),
            app.company.company_id,
            DeviceId(plain),
            "alternate",
            None,
        )
        .await
        .expect("rules");
        let terminal = Terminal::new(&app, "PLAIN0001");
        terminal.handshake().await;
        terminal
            .push(
                "1",
                &[
                    line(&pin, "2025-03-03 13:00:00", 255),
                    line(&pin, "2025-03-03 14:00:00", 255),
                ],
            )
            .await;
        terminal
            .push("2", &[line(&pin, "2025-03-03 18:00:00", 255)])
            .await;
        // The Moscow terminal's 09:00 arrival counts first: 13:00 out, 14:00 in, 18:00 out.
        let kinds = scalar(
            &app.store,
            "SELECT count(*) FROM clock_events WHERE device_id = $1 AND kind = 'out'",
            &[plain],
        )
        .await;
        assert_eq!(kinds, 2);

        // Limited to a network: from elsewhere the terminal is refused.
        terminals::set_rules(
            app.store.connection(),
            app.company.company_id,
            DeviceId(plain),
            "alternate",
            Some("10.0.0.0/8"),
        )
        .await
        .expect("rules");
        let refused = terminal.poll(None).await;
        assert_eq!(refused.status, 403, "{}", refused.text);
    })
    .await;
}

#[tokio::test]
async fn strangers_register_a_limited_number_of_serials_and_bad_serials_are_refused() {
    each_backend(|app| async move {
        for n in 0..davomat_app::adms::REGISTRATIONS_AN_HOUR {
            let reply = Terminal::new(&app, &format!("NEW{n:04}")).handshake().await;
            assert_eq!(reply.status, 200, "{}", reply.text);
        }
        let refused = Terminal::new(&app, "ONEMORE").handshake().await;
        assert_eq!(refused.status, 429, "{}", refused.text);
        // Known pending serials keep being answered.
        let known = Terminal::new(&app, "NEW0000").poll(None).await;
        assert_eq!((known.status, known.text.as_str()), (200, "OK"));
        let bad = Terminal::new(&app, "bad%20serial").handshake().await;
        assert_eq!(bad.status, 400, "{}", bad.text);
        let none = app.send(app.http.get(app.url("/iclock/getrequest"))).await;
        assert_eq!(none.status, 400, "{}", none.text);
        // ESSL's paths answer the same.
        let aspx = app
            .send(
                app.http
                    .get(app.url("/iclock/cdata.aspx?SN=NEW0001&options=all")),
            )
            .await;
        assert!(
            aspx.text.starts_with("GET OPTION FROM: NEW0001\n"),
            "{}",
            aspx.text
        );
        let ping = app.send(app.http.get(app.url("/iclock/ping"))).await;
        assert_eq!(ping.text, "OK");
    })
    .await;
}

/// The commands of a poll's answer, without their ids.
fn commands(polled: &Reply) -> Vec<String> {
    polled
        .text
        .lines()
        .filter_map(|l| l.strip_prefix("C:"))
        .filter_map(|l| l.split_once(':').map(|(_, command)| command.to_string()))
        .collect()
}

async fn first_id(app: &TestApp, admin: &str, list: &str) -> i64 {
    let reply = app.get(list, Some(admin)).await;
    reply.body["items"][0]["id"].as_i64().expect("an id")
}

/// `davomat_devices{type="terminal",state=…}` of `/metrics`.
async fn devices_metric(app: &TestApp, state: &str) -> i64 {
    let metrics = app.get("/metrics", None).await.text;
    let name = format!("davomat_devices{{type=\"terminal\",state=\"{state}\"}} ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name.as_str()))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{name} in {metrics}"))
}

#[tokio::test]
async fn the_terminal_s_users_follow_hiring_edits_pin_changes_dismissal_and_its_location() {
    each_backend(|app| async move {
        let admin = app.admin_token().await;
        let office = office(&app, &admin).await;
        let device = claim(&app, &admin, "USERS0001", None).await;
        let terminal = Terminal::new(&app, "USERS0001");
        terminal.handshake().await;

        // The first poll: every employee employed at the location becomes a user.
        let at_office = scalar(
            &app.store,
            "SELECT count(*) FROM employees e JOIN employee_locations el ON el.employee_id = e.id \
             WHERE el.location_id = $1 AND e.status = 'active'",
            &[office],
        )
        .await;
        assert!(at_office > 0);
        let admin_pin = pin_of(&app, &admin, app.company.admin_employee_id.0).await;
        let first = commands(&terminal.poll(None).await);
        assert_eq!(first.len() as i64, at_office, "{first:?}");
        assert!(
            first
                .iter()
                .all(|c| c.starts_with("DATA UPDATE USERINFO PIN=")),
            "{first:?}"
        );
        assert!(
            first
                .iter()
                .any(|c| c.starts_with(&format!("DATA UPDATE USERINFO PIN={admin_pin}\tName="))),
            "{first:?}"
        );
        assert_eq!(
            terminal.poll(None).await.text,
            "OK",
            "nothing changed since"
        );
        assert_eq!(devices_metric(&app, "online").await, 1);

        // Hired at the office with the PIN enrolled on the terminal.
        let body = json!({
            "first_name": "Aziz", "last_name": "Karimov", "pin_code": "4321",
            "department_id": first_id(&app, &admin, "/v1/departments").await,
            "schedule_id": first_id(&app, &admin, "/v1/schedules").await,
            "locations": [office], "start_date": "2025-01-01", "schedule_start_date": "2025-01-01",
        });
        let hired = app.post_json("/v1/employees", &body, Some(&admin)).await;
        assert_eq!(hired.status, 201, "{}", hired.text);
        let id = hired.body["id"].as_i64().expect("employee id");
        assert_eq!(
            commands(&terminal.poll(None).await),
            vec!["DATA UPDATE USERINFO PIN=4321\tName=Karimov Aziz\tPri=0".to_string()]
        );

        // An edit of a field the terminal does not hold tells it nothing; a new name and
        // a new PIN: the old user goes first, then the new one comes.
        let edited = app
            .put_json(
                &format!("/v1/employees/{id}"),
                &json!({"home_phone": "+998901234567"}),
                &admin,
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.text);
        assert_eq!(terminal.poll(None).await.text, "OK");
        let edited = app
            .put_json(
                &format!("/v1/employees/{id}"),
                &json!({"first_name": "Bahodir", "pin_code": "5678"}),
                &admin,
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.text);
        assert_eq!(
            commands(&terminal.poll(None).await),
            vec![
                "DATA DELETE USERINFO PIN=4321".to_string(),
                "DATA UPDATE USERINFO PIN=5678\tName=Karimov Bahodir\tPri=0".to_string(),
            ]
        );

        // Dismissed (the last day passed): the terminal forgets them.
        let dismissed = app
            .post_json(
                &format!("/v1/employees/{id}/dismiss"),
                &json!({"exp_date": "2025-03-03"}),
                Some(&admin),
            )
            .await;
        assert_eq!(dismissed.status, 200, "{}", dismissed.text);
        let polled = terminal.poll(None).await;
        assert_eq!(
            commands(&polled),
            vec!["DATA DELETE USERINFO PIN=5678".to_string()]
        );
        // The terminal's result closes the command, shown with its code.
        let command_id = polled.text.split(':').nth(1).expect("an id").to_string();
        let answered = terminal
            .results(&format!("ID={command_id}&Return=0&CMD=DATA\n"))
            .await;
        assert_eq!(answered.status, 200, "{}", answered.text);
        let closed =
            terminals::commands_of(&app.store, app.company.company_id, DeviceId(device), 1)
                .await
                .expect("commands");
        assert_eq!(
            (closed[0].status.as_str(), closed[0].return_code),
            ("done", Some(0))
        );

        // Moved to a location nobody works at: every user it holds is deleted.
        let empty = app
            .post_json(
                "/v1/locations",
                &json!({"title": "Склад", "latitude": "41.3", "longitude": "69.2", "radius": 100}),
                Some(&admin),
            )
            .await;
        assert_eq!(empty.status, 201, "{}", empty.text);
        let moved = app
            .put_json(
                &format!("/v1/devices/{device}"),
                &json!({"location_id": empty.body["id"]}),
                &admin,
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text);
        let gone = commands(&terminal.poll(None).await);
        assert_eq!(gone.len() as i64, at_office, "{gone:?}");
        assert!(
            gone.iter()
                .all(|c| c.starts_with("DATA DELETE USERINFO PIN=")),
            "{gone:?}"
        );
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM terminal_users WHERE device_id = $1",
                &[device]
            )
            .await,
            0
        );
        // Not heard from for more than 2 minutes: offline.
        app.clock.advance(121);
        assert_eq!(devices_metric(&app, "online").await, 0);
        assert_eq!(devices_metric(&app, "offline").await, 1);
    })
    .await;
}

/// A record of the Security PUSH dialect's `rtlog` table.
fn rt_record(pin: &str, time: &str, event: i64, side: i64) -> String {
    format!(
        "time={time}\tpin={pin}\tcardno=0\teventaddr=1\tevent={event}\tinoutstatus={side}\tverifytype=15\tindex=1"
    )
}

#[tokio::test]
async fn an_access_terminal_registers_over_security_push_and_people_let_through_become_punches() {
    each_backend(|app| async move {
        let admin = app.admin_token().await;
        let pin = pin_of(&app, &admin, app.company.admin_employee_id.0).await;
        let serial = "SPEEDFACE3V5L";
        let post = |path: String, body: String| {
            app.send(
                app.http
                    .post(app.url(&path))
                    .header("content-type", "text/plain")
                    .body(body),
            )
        };
        let push_events = |records: Vec<String>| {
            post(
                format!("/iclock/cdata?SN={serial}&table=rtlog&Stamp=9999"),
                records.join("\r\n") + "\r\n",
            )
        };

        // A stranger: registered as pending, its events kept in quarantine.
        let parameters = "DeviceType=acc,~DeviceName=SpeedFace-V5L[TI],FirmVer=ZAM180-Ver1.1.17,PushVersion=3.1.2,~MaxUserCount=3000";
        let registered = post(format!("/iclock/registry?SN={serial}"), parameters.to_string()).await;
        assert_eq!((registered.status, registered.text.as_str()), (200, "RegistryCode=SPEEDFACE3V5L\n"));
        assert_eq!(
            scalar(&app.store, "SELECT count(*) FROM pending_terminals WHERE push_version = '3.1.2'", &[]).await,
            1
        );
        let early = push_events(vec![rt_record(&pin, "2025-03-02 10:00:00", 0, 0)]).await;
        assert_eq!((early.status, early.text.as_str()), (200, "OK: 1"));
        assert_eq!(
            scalar(&app.store, "SELECT count(*) FROM quarantined_lines WHERE table_name = 'rtlog'", &[]).await,
            1
        );

        // Claimed: its configuration, in the Security PUSH keys, in the device's zone.
        let device = claim(&app, &admin, serial, None).await;
        let configured = app.send(app.http.get(app.url(&format!("/iclock/push?SN={serial}")))).await;
        assert_eq!(configured.status, 200, "{}", configured.text);
        assert!(configured.text.starts_with("registry=ok\nRegistryCode=SPEEDFACE3V5L\n"), "{}", configured.text);
        assert!(configured.text.contains("\nTransTables=User Transaction\n") && configured.text.contains("\nTimeZone=5\n"));
        let handshake = app
            .send(app.http.get(app.url(&format!("/iclock/cdata?SN={serial}&options=all&pushver=3.1.2"))))
            .await;
        assert!(handshake.text.starts_with("registry=ok\n"), "{}", handshake.text);
        let again = post(format!("/iclock/registry?SN={serial}"), parameters.to_string()).await;
        assert_eq!(again.status, 200, "{}", again.text);
        assert_eq!(
            scalar(&app.store, "SELECT count(*) FROM devices WHERE id = $1 AND firmware = 'ZAM180-Ver1.1.17'", &[device]).await,
            1
        );

        // Monday: let in at 09:00 (face, the entry reader), refused (27: not
        // registered), the door opened by its button (200, nobody), let out at 18:00
        // by fingerprint (14, the exit reader); and a line that does not read.
        let records = vec![
            rt_record(&pin, "2025-03-03 09:00:00", 0, 0),
            rt_record("5555", "2025-03-03 09:01:00", 27, 0),
            rt_record("0", "2025-03-03 09:02:00", 200, 2),
            rt_record(&pin, "2025-03-03 18:00:00", 14, 1),
            rt_record(&pin, "2025-03-33 18:00:00", 0, 1),
        ];
        let pushed = push_events(records.clone()).await;
        assert_eq!((pushed.status, pushed.text.as_str()), (200, "OK: 4"));
        assert_eq!(events_of(&app, device).await, 2);
        // Sent again after a lost answer: stored once.
        let resent = push_events(records).await;
        assert_eq!((resent.status, resent.text.as_str()), (200, "OK: 4"));
        assert_eq!(events_of(&app, device).await, 2);
        let kinds = scalar(
            &app.store,
            "SELECT count(*) FROM clock_events WHERE device_id = $1 AND verify_mode = 15 \
             AND ((kind = 'in' AND at = $2) OR (kind = 'out' AND at = $3))",
            &[device, 1_740_974_400, 1_741_006_800],
        )
        .await;
        assert_eq!(kinds, 2, "in at 09:00 and out at 18:00 Tashkent time");
        // Nothing refused reaches the unmatched list: only people let through count.
        assert_eq!(
            scalar(&app.store, "SELECT count(*) FROM unmatched_punches WHERE device_id = $1", &[device]).await,
            0
        );

        // The event kept while it was pending comes in with the quarantine.
        let imported = davomat_app::adms::import_quarantine(
            &app.store,
            app.company.company_id,
            DeviceId(device),
            app.clock.now(),
        )
        .await
        .expect("imported");
        assert_eq!((imported.taken, imported.stored), (1, 1));
        assert_eq!(events_of(&app, device).await, 3);
    })
    .await;
}
