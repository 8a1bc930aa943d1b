# Shared pieces of the load scripts (sourced, not run): messages, Debian installs, the
# release binary, a demo server on a fresh database with rate limiting off, and an
# admin token. A script sets `work` (a temporary directory) before sourcing this file.

say() { printf '%s\n' "$*" >&2; }
die() {
    say "$(basename "$0"): $*"
    exit 1
}

install_debian() {
    local sudo=
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    say "$1 is missing: installing the Debian package"
    $sudo apt-get install -y "$1" >/dev/null 2>&1 ||
        { $sudo apt-get update >/dev/null && $sudo apt-get install -y "$1" >/dev/null; } ||
        die "cannot install $1 (apt-get install $1)"
}

# The release binary: $DAVOMAT_BIN, or built from the workspace at $1.
release_binary() {
    if [[ -n ${DAVOMAT_BIN:-} ]]; then
        echo "$DAVOMAT_BIN"
        return
    fi
    say "building the release binary (cargo build --release -p davomat)"
    (cd "$1" && cargo build --release -p davomat >&2)
    echo "${CARGO_TARGET_DIR:-$1/target}/release/davomat"
}

server_pid=
stop_server() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=
}

# Reads a string field of a one-line JSON object.
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$2"; }

# Starts `serve --demo` of binary $1 on database $2 (127.0.0.1, a free port, rate limit
# off); sets server_pid, demo (the credentials line) and base (the URL).
start_demo_server() {
    unset DAVOMAT_PUBLIC_URL DAVOMAT_REDIS_URL DAVOMAT_METRICS_LISTEN DAVOMAT_SMTP_URL
    RUST_LOG=${RUST_LOG:-warn} "$1" serve --demo --database "$2" --listen 127.0.0.1:0 \
        --rate-limit-per-minute 0 >"$work/server.out" 2>"$work/server.log" &
    server_pid=$!
    demo=
    for _ in $(seq 300); do
        demo=$(head -n 1 "$work/server.out" 2>/dev/null || true)
        [[ $demo == *'"client_secret"'* ]] && break
        kill -0 "$server_pid" 2>/dev/null || {
            cat "$work/server.log" >&2
            die "the server exited before printing the demo credentials"
        }
        sleep 0.1
    done
    [[ $demo == *'"client_secret"'* ]] || die "no demo credentials on the server's stdout after 30 s"
    local port
    port=$(field base_url "$demo" | sed -n 's#^http://[^/]*:\([0-9][0-9]*\)$#\1#p')
    [[ -n $port ]] || die "cannot read the port from: $(field base_url "$demo")"
    base=http://127.0.0.1:$port
}

# The demo admin's access token.
admin_token() {
    local reply token
    reply=$(curl -sS -X POST "$base/v1/oauth/token" \
        --data-urlencode grant_type=password \
        --data-urlencode "client_id=$(field client_id "$demo")" \
        --data-urlencode "client_secret=$(field client_secret "$demo")" \
        --data-urlencode "username=$(field admin_email "$demo")" \
        --data-urlencode "password=$(field admin_password "$demo")")
    token=$(field access_token "$reply")
    [[ -n $token ]] || die "no access token: $reply"
    echo "$token"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
