#!/usr/bin/env bash
# A reader of stdout that goes away (| head) ends the transfer quietly with 0, as it ends a relay.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

set +o pipefail
rc=0
timeout 20 "$VITNET" connect "http://127.0.0.1:$HTTP_PORT/bytes?n=50000000" 2>"$ERR" | head -c 10 >"$OUT"
rc=${PIPESTATUS[0]}
[[ $rc == 0 ]] || { show "$ERR"; fail "exit $rc, expected 0"; }
[[ $(wc -c <"$OUT") == 10 ]] || fail "head did not get its 10 bytes"
expect_empty "$ERR"
