#!/usr/bin/env bash
# serve --broadcast: a 9 MiB message (under the 16 MiB --max-message) closed every other member
# with 1008, the room's backlog limit (8 MiB) being below the largest message; and each member got
# its own copy of each frame (7 MiB to 20 members: +86 MB). Now the backlog limit is above the
# largest message and a frame is encoded once, shared by every member's queue.
source "$(dirname "$0")/../lib/lib.sh"
start_serve -k --broadcast "ws://127.0.0.1:0"

members=20
open_fifo quiet "$T/quiet"  # the members' stdin: open, and silent
for ((i = 1; i <= members; i++)); do
  bg "$VITNET" connect "$URL" <"$T/quiet" >"$T/m$i.out" 2>"$T/m$i.err"
done
sleep 1
hwm() { mem_kib "$SERVE_PID" VmHWM; }
before=$(hwm)
python3 -c 'import sys; sys.stdout.write("x" * (9 << 20) + "\n")' >"$T/big"
expect_exit 0 "$VITNET" connect "$URL" <"$T/big"
got_all() {
  for ((i = 1; i <= members; i++)); do
    [[ $(stat -c %s "$T/m$i.out") -ge $((9 << 20)) ]] || return 1
  done
}
wait_until 20 got_all || fail "not every member got the 9 MiB message: $(cat "$T"/m*.err | sort | uniq -c)"
after=$(hwm)
echo "server peak RSS: $before -> $after KiB for a 9 MiB message to $members members"
((after - before < 64 * 1024)) || fail "the server's peak grew by $(((after - before) / 1024)) MiB"
grep -l 1008 "$T"/m*.err && fail "a member was closed as too slow"
true
