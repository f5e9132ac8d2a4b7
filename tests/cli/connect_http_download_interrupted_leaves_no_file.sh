#!/usr/bin/env bash
# SIGINT during a --download exits 130 and leaves neither the file nor its temporary beside it.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

bg "$VITNET" connect --download "$T/got" "http://127.0.0.1:$HTTP_PORT/slow?delay=20" 2>"$T/err"
pid=$BG_PID
has_temp() { compgen -G "$T/got.tmp.*" >/dev/null; }
wait_until 10 has_temp || fail "no temporary file appeared"
sleep 0.2
kill -INT "$pid"
wait_exit "$pid" 5
[[ $WAIT_RC == 130 ]] || { show "$T/err"; fail "exit $WAIT_RC, expected 130"; }
[[ ! -e $T/got ]] || fail "the file was written"
has_temp && fail "the temporary file was left behind"
true
