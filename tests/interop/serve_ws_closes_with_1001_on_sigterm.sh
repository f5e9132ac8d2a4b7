#!/usr/bin/env bash
# serve ws:// told to stop (SIGTERM) closes each open session with 1001 (going away) before it
# exits 130, so that clients (python3-websockets here) know it was a shutdown, not a failure.
source "$(dirname "$0")/../lib/lib.sh"
PY=/usr/bin/python3
$PY -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"
start_serve -k --echo "ws://127.0.0.1:0"
$PY - "$URL" "$SERVE_PID" <<'PY' || fail "the client did not see a 1001 close"
import asyncio, os, signal, sys, websockets
url, pid = sys.argv[1], int(sys.argv[2])
async def main():
    async with websockets.connect(url) as ws:
        await ws.send("hi")
        assert await asyncio.wait_for(ws.recv(), 5) == "hi"
        os.kill(pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(ws.recv(), 5)
        except websockets.exceptions.ConnectionClosed:
            pass
        assert ws.close_code == 1001, ws.close_code
asyncio.run(main())
PY
expect_serve_exit 130
