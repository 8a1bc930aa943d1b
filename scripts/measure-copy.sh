#!/usr/bin/env bash
# Measures `davomat copy` (issue 16; docs/performance.md, "Issue 16: copying SQLite to
# PostgreSQL"): the demo company on a fresh SQLite database filled up to EMPLOYEES
# employees (scripts/seed-employees.sh) with DAYS days of clock events
# (scripts/seed-events.sh), copied to a new PostgreSQL database and verified; then the
# same command again with --resume (nothing left to write: the verification alone).
# Prints the rows, the seconds and the copy's summary. It measures; it never fails on
# the figures.
#
# Settings (environment): EMPLOYEES=10000, DAYS=365,
# POSTGRES_URL=postgres://postgres@127.0.0.1:5432 (a server where a database may be
# created), DAVOMAT_BIN= (skip the build), RESULTS_DIR= (keep the raw outputs).
set -euo pipefail

EMPLOYEES=${EMPLOYEES:-10000}
DAYS=${DAYS:-365}
POSTGRES_URL=${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-measure-copy.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

target_db=davomat_copy_$$
cleanup() {
    local status=$?
    stop_server
    psql -q "$POSTGRES_URL/postgres" -c "DROP DATABASE IF EXISTS $target_db WITH (FORCE)" >/dev/null 2>&1 || true
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
command -v psql >/dev/null || install_debian postgresql-client
bin=$(release_binary "$root")
[[ -x $bin ]] || die "no binary at $bin"
source_url=sqlite://$work/davomat.db
start_demo_server "$bin" "$source_url"
stop_server

say "seeding $EMPLOYEES employees and $DAYS days of events"
timeout 1200 "$root/scripts/seed-employees.sh" "$source_url" "$EMPLOYEES" || die "seeding employees failed"
timeout 1800 "$root/scripts/seed-events.sh" "$source_url" "$DAYS" || die "seeding events failed"
events=$(sqlite3 "$work/davomat.db" "SELECT count(*) FROM clock_events")
employees=$(sqlite3 "$work/davomat.db" "SELECT count(*) FROM employees")
size=$(du -m "$work/davomat.db" | cut -f1)
say "source: $employees employees, $events clock events, ${size} MB"

psql -q "$POSTGRES_URL/postgres" -c "CREATE DATABASE $target_db" >/dev/null
target_url=$POSTGRES_URL/$target_db

run_copy() {
    local name=$1
    shift
    local started ended
    started=$(date +%s.%N)
    RUST_LOG=warn "$bin" copy --from "$source_url" --to "$target_url" "$@" >"$work/$name.json" 2>"$work/$name.log" ||
        { cat "$work/$name.log" >&2; die "davomat copy $* failed"; }
    ended=$(date +%s.%N)
    python3 - "$work/$name.json" "$started" "$ended" "$name" >&2 <<'PY'
import json, sys
copied = json.load(open(sys.argv[1]))["copied"]
wall = float(sys.argv[3]) - float(sys.argv[2])
busiest = sorted(copied["tables"], key=lambda t: -t["rows"])[:3]
print(f"{sys.argv[4]}: {copied['rows']:,} rows in {len(copied['tables'])} tables verified, "
      f"{copied['written']:,} written, {wall:.1f} s wall ({copied['rows'] / wall:,.0f} rows/s); "
      + ", ".join(f"{t['table']} {t['rows']:,}" for t in busiest))
PY
}

run_copy copy
run_copy resume --resume
bytes=$(psql -tA "$target_url" -c "SELECT pg_database_size(current_database())")
say "target: $((bytes / 1024 / 1024)) MB in PostgreSQL"
