#!/usr/bin/env bash
# serve http:// --dir answers curl byte-exactly: GET and HEAD, content types, index.html, a 301 to
# the directory's slash, JSON listings, single and multiple ranges, 416, ETag and Last-Modified
# with 304s, keep-alive reuse of one connection.
source "$(dirname "$0")/../lib/lib.sh"
need curl

mkdir -p "$T/www/docs"
echo "<h1>home</h1>" >"$T/www/index.html"
head -c 300000 /dev/urandom >"$T/www/blob.bin"
printf 'body { color: red }\n' >"$T/www/docs/style.css"
start_serve "http://127.0.0.1:0" --dir "$T/www"
expect_contains "$SERVE_ERR" "listening on http://127.0.0.1:"

curl -sf "$URL/blob.bin" -o "$T/got" || fail "GET blob.bin failed"
cmp "$T/got" "$T/www/blob.bin" || fail "blob.bin differs"
curl -sf -D "$T/h" "$URL/" -o "$T/index" || fail "GET / failed"
cmp "$T/index" "$T/www/index.html" || fail "/ did not serve index.html"
grep -qi '^content-type: text/html; charset=utf-8' "$T/h" || fail "index.html content type: $(cat "$T/h")"
curl -sf -D "$T/h" "$URL/docs/style.css" -o /dev/null
grep -qi '^content-type: text/css; charset=utf-8' "$T/h" || fail "css content type"

# HEAD: the GET's headers, no body.
curl -sfI "$URL/blob.bin" >"$T/head"
grep -qi '^content-length: 300000' "$T/head" || fail "HEAD lacks the length: $(cat "$T/head")"

# A directory without its slash is redirected; with it, listed (JSON when asked).
code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$URL/docs")
[[ $code == "301 $URL/docs/" ]] || fail "directory redirect: $code"
curl -sf -H 'Accept: application/json' "$URL/docs/" >"$T/list.json"
python3 -c 'import json,sys; l=json.load(open(sys.argv[1])); assert [e["name"] for e in l]==["style.css"], l; assert l[0]["size"]==20' "$T/list.json" \
  || fail "JSON listing: $(cat "$T/list.json")"
curl -sf "$URL/docs/" | grep -q 'href="style.css"' || fail "HTML listing lacks the link"

# Ranges: one, several (multipart), unsatisfiable.
curl -sf -r 100-199 "$URL/blob.bin" -o "$T/part" -D "$T/h"
cmp "$T/part" <(tail -c +101 "$T/www/blob.bin" | head -c 100) || fail "range 100-199 differs"
grep -qi '^content-range: bytes 100-199/300000' "$T/h" || fail "content-range: $(cat "$T/h")"
curl -sf -r 0-9,-10 "$URL/blob.bin" -D "$T/h" -o "$T/multi"
grep -qi '^content-type: multipart/byteranges; boundary=' "$T/h" || fail "multipart type: $(cat "$T/h")"
grep -q 'Content-Range: bytes 299990-299999/300000' "$T/multi" || fail "multipart lacks the last range"
code=$(curl -s -o /dev/null -w '%{http_code}' -r 400000-500000 "$URL/blob.bin")
[[ $code == 416 ]] || fail "unsatisfiable range gave $code"

# Conditional requests.
etag=$(grep -i '^etag:' "$T/head" | cut -d' ' -f2 | tr -d '\r')
lm=$(grep -i '^last-modified:' "$T/head" | cut -d' ' -f2- | tr -d '\r')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$URL/blob.bin")
[[ $code == 304 ]] || fail "If-None-Match gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-Modified-Since: $lm" "$URL/blob.bin")
[[ $code == 304 ]] || fail "If-Modified-Since gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: "other"' "$URL/blob.bin")
[[ $code == 200 ]] || fail "a different ETag gave $code"

# Keep-alive: two requests, one connection.
curl -sv "$URL/index.html" "$URL/docs/style.css" -o /dev/null -o /dev/null 2>"$T/v"
grep -q 'Re-using existing connection' "$T/v" || fail "the connection was not reused: $(cat "$T/v")"
# The request log (common log format) has each request.
grep -q '"GET /blob.bin HTTP/1.1" 200 300000' "$SERVE_OUT" || fail "no log line: $(cat "$SERVE_OUT")"
