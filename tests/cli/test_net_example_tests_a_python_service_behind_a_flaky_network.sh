#!/usr/bin/env bash
# The example of the README passes as shipped: examples/flaky-orders.toml runs the Python orders
# service (examples/orders-service/app.py) on loopback behind latency, a partition of its database
# port and a reset, and every expectation holds; on the mock network it is refused with 78 (a
# Python program uses real sockets).
source "$(dirname "$0")/../lib/lib.sh"
need python3

EXPECT_TIMEOUT=60 expect_exit 0 "$VITNET" test net --net loopback "$VITNET_SOURCE/examples/flaky-orders.toml"
expect_contains "$OUT" "1 passed, 0 failed"
expect_exit 78 "$VITNET" test net "$VITNET_SOURCE/examples/flaky-orders.toml"
expect_contains "$ERR" "process 'orders'"
