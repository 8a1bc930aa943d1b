#!/usr/bin/env bash
# Load test of the terminal doors (issue 15; docs/performance.md, "Terminals"): serves
# the demo company on a fresh database with rate limiting off, registers ZKTECO
# ZKTeco-family terminals (claimed serials) and HIKVISION Hikvision terminals at the
# demo's first location, lets every ZKTeco terminal take the location's people as its
# users (warm-up: polls and answers until nothing waits), then for DURATION seconds
#   - each ZKTeco terminal polls `GET /iclock/getrequest` every 10 s (answering any
#     command through `POST /iclock/devicecmd`) and pushes 5 punches of the demo's
#     people in one `POST /iclock/cdata?table=ATTLOG` every 30 s;
#   - each Hikvision terminal posts 5 verified faces (one request each) and a heartbeat
#     every 30 s;
# each terminal starting at a random moment of its period. It prints the requests by
# kind, the errors (anything but 200), the latency percentiles measured by the client,
# and the CPU the server process used (from /proc, in cores) — and, on PostgreSQL, the
# CPU of the PostgreSQL processes apart. It measures; it never fails on the figures.
#
# Settings (environment): ZKTECO=500, HIKVISION=100, DURATION=300, DATABASE_URL=
# (postgres://…: a fresh database there, dropped after; unset: SQLite), DAVOMAT_BIN=
# (skip the build), RESULTS_DIR= (keep the raw outputs).
set -euo pipefail

ZKTECO=${ZKTECO:-500}
HIKVISION=${HIKVISION:-100}
DURATION=${DURATION:-300}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-load-terminals.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

pg_name=
cleanup() {
    local status=$?
    stop_server
    if [[ -n $pg_name ]]; then
        psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_name" >/dev/null 2>&1 || true
    fi
    if [[ -n ${RESULTS_DIR:-} ]]; then
        mkdir -p "$RESULTS_DIR"
        cp -r "$work"/. "$RESULTS_DIR"/ 2>/dev/null || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

case ${DATABASE_URL:-} in
    "")
        backend=SQLite
        database=sqlite://$work/davomat.db
        ;;
    postgres://* | postgresql://*)
        command -v psql >/dev/null || die "psql is required for PostgreSQL"
        backend=PostgreSQL
        base_url=${DATABASE_URL%%\?*}
        [[ $base_url =~ ^(postgres(ql)?://[^/]+)(/.*)?$ ]] || die "cannot read $DATABASE_URL"
        server_url=${BASH_REMATCH[1]}
        pg_admin=$server_url/postgres
        name=davomat_terminals_$(date +%s)_$$
        psql -q -v ON_ERROR_STOP=1 "$pg_admin" -c "CREATE DATABASE $name" >/dev/null ||
            die "cannot create database $name on $server_url"
        pg_name=$name
        database=$server_url/$name
        ;;
    *) die "DATABASE_URL must be postgres://… (unset for SQLite)" ;;
esac

bin=$(release_binary "$root")
[[ -x $bin ]] || die "no binary at $bin"
start_demo_server "$bin" "$database"
token=$(admin_token)
say "$backend: $ZKTECO ZKTeco and $HIKVISION Hikvision terminals for ${DURATION} s against $base"

python3 - "$base" "$token" "$server_pid" "$ZKTECO" "$HIKVISION" "$DURATION" "$backend" <<'PY'
import http.client, json, os, random, sys, threading, time
from datetime import datetime, timedelta, timezone

base, token, server_pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
zkteco, hikvision, duration, backend = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
host = base.split("//")[1]
tashkent = timezone(timedelta(hours=5))
tick = os.sysconf("SC_CLK_TCK")

def connect():
    return http.client.HTTPConnection(host, timeout=30)

def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read().decode("utf-8", "replace")

api = connect()
auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

def get(path):
    status, text = call(api, "GET", path, headers=auth)
    assert status == 200, (path, status, text[:300])
    return json.loads(text)

location = get("/v1/locations")["items"][0]["id"]
pins, page = [], 1
while len(pins) < 1000:
    listed = get(f"/v1/employees?per_page=100&page={page}")["items"]
    pins += [e["pin_code"] for e in listed]
    if len(listed) < 100:
        break
    page += 1
print(f"punches name {len(pins)} employees", file=sys.stderr)

def register(serial, kind):
    status, text = call(api, "POST", "/v1/devices",
                        json.dumps({"serial_number": serial, "type": kind, "location_id": location}), auth)
    assert status == 201, (status, text[:300])
    return json.loads(text)["token"]

zk_serials = [f"LOADZK{n:05d}" for n in range(zkteco)]
for serial in zk_serials:
    register(serial, "terminal")
hik_secrets = [register(f"LOADHIK{n:05d}", "hikvision") for n in range(hikvision)]

lock = threading.Lock()
samples = {}   # kind -> [seconds]
errors = {}    # kind -> count
measuring = threading.Event()
stop = threading.Event()

def timed(conn, kind, method, path, body=None, headers=None):
    started = time.perf_counter()
    try:
        status, text = call(conn, method, path, body, headers)
    except Exception as error:  # a refused or reset connection is an error too
        status, text = 0, repr(error)
    elapsed = time.perf_counter() - started
    if measuring.is_set():
        with lock:
            samples.setdefault(kind, []).append(elapsed)
            if status != 200:
                errors[kind] = errors.get(kind, 0) + 1
    return status, text

def answer(conn, serial, text, kind):
    ids = [line.split(":")[1] for line in text.splitlines() if line.startswith("C:")]
    if ids:
        body = "\n".join(f"ID={i}&Return=0&CMD=DATA" for i in ids) + "\n"
        timed(conn, kind, "POST", f"/iclock/devicecmd?SN={serial}", body, {"Content-Type": "text/plain"})
    return bool(ids)

def local(at):
    return at.astimezone(tashkent).strftime("%Y-%m-%d %H:%M:%S")

def zk_terminal(serial, ready):
    conn = connect()
    call(conn, "GET", f"/iclock/cdata?SN={serial}&options=all&pushver=2.4.1")
    # Warm-up: take the location's people as users.
    while True:
        status, text = call(conn, "GET", f"/iclock/getrequest?SN={serial}")
        if not answer(conn, serial, text, "warm-up"):
            break
    ready.release()
    measuring.wait()
    next_poll = time.monotonic() + random.uniform(0, 10)
    next_push = time.monotonic() + random.uniform(0, 30)
    stamp = 0
    while not stop.is_set():
        now = time.monotonic()
        if now >= next_poll:
            status, text = timed(conn, "zkteco poll", "GET", f"/iclock/getrequest?SN={serial}")
            answer(conn, serial, text, "zkteco command result")
            next_poll += 10
        if now >= next_push:
            at = datetime.now(timezone.utc)
            lines = [f"{random.choice(pins)}\t{local(at - timedelta(seconds=i))}\t{i % 2}\t15\t\t0\t0" for i in range(5)]
            stamp += 1
            timed(conn, "zkteco ATTLOG push", "POST", f"/iclock/cdata?SN={serial}&table=ATTLOG&Stamp={stamp}",
                  "\n".join(lines) + "\n", {"Content-Type": "text/plain"})
            next_push += 30
        time.sleep(max(0.0, min(next_poll, next_push) - time.monotonic()))

serial_numbers = iter(range(10**9))

def hik_terminal(secret, ready):
    conn = connect()
    path = f"/terminals/hikvision/{secret}/events"
    ready.release()
    measuring.wait()
    next_round = time.monotonic() + random.uniform(0, 30)
    while not stop.is_set():
        time.sleep(max(0.0, next_round - time.monotonic()))
        if stop.is_set():
            break
        at = datetime.now(timezone.utc)
        for i in range(5):
            event = {"dateTime": (at - timedelta(seconds=i)).astimezone(tashkent).isoformat(timespec="seconds"),
                     "eventType": "AccessControllerEvent", "eventState": "active",
                     "AccessControllerEvent": {"majorEventType": 5, "subEventType": 75,
                                               "employeeNoString": random.choice(pins),
                                               "serialNo": next(serial_numbers), "attendanceStatus": "undefined"}}
            timed(conn, "hikvision event", "POST", path, json.dumps(event), {"Content-Type": "application/json"})
        beat = {"dateTime": at.astimezone(tashkent).isoformat(timespec="seconds"), "eventType": "heartBeat"}
        timed(conn, "hikvision heartbeat", "POST", path, json.dumps(beat), {"Content-Type": "application/json"})
        next_round += 30

def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])

def postgres_ticks():
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                text = f.read()
            if "(postgres)" in text:
                total += cpu_ticks(pid)
        except OSError:
            pass
    return total

ready = threading.Semaphore(0)
threads = [threading.Thread(target=zk_terminal, args=(s, ready), daemon=True) for s in zk_serials]
threads += [threading.Thread(target=hik_terminal, args=(s, ready), daemon=True) for s in hik_secrets]
warm_start = time.time()
for t in threads:
    t.start()
for _ in threads:
    ready.acquire()
print(f"warm-up (users sent to {zkteco} terminals) took {time.time() - warm_start:.1f} s", file=sys.stderr)

server_before, pg_before, started = cpu_ticks(server_pid), postgres_ticks(), time.monotonic()
measuring.set()
time.sleep(duration)
stop.set()
elapsed = time.monotonic() - started
server_cores = (cpu_ticks(server_pid) - server_before) / tick / elapsed
pg_cores = (postgres_ticks() - pg_before) / tick / elapsed

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000

everything = [v for vs in samples.values() for v in vs]
print(f"\n{backend}: {zkteco} ZKTeco + {hikvision} Hikvision terminals, {elapsed:.0f} s measured")
print(f"{'requests':>28} {'count':>7} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
for kind in sorted(samples):
    vs = samples[kind]
    print(f"{kind:>28} {len(vs):>7} {errors.get(kind, 0):>6} {pct(vs, 50):>7.1f} {pct(vs, 95):>7.1f} {pct(vs, 99):>7.1f} {max(vs) * 1000:>7.1f}")
print(f"{'all':>28} {len(everything):>7} {sum(errors.values()):>6} {pct(everything, 50):>7.1f} {pct(everything, 95):>7.1f} {pct(everything, 99):>7.1f} {max(everything) * 1000:>7.1f}")
print(f"throughput {len(everything) / elapsed:.1f} requests/s; server CPU {server_cores:.3f} cores"
      + (f"; PostgreSQL CPU {pg_cores:.3f} cores" if backend == "PostgreSQL" else ""))
PY
