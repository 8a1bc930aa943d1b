#!/usr/bin/env bash
# Reads while others write (issue 12's mixed benchmark; docs/performance.md): the demo
# company filled to EMPLOYEES active employees on a fresh SQLite file (or DATABASE_URL),
# each with a login and an access token of its own. Then, in alternating rounds:
#   alone — READS=accounts: GET /v1/accounts, every request with the next user's token
#           (the tokens rotate over all the users, so no answer is one user's repeated);
#           READS=employees: GET /v1/employees with the admin's token, every request the
#           next page (they rotate over every page of the company);
#   mixed — the same, while WRITERS more connections clock *different* employees in
#           through POST /v1/times/clockin (the admin entering a manual event for each
#           in turn; a clock-in drops that employee's cached account and card).
# Each round also runs the clock-ins alone. Prints the median req/s of each, the
# clock-ins per second (alone and mixed), the server CPU per clock-in alone (user +
# system time from /proc over the run, per clock-in) and the ratio mixed/alone.
# It measures; it never fails on the figures.
#
# Settings (environment):
#   READS=accounts    accounts or employees
#   EMPLOYEES=2000    employees (and users with tokens)
#   DURATION=10s      length of one round
#   ROUNDS=3          rounds of each
#   READERS=32        connections reading accounts
#   WRITERS=4         connections clocking in
#   THREADS=2         wrk threads per wrk
#   DATABASE_URL=     another database (postgres://…); the demo is seeded there if missing
#   DAVOMAT_BIN=      use this binary instead of building target/release/davomat
#   PERF_DATA=        record the server with `perf record -g` into this file during the
#                     first round's clock-ins alone (for `perf report`)
#   PERF_PHASE=clockins  the phase PERF_DATA records: clockins (alone) or mixed
set -euo pipefail

READS=${READS:-accounts}
EMPLOYEES=${EMPLOYEES:-2000}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
READERS=${READERS:-32}
WRITERS=${WRITERS:-4}
THREADS=${THREADS:-2}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-load-mixed.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
trap 'stop_server; rm -rf "$work"' EXIT

command -v wrk >/dev/null || install_debian wrk
command -v sqlite3 >/dev/null || install_debian sqlite3
bin=$(release_binary "$root")
[[ -x $bin ]] || die "no binary at $bin"
database=${DATABASE_URL:-sqlite://$work/mixed.db}
start_demo_server "$bin" "$database"
admin=$(admin_token)
"$root/scripts/seed-employees.sh" "$database" "$EMPLOYEES"

# Every seeded user gets a token of its own, written straight into the database (a
# login each would cost an Argon2 verification apiece); the file lists them.
say "issuing $EMPLOYEES tokens"
DATABASE=$database TOKENS=$work/tokens.txt TARGETS=$work/targets.lua python3 - <<'PY'
import hashlib, os, secrets, subprocess, time
url = os.environ["DATABASE"]
postgres = url.startswith("postgres")
def sql(statement):
    if postgres:
        return subprocess.run(["psql", "-tA", "-v", "ON_ERROR_STOP=1", url, "-c", statement],
                              check=True, capture_output=True, text=True).stdout
    path = url.split("sqlite:", 1)[1].lstrip("/")
    path = "/" + path if not path.startswith("/") else path
    return subprocess.run(["sqlite3", "-batch", "-noheader", "-cmd", ".timeout 30000", path, statement],
                          check=True, capture_output=True, text=True).stdout
company = sql("SELECT min(id) FROM companies").strip()
client = sql(f"SELECT min(id) FROM api_clients WHERE company_id = {company}").strip()
users = [line.split("|") for line in sql(
    f"SELECT u.id, u.employee_id, (SELECT min(location_id) FROM employee_locations el WHERE el.employee_id = u.employee_id) "
    f"FROM users u JOIN employees e ON e.id = u.employee_id WHERE u.company_id = {company} AND e.status = 'active' "
    f"ORDER BY u.id").split()]
now = int(time.time())
rows, tokens, targets = [], [], []
for user, employee, location in users:
    token = secrets.token_hex(20)
    tokens.append(token)
    digest = hashlib.sha256(token.encode()).hexdigest()
    rows.append(f"('{digest}', {user}, {client}, {now + 30 * 86400}, {now})")
    if location:
        targets.append(f"{{{employee}, {location}}}")
for start in range(0, len(rows), 500):
    sql("INSERT INTO access_tokens (token_hash, user_id, api_client_id, expires_at, created_at) VALUES "
        + ", ".join(rows[start:start + 500]))
open(os.environ["TOKENS"], "w").write("\n".join(tokens) + "\n")
open(os.environ["TARGETS"], "w").write("return {" + ", ".join(targets) + "}\n")
print(f"{len(tokens)} tokens, {len(targets)} employees to clock in")
PY

cat >"$work/accounts.lua" <<LUA
-- Each thread walks the token list from its own offset.
local tokens = {}
for line in io.lines("$work/tokens.txt") do tokens[#tokens + 1] = line end
local next_thread = 0
setup = function(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end
local i = 0
request = function()
  i = i + 1
  local token = tokens[(i * 7 + thread_id * 997) % #tokens + 1]
  return wrk.format("GET", "/v1/accounts", {["Authorization"] = "Bearer " .. token})
end
dofile("$root/scripts/wrk-result.lua")
LUA

pages=$(( (EMPLOYEES + 49) / 50 ))
cat >"$work/employees.lua" <<LUA
-- Each thread walks the pages from its own offset.
local next_thread = 0
setup = function(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end
local i = 0
local headers = {["Authorization"] = "Bearer $admin"}
request = function()
  i = i + 1
  local page = (i * 7 + thread_id * 97) % $pages + 1
  return wrk.format("GET", "/v1/employees?page=" .. page, headers)
end
dofile("$root/scripts/wrk-result.lua")
LUA

cat >"$work/clockin.lua" <<LUA
local targets = dofile("$work/targets.lua")
local next_thread = 0
setup = function(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end
local i = 0
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $admin"}
request = function()
  i = i + 1
  local target = targets[(i * $THREADS + thread_id) % #targets + 1]
  return wrk.format("POST", "/v1/times/clockin", headers,
    string.format('{"employee_id": %d, "location_id": %d}', target[1], target[2]))
end
dofile("$root/scripts/wrk-result.lua")
LUA

# One wrk run; prints "requests/s non-2xx".
rate() {
    read -r _ requests seconds _ _ bad sockets < <(grep '^RESULT' "$1")
    awk -v r="$requests" -v s="$seconds" -v b="$bad" -v k="$sockets" 'BEGIN { printf "%.0f %d\n", r / s, b + k }'
}
# The server's user + system time so far, in clock ticks.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
# Milliseconds of server CPU per request: ticks before, ticks after, a wrk result.
cpu_per_request() {
    read -r _ requests _ < <(grep '^RESULT' "$3")
    awk -v t="$(($2 - $1))" -v hz="$(getconf CLK_TCK)" -v r="$requests" 'BEGIN { printf "%.3f\n", t * 1000 / hz / r }'
}
accounts() { wrk -t "$THREADS" -c "$READERS" -d "$DURATION" -s "$work/$READS.lua" "$base" >"$1"; }
clockins() { wrk -t "$THREADS" -c "$WRITERS" -d "$DURATION" -s "$work/clockin.lua" "$base" >"$1"; }

say "warming up"
DURATION=3s accounts "$work/warm.txt"
: >"$work/alone"; : >"$work/mixed"; : >"$work/writes"; : >"$work/writes-alone"; : >"$work/writes-cpu"
for round in $(seq "$ROUNDS"); do
    accounts "$work/alone-$round.txt"
    read -r alone bad < <(rate "$work/alone-$round.txt")
    ((bad == 0)) || die "round $round alone: $bad failed requests"
    echo "$alone" >>"$work/alone"
    profiler=
    if [[ -n ${PERF_DATA:-} && $round == 1 && ${PERF_PHASE:-clockins} == clockins ]]; then
        # Profile the server through the clock-ins alone of the first round.
        perf record -g -o "$PERF_DATA" -p "$server_pid" -- sleep "${DURATION%s}" 2>/dev/null &
        profiler=$!
    fi
    ticks=$(server_ticks)
    clockins "$work/clock-alone-$round.txt"
    cpu_per_request "$ticks" "$(server_ticks)" "$work/clock-alone-$round.txt" >>"$work/writes-cpu"
    [[ -z $profiler ]] || wait "$profiler" || true
    read -r writes_alone bad < <(rate "$work/clock-alone-$round.txt")
    ((bad == 0)) || die "round $round: $bad failed clock-ins alone"
    echo "$writes_alone" >>"$work/writes-alone"
    if [[ -n ${PERF_DATA:-} && $round == 1 && ${PERF_PHASE:-clockins} == mixed ]]; then
        perf record -g -o "$PERF_DATA" -p "$server_pid" -- sleep "${DURATION%s}" 2>/dev/null &
        profiler=$!
    fi
    clockins "$work/clock-$round.txt" &
    writer=$!
    accounts "$work/mixed-$round.txt"
    wait "$writer"
    [[ -z $profiler ]] || wait "$profiler" || true
    read -r mixed bad < <(rate "$work/mixed-$round.txt")
    ((bad == 0)) || die "round $round mixed: $bad failed reads"
    read -r writes bad < <(rate "$work/clock-$round.txt")
    ((bad == 0)) || die "round $round: $bad failed clock-ins: $(head -c 300 "$work/clock-$round.txt")"
    echo "$mixed" >>"$work/mixed"
    echo "$writes" >>"$work/writes"
    say "round $round: alone $alone req/s; clock-ins alone $writes_alone/s; mixed $mixed req/s with $writes clock-ins/s"
done
alone=$(median <"$work/alone")
mixed=$(median <"$work/mixed")
writes=$(median <"$work/writes")
writes_alone=$(median <"$work/writes-alone")
printf 'GET /v1/%s over %d employees, %d connections: alone %s req/s; mixed %s req/s with %s clock-ins/s (%d connections); mixed/alone %.2f\n' "$READS" \
    "$EMPLOYEES" "$READERS" "$alone" "$mixed" "$writes" "$WRITERS" "$(awk -v m="$mixed" -v a="$alone" 'BEGIN { print m / a }')"
printf 'POST /v1/times/clockin (the admin clocking others in, mode manual), %d connections, alone: %s clock-ins/s, %s ms of server CPU each\n' "$WRITERS" "$writes_alone" "$(median <"$work/writes-cpu")"
