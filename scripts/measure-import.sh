#!/usr/bin/env bash
# Measures `davomat import workly` (issue 16; docs/performance.md, "Issue 16: importing
# a Workly account"): the demo company on a fresh SQLite database filled up to EMPLOYEES
# employees (scripts/seed-employees.sh) with DAYS days of clock events
# (scripts/seed-events.sh) is served by one davomat (the source, rate limit off) and
# imported through its Workly API into a new database (TARGET_URL, default a new SQLite
# file), every day of events since the first seeded one; then the same command again
# (the daily sync: nothing new but today). Prints the seconds, the requests and the
# counts of both runs. It measures; it never fails on the figures.
#
# Settings (environment): EMPLOYEES=10000, DAYS=365, TARGET_URL= (e.g. a PostgreSQL
# database, which must exist), SOURCE_DB= (an already seeded SQLite file to serve
# instead of seeding one), DAVOMAT_BIN= (skip the build), RESULTS_DIR= (keep the raw
# outputs).
set -euo pipefail

EMPLOYEES=${EMPLOYEES:-10000}
DAYS=${DAYS:-365}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-measure-import.XXXXXX")
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

command -v sqlite3 >/dev/null || install_debian sqlite3
bin=$(release_binary "$root")
[[ -x $bin ]] || die "no binary at $bin"

if [[ -n ${SOURCE_DB:-} ]]; then
    source_url=sqlite://$SOURCE_DB
else
    source_url=sqlite://$work/source.db
    start_demo_server "$bin" "$source_url"
    stop_server
    say "seeding $EMPLOYEES employees and $DAYS days of events"
    timeout 1200 "$root/scripts/seed-employees.sh" "$source_url" "$EMPLOYEES" || die "seeding employees failed"
    timeout 1800 "$root/scripts/seed-events.sh" "$source_url" "$DAYS" || die "seeding events failed"
fi
file=${source_url#sqlite://}
events=$(sqlite3 "$file" "SELECT count(*) FROM clock_events")
employees=$(sqlite3 "$file" "SELECT count(*) FROM employees")
first_day=$(sqlite3 "$file" "SELECT date(min(at), 'unixepoch', '+5 hours') FROM clock_events")
say "source: $employees employees, $events clock events from $first_day"

start_demo_server "$bin" "$source_url"
target_url=${TARGET_URL:-sqlite://$work/target.db}

run_import() {
    local name=$1
    RUST_LOG=warn "$bin" --database "$target_url" import workly --base-url "$base" \
        --client-id "$(field client_id "$demo")" --client-secret "$(field client_secret "$demo")" \
        --username "$(field admin_email "$demo")" --password "$(field admin_password "$demo")" \
        --since "$first_day" >"$work/$name.json" 2>"$work/$name.log" ||
        { cat "$work/$name.log" >&2; die "davomat import workly failed"; }
    python3 - "$work/$name.json" "$name" >&2 <<'PY'
import json, sys
imported = json.load(open(sys.argv[1]))["imported"]
report = imported["report"]
events = report["events"]
seconds = imported["seconds"]
print(f"{sys.argv[2]}: {seconds:.1f} s, {imported['requests']:,} requests "
      f"({imported['requests'] / seconds:,.0f}/s), 429s {imported['rate_limited']}; "
      f"employees {report['employees']['written']:,} written of {report['employees']['read']:,}; "
      f"events {events['written']:,} written of {events['read']:,} "
      f"({events['written'] / seconds:,.0f}/s), {events['days_read']} days read, "
      f"{events['days_already_read']} already read, {events['already_present']:,} already present")
PY
}

run_import import
run_import sync
