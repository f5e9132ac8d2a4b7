#!/usr/bin/env bash
# mq pub and sub to an mqtt:// port where nothing listens exit 69 naming it.
source "$(dirname "$0")/../lib/lib.sh"
PORT=$(free_port)
expect_exit 69 "$VITNET" mq pub "mqtt://127.0.0.1:$PORT" t hello
expect_contains "$ERR" "127.0.0.1:$PORT"
expect_diagnostic "$ERR"
expect_exit 69 "$VITNET" mq sub "mqtt://127.0.0.1:$PORT" t --mqtt 5
