#!/usr/bin/env bash
# A SUBACK that refuses a filter (0x80 in 3.1.1, 0x87 not authorized in 5) ends mq sub with exit 76
# naming the filter. (mosquitto 2.0 grants every well-formed filter, so the broker here is a small
# scripted one that refuses filters under secret/.)
source "$(dirname "$0")/../lib/lib.sh"
need python3
cat >"$T/broker.py" <<'PY'
import os, socket, sys, threading
def read_packet(c):
    first = c.recv(1)
    if not first:
        return None, None
    n, shift = 0, 0
    while True:
        b = c.recv(1)[0]
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    body = b""
    while len(body) < n:
        chunk = c.recv(n - len(body))
        if not chunk:
            return None, None
        body += chunk
    return first[0], body
def serve(c):
    c.settimeout(20)
    kind, body = read_packet(c)
    v5 = body[6] == 5
    c.sendall(b"\x20\x03\x00\x00\x00" if v5 else b"\x20\x02\x00\x00")
    while True:
        kind, body = read_packet(c)
        if kind is None or kind == 0xE0:
            break
        if kind == 0x82:  # SUBSCRIBE: the id, (5: properties), then filter and options
            pos = 2 + (1 + body[2] if v5 else 0)
            size = body[pos] << 8 | body[pos + 1]
            topic = body[pos + 2 : pos + 2 + size]
            ok = not topic.startswith(b"secret/")
            code = b"\x01" if ok else (b"\x87" if v5 else b"\x80")
            rest = (b"\x00" if v5 else b"") + code
            c.sendall(bytes([0x90, 2 + len(rest)]) + body[:2] + rest)
        elif kind == 0xC0:
            c.sendall(b"\xd0\x00")
    c.close()
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(f"{s.getsockname()[1]}\n")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(60)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY
bg python3 "$T/broker.py" "$T/port"
wait_until 10 test -s "$T/port" || fail "the scripted broker did not start"
URL=mqtt://127.0.0.1:$(cat "$T/port")
expect_exit 76 "$VITNET" mq sub "$URL" 'open/#' 'secret/#' --qos 1 --timeout 2s
expect_contains "$ERR" "refused the subscription to 'secret/#': unspecified error (0x80)"
expect_diagnostic "$ERR"
expect_exit 76 "$VITNET" mq sub "$URL" 'secret/#' --mqtt 5 --timeout 2s
expect_contains "$ERR" "refused the subscription to 'secret/#': not authorized (0x87)"
EXPECT_TIMEOUT=10 expect_exit 75 "$VITNET" mq sub "$URL" 'open/#' --timeout 1s
expect_contains "$ERR" "no message within"
