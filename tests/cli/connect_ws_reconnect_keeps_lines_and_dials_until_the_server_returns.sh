#!/usr/bin/env bash
# connect ws:// --reconnect: when the server goes away, a line sent meanwhile is kept and sent on
# the new connection, and dialling goes on (backing off) for as long as the server is down, not
# once: the server comes back after 2 s on the same port and gets the line.
source "$(dirname "$0")/../lib/lib.sh"
start_serve -k --echo "ws://127.0.0.1:0"
url=$URL
port=$(url_port "$url")
server=$SERVE_PID
open_fifo in "$T/in"
bg "$VITNET" connect "$url" --reconnect --retry-delay 100ms <"$T/in" >"$T/out" 2>"$T/err"
client=$BG_PID
echo one >&"$in"
wait_until 5 grep -q '^one$' "$T/out" || fail "the first line did not come back: $(cat "$T/err")"
kill "$server"
wait "$server" 2>/dev/null || true
wait_until 5 grep -q reconnecting "$T/err" || fail "the client did not notice the server left"
echo two >&"$in"
sleep 2
kill -0 "$client" 2>/dev/null || fail "the client gave up while the server was down: $(cat "$T/err")"
start_serve -k --echo "ws://127.0.0.1:$port"
wait_until 15 grep -q '^two$' "$T/out" || fail "the line sent while the server was down was lost: $(cat "$T/err")"
echo three >&"$in"
wait_until 5 grep -q '^three$' "$T/out" || fail "no echo after reconnecting"
close_fifo "$in"
wait_exit "$client" 5
[[ $WAIT_RC == 0 ]] || fail "the client exited $WAIT_RC at the end of stdin: $(cat "$T/err")"
