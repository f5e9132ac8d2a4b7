#!/usr/bin/env bash
# serve --backend http://B/api joined the raw request target to the prefix: "/../secret.txt" and
# "/%2e%2e/secret.txt" reached a file beside /api. The target's dot segments are removed first.
source "$(dirname "$0")/../lib/lib.sh"
mkdir -p "$T/site/api"
echo "secret" >"$T/site/secret.txt"
echo "public" >"$T/site/api/data.txt"
start_serve "http://127.0.0.1:0" --dir "$T/site"
backend=$URL
start_serve "http://127.0.0.1:0" --backend "$backend/api"
port=$(url_port "$URL")
get() {  # the raw target, as a client may send it (curl would normalise it first)
  python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET " + sys.argv[2].encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while True:
    b = s.recv(65536)
    if not b: break
    data += b
print(data.decode("latin-1"))' "$port" "$1"
}
get /data.txt >"$T/ok"
expect_contains "$T/ok" "public"
for target in /../secret.txt /%2e%2e/secret.txt /x/../../secret.txt /%2E%2e/%2e%2e/secret.txt; do
  get "$target" >"$T/out"
  expect_not_contains "$T/out" "secret"
  head -1 "$T/out" | grep -q ' 404 ' || fail "$target: $(head -1 "$T/out")"
done
