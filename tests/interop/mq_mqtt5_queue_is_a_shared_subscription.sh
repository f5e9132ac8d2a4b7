#!/usr/bin/env bash
# --queue G with --mqtt 5 subscribes to $share/G/FILTER: two vitnet subscribers in one group share
# mosquitto_pub's messages, each message going to one of them; with MQTT 3.1.1 --queue exits 64.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
start_mosquitto
for n in 1 2; do
  bg "$VITNET" mq sub "$MQ_URL" 'jobs/+' --mqtt 5 --queue workers --qos 1 --client-id "w$n" --timeout 3s >"$T/w$n.out" 2>"$T/w$n.err"
  eval "W$n=\$BG_PID"
  wait_until 10 mosq_saw 1 "Received SUBSCRIBE from w$n" || { show "$MOSQ_LOG"; show "$T/w$n.err"; fail "worker $n did not subscribe"; }
done
expect_contains "$MOSQ_LOG" '$share/workers/jobs/+'
for i in $(seq 1 10); do mosquitto_pub -p "$MQ_PORT" -h 127.0.0.1 -t "jobs/$i" -q 1 -m "job $i"; done
wait_exit "$W1" 15
wait_exit "$W2" 15
total=$(cat "$T/w1.out" "$T/w2.out" | sort | uniq | wc -l)
all=$(cat "$T/w1.out" "$T/w2.out" | wc -l)
[[ $total == 10 && $all == 10 ]] || { show "$T/w1.out"; show "$T/w2.out"; fail "the group got $all messages ($total different), expected each of 10 once"; }
[[ -s $T/w1.out && -s $T/w2.out ]] || fail "one worker got nothing: not shared"
expect_exit 64 "$VITNET" mq sub "$MQ_URL" 'jobs/+' --queue workers --timeout 1s
expect_contains "$ERR" "--queue needs MQTT 5"
