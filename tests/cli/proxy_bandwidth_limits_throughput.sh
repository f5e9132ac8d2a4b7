#!/usr/bin/env bash
# --bandwidth 2MB carries about 2 MB a second: 1 MB to a sink takes at least 0.4 s (and a sane
# upper bound), and the sink receives all of it.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_serve -k --sink --json 127.0.0.1:0
start_proxy 127.0.0.1:0 --to "$URL" --bandwidth 2MB --up

head -c 1000000 /dev/zero >"$T/data"
start=$(date +%s%N)
expect_exit 0 "$VITNET" connect "$PURL" <"$T/data"
took=$((($(date +%s%N) - start) / 1000000))
((took >= 400)) || fail "1 MB took ${took}ms at 2MB/s, expected at least 400ms"
((took < 3000)) || fail "1 MB took ${took}ms at 2MB/s, expected well under 3s"
wait_until 5 grep -q '"event":"close"' "$SERVE_OUT" || fail "the sink saw no close"
[[ $(json_get "$SERVE_OUT" close bytes_in) == 1000000 ]] || { show "$SERVE_OUT"; fail "the sink did not get 1000000 bytes"; }
