#!/usr/bin/env bash
# The fault file in examples/ is one the proxy accepts as it is, and -v lists its faults.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
bg "$VITNET" -v proxy 127.0.0.1:0 --to 127.0.0.1:9 --faults "$src/examples/proxy-faults.toml" \
  --ready-file "$T/ready" 2>"$T/err"
wait_until 10 test -s "$T/ready" || { show "$T/err"; fail "the proxy did not start with the example faults"; }
expect_contains "$T/err" "vitnet: proxy: fault latency 100ms jitter 50ms ($src/examples/proxy-faults.toml:14)"
expect_not_contains "$T/err" "warning"
