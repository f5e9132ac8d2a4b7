#!/usr/bin/env bash
# A failure message quotes at most 200 bytes of output; when that cuts a multi-byte character
# (fail/stdout_cut_mid_character.toml: "x" then 150 "é"), every report is still a valid document:
# --json is NDJSON, --tap runs to its end, --junit parses as XML, each with exit 1 (not 70).
source "$(dirname "$0")/../lib/lib.sh"
need python3
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"
f=fail/stdout_cut_mid_character.toml

problems=()
rc=0
"$VITNET" --json test net "$f" >"$T/json" 2>"$T/json.err" || rc=$?
if [[ $rc != 1 ]]; then
  problems+=("--json: exit $rc, expected 1 ($(head -c 200 "$T/json.err"))")
elif ! python3 -c '
import json, sys
events = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert events[-1] == {"event": "summary", "passed": 0, "failed": 1}
assert events[0]["failures"][0].startswith("accents (")' "$T/json" 2>/dev/null; then
  problems+=("--json: not valid UTF-8 NDJSON ending with the summary")
fi

rc=0
"$VITNET" test net --tap "$f" >"$T/tap" 2>"$T/tap.err" || rc=$?
if [[ $rc != 1 ]]; then
  problems+=("--tap: exit $rc, expected 1 ($(head -c 200 "$T/tap.err"))")
elif ! python3 -c 'import sys; t = open(sys.argv[1], encoding="utf-8").read(); assert "not ok 1 - " in t and t.endswith("# 0 passed, 1 failed\n")' "$T/tap" 2>/dev/null; then
  problems+=("--tap: not valid UTF-8 TAP ending with the counts")
fi

rc=0
"$VITNET" test net --junit "$T/junit.xml" "$f" >"$T/text" 2>"$T/junit.err" || rc=$?
if [[ $rc != 1 ]]; then
  problems+=("--junit: exit $rc, expected 1 ($(head -c 200 "$T/junit.err"))")
elif ! python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$T/junit.xml" 2>/dev/null; then
  why=$(python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$T/junit.xml" 2>&1 | tail -n1) || true
  problems+=("--junit: not XML: $why")
fi

if ((${#problems[@]})); then
  printf '  %s\n' "${problems[@]}" >&2
  fail "${#problems[@]} of 3 reports broke on a cut character"
fi
