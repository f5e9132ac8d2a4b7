#!/usr/bin/env bash
# QUIC on the mock network is deterministic: the loss-and-reordering scenario run twice with seed
# 42 writes the same trace, byte for byte, and the trace shows lost datagrams (so the runs had
# something to differ in). Another seed gives another trace.
source "$(dirname "$0")/../lib/lib.sh"
f=$VITNET_SOURCE/tests/scenarios/quic_loss_and_reorder_mock.toml

for run in 1 2; do
  EXPECT_TIMEOUT=60 expect_exit 0 "$VITNET" test net --seed 42 --trace "$T/trace$run" "$f"
  [[ -s $T/trace$run ]] || fail "run $run wrote no trace"
done
cmp -s "$T/trace1" "$T/trace2" || { diff "$T/trace1" "$T/trace2" | head -20 >&2; fail "seed 42 gave two different traces"; }
grep -qE '^[0-9.]+ datagram .* dropped \([0-9]+ bytes\)' "$T/trace1" || { show "$T/trace1"; fail "the trace shows no lost datagram"; }

EXPECT_TIMEOUT=60 expect_exit 0 "$VITNET" test net --seed 43 --trace "$T/trace3" "$f"
# Apart from the header naming the seed, the events differ.
! cmp -s <(tail -n +2 "$T/trace1") <(tail -n +2 "$T/trace3") || fail "seeds 42 and 43 gave the same events"
