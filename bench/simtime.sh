#!/usr/bin/env bash
# Simulated time: how much wall time an hour of virtual time costs on the mock network
# (tests/scenarios/one_hour_mock.toml: a 1 h partition, retries, idle timeouts), and how many
# scenario runs per second `vitnet test net --seeds 1..N` gets through with --jobs 1 and --jobs 2.
# There is no anchor: the target is absolute (DESIGN.md, BENCH.md: 1 h virtual in < 1 s wall).
#
# Usage: bench/simtime.sh VITNET_BINARY
# Env:   RUNS (default 7)      timed runs of the one-hour scenario, after one warm-up
#        SEEDS (default 200)   seeds per throughput run (--seeds 1..SEEDS)
#        SCENARIO              the scenario to time (default: tests/scenarios/one_hour_mock.toml)
# Prints one line per run (wall seconds of the whole command, and the run's own wall_s), then
# scenarios_per_second=..., and last:
#   ratio=<median wall seconds / 1.0> (one hour of virtual time; lower is better; target < 1.0)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init simtime

V="$(vitnet_binary "${1:-}")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCENARIO="${SCENARIO:-$here/../tests/scenarios/one_hour_mock.toml}"
[[ -f "$SCENARIO" ]] || die "no scenario at $SCENARIO"
RUNS="${RUNS:-7}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
SEEDS="${SEEDS:-200}"
[[ "$SEEDS" =~ ^[1-9][0-9]*$ ]] || die "SEEDS must be a positive integer"

# run_once: one run of the scenario; prints "<command wall s> <virtual s> <run wall_s>".
run_once() {
    local t0 t1 out
    t0="$(now)"
    out="$(timeout 60 "$V" --json test net "$SCENARIO" 2>"$BENCH_TMP/err")" ||
        die "the scenario failed: $(head -c 2000 <<<"$out") $(head -c 500 "$BENCH_TMP/err")"
    t1="$(now)"
    local virt wall
    virt="$(sed -n 's/.*"event":"scenario".*"elapsed_s":\([0-9.e+-]*\).*/\1/p' <<<"$out")"
    wall="$(sed -n 's/.*"event":"scenario".*"wall_s":\([0-9.e+-]*\).*/\1/p' <<<"$out")"
    [[ -n "$virt" && -n "$wall" ]] || die "no elapsed_s / wall_s in the report: $(head -c 500 <<<"$out")"
    echo "$(elapsed "$t0" "$t1") $virt $wall"
}

echo "simtime: $SCENARIO, vitnet $V"
read -r _ virt _ <<<"$(run_once)"  # warm-up (page cache)
awk -v v="$virt" 'BEGIN { exit !(v >= 3600) }' ||
    echo "note: the scenario spans only ${virt}s of virtual time, not an hour"
walls=()
for i in $(seq "$RUNS"); do
    read -r w virt run_wall <<<"$(run_once)"
    walls+=("$w")
    echo "run $i wall=${w}s virtual=${virt}s run_wall_s=$(awk -v x="$run_wall" 'BEGIN { printf "%.4f", x }')"
done

# Throughput: many seeds of the same scenario, one worker and then two.
throughput() {
    local jobs="$1" t0 t1 out
    t0="$(now)"
    out="$(timeout 300 "$V" test net --seeds "1..$SEEDS" --jobs "$jobs" "$SCENARIO" 2>&1 | tail -n 1)" ||
        die "--seeds 1..$SEEDS --jobs $jobs did not finish: $out"
    t1="$(now)"
    [[ "$out" == "$SEEDS passed, 0 failed" ]] || die "--seeds 1..$SEEDS --jobs $jobs: $out"
    elapsed "$t0" "$t1"
}
t1="$(throughput 1)"
t2="$(throughput 2)"
sps1="$(div "$SEEDS" "$t1")"
sps2="$(div "$SEEDS" "$t2")"
echo "seeds=$SEEDS jobs1=${t1}s (${sps1}/s) jobs2=${t2}s (${sps2}/s) speedup=$(div "$t1" "$t2")"
echo "scenarios_per_second=$sps2 (--jobs 2; --jobs 1: $sps1)"
echo "ratio=$(awk -v m="$(median "${walls[@]}")" 'BEGIN { printf "%.3f", m / 1.0 }') (one hour of virtual time; lower is better; target < 1.0)"
