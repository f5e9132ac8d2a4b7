# Shared helpers for the end-to-end tests in tests/cli/ and tests/interop/.
#
# Every test script starts with:   source "$(dirname "$0")/../lib.sh"
# It gets: strict mode, $VITNET, a private temp dir $T (removed at exit), a trap that kills every
# background process the test started, and the helpers below. Exit 0 = pass, 77 = skip, else fail.
set -euo pipefail

VITNET=${VITNET:-/work/main/build/vitnet}
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

# need TOOL... — skip unless every TOOL is on PATH.
need() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || skip "'$t' is not installed (scripts/deps.sh installs it)"; done
}

# track PID — make the exit trap kill PID.
track() { _bg_pids+=("$1"); }

# bg CMD... — run CMD in the background, tracked; sets BG_PID.
bg() {
  "$@" &
  BG_PID=$!
  track "$BG_PID"
}

# show FILE — print a file's content for a failure message.
show() {
  if [[ -s $1 ]]; then sed 's/^/    | /' "$1" | head -c 4000 >&2; else echo "    | (empty)" >&2; fi
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

# start_serve ARGS... — run `$VITNET serve ARGS... --ready-file F` in the background and wait (bounded)
# until it is listening. Sets URL (from the ready file), SERVE_PID, SERVE_OUT, SERVE_ERR (files).
# Its stdin is $SERVE_STDIN (default /dev/null).
start_serve() {
  _serve_count=$((_serve_count + 1))
  local n=$_serve_count
  local ready=$T/serve$n.ready
  SERVE_OUT=$T/serve$n.out
  SERVE_ERR=$T/serve$n.err
  "$VITNET" serve "$@" --ready-file "$ready" <"${SERVE_STDIN:-/dev/null}" >"$SERVE_OUT" 2>"$SERVE_ERR" &
  SERVE_PID=$!
  track "$SERVE_PID"
  if ! wait_until 10 test -s "$ready"; then
    echo "serve stderr:" >&2
    show "$SERVE_ERR"
    fail "vitnet serve $* did not write its ready file within 10s"
  fi
  URL=$(head -n1 "$ready")
  [[ -n $URL ]] || fail "ready file of vitnet serve $* is empty"
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

# tcp_listening PORT — true when something accepts on 127.0.0.1:PORT.
tcp_listening() {
  python3 -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),timeout=1); s.close()' "$1" 2>/dev/null
}

# expect_exit CODE CMD... — run CMD (under a `timeout` of ${EXPECT_TIMEOUT:-20}s), its stdout to $OUT
# and stderr to $ERR; fail unless it exits with CODE.
OUT=$T/stdout
ERR=$T/stderr
expect_exit() {
  local want=$1
  shift
  local rc=0
  timeout -k 2 "${EXPECT_TIMEOUT:-20}" "$@" >"$OUT" 2>"$ERR" || rc=$?
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

# expect_content FILE TEXT — fail unless FILE holds exactly TEXT (byte for byte; TEXT given with printf
# escapes interpreted, e.g. 'hello\n').
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
