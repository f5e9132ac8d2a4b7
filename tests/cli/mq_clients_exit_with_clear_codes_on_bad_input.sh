#!/usr/bin/env bash
# Bad input gets a message and its exit code: a URL with an unknown scheme (64), a subject with a
# wildcard to publish to (65), a message over the broker's max_payload (65), a header that cannot
# be carried (65), nothing listening (69), a server that is not NATS (76).
source "$(dirname "$0")/../lib/lib.sh"
start_mq_broker --max-payload 1K

expect_exit 64 "$VITNET" mq pub kafka://127.0.0.1:9092 a x
expect_contains "$ERR" "the scheme is nats://"
expect_diagnostic "$ERR"
expect_exit 65 "$VITNET" mq pub "$URL" 'orders.*' x
expect_contains "$ERR" "is not a subject to publish to"
expect_exit 65 "$VITNET" mq pub "$URL" big "$(head -c 2000 /dev/zero | tr '\0' y)"
expect_contains "$ERR" "over the server's max_payload (1024)"
expect_exit 65 "$VITNET" mq pub "$URL" a x -H 'bad key: v'
expect_contains "$ERR" "cannot be carried by NATS"
expect_exit 64 "$VITNET" mq pub "$URL" a x -H novalue
port=$(free_port)
expect_exit 69 "$VITNET" mq pub "nats://127.0.0.1:$port" a x
expect_diagnostic "$ERR"
start_serve tcp://127.0.0.1:0 --reply 'HTTP/1.0 200 OK'$'\r\n\r\n' -k
expect_exit 76 "$VITNET" mq pub "nats://127.0.0.1:$(url_port "$URL")" a x
expect_contains "$ERR" "is it a NATS server?"
