#!/usr/bin/env bash
# Bulk-inserts clock events for every employee of a company with plain SQL (no product
# code), so that report benchmarks run on a company with a year of history
# (docs/performance.md, "Reports").
#
#   scripts/seed-events.sh DATABASE_URL [DAYS] [COMPANY_ID]
#
# DATABASE_URL is sqlite://PATH (sqlite3 CLI) or postgres://… (psql). For each of the
# DAYS dates (default 365) before today (Asia/Tashkent) that is a Monday–Friday, every
# employee of the company (default: the one with the smallest id) gets four events:
# in 08:50–09:09, out for lunch 13:00, back 13:55, out 18:05–18:34 (minutes vary with
# the employee's id), mode auto, at the employee's first location. 10,000 employees and
# 365 days make about 10.4 million events; one statement inside one transaction.
set -euo pipefail

url=${1:?usage: seed-events.sh DATABASE_URL [DAYS] [COMPANY_ID]}
days=${2:-365}
company=${3:-}
[[ $days =~ ^[0-9]+$ ]] || { echo "seed-events.sh: DAYS must be a number" >&2; exit 1; }

case $url in
    sqlite:*)
        command -v sqlite3 >/dev/null || { echo "seed-events.sh: install sqlite3 (apt-get install sqlite3)" >&2; exit 1; }
        path=${url#sqlite:}
        path=${path#//}
        path=${path%%\?*}
        run() { sqlite3 -batch -bail -cmd '.timeout 30000' "$path"; }
        query() { sqlite3 -batch -noheader -cmd '.timeout 30000' "$path" "$1"; }
        backend=sqlite
        ;;
    postgres://* | postgresql://*)
        command -v psql >/dev/null || { echo "seed-events.sh: psql is required" >&2; exit 1; }
        run() { psql -q -v ON_ERROR_STOP=1 "$url" >/dev/null; }
        query() { psql -tA -v ON_ERROR_STOP=1 "$url" -c "$1"; }
        backend=postgres
        ;;
    *) echo "seed-events.sh: DATABASE_URL must be sqlite://PATH or postgres://…" >&2; exit 1 ;;
esac

[[ -n $company ]] || company=$(query "SELECT min(id) FROM companies")
[[ $company =~ ^[0-9]+$ ]] || { echo "seed-events.sh: no company in the database" >&2; exit 1; }
now=$(date +%s)
# Local midnight of today in Asia/Tashkent (UTC+5, no DST), as unix seconds.
today=$(( (now + 18000) / 86400 * 86400 - 18000 ))
first=$(( today - days * 86400 ))

if [[ $backend == postgres ]]; then
    series="SELECT generate_series(0, $days - 1) AS k"
    # 1970-01-01 was a Thursday: ISO weekday of day k is ((epoch_day + 3) mod 7) + 1.
    begin='BEGIN;'
else
    series="SELECT 0 AS k UNION ALL SELECT k + 1 FROM d WHERE k < $days - 1"
    begin='BEGIN IMMEDIATE;'
fi
recursive=""
[[ $backend == sqlite ]] && recursive="RECURSIVE"

run <<SQL
$begin
INSERT INTO clock_events (company_id, employee_id, kind, at, location_id, mode, created_at)
WITH $recursive
    d(k) AS ($series),
    workdays AS (
        SELECT $first + k * 86400 AS midnight FROM d
        WHERE ((($first + 18000) / 86400 + k + 3) % 7) + 1 <= 5),
    shape(kind, offset_seconds, spread) AS (VALUES
        ('in', 8 * 3600 + 50 * 60, 20), ('out', 13 * 3600, 1),
        ('in', 13 * 3600 + 55 * 60, 1), ('out', 18 * 3600 + 5 * 60, 30)),
    staff AS (
        SELECT e.id, (SELECT min(el.location_id) FROM employee_locations el WHERE el.employee_id = e.id) AS location_id
        FROM employees e WHERE e.company_id = $company)
SELECT $company, s.id, shape.kind,
    w.midnight + shape.offset_seconds + ((s.id * 7) % shape.spread) * 60 + (s.id % 60),
    s.location_id, 'auto', $now
FROM staff s CROSS JOIN workdays w CROSS JOIN shape;
COMMIT;
SQL
query "ANALYZE" >/dev/null
echo "company $company: $(query "SELECT count(*) FROM clock_events WHERE company_id = $company") clock events" >&2
