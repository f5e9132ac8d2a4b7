#!/usr/bin/env bash
# A WebSocket client that sends without ever reading once grew the server by what it sent (300 MiB
# sent: 318 MB). The server now stops reading while replies (echoes, pongs) or a child's input are
# queued past a bound, so the sender waits in TCP instead: it gets only a few MiB in, and the
# server's memory stays near its baseline. Checked for --echo, --exec and pings.
source "$(dirname "$0")/../lib/lib.sh"

cat >"$T/flood.py" <<'PY'
import base64, os, socket, struct, sys, time
port, kind, limit = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          b"Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)) +
          b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(1)
assert b" 101 " in head.split(b"\r\n")[0], head
payload = b"x" * 65534 + b"\n" if kind == "text" else b"p" * 125
op = 0x81 if kind == "text" else 0x89  # text, or ping (answered with pongs)
n = len(payload)
hdr = bytes([op, 0x80 | 126]) + struct.pack(">H", n) if n > 125 else bytes([op, 0x80 | n])
frame = hdr + b"\0\0\0\0" + payload  # a zero mask: valid, and no work to apply
s.settimeout(2)
sent = 0
try:
    while sent < limit:
        s.sendall(frame * 16)
        sent += len(frame) * 16
except socket.timeout:
    pass
print(sent)
sys.stdout.flush()
time.sleep(0.5)
PY

rss_kib() { mem_kib "$1" VmRSS; }

check() {  # check LABEL KIND serve-args...
  local label=$1 kind=$2
  shift 2
  start_serve -k "$@" "ws://127.0.0.1:0"
  local base sent peak
  base=$(rss_kib "$SERVE_PID")
  sent=$(timeout 60 python3 "$T/flood.py" "$(url_port "$URL")" "$kind" $((256 << 20)))
  peak=$(rss_kib "$SERVE_PID")
  echo "$label: sent $((sent >> 20)) MiB before the server pushed back; RSS ${base} -> ${peak} KiB"
  ((sent < (128 << 20))) || fail "$label: the server took $((sent >> 20)) MiB from a peer that reads nothing"
  ((peak - base < 48 * 1024)) || fail "$label: the server grew by $(((peak - base) / 1024)) MiB"
  kill "$SERVE_PID"
}

check echo text --echo
check exec text --exec 'sleep 30'
check pings ping --echo
