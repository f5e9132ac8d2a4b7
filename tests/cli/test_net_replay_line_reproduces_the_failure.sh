#!/usr/bin/env bash
# The replay line of a failed run is a command that reproduces it exactly: the failing seed of a
# scenario with random faults (jitter, with a deadline that some seeds of 1..20 miss) fails again
# with the same failures and the same trace when the printed command is run.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

# jitter_bounds_mock.toml with a deadline between the fastest and the slowest runs: some seeds fail
# (seed 1 passes, with the generator of today).
sed 's/within = "600ms"/within = "540ms"/' jitter_bounds_mock.toml >"$T/tight.toml"
rc=0
"$VITNET" test net --seeds 1..20 --trace "$T/all.trace" "$T/tight.toml" >"$T/all.out" 2>&1 || rc=$?
[[ $rc == 1 ]] || { show "$T/all.out"; fail "expected some seeds to fail (exit 1), got $rc"; }
replay=$(grep -m1 '^      replay: ' "$T/all.out" | sed 's/^      replay: //')
[[ $replay == "vitnet test net $T/tight.toml --net mock --seed "* ]] || { show "$T/all.out"; fail "no replay line: '$replay'"; }
seed=${replay##* }
read -r -a words <<<"${replay#vitnet }"
expect_exit 1 "$VITNET" "${words[@]}" --trace "$T/one.trace"
# The same failures as in the batch run, for that seed.
batch_failures=$(awk -v s="(mock, seed $seed)" 'index($0, s) { on = 1; next } /^(PASS|FAIL) / { on = 0 } on' "$T/all.out")
[[ -n $batch_failures ]] || fail "seed $seed has no failures in the batch output"
[[ $(sed -n '2,$p' "$OUT" | sed '$d') == "$batch_failures" ]] || { show "$OUT"; echo "batch:" >&2; echo "$batch_failures" >&2; fail "the replay failed differently"; }
# And the same events.
awk -v h="# $T/tight.toml mock seed $seed" '$0 == h { on = 1; print; next } /^# / { on = 0 } on' "$T/all.trace" >"$T/batch.trace"
cmp "$T/batch.trace" "$T/one.trace" || fail "the replay's trace differs from the batch run's"
