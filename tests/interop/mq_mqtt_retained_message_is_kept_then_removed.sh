#!/usr/bin/env bash
# vitnet mq pub --retain leaves a message for later subscribers (vitnet's envelope says retain,
# mosquitto_sub --retained-only sees it); an empty retained message removes it.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
start_mosquitto
expect_exit 0 "$VITNET" mq pub "$MQ_URL" status/door open --retain --qos 1
expect_exit 0 "$VITNET" mq sub "$MQ_URL" 'status/#' --count 1 --json --timeout 5s
expect_contains "$OUT" '"subject":"status/door","data":"open"'
expect_contains "$OUT" '"retain":true'
expect_exit 0 timeout 10 mosquitto_sub -p "$MQ_PORT" -h 127.0.0.1 -t status/door --retained-only -C 1 -W 5
expect_content "$OUT" 'open\n'
# Removing it: nothing retained is left.
expect_exit 0 "$VITNET" mq pub "$MQ_URL" status/door '' --retain --qos 1
EXPECT_TIMEOUT=10 expect_exit 75 "$VITNET" mq sub "$MQ_URL" 'status/#' --count 1 --timeout 1s
expect_empty "$OUT"
