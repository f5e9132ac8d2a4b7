#!/usr/bin/env bash
# serve -k --exec over quic:// runs one command per connection, for clients at once and one after
# another: each client gets its own input transformed back, and the server stays up.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

start_quic -k --exec 'tr a-z A-Z'
pids=()
for i in 1 2 3 4; do
  bg timeout 20 "$VITNET" connect --pin "$PIN" --send "client $i says hi" "$URL" >"$T/c$i.out" 2>"$T/c$i.err"
  pids+=("$BG_PID")
done
for i in 1 2 3 4; do
  wait_exit "${pids[$((i - 1))]}" 20
  [[ $WAIT_RC == 0 ]] || { show "$T/c$i.err"; fail "client $i exited $WAIT_RC"; }
  expect_content "$T/c$i.out" "CLIENT $i SAYS HI"
done
# And one more after those ended.
expect_exit 0 "$VITNET" connect --pin "$PIN" --send 'last one' "$URL"
expect_content "$OUT" 'LAST ONE'
expect_running "$SERVE_PID" "serve -k"
