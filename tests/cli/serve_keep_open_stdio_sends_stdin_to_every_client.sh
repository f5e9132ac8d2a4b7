#!/usr/bin/env bash
# serve -k in stdio mode does what ncat -k does: stdin goes to every client connected at the time,
# what each client sends goes to stdout; a client leaving does not stop the others, and at the end
# of stdin each client's sending direction is shut (a half-close: socat then exits). Nothing is
# dropped: 4 MiB of stdin reach a client byte-exact. Clients are ncat and socat.
source "$(dirname "$0")/../lib/lib.sh"
need ncat
need socat

open_fifo in "$T/serve.in"
SERVE_STDIN=$T/serve.in start_serve -k --json 127.0.0.1:0
port=$(url_port "$URL")

open_fifo a_in "$T/a.in"
open_fifo b_in "$T/b.in"
bg ncat 127.0.0.1 "$port" <"$T/a.in" >"$T/a.out" 2>"$T/a.err"
a_pid=$BG_PID
bg socat - "TCP:127.0.0.1:$port" <"$T/b.in" >"$T/b.out" 2>"$T/b.err"
b_pid=$BG_PID
wait_until 5 has_lines 2 "$SERVE_ERR" '"event":"open"' || { show "$SERVE_ERR"; fail "two clients did not connect"; }

printf 'hello all\n' >&"$in"
wait_until 5 grep -q 'hello all' "$T/a.out" || { show "$T/a.out"; fail "the first client did not get stdin"; }
wait_until 5 grep -q 'hello all' "$T/b.out" || { show "$T/b.out"; fail "the second client did not get stdin"; }

printf 'from a\n' >&"$a_in"
printf 'from b\n' >&"$b_in"
wait_until 5 grep -q 'from a' "$SERVE_OUT" || { show "$SERVE_OUT"; fail "the first client's line is not on stdout"; }
wait_until 5 grep -q 'from b' "$SERVE_OUT" || { show "$SERVE_OUT"; fail "the second client's line is not on stdout"; }

# The first client ends its input: its session ends, the other goes on.
close_fifo "$a_in"
wait_exit "$a_pid" 5
wait_until 5 has_lines 1 "$SERVE_ERR" '"event":"close"' || { show "$SERVE_ERR"; fail "no close event for the first client"; }
head -c 4194304 /dev/urandom >"$T/blob"
{ printf 'after a left\n'; cat "$T/blob"; } >&"$in"
close_fifo "$in"

# At the end of stdin the second client is told (socat exits) and has everything, in order.
wait_exit "$b_pid" 10
{ printf 'hello all\nafter a left\n'; cat "$T/blob"; } >"$T/b.want"
cmp -s "$T/b.want" "$T/b.out" || fail "the second client got $(wc -c <"$T/b.out") bytes, not the $(wc -c <"$T/b.want") sent, in order"
[[ $(cat "$T/a.out") == 'hello all' ]] || { show "$T/a.out"; fail "the first client got what was sent after it left"; }
expect_running "$SERVE_PID" "serve -k after stdin ended"

# A client that comes after stdin ended is told at once, and can still be heard.
open_fifo c_in "$T/c.in"
printf 'late\n' >&"$c_in"
EXPECT_TIMEOUT=5 expect_exit 0 socat - "TCP:127.0.0.1:$port" <"$T/c.in"
[[ ! -s $OUT ]] || { show "$OUT"; fail "a late client got data"; }
wait_until 5 grep -q late "$SERVE_OUT" || { show "$SERVE_OUT"; fail "the late client was not heard"; }
