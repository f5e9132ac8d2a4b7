#!/usr/bin/env bash
# A 4 MB quic:// transfer through `vitnet proxy udp://` dropping 5% of the datagrams each way
# (--loss 0.05, fixed seed) arrives byte-exact: QUIC sends the lost packets again. The proxy
# (-v) says it did lose datagrams, so the loss really happened.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_quic
start_proxy udp://127.0.0.1:0 --to "udp://127.0.0.1:$(url_port "$URL")" --loss 0.05 --seed 7 -v
head -c 4194304 /dev/urandom >"$T/data"

EXPECT_TIMEOUT=60 expect_exit 0 "$VITNET" connect --pin "$PIN" "quic://127.0.0.1:$(url_port "$PURL")" <"$T/data"
expect_serve_exit 0 10
size=$(stat -c %s "$SERVE_OUT")
[[ $size == 4194304 ]] || fail "the server got $size bytes, sent 4194304"
[[ $(sha_of "$SERVE_OUT") == "$(sha_of "$T/data")" ]] || fail "the server got other bytes than were sent"
grep -q "lost a datagram going" "$PROXY_ERR" || { show "$PROXY_ERR"; fail "the proxy lost no datagram"; }
