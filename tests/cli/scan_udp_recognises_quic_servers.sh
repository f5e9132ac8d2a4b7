#!/usr/bin/env bash
# --udp recognises QUIC servers: the probe is a QUIC packet of a version nobody speaks, which a
# QUIC server answers with Version Negotiation. vitnet's own quic:// server and ngtcp2's example
# server both show as open with service "quic"; a UDP echo server is open too, but not "quic"
# (it echoes the probe, which is no Version Negotiation).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

start_serve -k --echo quic://127.0.0.1:0
vq=$(url_port "$URL")
start_serve --echo udp://127.0.0.1:0
echo_port=$(url_port "$URL")
ports="$vq,$echo_port"
if command -v gtlsserver >/dev/null; then
  pki_server server "DNS:localhost,IP:127.0.0.1"
  ng=$(free_udp_port)
  bg gtlsserver -q 127.0.0.1 "$ng" "$PKI/server.key" "$PKI/server.pem" >"$T/ng.out" 2>&1
  wait_until 10 udp_bound "$ng" || fail "gtlsserver did not bind"
  ports="$ports,$ng"
fi
expect_exit 0 "$VITNET" --json scan --udp --timeout 500ms --retries 0 -p "$ports" 127.0.0.1
grep -q "\"port\":$vq,\"proto\":\"udp\",\"state\":\"open\",[^}]*\"service\":\"quic\"" "$OUT" ||
  { show "$OUT"; fail "vitnet's quic server is not open/quic"; }
grep -q "\"port\":$echo_port,\"proto\":\"udp\",\"state\":\"open\"" "$OUT" || fail "the echo is not open"
grep -q "\"port\":$echo_port,[^}]*\"service\":\"quic\"" "$OUT" && fail "the echo server was taken for quic"
if [[ -n ${ng:-} ]]; then
  grep -q "\"port\":$ng,\"proto\":\"udp\",\"state\":\"open\",[^}]*\"service\":\"quic\"" "$OUT" ||
    { show "$OUT"; fail "ngtcp2's server is not open/quic"; }
fi
expect_exit 0 "$VITNET" scan --udp --timeout 500ms --retries 0 -p "$vq" 127.0.0.1
grep -Eq "^$vq/udp +open +quic" "$OUT" || { show "$OUT"; fail "the table does not say quic"; }
