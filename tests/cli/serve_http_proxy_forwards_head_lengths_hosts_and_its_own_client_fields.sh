#!/usr/bin/env bash
# serve --backend: a HEAD answer keeps the backend's Content-Length (the length a GET would have,
# RFC 9110 9.3.2), not 0; an HTTP/1.0 request without Host reaches the backend with the backend's
# Host (a Host-less HTTP/1.1 request is a 400 everywhere); a client's own Forwarded and X-Real-IP
# are replaced with what the proxy saw, not passed on.
source "$(dirname "$0")/../lib/lib.sh"
need curl
cat >"$T/routes.toml" <<'TOML'
[[route]]
path = "/big"
body = "0123456789012345678901234567890123456789"
[[route]]
path = "/who"
body = "host={{headers.host}} real={{headers.x-real-ip}} fwd={{headers.forwarded}}\n"
TOML
start_serve "http://127.0.0.1:0" --routes "$T/routes.toml" -q
backend_port=$(url_port "$URL")
start_serve "http://127.0.0.1:0" --backend "http://127.0.0.1:$backend_port" -q
proxy=$URL

curl -sf --max-time 5 -I "$proxy/big" -o "$T/head" || fail "HEAD failed"
expect_contains "$T/head" "Content-Length: 40"

# curl -H 'Host:' leaves the field out.
curl -s --max-time 5 --http1.0 -H 'Host:' "$proxy/who" -o "$T/h10" -w '%{http_code}' >"$T/h10.code"
expect_content "$T/h10.code" "200"
expect_contains "$T/h10" "host=127.0.0.1:$backend_port "

curl -sf --max-time 5 -H 'Forwarded: for=6.6.6.6' -H 'X-Real-IP: 6.6.6.6' "$proxy/who" -o "$T/who" ||
  fail "the request with client-made forwarding fields failed"
expect_not_contains "$T/who" "6.6.6.6"
expect_contains "$T/who" "real=127.0.0.1 fwd=for=127.0.0.1;proto=http"
