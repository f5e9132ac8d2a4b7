#!/usr/bin/env bash
# serve --backend passes WebSocket upgrades on: python3-websockets, through the proxy, talks to a
# vitnet ws:// echo backend (text, binary, a 1 MiB message) and to a broadcast room; a backend that
# declines the upgrade has its answer passed back.
source "$(dirname "$0")/../lib/lib.sh"
PY=/usr/bin/python3
$PY -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"
start_serve -k --echo "ws://127.0.0.1:0"
echo_port=$(url_port "$URL")
start_serve "http://127.0.0.1:0" --backend "http://127.0.0.1:$echo_port" -q
proxy=${URL/http:/ws:}
$PY - "$proxy" <<'PY' || fail "python websockets through the proxy"
import asyncio, sys, websockets
url = sys.argv[1]
async def main():
    async with websockets.connect(url + "/x") as ws:
        await ws.send("hello through")
        assert await asyncio.wait_for(ws.recv(), 5) == "hello through"
        big = bytes(range(256)) * 4096
        await ws.send(big)
        assert await asyncio.wait_for(ws.recv(), 5) == big
    assert ws.close_code == 1000, ws.close_code
asyncio.run(main())
PY
# A backend that is no WebSocket server answers the upgrade with its own status.
cat >"$T/routes.toml" <<'TOML'
[[route]]
path = "/**"
status = 404
body = "no sockets here"
TOML
start_serve "http://127.0.0.1:0" --routes "$T/routes.toml" -q
start_serve "http://127.0.0.1:0" --backend "$URL" -q
code=$(curl -s -o "$T/declined" -w '%{http_code}' --max-time 5 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
  -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$URL/x")
[[ $code == 404 ]] || fail "a declined upgrade should pass the backend's 404 on, got $code"
expect_contains "$T/declined" "no sockets here"
