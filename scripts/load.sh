#!/usr/bin/env bash
# Load test of davomat (issue 2's benchmark; docs/performance.md): builds the release
# binary, serves the demo company on a fresh SQLite file with rate limiting off, and
# runs wrk against 127.0.0.1 in alternating rounds: /healthz, authenticated
# /v1/accounts, /healthz, /v1/accounts, ... Prints the median of the rounds per
# endpoint and the ratio accounts/healthz. It measures; it never fails on the figures.
#
# Settings (environment):
#   DURATION=10s      length of one wrk round
#   ROUNDS=3          rounds per endpoint
#   WARMUP=3s         an unmeasured round per endpoint first (0 to skip)
#   CONNECTIONS=64    concurrent connections
#   THREADS=2         wrk threads
#   DATABASE_URL=     another database (e.g. postgres://user@127.0.0.1/db) instead of
#                     a fresh SQLite file; the demo company is seeded there if missing
#   DAVOMAT_BIN=      use this binary instead of building target/release/davomat
#   CARGO_TARGET_DIR= where cargo builds (default: the workspace's target/)
#   RESULTS_DIR=      keep wrk's raw outputs and the server's log there
#   RUST_LOG=         the server's log filter (default: warn)
#   IDLE_WAIT=120     before each round, wait up to this many seconds for the rest of
#                     the machine to be idle (0: do not wait)
#
# Besides wrk's figures, each round records the server's CPU time per request and the
# CPU time that other processes (neither the server nor wrk) took during the round:
# on a shared machine that column says which rounds were disturbed.
set -euo pipefail

DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
IDLE_WAIT=${IDLE_WAIT:-120}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-load.XXXXXX")
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

# --- tools -----------------------------------------------------------------------
command -v wrk >/dev/null || install_debian wrk
command -v curl >/dev/null || die "curl is required"

# --- the binary ------------------------------------------------------------------
bin=$(release_binary "$root")
[[ -x $bin ]] || die "no binary at $bin"

# --- the server ------------------------------------------------------------------
database=${DATABASE_URL:-sqlite://$work/davomat.db}
case $database in
    sqlite:*) backend=SQLite ;;
    postgres://* | postgresql://*) backend=PostgreSQL ;;
    *) die "DATABASE_URL must be sqlite://PATH or postgres://..." ;;
esac

# Only 127.0.0.1, on a port the kernel picks; the port is read from the demo output.
start_demo_server "$bin" "$database"

for _ in $(seq 100); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

token=$(admin_token)
auth="Authorization: Bearer $token"

code=$(curl -s -o "$work/account.json" -w '%{http_code}' -H "$auth" "$base/v1/accounts")
[[ $code == 200 ]] || die "GET /v1/accounts answered $code: $(cat "$work/account.json")"

# --- the rounds ------------------------------------------------------------------
# wrk reports through this script: requests, seconds, p50/p99 in µs, error counts.
cat >"$work/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.6f %.1f %.1f %.1f %d %d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
LUA

# CPU accounting, in clock ticks: the whole machine's busy time, and the server's.
hz=$(getconf CLK_TCK)
machine_busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
server_cpu() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }

# Waits (up to IDLE_WAIT seconds) until the machine is below 5% busy for one second.
wait_idle() {
    local waited=0 before after
    [[ $IDLE_WAIT == 0 ]] && return
    while ((waited < IDLE_WAIT)); do
        before=$(machine_busy)
        sleep 1
        after=$(machine_busy)
        (((after - before) * 100 < 5 * hz * $(nproc))) && return
        ((waited += 1))
    done
    say "the machine is still busy after ${IDLE_WAIT}s; measuring anyway (see the other-CPU column)"
}

# run NAME PATH [HEADER] [DURATION] -> "NAME rps p50 p99 max non2xx socket cpu_us_per_req other_pct"
run() {
    local name=$1 path=$2 header=${3:-} duration=${4:-$DURATION} out busy0 busy1 srv0 srv1 wrk_cpu
    local args=(-t "$THREADS" -c "$CONNECTIONS" -d "$duration" --latency -s "$work/report.lua")
    [[ -n $header ]] && args+=(-H "$header")
    out=$work/wrk-$name-$(date +%s%N).txt
    busy0=$(machine_busy)
    srv0=$(server_cpu)
    # The time keyword reports wrk's own CPU seconds (user and system).
    wrk_cpu=$({ TIMEFORMAT='%U %S' && time wrk "${args[@]}" "$base$path" >"$out"; } 2>&1)
    busy1=$(machine_busy)
    srv1=$(server_cpu)
    awk -v name="$name" -v busy=$((busy1 - busy0)) -v srv=$((srv1 - srv0)) -v hz="$hz" \
        -v ncpu="$(nproc)" -v wrk_cpu="$wrk_cpu" '$1 == "RESULT" {
        split(wrk_cpu, w, " ")
        other = busy / hz - srv / hz - (w[1] + w[2])
        if (other < 0) other = 0
        printf "%s %.1f %.3f %.3f %.3f %d %d %.1f %.1f\n", name, $2 / $3, $4 / 1000, $5 / 1000, \
            $6 / 1000, $7, $8, srv / hz * 1e6 / $2, 100 * other / ($3 * ncpu)
    }' "$out"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
say "davomat load test: $backend, $CONNECTIONS connections, $THREADS wrk threads, $ROUNDS x $DURATION per endpoint"
say "machine: ${cpu:-unknown CPU}, $(nproc) CPUs; server pid $server_pid on $base"

if [[ $WARMUP != 0 ]]; then
    say "warm-up: $WARMUP per endpoint"
    run healthz /healthz "" "$WARMUP" >/dev/null
    run accounts /v1/accounts "$auth" "$WARMUP" >/dev/null
fi

results=$work/results.txt
: >"$results"
for round in $(seq "$ROUNDS"); do
    wait_idle
    line=$(run healthz /healthz)
    say "round $round: $line"
    echo "$line" >>"$results"
    wait_idle
    line=$(run accounts /v1/accounts "$auth")
    say "round $round: $line"
    echo "$line" >>"$results"
done

# --- the summary -----------------------------------------------------------------
column_of() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$results"; }
summary() {
    local name=$1
    printf '%s %s %s %s %s %s %s %s %s\n' "$name" \
        "$(column_of "$name" 2 | median)" \
        "$(column_of "$name" 3 | median)" \
        "$(column_of "$name" 4 | median)" \
        "$(column_of "$name" 4 | sort -g | tail -n 1)" \
        "$(column_of "$name" 6 | awk '{ s += $1 } END { print s + 0 }')" \
        "$(column_of "$name" 7 | awk '{ s += $1 } END { print s + 0 }')" \
        "$(column_of "$name" 8 | median)" \
        "$(column_of "$name" 9 | sort -g | tail -n 1)"
}
read -r _ h_rps h_p50 h_p99 h_p99max h_bad h_sock h_cpu h_other < <(summary healthz)
read -r _ a_rps a_p50 a_p99 a_p99max a_bad a_sock a_cpu a_other < <(summary accounts)
ratio=$(awk -v a="$a_rps" -v h="$h_rps" 'BEGIN { printf "%.2f", (h > 0 ? a / h : 0) }')
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo "NOT met"; fi; }

row() {
    printf '| %-16s | %11.0f | %6.2f | %6.2f | %12.2f | %7d | %13d | %14.1f | %13.1f |\n' "$@"
}
echo
echo "davomat load test — $backend, $CONNECTIONS connections, $THREADS wrk threads, $ROUNDS rounds x $DURATION, alternating"
echo "machine: ${cpu:-unknown CPU}, $(nproc) CPUs, load generator on the same machine"
echo
echo "| endpoint         | req/s (med) | p50 ms | p99 ms | worst p99 ms | non-2xx | socket errors | server µs/req | other CPU % |"
echo "|------------------|------------:|-------:|-------:|-------------:|--------:|--------------:|---------------:|--------------:|"
row "GET /healthz" "$h_rps" "$h_p50" "$h_p99" "$h_p99max" "$h_bad" "$h_sock" "$h_cpu" "$h_other"
row "GET /v1/accounts" "$a_rps" "$a_p50" "$a_p99" "$a_p99max" "$a_bad" "$a_sock" "$a_cpu" "$a_other"
echo
echo "req/s, p50, p99, server µs/req: median of the rounds; worst p99 and other CPU: the worst round;"
echo "non-2xx and socket errors: summed. other CPU: share of the machine used by processes other"
echo "than the server and wrk (above a few % the round was disturbed)."
if [[ $backend == PostgreSQL ]]; then
    echo "On PostgreSQL the database server's own processes count as other CPU."
fi
echo
echo "ratio accounts/healthz (median req/s): $ratio"
echo
echo "targets (issue 2): accounts >= 5000 req/s: $(verdict "$a_rps >= 5000");" \
    "accounts p99 < 20 ms: $(verdict "$a_p99 < 20");" \
    "ratio >= 0.5: $(verdict "$ratio >= 0.5")"
echo
echo "per round (endpoint req/s p50_ms p99_ms max_ms non2xx socket_errors server_us_per_req other_cpu_pct):"
sed 's/^/  /' "$results"
