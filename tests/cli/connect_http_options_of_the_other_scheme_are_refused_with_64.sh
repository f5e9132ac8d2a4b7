#!/usr/bin/env bash
# Options for byte pipes (--hex, --send, --pin, ...) are refused for http URLs, and request
# options (--data, -H, ...) for tcp URLs: exit 64 naming the option, nothing dialled.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 64 "$VITNET" connect --hex http://127.0.0.1:9/
expect_contains "$ERR" "--hex"
expect_contains "$ERR" "is for tcp, tls, udp and unix URLs"
expect_diagnostic "$ERR"

expect_exit 64 "$VITNET" connect --pin sha256:00 https://127.0.0.1:9/
expect_contains "$ERR" "--pin"

expect_exit 64 "$VITNET" connect --data x tcp://127.0.0.1:9
expect_contains "$ERR" "--data"
expect_contains "$ERR" "needs an http:// or https:// URL"

expect_exit 64 "$VITNET" connect -H 'no colon' http://127.0.0.1:9/
expect_contains "$ERR" "is not 'Name: value'"

expect_exit 64 "$VITNET" connect --json-body '{}' ws://127.0.0.1:9/
expect_contains "$ERR" "is for http:// and https:// URLs"
