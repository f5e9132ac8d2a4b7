#!/usr/bin/env bash
# serve --idle-timeout closes a connection that is idle that long (close event reason idle_timeout);
# the client, whose stdin is still open, sees the close and exits 0.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo --idle-timeout 500ms --json 127.0.0.1:0

open_fifo c_in "$T/c.in"
bg timeout 20 "$VITNET" connect "$URL" <"$T/c.in" >"$T/c.out" 2>"$T/c.err"
c_pid=$BG_PID
echo 'ping' >&"$c_in"
wait_until 5 grep -q ping "$T/c.out" || fail "no echo before going idle"

wait_exit "$c_pid" 5
[[ $WAIT_RC == 0 ]] || { show "$T/c.err"; fail "client exited $WAIT_RC after the server's idle close"; }
expect_content "$T/c.out" 'ping\n'
expect_serve_exit 0

[[ $(json_get "$SERVE_OUT" close reason) == idle_timeout ]] || { show "$SERVE_OUT"; fail "close reason is not idle_timeout"; }
python3 -c 'import sys; d=float(sys.argv[1]); sys.exit(0 if 0.4 <= d < 5 else 1)' "$(json_get "$SERVE_OUT" close duration_s)" \
  || { show "$SERVE_OUT"; fail "duration_s is not about 0.5 s"; }
