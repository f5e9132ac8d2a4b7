#!/usr/bin/env bash
# mkcert's workflow: tls gen dev localhost 127.0.0.1, serve it with openssl s_server -www, and
# curl --cacert with the development CA fetches the page by name and by address.
source "$(dirname "$0")/../lib/lib.sh"
need openssl curl
cd "$T"
export XDG_DATA_HOME=$T/data
"$VITNET" tls gen dev localhost 127.0.0.1 >/dev/null 2>"$ERR" || { show "$ERR"; fail "gen dev"; }
ca=$T/data/vitnet/ca/ca.pem
port=$(free_port)
bg openssl s_server -accept "127.0.0.1:$port" -cert localhost.pem -key localhost-key.pem -www -quiet \
  </dev/null >"$T/s_server.log" 2>&1
wait_until 10 tcp_listening "$port" || { show "$T/s_server.log"; fail "s_server did not start"; }
expect_exit 0 curl -sS --max-time 10 --cacert "$ca" --resolve "localhost:$port:127.0.0.1" "https://localhost:$port/"
expect_contains "$OUT" "s_server"
expect_exit 0 curl -sS --max-time 10 --cacert "$ca" "https://127.0.0.1:$port/"
# Without the CA, curl refuses (exit 60: peer certificate cannot be authenticated).
expect_exit 60 curl -sS --max-time 10 --resolve "localhost:$port:127.0.0.1" "https://localhost:$port/"
