#!/usr/bin/env bash
# connect ws:// against servers nobody here wrote: python3-websockets (stdin lines become
# messages, messages become lines, -H reaches the server, the subprotocol is negotiated) and
# node's ws (binary messages); node's ws as a client of serve ws:// --echo, and of its pings.
source "$(dirname "$0")/../lib/lib.sh"
PY=/usr/bin/python3
$PY -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"
command -v node >/dev/null || skip "node is not installed"
NODE_PATH=/usr/share/nodejs node -e 'require("ws")' 2>/dev/null || skip "node ws is not installed"
export NODE_PATH=/usr/share/nodejs

bg $PY -c '
import asyncio, sys, websockets
async def handler(ws, path=None):
    token = ws.request_headers.get("X-Token", "none")
    await ws.send(f"hello {token} via {ws.subprotocol}")
    async for m in ws:
        await ws.send(m.upper() if isinstance(m, str) else m)
async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, subprotocols=["v2"]) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
' >"$T/py.port"
wait_until 10 test -s "$T/py.port" || fail "the python server did not start"
py=$(cat "$T/py.port")
printf 'one\ntwo\n' >"$T/in"
expect_exit 0 "$VITNET" connect --linger 300ms -H 'X-Token: abc' --protocol v1 --protocol v2 "ws://127.0.0.1:$py/" <"$T/in"
expect_content "$OUT" 'hello abc via v2\nONE\nTWO\n'

# node ws as the server: binary messages come back byte for byte (--raw: no newline added).
bg node -e '
const { WebSocketServer } = require("ws");
const s = new WebSocketServer({ host: "127.0.0.1", port: 0 });
s.on("listening", () => console.log(s.address().port));
s.on("connection", (ws) => ws.on("message", (m, binary) => ws.send(m, { binary })));
' >"$T/node.port"
wait_until 10 test -s "$T/node.port" || fail "the node server did not start"
node_port=$(head -n1 "$T/node.port")
printf 'raw bytes \x01\x02' >"$T/bin"
expect_exit 0 "$VITNET" connect --binary --raw --linger 300ms "ws://127.0.0.1:$node_port" <"$T/bin"
cmp "$OUT" "$T/bin" || fail "the binary echo differs"

# node ws as the client of vitnet.
start_serve -k --echo "ws://127.0.0.1:0"
node -e '
const WebSocket = require("ws");
const ws = new WebSocket(process.argv[1] + "/room");
ws.on("open", () => { ws.send("from node"); ws.send(Buffer.from([0, 255]), { binary: true }); });
const got = [];
ws.on("message", (m, binary) => {
  got.push(binary ? "bin:" + [...m].join(",") : m.toString());
  if (got.length === 2) ws.close(1000);
});
ws.on("close", (code) => { console.log(got.join("|"), code); process.exit(0); });
setTimeout(() => { console.log("timeout"); process.exit(1); }, 5000);
' "$URL" >"$T/node.out" || fail "node client: $(cat "$T/node.out")"
[[ $(cat "$T/node.out") == "from node|bin:0,255 1000" ]] || fail "node client got: $(cat "$T/node.out")"

# serve --ping-interval: node's client sees the pings (and answers them itself).
start_serve -k --echo --ping-interval 100ms "ws://127.0.0.1:0"
node -e '
const WebSocket = require("ws");
const ws = new WebSocket(process.argv[1]);
let pings = 0;
ws.on("ping", (data) => { if (++pings === 2) { console.log("pings", data.toString()); ws.close(1000); } });
ws.on("close", () => process.exit(0));
setTimeout(() => { console.log("only", pings); process.exit(1); }, 5000);
' "$URL" >"$T/ping.out" || fail "no pings: $(cat "$T/ping.out")"
[[ $(cat "$T/ping.out") == "pings vitnet" ]] || fail "pings: $(cat "$T/ping.out")"
