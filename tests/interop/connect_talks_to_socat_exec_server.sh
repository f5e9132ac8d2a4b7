#!/usr/bin/env bash
# `vitnet connect` to a socat server running `tr a-z A-Z`: the answer comes after connect's
# half-close, is complete, and connect exits 0.
source "$(dirname "$0")/../lib/lib.sh"

need socat
port=$(free_port)
bg timeout 20 socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" EXEC:'tr a-z A-Z' 2>"$T/socat.err"
wait_until 5 tcp_listening "$port" || { show "$T/socat.err"; fail "socat is not listening on $port"; }

head -c 300000 /dev/urandom | base64 >"$T/in"
tr a-z A-Z <"$T/in" >"$T/want"
expect_exit 0 "$VITNET" connect "127.0.0.1:$port" <"$T/in"
cmp "$OUT" "$T/want" || fail "the upper-cased answer differs ($(stat -c %s "$OUT") of $(stat -c %s "$T/want") bytes)"
expect_empty "$ERR"
