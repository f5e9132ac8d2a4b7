#!/usr/bin/env bash
# Soak: mixed load for DURATION seconds against long-lived vitnet processes on loopback, then a
# quiet period; fails when a vitnet process crashed, a relay or a body was not byte-exact, or a
# process's memory did not come back near its baseline. Not part of `make test` or `make bench`.
#
#   HTTP       python keep-alive clients -> serve --backend (health checks) -> two `serve --dir`
#              backends; the second is killed every 20 s (SIGTERM or SIGKILL in turn) and started
#              again 5 s later on its port. Every 200 body is checked against its SHA-256.
#   WebSocket  python3-websockets echo clients (16 B - 1 MiB, text and binary, some dropping the
#              connection without a close) and a broadcast room (a publisher, members joining and
#              leaving, checked for gaps); plus `vitnet connect ws://` lines through the echo.
#   TCP        `vitnet connect` through a clean `vitnet proxy` to `serve --echo`, SHA-256 of what
#              went out and came back; python clients through a second proxy that resets 30% of
#              connections after 64 KiB (what comes back must be an exact prefix).
#
# RSS (VmRSS) and open descriptors of each long-lived process are sampled after a warm-up and a
# short rest (baseline), every 5 s under load (peak) and after QUIET seconds without load (end).
# Every process runs at nice 10 and the clients pause between requests, so builds keep going.
#
# Usage: bench/soak.sh VITNET_BINARY
# Env:   DURATION   total seconds (default 600): warm-up, load and the quiet period
#        QUIET      seconds without load before the end sample (default DURATION/20, 5 to 30)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init soak

V="$(vitnet_binary "${1:-}")"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3  # the Debian python, which has python3-websockets
need curl
need sha256sum
$PY -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"
DURATION="${DURATION:-600}"
if [[ ! "$DURATION" =~ ^[0-9]+$ ]] || ((DURATION < 60)); then die "DURATION must be at least 60 (seconds)"; fi
clamp() { local v=$1; ((v < $2)) && v=$2; ((v > $3)) && v=$3; echo "$v"; }
WARM=$(clamp $((DURATION / 20)) 5 30)
QUIET="${QUIET:-$(clamp $((DURATION / 20)) 5 30)}"
REST=5
LOAD=$((DURATION - WARM - REST - QUIET))
renice -n 10 -p $$ >/dev/null 2>&1 || true  # inherited by everything started below
W="$BENCH_TMP"
FAILURES=()
failure() { FAILURES+=("$*"); echo "FAILURE: $*" >&2; }

# ---- content -----------------------------------------------------------------------------------
mkdir -p "$W/www/dir"
head -c 100 /dev/urandom | base64 >"$W/www/small.txt"
head -c $((64 << 10)) /dev/urandom >"$W/www/mid.bin"
head -c $((1 << 20)) /dev/urandom >"$W/www/big.bin"
echo ok >"$W/www/health.txt"
echo listed >"$W/www/dir/file.txt"
head -c $((8 << 20)) /dev/urandom >"$W/random.bin"
$PY - "$W/www" >"$W/manifest.json" <<'PY'
import hashlib, json, sys
root = sys.argv[1]
m = {f"/{p}": hashlib.sha256(open(f"{root}/{p}", "rb").read()).hexdigest()
     for p in ("small.txt", "mid.bin", "big.bin", "dir/file.txt")}
m["/missing.txt"] = None
print(json.dumps(m))
PY

# ---- the long-lived vitnet processes -----------------------------------------------------------
declare -A PID URL
NAMES=()
# long NAME ARGS... — start `vitnet -q ARGS --ready-file` and remember its pid and URL.
long() {
  local name=$1
  shift
  spawn "$V" -q "$@" --ready-file "$W/$name.ready" >/dev/null 2>"$W/$name.err"
  PID[$name]=$SPAWNED_PID
  URL[$name]="$(wait_ready_file "$W/$name.ready" "$SPAWNED_PID")"
  [[ -n "${URL[$name]}" ]] || die "vitnet $* did not start"
  NAMES+=("$name")
}

long files serve "http://127.0.0.1:0" --dir "$W/www" --workers 1 --idle-timeout 10s
FLAKY_PORT="$(free_port)"
FLAKY_URL="http://127.0.0.1:$FLAKY_PORT"
FLAKY_PID=""
FLAKY_STARTS=0
FLAKY_N=0
# start_flaky — the second backend, on its fixed port (bounded retries while the old one's
# socket lingers); a failure to come back is a failure of the run.
start_flaky() {
  local _try
  for _try in 1 2 3 4 5; do
    FLAKY_N=$((FLAKY_N + 1))
    rm -f "$W/flaky.ready"
    spawn "$V" -q serve "$FLAKY_URL" --dir "$W/www" --workers 2 --idle-timeout 10s --ready-file "$W/flaky.ready" \
      >/dev/null 2>"$W/flaky.$FLAKY_N.err"
    FLAKY_PID=$SPAWNED_PID
    for _ in $(seq 100); do
      [[ -s "$W/flaky.ready" ]] && { FLAKY_STARTS=$((FLAKY_STARTS + 1)); return 0; }
      kill -0 "$FLAKY_PID" 2>/dev/null || break
      sleep 0.05
    done
    stop_pid "$FLAKY_PID"
    sleep 1
  done
  failure "the flaky backend did not start again on port $FLAKY_PORT"
  FLAKY_PID=""
}
FLAKY_KILLS=0
# kill_flaky — SIGTERM (must exit 130) and SIGKILL in turn; its workers must go with it.
kill_flaky() {
  [[ -n "$FLAKY_PID" ]] || return 0
  local sig=TERM want=130 rc=0 workers w
  ((FLAKY_KILLS % 2)) && sig=KILL want=137
  FLAKY_KILLS=$((FLAKY_KILLS + 1))
  workers=$(ps -o pid= --ppid "$FLAKY_PID" 2>/dev/null || true)
  kill -"$sig" "$FLAKY_PID" 2>/dev/null || failure "the flaky backend (pid $FLAKY_PID) had died"
  for _ in $(seq 100); do kill -0 "$FLAKY_PID" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$FLAKY_PID" 2>/dev/null && { failure "flaky backend ignored SIG$sig"; kill -KILL "$FLAKY_PID"; }
  wait "$FLAKY_PID" 2>/dev/null || rc=$?
  ((rc == want)) || failure "flaky backend exited with $rc after SIG$sig (expected $want)"
  sleep 1
  for w in $workers; do
    # A worker left a zombie (where nothing reaps orphans, as in some containers) has ended.
    if kill -0 "$w" 2>/dev/null && [[ "$(ps -o stat= -p "$w" 2>/dev/null)" != Z* ]]; then
      failure "worker $w of the flaky backend outlived it (SIG$sig)"
      kill -KILL "$w" 2>/dev/null || true
    fi
  done
  FLAKY_PID=""
}
start_flaky
long front serve "http://127.0.0.1:0" --backend "${URL[files]}" --backend "$FLAKY_URL" \
  --health /health.txt --health-interval 1s --backend-timeout 10s
long wsecho serve -k --echo "ws://127.0.0.1:0"
long wsroom serve -k --broadcast "ws://127.0.0.1:0"
long tcpecho serve -k --echo "tcp://127.0.0.1:0"
long relay proxy "tcp://127.0.0.1:0" --to "${URL[tcpecho]}"
long faulty proxy "tcp://127.0.0.1:0" --to "${URL[tcpecho]}" --reset-after 64K --probability 0.3 \
  --jitter 2ms --seed 1

port_of() { local u=${1%/}; echo "${u##*:}"; }

# ---- clients (each ends by its deadline; counts go to files) -----------------------------------
# connect_relay_loop SECONDS OUT — `vitnet connect` through the clean proxy, checked by SHA-256.
connect_relay_loop() {
  local end=$((SECONDS + $1)) out=$2 n=0 ok=0 bad=0 failed=0 bytes=0 size rc
  local sizes=(1024 102400 1048576 8388608)
  while ((SECONDS < end && n < 100000)); do
    n=$((n + 1))
    size=${sizes[RANDOM % 4]}
    head -c "$size" "$W/random.bin" >"$W/relay.in"
    rc=0
    timeout -k 2 60 "$V" -q connect "${URL[relay]}" <"$W/relay.in" >"$W/relay.out" 2>>"$W/relay-client.err" || rc=$?
    if ((rc != 0)); then
      failed=$((failed + 1))
    elif [[ "$(sha256sum <"$W/relay.in")" == "$(sha256sum <"$W/relay.out")" ]]; then
      ok=$((ok + 1))
      bytes=$((bytes + size))
    else
      bad=$((bad + 1))
    fi
    sleep 0.05
  done
  printf '{"totals": {"transfers": %d, "byte_exact": %d, "different": %d, "client_failed": %d, "bytes": %d}}\n' \
    "$n" "$ok" "$bad" "$failed" "$bytes" >"$out"
}

# connect_ws_loop SECONDS OUT — 200 lines through the WebSocket echo with `vitnet connect ws://`.
connect_ws_loop() {
  local end=$((SECONDS + $1)) out=$2 n=0 ok=0 bad=0 failed=0 rc
  seq 1 200 | sed 's/$/ a line for the websocket echo/' >"$W/wsc.in"
  while ((SECONDS < end && n < 100000)); do
    n=$((n + 1))
    rc=0
    timeout -k 2 30 "$V" -q connect "${URL[wsecho]}" --linger 500ms <"$W/wsc.in" >"$W/wsc.out" \
      2>>"$W/wsc-client.err" || rc=$?
    if ((rc != 0)); then
      failed=$((failed + 1))
    elif cmp -s "$W/wsc.in" "$W/wsc.out"; then
      ok=$((ok + 1))
    else
      bad=$((bad + 1))
    fi
    sleep 0.5
  done
  printf '{"totals": {"sessions": %d, "exact": %d, "different": %d, "client_failed": %d}}\n' \
    "$n" "$ok" "$bad" "$failed" >"$out"
}

# ---- sampling ----------------------------------------------------------------------------------
declare -A RSS_BASE RSS_PEAK RSS_END FD_BASE FD_END DEAD
rss_of() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
fds_of() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
# sample KIND — record RSS (KiB) and descriptors of each long-lived process; a dead one is a crash.
sample() {
  local name pid rss
  for name in "${NAMES[@]}"; do
    pid=${PID[$name]}
    if ! kill -0 "$pid" 2>/dev/null; then
      if [[ -z "${DEAD[$name]:-}" ]]; then
        DEAD[$name]=1
        failure "$name (pid $pid) died"
      fi
      continue
    fi
    rss=$(rss_of "$pid")
    case $1 in
      base) RSS_BASE[$name]=$rss RSS_PEAK[$name]=$rss FD_BASE[$name]=$(fds_of "$pid") ;;
      load) if ((rss > ${RSS_PEAK[$name]:-0})); then RSS_PEAK[$name]=$rss; fi ;;
      end) RSS_END[$name]=$rss FD_END[$name]=$(fds_of "$pid") ;;
    esac
  done
}

# run_load PHASE SECONDS FLAP — every client for SECONDS; samples every 5 s; with FLAP=1 the
# flaky backend is killed every 20 s and started 5 s later. Waits for the clients (bounded).
run_load() {
  local phase=$1 secs=$2 flap=$3 pids=() tick=0 end pid
  spawn nice -n 5 $PY "$HERE/soak/http_load.py" "$(port_of "${URL[front]}")" "$secs" 4 \
    "$W/manifest.json" "$W/$phase.http.json"
  pids+=("$SPAWNED_PID")
  spawn nice -n 5 $PY "$HERE/soak/ws_load.py" "${URL[wsecho]}" "${URL[wsroom]}" "$secs" "$W/$phase.ws.json"
  pids+=("$SPAWNED_PID")
  spawn nice -n 5 $PY "$HERE/soak/tcp_load.py" "$(port_of "${URL[faulty]}")" "$secs" "$W/$phase.tcp.json"
  pids+=("$SPAWNED_PID")
  spawn connect_relay_loop "$secs" "$W/$phase.relay.json"
  pids+=("$SPAWNED_PID")
  spawn connect_ws_loop "$secs" "$W/$phase.wsc.json"
  pids+=("$SPAWNED_PID")
  end=$((SECONDS + secs + 90))  # a client still running 90 s after its deadline hangs
  while ((SECONDS < end)); do
    local running=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
    ((running)) || break
    sleep 5
    tick=$((tick + 1))
    sample load
    if ((flap)); then
      case $((tick % 4)) in
        3) kill_flaky ;;
        0) [[ -n "$FLAKY_PID" ]] || start_flaky ;;
      esac
    fi
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      failure "a $phase client (pid $pid) hung past its deadline"
      stop_pid "$pid"
    fi
    wait "$pid" 2>/dev/null || failure "a $phase client (pid $pid) failed"
  done
  [[ -n "$FLAKY_PID" ]] || start_flaky
}

echo "soak: warm-up ${WARM}s, load ${LOAD}s, quiet ${QUIET}s; vitnet $V"
run_load warm "$WARM" 0
sleep "$REST"
sample base
T0=$SECONDS
run_load main "$LOAD" 1
echo "soak: load done after $((SECONDS - T0))s; quiet for ${QUIET}s"
sleep "$QUIET"
sample end

# ---- the end: every process must still run, and stop cleanly -----------------------------------
for name in "${NAMES[@]}"; do
  pid=${PID[$name]}
  [[ -n "${DEAD[$name]:-}" ]] && continue
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rc=0
  if kill -0 "$pid" 2>/dev/null; then
    failure "$name (pid $pid) did not stop on SIGTERM within 5 s"
    kill -KILL "$pid"
  fi
  wait "$pid" 2>/dev/null || rc=$?
  ((rc == 130)) || failure "$name exited with $rc on SIGTERM (expected 130)"
done
kill_flaky
if grep -lE 'Sanitizer|terminate called|Assertion|runtime error|Segmentation' "$W"/*.err 2>/dev/null; then
  failure "a vitnet process reported a crash on stderr"
  grep -hE -A5 'Sanitizer|terminate called|Assertion|runtime error|Segmentation' "$W"/*.err | head -40 >&2
fi

# ---- figures -----------------------------------------------------------------------------------
echo
echo "soak: figures (warm-up + load)"
$PY - "$W" <<'PY' | tee "$W/figures.txt"
import collections, glob, json, os, sys
w = sys.argv[1]
for kind, title in (("http", "HTTP through serve --backend"), ("ws", "WebSocket (python)"),
                    ("wsc", "WebSocket (vitnet connect)"), ("relay", "TCP via clean proxy (vitnet connect)"),
                    ("tcp", "TCP via resetting proxy (python)")):
    merged = collections.defaultdict(collections.Counter)
    for phase in ("warm", "main"):
        path = f"{w}/{phase}.{kind}.json"
        if not os.path.exists(path):
            print(f"  {title}: no result from the {phase} phase")
            continue
        for section, counts in json.load(open(path)).items():
            merged[section].update(counts)
    for section, counts in merged.items():
        if counts:
            print(f"  {title} {section}: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
PY
printf '\n  %-8s %8s %10s %10s %10s %10s %9s\n' process pid "base KiB" "peak KiB" "end KiB" "end-base" "fds b/e"
for name in "${NAMES[@]}"; do
  b=${RSS_BASE[$name]:-0} p=${RSS_PEAK[$name]:-0} e=${RSS_END[$name]:-0}
  printf '  %-8s %8s %10s %10s %10s %10s %9s\n' "$name" "${PID[$name]}" "$b" "$p" "$e" $((e - b)) \
    "${FD_BASE[$name]:-?}/${FD_END[$name]:-?}"
  # "Near its baseline": within a quarter of it, or 8 MiB, whichever is more.
  slack=$((b / 4 > 8192 ? b / 4 : 8192))
  ((e - b <= slack)) || failure "$name: RSS $b KiB at baseline, $e KiB after the quiet period"
  # Fewer is fine: keep-alive connections pooled at the baseline may have timed out since.
  ((${FD_END[$name]:-0} <= ${FD_BASE[$name]:-0})) ||
    failure "$name: $((FD_END[$name] - FD_BASE[$name])) more descriptors open after the load"
done
echo "  flaky backend: $FLAKY_KILLS kills, $FLAKY_STARTS starts"

# ---- verdict -----------------------------------------------------------------------------------
check=$($PY - "$W" <<'PY'
import collections, json, os, sys
w = sys.argv[1]
t = collections.defaultdict(collections.Counter)
for kind in ("http", "ws", "wsc", "relay", "tcp"):
    for phase in ("warm", "main"):
        p = f"{w}/{phase}.{kind}.json"
        if os.path.exists(p):
            t[kind].update(json.load(open(p))["totals"])
bad = []
if t["http"]["wrong_bodies"]: bad.append(f"{t['http']['wrong_bodies']} HTTP bodies differ")
if t["http"]["unexpected_status"]: bad.append(f"{t['http']['unexpected_status']} unexpected HTTP statuses")
ok, want = t["http"]["bodies_checked"], t["http"]["want_200"]
if ok < 0.9 * want: bad.append(f"only {ok} of {want} HTTP requests for files answered 200")
if t["ws"]["echo_wrong"]: bad.append(f"{t['ws']['echo_wrong']} WebSocket echoes differ")
if t["ws"]["room_gaps"]: bad.append(f"{t['ws']['room_gaps']} gaps in the broadcast")
if t["wsc"]["different"] or t["wsc"]["client_failed"]: bad.append("vitnet connect ws:// sessions failed or differed")
if t["relay"]["different"] or t["relay"]["client_failed"]: bad.append("relays through the clean proxy failed or differed")
if t["tcp"]["corrupt"]: bad.append(f"{t['tcp']['corrupt']} relays through the resetting proxy were not exact prefixes")
for kind in ("http", "ws", "wsc", "relay", "tcp"):
    if not t[kind]: bad.append(f"no {kind} results")
print("\n".join(bad))
PY
)
[[ -z "$check" ]] || while IFS= read -r line; do failure "$line"; done <<<"$check"

echo
if ((${#FAILURES[@]})); then
  echo "soak: FAILED (${#FAILURES[@]}):"
  printf '  %s\n' "${FAILURES[@]}"
  exit 1
fi
echo "soak: passed"
