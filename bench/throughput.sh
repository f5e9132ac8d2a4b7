#!/usr/bin/env bash
# Memory-to-memory TCP throughput on loopback: `vitnet connect --json --bench` against
# `vitnet serve --sink`, versus `iperf3 -c` against `iperf3 -s` (one stream each).
#
# Usage: bench/throughput.sh VITNET_BINARY
# Env:   PAIRS (default 5)            vitnet/iperf3 pairs after one warm-up each
#        SECONDS_PER_RUN (default 3)  length of each run in whole seconds
#        WARMUP_SECONDS (default 1)   length of the warm-up runs
# Last line: ratio=<median vitnet/iperf3 bits per second> (higher is better)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init throughput

V="$(vitnet_binary "${1:-}")"
need iperf3
need python3
PAIRS="$(bench_pairs 5)"
SECS="${SECONDS_PER_RUN:-3}"
WARM="${WARMUP_SECONDS:-1}"
[[ "$SECS" =~ ^[1-9][0-9]*$ ]] || die "SECONDS_PER_RUN must be a positive integer"
[[ "$WARM" =~ ^[1-9][0-9]*$ ]] || die "WARMUP_SECONDS must be a positive integer"
echo "throughput: ${SECS}s per run, $PAIRS pairs, vitnet $V"

spawn "$V" serve -k --sink -q tcp://127.0.0.1:0 --ready-file "$BENCH_TMP/vitnet.ready" \
    2>"$BENCH_TMP/vitnet-serve.err"
VITNET_PID="$SPAWNED_PID"
VITNET_URL="$(wait_ready_file "$BENCH_TMP/vitnet.ready" "$VITNET_PID")"

IPERF_PORT="$(free_port)"
spawn iperf3 -s -B 127.0.0.1 -p "$IPERF_PORT" >"$BENCH_TMP/iperf3-server.log" 2>&1
IPERF_PID="$SPAWNED_PID"
wait_listen "$IPERF_PORT" "$IPERF_PID"

# json_bps KIND FILE: bits per second out of vitnet's or iperf3's JSON, or an error on stderr.
json_bps() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
kind, path = sys.argv[1], sys.argv[2]
try:
    doc = json.load(open(path))
except Exception as e:
    sys.exit(f"{kind}: output is not one JSON document: {e}")
if kind == "vitnet":
    for key in ("bytes", "seconds", "bits_per_second"):
        if key not in doc:
            sys.exit(f"vitnet: JSON lacks key {key!r}: {sorted(doc)}")
    bps = float(doc["bits_per_second"])
    # The three must agree.
    if doc["seconds"] > 0:
        derived = doc["bytes"] * 8 / doc["seconds"]
        if abs(derived - bps) > 0.01 * bps:
            print(f"note: vitnet bits_per_second {bps:.4g} != 8*bytes/seconds {derived:.4g}", file=sys.stderr)
else:
    if doc.get("error"):
        sys.exit(f"iperf3: {doc['error']}")
    bps = float(doc["end"]["sum_received"]["bits_per_second"])
print(f"{bps:.0f}")
EOF
}

check_servers() {
    kill -0 "$VITNET_PID" 2>/dev/null || {
        cat "$BENCH_TMP/vitnet-serve.err" >&2
        die "vitnet serve --sink died"
    }
    kill -0 "$IPERF_PID" 2>/dev/null || die "the iperf3 server died"
}

run() { # TOOL SECONDS -> bits per second on stdout
    local out="$BENCH_TMP/$1.json" rc=0 limit=$(($2 + 20))
    sleep 0.2
    case "$1" in
        vitnet) timeout "$limit" "$V" connect --json --bench "${2}s" "$VITNET_URL" \
            </dev/null >"$out" 2>"$BENCH_TMP/client.err" || rc=$? ;;
        iperf3) timeout "$limit" iperf3 -c 127.0.0.1 -p "$IPERF_PORT" -t "$2" -J \
            </dev/null >"$out" 2>"$BENCH_TMP/client.err" || rc=$? ;;
    esac
    if ((rc)); then
        cat "$BENCH_TMP/client.err" "$out" >&2
        ((rc == 124)) && die "$1 client hung: no exit after ${limit}s"
        die "$1 client failed with exit status $rc"
    fi
    check_servers
    json_bps "$1" "$out"
}

gbit() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e9 }'; }

wv="$(run vitnet "$WARM")"
wi="$(run iperf3 "$WARM")"
echo "warmup vitnet=$(gbit "$wv")Gbit/s iperf3=$(gbit "$wi")Gbit/s"
ratios=() vs=() is=()
for ((i = 1; i <= PAIRS; i++)); do
    bv="$(run vitnet "$SECS")"
    bi="$(run iperf3 "$SECS")"
    r="$(div "$bv" "$bi")"
    ratios+=("$r") vs+=("$bv") is+=("$bi")
    echo "pair $i vitnet=$(gbit "$bv")Gbit/s iperf3=$(gbit "$bi")Gbit/s ratio=$r"
done
echo "summary: vitnet median $(gbit "$(median "${vs[@]}")") Gbit/s," \
    "iperf3 median $(gbit "$(median "${is[@]}")") Gbit/s"
echo "ratio=$(fmt2 "$(median "${ratios[@]}")") (vitnet/iperf3 bits per second; higher is better; target >= 0.9)"
