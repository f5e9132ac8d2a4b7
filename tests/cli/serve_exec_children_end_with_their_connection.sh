#!/usr/bin/env bash
# serve --exec: a child (and everything in its process group: both sides of a pipeline) ends with
# its connection. A peer that resets: at once. A peer that leaves (end of stream) while the child
# says nothing: after 10 s. A child that answers after the peer's half-close still gets to.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --exec 'sleep 27.123 | cat' "tcp://127.0.0.1:0"
port=$(url_port "$URL")
left() { pgrep -f '^sleep 27[.]123$' | wc -l || true; }
none_left() { [[ $(left) == 0 ]]; }

# A reset: the child's group is ended right away.
python3 -c '
import socket, struct, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"x\n"); time.sleep(0.5)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); s.close()' "$port"
wait_until 4 none_left || fail "$(left) 'sleep' still running 4s after the peer reset"

# A peer that sends and closes: the silent child is ended after the 10 s linger.
python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"x\n"); s.close()' "$port"
sleep 1
[[ $(left) == 1 ]] || fail "the child should still have its linger ($(left) running)"
wait_until 14 none_left || fail "$(left) 'sleep' still running 15s after the peer left"
expect_running "$SERVE_PID" "the server"

# After a half-close the child still answers.
start_serve -k --exec 'read x; sleep 1; echo "got $x"' "tcp://127.0.0.1:0"
expect_exit 0 "$VITNET" connect "$URL" <<<"hi"
expect_content "$OUT" 'got hi\n'
