#!/usr/bin/env bash
# serve --backend streams bodies both ways: a 64 MiB download (past the 16 MiB --max-body, which
# bounds requests the server itself reads) and 48 MiB uploads, with Content-Length and chunked,
# arrive byte-exact while the proxy's peak memory stays far below their size. An HTTP/1.0 client
# gets a chunked backend response delimited by the close.
source "$(dirname "$0")/../lib/lib.sh"
need curl
need python3
mkdir "$T/www"
head -c $((64 << 20)) /dev/urandom >"$T/www/big.bin"
head -c $((48 << 20)) /dev/urandom >"$T/up.bin"
start_serve "http://127.0.0.1:0" --dir "$T/www" -q
files=$URL
start_serve "http://127.0.0.1:0" --backend "$files" -q
proxy=$URL
PROXY_PID=$SERVE_PID
start_http_server
start_serve "http://127.0.0.1:0" --backend "http://127.0.0.1:$HTTP_PORT" -q
upload=$URL
UPLOAD_PID=$SERVE_PID

curl -sf --max-time 60 -o "$T/got.bin" -D "$T/head" "$proxy/big.bin" || fail "the 64 MiB download failed"
cmp -s "$T/got.bin" "$T/www/big.bin" || fail "the download arrived different ($(stat -c %s "$T/got.bin") bytes)"
expect_contains "$T/head" "Content-Length: $((64 << 20))"

want=$(sha256sum <"$T/up.bin" | cut -d' ' -f1)
curl -sf --max-time 60 --data-binary @"$T/up.bin" -o "$T/len" "$upload/sha256" || fail "the upload with a length failed"
expect_content "$T/len" "$want $((48 << 20)) length\n"
curl -sf --max-time 60 -H 'Transfer-Encoding: chunked' --data-binary @"$T/up.bin" -o "$T/chunked" \
  "$upload/sha256" || fail "the chunked upload failed"
expect_content "$T/chunked" "$want $((48 << 20)) chunked\n"

# A chunked answer to an HTTP/1.0 client: no chunks, the body ends with the connection.
curl -sf --max-time 10 --http1.0 -D "$T/h10" -o "$T/b10" "$upload/chunked" || fail "the HTTP/1.0 request failed"
expect_content "$T/b10" 'one\ntwo\nthree\n'
expect_not_contains "$T/h10" "Transfer-Encoding"

for pid in "$PROXY_PID" "$UPLOAD_PID"; do
  peak=$(mem_kib "$pid" VmHWM)
  ((peak < 40 * 1024)) || fail "proxy $pid peaked at $((peak / 1024)) MiB moving 64/48 MiB bodies"
done
