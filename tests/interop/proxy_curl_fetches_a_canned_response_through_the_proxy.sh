#!/usr/bin/env bash
# curl fetches a canned HTTP response from `vitnet serve --reply` through a proxy adding 100 ms
# each way: the body arrives whole, and no sooner than the latency allows (the server answers at
# once, without waiting for the request, so one way's worth).
source "$(dirname "$0")/../lib.sh"
# start_proxy ARGS... — `vitnet proxy ARGS --ready-file F` in the background, waited for (bounded)
# until it listens. Sets PURL (its URL), PROXY_PID, PROXY_OUT, PROXY_ERR.
start_proxy() {
  PROXY_OUT=$T/proxy.out PROXY_ERR=$T/proxy.err
  bg "$VITNET" proxy "$@" --ready-file "$T/proxy.ready" >"$PROXY_OUT" 2>"$PROXY_ERR"
  PROXY_PID=$BG_PID
  if ! wait_until 10 _ready_or_gone "$T/proxy.ready" "$PROXY_PID" || [[ ! -s $T/proxy.ready ]]; then
    show "$PROXY_ERR"
    fail "vitnet proxy $* did not start"
  fi
  PURL=$(head -n1 "$T/proxy.ready")
}

need curl
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 19\r\nConnection: close\r\n\r\nhello through proxy' >"$T/response"
start_serve -k --reply "@$T/response" 127.0.0.1:0
start_proxy 127.0.0.1:0 --to "$URL" --latency 100ms

start=$(date +%s%N)
expect_exit 0 curl -sS --max-time 10 "http://127.0.0.1:$(url_port "$PURL")/health"
took=$((($(date +%s%N) - start) / 1000000))
expect_content "$OUT" 'hello through proxy'
((took >= 95)) || fail "the request took ${took}ms, expected at least 95ms"
