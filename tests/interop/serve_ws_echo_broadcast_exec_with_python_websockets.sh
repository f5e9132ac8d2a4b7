#!/usr/bin/env bash
# serve ws:// with python3-websockets as the client: echo (text, binary, a 1 MB message, ping),
# broadcast rooms by path, --exec with one child per connection, subprotocol choice, and a
# plain HTTP request answered 426.
source "$(dirname "$0")/../lib/lib.sh"
PY=/usr/bin/python3
$PY -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"

start_serve -k --echo --protocol chat.v2 --protocol chat.v1 "ws://127.0.0.1:0"
echo_url=$URL
start_serve -k --broadcast "ws://127.0.0.1:0"
room_url=$URL
start_serve -k --exec 'while read -r l; do echo "child $$ got $l"; done' "ws://127.0.0.1:0"
exec_url=$URL
code=$(curl -s -o /dev/null -w '%{http_code}' "${echo_url/ws:/http:}/")
[[ $code == 426 ]] || fail "a plain GET should get 426, got $code"

$PY - "$echo_url" "$room_url" "$exec_url" <<'PY' || fail "python websockets client"
import asyncio, sys, websockets
echo_url, room_url, exec_url = sys.argv[1:4]
async def main():
    async with websockets.connect(echo_url, subprotocols=["chat.v1", "chat.v2"]) as ws:
        assert ws.subprotocol == "chat.v2", ws.subprotocol
        await ws.send("héllo")
        assert await ws.recv() == "héllo"
        await ws.send(b"\x00\xffbin")
        assert await ws.recv() == b"\x00\xffbin"
        big = bytes(range(256)) * 4096
        await ws.send(big)
        assert await ws.recv() == big
        await (await ws.ping(b"p"))
    assert ws.close_code == 1000, ws.close_code
    a = await websockets.connect(room_url + "/one")
    b = await websockets.connect(room_url + "/one")
    c = await websockets.connect(room_url + "/two")
    await asyncio.sleep(0.2)
    await a.send("to room one")
    assert await asyncio.wait_for(b.recv(), 5) == "to room one"
    try:
        await asyncio.wait_for(c.recv(), 0.5)
        raise SystemExit("room two got room one's message")
    except asyncio.TimeoutError:
        pass
    for w in (a, b, c):
        await w.close()
    x = await websockets.connect(exec_url)
    y = await websockets.connect(exec_url)
    await x.send("one")
    await y.send("two")
    rx, ry = await asyncio.wait_for(x.recv(), 5), await asyncio.wait_for(y.recv(), 5)
    assert rx.startswith("child ") and rx.endswith(" got one"), rx
    assert ry.endswith(" got two") and rx.split()[1] != ry.split()[1], (rx, ry)
    await x.close()
    await y.close()
asyncio.run(main())
PY
