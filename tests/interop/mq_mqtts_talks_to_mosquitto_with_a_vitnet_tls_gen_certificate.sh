#!/usr/bin/env bash
# mqtts:// to a mosquitto TLS listener whose certificate comes from `vitnet tls gen`: vitnet pub
# and sub trust it with --ca (mosquitto_pub and mosquitto_sub on the other side, also over TLS);
# without --ca the certificate is not trusted: exit 76.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem localhost 127.0.0.1
TLS_PORT=$(free_port)
start_mosquitto "listener $TLS_PORT 127.0.0.1" "certfile $T/localhost.pem" "keyfile $T/localhost-key.pem"
wait_until 10 tcp_listening "$TLS_PORT" || { show "$MOSQ_LOG"; fail "mosquitto's TLS listener is not there"; }
TLS_URL=mqtts://127.0.0.1:$TLS_PORT
# vitnet -> mosquitto_sub (over TLS too)
bg mosquitto_sub -p "$TLS_PORT" -h 127.0.0.1 --cafile "$T/ca.pem" -i peer -t secure/out -C 1 -W 15 >"$T/peer.out" 2>"$T/peer.err"
PEER=$BG_PID
wait_until 10 mosq_saw 1 "Received SUBSCRIBE from peer" || { show "$MOSQ_LOG"; show "$T/peer.err"; fail "mosquitto_sub did not subscribe"; }
expect_exit 0 "$VITNET" mq pub "$TLS_URL" secure/out sealed --qos 2 --ca "$T/ca.pem"
wait_exit "$PEER" 10
[[ $WAIT_RC == 0 ]] || { show "$T/peer.err"; fail "mosquitto_sub exited with $WAIT_RC"; }
expect_content "$T/peer.out" 'sealed\n'
# mosquitto_pub -> vitnet sub over TLS
bg "$VITNET" mq sub "$TLS_URL" secure/in --ca "$T/ca.pem" --client-id vsub --count 1 --timeout 15s >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
wait_until 10 mosq_saw 1 "Received SUBSCRIBE from vsub" || { show "$MOSQ_LOG"; show "$T/sub.err"; fail "vitnet did not subscribe"; }
mosquitto_pub -p "$TLS_PORT" -h 127.0.0.1 --cafile "$T/ca.pem" -t secure/in -q 1 -m inbound
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "vitnet mq sub exited with $WAIT_RC"; }
expect_content "$T/sub.out" 'inbound\n'
# Not trusted without --ca.
expect_exit 76 "$VITNET" mq pub "$TLS_URL" secure/out sealed
expect_diagnostic "$ERR"
