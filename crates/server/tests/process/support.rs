//! What every process-level case needs: a fresh SQLite file, a free port, the real
//! `davomat` binary as a child process whose output is captured and which is killed
//! when its guard drops, bounded polling, and small HTTP helpers.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::future::Future;
use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_davomat");
/// How long a server may take to answer `/healthz` after it was started.
pub const START_LIMIT: Duration = Duration::from_secs(20);
/// How long a one-shot subcommand may run.
pub const CLI_LIMIT: Duration = Duration::from_secs(60);
/// The polling interval of every bounded wait.
pub const POLL: Duration = Duration::from_millis(50);

/// The admin of the companies the cases create with `company create`.
pub const ADMIN_EMAIL: &str = "admin@process.test";
pub const ADMIN_PASSWORD: &str = "admin-password-1";

// ---------------------------------------------------------------------------------
// Databases and ports

/// A fresh SQLite file in the temp dir, removed (with its WAL files) on drop.
pub struct TempDb {
    path: PathBuf,
    url: String,
}

impl TempDb {
    pub fn new(name: &str) -> TempDb {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "davomat-process-{}-{n}-{name}.db",
            std::process::id()
        ));
        remove_db_files(&path);
        let url = format!("sqlite://{}", path.display());
        TempDb { path, url }
    }

    /// `sqlite:///tmp/…`, as `--database` and `DAVOMAT_DATABASE_URL` take it.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        remove_db_files(&self.path);
    }
}

fn remove_db_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(file));
    }
}

/// A port that was free a moment ago (bind port 0, read it, drop the listener).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// Whether something accepts TCP connections on `127.0.0.1:port`.
pub fn port_answers(port: u16) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&address, Duration::from_millis(300)).is_ok()
}

// ---------------------------------------------------------------------------------
// Child processes

/// A `davomat` command with a clean environment: no inherited `DAVOMAT_*` variable
/// (a developer's own settings must not leak into the cases), `RUST_LOG=info` (the
/// cases read log lines), no standard input.
pub fn davomat_command() -> Command {
    let mut command = Command::new(BIN);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("DAVOMAT_") {
            command.env_remove(key);
        }
    }
    command.env("RUST_LOG", "info").stdin(Stdio::null());
    command
}

/// A running child process with its stdout and stderr captured by reader threads;
/// killed and reaped when dropped. When the test is failing, the drop prints what
/// the child wrote, so that a failure shows the server's side too.
pub struct Proc {
    name: String,
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
    status: Option<ExitStatus>,
}

fn capture(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => lock(&into).push_str(&String::from_utf8_lossy(&line)),
            }
        }
    })
}

fn lock(text: &Mutex<String>) -> std::sync::MutexGuard<'_, String> {
    text.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Proc {
    pub fn spawn(name: &str, mut command: Command) -> Proc {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({command:?}): {e}"));
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(capture(out, stdout.clone()));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(capture(err, stderr.clone()));
        }
        Proc {
            name: name.to_string(),
            child,
            stdout,
            stderr,
            readers,
            status: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the child wrote on stdout so far.
    pub fn stdout(&self) -> String {
        lock(&self.stdout).clone()
    }

    /// Everything the child wrote on stderr so far, without ANSI colour sequences
    /// (the text log format colours its output even when stderr is a pipe).
    pub fn stderr(&self) -> String {
        strip_ansi(&lock(&self.stderr))
    }

    /// The exit status, once the child has exited (never blocks).
    pub fn exited(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
            if self.status.is_some() {
                self.join_readers();
            }
        }
        self.status
    }

    /// Waits for the child to exit, at most `limit`; its output is then complete.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until the captured stdout satisfies `ready` (false if the child exits
    /// first or `limit` passes).
    pub async fn wait_stdout(&mut self, limit: Duration, ready: impl Fn(&str) -> bool) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if ready(&self.stdout()) {
                return true;
            }
            if self.exited().is_some() {
                return ready(&self.stdout());
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Sends SIGTERM through the system's `kill` command.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {} failed", self.pid());
    }

    fn join_readers(&mut self) {
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.exited().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
            self.join_readers();
        }
        if std::thread::panicking() {
            eprintln!(
                "---- {} (pid {}) stdout ----\n{}\n---- {} stderr ----\n{}",
                self.name,
                self.child.id(),
                self.stdout(),
                self.name,
                self.stderr()
            );
        }
    }
}

/// `text` without its ANSI escape sequences (`ESC [ … final-byte`).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------
// One-shot subcommands

/// What a finished subcommand printed.
#[derive(Debug)]
pub struct CliRun {
    pub args: Vec<String>,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `davomat --database URL ARGS…` to completion (bounded).
pub fn cli(db: &TempDb, args: &[&str]) -> CliRun {
    cli_on(db.url(), args)
}

fn run_to_end<S: AsRef<OsStr>>(command: Command, args: &[S]) -> CliRun {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect();
    let mut child = Proc::spawn(&format!("davomat {}", args.join(" ")), command);
    let status = child
        .wait_exit(CLI_LIMIT)
        .unwrap_or_else(|| panic!("davomat {args:?} did not finish within {CLI_LIMIT:?}"));
    CliRun {
        args,
        status,
        stdout: child.stdout(),
        stderr: child.stderr(),
    }
}

impl CliRun {
    /// Asserts success and exactly one JSON object on stdout (one line), and returns it.
    #[track_caller]
    pub fn json(&self) -> Value {
        assert!(
            self.status.success(),
            "davomat {:?} failed: {self:#?}",
            self.args
        );
        let lines: Vec<&str> = self.stdout.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "davomat {:?} must print exactly one line on stdout: {:?}",
            self.args,
            self.stdout
        );
        let value: Value = serde_json::from_str(lines[0]).unwrap_or_else(|e| {
            panic!(
                "davomat {:?} printed no JSON ({e}): {:?}",
                self.args, self.stdout
            )
        });
        assert!(value.is_object(), "not a JSON object: {value}");
        value
    }

    /// Asserts a failure: non-zero exit, a message on stderr, nothing on stdout.
    #[track_caller]
    pub fn assert_refused(&self, message_contains: &str) {
        assert!(
            !self.status.success(),
            "davomat {:?} should fail: {self:#?}",
            self.args
        );
        assert_eq!(
            self.stdout, "",
            "davomat {:?} must print nothing on stdout when it fails",
            self.args
        );
        assert!(
            self.stderr.contains(message_contains),
            "davomat {:?}: stderr should mention {message_contains:?}: {:?}",
            self.args,
            self.stderr
        );
    }
}

/// The keys of a JSON object.
pub fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// The text of a JSON string field (panics with the object when absent).
#[track_caller]
pub fn text(value: &Value, field: &str) -> String {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is not a string in {value}"))
        .to_string()
}

/// Whether `s` is a token as the contract shapes them: 40 lowercase hex characters.
pub fn is_token(s: &str) -> bool {
    s.len() == 40
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `company create` with the cases' admin; returns its JSON object.
pub fn create_company(db: &TempDb, name: &str) -> Value {
    create_company_on(db.url(), name)
}

// ---------------------------------------------------------------------------------
// Servers

/// A running `davomat serve` and an HTTP client for it (the client keeps its
/// connections alive, as real clients do).
pub struct Server {
    pub proc: Proc,
    pub port: u16,
    pub base: String,
    pub http: reqwest::Client,
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(15))
        .build()
        .expect("an HTTP client")
}

impl Server {
    /// `davomat --database URL --listen 127.0.0.1:PORT serve ARGS…`.
    pub async fn start(db: &TempDb, args: &[&str]) -> Server {
        Server::start_on(db.url(), args).await
    }

    /// Starts the command that `build` makes for a free port and waits (bounded) until
    /// `GET /healthz` answers 200 there. A port taken by someone else between our probe
    /// and the server's bind is retried with another port.
    pub async fn launch(name: &str, build: impl Fn(u16) -> Command) -> Server {
        let http = http_client();
        for _attempt in 0..3 {
            let port = free_port();
            let mut proc = Proc::spawn(name, build(port));
            let base = format!("http://127.0.0.1:{port}");
            let deadline = Instant::now() + START_LIMIT;
            loop {
                if let Some(status) = proc.exited() {
                    if proc.stderr().contains("cannot listen") {
                        break; // the port was taken meanwhile: try another one
                    }
                    panic!(
                        "{name} exited early with {status}\nstdout: {}\nstderr: {}",
                        proc.stdout(),
                        proc.stderr()
                    );
                }
                if let Ok(reply) = http.get(format!("{base}/healthz")).send().await
                    && reply.status() == 200
                {
                    return Server {
                        proc,
                        port,
                        base,
                        http,
                    };
                }
                assert!(
                    Instant::now() < deadline,
                    "{name} did not answer /healthz within {START_LIMIT:?}\nstderr: {}",
                    proc.stderr()
                );
                tokio::time::sleep(POLL).await;
            }
        }
        panic!("{name}: no free port could be bound in three attempts");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        send(request).await
    }

    /// `method path` with a JSON body and the bearer token.
    pub async fn send_json(&self, method: &str, path: &str, body: &Value, token: &str) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        send(
            self.http
                .request(method, self.url(path))
                .bearer_auth(token)
                .json(body),
        )
        .await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        send(self.http.post(self.url(path)).json(body)).await
    }

    /// `POST /v1/oauth/token` with the form body exactly as the demo's curl sends it
    /// (`-d 'grant_type=password&…'`, values not escaped).
    pub async fn password_grant(
        &self,
        client_id: &str,
        client_secret: &str,
        username: &str,
        password: &str,
    ) -> Reply {
        token_request(
            &self.http,
            &self.base,
            client_id,
            client_secret,
            username,
            password,
        )
        .await
    }

    /// A password grant that must succeed; returns the access token.
    pub async fn login(&self, company: &Value, username: &str, password: &str) -> String {
        let reply = self
            .password_grant(
                &text(company, "client_id"),
                &text(company, "client_secret"),
                username,
                password,
            )
            .await;
        assert_eq!(reply.status, 200, "login failed: {}", reply.text);
        text(&reply.body, "access_token")
    }
}

/// The password grant against any base URL, as curl's `-d` sends it.
pub async fn token_request(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
    client_secret: &str,
    username: &str,
    password: &str,
) -> Reply {
    let body = format!(
        "grant_type=password&client_id={client_id}&client_secret={client_secret}&username={username}&password={password}"
    );
    send(
        http.post(format!("{base}/v1/oauth/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body),
    )
    .await
}

/// A reply, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

pub async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request
        .send()
        .await
        .expect("the request reaches the server");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a readable body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A header holding a number.
    #[track_caller]
    pub fn number_header(&self, name: &str) -> u64 {
        self.header(name)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("header {name} is not a number: {:?}", self.headers))
    }

    /// Asserts an error reply of the contract: status, code, a message, a request id.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: i64) {
        assert_eq!(self.status, status, "status of {}", self.text);
        assert_eq!(self.body["code"], code, "code of {}", self.text);
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "message of {}",
            self.text
        );
        assert!(
            self.header("x-request-id").is_some(),
            "x-request-id missing"
        );
    }
}

// ---------------------------------------------------------------------------------
// Time

/// Polls `probe` every 50 ms until it yields a value, at most `limit`.
pub async fn poll_until<T, F, Fut>(limit: Duration, mut probe: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = probe().await {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(POLL).await;
    }
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The rate limiter's fixed one-minute window of a moment (as the server computes it
/// from the same system clock).
pub fn rate_window(unix_seconds: u64) -> u64 {
    unix_seconds / 60
}

/// When fewer than `room` seconds are left in the current rate-limit window, waits
/// for the next one (so at most `room` seconds), so that a short burst of requests
/// lands in one window.
pub async fn wait_for_window_room(room: u64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let into_window = now.as_secs() % 60;
    if 60 - into_window < room {
        let left =
            Duration::from_secs(60 - into_window) - Duration::from_nanos(now.subsec_nanos().into());
        tokio::time::sleep(left + Duration::from_millis(50)).await;
    }
}

// ---------------------------------------------------------------------------------
// Optional services

/// Whether the environment demands that optional services be present: `CI` set (to
/// anything but `false`/`0`) or the case's own `DAVOMAT_TEST_REQUIRE_*` variable.
pub fn required(variable: &str) -> bool {
    let set = |name: &str| {
        std::env::var(name)
            .map(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
            .unwrap_or(false)
    };
    set("CI") || set(variable)
}

/// Panics when the service is required, else notes the skip on stderr.
pub fn service_missing(case: &str, variable: &str, reason: &str) {
    if required(variable) {
        panic!("{case}: {reason} (required because CI or {variable} is set)");
    }
    eprintln!("skipped {case}: {reason} (set {variable}=1 to make this a failure)");
}

// ---------------------------------------------------------------------------------
// PostgreSQL, and the helpers above for any database URL

/// A fresh database on the PostgreSQL server the store's tests use
/// (`DAVOMAT_TEST_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`),
/// made by `davomat_store::testing::TestDatabase` (so already migrated), and dropped
/// (`WITH (FORCE)`, even when a killed server left connections) when the guard drops.
pub struct TempPgDb {
    database: Option<davomat_store::testing::TestDatabase>,
    url: String,
}

impl TempPgDb {
    /// The fresh database, or `None` after `service_missing` when no PostgreSQL answers
    /// and `CI` / `DAVOMAT_TEST_REQUIRE_POSTGRES` does not demand one.
    pub async fn new(case: &str) -> Option<TempPgDb> {
        use davomat_store::testing::{TestDatabase, postgres_admin_url};
        let admin_url = postgres_admin_url();
        // Store::connect gives up after its 5 s connect timeout; the outer bound is a
        // guard against a server that accepts the socket and never answers.
        let probe = tokio::time::timeout(
            Duration::from_secs(15),
            davomat_store::Store::connect(&admin_url),
        )
        .await;
        let reason = match probe {
            Ok(Ok(store)) => {
                let _ = store.close().await;
                None
            }
            Ok(Err(e)) => Some(format!("no PostgreSQL at {admin_url}: {e}")),
            Err(_) => Some(format!(
                "PostgreSQL at {admin_url} did not answer within 15 s"
            )),
        };
        if let Some(reason) = reason {
            service_missing(case, "DAVOMAT_TEST_REQUIRE_POSTGRES", &reason);
            return None;
        }
        let database = TestDatabase::fresh(davomat_store::Backend::Postgres).await?;
        Some(TempPgDb {
            url: database.url.clone(),
            database: Some(database),
        })
    }

    /// `postgres://…/davomat_t_…`, as `--database` takes it.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TempPgDb {
    fn drop(&mut self) {
        // Dropping needs async I/O; a thread of its own with its own runtime works both
        // inside and outside the test's runtime.
        if let Some(database) = self.database.take() {
            let dropper = std::thread::spawn(move || {
                if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    runtime.block_on(database.discard());
                }
            });
            let _ = dropper.join();
        }
    }
}

/// `cli` on any database URL (SQLite or PostgreSQL).
pub fn cli_on(database_url: &str, args: &[&str]) -> CliRun {
    let mut command = davomat_command();
    command.arg("--database").arg(database_url).args(args);
    run_to_end(command, args)
}

/// `create_company` on any database URL.
pub fn create_company_on(database_url: &str, name: &str) -> Value {
    cli_on(
        database_url,
        &[
            "company",
            "create",
            "--name",
            name,
            "--admin-email",
            ADMIN_EMAIL,
            "--admin-password",
            ADMIN_PASSWORD,
        ],
    )
    .json()
}

impl Server {
    /// `Server::start` on any database URL (SQLite or PostgreSQL).
    pub async fn start_on(database_url: &str, args: &[&str]) -> Server {
        Server::launch("davomat serve", |port| {
            let mut command = davomat_command();
            command
                .arg("--database")
                .arg(database_url)
                .arg("--listen")
                .arg(format!("127.0.0.1:{port}"))
                .arg("serve")
                .args(args);
            command
        })
        .await
    }
}

/// A fresh PostgreSQL database for a case that also needs the local Redis; `None` (after
/// `service_missing`) when either is missing and not demanded.
pub async fn postgres_with_redis(case: &str) -> Option<TempPgDb> {
    if !port_answers(6379) {
        service_missing(
            case,
            "DAVOMAT_TEST_REQUIRE_REDIS",
            "nothing answers on 127.0.0.1:6379",
        );
        return None;
    }
    TempPgDb::new(case).await
}
