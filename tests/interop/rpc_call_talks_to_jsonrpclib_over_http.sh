#!/usr/bin/env bash
# rpc call and notify over HTTP (one POST each) against python's jsonrpclib-pelix server: a
# result (exit 0), the server's error objects for an exception and an unknown method (exit 1),
# a notification accepted (exit 0), and a server that is not there (69).
source "$(dirname "$0")/../lib/lib.sh"
PY=/usr/bin/python3  # Debian's python, which has python3-jsonrpclib-pelix
$PY -c 'import jsonrpclib' 2>/dev/null || skip "python3-jsonrpclib-pelix is not installed"
cat >"$T/server.py" <<'PY'
from jsonrpclib.SimpleJSONRPCServer import SimpleJSONRPCServer
s = SimpleJSONRPCServer(("127.0.0.1", 0), logRequests=False)
s.register_function(lambda minuend, subtrahend: minuend - subtrahend, "subtract")
def fail():
    raise ValueError("it failed")
s.register_function(fail, "fail")
print(s.socket.getsockname()[1], flush=True)
s.serve_forever()
PY
bg $PY "$T/server.py" >"$T/port" 2>"$T/server.err"
wait_until 5 test -s "$T/port" || fail "the jsonrpclib server did not start"
U="http://127.0.0.1:$(cat "$T/port")/"

expect_exit 0 "$VITNET" rpc call "$U" subtract 42 23
expect_content "$OUT" '19\n'
expect_exit 0 "$VITNET" rpc call "$U" subtract subtrahend=23 minuend=42
expect_content "$OUT" '19\n'
expect_exit 1 "$VITNET" rpc call "$U" fail
expect_contains "$OUT" '"code":-32603'
expect_contains "$OUT" 'it failed'
expect_exit 1 "$VITNET" rpc call "$U" nosuch
expect_contains "$OUT" '"code":-32601'
expect_exit 0 "$VITNET" rpc notify "$U" subtract 1 2
expect_exit 0 "$VITNET" rpc call --bearer t0k -H 'X-Trace: 1' "$U" subtract 5 1
expect_content "$OUT" '4\n'
expect_exit 69 "$VITNET" rpc call "http://127.0.0.1:$(free_port)/" subtract 1 2
