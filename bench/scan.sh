#!/usr/bin/env bash
# Full TCP connect scan of 127.0.0.1, ports 1-65535: `vitnet scan -p-` against
# `nmap -sT -p- -T4 -n -Pn 127.0.0.1`, alternating, after one warm-up of each.
#
# Usage: bench/scan.sh VITNET_BINARY
# Env:   PAIRS (default 5)   vitnet/nmap pairs
#        SCAN_ARGS           extra arguments for vitnet scan (e.g. "--concurrency 2000")
# Last line: ratio=<median vitnet_time/nmap_time> (lower is better; target <= 0.5)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init scan

V="$(vitnet_binary "${1:-}")"
need nmap
PAIRS="$(bench_pairs 5)"
read -r -a extra <<<"${SCAN_ARGS:-}"

# One listener, so both scanners have an open port to find and agree on.
spawn "$V" serve -k --echo -q tcp://127.0.0.1:0 --ready-file "$BENCH_TMP/serve.ready"
URL="$(wait_ready_file "$BENCH_TMP/serve.ready" "$SPAWNED_PID")"
PORT="${URL##*:}"

run_vitnet() {
    "$V" --json scan -p- --open "${extra[@]}" 127.0.0.1 >"$BENCH_TMP/v.out" 2>"$BENCH_TMP/v.err" ||
        die "vitnet scan failed: $(cat "$BENCH_TMP/v.err")"
    grep -q "\"port\":$PORT," "$BENCH_TMP/v.out" || die "vitnet scan missed open port $PORT"
}
run_nmap() {
    nmap -sT -p- -T4 -n -Pn 127.0.0.1 >"$BENCH_TMP/n.out" 2>&1 || die "nmap failed: $(cat "$BENCH_TMP/n.out")"
    grep -q "^$PORT/tcp" "$BENCH_TMP/n.out" || die "nmap missed open port $PORT"
}
timed() {
    local t0 t1
    t0="$(now)"
    "$@"
    t1="$(now)"
    elapsed "$t0" "$t1"
}

echo "scan: 127.0.0.1 ports 1-65535, $PAIRS pairs, vitnet $V, $(nmap --version | head -n1)"
run_vitnet
run_nmap
ratios=()
for i in $(seq "$PAIRS"); do
    tv="$(timed run_vitnet)"
    tn="$(timed run_nmap)"
    r="$(div "$tv" "$tn")"
    ratios+=("$r")
    echo "pair $i: vitnet ${tv}s nmap ${tn}s ratio $r"
done
echo "ratio=$(median "${ratios[@]}") (median vitnet/nmap time; lower is better; target <= 0.5)"
