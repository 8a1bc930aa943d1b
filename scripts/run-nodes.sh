#!/usr/bin/env bash
# Several davomat nodes behind HAProxy on one machine, as an operator runs them (issue 16;
# docs/operations.md, "Several nodes"): NODES `davomat serve` processes on one PostgreSQL
# database and one Redis, each with a shutdown grace period, and HAProxy from Debian in
# front of them checking `/readyz` every 500 ms. Prints the balancer's address and the
# demo company's credentials.
#
# With ROLL=1 it also proves a rolling restart: while wrk reads and writes through the
# balancer for DURATION, every node in turn is stopped with SIGTERM, waited for, started
# again and waited for until ready; then it prints what wrk counted (requests, answers
# other than 2xx, socket errors) — a correct setup fails none. Without ROLL it serves
# until Ctrl-C.
#
# Settings (environment): NODES=3, PORT=8080 (the balancer), POSTGRES_URL=
# postgres://postgres@127.0.0.1:5432 (a database davomat_nodes_PID is made there and
# dropped at the end), REDIS_URL=redis://127.0.0.1:6379, GRACE=2 (seconds a stopping node
# keeps serving with /readyz at 503), ROLL=0, DURATION=20s, CONNECTIONS=8,
# DAVOMAT_BIN= (skip the build).
set -euo pipefail

NODES=${NODES:-3}
PORT=${PORT:-8080}
POSTGRES_URL=${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
GRACE=${GRACE:-2}
ROLL=${ROLL:-0}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-8}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-nodes.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

database=davomat_nodes_$$
declare -a node_pids=()
haproxy_pid=
cleanup() {
    local status=$?
    [[ -n $haproxy_pid ]] && kill "$haproxy_pid" 2>/dev/null
    for pid in "${node_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    psql -q "$POSTGRES_URL/postgres" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v haproxy >/dev/null || install_debian haproxy
command -v psql >/dev/null || install_debian postgresql-client
[[ $ROLL == 1 ]] && { command -v wrk >/dev/null || install_debian wrk; }
bin=$(release_binary "$root")
[[ -x $bin ]] || die "no binary at $bin"
psql -q "$POSTGRES_URL/postgres" -c "CREATE DATABASE $database" >/dev/null
url=$POSTGRES_URL/$database
node_port() { echo $((PORT + $1)); }

# Starts node $1 (1-based) and waits until it is ready.
start_node() {
    local n=$1 port
    port=$(node_port "$n")
    RUST_LOG=${RUST_LOG:-warn} DAVOMAT_SHUTDOWN_GRACE_SECONDS=$GRACE "$bin" \
        --database "$url" --redis "$REDIS_URL" --listen "127.0.0.1:$port" \
        --rate-limit-per-minute 0 serve ${2:-} >"$work/node$n.out" 2>>"$work/node$n.log" &
    node_pids[n]=$!
    for _ in $(seq 300); do
        curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return
        kill -0 "${node_pids[n]}" 2>/dev/null || { cat "$work/node$n.log" >&2; die "node $n exited"; }
        sleep 0.1
    done
    die "node $n was not ready within 30 s"
}

# Stops node $1 with SIGTERM and waits for it to exit.
stop_node() {
    local n=$1
    kill -TERM "${node_pids[n]}"
    wait "${node_pids[n]}" || die "node $n exited with status $?"
}

start_node 1 --demo
demo=$(head -n 1 "$work/node1.out")
for n in $(seq 2 "$NODES"); do start_node "$n"; done

{
    cat <<CFG
global
    maxconn 4096
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch
    retry-on conn-failure empty-response response-timeout
frontend davomat
    bind 127.0.0.1:$PORT
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server check inter 500ms fall 1 rise 2
CFG
    for n in $(seq "$NODES"); do
        echo "    server node$n 127.0.0.1:$(node_port "$n")"
    done
} >"$work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
base=http://127.0.0.1:$PORT
say "$NODES nodes behind HAProxy at $base (PostgreSQL $database, Redis $REDIS_URL)"
say "demo company: $demo"

if [[ $ROLL != 1 ]]; then
    say "serving until Ctrl-C"
    wait "$haproxy_pid"
    exit 0
fi

token=$(admin_token)
cat >"$work/mix.lua" <<LUA
dofile("$root/scripts/wrk-result.lua")
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  counter = counter + 1
  if counter % 4 == 0 then
    -- Sibling departments need distinct titles: the thread's number and a counter.
    return wrk.format("POST", "/v1/departments", headers, '{"title": "Bo\\'lim ' .. tid .. '-' .. counter .. '"}')
  elseif counter % 2 == 0 then
    return wrk.format("GET", "/v1/employees?per-page=20", headers)
  end
  return wrk.format("GET", "/v1/accounts", headers)
end
LUA
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$work/mix.lua" "$base" >"$work/wrk.out" 2>&1 &
wrk_pid=$!
sleep 2
for n in $(seq "$NODES"); do
    say "restarting node $n"
    stop_node "$n"
    start_node "$n"
    sleep 2
done
wait "$wrk_pid" || true
read -r requests seconds p50 p99 non2xx errors < <(sed -n 's/^RESULT //p' "$work/wrk.out") ||
    die "wrk printed no result: $(cat "$work/wrk.out")"
say "rolling restart of $NODES nodes under load: $requests requests in $seconds s, p50 $p50 ms, p99 $p99 ms, non-2xx $non2xx, socket errors $errors"
