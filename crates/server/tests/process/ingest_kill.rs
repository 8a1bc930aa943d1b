//! `kill -9` during device-event ingest, on SQLite and on PostgreSQL, through the device
//! API and through ZKTeco's ADMS push: no acknowledged event is lost and none is stored
//! twice.
//!
//! Several terminals send batches of events concurrently and as fast as they can — JSON
//! to `POST /v1/device/events` with their tokens, or ATTLOG lines to `POST
//! /iclock/cdata` under their serial numbers (acknowledged `OK: <n>`); at a moment chosen at random the server gets
//! SIGKILL while requests are in flight. Each terminal remembers every batch it sent
//! and whether it was acknowledged (a 200 with `accepted` read whole) or failed (reset
//! connection, refused connection, answer cut off). Then, with the server down, the
//! database itself proves that:
//!
//! - every event of every acknowledged batch is stored (the 200 comes after the commit);
//! - no (device, uid) is stored twice;
//! - a failed batch is stored whole or not at all (one transaction per batch).
//!
//! The server is restarted on the same database and every terminal resends EVERY batch
//! it ever sent, as a terminal with an offline queue does. The resend of each batch
//! answers `accepted + duplicates` = its size (duplicates = what was already stored),
//! and afterwards every event sent is stored exactly once.
//!
//! The PostgreSQL half runs on a fresh database (dropped afterwards); without a server
//! at `DAVOMAT_TEST_POSTGRES_URL` (default 127.0.0.1:5432) it is skipped with a note,
//! unless `CI` or `DAVOMAT_TEST_REQUIRE_POSTGRES` is set.

use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use davomat_core::zone::CompanyZone;
use davomat_store::Store;
use davomat_store::testing::scalar;
use serde_json::{Value, json};

use crate::support::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Server, TempDb, TempPgDb, create_company_on, http_client,
    poll_until, send, text, unix_now,
};

/// Concurrent terminals.
const DEVICES: usize = 4;
/// Events per batch: between these two (inclusive), at random.
const BATCH_MIN: usize = 20;
const BATCH_MAX: usize = 50;
/// At most this many batches per terminal: the kill comes long before (bounds the run).
const MAX_BATCHES: usize = 1000;
/// The kill comes once this many batches (in all) are acknowledged, plus up to
/// `KILL_SPREAD - 1` more, at random.
const KILL_AFTER: usize = 40;
const KILL_SPREAD: usize = 400;
/// How long the terminals may take to reach the kill threshold.
const SENDING_LIMIT: Duration = Duration::from_secs(60);
/// How long a terminal may take to notice the kill and stop (a request is bounded by
/// the client's own 15 s timeout).
const STOP_LIMIT: Duration = Duration::from_secs(40);
/// How long all terminals together may take to resend everything.
const RESEND_LIMIT: Duration = Duration::from_secs(120);

/// A small xorshift generator: the moments and sizes need only be varied, and the seed
/// is printed so that a failing run can be told apart.
struct Rng(u64);

impl Rng {
    fn seeded(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn clock_seed() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    nanos ^ (u64::from(std::process::id()) << 32)
}

/// What became of a batch the first time it was sent.
#[derive(Debug)]
enum Outcome {
    /// 200 with the answer read whole: the terminal drops it from its queue.
    Acknowledged,
    /// An answer other than 200 (the server was alive and refused): kept in the queue.
    Refused { status: u16, text: String },
    /// No (whole) answer: connection refused or reset, answer cut off. Kept in the
    /// queue. `after_kill` says whether SIGKILL had been sent when the error came.
    Failed { error: String, after_kill: bool },
}

/// One batch as a terminal sent it.
struct Batch {
    uids: Vec<String>,
    body: String,
    outcome: Outcome,
}

/// How the terminals send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Protocol {
    /// `POST /v1/device/events` with the device's token; JSON.
    DeviceApi,
    /// `POST /iclock/cdata?SN=…&table=ATTLOG`; tab-separated lines, `OK: <n>`.
    Adms,
}

/// A terminal: its device id, token and serial, and every batch it sent.
struct Terminal {
    protocol: Protocol,
    device: i64,
    token: String,
    serial: String,
    batches: Vec<Batch>,
}

/// Who the events name: the admin's own employee card, by id and by PIN.
#[derive(Clone)]
struct Staff {
    employee: i64,
    pin: String,
}

/// The body of batch `number` of a terminal: `size` events with uids `bN-eI`, past
/// event times (two to three days ago, one second apart), `in`/`out` alternating, the
/// employee named by id or by PIN alternating.
/// Over ADMS the lines name the PIN (states 0 and 1, face) and their uid is
/// `PIN@local time`.
fn make_batch(
    protocol: Protocol,
    number: usize,
    size: usize,
    staff: &Staff,
    base_time: i64,
) -> (Vec<String>, String) {
    let zone = CompanyZone::named_or_default("Asia/Tashkent");
    if protocol == Protocol::Adms {
        let mut uids = Vec::with_capacity(size);
        let lines: Vec<String> = (0..size)
            .map(|i| {
                let at = zone.format(base_time + (number * BATCH_MAX + i) as i64);
                uids.push(format!("{}@{at}", staff.pin));
                format!("{}\t{at}\t{}\t15\t\t0\t0", staff.pin, i % 2)
            })
            .collect();
        return (uids, lines.join("\n") + "\n");
    }
    let mut uids = Vec::with_capacity(size);
    let events: Vec<Value> = (0..size)
        .map(|i| {
            let uid = format!("b{number}-e{i}");
            uids.push(uid.clone());
            let at = base_time + (number * BATCH_MAX + i) as i64;
            let mut event = json!({
                "uid": uid,
                "event": if i % 2 == 0 { "in" } else { "out" },
                "event_time": zone.format(at),
            });
            if i % 2 == 0 {
                event["employee_id"] = json!(staff.employee);
            } else {
                event["pin_code"] = json!(staff.pin);
            }
            event
        })
        .collect();
    (uids, json!({ "events": events }).to_string())
}

/// A POST of a batch that never panics: `Ok((status, body text))` only when the whole
/// answer was read.
async fn post_batch(
    http: &reqwest::Client,
    base: &str,
    terminal: &Terminal,
    body: &str,
) -> Result<(u16, String), String> {
    let request = match terminal.protocol {
        Protocol::DeviceApi => http
            .post(format!("{base}/v1/device/events"))
            .bearer_auth(&terminal.token)
            .header("content-type", "application/json"),
        Protocol::Adms => http
            .post(format!(
                "{base}/iclock/cdata?SN={}&table=ATTLOG&Stamp=1",
                terminal.serial
            ))
            .header("content-type", "text/plain"),
    };
    let response = request
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    let status = response.status().as_u16();
    let text = response.text().await.map_err(|e| format!("{e:?}"))?;
    Ok((status, text))
}

/// What an answer says was taken of a batch: the device API's `(accepted,
/// duplicates)` when it stored everything it was given; ADMS's `OK: <n>` says only how
/// many lines were taken (stored now or before), as `(n, None)`.
fn counts_of(protocol: Protocol, text: &str) -> Option<(usize, Option<usize>)> {
    if protocol == Protocol::Adms {
        let taken = text.strip_prefix("OK: ")?.trim().parse().ok()?;
        return Some((taken, None));
    }
    let body: Value = serde_json::from_str(text).ok()?;
    if body["rejected"] != json!([]) {
        return None;
    }
    Some((
        body["accepted"].as_u64()? as usize,
        Some(body["duplicates"].as_u64()? as usize),
    ))
}

/// One terminal sending batch after batch until a request fails (the kill) or
/// `MAX_BATCHES` were sent.
async fn keep_sending(
    mut terminal: Terminal,
    base: String,
    staff: Staff,
    seed: u64,
    base_time: i64,
    acknowledged: Arc<AtomicUsize>,
    killed: Arc<AtomicBool>,
) -> Terminal {
    let http = http_client();
    let mut rng = Rng::seeded(seed);
    let protocol = terminal.protocol;
    for number in 0..MAX_BATCHES {
        let size = BATCH_MIN + rng.below(BATCH_MAX - BATCH_MIN + 1);
        let (uids, body) = make_batch(protocol, number, size, &staff, base_time);
        let outcome = match post_batch(&http, &base, &terminal, &body).await {
            Ok((200, text)) if counts_of(protocol, &text).is_some() => {
                let (taken, duplicates) = counts_of(protocol, &text).unwrap_or_default();
                assert_eq!(
                    (taken, duplicates.unwrap_or(0)),
                    (size, 0),
                    "device {}: a new batch of {size} is stored whole: {text}",
                    terminal.device
                );
                acknowledged.fetch_add(1, Ordering::SeqCst);
                Outcome::Acknowledged
            }
            Ok((status, text)) => Outcome::Refused { status, text },
            Err(error) => Outcome::Failed {
                error,
                after_kill: killed.load(Ordering::SeqCst),
            },
        };
        let stop = matches!(outcome, Outcome::Failed { .. });
        terminal.batches.push(Batch {
            uids,
            body,
            outcome,
        });
        if stop {
            break;
        }
    }
    terminal
}

/// `'a', 'b', …` for an `IN (…)` of uids (ours: letters, digits and dashes only).
fn quoted(uids: &[String]) -> String {
    uids.iter()
        .map(|u| format!("'{u}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many of these uids of a device are stored (rows, so a duplicate would count
/// twice).
async fn stored_among(store: &Store, device: i64, uids: &[String]) -> i64 {
    let mut total = 0;
    for chunk in uids.chunks(500) {
        total += scalar(
            store,
            &format!(
                "SELECT count(*) FROM clock_events WHERE device_id = $1 AND device_uid IN ({})",
                quoted(chunk)
            ),
            &[device],
        )
        .await;
    }
    total
}

/// (device, uid) pairs stored more than once, in the whole database.
async fn duplicate_pairs(store: &Store) -> i64 {
    scalar(
        store,
        "SELECT count(*) FROM (SELECT device_id, device_uid FROM clock_events \
         WHERE device_id IS NOT NULL GROUP BY device_id, device_uid HAVING count(*) > 1) d",
        &[],
    )
    .await
}

/// Rows stored for a device.
async fn stored_for(store: &Store, device: i64) -> i64 {
    scalar(
        store,
        "SELECT count(*) FROM clock_events WHERE device_id = $1",
        &[device],
    )
    .await
}

/// SIGKILL to a pid, through the system's `kill`.
fn sigkill(pid: u32) {
    let status = Command::new("kill")
        .arg("-KILL")
        .arg(pid.to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -KILL {pid} failed");
}

/// The whole scenario on one database (`label` names the backend in messages).
async fn kill_during_ingest(label: &str, url: &str, protocol: Protocol) {
    let label = &format!("{label}, {protocol:?}");
    let seed = clock_seed();
    let mut rng = Rng::seeded(seed);
    let company = create_company_on(url, &format!("Ingest Kill {label}"));
    // Rate limiting off: the terminals send hundreds of batches a minute per token, and
    // a 429 is not what this case is about.
    let serve_args = ["--rate-limit-per-minute", "0"];
    let mut server = Server::start_on(url, &serve_args).await;
    let admin = server.login(&company, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // The admin's own employee card names the events (by id and by PIN).
    let card = server.get("/v1/accounts", Some(&admin)).await;
    assert_eq!(card.status, 200, "{}", card.text);
    let employee = card.body["employee"]["id"].as_i64().expect("employee id");
    let office = card.body["employee"]["locations"][0]["id"]
        .as_i64()
        .expect("location id");
    let reply = server
        .get(&format!("/v1/employees/{employee}"), Some(&admin))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let staff = Staff {
        employee,
        pin: text(&reply.body["data"], "pin_code"),
    };

    let mut terminals = Vec::new();
    for n in 0..DEVICES {
        let created = send(
            server
                .http
                .post(server.url("/v1/devices"))
                .bearer_auth(&admin)
                .json(&json!({"serial_number": format!("INGEST-KILL-{n}"), "location_id": office})),
        )
        .await;
        assert_eq!(created.status, 201, "{}", created.text);
        terminals.push(Terminal {
            protocol,
            device: created.body["id"].as_i64().expect("device id"),
            token: text(&created.body, "token"),
            serial: format!("INGEST-KILL-{n}"),
            batches: Vec::new(),
        });
    }

    // The terminals send; the server is killed once `target` batches are acknowledged
    // (checked every 50 ms, so the moment falls anywhere inside a batch), after a
    // further random pause of up to 40 ms.
    let base_time = unix_now() as i64 - 3 * 86_400;
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let target = KILL_AFTER + rng.below(KILL_SPREAD);
    let pause = Duration::from_millis(rng.below(40) as u64);
    let started = Instant::now();
    let senders: Vec<_> = terminals
        .into_iter()
        .enumerate()
        .map(|(n, terminal)| {
            tokio::spawn(keep_sending(
                terminal,
                server.base.clone(),
                staff.clone(),
                seed.rotate_left(8 * n as u32 + 3),
                base_time,
                acknowledged.clone(),
                killed.clone(),
            ))
        })
        .collect();
    let reached = poll_until(SENDING_LIMIT, || {
        let acknowledged = acknowledged.clone();
        async move { (acknowledged.load(Ordering::SeqCst) >= target).then_some(()) }
    })
    .await;
    assert!(
        reached.is_some(),
        "{label}: {target} batches were not acknowledged within {SENDING_LIMIT:?} (only {})",
        acknowledged.load(Ordering::SeqCst)
    );
    tokio::time::sleep(pause).await;
    killed.store(true, Ordering::SeqCst);
    let acknowledged_at_kill = acknowledged.load(Ordering::SeqCst);
    sigkill(server.proc.pid());
    let killed_after = started.elapsed();

    let mut terminals = Vec::new();
    for sender in senders {
        let terminal = tokio::time::timeout(STOP_LIMIT, sender)
            .await
            .unwrap_or_else(|_| {
                panic!("{label}: a terminal still sending {STOP_LIMIT:?} after the kill")
            })
            .expect("a terminal task");
        terminals.push(terminal);
    }
    let exit = server
        .proc
        .wait_exit(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("{label}: the server still runs 10 s after SIGKILL"));
    assert_eq!(
        exit.signal(),
        Some(9),
        "{label}: killed by SIGKILL: {exit:?}"
    );

    // What the terminals saw: only acknowledgements until the kill, then one failed
    // request each (the one in flight, or the first one refused by the dead port).
    let mut batches_sent = 0;
    let mut batches_acknowledged = 0;
    let mut batches_failed = 0;
    let mut batches_never_delivered = 0;
    let mut events_sent = 0;
    let mut events_acknowledged = 0;
    for terminal in &terminals {
        for (number, batch) in terminal.batches.iter().enumerate() {
            batches_sent += 1;
            events_sent += batch.uids.len();
            match &batch.outcome {
                Outcome::Acknowledged => {
                    batches_acknowledged += 1;
                    events_acknowledged += batch.uids.len();
                }
                Outcome::Refused { status, text } => panic!(
                    "{label}: device {} batch {number} was answered {status} while the server ran: {text}",
                    terminal.device
                ),
                Outcome::Failed { error, after_kill } => {
                    batches_failed += 1;
                    // Refused at connect: sent after the process was gone, so surely
                    // not stored. Anything else was cut off in flight.
                    if error.contains("ConnectionRefused") {
                        batches_never_delivered += 1;
                    }
                    assert!(
                        *after_kill,
                        "{label}: device {} batch {number} failed before the kill: {error}",
                        terminal.device
                    );
                }
            }
        }
        assert!(
            matches!(
                terminal.batches.last().map(|b| &b.outcome),
                Some(Outcome::Failed { .. })
            ),
            "{label}: device {} stopped sending before the kill ({} batches)",
            terminal.device,
            terminal.batches.len()
        );
    }

    // The database after the kill, read directly with the server down.
    let store = Store::connect(url).await.expect("open the database");
    let mut stored_before_resend = 0;
    let mut committed_unanswered = 0;
    let mut stored_of_batch: Vec<Vec<i64>> = Vec::new();
    for terminal in &terminals {
        let acknowledged_uids: Vec<String> = terminal
            .batches
            .iter()
            .filter(|b| matches!(b.outcome, Outcome::Acknowledged))
            .flat_map(|b| b.uids.iter().cloned())
            .collect();
        assert_eq!(
            stored_among(&store, terminal.device, &acknowledged_uids).await,
            acknowledged_uids.len() as i64,
            "{label}: device {}: every acknowledged event is stored, once",
            terminal.device
        );
        let mut per_batch = Vec::new();
        for (number, batch) in terminal.batches.iter().enumerate() {
            let stored = match batch.outcome {
                Outcome::Acknowledged => batch.uids.len() as i64,
                _ => {
                    let stored = stored_among(&store, terminal.device, &batch.uids).await;
                    assert!(
                        stored == 0 || stored == batch.uids.len() as i64,
                        "{label}: device {} batch {number} (unanswered) is stored in part: {stored} of {}",
                        terminal.device,
                        batch.uids.len()
                    );
                    committed_unanswered += stored;
                    stored
                }
            };
            per_batch.push(stored);
        }
        let on_device = stored_for(&store, terminal.device).await;
        assert_eq!(
            on_device,
            per_batch.iter().sum::<i64>(),
            "{label}: device {}: nothing is stored but the batches it sent",
            terminal.device
        );
        stored_before_resend += on_device;
        stored_of_batch.push(per_batch);
    }
    let duplicates_after_kill = duplicate_pairs(&store).await;
    assert_eq!(
        duplicates_after_kill, 0,
        "{label}: (device, uid) pairs stored twice after the kill"
    );
    let _ = store.close().await;

    // The restarted server; every terminal resends its whole queue, in order,
    // concurrently with the others.
    let server = Server::start_on(url, &serve_args).await;
    let resenders: Vec<_> = terminals
        .into_iter()
        .zip(stored_of_batch)
        .map(|(terminal, stored)| {
            let base = server.base.clone();
            let label = label.to_string();
            tokio::spawn(async move {
                let http = http_client();
                let (mut accepted, mut duplicates) = (0, 0);
                for (number, batch) in terminal.batches.iter().enumerate() {
                    let (status, text) = post_batch(&http, &base, &terminal, &batch.body)
                        .await
                        .unwrap_or_else(|e| {
                            panic!("{label}: resend of device {} batch {number}: {e}", terminal.device)
                        });
                    assert_eq!(status, 200, "{label}: resend: {text}");
                    let (taken, d) = counts_of(protocol, &text)
                        .unwrap_or_else(|| panic!("{label}: resend answered {text}"));
                    let size = batch.uids.len();
                    let before = stored[number] as usize;
                    // ADMS says only how many lines were taken; the database below
                    // proves how many were new.
                    let d = d.unwrap_or(before);
                    let a = if protocol == Protocol::Adms { taken - d } else { taken };
                    assert_eq!(
                        (a, d),
                        (size - before, before),
                        "{label}: resend of device {} batch {number} ({:?}): accepted + duplicates = {size}, duplicates = what was stored",
                        terminal.device,
                        batch.outcome
                    );
                    accepted += a;
                    duplicates += d;
                }
                (terminal, accepted, duplicates)
            })
        })
        .collect();
    let resend_deadline = Instant::now() + RESEND_LIMIT;
    let mut resend_accepted = 0;
    let mut resend_duplicates = 0;
    let mut terminals = Vec::new();
    for resender in resenders {
        let left = resend_deadline.saturating_duration_since(Instant::now());
        let (terminal, accepted, duplicates) = tokio::time::timeout(left, resender)
            .await
            .unwrap_or_else(|_| panic!("{label}: the resend took more than {RESEND_LIMIT:?}"))
            .expect("a resending terminal");
        resend_accepted += accepted;
        resend_duplicates += duplicates;
        terminals.push(terminal);
    }
    assert_eq!(resend_accepted + resend_duplicates, events_sent);
    assert_eq!(resend_duplicates as i64, stored_before_resend);

    // Every event of every batch is stored exactly once.
    let store = Store::connect(url).await.expect("open the database");
    let mut stored_at_end = 0;
    for terminal in &terminals {
        let uids: Vec<String> = terminal
            .batches
            .iter()
            .flat_map(|b| b.uids.iter().cloned())
            .collect();
        assert_eq!(
            stored_among(&store, terminal.device, &uids).await,
            uids.len() as i64,
            "{label}: device {}: every event sent is stored once after the resend",
            terminal.device
        );
        let on_device = stored_for(&store, terminal.device).await;
        assert_eq!(
            on_device,
            uids.len() as i64,
            "{label}: device {}",
            terminal.device
        );
        stored_at_end += on_device;
    }
    let duplicates_at_end = duplicate_pairs(&store).await;
    assert_eq!(
        duplicates_at_end, 0,
        "{label}: (device, uid) pairs stored twice after the resend"
    );
    let _ = store.close().await;
    drop(server);

    eprintln!(
        "ingest_kill [{label}] seed {seed:#x}: SIGKILL {killed_after:.2?} after the start, \
         {acknowledged_at_kill} batches acknowledged when it was sent (target {target}); \
         {DEVICES} devices sent {batches_sent} batches ({events_sent} events): \
         {batches_acknowledged} acknowledged ({events_acknowledged} events), {batches_failed} failed \
         ({} cut off in flight, {batches_never_delivered} refused at connect); \
         stored after the restart {stored_before_resend} \
         ({events_acknowledged} acknowledged + {committed_unanswered} committed without an answer), \
         lost 0; resend accepted {resend_accepted}, duplicates {resend_duplicates}; \
         stored at the end {stored_at_end}; (device, uid) stored twice: {duplicates_after_kill} after the kill, \
         {duplicates_at_end} at the end",
        batches_failed - batches_never_delivered
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_device_ingest_loses_and_duplicates_nothing() {
    let sqlite = TempDb::new("ingest-kill");
    kill_during_ingest("SQLite", sqlite.url(), Protocol::DeviceApi).await;
    drop(sqlite);

    if let Some(postgres) = TempPgDb::new("ingest_kill on PostgreSQL").await {
        kill_during_ingest("PostgreSQL", postgres.url(), Protocol::DeviceApi).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_adms_pushes_loses_and_duplicates_no_line_answered_ok() {
    let sqlite = TempDb::new("adms-kill");
    kill_during_ingest("SQLite", sqlite.url(), Protocol::Adms).await;
    drop(sqlite);

    if let Some(postgres) = TempPgDb::new("adms_kill on PostgreSQL").await {
        kill_during_ingest("PostgreSQL", postgres.url(), Protocol::Adms).await;
    }
}
