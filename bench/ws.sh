#!/usr/bin/env bash
# WebSocket echo, messages per second: `vitnet serve -k --echo ws://` against an echo server
# written with node's `ws` (the fastest common implementation installed here; tests/node_modules)
# and, as a second line, one written with python3-websockets. The same client drives all of them
# (vitnet connect: N lines in, N echoes out, checked byte for byte), alternating, after one
# warm-up each, for two message sizes: 16 bytes and 16 KiB.
#
# Usage: bench/ws.sh VITNET_BINARY
# Env:   PAIRS (default 5), MESSAGES (default 200000 of 16 B), LARGE_MESSAGES (default 10000 of
#        16 KiB)
# Last line: ratio=<median vitnet_rate/node_rate, 16 B> ratio_16k=<the same, 16 KiB>
#            python_ratio=... python_ratio_16k=... (higher is better; target >= 1.5 against node)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init ws

V="$(vitnet_binary "${1:-}")"
PY=/usr/bin/python3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
need node
[[ -d "$ROOT/tests/node_modules/ws" ]] || skip "node's ws is not installed (scripts/deps.sh bench installs it)"
PAIRS="$(bench_pairs 5)"
N="${MESSAGES:-200000}"
NL="${LARGE_MESSAGES:-10000}"

spawn "$V" -q serve -k --echo "ws://127.0.0.1:0" --ready-file "$BENCH_TMP/serve.ready"
VURL="$(wait_ready_file "$BENCH_TMP/serve.ready" "$SPAWNED_PID")"

NPORT="$(free_port)"
cat >"$BENCH_TMP/echo.js" <<JSCODE
const { WebSocketServer } = require("$ROOT/tests/node_modules/ws");
const wss = new WebSocketServer({ host: "127.0.0.1", port: $NPORT, maxPayload: 0 });
wss.on("connection", (ws) => ws.on("message", (m, binary) => ws.send(m, { binary })));
JSCODE
spawn node "$BENCH_TMP/echo.js"
wait_listen "$NPORT" "$SPAWNED_PID"
NURL="ws://127.0.0.1:$NPORT"

PURL=""
if $PY -c 'import websockets' 2>/dev/null; then
    PPORT="$(free_port)"
    cat >"$BENCH_TMP/echo.py" <<PYCODE
import asyncio, websockets
async def echo(ws, *args):
    async for m in ws:
        await ws.send(m)
async def main():
    async with websockets.serve(echo, "127.0.0.1", $PPORT, max_size=None):
        await asyncio.Future()
asyncio.run(main())
PYCODE
    spawn "$PY" "$BENCH_TMP/echo.py"
    wait_listen "$PPORT" "$SPAWNED_PID"
    PURL="ws://127.0.0.1:$PPORT"
fi

# The inputs: lines of 16 bytes and of 16 KiB (the newline is not part of the message).
seq -f "%016g" 1 "$N" >"$BENCH_TMP/small"
$PY - "$BENCH_TMP/large" "$NL" <<'PYCODE'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(("%016d" % i) * 1024 + "\n")
PYCODE

# Seconds for the messages of file $2 through the echo server at $1; every echo must come back
# in order. The client lingers 100ms after its last line (python's server drops echoes still
# owed once the client closes); that fixed wait is taken off every time.
run() {
    local t0 t1
    t0="$(now)"
    "$V" connect --linger 100ms "$1" <"$2" >"$BENCH_TMP/out" 2>"$BENCH_TMP/err" || die "connect $1 failed: $(cat "$BENCH_TMP/err")"
    t1="$(now)"
    t0="$(python3 -c "print($t0 + 0.1)")"
    cmp -s "$2" "$BENCH_TMP/out" || die "echoes from $1 differ from what was sent"
    elapsed "$t0" "$t1"
}

echo "ws: $N messages of 16 B and $NL of 16 KiB echoed, $PAIRS pairs, vitnet $V, node ws $(node -p "require('$ROOT/tests/node_modules/ws/package.json').version")${PURL:+, python3-websockets $($PY -c 'import websockets; print(websockets.__version__)')}"

# compare NAME FILE COUNT URL — pairs of vitnet and the server at URL; prints the median ratio.
compare() {
    local name="$1" file="$2" count="$3" url="$4" i tv ta r
    local ratios=()
    run "$VURL" "$file" >/dev/null
    run "$url" "$file" >/dev/null
    for ((i = 1; i <= PAIRS; i++)); do
        tv="$(run "$VURL" "$file")"
        ta="$(run "$url" "$file")"
        r="$(div "$ta" "$tv")"
        ratios+=("$r")
        echo "$name pair $i: vitnet $(div "$count" "$tv") msg/s $name $(div "$count" "$ta") msg/s ratio $r" >&2
    done
    fmt2 "$(median "${ratios[@]}")"
}

R16="$(compare "node-16B" "$BENCH_TMP/small" "$N" "$NURL")"
R16K="$(compare "node-16KiB" "$BENCH_TMP/large" "$NL" "$NURL")"
PY16=skipped PY16K=skipped
if [[ -n "$PURL" ]]; then
    PY16="$(compare "python-16B" "$BENCH_TMP/small" "$N" "$PURL")"
    PY16K="$(compare "python-16KiB" "$BENCH_TMP/large" "$NL" "$PURL")"
fi
echo "ratio=$R16 ratio_16k=$R16K (median vitnet msg/s / node ws msg/s, 16 B and 16 KiB; higher is better; target >= 1.5) python_ratio=$PY16 python_ratio_16k=$PY16K"
