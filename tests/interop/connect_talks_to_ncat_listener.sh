#!/usr/bin/env bash
# `vitnet connect` to `ncat -l`: each side receives exactly what the other sent, and connect exits 0.
source "$(dirname "$0")/../lib/lib.sh"

need ncat
port=$(free_port)
echo 'from ncat' >"$T/ncat.in"
bg timeout 20 ncat -l 127.0.0.1 "$port" <"$T/ncat.in" >"$T/ncat.out" 2>"$T/ncat.err"
ncat_pid=$BG_PID
wait_until 5 tcp_listening "$port" || { show "$T/ncat.err"; fail "ncat is not listening on $port"; }

echo 'from vitnet' >"$T/in"
expect_exit 0 "$VITNET" connect "127.0.0.1:$port" <"$T/in"
expect_content "$OUT" 'from ncat\n'
expect_empty "$ERR"

wait_exit "$ncat_pid" 5
expect_content "$T/ncat.out" 'from vitnet\n'
