#!/usr/bin/env bash
# Does the time an answer takes tell whether an account exists? (issue 11, item 3;
# docs/performance.md "Login and reset timing"). Serves the demo company on a fresh
# SQLite file with rate limiting off and times, alternating request by request over one
# kept-alive connection:
#   - POST /v1/oauth/token for a known email with a wrong password, and for an unknown
#     email;
#   - POST /v1/sign-in/password-reset for a known and for an unknown email.
# Prints the median and the 90th percentile of each, in milliseconds, and the ratio of
# the medians. It measures; it never fails on the figures.
#
# Each round sends the four kinds in a shuffled order (the request right after an
# Argon2 verification is slower, whatever it asks).
#
# Settings (environment):
#   ROUNDS=200      requests of each kind
#   DAVOMAT_BIN=    use this binary instead of building target/release/davomat
set -euo pipefail

ROUNDS=${ROUNDS:-200}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-login-timing.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
trap 'stop_server; rm -rf "$work"' EXIT

bin=$(release_binary "$root")
[[ -x $bin ]] || die "no binary at $bin"
start_demo_server "$bin" "sqlite://$work/timing.db"
say "serving $base; $ROUNDS requests of each kind"

ROUNDS=$ROUNDS BASE=$base DEMO=$demo python3 - <<'PY'
import http.client, json, os, random, statistics, time, urllib.parse

demo = json.loads(os.environ["DEMO"])
base = urllib.parse.urlparse(os.environ["BASE"])
rounds = int(os.environ["ROUNDS"])
conn = http.client.HTTPConnection(base.hostname, base.port)

def timed(path, form):
    body = urllib.parse.urlencode(form)
    started = time.perf_counter()
    conn.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
    reply = conn.getresponse()
    text = reply.read()
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, reply.status, text

grant = {"grant_type": "password", "client_id": demo["client_id"],
         "client_secret": demo["client_secret"], "password": "not-the-password"}
cases = {
    "token, known email, wrong password": ("/v1/oauth/token", dict(grant, username=demo["admin_email"]), 401),
    "token, unknown email": ("/v1/oauth/token", dict(grant, username="nobody@demo.davomat.uz"), 401),
    "reset, known email": ("/v1/sign-in/password-reset", {"email": demo["admin_email"]}, 200),
    "reset, unknown email": ("/v1/sign-in/password-reset", {"email": "nobody@demo.davomat.uz"}, 200),
}
times = {name: [] for name in cases}
# Each round takes the four in a shuffled order: the first request after an Argon2
# verification is slower whichever it is, so a fixed order would show position, not
# whether the account exists.
shuffle = random.Random(20251205)
for _ in range(rounds):
    order = list(cases.items())
    shuffle.shuffle(order)
    for name, (path, form, expected) in order:
        ms, status, text = timed(path, form)
        assert status == expected, f"{name}: {status} {text[:300]!r}"
        times[name].append(ms)

def row(name):
    values = sorted(times[name])
    p90 = values[int(len(values) * 0.9) - 1]
    return statistics.median(values), p90

print(f"{'case':<36} {'median ms':>10} {'p90 ms':>8}")
for name in cases:
    median, p90 = row(name)
    print(f"{name:<36} {median:>10.2f} {p90:>8.2f}")
for a, b in [("token, known email, wrong password", "token, unknown email"),
             ("reset, known email", "reset, unknown email")]:
    print(f"ratio of medians, {a.split(',')[0]}: known/unknown = {row(a)[0] / row(b)[0]:.3f}")
PY
