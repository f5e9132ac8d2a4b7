#!/usr/bin/env bash
# connect --key-update --after 400ms updates the keys in the middle of a slow echo: the note says
# so, and every byte, before and after the update, comes back in order.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

echo_slowly_through --key-update --after 400ms
expect_contains "$ERR" "quic: key update started"
expect_not_contains "$ERR" "cannot update keys"
expect_serve_exit 0
