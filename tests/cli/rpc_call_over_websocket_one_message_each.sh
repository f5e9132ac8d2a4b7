#!/usr/bin/env bash
# rpc call and notify over ws:// (python3-websockets as the server): one text message per
# JSON-RPC message, a normal close after the answer; the error object (exit 1); a server that
# never answers (75); the server's request to the client answered; headers on the upgrade.
source "$(dirname "$0")/../lib/lib.sh"
PY=/usr/bin/python3  # Debian's python, which has python3-websockets
$PY -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"
cat >"$T/server.py" <<'PY'
import asyncio, json, sys
import websockets

async def handle(ws, *_):
    auth = ws.request_headers.get("Authorization", "") if hasattr(ws, "request_headers") else ""
    async for text in ws:
        msg = json.loads(text)
        if "id" not in msg:
            with open(sys.argv[1], "a") as f:
                f.write(text + "\n")
            continue
        m, p, i = msg["method"], msg.get("params"), msg["id"]
        if m == "subtract":
            await ws.send(json.dumps({"jsonrpc": "2.0", "result": p[0] - p[1], "id": i}))
        elif m == "fail":
            await ws.send(json.dumps({"jsonrpc": "2.0", "error": {"code": -32001, "message": "no"}, "id": i}))
        elif m == "auth":
            await ws.send(json.dumps({"jsonrpc": "2.0", "result": auth, "id": i}))
        elif m == "ask":
            await ws.send(json.dumps({"jsonrpc": "2.0", "method": "client/registerCapability", "id": 99}))
            back = json.loads(await ws.recv())
            await ws.send(json.dumps({"jsonrpc": "2.0", "result": back, "id": i}))

async def main():
    async with websockets.serve(handle, "127.0.0.1", 0) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()

asyncio.run(main())
PY
bg $PY "$T/server.py" "$T/notes.log" >"$T/port" 2>"$T/server.err"
wait_until 5 test -s "$T/port" || { show "$T/server.err"; fail "the websocket server did not start"; }
U="ws://127.0.0.1:$(cat "$T/port")/"

expect_exit 0 "$VITNET" rpc call "$U" subtract 42 23
expect_content "$OUT" '19\n'
expect_exit 1 "$VITNET" rpc call "$U" fail
expect_content "$OUT" '{"code":-32001,"message":"no"}\n'
expect_exit 75 "$VITNET" rpc call --timeout 300ms "$U" silent
expect_exit 0 "$VITNET" rpc call "$U" ask
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert a["id"] == 99 and a["result"] is None, a' "$OUT" ||
  { show "$OUT"; fail "the server's request was not answered"; }
expect_exit 0 "$VITNET" rpc call --bearer s3cret "$U" auth
expect_content "$OUT" '"Bearer s3cret"\n'
expect_exit 0 "$VITNET" rpc notify "$U" log text=hi
wait_until 5 grep -q '"text":"hi"' "$T/notes.log" || { show "$T/notes.log"; fail "the notification did not arrive"; }
