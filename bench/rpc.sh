#!/usr/bin/env bash
# JSON-RPC calls per second, no pipelining: `vitnet rpc bench` (50 connections, an echo call each
# at a time) against `vitnet rpc serve` (tcp, ndjson), compared in the same run with
#   - redis-benchmark -t ping -c 50 -P 1 against redis-server (PING_MBULK, the RESP form): the
#     fastest request/response server on the machine, with its own C load generator;
#   - the same `vitnet rpc bench` against node's json-rpc-2.0 on TCP (tests/lib/node/rpc_server.js);
# alternating, after one warm-up each; then p50/p95/p99 latency with one connection, vitnet and
# redis.
#
# Usage: bench/rpc.sh VITNET_BINARY
# Env:   PAIRS (default 5), SECONDS_EACH (default 5)
# Last lines: ratio_redis=<median vitnet_rps/redis_rps> (target >= 1.0)
#             ratio_node=<median vitnet_rps/node_rps> (target >= 3.0)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init rpc

V="$(vitnet_binary "${1:-}")"
need redis-server
need redis-benchmark
PAIRS="$(bench_pairs 5)"
SECS="${SECONDS_EACH:-5}"
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

spawn "$V" -q rpc serve "tcp://127.0.0.1:0" --ready-file "$BENCH_TMP/serve.ready"
VPID=$SPAWNED_PID
VURL="$(wait_ready_file "$BENCH_TMP/serve.ready" "$SPAWNED_PID")"

RPORT="$(free_port)"
spawn redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --logfile "$BENCH_TMP/redis.log"
RPID=$SPAWNED_PID
wait_listen "$RPORT" "$SPAWNED_PID"

NODE_URL=""
if command -v node >/dev/null && [[ -d "$SRC/tests/node_modules/json-rpc-2.0" ]]; then
    spawn node "$SRC/tests/lib/node/rpc_server.js" jsonrpc2-tcp "$BENCH_TMP/node.port"
    NPID=$SPAWNED_PID
    for _ in $(seq 100); do [[ -s "$BENCH_TMP/node.port" ]] && break; sleep 0.05; done
    [[ -s "$BENCH_TMP/node.port" ]] || die "the node json-rpc-2.0 server did not start"
    NODE_URL="tcp://127.0.0.1:$(cat "$BENCH_TMP/node.port")"
fi

# Calls per second of one `rpc bench` run at $1 with $2 connections for $3 seconds; fails on any
# error answer or failed call.
vitnet_rps() {
    "$V" --json rpc bench "$1" echo '"ping"' -c "$2" -d "${3}s" >"$BENCH_TMP/vb.json" 2>"$BENCH_TMP/vb.err" ||
        die "rpc bench at $1 failed: $(cat "$BENCH_TMP/vb.err" "$BENCH_TMP/vb.json")"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.0f" % d["rps"])' "$BENCH_TMP/vb.json"
}

# Requests per second of PING_MBULK with $1 connections and $2 requests.
redis_rps() {
    redis-benchmark -h 127.0.0.1 -p "$RPORT" -t ping -c "$1" -P 1 -n "$2" -q >"$BENCH_TMP/rb.out" 2>&1 ||
        die "redis-benchmark failed: $(cat "$BENCH_TMP/rb.out")"
    tr '\r' '\n' <"$BENCH_TMP/rb.out" | awk '/^PING_MBULK: [0-9.]+ requests per second/ { print int($2) }'
}

# redis-benchmark runs a count, not a time: about SECS seconds' worth at the warm-up's rate.
echo "rpc: 50 connections, one call at a time each, ${SECS}s per run, $PAIRS pairs; vitnet $V; $(redis-server --version | cut -d' ' -f1-3)"
vitnet_rps "$VURL" 50 1 >/dev/null
warm="$(redis_rps 50 100000)"
REQS=$((warm * SECS))
[[ -z "$NODE_URL" ]] || vitnet_rps "$NODE_URL" 50 1 >/dev/null
ratios=()
node_ratios=()
for i in $(seq "$PAIRS"); do
    v="$(vitnet_rps "$VURL" 50 "$SECS")"
    r="$(redis_rps 50 "$REQS")"
    line="pair $i: vitnet ${v} calls/s redis PING ${r} req/s ratio $(div "$v" "$r")"
    ratios+=("$(div "$v" "$r")")
    if [[ -n "$NODE_URL" ]]; then
        n="$(vitnet_rps "$NODE_URL" 50 "$SECS")"
        node_ratios+=("$(div "$v" "$n")")
        line+=" | node json-rpc-2.0 ${n} calls/s ratio $(div "$v" "$n")"
    fi
    echo "$line"
done

# Latency with one connection: vitnet's own percentiles, and redis-benchmark's summary.
"$V" --json rpc bench "$VURL" echo '"ping"' -c 1 -d "${SECS}s" >"$BENCH_TMP/lat.json"
python3 - "$BENCH_TMP/lat.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
l = d["latency_ms"]
print("latency, 1 connection: vitnet p50 %.3f ms p95 %.3f ms p99 %.3f ms (%.0f calls/s)" % (l["p50"], l["p95"], l["p99"], d["rps"]))
PY
redis-benchmark -h 127.0.0.1 -p "$RPORT" -t ping -c 1 -P 1 -n 50000 >"$BENCH_TMP/rlat.out" 2>&1
tr '\r' '\n' <"$BENCH_TMP/rlat.out" | awk '
    /====== PING_MBULK/ { on = 1 }
    on && /avg +min +p50 +p95 +p99 +max/ { getline; printf "latency, 1 connection: redis PING_MBULK p50 %s ms p95 %s ms p99 %s ms\n", $3, $4, $5; exit }'
# The servers' own CPU per call (user + system, from /proc), for a fixed number of calls: on two
# cores the load generator takes a core of its own, so calls per second tell less about a server
# than what each call costs it.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
per_call_us() {  # per_call_us TICKS CALLS
    awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz / n * 1e6 }'
}
CALLS=300000
a="$(cpu_ticks "$VPID")"; "$V" rpc bench "$VURL" echo '"ping"' -c 50 -n "$CALLS" >/dev/null 2>&1; b="$(cpu_ticks "$VPID")"
line="server CPU per call (50 connections): vitnet $(per_call_us $((b - a)) "$CALLS") us"
a="$(cpu_ticks "$RPID")"; redis_rps 50 "$CALLS" >/dev/null; b="$(cpu_ticks "$RPID")"
line+=" redis $(per_call_us $((b - a)) $((2 * CALLS))) us"   # -t ping runs PING_INLINE and PING_MBULK
if [[ -n "$NODE_URL" ]]; then
    a="$(cpu_ticks "$NPID")"; "$V" rpc bench "$NODE_URL" echo '"ping"' -c 50 -n "$CALLS" >/dev/null 2>&1; b="$(cpu_ticks "$NPID")"
    line+=" node json-rpc-2.0 $(per_call_us $((b - a)) "$CALLS") us"
fi
echo "$line"
echo "ratio_redis=$(median "${ratios[@]}")"
if ((${#node_ratios[@]})); then
    echo "ratio_node=$(median "${node_ratios[@]}")"
else
    echo "ratio_node: skipped (node or tests/node_modules/json-rpc-2.0 missing: scripts/deps.sh bench)"
fi
