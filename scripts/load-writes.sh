#!/usr/bin/env bash
# Concurrent writes (issue 11, item 1; docs/performance.md "Concurrent writes"): serves
# the demo company (a fresh SQLite file, or DATABASE_URL) with rate limiting off, and
# runs wrk with 16 connections writing through six endpoints in turn — renaming two
# locations, creating holidays, positions, payroll rules, time-off types and
# departments, every title and date unique. Prints writes per second, latency and the
# number of answers that were not 200/201 (the figure that must be 0). It measures; it
# fails only when a write failed.
#
# Settings (environment):
#   DURATION=20s      length of the run
#   CONNECTIONS=16    concurrent writers
#   THREADS=2         wrk threads
#   DATABASE_URL=     another database (e.g. postgres://postgres@127.0.0.1/davomat_load)
#   DAVOMAT_BIN=      use this binary instead of building target/release/davomat
set -euo pipefail

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-load-writes.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
trap 'stop_server; rm -rf "$work"' EXIT

command -v wrk >/dev/null || install_debian wrk
bin=$(release_binary "$root")
[[ -x $bin ]] || die "no binary at $bin"
start_demo_server "$bin" "${DATABASE_URL:-sqlite://$work/writes.db}"
token=$(admin_token)
auth="Authorization: Bearer $token"

new_location() {
    curl -s -X POST -H "$auth" -H 'Content-Type: application/json' \
        -d "{\"title\": \"$1\"}" "$base/v1/locations" | sed -n 's/.*"id":\([0-9]*\).*/\1/p'
}
first=$(new_location "Нагрузка один $$")
second=$(new_location "Нагрузка два $$")
[[ -n $first && -n $second ]] || die "could not create the two locations"

cat >"$work/writes.lua" <<LUA
-- Each thread numbers its own writes; the main state hands out the thread numbers.
local next_thread = 0
setup = function(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end
local counter = 0
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}
local locations = {$first, $second}
request = function()
  counter = counter + 1
  local tag = string.format("%d %d", thread_id, counter)
  local kind = counter % 6
  if kind == 0 then
    return wrk.format("PUT", "/v1/locations/" .. locations[thread_id % 2 + 1], headers,
      '{"title": "Склад ' .. tag .. '"}')
  elseif kind == 1 then
    -- One day per write from 2040-01-01 on (the demo's holidays are earlier).
    local holiday = math.floor(counter / 6) * $THREADS + thread_id
    local day = os.date("!%Y-%m-%d", (25567 + holiday) * 86400)
    return wrk.format("POST", "/v1/holidays", headers,
      '{"date": "' .. day .. '", "title": "Праздник ' .. tag .. '", "kind": "holiday"}')
  elseif kind == 2 then
    return wrk.format("POST", "/v1/positions", headers, '{"title": "Должность ' .. tag .. '"}')
  elseif kind == 3 then
    return wrk.format("POST", "/v1/payroll/payroll-list", headers, '{"title": "Правило ' .. tag .. '"}')
  elseif kind == 4 then
    return wrk.format("POST", "/v1/time-offs", headers, '{"title": "Отгул ' .. tag .. '"}')
  end
  return wrk.format("POST", "/v1/departments", headers, '{"title": "Отдел ' .. tag .. '"}')
end
local failed = 0
response = function(status, headers, body)
  if status ~= 200 and status ~= 201 then
    failed = failed + 1
    if failed <= 3 then io.stderr:write(string.format("answer %d: %s\n", status, body)) end
  end
end
dofile("$root/scripts/wrk-result.lua")
LUA

say "wrk: $CONNECTIONS connections, $THREADS threads, $DURATION, six write endpoints in turn"
wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" -s "$work/writes.lua" "$base" >"$work/wrk.txt"
read -r _ requests seconds p50 p99 bad sockets < <(grep '^RESULT' "$work/wrk.txt")
rate=$(awk -v r="$requests" -v s="$seconds" 'BEGIN { printf "%.0f", r / s }')
printf 'writes: %d in %.1f s = %s writes/s; latency p50 %.1f ms, p99 %.1f ms\n' \
    "$requests" "$seconds" "$rate" "$p50" "$p99"
printf 'answers other than 200/201: %d; socket errors: %d\n' "$bad" "$sockets"
[[ $bad -eq 0 && $sockets -eq 0 ]] || die "some writes failed"
