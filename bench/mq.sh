#!/usr/bin/env bash
# NATS publish/subscribe throughput: `vitnet mq bench` (nats bench's method: subscribers first,
# publishers together, a publisher's sample ends with a PING round trip after its last message,
# a subscriber's when it has them all) against `vitnet mq broker` and nats-server 2.9, the same
# client against both, alternating, after one warm-up each:
#   - 1 publisher : 1 subscriber, 16-byte messages (the target: vitnet >= 1.0 x nats-server);
#   - 1 publisher : 5 subscribers (fan-out), 16-byte messages;
#   - request/reply round trips one at a time, p50/p99 latency;
#   - each broker's CPU per message delivered in the 1:1 run.
#
# Usage: bench/mq.sh VITNET_BINARY
# Env:   PAIRS (default 5), MSGS (default 2000000)
# Last lines: ratio_nats=<median vitnet/nats-server msgs/s, 1:1> (target >= 1.0)
#             ratio_nats_fanout=<median, 1:5>
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init mq

V="$(vitnet_binary "${1:-}")"
need nats-server
PAIRS="$(bench_pairs 5)"
MSGS="${MSGS:-2000000}"

spawn "$V" -q mq broker "nats://127.0.0.1:0" --ready-file "$BENCH_TMP/broker.ready"
VPID=$SPAWNED_PID
VURL="$(wait_ready_file "$BENCH_TMP/broker.ready" "$SPAWNED_PID")"
NPORT="$(free_port)"
spawn nats-server -a 127.0.0.1 -p "$NPORT" -l "$BENCH_TMP/nats-server.log"
NPID=$SPAWNED_PID
wait_listen "$NPORT" "$SPAWNED_PID"
NURL="nats://127.0.0.1:$NPORT"

# Total messages per second (published and received) of one run: bench_rate URL PUBS SUBS MSGS.
bench_rate() {
    "$V" --json mq bench "$1" --pub "$2" --sub "$3" --msgs "$4" --size 16 >"$BENCH_TMP/b.json" 2>"$BENCH_TMP/b.err" ||
        die "mq bench at $1 failed: $(cat "$BENCH_TMP/b.err")"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["msgs_per_sec"])' "$BENCH_TMP/b.json"
}

echo "mq: nats bench's method, 16-byte messages, $MSGS per 1:1 run, $PAIRS pairs; vitnet $V; $(nats-server --version)"
bench_rate "$VURL" 1 1 200000 >/dev/null
bench_rate "$NURL" 1 1 200000 >/dev/null
ratios=()
for i in $(seq "$PAIRS"); do
    v="$(bench_rate "$VURL" 1 1 "$MSGS")"
    n="$(bench_rate "$NURL" 1 1 "$MSGS")"
    ratios+=("$(div "$v" "$n")")
    echo "pair $i (1:1): vitnet ${v} msgs/s nats-server ${n} msgs/s ratio $(div "$v" "$n")"
done
fan=()
for i in $(seq "$PAIRS"); do
    v="$(bench_rate "$VURL" 1 5 $((MSGS / 4)))"
    n="$(bench_rate "$NURL" 1 5 $((MSGS / 4)))"
    fan+=("$(div "$v" "$n")")
    echo "pair $i (1:5): vitnet ${v} msgs/s nats-server ${n} msgs/s ratio $(div "$v" "$n")"
done

for which in vitnet nats-server; do
    url=$VURL
    [[ $which == vitnet ]] || url=$NURL
    "$V" --json mq bench "$url" --req 20000 >"$BENCH_TMP/r.json" 2>"$BENCH_TMP/r.err" || die "mq bench --req at $url failed: $(cat "$BENCH_TMP/r.err")"
    python3 - "$BENCH_TMP/r.json" "$which" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
l = d["latency_us"]
print("request/reply, one at a time: %s p50 %.0f us p99 %.0f us (%d req/s)" % (sys.argv[2], l["p50"], l["p99"], d["requests_per_sec"]))
PY
done

# Each broker's CPU (user + system, from /proc) per message delivered, 1:1.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
per_msg_ns() {  # per_msg_ns TICKS MSGS
    awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", t / hz / n * 1e9 }'
}
a="$(cpu_ticks "$VPID")"; bench_rate "$VURL" 1 1 "$MSGS" >/dev/null; b="$(cpu_ticks "$VPID")"
line="broker CPU per message (1:1): vitnet $(per_msg_ns $((b - a)) "$MSGS") ns"
a="$(cpu_ticks "$NPID")"; bench_rate "$NURL" 1 1 "$MSGS" >/dev/null; b="$(cpu_ticks "$NPID")"
line+=" nats-server $(per_msg_ns $((b - a)) "$MSGS") ns"
echo "$line"
# For the record: the same method through vitnet's MQTT and Redis clients (no ratio, no target).
if command -v mosquitto >/dev/null; then
    MPORT="$(free_port)"
    printf 'listener %s 127.0.0.1\nallow_anonymous true\nlog_dest none\n' "$MPORT" >"$BENCH_TMP/mosquitto.conf"
    spawn mosquitto -c "$BENCH_TMP/mosquitto.conf"
    wait_listen "$MPORT" "$SPAWNED_PID"
    echo "for the record, mosquitto $(mosquitto -h 2>/dev/null | awk 'NR==1 {print $3}') (mqtt://, QoS 0, 1:1): $(bench_rate "mqtt://127.0.0.1:$MPORT" 1 1 100000) msgs/s"
else
    echo "for the record, mosquitto: skipped (not installed: scripts/deps.sh bench)"
fi
if command -v redis-server >/dev/null; then
    RPORT="$(free_port)"
    spawn redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --logfile "$BENCH_TMP/redis.log"
    wait_listen "$RPORT" "$SPAWNED_PID"
    echo "for the record, $(redis-server --version | cut -d' ' -f1-3) (redis:// pub/sub, 1:1): $(bench_rate "redis://127.0.0.1:$RPORT" 1 1 200000) msgs/s"
else
    echo "for the record, redis: skipped (not installed: scripts/deps.sh bench)"
fi
echo "ratio_nats=$(median "${ratios[@]}")"
echo "ratio_nats_fanout=$(median "${fan[@]}")"
