#!/usr/bin/python3
"""Speaks the NATS client protocol from raw sockets and prints, for each case, what the server
answered (INFO lines cut to their first word, server ids and ports left out), so that the output
from nats-server and from vitnet's broker can be compared line for line.

Usage: nats_raw.py HOST PORT
"""
import socket
import sys
import time

HOST, PORT = sys.argv[1], int(sys.argv[2])


def conn():
    s = socket.create_connection((HOST, PORT), timeout=5)
    info = b""
    while not info.endswith(b"\r\n"):
        chunk = s.recv(4096)
        if not chunk:
            break
        info += chunk
    return s


def talk(s, data, settle=0.3, expect_close=False):
    """Sends data (bytes, or a list of pieces sent apart), returns what came back within settle
    seconds, and whether the server closed the connection."""
    pieces = data if isinstance(data, list) else [data]
    for p in pieces:
        s.sendall(p)
        time.sleep(0.02)
    s.settimeout(settle)
    got, closed = b"", False
    deadline = time.time() + settle
    while time.time() < deadline:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            closed = True
            break
        if not chunk:
            closed = True
            break
        got += chunk
    return got, closed


def case(name, data, connect=b'CONNECT {"verbose":false,"pedantic":false}\r\n', settle=0.3):
    s = conn()
    if connect:
        s.sendall(connect)
    got, closed = talk(s, data, settle)
    s.close()
    text = got.decode("utf-8", "replace").replace("\r\n", "\\r\\n")
    print(f"{name}: {text}{' [closed]' if closed else ''}")


case("ping", b"PING\r\n")
case("lowercase ping", b"ping\r\n")
case("split control line", [b"PI", b"NG\r", b"\n"])
case("bare LF", b"PING\n")
case("pub then ping", b"PUB a 2\r\nhi\r\nPING\r\n")
case("sub and pub to self", b"SUB a 1\r\nPUB a 2\r\nhi\r\nPING\r\n")
case("payload with CRLF inside", b"SUB a 1\r\nPUB a 4\r\n\r\n\r\n\r\nPING\r\n")
case("wildcard star", b"SUB a.* 1\r\nPUB a.b 1\r\nx\r\nPUB a.b.c 1\r\ny\r\nPING\r\n")
case("wildcard gt", b"SUB a.> 1\r\nPUB a 1\r\nx\r\nPUB a.b.c 1\r\ny\r\nPING\r\n")
case("reply subject", b"SUB a 1\r\nPUB a r.1 2\r\nhi\r\nPING\r\n")
case("queue group", b"SUB a q 1\r\nPUB a 1\r\nx\r\nPING\r\n")
case("unsub max", b"SUB a 1\r\nUNSUB 1 2\r\nPUB a 1\r\nx\r\nPUB a 1\r\ny\r\nPUB a 1\r\nz\r\nPING\r\n")
case("unsub", b"SUB a 1\r\nUNSUB 1\r\nPUB a 1\r\nx\r\nPING\r\n")
case("hpub to headers client", b"SUB a 1\r\nHPUB a 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n",
     connect=b'CONNECT {"verbose":false,"headers":true}\r\n')
case("hpub to client without headers", b"SUB a 1\r\nHPUB a 18 20\r\nNATS/1.0\r\nk: v\r\n\r\nhi\r\nPING\r\n",
     connect=b'CONNECT {"verbose":false}\r\n')
case("no responders", b"SUB r 1\r\nPUB nobody r 0\r\n\r\nPING\r\n",
     connect=b'CONNECT {"verbose":false,"headers":true,"no_responders":true}\r\n')
case("no echo", b"SUB a 1\r\nPUB a 1\r\nx\r\nPING\r\n",
     connect=b'CONNECT {"verbose":false,"echo":false}\r\n')
case("verbose", b"SUB a 1\r\nPUB a 1\r\nx\r\nUNSUB 1\r\nPING\r\n",
     connect=b'CONNECT {"verbose":true}\r\n')
case("pedantic wildcard publish", b"PUB a.* 1\r\nx\r\nPING\r\n",
     connect=b'CONNECT {"verbose":false,"pedantic":true}\r\n')
case("invalid subject in SUB", b"SUB a..b 1\r\nPING\r\n")
case("unknown operation", b"FOO bar\r\n")
case("pub without size", b"PUB a\r\n")
case("pub size not a number", b"PUB a xx\r\n")
case("max payload", b"PUB a 2000000\r\n")
case("max control line", b"SUB " + b"a" * 5000 + b" 1\r\n")
case("payload not followed by CRLF", b"PUB a 2\r\nhiXX")
