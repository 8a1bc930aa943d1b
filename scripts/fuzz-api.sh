#!/usr/bin/env bash
# API fuzzing of davomat with schemathesis: generated requests against every operation
# of the server's own OpenAPI document, checking for server errors and for responses
# that disagree with that document.
#
# What it does:
#   1. makes (or reuses) a throwaway virtualenv with a pinned schemathesis from PyPI;
#   2. serves the demo company (`serve --demo`) from a fresh SQLite file in a temporary
#      directory on a free 127.0.0.1 port, rate limiting off, and waits for /healthz;
#   3. logs the demo admin in (POST /v1/oauth/token, password grant) and registers a
#      device (POST /v1/devices) so that the device API (/v1/device/...) is fuzzed with
#      a device token rather than answering 401 to everything;
#   4. runs `schemathesis run $BASE/v1/openapi.json` on all operations with a fixed seed,
#      phases examples, coverage and fuzzing (the stateful, link-following phase is off:
#      the document has no links, so it would only spend the time budget), header
#      `Authorization: Bearer <admin token>` (the device token on /v1/device/...), and
#      the checks not_a_server_error, status_code_conformance, content_type_conformance,
#      response_headers_conformance and response_schema_conformance;
#   5. reads schemathesis's NDJSON and JUnit reports and the server log, and prints:
#      requests sent (by status class), 5xx responses by operation, failing checks by
#      name and by operation; then the 5xx causes (the server's error line, matched by
#      X-Request-Id, and for a panic its first frame in crates/) by operation, each with
#      the curl of its first request; then every distinct failure schemathesis kept
#      (shrunk, with its curl), 5xx ones first;
#   6. checks that the admin and device tokens still work (see "Protected ids") and
#      stops the server; the temporary directory goes away (the trap does both on any
#      exit).
#
# Exit status:
#   0  no 5xx, no failing check, the run was sound
#   1  at least one 5xx response (always fatal), or a conformance check failed and
#      FUZZ_ALLOW_CONFORMANCE is not 1 -- conformance failures are fatal by default:
#      the OpenAPI document is part of the contract (CONTRACT.md: "OpenAPI 3.1 of every
#      route"), so a response it does not describe is a bug in the code or in the
#      document; FUZZ_ALLOW_CONFORMANCE=1 prints them and passes
#   2  the run itself is not trustworthy: the server did not start, schemathesis could
#      not load the schema or stopped on an internal error, no request was sent, or the
#      fuzzer's own tokens died during the run
#
# Protected ids: `POST /v1/employees/{id}/dismiss` and `DELETE /v1/employees/{id}/remove`
# on the admin's own employee record revoke the admin's token (CONTRACT.md: 401/7008 once
# the token's user is dismissed or removed), and `DELETE /v1/devices/{id}` on the fuzz
# device kills the device token; after either, the rest of the run is 401s and says
# nothing. Schemathesis picks small ids often (the admin is employee 1 in the demo), and
# a first run did dismiss the admin within a minute. Rather than excluding these
# operations, a `before_call` hook rewrites just those ids to one that does not exist
# (2147483646), so the operations are still fuzzed. Nothing else is excluded:
# /v1/oauth/revoke and /v1/sign-in/password-reset/confirm only act on a token in the
# body, which the fuzzer cannot guess.
#
# Settings (environment):
#   DAVOMAT_BIN=            the server binary (default: target/release/davomat, else
#                           target/debug/davomat; built with `cargo build -p davomat`
#                           when neither exists)
#   FUZZ_SEED=20250101      schemathesis's --seed
#   FUZZ_MAX_EXAMPLES=50    generated cases per operation and phase (--max-examples)
#   FUZZ_SECONDS=           optional time budget for schemathesis (--max-time): the run
#                           stops then, and until then the fuzzing phase keeps going
#                           past FUZZ_MAX_EXAMPLES. Empty: no budget, the run ends when
#                           every operation had its examples
#   FUZZ_WORKERS=1          schemathesis workers; 1 keeps the order of requests, and so
#                           the server's state, the same from run to run
#   FUZZ_PHASES=examples,coverage,fuzzing
#   FUZZ_ALLOW_CONFORMANCE= 1: conformance failures are printed but do not fail the run
#   FUZZ_VENV=              the virtualenv (default: target/fuzz-venv; reused when it
#                           already holds the pinned schemathesis)
#   FUZZ_REPORT_DIR=        keep schemathesis's reports (NDJSON, JUnit, JSON), its
#                           terminal output, the summary and the server's log there
#                           (the NDJSON holds every request: ~40 MB a minute)
#   RUST_LOG=               the server's log filter (default: warn)
#
# CI: a short fixed-seed pass of about two minutes (100 s of schemathesis, ~10 s of
# start-up, ~15 s more the first time for the virtualenv),
#   FUZZ_SECONDS=100 scripts/fuzz-api.sh
# after the test build, so that target/debug/davomat exists. Without FUZZ_SECONDS the
# default pass (50 examples per operation) takes about a minute. A longer local pass:
#   FUZZ_MAX_EXAMPLES=100 FUZZ_SECONDS=900 FUZZ_REPORT_DIR=/tmp/fuzz scripts/fuzz-api.sh
# The network it needs is PyPI (once, for the virtualenv) and 127.0.0.1.
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
FUZZ_SEED=${FUZZ_SEED:-20250101}
FUZZ_MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-50}
FUZZ_SECONDS=${FUZZ_SECONDS:-}
FUZZ_WORKERS=${FUZZ_WORKERS:-1}
FUZZ_PHASES=${FUZZ_PHASES:-examples,coverage,fuzzing}
FUZZ_ALLOW_CONFORMANCE=${FUZZ_ALLOW_CONFORMANCE:-0}
FUZZ_REPORT_DIR=${FUZZ_REPORT_DIR:-}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance

root=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_VENV=${FUZZ_VENV:-${CARGO_TARGET_DIR:-$root/target}/fuzz-venv}

work=$(mktemp -d "${TMPDIR:-/tmp}/davomat-fuzz.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

cleanup() {
    local status=$?
    stop_server
    if [[ -n $FUZZ_REPORT_DIR ]]; then
        mkdir -p "$FUZZ_REPORT_DIR"
        cp -r "$work/reports/." "$FUZZ_REPORT_DIR/" 2>/dev/null || true
        cp "$work/server.log" "$work/schemathesis.out" "$work/summary.txt" "$FUZZ_REPORT_DIR/" 2>/dev/null || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail_run() {
    say "$(basename "$0"): $*"
    exit 2
}

# --- the binary -------------------------------------------------------------------
target=${CARGO_TARGET_DIR:-$root/target}
if [[ -n ${DAVOMAT_BIN:-} ]]; then
    bin=$DAVOMAT_BIN
elif [[ -x $target/release/davomat ]]; then
    bin=$target/release/davomat
elif [[ -x $target/debug/davomat ]]; then
    bin=$target/debug/davomat
else
    say "no davomat binary: building it (cargo build -p davomat)"
    (cd "$root" && cargo build -p davomat >&2)
    bin=$target/debug/davomat
fi
[[ -x $bin ]] || fail_run "not an executable: $bin"

# --- the virtualenv ---------------------------------------------------------------
venv_ok() {
    [[ -x $FUZZ_VENV/bin/schemathesis ]] &&
        [[ $("$FUZZ_VENV/bin/schemathesis" --version 2>/dev/null) == *" $SCHEMATHESIS_VERSION" ]]
}
if ! venv_ok; then
    say "making the virtualenv $FUZZ_VENV (schemathesis $SCHEMATHESIS_VERSION)"
    rm -rf "$FUZZ_VENV"
    if ! python3 -m venv "$FUZZ_VENV" >/dev/null 2>&1; then
        rm -rf "$FUZZ_VENV"
        install_debian python3-venv
        python3 -m venv "$FUZZ_VENV" || fail_run "cannot make a virtualenv at $FUZZ_VENV"
    fi
    "$FUZZ_VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION" >&2 ||
        fail_run "cannot install schemathesis $SCHEMATHESIS_VERSION"
    venv_ok || fail_run "schemathesis $SCHEMATHESIS_VERSION is not in $FUZZ_VENV"
fi
py=$FUZZ_VENV/bin/python

# --- the server -------------------------------------------------------------------
# DAVOMAT_RATE_LIMIT_PER_MINUTE=0 as well as lib.sh's --rate-limit-per-minute 0.
export DAVOMAT_RATE_LIMIT_PER_MINUTE=0
# Panics print a backtrace, whose first frame in crates/ the summary shows.
export RUST_BACKTRACE=${RUST_BACKTRACE:-1}
start_demo_server "$bin" "sqlite://$work/fuzz.db"
for _ in $(seq 300); do
    curl -sf "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || fail_run "the server exited: $(tail -n 20 "$work/server.log")"
    sleep 0.1
done
curl -sf "$base/healthz" >/dev/null || fail_run "$base/healthz does not answer after 30 s"
say "server $bin on $base (log: $work/server.log)"

# Reads a JSON value from stdin at a path of keys: json_get employee id
json_get() {
    "$py" -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]:
    v = v[k]
print(v)' "$@"
}

admin=$(admin_token) || fail_run "cannot log the demo admin in"
admin_employee=$(curl -sS "$base/v1/accounts" -H "Authorization: Bearer $admin" | json_get employee id) ||
    fail_run "cannot read the admin's employee id from GET /v1/accounts"
device_reply=$(curl -sS -X POST "$base/v1/devices" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' -d "{\"serial_number\":\"FUZZ-$$-$RANDOM\"}")
device_id=$(json_get id <<<"$device_reply") && device=$(json_get token <<<"$device_reply") ||
    fail_run "cannot register the fuzz device: $device_reply"

# The tokens reach schemathesis through the environment, not its command line (which
# its reports record).
export FUZZ_ADMIN_TOKEN=$admin FUZZ_DEVICE_TOKEN=$device
export FUZZ_PROTECT_EMPLOYEE=$admin_employee FUZZ_PROTECT_DEVICE=$device_id
cat >"$work/schemathesis.toml" <<'EOF'
[headers]
Authorization = "Bearer ${FUZZ_ADMIN_TOKEN}"

[[operations]]
include-path-regex = "^/v1/device/"
headers = { Authorization = "Bearer ${FUZZ_DEVICE_TOKEN}" }
EOF

cat >"$work/fuzz_hooks.py" <<'EOF'
# Keeps the fuzzer's own session alive (see "Protected ids" in scripts/fuzz-api.sh).
import os
import re

import schemathesis

MISSING_ID = 2147483646
PROTECTED = {
    ("POST", "/v1/employees/{id}/dismiss"): os.environ["FUZZ_PROTECT_EMPLOYEE"],
    ("DELETE", "/v1/employees/{id}/remove"): os.environ["FUZZ_PROTECT_EMPLOYEE"],
    ("DELETE", "/v1/devices/{id}"): os.environ["FUZZ_PROTECT_DEVICE"],
}


def _is(value, protected):
    text = str(value).strip()
    return re.fullmatch(r"[+-]?[0-9]+", text) is not None and int(text) == int(protected)


@schemathesis.hook
def before_call(context, case, kwargs):
    protected = PROTECTED.get((case.method.upper(), case.operation.path))
    params = case.path_parameters
    if protected is not None and params and _is(params.get("id"), protected):
        params["id"] = MISSING_ID
EOF

# --- the run ----------------------------------------------------------------------
mkdir -p "$work/reports"
args=(
    --config-file "$work/schemathesis.toml"
    run "$base/v1/openapi.json"
    --seed "$FUZZ_SEED"
    --max-examples "$FUZZ_MAX_EXAMPLES"
    --phases "$FUZZ_PHASES"
    --workers "$FUZZ_WORKERS"
    --checks "$CHECKS"
    --generation-database none
    --request-timeout 30
    --report ndjson,junit,json
    --report-ndjson-path "$work/reports/events.ndjson"
    --report-junit-path "$work/reports/junit.xml"
    --report-json-path "$work/reports/run.json"
    --no-color
)
[[ -n $FUZZ_SECONDS ]] && args+=(--max-time "$FUZZ_SECONDS")
say "schemathesis ${args[*]}"
# Its own exit status only says "something failed"; the verdict comes from its reports.
(cd "$work" && SCHEMATHESIS_HOOKS="$work/fuzz_hooks.py" "$FUZZ_VENV/bin/schemathesis" "${args[@]}") \
    >"$work/schemathesis.out" 2>&1 || true
# The end of its terminal output: errors, warnings (e.g. operations it could not get
# past 404 or 422 with), its summary. The failures come again in our summary, each 5xx
# with the server's side.
sed -n '/^=* \(ERRORS\|WARNINGS\|SUMMARY\) =*$/,$p' "$work/schemathesis.out" >&2

# Are the fuzzer's tokens still good? Otherwise part of the run was 401s.
alive=yes
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/v1/accounts" -H "Authorization: Bearer $admin") == 200 ]] ||
    { alive=no; say "the admin token no longer works: the end of the run was 401s"; }
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/v1/device/commands" -H "Authorization: Bearer $device") == 200 ]] ||
    { alive=no; say "the device token no longer works: the end of the run was 401s"; }

# --- the verdict ------------------------------------------------------------------
cat >"$work/summarize.py" <<'EOF'
"""Summary of a schemathesis run from its NDJSON events, its JUnit report and the server log."""
import base64
import collections
import json
import re
import shlex
import sys
import traceback
import xml.etree.ElementTree as ET


def crash(kind, value, tb):
    """A bug in this summary: status 3, not a verdict."""
    traceback.print_exception(kind, value, tb)
    sys.exit(3)


sys.excepthook = crash
ndjson, junit, run_json, server_log, allow_conformance = sys.argv[1:6]


def decode(payload):
    if isinstance(payload, dict) and "$base64" in payload:
        return base64.b64decode(payload["$base64"])
    if isinstance(payload, str):
        return payload.encode()
    return b""


def curl(request):
    """A curl for a recorded request; the token is left to the reader ($TOKEN)."""
    parts = ["curl", "-sS", "-i", "-X", request["method"]]
    for name, values in (request.get("headers") or {}).items():
        for value in values if isinstance(values, list) else [values]:
            if name.lower() == "authorization":
                parts += ["-H", f'"{name}: Bearer $TOKEN"']
            else:
                parts += ["-H", shlex.quote(f"{name}: {value}")]
    body = decode(request.get("body"))
    prefix = ""
    if body:
        try:
            text = body.decode("utf-8")
            if "\x00" in text:
                raise ValueError
            parts += ["--data-binary", shlex.quote(text)]
        except ValueError:
            prefix = "printf '" + "".join(f"\\x{b:02x}" for b in body) + "' | "
            parts += ["--data-binary", "@-"]
    parts.append(shlex.quote(request["uri"]))
    return prefix + " ".join(parts)


# The server log: the error line of each failed request, with the first frame in the
# project's own code of the panic just before it (RUST_BACKTRACE=1; with one worker the
# panic and its error line are adjacent).
causes = {}  # X-Request-Id -> (detail, location)
panic_location = None
in_panic = False
with open(server_log, encoding="utf-8", errors="replace") as log:
    for line in log:
        if " panicked at " in line:
            in_panic, panic_location = True, None
            continue
        if in_panic and panic_location is None and "at ./crates/" in line:
            panic_location = line.strip()[3:]
        match = re.search(r"request_id=(\S+) detail=(.*)", line)
        if match:
            detail = match.group(2).strip()
            location = panic_location if detail.startswith("handler panicked") else None
            causes[match.group(1)] = (detail, location)
            in_panic, panic_location = False, None


def normalize(detail):
    """The cause without its particulars: quoted input (to the end: it may hold a line
    break) and numbers."""
    return re.sub(r"[0-9]+", "N", re.sub(r"[`'].*", "…", detail))


requests = 0
no_response = []
statuses = collections.Counter()
server_errors = collections.Counter()  # operation -> 5xx responses
server_causes = {}  # (operation, status, normalized detail, location) -> [count, request, body, detail]
failed_checks = collections.defaultdict(collections.Counter)  # check -> operation -> test cases
request_ids = {}  # test case id -> X-Request-Id
with open(ndjson, encoding="utf-8") as events:
    for line in events:
        finished = json.loads(line).get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished["recorder"]
        label = recorder["label"]
        status_of = {}
        for case_id, interaction in (recorder.get("interactions") or {}).items():
            requests += 1
            response = interaction.get("response")
            if not response:
                no_response.append((label, interaction["request"]))
                continue
            status = response["status_code"]
            status_of[case_id] = status
            statuses[f"{status // 100}xx"] += 1
            headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
            request_id = (headers.get("x-request-id") or [None])[0]
            if request_id:
                request_ids[case_id] = request_id
            if status >= 500:
                server_errors[label] += 1
                detail, location = causes.get(request_id, ("(no server log line)", None))
                key = (label, status, normalize(detail), location)
                if key not in server_causes:
                    body = decode(response.get("content")).decode("utf-8", "replace")
                    server_causes[key] = [0, interaction["request"], body, detail]
                server_causes[key][0] += 1
        for case_id, checks in (recorder.get("checks") or {}).items():
            for check in checks:
                if check["status"] != "failure":
                    continue
                # A 5xx fails status_code_conformance too: count it once, as a 5xx.
                if check["name"] != "not_a_server_error" and status_of.get(case_id, 0) >= 500:
                    continue
                failed_checks[check["name"]][label] += 1

with open(run_json, encoding="utf-8") as f:
    run = json.load(f)
operations = run.get("operations") or {}

out = []
out.append(f"requests: {requests} ({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}"
           + (f", no response {len(no_response)}" if no_response else "") + ")")
out.append(f"operations: {operations.get('tested')} tested of {operations.get('selected')}; "
           f"test cases: {run['test_cases']['generated']}; seed {run.get('seed')}; "
           f"{run.get('running_time') or 0:.0f} s; stop: {run.get('stop_reason')}")
out.append(f"5xx responses: {sum(server_errors.values())}")
for label, count in server_errors.most_common():
    out.append(f"  {count:6}  {label}")
out.append("failing checks (test cases, by operation; a 5xx counts under not_a_server_error only):")
if not failed_checks:
    out.append("  none")
for name in sorted(failed_checks, key=lambda n: (n != "not_a_server_error", n)):
    ops = failed_checks[name]
    out.append(f"  {name}: {sum(ops.values())}")
    for label, count in ops.most_common():
        out.append(f"    {count:6}  {label}")
for error in run.get("errors") or []:
    out.append(f"schemathesis error: {error['title']} x{error['count']}")
for label, request in no_response[:10]:
    out.append(f"no response: {label}: {curl(request)[:2000]}")

if server_causes:
    out.append("")
    out.append(f"5xx causes (from the server log, by operation): {len(server_causes)}")
    for (label, status, _, location), (count, request, body, detail) in sorted(
        server_causes.items(), key=lambda item: (item[0][0], -item[1][0])
    ):
        out.append(f"--- [5xx] {label}: {count} x {status}")
        out.append(f"  server: {detail[:300]}")
        if location:
            out.append(f"  at: {location}")
        out.append(f"  body: {body[:300]}")
        out.append(f"  first request: {curl(request)[:2000]}")

# Distinct failures as schemathesis kept them (shrunk, deduplicated, with its curl).
blocks = []
for case in ET.parse(junit).getroot().iter("testcase"):
    for failure in case.findall("failure"):
        for block in re.split(r"\n(?=\d+\. Test Case ID: )", (failure.text or "").strip()):
            blocks.append((case.get("name"), block.strip()))
server_blocks = [b for b in blocks if "Server error" in b[1]]
other_blocks = [b for b in blocks if "Server error" not in b[1]]
if blocks:
    out.append("")
    out.append(f"schemathesis's distinct failures: {len(server_blocks)} with a 5xx, {len(other_blocks)} other "
               "(in its curls, 'Authorization: [Filtered]' stands for 'Authorization: Bearer $TOKEN')")
for title, group in (("5xx", server_blocks), ("conformance", other_blocks)):
    for label, block in group:
        out.append("")
        out.append(f"--- [{title}] {label}")
        out.append(re.sub(r"\n\s*st replay \S+\s*$", "", block))
        match = re.match(r"\d+\. Test Case ID: (\S+)", block)
        request_id = request_ids.get(match.group(1)) if match else None
        if request_id in causes:
            detail, location = causes[request_id]
            out.append(f"server log (X-Request-Id {request_id}): {detail[:300]}")
            if location:
                out.append(f"  at {location}")
print("\n".join(out))

verdict = 0
if server_errors or server_blocks or no_response:
    verdict = 1
if (other_blocks or any(n != "not_a_server_error" for n in failed_checks)) and allow_conformance != "1":
    verdict = 1
sys.exit(verdict)
EOF

[[ -s $work/reports/run.json && -s $work/reports/events.ndjson && -s $work/reports/junit.xml ]] ||
    fail_run "schemathesis wrote no reports: $(tail -n 30 "$work/schemathesis.out")"
verdict=0
"$py" "$work/summarize.py" "$work/reports/events.ndjson" "$work/reports/junit.xml" \
    "$work/reports/run.json" "$work/server.log" "$FUZZ_ALLOW_CONFORMANCE" >"$work/summary.txt" || verdict=$?
echo "=== fuzz-api summary ==="
cat "$work/summary.txt"
[[ $verdict -le 1 ]] || fail_run "the summary failed (status $verdict)"

complete=$(json_get complete <"$work/reports/run.json")
[[ $complete == True ]] || fail_run "schemathesis did not finish its run (see the output above)"
[[ $(grep -m1 -o '^requests: [0-9]*' "$work/summary.txt") != "requests: 0" ]] || fail_run "no request was sent"
[[ $alive == yes ]] || fail_run "the fuzzer's session died during the run: its figures are not trustworthy"
if [[ $verdict -ne 0 ]]; then
    echo "fuzz-api: FAILED (5xx responses are always fatal; conformance failures too unless FUZZ_ALLOW_CONFORMANCE=1)"
    exit 1
fi
echo "fuzz-api: passed"
