#!/usr/bin/env bash
# Every malformed scenario in tests/scenarios/bad/ is refused before anything runs: exit 65, nothing
# on stdout, and exactly one diagnostic `vitnet: FILE:LINE: message` pointing at the line at fault
# (line numbers counted by hand in each file). The TOML syntax error has its own test.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios/bad" || fail "no bad scenarios in $src/tests/scenarios/bad"

# file|line|message
cases=(
  "unknown_top_level_key.toml|5|unknown key 'retries' in a scenario (known: name, description, hosts, timeout, wall_timeout, seed, vars, link, process, fault)"
  "unknown_process_key.toml|9|unknown key 'stdout' in a [[process]] (known: name, host, run, args, exec, argv, env, cwd, ready, start, stdin, expect)"
  "unknown_host_in_process.toml|13|unknown host 'sever' (hosts: server, client)"
  "unknown_host_in_fault.toml|12|fault names host 'cache', which is not in 'hosts'"
  "bad_duration.toml|12|'5 sec' is not a duration ('start'; try 100ms, 2s, 1m)"
  "missing_command.toml|9|a process needs a command: run = \"serve --echo :7\" (vitnet) or exec = \"...\" (any program)"
  "unknown_fault_kind.toml|11|unknown fault kind 'latncy' (known: latency, loss, bandwidth, reorder, duplicate, partition, blackhole, reset, slow_close, crash, dns_failure, refuse)"
  "undefined_variable.toml|10|unknown variable '\${prot}' (define it under [vars])"
)
failures=()
for c in "${cases[@]}"; do
  IFS='|' read -r file line message <<<"$c"
  rc=0
  timeout 20 "$VITNET" test net "$file" >"$OUT" 2>"$ERR" || rc=$?
  want="vitnet: $file:$line: $message"
  if [[ $rc != 65 ]]; then
    failures+=("$file: exit $rc, expected 65")
  elif [[ -s $OUT ]]; then
    failures+=("$file: printed on stdout: $(head -c 200 "$OUT")")
  elif [[ $(cat "$ERR") != "$want" ]]; then
    failures+=("$file: stderr is '$(cat "$ERR")', expected '$want'")
  fi
done
if ((${#failures[@]})); then
  printf '  %s\n' "${failures[@]}" >&2
  fail "${#failures[@]} of ${#cases[@]} malformed scenarios were not reported as expected"
fi
