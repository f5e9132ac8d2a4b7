#!/usr/bin/env python3
"""Sends stdin's lines to HOST:PORT as they are, then prints what comes back, line by line, until
COUNT lines came or SECONDS passed without one (a test's raw JSON-RPC client).

usage: rpc_lines.py HOST PORT COUNT [SECONDS]"""
import socket
import sys
import time

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
quiet = float(sys.argv[4]) if len(sys.argv) > 4 else 3.0
conn = socket.create_connection((host, port), timeout=5)
conn.sendall(sys.stdin.buffer.read())
conn.settimeout(quiet)
data = b""
deadline = time.monotonic() + 30
while data.count(b"\n") < count and time.monotonic() < deadline:
    try:
        chunk = conn.recv(65536)
    except socket.timeout:
        break
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.decode("utf-8", "replace"))
conn.close()
