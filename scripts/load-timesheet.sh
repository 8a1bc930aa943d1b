#!/usr/bin/env bash
# Load test of the monthly timesheet (issue 14; docs/performance.md, "The monthly
# timesheet"): serves the demo company on a fresh SQLite database with rate limiting
# off, fills it up to EMPLOYEES employees (scripts/seed-employees.sh) with DAYS days of
# clock events (scripts/seed-events.sh), then measures from outside
#   1. GET /v1/timesheets/t13 of last month, a page of 50 employees: SAMPLES sequential
#      requests of page 1 and page FAR_PAGE, alone and while CONNECTIONS clients clock
#      the admin in with wrk (reads while others write), median and p90;
#   2. GET /v1/timesheets/t13?format=xlsx of last month for every employee (the T-13
#      form of EMPLOYEES x the month's days): the time to the last byte, the file's
#      size, and the server's peak resident memory before and after (VmHWM);
#   3. the same month as CSV.
# It measures; it never fails on the figures.
#
# Settings (environment): EMPLOYEES=10000, DAYS=365, SAMPLES=30, FAR_PAGE=100,
# DURATION=10s, CONNECTIONS=16, THREADS=2, DAVOMAT_BIN= (skip the build),
# RESULTS_DIR= (keep the raw outputs).
set -euo pipefail

EMPLOYEES=${EMPLOYEES:-10000}
DAYS=${DAYS:-365}
SAMPLES=${SAMPLES:-30}
FAR_PAGE=${FAR_PAGE:-100}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-load-timesheet.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

cleanup() {
    local status=$?
    [[ -n ${writer_pid:-} ]] && kill "$writer_pid" 2>/dev/null
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
# Last month, in Tashkent.
month=$(date -u -d "$(date -u -d "@$(( $(date +%s) + 18000 ))" +%Y-%m-01) - 1 month" +%Y-%m)

ms() { awk '{ printf "%.1f\n", $1 * 1000 }' "$1" | median; }
p90() { awk '{ printf "%.1f\n", $1 * 1000 }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int(NR * 0.9 + 0.5)] }'; }

# --- 1. a page of the grid ----------------------------------------------------------
page_latency() {
    local path="/v1/timesheets/t13?month=$month&page=$1" code
    code=$(curl -s -o "$work/page-$1.json" -w '%{http_code}' -H "$auth" "$base$path")
    [[ $code == 200 ]] || die "GET $path answered $code: $(head -c 300 "$work/page-$1.json")"
    for _ in $(seq "$SAMPLES"); do
        curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" "$base$path"
    done >"$work/page-$1$2.times"
}
page_latency 1 ""
page_latency "$FAR_PAGE" ""
python3 - "$work/page-1.json" >&2 <<'PY' || die "page check failed"
import json, sys
body = json.load(open(sys.argv[1]))
items = body["items"]
print(f"timesheet page 1: {len(items)} employees x {len(items[0]['days'])} days, totalCount {body['_meta']['totalCount']}")
PY

location=$(curl -s -H "$auth" "$base/v1/accounts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["employee"]["locations"][0]["id"])')
cat >"$work/clockin.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"location_id": $location}'
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.6f %d\n", summary.requests, summary.duration / 1e6, summary.errors.status))
end
LUA
wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" -s "$work/clockin.lua" -H "$auth" \
    "$base/v1/times/clockin" >"$work/wrk-clockin.txt" &
writer_pid=$!
sleep 1
page_latency 1 "-mixed"
page_latency "$FAR_PAGE" "-mixed"
# The writers run their whole DURATION (longer than the samples) and print their count.
wait "$writer_pid" 2>/dev/null || true
writer_pid=

# --- 2. the T-13 form of everyone ---------------------------------------------------
peak() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$server_pid/status"; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$server_pid/status"; }
file_run() {
    local format=$1 before_peak before_rss code
    before_peak=$(peak)
    before_rss=$(rss)
    code=$(curl -s -o "$work/t13.$format" -w '%{http_code} %{time_total} %{size_download}' \
        -H "$auth" "$base/v1/timesheets/t13?month=$month&format=$format")
    read -r status seconds bytes <<<"$code"
    [[ $status == 200 ]] || die "the $format file answered $status"
    echo "$format $seconds $bytes $before_rss $before_peak $(peak)"
}
xlsx=$(file_run xlsx)
csv=$(file_run csv)
python3 - "$work/t13.xlsx" >&2 <<'PY' || true
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
print(f"xlsx parts: {len(names)} ({', '.join(n for n in names if 'sheet' in n)})")
PY

# --- the summary -----------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo
echo "The monthly timesheet on SQLite — $EMPLOYEES employees, $events events ($DAYS days), month $month, load generator on the same machine"
echo "machine: ${cpu:-unknown CPU}, $(nproc) CPUs"
echo
echo "GET /v1/timesheets/t13?month=$month, 50 employees a page, $SAMPLES sequential requests (target: < 50 ms):"
echo "  alone:  page 1 median $(ms "$work/page-1.times") ms, p90 $(p90 "$work/page-1.times") ms; page $FAR_PAGE median $(ms "$work/page-$FAR_PAGE.times") ms, p90 $(p90 "$work/page-$FAR_PAGE.times") ms"
echo "  while $CONNECTIONS connections clock in: page 1 median $(ms "$work/page-1-mixed.times") ms, p90 $(p90 "$work/page-1-mixed.times") ms; page $FAR_PAGE median $(ms "$work/page-$FAR_PAGE-mixed.times") ms, p90 $(p90 "$work/page-$FAR_PAGE-mixed.times") ms"
read -r _ w_req w_sec w_bad < <(grep '^RESULT' "$work/wrk-clockin.txt" || echo "RESULT 0 1 0")
awk -v r="$w_req" -v s="$w_sec" -v bad="$w_bad" 'BEGIN { printf "  (the writers: %.0f clock-ins/s, non-2xx %d)\n", r / s, bad }'
for line in "$xlsx" "$csv"; do
    read -r format seconds bytes before_rss before_peak after_peak <<<"$line"
    awk -v f="$format" -v s="$seconds" -v b="$bytes" -v r="$before_rss" -v p0="$before_peak" -v p1="$after_peak" -v n="$EMPLOYEES" 'BEGIN {
      printf "GET /v1/timesheets/t13?format=%s, %d employees: %.2f s, %.1f MB file; server RSS before %.0f MB, peak before %.0f MB, peak after %.0f MB (targets for xlsx: < 5 s, < 200 MB peak)\n", f, n, s, b / 1e6, r / 1024, p0 / 1024, p1 / 1024 }'
done
