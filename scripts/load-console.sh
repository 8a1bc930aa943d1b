#!/usr/bin/env bash
# The console's figures (issue 13; docs/performance.md): the demo company filled to
# EMPLOYEES active employees on a fresh SQLite file (or DATABASE_URL), with DAYS days of
# clock events before today, and today's events for most of them. Signs the demo admin in
# through the sign-in form (a cookie jar), then prints:
#   - the median and 90th percentile `time_total` of REQUESTS sequential requests with
#     curl of the Today page (`/`), the board alone (`/today/board`), the employee list's
#     first and a far page, a search, and one employee's file;
#   - the size of each of those pages' HTML (uncompressed);
#   - the board again during a rush: one client clocking employees in through
#     `POST /v1/times/clockin` back to back (each drops that employee's board line), with
#     how many clock-ins landed per second meanwhile (SQLite only);
#   - what the first visit of the Today page transfers, compressed (brotli, as browsers
#     ask): the page and every asset it names.
# It measures; it never fails on the figures.
#
# Settings (environment): EMPLOYEES=10000, DAYS=7, REQUESTS=30, DATABASE_URL, DAVOMAT_BIN;
# PERF_DATA=file records the server with `perf record -g` while the board is measured.
set -euo pipefail

EMPLOYEES=${EMPLOYEES:-10000}
DAYS=${DAYS:-7}
REQUESTS=${REQUESTS:-30}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-load-console.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
trap 'stop_server; rm -rf "$work"' EXIT

command -v sqlite3 >/dev/null || install_debian sqlite3
bin=$(release_binary "$root")
database=${DATABASE_URL:-sqlite://$work/console.db}
start_demo_server "$bin" "$database"
"$root/scripts/seed-employees.sh" "$database" "$EMPLOYEES"
"$root/scripts/seed-events.sh" "$database" "$DAYS"
jar=$work/cookies.txt
curl -sS -o /dev/null -c "$jar" -b "$jar" -X POST "$base/login" \
    --data-urlencode "email=$(field admin_email "$demo")" \
    --data-urlencode "password=$(field admin_password "$demo")"
grep -q davomat_session "$jar" || die "the demo admin could not sign in to the console"

# Seconds of each of REQUESTS sequential requests of a path.
timings() {
    for _ in $(seq "$REQUESTS"); do
        curl -sS -o /dev/null -b "$jar" -w '%{time_total}\n' -H 'Accept-Encoding: br, gzip' "$base$1"
    done
}
percentile() { sort -g | awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p + 0.999); if (i < 1) i = 1; print v[i] }'; }
# Prints the figures of a path, under a label (default: the path).
report() {
    timings "$1" >"$work/t"
    printf '%-14s median %6.1f ms   p90 %6.1f ms   (%d sequential requests)\n' "${2:-$1}" \
        "$(awk '{ print $1 * 1000 }' "$work/t" | median)" \
        "$(awk '{ print $1 * 1000 }' "$work/t" | percentile 0.9)" "$REQUESTS"
}

say "warming up"
timings / >/dev/null
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "machine: ${cpu:-unknown CPU}, $(nproc) CPUs; $EMPLOYEES employees, $DAYS days of events"
report /
profiler=
if [[ -n ${PERF_DATA:-} ]]; then
    perf record -g -o "$PERF_DATA" -p "$server_pid" 2>/dev/null &
    profiler=$!
    sleep 1
fi
report /today/board
if [[ -n $profiler ]]; then
    kill -INT "$profiler"
    wait "$profiler" || true
fi
report /employees
report "/employees?page=150"
report "/employees?q=a"
one=$(curl -sS -b "$jar" "$base/employees?page=2" | grep -o 'href="/employees/[0-9]*"' | head -n 1 | grep -o '[0-9]*')
report "/employees/$one"
# The board during a rush of clock-ins (SQLite: the employees and locations are read from
# the file).
if [[ $database == sqlite://* ]]; then
    token=$(admin_token)
    sqlite3 -batch -noheader "${database#sqlite://}" \
        "SELECT e.id || ' ' || min(el.location_id) FROM employees e JOIN employee_locations el ON el.employee_id = e.id WHERE e.status = 'active' GROUP BY e.id ORDER BY random() LIMIT 3000" \
        >"$work/rush.txt"
    (
        while read -r employee location; do
            curl -sS -o /dev/null -X POST "$base/v1/times/clockin" -H "Authorization: Bearer $token" \
                -H 'Content-Type: application/json' \
                -d "{\"employee_id\": $employee, \"location_id\": $location}" || true
            echo >>"$work/rush.count"
        done <"$work/rush.txt"
    ) &
    rusher=$!
    started=$(date +%s.%N)
    report /today/board "/today/board during a rush"
    ended=$(date +%s.%N)
    kill "$rusher" 2>/dev/null || true
    wait "$rusher" 2>/dev/null || true
    landed=$(wc -l <"$work/rush.count" 2>/dev/null || echo 0)
    echo "  meanwhile $landed clock-ins, $(awk -v n="$landed" -v a="$started" -v b="$ended" 'BEGIN { printf "%.0f", n / (b - a) }')/s"
fi
for path in / /employees "/employees?page=150" "/employees/$one"; do
    echo "  HTML of $path: $(curl -sS -b "$jar" -o /dev/null -w '%{size_download}' "$base$path") bytes"
done

# The first visit: the page, then each asset it links, compressed as a browser asks.
page_bytes=$(curl -sS -b "$jar" -H 'Accept-Encoding: br, gzip' -o /dev/null -w '%{size_download}' "$base/")
total=$page_bytes
for asset in $(curl -sS -b "$jar" "$base/" | grep -o '/assets/[^"]*' | sort -u); do
    bytes=$(curl -sS -H 'Accept-Encoding: br, gzip' -o /dev/null -w '%{size_download}' "$base$asset")
    echo "  $asset: $bytes bytes"
    total=$((total + bytes))
done
echo "first visit of the Today page: page $page_bytes bytes, in all $total bytes compressed"
