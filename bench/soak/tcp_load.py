"""TCP relay load for bench/soak.sh: random data through `vitnet proxy` to an echo server.

Usage: tcp_load.py PORT SECONDS OUT

One connection at a time: send 16 KiB to 4 MiB of random bytes (half-closing after them) while
reading the echo. Without a reset the echo must equal what was sent (SHA-256 of both); after a
reset (--reset-after) what came back must be a prefix of it. OUT gets JSON counts.
"""
import collections
import hashlib
import json
import random
import socket
import sys
import threading
import time

port, seconds, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
deadline = time.monotonic() + seconds
stats = collections.Counter()
rnd = random.Random(7)


def sender(sock, data, result):
    try:
        view = memoryview(data)
        for i in range(0, len(data), 65536):
            sock.sendall(view[i:i + 65536])
        sock.shutdown(socket.SHUT_WR)
    except OSError as e:
        result.append(type(e).__name__)


n = 0
while time.monotonic() < deadline and n < 1_000_000:
    n += 1
    data = rnd.randbytes(rnd.choice([16 << 10, 200 << 10, 1 << 20, 4 << 20]))
    got = bytearray()
    failed = []
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
    except OSError as e:
        stats["connect_errors"] += 1
        time.sleep(0.2)
        continue
    t = threading.Thread(target=sender, args=(s, data, failed))
    t.start()
    try:
        while True:
            chunk = s.recv(262144)
            if not chunk:
                break
            got += chunk
    except OSError as e:
        failed.append(type(e).__name__)
    t.join(60)
    s.close()
    stats["connections"] += 1
    stats["bytes_sent"] += len(data)
    stats["bytes_back"] += len(got)
    if len(got) == len(data) and hashlib.sha256(got).digest() == hashlib.sha256(data).digest():
        stats["byte_exact"] += 1
    elif len(got) < len(data) and got == data[:len(got)]:
        stats["reset_with_exact_prefix"] += 1
    else:
        stats["corrupt"] += 1
    if failed:
        stats["socket_errors"] += 1
    time.sleep(0.01)

json.dump({"totals": stats}, open(out, "w"))
