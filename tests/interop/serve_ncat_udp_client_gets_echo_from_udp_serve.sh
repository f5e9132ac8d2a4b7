#!/usr/bin/env bash
# ncat -u as a client of `vitnet serve --echo udp://`: the datagram comes back to it.
source "$(dirname "$0")/../lib/lib.sh"

need ncat
start_serve --echo udp://127.0.0.1:0

# ncat -u quits at the end of its stdin without waiting for answers: keep stdin open for a second.
EXPECT_TIMEOUT=10 expect_exit 0 ncat -u 127.0.0.1 "$(url_port "$URL")" < <(printf 'datagram via ncat\n'; sleep 1)
expect_content "$OUT" 'datagram via ncat\n'
