#!/usr/bin/env bash
# serve http:// middleware: --basic-auth and --bearer (401 with WWW-Authenticate, then 200),
# --cors (preflight answered without credentials, Access-Control-Allow-Origin on answers),
# --header on every response, --json request log, --max-conns answered 503; and https:// with
# an ephemeral certificate.
source "$(dirname "$0")/../lib/lib.sh"
need curl

mkdir -p "$T/www"
echo secret-page >"$T/www/a.txt"
start_serve --json "http://127.0.0.1:0" --dir "$T/www" --basic-auth dev:pw --cors --header 'X-Served-By: vitnet'
code=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' "$URL/a.txt")
[[ $code == 401 ]] || fail "no credentials gave $code"
grep -qi '^www-authenticate: Basic realm="vitnet"' "$T/h" || fail "no WWW-Authenticate: $(cat "$T/h")"
[[ $(curl -s -o /dev/null -w '%{http_code}' -u dev:wrong "$URL/a.txt") == 401 ]] || fail "a wrong password got in"
[[ $(curl -sf -u dev:pw "$URL/a.txt") == secret-page ]] || fail "the right password did not get in"
curl -s -D "$T/h" -o /dev/null -u dev:pw -H 'Origin: http://app.test' "$URL/a.txt"
grep -qi '^access-control-allow-origin: http://app.test' "$T/h" || fail "no CORS header: $(cat "$T/h")"
grep -qi '^x-served-by: vitnet' "$T/h" || fail "--header missing: $(cat "$T/h")"
code=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' -X OPTIONS -H 'Origin: http://app.test' \
  -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: X-Thing' "$URL/a.txt")
[[ $code == 204 ]] || fail "preflight gave $code"
grep -qi '^access-control-allow-headers: X-Thing' "$T/h" || fail "preflight headers: $(cat "$T/h")"
grep -q '"event":"request".*"path":"/a.txt","query":"","status":200' "$SERVE_OUT" || fail "no NDJSON request log: $(cat "$SERVE_OUT")"

start_serve "http://127.0.0.1:0" --dir "$T/www" --bearer t0ken
[[ $(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer nope' "$URL/a.txt") == 401 ]] || fail "a wrong token got in"
[[ $(curl -sf -H 'Authorization: Bearer t0ken' "$URL/a.txt") == secret-page ]] || fail "the token did not get in"

start_serve "https://127.0.0.1:0" --dir "$T/www"
expect_contains "$SERVE_ERR" "ephemeral self-signed certificate"
[[ $(curl -sfk "$URL/a.txt") == secret-page ]] || fail "https GET failed"

# --max-conns 1: a second connection while the first is open is told 503.
start_serve "http://127.0.0.1:0" --dir "$T/www" --max-conns 1 --workers 1
port=$(url_port "$URL")
python3 - "$port" <<'PY' || fail "max-conns"
import socket, sys, time
port = int(sys.argv[1])
a = socket.create_connection(("127.0.0.1", port))
a.sendall(b"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
assert a.recv(4096).startswith(b"HTTP/1.1 200"), "first"
b = socket.create_connection(("127.0.0.1", port))
b.settimeout(5)
data = b""
while True:
    chunk = b.recv(4096)
    if not chunk:
        break
    data += chunk
assert data.startswith(b"HTTP/1.1 503 "), data
a.close()
PY
