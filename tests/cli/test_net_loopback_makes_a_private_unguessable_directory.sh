#!/usr/bin/env bash
# test net --net loopback keeps its fault and ready files in a directory of its own: mode 0700,
# a random name (not the process id, which others can guess and plant), gone afterwards.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
loopback_scenario_lock
mkdir "$T/tmp"
(cd "$src/tests/scenarios" && TMPDIR=$T/tmp exec "$VITNET" test net --net loopback slow_close_both.toml) \
  >"$T/out" 2>"$T/err" &
run=$!
track "$run"
wait_until 10 sh -c "ls -d '$T'/tmp/vitnet-loopback-* >/dev/null 2>&1" || fail "no working directory appeared"
d=$(ls -d "$T"/tmp/vitnet-loopback-* | head -1)
[[ $(stat -c %a "$d") == 700 ]] || fail "the directory $d has mode $(stat -c %a "$d"), not 700"
[[ $(basename "$d") != *"$run"* ]] || fail "the directory name $d carries the process id"
wait "$run" || fail "the scenario failed: $(cat "$T/out" "$T/err")"
[[ -z $(ls -A "$T/tmp") ]] || fail "left behind: $(ls -A "$T/tmp")"
