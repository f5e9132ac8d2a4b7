#!/usr/bin/env bash
# JetStream on nats-server -js: mq stream add/ls/info/rm; mq pub --ack waits for each message's
# acknowledgement (69 when no stream takes the subject); mq sub --stream replays from start, from
# seq:N and from last, stopping with --until-end; a durable consumer with --ack resumes where it
# left off (and --count fetches no more than it prints, so nothing is held unacknowledged); the
# envelope carries the stream sequence as id; a missing stream is exit 1; JetStream not enabled is
# 69.
source "$(dirname "$0")/../lib/lib.sh"
mkdir -p "$T/js"
start_nats_server -js -sd "$T/js"
U=$NATS_URL

expect_exit 0 "$VITNET" mq stream add "$U" ORDERS --subjects 'orders.>' --storage memory
expect_contains "$OUT" "ORDERS"
for i in 1 2 3 4; do expect_exit 0 "$VITNET" mq pub --ack "$U" orders.new "order $i" -H "N:$i"; done
expect_exit 0 "$VITNET" --json mq stream ls "$U"
expect_contains "$OUT" '"messages":4'
expect_exit 0 "$VITNET" mq stream info "$U" ORDERS
expect_contains "$OUT" '"last_seq": 4'

expect_exit 0 "$VITNET" mq sub "$U" 'orders.>' --stream ORDERS --from start --until-end
expect_content "$OUT" 'order 1\norder 2\norder 3\norder 4\n'
expect_exit 0 "$VITNET" mq sub "$U" 'orders.>' --stream ORDERS --from seq:3 --until-end --json
expect_contains "$OUT" '"data":"order 3","headers":{"N":"3"}'
expect_contains "$OUT" '"id":"4"'
expect_exit 0 "$VITNET" mq sub "$U" 'orders.>' --stream ORDERS --from last --until-end
expect_content "$OUT" 'order 4\n'

expect_exit 0 "$VITNET" mq sub "$U" 'orders.>' --stream ORDERS --durable billing --ack --count 3
expect_content "$OUT" 'order 1\norder 2\norder 3\n'
expect_exit 0 "$VITNET" mq sub "$U" 'orders.>' --stream ORDERS --durable billing --ack --until-end
expect_content "$OUT" 'order 4\n'
expect_exit 0 "$VITNET" mq sub "$U" 'orders.>' --stream ORDERS --durable billing --ack --until-end
expect_empty "$OUT"
# Nothing new within --timeout: 75, as for core subscriptions.
expect_exit 75 "$VITNET" mq sub "$U" 'orders.>' --stream ORDERS --durable billing --ack --timeout 500ms

expect_exit 69 "$VITNET" mq pub --ack "$U" unstored.subject x
expect_contains "$ERR" "no stream takes unstored.subject"
expect_exit 1 "$VITNET" mq stream info "$U" NOPE
expect_contains "$ERR" "stream not found"
expect_exit 0 "$VITNET" mq stream rm "$U" ORDERS
expect_exit 1 "$VITNET" mq stream rm "$U" ORDERS

start_mq_broker
expect_exit 69 "$VITNET" mq stream ls "$URL"
expect_contains "$ERR" "JetStream is not enabled"
