#!/usr/bin/env bash
# vitnet proxy terminates QUIC and starts it again: a quic:// listener relays each connection's
# stream to a tcp:// upstream (its TLS ends in the proxy, with an ephemeral certificate whose pin
# it prints), and a tcp:// listener relays to a quic:// upstream, verified by --pin. 8 MB of
# random bytes go quic -> proxy -> tcp -> proxy -> quic echo and come back byte-exact. An
# upstream whose pin does not match is refused (the client's connection closes, the proxy says
# why), and a quic:// listener with a udp:// upstream is a usage error.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_quic -k --echo
ECHO_PIN=$PIN ECHO_URL=$URL
start_proxy tcp://127.0.0.1:0 --to "$ECHO_URL" --pin "$ECHO_PIN"
INNER=$PURL
start_proxy quic://127.0.0.1:0 --to "$INNER"
[[ $PURL == quic://127.0.0.1:* ]] || fail "the proxy listens on '$PURL', not quic://"
FRONT_PIN=$(grep -o -- '--pin sha256:[0-9A-Fa-f:]*' "$PROXY_ERR" | head -n1 | cut -d' ' -f2) || true
[[ -n $FRONT_PIN ]] || { show "$PROXY_ERR"; fail "the quic:// proxy printed no --pin"; }

head -c 8388608 /dev/urandom >"$T/data"
EXPECT_TIMEOUT=60 expect_exit 0 "$VITNET" connect --pin "$FRONT_PIN" "$PURL" <"$T/data"
[[ $(stat -c %s "$OUT") == 8388608 ]] || { show "$ERR"; fail "got $(stat -c %s "$OUT") bytes back"; }
[[ $(sha_of "$OUT") == "$(sha_of "$T/data")" ]] || fail "the echo through both proxies differs"

# The wrong pin for the quic:// upstream: the client's connection is reset (as for any upstream
# the proxy cannot reach), nothing comes back.
start_proxy tcp://127.0.0.1:0 --to "$ECHO_URL" --pin "sha256:$(printf '00%.0s' {1..32})"
printf 'hello\n' >"$T/hello"
rc=0
timeout 20 "$VITNET" connect "$PURL" <"$T/hello" >"$OUT" 2>"$ERR" || rc=$?
[[ $rc == 0 || $rc == 69 ]] || { show "$ERR"; fail "connect exited $rc through the refused upstream"; }
[[ ! -s $OUT ]] || { show "$OUT"; fail "bytes came back through an upstream with the wrong pin"; }
wait_until 10 grep -q "does not match --pin" "$PROXY_ERR" || { show "$PROXY_ERR"; fail "the proxy did not say the pin failed"; }

expect_exit 64 "$VITNET" proxy quic://127.0.0.1:0 --to udp://127.0.0.1:9
grep -q "both ends must be streams" "$ERR" || { show "$ERR"; fail "no clear message for quic -> udp"; }
