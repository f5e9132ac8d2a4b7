#!/usr/bin/env bash
# A quic:// proxy without --cert makes one ephemeral certificate and prints its pin once. A
# refuse fault closes its listener and the end of the fault opens it again, and the certificate
# stays the same: a client that pinned it before the refusal connects after it with the same pin.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

printf '# no faults\n' >"$T/faults.toml"
start_serve -k --echo 127.0.0.1:0
start_proxy --json quic://127.0.0.1:0 --to "$URL" --faults "$T/faults.toml"
PIN=$(grep -o -- '--pin sha256:[0-9A-Fa-f:]*' "$PROXY_ERR" | head -n1 | cut -d' ' -f2) || true
[[ -n $PIN ]] || { show "$PROXY_ERR"; fail "the quic:// proxy printed no --pin"; }
expect_exit 0 "$VITNET" connect --pin "$PIN" "$PURL" < <(printf 'before\n')
expect_content "$OUT" 'before\n'

printf '[[fault]]\nkind = "refuse"\n' >"$T/faults.toml"
kill -HUP "$PROXY_PID"
wait_until 5 grep -q '"listening":false' "$PROXY_OUT" || { show "$PROXY_OUT"; fail "no refuse fault event"; }
expect_exit 69 "$VITNET" connect --pin "$PIN" --timeout 3s "$PURL" < <(printf 'refused\n')

printf '# no faults\n' >"$T/faults.toml"
kill -HUP "$PROXY_PID"
wait_until 5 grep -q '"listening":true' "$PROXY_OUT" || { show "$PROXY_OUT"; fail "the proxy did not listen again"; }
expect_exit 0 "$VITNET" connect --pin "$PIN" "$PURL" < <(printf 'after\n')
expect_content "$OUT" 'after\n'
notes=$(grep -c -- '--pin sha256:' "$PROXY_ERR")
[[ $notes == 1 ]] || { show "$PROXY_ERR"; fail "the pin was printed $notes times, not once"; }
