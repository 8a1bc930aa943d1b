#!/usr/bin/env bash
# Bulk-inserts employees into an existing company with plain SQL (no product code), so
# that list benchmarks run on a large company (docs/performance-employees.md).
#
#   scripts/seed-employees.sh DATABASE_URL [TOTAL] [COMPANY_ID]
#
# DATABASE_URL is sqlite://PATH (written with the sqlite3 CLI) or postgres://… (psql).
# The company (default: the one with the smallest id, e.g. the `serve --demo` company,
# which must already exist with its departments, schedules, locations and positions)
# is filled up to TOTAL active employees (default 10000; the demo's dismissed employee
# does not count, so a list of active employees has exactly TOTAL), all seeded active. Every seeded employee
# gets what the Employee card nests: a department, a schedule, one location, one
# current position (and its department history row) and a user (role 5, no password),
# and the name forms the product derives (full_name "last first", search_name =
# lowercase full_name, first_letter = uppercase first letter of the first name; the
# names are ASCII so that SQLite's lower()/upper() agree with Rust's).
# One statement per table, inside one transaction; 100,000 rows take seconds.
set -euo pipefail

url=${1:?usage: seed-employees.sh DATABASE_URL [TOTAL] [COMPANY_ID]}
total=${2:-10000}
company=${3:-}
[[ $total =~ ^[0-9]+$ ]] || { echo "seed-employees.sh: TOTAL must be a number" >&2; exit 1; }

case $url in
    sqlite:*)
        command -v sqlite3 >/dev/null || { echo "seed-employees.sh: install sqlite3 (apt-get install sqlite3)" >&2; exit 1; }
        path=${url#sqlite:}
        path=${path#//}
        path=${path%%\?*}
        run() { sqlite3 -batch -bail -cmd '.timeout 30000' "$path"; }
        query() { sqlite3 -batch -noheader -cmd '.timeout 30000' "$path" "$1"; }
        backend=sqlite
        ;;
    postgres://* | postgresql://*)
        command -v psql >/dev/null || { echo "seed-employees.sh: psql is required" >&2; exit 1; }
        run() { psql -q -v ON_ERROR_STOP=1 "$url" >/dev/null; }
        query() { psql -tA -v ON_ERROR_STOP=1 "$url" -c "$1"; }
        backend=postgres
        ;;
    *) echo "seed-employees.sh: DATABASE_URL must be sqlite://PATH or postgres://…" >&2; exit 1 ;;
esac

[[ -n $company ]] || company=$(query "SELECT min(id) FROM companies")
[[ $company =~ ^[0-9]+$ ]] || { echo "seed-employees.sh: no company in the database" >&2; exit 1; }
existing=$(query "SELECT count(*) FROM employees WHERE company_id = $company AND status = 'active'")
missing=$((total - existing))
if ((missing <= 0)); then
    echo "company $company already has $existing employees" >&2
    exit 0
fi
for table in departments schedules locations positions; do
    n=$(query "SELECT count(*) FROM $table WHERE company_id = $company")
    ((n > 0)) || { echo "seed-employees.sh: company $company has no $table" >&2; exit 1; }
done

# Backend-specific pieces: a date n days after a base date, and the sequence.
if [[ $backend == postgres ]]; then
    day() { echo "(DATE '$1' + ($2)::int)"; }
    begin='BEGIN;'
else
    day() { echo "date('$1', '+' || ($2) || ' days')"; }
    begin='BEGIN IMMEDIATE;'
fi
now=$(date +%s)
# Numbers are offset by `base` so that pin codes, QR codes, tab numbers and emails do
# not collide with existing rows, nor with an earlier run's.
base=$(query "SELECT coalesce(max(id), 0) FROM employees")

# The company's references, numbered from 0 so that row n takes reference n % count.
refs="
    deps AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS c
             FROM departments WHERE company_id = $company),
    scheds AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS c
               FROM schedules WHERE company_id = $company),
    locs AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS c
             FROM locations WHERE company_id = $company),
    poss AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS c
             FROM positions WHERE company_id = $company)"

# The rows this run inserts are those above the largest id it started from; the number
# of each is in its QR code 'seed-<number>'.
seeded="SELECT e.id, CAST(substr(e.qrcode, 6) AS BIGINT) AS n FROM employees e
        WHERE e.id > $base AND e.company_id = $company"

run <<SQL
$begin
INSERT INTO employees (company_id, first_name, last_name, patronymic, gender, birth_date,
    start_date, schedule_start_date, pin_code, qrcode, tab_number, home_address, home_phone,
    work_phone, mobile_phone, notes, bank_book, full_name, search_name, first_letter,
    department_id, schedule_id, status, created_at)
WITH RECURSIVE
    seq(n) AS (SELECT $base + 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $base + $missing),
    firsts(k, name) AS (VALUES (0, 'Aziz'), (1, 'Bobur'), (2, 'Dilnoza'), (3, 'Eldor'),
        (4, 'Farrux'), (5, 'Gulnora'), (6, 'Hasan'), (7, 'Iroda'), (8, 'Jasur'), (9, 'Kamola'),
        (10, 'Laziz'), (11, 'Madina'), (12, 'Nodir'), (13, 'Oydin'), (14, 'Rustam'),
        (15, 'Sardor'), (16, 'Timur'), (17, 'Umida'), (18, 'Vali'), (19, 'Zarina')),
    lasts(k, name) AS (VALUES (0, 'Abdullayev'), (1, 'Boboyev'), (2, 'Davronov'),
        (3, 'Ergashev'), (4, 'Fayzullayev'), (5, 'Gafurov'), (6, 'Hamidov'), (7, 'Ismoilov'),
        (8, 'Jurayev'), (9, 'Karimov'), (10, 'Latipov'), (11, 'Mirzayev'), (12, 'Nazarov'),
        (13, 'Olimov'), (14, 'Qodirov'), (15, 'Rahimov'), (16, 'Sobirov'), (17, 'Toshmatov'),
        (18, 'Usmonov'), (19, 'Yusupov'), (20, 'Zokirov'), (21, 'Xolmatov'), (22, 'Sharipov')),
    $refs,
    people AS (
        SELECT seq.n, f.name AS first, l.name || CASE WHEN seq.n % 3 = 0 THEN 'a' ELSE '' END AS last
        FROM seq
        JOIN firsts f ON f.k = seq.n % 20
        JOIN lasts l ON l.k = (seq.n / 20) % 23)
SELECT $company, p.first, p.last, 'Seed', CASE WHEN p.n % 2 = 0 THEN 'male' ELSE 'female' END,
    $(day 1970-01-01 "p.n % 12000"), $(day 2015-01-01 "p.n % 3000"), $(day 2015-01-01 "p.n % 3000"),
    '7' || (10000000 + p.n), 'seed-' || p.n, 'T' || p.n, 'Toshkent, Chilonzor ' || (p.n % 500),
    '+99871' || (2000000 + p.n), '+99871' || (3000000 + p.n), '+99890' || (1000000 + p.n),
    'seeded', 'BB' || p.n,
    p.last || ' ' || p.first || ' Seed', lower(p.last || ' ' || p.first || ' Seed'), upper(substr(p.first, 1, 1)),
    deps.id, scheds.id, 'active', $now
FROM people p
JOIN deps ON deps.k = p.n % deps.c
JOIN scheds ON scheds.k = p.n % scheds.c;

INSERT INTO employee_locations (employee_id, location_id)
WITH $refs, seeded AS ($seeded)
SELECT s.id, locs.id FROM seeded s JOIN locs ON locs.k = s.n % locs.c;

INSERT INTO employee_positions (employee_id, position_id, start_date, end_date, created_at)
WITH $refs, seeded AS ($seeded)
SELECT s.id, poss.id, e.start_date, NULL, $now
FROM seeded s JOIN poss ON poss.k = s.n % poss.c JOIN employees e ON e.id = s.id;

INSERT INTO employee_departments (employee_id, department_id, start_date, end_date, created_at)
WITH seeded AS ($seeded)
SELECT e.id, e.department_id, e.start_date, NULL, $now FROM seeded s JOIN employees e ON e.id = s.id;

INSERT INTO users (company_id, email, password_hash, role, employee_id, fiotype, date_format,
    time_zone, ampm, lang, created_at)
WITH seeded AS ($seeded)
SELECT $company, 'seed' || s.n || '@example.com', NULL, 5, s.id, 'lastfirstmiddle', 'medium',
    'Asia/Tashkent', '24', 'ru', $now
FROM seeded s;
COMMIT;
SQL
[[ $backend == postgres ]] && query "ANALYZE" >/dev/null
[[ $backend == sqlite ]] && query "ANALYZE" >/dev/null
echo "company $company: $existing + $missing seeded = $(query "SELECT count(*) FROM employees WHERE company_id = $company AND status = 'active'") active employees" >&2
