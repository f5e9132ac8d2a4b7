#!/usr/bin/env bash
# socat as a UDP client of a UDP proxy in front of `vitnet serve --echo udp://`: the datagram comes
# back through the proxy's per-client upstream socket.
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

need socat
start_serve --echo udp://127.0.0.1:0
start_proxy udp://127.0.0.1:0 --to "$URL" --latency 50ms

expect_exit 0 socat -t 1 - "UDP:127.0.0.1:$(url_port "$PURL")" < <(printf 'datagram via socat\n')
expect_content "$OUT" 'datagram via socat\n'
