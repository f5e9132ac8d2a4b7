#!/usr/bin/python3
"""A NATS client that misbehaves on purpose, for the broker's defences.

  nats_stall.py HOST PORT slow SUBJECT   subscribe, then never read again (a slow consumer)
  nats_stall.py HOST PORT silent         connect and say nothing (no CONNECT): auth timeout
  nats_stall.py HOST PORT mute           CONNECT, then never answer PING (a stale connection)
  nats_stall.py HOST PORT early          PUB before CONNECT on a broker that wants auth
Prints what the broker sent (CRLF shown as \\r\\n) and whether it closed, within 10 s.
"""
import socket
import sys
import time

host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.create_connection((host, port), timeout=10)
if mode == "slow":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b'CONNECT {"verbose":false}\r\nSUB ' + sys.argv[4].encode() + b" 1\r\nPING\r\n")
    print("subscribed", flush=True)
    time.sleep(8)  # reads nothing meanwhile
    sys.exit(0)
if mode == "mute":
    s.sendall(b'CONNECT {"verbose":false}\r\n')
if mode == "early":
    s.sendall(b"PUB a 1\r\nx\r\n")
got, closed, start = b"", False, time.time()
s.settimeout(0.5)
while time.time() - start < 10:
    try:
        chunk = s.recv(65536)
    except socket.timeout:
        continue
    except ConnectionResetError:
        closed = True
        break
    if not chunk:
        closed = True
        break
    got += chunk
print(got.split(b"\r\n", 1)[1].decode().replace("\r\n", "\\r\\n") + (" [closed]" if closed else ""))
