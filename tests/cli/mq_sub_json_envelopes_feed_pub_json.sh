#!/usr/bin/env bash
# mq sub --json writes one envelope per message (subject, data, headers, reply, time; bytes that
# are not UTF-8 as data_base64) and mq pub --json reads the same lines back: the messages
# republished arrive as they were, to the subjects they name.
source "$(dirname "$0")/../lib/lib.sh"
start_mq_broker

bg "$VITNET" mq sub "$URL" 'in.>' --json --count 3 --timeout 10s >"$T/first.ndjson" 2>"$T/first.err"
FIRST=$BG_PID
sleep 0.4
expect_exit 0 "$VITNET" mq pub "$URL" in.text 'plain words' -H 'X-Id: 1' -H 'X-Id: 2' --reply answers.here
printf '\xff\xfe\x00binary' >"$T/bin"
expect_exit 0 "$VITNET" mq pub "$URL" in.bytes "$(cat "$T/bin" | tr -d '\0')"
printf '{"subject":"in.env","data":"from an envelope","headers":{"K":"v"}}\n' |
  expect_exit 0 "$VITNET" mq pub "$URL" --json ignored.subject
wait_exit "$FIRST" 10
[[ $WAIT_RC == 0 ]] || { show "$T/first.err"; fail "the first subscriber exited with $WAIT_RC"; }
expect_contains "$T/first.ndjson" '"subject":"in.text","data":"plain words","headers":{"X-Id":["1","2"]},"reply":"answers.here"'
expect_contains "$T/first.ndjson" '"subject":"in.bytes","data_base64":"//5iaW5hcnk="'
expect_contains "$T/first.ndjson" '"subject":"in.env","data":"from an envelope","headers":{"K":"v"}'

# Republished as they are: the same subjects, data and headers.
sed 's/"subject":"in\./"subject":"out./' "$T/first.ndjson" >"$T/again.ndjson"
bg "$VITNET" mq sub "$URL" 'out.>' --json --count 3 --timeout 10s >"$T/second.ndjson" 2>"$T/second.err"
SECOND=$BG_PID
sleep 0.4
expect_exit 0 "$VITNET" mq pub "$URL" --json <"$T/again.ndjson"
wait_exit "$SECOND" 10
cut_time() { sed 's/,"time":"[^"]*"//; s/"subject":"[a-z]*\./"subject":"/' "$1"; }
diff <(cut_time "$T/first.ndjson") <(cut_time "$T/second.ndjson") >"$T/diff" || { show "$T/diff"; fail "republished messages differ"; }

printf 'not json\n' | expect_exit 65 "$VITNET" mq pub "$URL" --json
expect_contains "$ERR" "stdin line 1: not a JSON object"
