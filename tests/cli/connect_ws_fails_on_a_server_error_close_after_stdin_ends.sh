#!/usr/bin/env bash
# connect ws://: stdin has ended and the client lingers for answers when the server closes with
# 1011 (internal error): the client exits 76 and says why, instead of 0. A server that answers
# the client's own close normally still gives 0.
source "$(dirname "$0")/../lib/lib.sh"
PY=/usr/bin/python3
$PY -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"
bg $PY - "$T/port" <<'PY'
import asyncio, sys, os, websockets
async def handler(ws, *rest):
    msg = await ws.recv()
    if msg == "fail":
        await ws.close(1011, "the handler broke")
    else:
        await ws.send("got " + msg)
        await ws.wait_closed()
async def main():
    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        with open(sys.argv[1] + ".tmp", "w") as f:
            f.write(str(port))
        os.rename(sys.argv[1] + ".tmp", sys.argv[1])
        await asyncio.sleep(60)
asyncio.run(main())
PY
wait_until 10 test -s "$T/port" || fail "the python server did not start"
url="ws://127.0.0.1:$(cat "$T/port")/"
rc=0
printf 'fail\n' | timeout 10 "$VITNET" connect "$url" --linger 2s >"$T/out" 2>"$T/err" || rc=$?
[[ $rc == 76 ]] || fail "a 1011 close after stdin ended should exit 76, got $rc: $(cat "$T/err")"
expect_contains "$T/err" "1011"
rc=0
printf 'hello\n' | timeout 10 "$VITNET" connect "$url" --linger 500ms >"$T/out2" 2>"$T/err2" || rc=$?
[[ $rc == 0 ]] || fail "a normal exchange should exit 0, got $rc: $(cat "$T/err2")"
expect_content "$T/out2" 'got hello\n'
