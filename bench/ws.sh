#!/usr/bin/env bash
# WebSocket echo, messages per second: `vitnet serve --echo ws://` against an echo server written
# with python3-websockets, both driven by the same client (vitnet connect, N lines in, N echoes
# out, checked), alternating, after one warm-up each.
#
# Usage: bench/ws.sh VITNET_BINARY
# Env:   PAIRS (default 5), MESSAGES (default 200000)
# Last line: ratio=<median vitnet_rate/python_rate> (higher is better)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init ws

V="$(vitnet_binary "${1:-}")"
PY=/usr/bin/python3
$PY -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"
PAIRS="$(bench_pairs 5)"
N="${MESSAGES:-200000}"

spawn "$V" -q serve -k --echo "ws://127.0.0.1:0" --ready-file "$BENCH_TMP/serve.ready"
VURL="$(wait_ready_file "$BENCH_TMP/serve.ready" "$SPAWNED_PID")"
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
seq 1 "$N" | sed 's/^/message number /' >"$BENCH_TMP/in"

# Seconds for N messages through the echo server at $1; every echo must come back in order.
# The client lingers 100ms after its last line (python's server drops echoes still owed once the
# client closes); that fixed wait is taken off both times.
run() {
    local t0 t1
    t0="$(now)"
    "$V" connect --linger 100ms "$1" <"$BENCH_TMP/in" >"$BENCH_TMP/out" 2>"$BENCH_TMP/err" || die "connect $1 failed: $(cat "$BENCH_TMP/err")"
    t1="$(now)"
    t0="$(python3 -c "print($t0 + 0.1)")"
    cmp -s "$BENCH_TMP/in" "$BENCH_TMP/out" || die "echoes from $1 differ from what was sent"
    elapsed "$t0" "$t1"
}

echo "ws: $N messages echoed, $PAIRS pairs, vitnet $V, python3-websockets $($PY -c 'import websockets; print(websockets.__version__)')"
run "$VURL" >/dev/null
run "$PURL" >/dev/null
ratios=()
for i in $(seq "$PAIRS"); do
    tv="$(run "$VURL")"
    tp="$(run "$PURL")"
    rv="$(div "$N" "$tv")"
    rp="$(div "$N" "$tp")"
    r="$(div "$tp" "$tv")"
    ratios+=("$r")
    echo "pair $i: vitnet ${rv} msg/s python ${rp} msg/s ratio $r"
done
echo "ratio=$(median "${ratios[@]}")"
