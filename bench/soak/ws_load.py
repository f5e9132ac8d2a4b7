"""WebSocket load for bench/soak.sh (python3-websockets): echo and broadcast until a deadline.

Usage: ws_load.py ECHO_URL ROOM_URL SECONDS OUT

Echo: ECHO_CLIENTS clients each open a connection, send a few text or binary messages of 16 B to
1 MiB, check every echo is the same message, then close (one in five drops the TCP connection
without a close instead), and start again. Broadcast: one publisher sends numbered messages
every 10 ms; SUBSCRIBERS members each stay 5-30 s, check the numbers they get follow each other
with none missing or out of order, then leave and join again. OUT gets JSON counts.
"""
import asyncio
import base64
import collections
import json
import os
import random
import sys
import time

import websockets

ECHO_CLIENTS = 2
SUBSCRIBERS = 4
echo_url, room_url, seconds, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
stats = collections.Counter()
errors = collections.Counter()
loop_deadline = time.monotonic() + seconds


def left():
    return loop_deadline - time.monotonic()


async def echo_client(seed):
    rnd = random.Random(seed)
    n = 0
    while left() > 0 and n < 1_000_000:
        n += 1
        try:
            ws = await asyncio.wait_for(websockets.connect(echo_url, max_size=None), 10)
            stats["echo_connections"] += 1
            for _ in range(rnd.randint(1, 20)):
                size = rnd.choice([16, 300, 4096, 65536, 1 << 20])
                raw = os.urandom(size)
                msg = raw if rnd.random() < 0.5 else base64.b64encode(raw)[:size].decode()
                await ws.send(msg)
                got = await asyncio.wait_for(ws.recv(), 30)
                stats["echo_messages"] += 1
                stats["echo_bytes"] += size
                if got != msg:
                    stats["echo_wrong"] += 1
            if rnd.random() < 0.2:
                ws.transport.abort()  # gone without a close frame
                stats["echo_aborted"] += 1
            else:
                await asyncio.wait_for(ws.close(), 10)
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as e:
            errors["echo " + type(e).__name__] += 1
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.01)


async def publisher():
    seq = 0
    while left() > 0:
        try:
            async with websockets.connect(room_url) as ws:
                stats["publisher_connections"] += 1
                while left() > 0:
                    seq += 1
                    await ws.send(f"{seq} " + "p" * (seq % 512))
                    stats["room_sent"] += 1
                    await asyncio.sleep(0.01)
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as e:
            errors["publisher " + type(e).__name__] += 1
            await asyncio.sleep(0.2)


async def subscriber(seed):
    rnd = random.Random(seed)
    while left() > 1:
        stay = min(rnd.uniform(5, 30), left() - 1)
        last = None
        try:
            async with websockets.connect(room_url, max_size=None) as ws:
                stats["subscriber_joins"] += 1
                until = time.monotonic() + stay
                while time.monotonic() < until:
                    try:
                        msg = await asyncio.wait_for(ws.recv(), until - time.monotonic())
                    except asyncio.TimeoutError:
                        break
                    seq = int(msg.split(" ", 1)[0])
                    stats["room_received"] += 1
                    if last is not None and seq != last + 1:
                        stats["room_gaps"] += 1
                    last = seq
        except (OSError, websockets.WebSocketException) as e:
            errors["subscriber " + type(e).__name__] += 1
            await asyncio.sleep(0.2)


async def main():
    tasks = [echo_client(i) for i in range(ECHO_CLIENTS)]
    tasks += [subscriber(100 + i) for i in range(SUBSCRIBERS)]
    tasks.append(publisher())
    # Every task ends by the deadline; the extra minute only catches a hang.
    await asyncio.wait_for(asyncio.gather(*tasks), seconds + 60)


asyncio.run(main())
json.dump({"totals": stats, "errors": errors}, open(out, "w"))
