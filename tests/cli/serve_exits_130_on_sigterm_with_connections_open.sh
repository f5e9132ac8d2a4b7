#!/usr/bin/env bash
# SIGTERM while connections are open (an idle HTTP keep-alive, a WebSocket echo paused by
# back-pressure, a TCP --exec session) ends the server with 130. It once crashed instead (SIGSEGV: a connection's
# coroutine, destroyed after the server, reached into the server's freed connection list).
source "$(dirname "$0")/../lib/lib.sh"

hold_open() {  # hold_open PORT REQUEST [FLOOD]: a connection that sends REQUEST and stays,
  # with FLOOD: then sends WebSocket frames without reading until the server pushes back
  bg python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
if len(sys.argv) > 3:
    frame = bytes([0x82, 0x80 | 126]) + (60000).to_bytes(2, "big") + bytes(4) + bytes(60000)
    s.settimeout(1)
    try:
        while True: s.sendall(frame)
    except OSError: pass
time.sleep(30)' "$@"
}

for kind in http ws tcp; do
  case $kind in
    http) start_serve "http://127.0.0.1:0" --dir "$T"
          req='GET / HTTP/1.1\r\nHost: x\r\n\r\n' ;;
    ws) start_serve -k --echo "ws://127.0.0.1:0"
        req='GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n' ;;
    tcp) start_serve -k --exec 'sleep 30' "tcp://127.0.0.1:0"
         req='hello\n' ;;
  esac
  port=$(url_port "$URL")
  hold_open "$port" "$req"
  hold_open "$port" "$req" flood  # (an HTTP or TCP server just stops reading it)
  sleep 1.5
  kill -TERM "$SERVE_PID"
  expect_serve_exit 130
done
