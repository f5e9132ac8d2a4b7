# Shared helpers for the end-to-end tests in tests/cli/ and tests/interop/. Source it, do not run it.
#
# Every test script starts with:   source "$(dirname "$0")/../lib/lib.sh"
# and, when it needs them, sources tests/lib/proxy.sh (start_proxy) or tests/lib/pki.sh (openssl-made
# certificates) after it.
# It gets: strict mode, $VITNET (default: build/vitnet of this checkout), $VITNET_SOURCE (default: this
# checkout), a private temp dir $T (removed at exit), a trap that kills every background process the
# test started, and the helpers below. Exit 0 = pass, 77 = skip, else fail.
set -euo pipefail

_lib_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VITNET=${VITNET:-$_lib_root/build/vitnet}
VITNET_SOURCE=${VITNET_SOURCE:-$_lib_root}
TEST_NAME=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/vitnet-$TEST_NAME.XXXXXX")
chmod 755 "$T"   # so tests that drop privileges can still reach their files

_bg_pids=()
_serve_count=0

_cleanup() {
  local rc=$?
  local pid
  for pid in "${_bg_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${_bg_pids[@]}"; do
    # bounded: give each child a moment to go, then force it
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$T"
  exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# fail MSG... — print why the test failed (with the test name) and exit 1.
fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  exit 1
}

# skip MSG... — the test cannot run here (missing tool, no permission model): exit 77.
skip() {
  echo "SKIP [$TEST_NAME]: $*" >&2
  exit 77
}

# mem_kib PID FIELD — VmRSS or VmHWM of PID in KiB. Under the sanitizers (make sanitize sets
# VITNET_SANITIZE) shadow memory makes the figure meaningless: it prints 0, so a memory bound holds
# trivially there and is checked by `make test`.
mem_kib() {
  if [[ -n ${VITNET_SANITIZE:-} ]]; then echo 0; return; fi
  awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}

# need TOOL... — skip unless every TOOL is on PATH.
need() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || skip "'$t' is not installed (scripts/deps.sh installs it)"; done
}

# track PID — make the exit trap kill PID.
track() { _bg_pids+=("$1"); }

# Descriptors the test shell holds open on FIFOs (see open_fifo); children must not inherit them,
# or the reader of a FIFO would never see its end.
_held_fds=()
_close_held_fds() {
  local fd
  for fd in "${_held_fds[@]}"; do eval "exec $fd>&-"; done
}

# bg CMD... — run CMD in the background, tracked; sets BG_PID. Redirections given to bg apply to CMD
# (stdin included: `bg cmd <file`).
bg() {
  (_close_held_fds; exec "$@") <&0 &
  BG_PID=$!
  track "$BG_PID"
}

# open_fifo VAR PATH — make a FIFO at PATH and hold it open (read-write, so nothing blocks) on a new
# descriptor whose number goes into VAR. Give PATH as a process's stdin; write with `>&$fd`; the
# process sees the end of its input at close_fifo.
open_fifo() {
  mkfifo "$2"
  local fd
  exec {fd}<>"$2"
  _held_fds+=("$fd")
  printf -v "$1" '%s' "$fd"
}

# close_fifo FD — close a descriptor opened by open_fifo: the reader gets end of file.
close_fifo() {
  eval "exec $1>&-"
  local keep=() fd
  for fd in "${_held_fds[@]}"; do [[ $fd == "$1" ]] || keep+=("$fd"); done
  _held_fds=("${keep[@]}")
}

# show FILE — print a file's content for a failure message.
show() {
  if [[ -s $1 ]]; then head -c 4000 "$1" | sed "s/^/    | /" >&2 || true; else echo "    | (empty)" >&2; fi
}

# wait_until SECONDS CMD... — poll CMD every 50 ms until it succeeds; return 1 after SECONDS.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    if ((SECONDS > deadline)); then return 1; fi
    sleep 0.05
  done
}

# wait_exit PID SECONDS — wait (bounded) for a background process; sets WAIT_RC to its exit code,
# or fails the test when it is still running after SECONDS.
wait_exit() {
  local pid=$1 secs=$2
  if ! wait_until "$secs" _not_running "$pid"; then
    fail "process $pid still running after ${secs}s"
  fi
  WAIT_RC=0
  wait "$pid" || WAIT_RC=$?
}
_not_running() { ! kill -0 "$1" 2>/dev/null; }

# has_lines N FILE TEXT — true when at least N lines of FILE contain TEXT (for wait_until).
has_lines() {
  local n
  n=$(grep -cF -- "$3" "$2" 2>/dev/null) || n=0
  ((n >= $1))
}

# start_serve ARGS... — run `$VITNET serve ARGS... --ready-file F` in the background and wait (bounded)
# until it is listening. Sets URL (from the ready file), SERVE_PID, SERVE_OUT, SERVE_ERR (files).
# Its stdin is $SERVE_STDIN (default /dev/null); $SERVE_PREFIX (words) goes before "$VITNET", e.g. env.
start_serve() {
  _serve_count=$((_serve_count + 1))
  local n=$_serve_count
  local ready=$T/serve$n.ready
  SERVE_OUT=$T/serve$n.out
  SERVE_ERR=$T/serve$n.err
  local prefix=()
  [[ -z ${SERVE_PREFIX:-} ]] || read -r -a prefix <<<"$SERVE_PREFIX"
  local command=()
  read -r -a command <<<"${SERVE_COMMAND:-serve}"
  (_close_held_fds; exec "${prefix[@]}" "$VITNET" "${command[@]}" "$@" --ready-file "$ready") \
    <"${SERVE_STDIN:-/dev/null}" >"$SERVE_OUT" 2>"$SERVE_ERR" &
  SERVE_PID=$!
  track "$SERVE_PID"
  if ! wait_until 10 _ready_or_gone "$ready" "$SERVE_PID" || [[ ! -s $ready ]]; then
    echo "serve stderr:" >&2
    show "$SERVE_ERR"
    if kill -0 "$SERVE_PID" 2>/dev/null; then fail "vitnet serve $* did not write its ready file within 10s"; fi
    local rc=0
    wait "$SERVE_PID" || rc=$?
    fail "vitnet serve $* exited with $rc before it was ready"
  fi
  URL=$(head -n1 "$ready")
  [[ -n $URL ]] || fail "ready file of vitnet serve $* is empty"
}

# need_node_module MODULE... — skip unless node and these packages of tests/node_modules are there.
need_node_module() {
  command -v node >/dev/null || skip "node is not installed (scripts/deps.sh test installs it)"
  local m
  for m in "$@"; do
    (cd "$VITNET_SOURCE/tests" && node -e "require('$m')") 2>/dev/null ||
      skip "$m is not in tests/node_modules (scripts/deps.sh test installs it)"
  done
}

# start_node_rpc_server KIND — tests/lib/node/rpc_server.js KIND (jsonrpc2-tcp, jayson-tcp,
# jayson-http, vscode-tcp); sets PORT, PEER_PID and NOTES (the notifications it got, a line each).
start_node_rpc_server() {
  NOTES=$T/$1.notes
  bg node "$VITNET_SOURCE/tests/lib/node/rpc_server.js" "$1" "$T/$1.port" >"$NOTES" 2>"$T/$1.err"
  PEER_PID=$BG_PID
  wait_until 10 test -s "$T/$1.port" || { show "$T/$1.err"; fail "the $1 server did not start"; }
  PORT=$(cat "$T/$1.port")
}

# start_mq_broker ARGS... — start_serve for `vitnet mq broker` (URL default nats://127.0.0.1:0); URL
# is then its nats:// URL.
start_mq_broker() {
  if [[ ${1:-} != nats://* && ${1:-} != tls://* ]]; then set -- nats://127.0.0.1:0 "$@"; fi
  SERVE_COMMAND="mq broker" start_serve "$@"
}

# start_nats_server ARGS... — nats-server on 127.0.0.1 and a free port, stopped at exit; sets
# NATS_URL, NATS_PORT and NATS_PID. ARGS go to nats-server (-js, --user ...).
start_nats_server() {
  need nats-server
  NATS_PORT=$(free_port)
  bg nats-server -a 127.0.0.1 -p "$NATS_PORT" "$@" >"$T/nats-server.log" 2>&1
  NATS_PID=$BG_PID
  wait_until 10 tcp_listening "$NATS_PORT" || { show "$T/nats-server.log"; fail "nats-server did not start"; }
  NATS_URL=nats://127.0.0.1:$NATS_PORT
}

# start_redis_server ARGS... — redis-server on 127.0.0.1 and a free port, saving nothing, stopped at
# exit; sets REDIS_URL, REDIS_PORT and REDIS_PID. ARGS go to redis-server (--requirepass ...).
start_redis_server() {
  need redis-server redis-cli
  REDIS_PORT=$(free_port)
  bg redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$T" \
    "$@" >"$T/redis-server.log" 2>&1
  REDIS_PID=$BG_PID
  wait_until 10 tcp_listening "$REDIS_PORT" || { show "$T/redis-server.log"; fail "redis-server did not start"; }
  REDIS_URL=redis://127.0.0.1:$REDIS_PORT
}

# rcli ARGS... — redis-cli on the server of start_redis_server.
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --no-auth-warning "$@"; }

# redis_subscribed CHANNEL [N] — true once N (default 1) clients subscribe to CHANNEL (for wait_until).
redis_subscribed() { [[ $(rcli PUBSUB NUMSUB "$1" | sed -n 2p) -ge ${2:-1} ]]; }

# start_dns_server ARGS... — start_serve for `vitnet serve dns://127.0.0.1:0 ARGS...`, by default
# with tests/lib/dns/example.zone as its records (DNS_RECORDS=FILE for others, DNS_RECORDS= for
# none); sets DNS_PORT and DNS_SERVER (127.0.0.1:PORT). Its query log is $SERVE_OUT.
start_dns_server() {
  local records=${DNS_RECORDS-$VITNET_SOURCE/tests/lib/dns/example.zone}
  local extra=()
  [[ -z $records ]] || extra=(--records "$records")
  start_serve dns://127.0.0.1:0 "${extra[@]}" "$@"
  DNS_PORT=$(url_port "$URL")
  DNS_SERVER=127.0.0.1:$DNS_PORT
}

# loopback_scenario_lock — the scenarios for loopback (tests/scenarios/*_both.toml) use fixed
# ports 17100-17199 of 127.0.0.x: one run at a time. Takes the lock (held until the test ends),
# then waits (bounded) until no listener from the run before is left on those ports: a process
# of that run told to stop may still be ending when its test has let the lock go (slower under
# the sanitizers), and a server of this run would then find its port taken.
loopback_scenario_lock() {
  exec {_loopback_lock}>"${TMPDIR:-/tmp}/vitnet-test-net-loopback.lock"
  flock -w 90 "$_loopback_lock" || fail "another loopback scenario run held the lock for 90s"
  wait_until 15 _scenario_ports_free || fail "ports 17100-17199 are still in use by an earlier run"
}
_scenario_ports_free() {
  local local_address st port
  while read -r _ local_address _ st _; do
    [[ $st == 0A ]] || continue
    port=$((16#${local_address##*:}))
    ((port < 17100 || port > 17199)) || return 1
  done < <(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  return 0
}

# start_rpc_serve ARGS... — start_serve for `vitnet rpc serve`.
start_rpc_serve() { SERVE_COMMAND="rpc serve" start_serve "$@"; }

_ready_or_gone() { [[ -s $1 ]] || ! kill -0 "$2" 2>/dev/null; }

# expect_serve_exit CODE [SECONDS] — wait (bounded, default 5 s) for the last start_serve to end and
# fail unless it exited with CODE.
expect_serve_exit() {
  wait_exit "$SERVE_PID" "${2:-5}"
  if [[ $WAIT_RC != "$1" ]]; then
    echo "serve stdout:" >&2
    show "$SERVE_OUT"
    echo "serve stderr:" >&2
    show "$SERVE_ERR"
    fail "vitnet serve exited with $WAIT_RC, expected $1"
  fi
}

# expect_running PID WHAT — fail unless PID is still alive.
expect_running() {
  kill -0 "$1" 2>/dev/null || fail "$2 is no longer running"
}

# url_port URL — the port of tcp://HOST:PORT or udp://HOST:PORT.
url_port() { echo "${1##*:}"; }

# free_port — a TCP port on 127.0.0.1 that was free a moment ago (for peers that cannot bind port 0
# and report it). A small race with other tests remains; the callers retry nothing, it is rare.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# free_udp_port — same for UDP.
free_udp_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# tcp_listening PORT — true when a socket listens on TCP port PORT (read from /proc, so a peer that
# accepts only one connection is not used up by the probe).
tcp_listening() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6
}

# udp_bound PORT — true when a socket is bound to UDP port PORT.
udp_bound() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" 'substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' /proc/net/udp /proc/net/udp6
}

# start_stalled_listener — a TCP listener on 127.0.0.1 that never accepts and whose queue is full, so
# further SYNs are dropped and a connect stalls (no outside address needed). Sets STALL_PORT.
start_stalled_listener() {
  cat >"$T/stall.py" <<'EOF'
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
port = s.getsockname()[1]
fillers = []
for _ in range(3):  # the first fills the accept queue; the kernel drops SYNs after that
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(("127.0.0.1", port))
    fillers.append(c)
    time.sleep(0.05)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(f"{port}\n")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)
EOF
  bg python3 "$T/stall.py" "$T/stall.port"
  wait_until 10 test -s "$T/stall.port" || fail "the stalled listener did not start"
  STALL_PORT=$(cat "$T/stall.port")
}

# start_reply_after_eof_server REPLY — a python TCP server on 127.0.0.1 for one connection: it reads
# until the peer half-closes, writes what it got to $T/py.received, waits 300 ms, sends REPLY and
# closes. Sets PY_PORT and PY_PID.
start_reply_after_eof_server() {
  cat >"$T/reply_after_eof.py" <<'EOF'
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(f"{s.getsockname()[1]}\n")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(30)
c, _ = s.accept()
c.settimeout(30)
data = b""
while True:
    d = c.recv(65536)
    if not d:
        break
    data += d
with open(sys.argv[2], "wb") as f:
    f.write(data)
time.sleep(0.3)
try:
    c.sendall(sys.argv[3].encode())
    c.close()
except OSError:
    pass  # the client is gone (e.g. --close-on-eof)
EOF
  bg python3 "$T/reply_after_eof.py" "$T/py.port" "$T/py.received" "$1"
  PY_PID=$BG_PID
  wait_until 10 test -s "$T/py.port" || fail "the python server did not start"
  PY_PORT=$(cat "$T/py.port")
}

# expect_exit CODE CMD... — run CMD (under a `timeout` of ${EXPECT_TIMEOUT:-20}s), its stdout to $OUT
# and stderr to $ERR; fail unless it exits with CODE.
OUT=$T/stdout
ERR=$T/stderr
expect_exit() {
  local want=$1
  shift
  local rc=0
  (_close_held_fds; exec timeout -k 2 "${EXPECT_TIMEOUT:-20}" "$@") >"$OUT" 2>"$ERR" || rc=$?
  if [[ $rc != "$want" ]]; then
    echo "command: $*" >&2
    echo "stdout:" >&2
    show "$OUT"
    echo "stderr:" >&2
    show "$ERR"
    if [[ $rc == 124 ]]; then fail "timed out after ${EXPECT_TIMEOUT:-20}s (expected exit $want)"; fi
    fail "exit code $rc, expected $want"
  fi
}

# expect_contains FILE TEXT — fail unless FILE contains TEXT (a fixed string).
expect_contains() {
  if ! grep -qF -- "$2" "$1"; then
    echo "$1:" >&2
    show "$1"
    fail "expected '$1' to contain '$2'"
  fi
}

# expect_not_contains FILE TEXT — fail if FILE contains TEXT.
expect_not_contains() {
  if grep -qF -- "$2" "$1"; then
    echo "$1:" >&2
    show "$1"
    fail "expected '$1' not to contain '$2'"
  fi
}

# expect_content FILE TEXT — fail unless FILE holds exactly TEXT, byte for byte. TEXT is a printf
# format: escapes are interpreted ('hello\n'), and a literal % must be written %%.
expect_content() {
  local want=$T/expected.$RANDOM
  printf "$2" >"$want"
  if ! cmp -s "$want" "$1"; then
    echo "expected:" >&2
    show "$want"
    echo "actual ($1):" >&2
    show "$1"
    fail "content of '$1' differs"
  fi
}

# expect_empty FILE — fail unless FILE is empty.
expect_empty() {
  [[ ! -s $1 ]] || { show "$1"; fail "expected '$1' to be empty"; }
}

# expect_diagnostic FILE — every line of FILE (stderr) is `vitnet: ...`, lowercase after the
# prefix, with no final period (DESIGN.md contract).
expect_diagnostic() {
  [[ -s $1 ]] || fail "expected a diagnostic on stderr, got nothing"
  local line
  while IFS= read -r line; do
    [[ $line == "vitnet: "* ]] || { show "$1"; fail "diagnostic line does not start with 'vitnet: ': '$line'"; }
    [[ ${line:8:1} != [[:upper:]] ]] || { show "$1"; fail "diagnostic is not lowercase: '$line'"; }
    [[ $line != *. ]] || { show "$1"; fail "diagnostic ends with a period: '$line'"; }
  done <"$1"
}

# json_get FILE EVENT KEY — the value of KEY in the first NDJSON line of FILE whose "event" is EVENT.
json_get() {
  python3 - "$@" <<'EOF'
import json, sys
path, event, key = sys.argv[1:4]
for line in open(path):
    line = line.strip()
    if not line:
        continue
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if o.get("event") == event:
        v = o.get(key)
        print(json.dumps(v) if not isinstance(v, str) else v)
        sys.exit(0)
sys.exit(1)
EOF
}

# expect_ndjson FILE — every non-empty line of FILE is one JSON object.
expect_ndjson() {
  python3 - "$1" <<'EOF' || { show "$1"; fail "'$1' is not NDJSON"; }
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        assert isinstance(json.loads(line), dict)
EOF
}

# start_http_server [CERT KEY] — the test HTTP server (tests/http_test_server.py: echo, status,
# redirects, slow and chunked answers, flaky endpoints) on 127.0.0.1, HTTPS with CERT and KEY.
# Sets HTTP_PORT and HTTP_PID.
start_http_server() {
  need python3
  bg python3 "$VITNET_SOURCE/tests/http_test_server.py" "$T/http.port" "$@"
  HTTP_PID=$BG_PID
  wait_until 10 test -s "$T/http.port" || fail "the python http server did not start"
  HTTP_PORT=$(cat "$T/http.port")
}
