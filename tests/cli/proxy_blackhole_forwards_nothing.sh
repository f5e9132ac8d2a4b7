#!/usr/bin/env bash
# --blackhole accepts, forwards nothing and answers nothing: the client hears nothing before its
# idle timeout (exit 75), the upstream never sees a connection, and the proxy keeps running.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_serve -k --echo --json 127.0.0.1:0
start_proxy 127.0.0.1:0 --to "$URL" --blackhole

expect_exit 75 "$VITNET" connect --idle-timeout 700ms "$PURL" < <(printf 'anyone there?\n')
expect_empty "$OUT"
expect_not_contains "$SERVE_OUT" '"event":"open"'
expect_running "$PROXY_PID" "the proxy"
