#!/usr/bin/env bash
# Load test of GET /v1/employees on a large company (issue 3; docs/performance-employees.md):
# builds the release binary, serves the demo company with rate limiting off on a fresh
# database, fills the company up to EMPLOYEES employees with scripts/seed-employees.sh,
# and runs wrk against 127.0.0.1 in alternating rounds: page 1, page FAR_PAGE, page 1, …
# (full pages of 50 cards with every nested object). Prints the median req/s and
# latencies per page, the non-2xx count and the ratio page FAR_PAGE / page 1.
# It measures; it never fails on the figures.
#
# Settings (environment):
#   DATABASE_URL=     postgres://user@127.0.0.1[:port]/any: a fresh database is created on
#                     that server for the run and dropped after; unset: a fresh SQLite file
#   EMPLOYEES=        employees in the company (default 10000 on SQLite, 100000 on PostgreSQL)
#   FAR_PAGE=200      the far page measured against page 1
#   DURATION=10s      length of one wrk round
#   ROUNDS=3          rounds per page
#   WARMUP=3s         an unmeasured round per page first (0 to skip)
#   CONNECTIONS=64    concurrent connections
#   THREADS=2         wrk threads
#   DAVOMAT_BIN=      use this binary instead of building target/release/davomat
#   CARGO_TARGET_DIR= where cargo builds (default: the workspace's target/)
#   RESULTS_DIR=      keep wrk's raw outputs, the server's log and the pages fetched there
#   RUST_LOG=         the server's log filter (default: warn)
set -euo pipefail

DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
FAR_PAGE=${FAR_PAGE:-200}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-load-employees.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
pg_admin=
pg_name=

cleanup() {
    local status=$?
    stop_server
    if [[ -n $pg_name ]]; then
        psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_name WITH (FORCE)" >/dev/null 2>&1 || true
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

# --- tools -----------------------------------------------------------------------
command -v wrk >/dev/null || install_debian wrk
command -v curl >/dev/null || die "curl is required"

# --- the database ----------------------------------------------------------------
case ${DATABASE_URL:-} in
    "")
        command -v sqlite3 >/dev/null || install_debian sqlite3
        backend=SQLite
        database=sqlite://$work/davomat.db
        EMPLOYEES=${EMPLOYEES:-10000}
        ;;
    postgres://* | postgresql://*)
        command -v psql >/dev/null || die "psql is required for PostgreSQL"
        backend=PostgreSQL
        # The same server and credentials, database `postgres` for CREATE/DROP DATABASE.
        base_url=${DATABASE_URL%%\?*}
        [[ $base_url =~ ^(postgres(ql)?://[^/]+)(/.*)?$ ]] || die "cannot read $DATABASE_URL"
        server_url=${BASH_REMATCH[1]}
        pg_admin=$server_url/postgres
        name=davomat_load_$(date +%s)_$$
        psql -q -v ON_ERROR_STOP=1 "$pg_admin" -c "CREATE DATABASE $name" >/dev/null ||
            die "cannot create database $name on $server_url"
        pg_name=$name
        database=$server_url/$name
        EMPLOYEES=${EMPLOYEES:-100000}
        ;;
    *) die "DATABASE_URL must be postgres://… (unset for SQLite)" ;;
esac

# --- the binary ------------------------------------------------------------------
bin=$(release_binary "$root")
[[ -x $bin ]] || die "no binary at $bin"

# --- the server ------------------------------------------------------------------
# Only 127.0.0.1, on a port the kernel picks; the port is read from the demo output.
start_demo_server "$bin" "$database"

say "seeding the demo company up to $EMPLOYEES employees ($backend)"
seed_start=$(date +%s)
timeout 600 "$root/scripts/seed-employees.sh" "$database" "$EMPLOYEES" || die "seeding failed"
say "seeded in $(($(date +%s) - seed_start)) s"

token=$(admin_token)
auth="Authorization: Bearer $token"

# Both pages must be full pages of cards with every nested object.
for page in 1 "$FAR_PAGE"; do
    code=$(curl -s -o "$work/page-$page.json" -w '%{http_code}' -H "$auth" "$base/v1/employees?page=$page")
    [[ $code == 200 ]] || die "GET /v1/employees?page=$page answered $code: $(head -c 300 "$work/page-$page.json")"
    if command -v python3 >/dev/null; then
        python3 - "$work/page-$page.json" "$page" >&2 <<'PY' || die "page check failed"
import json, sys
body = json.load(open(sys.argv[1]))
items = body["data"]["items"] if isinstance(body.get("data"), dict) and "items" in body["data"] else body.get("items", body.get("data"))
meta = body.get("_meta") or body.get("meta") or (body.get("data") or {}).get("_meta") or {}
assert len(items) == 50, f"page {sys.argv[2]}: {len(items)} items"
empty = [k for k in ("user", "department", "schedule", "positions", "locations")
         if any(not card.get(k) for card in items)]
print(f"page {sys.argv[2]}: {len(items)} cards, totalCount {meta.get('totalCount')}, "
      f"{len(open(sys.argv[1], 'rb').read())} bytes, empty nested objects: {empty or 'none'}")
PY
    fi
done

# --- the rounds ------------------------------------------------------------------
cat >"$work/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.6f %.1f %.1f %.1f %d %d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
LUA

hz=$(getconf CLK_TCK)
server_cpu() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }

# run NAME PATH [DURATION] -> "NAME rps p50_ms p99_ms max_ms non2xx socket_errors server_us_per_req"
run() {
    local name=$1 path=$2 duration=${3:-$DURATION} out srv0 srv1
    out=$work/wrk-$name-$(date +%s%N).txt
    srv0=$(server_cpu)
    timeout 300 wrk -t "$THREADS" -c "$CONNECTIONS" -d "$duration" --latency -s "$work/report.lua" \
        -H "$auth" "$base$path" >"$out"
    srv1=$(server_cpu)
    awk -v name="$name" -v srv=$((srv1 - srv0)) -v hz="$hz" '$1 == "RESULT" {
        printf "%s %.1f %.3f %.3f %.3f %d %d %.1f\n", name, $2 / $3, $4 / 1000, $5 / 1000, \
            $6 / 1000, $7, $8, ($2 > 0 ? srv / hz * 1e6 / $2 : 0)
    }' "$out"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
say "GET /v1/employees: $backend, $EMPLOYEES employees, $CONNECTIONS connections, $THREADS wrk threads, $ROUNDS x $DURATION per page"

near=/v1/employees?page=1
far=/v1/employees?page=$FAR_PAGE
if [[ $WARMUP != 0 ]]; then
    run page1 "$near" "$WARMUP" >/dev/null
    run far "$far" "$WARMUP" >/dev/null
fi
results=$work/results.txt
: >"$results"
for round in $(seq "$ROUNDS"); do
    line=$(run page1 "$near")
    say "round $round: $line"
    echo "$line" >>"$results"
    line=$(run far "$far")
    say "round $round: $line"
    echo "$line" >>"$results"
done

# --- the summary -----------------------------------------------------------------
column_of() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$results"; }
summary() {
    printf '%s %s %s %s %s %s %s\n' "$1" \
        "$(column_of "$1" 2 | median)" \
        "$(column_of "$1" 3 | median)" \
        "$(column_of "$1" 4 | median)" \
        "$(column_of "$1" 6 | awk '{ s += $1 } END { print s + 0 }')" \
        "$(column_of "$1" 7 | awk '{ s += $1 } END { print s + 0 }')" \
        "$(column_of "$1" 8 | median)"
}
read -r _ n_rps n_p50 n_p99 n_bad n_sock n_cpu < <(summary page1)
read -r _ f_rps f_p50 f_p99 f_bad f_sock f_cpu < <(summary far)
ratio=$(awk -v n="$n_rps" -v f="$f_rps" 'BEGIN { printf "%.2f", (f > 0 ? n / f : 0) }')
p50_ratio=$(awk -v n="$n_p50" -v f="$f_p50" 'BEGIN { printf "%.2f", (n > 0 ? f / n : 0) }')
target=1000
[[ $backend == SQLite ]] && target=2000
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo "NOT met"; fi; }
row() { printf '| %-28s | %11.0f | %6.2f | %6.2f | %7d | %13d | %13.1f |\n' "$@"; }

echo
echo "GET /v1/employees — $backend, $EMPLOYEES employees, $CONNECTIONS connections, $THREADS wrk threads, $ROUNDS rounds x $DURATION, alternating"
echo "machine: ${cpu:-unknown CPU}, $(nproc) CPUs, load generator on the same machine"
echo
echo "| request                      | req/s (med) | p50 ms | p99 ms | non-2xx | socket errors | server µs/req |"
echo "|------------------------------|------------:|-------:|-------:|--------:|--------------:|--------------:|"
row "$near" "$n_rps" "$n_p50" "$n_p99" "$n_bad" "$n_sock" "$n_cpu"
row "$far" "$f_rps" "$f_p50" "$f_p99" "$f_bad" "$f_sock" "$f_cpu"
echo
echo "page $FAR_PAGE / page 1: $ratio x slower in req/s (page 1 req/s / page $FAR_PAGE req/s), $p50_ratio x in p50"
echo "targets (issue 3): >= $target req/s on both pages: $(verdict "$n_rps >= $target && $f_rps >= $target");" \
    "within 1.5x: $(verdict "$ratio <= 1.5 && $p50_ratio <= 1.5");" \
    "no non-2xx: $(verdict "$n_bad + $f_bad == 0")"
echo
echo "per round (page req/s p50_ms p99_ms max_ms non2xx socket_errors server_us_per_req):"
sed 's/^/  /' "$results"
