#!/usr/bin/env bash
# Runs every benchmark in turn (`make bench`). A missing anchor only skips its benchmark; a
# benchmark that fails is reported and the others still run; the exit status is 1 when any failed.
#
# Usage: bench/run.sh VITNET_BINARY   (PAIRS and the other env knobs pass through)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:-build/vitnet}"
[[ -x "$bin" ]] || { echo "error: $bin is not executable (usage: $0 VITNET_BINARY)" >&2; exit 1; }

failed=()
for b in relay throughput idle simtime tls_gen tls_relay quic scan http ws rpc mq dns; do
    echo "=== $b ==="
    bash "$here/$b.sh" "$bin"
    rc=$?
    if ((rc)); then
        echo "=== $b: FAILED (exit status $rc) ==="
        failed+=("$b")
    fi
    echo
done
if ((${#failed[@]})); then
    echo "benchmarks failed: ${failed[*]}"
    exit 1
fi
echo "all benchmarks ran"
