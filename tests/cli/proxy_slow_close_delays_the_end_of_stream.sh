#!/usr/bin/env bash
# --slow-close 500ms --up: the data goes at once, but the client's close reaches the upstream half
# a second later — so an echo client finishes no sooner than that.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_serve -k --echo 127.0.0.1:0
start_proxy --json 127.0.0.1:0 --to "$URL" --slow-close 500ms --up

start=$(date +%s%N)
expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'bye\n')
took=$((($(date +%s%N) - start) / 1000000))
expect_content "$OUT" 'bye\n'
((took >= 480)) || fail "the close went through in ${took}ms, expected at least 480ms"
((took < 3000)) || fail "the close took ${took}ms"
wait_until 5 grep -q '"kind":"slow_close"' "$PROXY_OUT" || { show "$PROXY_OUT"; fail "no slow_close fault event"; }
