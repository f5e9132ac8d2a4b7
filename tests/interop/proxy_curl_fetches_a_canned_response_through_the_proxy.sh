#!/usr/bin/env bash
# curl fetches a canned HTTP response from `vitnet serve --reply` through a proxy adding 100 ms
# each way: the body arrives whole, and no sooner than the latency allows (the server answers at
# once, without waiting for the request, so one way's worth).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

need curl
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 19\r\nConnection: close\r\n\r\nhello through proxy' >"$T/response"
start_serve -k --reply "@$T/response" 127.0.0.1:0
start_proxy 127.0.0.1:0 --to "$URL" --latency 100ms

start=$(date +%s%N)
expect_exit 0 curl -sS --max-time 10 "http://127.0.0.1:$(url_port "$PURL")/health"
took=$((($(date +%s%N) - start) / 1000000))
expect_content "$OUT" 'hello through proxy'
((took >= 95)) || fail "the request took ${took}ms, expected at least 95ms"
