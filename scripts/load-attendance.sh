#!/usr/bin/env bash
# Load test of the attendance paths of issue 4 on SQLite (docs/performance.md,
# "Attendance"): serves the demo company with rate limiting off on a fresh database,
# fills it up to EMPLOYEES employees (scripts/seed-employees.sh) with DAYS days of clock
# events each (scripts/seed-events.sh), then measures
#   1. GET /v1/reports/t12 for a page of 50 employees x 31 days: SAMPLES sequential
#      requests each of page 1 and page FAR_PAGE, median and p90 latency;
#   2. POST /v1/times/clockin (the admin clocking themself) with wrk: events/s;
#   3. POST /v1/device/events, batches of 1,000 new events with wrk: events/s.
# It measures; it never fails on the figures.
#
# Settings (environment): EMPLOYEES=10000, DAYS=365, SAMPLES=30, FAR_PAGE=100,
# DURATION=10s, CONNECTIONS=64 (clock-in), BATCH_CONNECTIONS=4 (device batches),
# THREADS=2, DAVOMAT_BIN= (skip the build), RESULTS_DIR= (keep the raw outputs).
set -euo pipefail

EMPLOYEES=${EMPLOYEES:-10000}
DAYS=${DAYS:-365}
SAMPLES=${SAMPLES:-30}
FAR_PAGE=${FAR_PAGE:-100}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
BATCH_CONNECTIONS=${BATCH_CONNECTIONS:-4}
THREADS=${THREADS:-2}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-load-attendance.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

cleanup() {
    local status=$?
    stop_server
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

command -v wrk >/dev/null || install_debian wrk
command -v sqlite3 >/dev/null || install_debian sqlite3
bin=$(release_binary "$root")
[[ -x $bin ]] || die "no binary at $bin"
database=sqlite://$work/davomat.db
start_demo_server "$bin" "$database"

say "seeding $EMPLOYEES employees and $DAYS days of events"
seed_start=$(date +%s)
timeout 1200 "$root/scripts/seed-employees.sh" "$database" "$EMPLOYEES" || die "seeding employees failed"
timeout 1800 "$root/scripts/seed-events.sh" "$database" "$DAYS" || die "seeding events failed"
events=$(sqlite3 "$work/davomat.db" "SELECT count(*) FROM clock_events")
say "seeded in $(($(date +%s) - seed_start)) s: $events events"
token=$(admin_token)
auth="Authorization: Bearer $token"

# --- 1. t12 ----------------------------------------------------------------------
# The last full 31 days before today.
end=$(date -u -d "@$(( $(date +%s) + 18000 - 86400 ))" +%F)
start=$(date -u -d "$end - 30 days" +%F)
t12_latency() {
    local path="/v1/reports/t12?start_date=$start&end_date=$end&page=$1"
    local code
    code=$(curl -s -o "$work/t12-$1.json" -w '%{http_code}' -H "$auth" "$base$path")
    [[ $code == 200 ]] || die "GET $path answered $code: $(head -c 300 "$work/t12-$1.json")"
    for _ in $(seq "$SAMPLES"); do
        curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" "$base$path"
    done >"$work/t12-$1.times"
}
t12_latency 1
t12_latency "$FAR_PAGE"
python3 - "$work/t12-1.json" >&2 <<'PY' || die "t12 page check failed"
import json, sys
body = json.load(open(sys.argv[1]))
items = body["items"]
days = {len(i["report"]["days"]) for i in items}
print(f"t12 page 1: {len(items)} employees, days per employee {days}, totalCount {body['_meta']['totalCount']}")
PY
ms() { awk '{ printf "%.1f\n", $1 * 1000 }' "$1" | median; }
p90() { awk '{ printf "%.1f\n", $1 * 1000 }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int(NR * 0.9 + 0.5)] }'; }

# --- 2. clock-in -----------------------------------------------------------------
location=$(curl -s -H "$auth" "$base/v1/accounts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["employee"]["locations"][0]["id"])')
cat >"$work/clockin.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"location_id": $location}'
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.6f %.1f %.1f %d %d\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
before=$(sqlite3 "$work/davomat.db" "SELECT count(*) FROM clock_events")
wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" -s "$work/clockin.lua" -H "$auth" \
    "$base/v1/times/clockin" >"$work/wrk-clockin.txt"
after=$(sqlite3 "$work/davomat.db" "SELECT count(*) FROM clock_events")
read -r _ c_req c_sec c_p50 c_p99 c_bad c_sock < <(grep '^RESULT' "$work/wrk-clockin.txt")

# --- 3. device batches -------------------------------------------------------------
device_token=$(curl -s -X POST -H "$auth" -H 'Content-Type: application/json' \
    -d "{\"serial_number\": \"LOAD-$(date +%s)\", \"type\": \"terminal\", \"location_id\": $location}" \
    "$base/v1/devices" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[[ -n $device_token ]] || die "no device token"
first_employee=$(sqlite3 "$work/davomat.db" "SELECT min(id) FROM employees")
cat >"$work/batch.lua" <<LUA
-- Each thread numbers its own uids; the main state hands out the thread numbers.
local counter = 0
local next_thread = 0
setup = function(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $device_token"}
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, 1000 do
    local n = (counter * 1000 + i)
    parts[i] = string.format('{"uid":"t%d-%d","employee_id":%d,"event":"%s","event_time":"$end 09:%02d:%02d"}',
      thread_id, n, $first_employee + (n % $EMPLOYEES), (n % 2 == 0) and "in" or "out", n % 60, i % 60)
  end
  return wrk.format("POST", nil, headers, '{"events":[' .. table.concat(parts, ",") .. ']}')
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.6f %.1f %.1f %d %d\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
before_batch=$(sqlite3 "$work/davomat.db" "SELECT count(*) FROM clock_events")
wrk -t "$THREADS" -c "$BATCH_CONNECTIONS" -d "$DURATION" -s "$work/batch.lua" \
    "$base/v1/device/events" >"$work/wrk-batch.txt"
after_batch=$(sqlite3 "$work/davomat.db" "SELECT count(*) FROM clock_events")
read -r _ b_req b_sec b_p50 b_p99 b_bad b_sock < <(grep '^RESULT' "$work/wrk-batch.txt")

# --- the summary -----------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo
echo "Attendance on SQLite — $EMPLOYEES employees, $events events ($DAYS days), load generator on the same machine"
echo "machine: ${cpu:-unknown CPU}, $(nproc) CPUs"
echo
echo "GET /v1/reports/t12 $start..$end, 50 employees x 31 days, $SAMPLES sequential requests:"
echo "  page 1: median $(ms "$work/t12-1.times") ms, p90 $(p90 "$work/t12-1.times") ms"
echo "  page $FAR_PAGE: median $(ms "$work/t12-$FAR_PAGE.times") ms, p90 $(p90 "$work/t12-$FAR_PAGE.times") ms   (target: median < 50 ms)"
echo
awk -v r="$c_req" -v s="$c_sec" -v p50="$c_p50" -v p99="$c_p99" -v bad="$c_bad" -v sock="$c_sock" -v stored=$((after - before)) -v c="$CONNECTIONS" 'BEGIN {
  printf "POST /v1/times/clockin, %d connections: %.0f events/s (%d stored), p50 %.1f ms, p99 %.1f ms, non-2xx %d, socket errors %d   (target: >= 2,000/s)\n", c, r / s, stored, p50 / 1000, p99 / 1000, bad, sock }'
awk -v r="$b_req" -v s="$b_sec" -v p50="$b_p50" -v p99="$b_p99" -v bad="$b_bad" -v sock="$b_sock" -v stored=$((after_batch - before_batch)) -v c="$BATCH_CONNECTIONS" 'BEGIN {
  printf "POST /v1/device/events, batches of 1,000, %d connections: %.0f events/s (%d stored), %.1f batches/s, p50 %.1f ms, p99 %.1f ms, non-2xx %d, socket errors %d   (target: >= 20,000/s)\n", c, stored / s, stored, r / s, p50 / 1000, p99 / 1000, bad, sock }'
