#!/usr/bin/env bash
# --banners shows what a service says first, and what it answers to an HTTP probe otherwise.
source "$(dirname "$0")/../lib/lib.sh"

printf 'SSH-2.0-vitnet_test\r\nmore\r\n' >"$T/banner"
start_serve -k --reply "@$T/banner" tcp://127.0.0.1:0
talker=$(url_port "$URL")
start_serve -k --echo tcp://127.0.0.1:0
echoer=$(url_port "$URL")
expect_exit 0 "$VITNET" --json scan --banners --banner-wait 300ms -p "$talker,$echoer" 127.0.0.1
expect_contains "$OUT" "\"port\":$talker,"
grep -q "\"port\":$talker,.*\"banner\":\"SSH-2.0-vitnet_test\"" "$OUT" || fail "no SSH banner for $talker"
grep -q "\"port\":$echoer,.*\"banner\":\"HEAD / HTTP/1.0\"" "$OUT" || fail "the echo server did not echo the HTTP probe"
expect_exit 0 "$VITNET" scan --banners --banner-wait 300ms -p "$talker" 127.0.0.1
expect_contains "$OUT" "BANNER"
expect_contains "$OUT" "SSH-2.0-vitnet_test"
