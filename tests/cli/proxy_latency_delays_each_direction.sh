#!/usr/bin/env bash
# --latency 200ms delays each direction: an echo round trip through the proxy takes at least
# 2 x 200 ms (and not absurdly more), while a large transfer is not cut to one chunk per delay.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_serve -k --echo 127.0.0.1:0
start_proxy 127.0.0.1:0 --to "$URL" --latency 200ms

start=$(date +%s%N)
expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'ping\n')
took=$((($(date +%s%N) - start) / 1000000))
expect_content "$OUT" 'ping\n'
((took >= 380)) || fail "round trip took ${took}ms, expected at least 380ms"
((took < 2500)) || fail "round trip took ${took}ms, expected well under 2.5s"

# 8 MiB in chunks of at most 256 KiB: one chunk per 200 ms would take over 6 s.
head -c 8388608 /dev/zero >"$T/zeros"
start=$(date +%s%N)
expect_exit 0 "$VITNET" connect "$PURL" <"$T/zeros"
took=$((($(date +%s%N) - start) / 1000000))
[[ $(stat -c %s "$OUT") == 8388608 ]] || fail "got $(stat -c %s "$OUT") bytes back, sent 8388608"
((took < 3000)) || fail "8 MiB took ${took}ms: latency is not pipelined"
