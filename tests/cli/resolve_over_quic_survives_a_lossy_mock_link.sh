#!/usr/bin/env bash
# The DNS over QUIC scenario on the mock network: resolve over quic:// is answered across a link
# losing a fifth of its datagrams, for several seeds.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 0 "$VITNET" test net --seeds 1..5 "$VITNET_SOURCE/tests/scenarios/dns_over_quic_across_a_lossy_link_mock.toml"
