#!/usr/bin/env bash
# Webhooks under load (issue 16; docs/performance.md "Webhooks"): serves the demo company
# (a fresh SQLite file, or DATABASE_URL) with rate limiting off and private webhook
# addresses allowed, and a local receiver (Python, answering 204 and noting when each
# delivery arrived). wrk clocks the admin in and out (CONNECTIONS connections, BURST)
# twice: without a subscription, then with three subscriptions to clock.in and
# clock.out. Prints the clock-in latency of both runs (the latency webhooks add), then
# waits until the outbox is empty and prints the deliveries per second and the delay
# from an event to its arrival (p50, p99). It measures; it fails only when a request or
# a delivery failed.
#
# Settings (environment):
#   BURST=5s          length of each run (the second one's deliveries must drain)
#   CONNECTIONS=8     concurrent clients
#   THREADS=2         wrk threads
#   DATABASE_URL=     another database (e.g. postgres://postgres@127.0.0.1/davomat_load)
#   DAVOMAT_BIN=      use this binary instead of building target/release/davomat
set -euo pipefail

BURST=${BURST:-5s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-load-webhooks.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
receiver_pid=
trap 'stop_server; [[ -n $receiver_pid ]] && kill "$receiver_pid" 2>/dev/null; rm -rf "$work"' EXIT

command -v wrk >/dev/null || install_debian wrk
bin=$(release_binary "$root")
[[ -x $bin ]] || die "no binary at $bin"
export DAVOMAT_WEBHOOK_ALLOW_PRIVATE=1
start_demo_server "$bin" "${DATABASE_URL:-sqlite://$work/webhooks.db}"
token=$(admin_token)
auth="Authorization: Bearer $token"

# The receiver: one line per delivery, "<arrival seconds> <occurred_at>".
cat >"$work/receiver.py" <<'PY'
import json, sys, time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
log = open(sys.argv[1], "a", buffering=1)
class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        occurred = json.loads(body)["occurred_at"]
        at = datetime.strptime(occurred, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        log.write(f"{time.time():.3f} {at.timestamp():.0f}\n")
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
# A deep accept queue: a node sends up to 32 deliveries at once.
ThreadingHTTPServer.request_queue_size = 1024
server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 "$work/receiver.py" "$work/arrivals" >"$work/receiver.port" 2>"$work/receiver.log" &
receiver_pid=$!
for _ in $(seq 50); do [[ -s $work/receiver.port ]] && break; sleep 0.1; done
receiver_port=$(head -n 1 "$work/receiver.port")
[[ -n $receiver_port ]] || die "the receiver did not start"

location=$(curl -s -H "$auth" "$base/v1/locations" | sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p')
[[ -n $location ]] || die "no location"

cat >"$work/clock.lua" <<LUA
dofile("$root/scripts/wrk-result.lua")
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}
local body = '{"location_id": $location}'
local counter = 0
request = function()
  counter = counter + 1
  local path = (counter % 2 == 1) and "/v1/times/clockin" or "/v1/times/clockout"
  return wrk.format("POST", path, headers, body)
end
LUA

run() {
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" -s "$work/clock.lua" "$base" 2>&1 |
        sed -n 's/^RESULT //p'
}
report() {
    local label=$1 requests seconds p50 p99 non2xx errors
    read -r requests seconds p50 p99 non2xx errors <<<"$2"
    printf '%-32s %8d requests  %7.1f/s  p50 %6.1f ms  p99 %6.1f ms  non-2xx %d  socket errors %d\n' \
        "$label" "$requests" "$(awk "BEGIN { print $requests / $seconds }")" "$p50" "$p99" "$non2xx" "$errors"
    [[ $non2xx -eq 0 && $errors -eq 0 ]] || die "$label: requests failed"
}

say "clock-ins without a subscription"
report "clock-in, no subscription" "$(run "$BURST")"

for n in 1 2 3; do
    curl -s -X POST -H "$auth" -H 'Content-Type: application/json' \
        -d "{\"url\": \"http://127.0.0.1:$receiver_port/hook$n\", \"events\": [\"clock.in\", \"clock.out\"]}" \
        "$base/v1/webhooks" | grep -q '"secret"' || die "could not subscribe"
done
say "clock-ins with three subscriptions"
started=$(date +%s.%N)
second=$(run "$BURST")
report "clock-in, 3 subscriptions" "$second"
events=$(awk '{ print $1 }' <<<"$second")
expected=$((events * 3))

pending() { curl -s "$base/metrics" | sed -n 's/^davomat_webhook_outbox_pending //p'; }
for _ in $(seq 1200); do
    [[ $(pending) == 0 ]] && break
    sleep 0.5
done
[[ $(pending) == 0 ]] || die "the outbox did not empty within 10 minutes"
arrived=$(wc -l <"$work/arrivals")
failed=$(curl -s -H "$auth" "$base/v1/webhooks/1/deliveries?per-page=50" | grep -o '"status":"failed"' | wc -l || true)
[[ $arrived -ge $expected ]] || die "$arrived deliveries arrived, $expected expected"
read -r first_arrival last_arrival <<<"$(awk 'NR == 1 { f = $1 } { l = $1 } END { print f, l }' "$work/arrivals")"
lags=$(awk '{ print $1 - $2 }' "$work/arrivals" | sort -g)
quantile() { awk -v q="$1" '{ v[NR] = $1 } END { i = int(NR * q); if (i < 1) i = 1; print v[i] }'; }
p50=$(quantile 0.5 <<<"$lags")
p99=$(quantile 0.99 <<<"$lags")
printf 'deliveries: %d of %d expected arrived, %.1f/s from the first to the last arrival, %.1f s after the load started; event to arrival p50 %.2f s, p99 %.2f s; failed %d\n' \
    "$arrived" "$expected" "$(awk "BEGIN { print ($arrived - 1) / ($last_arrival - $first_arrival) }")" \
    "$(awk "BEGIN { print $last_arrival - $started }")" "$p50" "$p99" "$failed"
