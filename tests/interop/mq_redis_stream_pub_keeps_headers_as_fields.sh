#!/usr/bin/env bash
# vitnet mq pub --stream is XADD KEY * data DATA HEADER VALUE...: redis-cli XRANGE shows the data
# and each header as fields; --stream NAME names the key instead of SUBJECT.
source "$(dirname "$0")/../lib/lib.sh"
start_redis_server
U=$REDIS_URL

expect_exit 0 "$VITNET" mq pub "$U" events 'user created' --stream -H 'trace:t1' -H 'source: web'
printf 'a\nb\n' | expect_exit 0 "$VITNET" mq pub "$U" ignored --stream events
rcli XRANGE events - + | grep -vx '[0-9]*-[0-9]*' >"$T/range.out"
expect_content "$T/range.out" 'data\nuser created\ntrace\nt1\nsource\nweb\ndata\na\ndata\nb\n'
[[ $(rcli XLEN events) == 3 ]] || fail "XLEN events is $(rcli XLEN events), expected 3"
[[ $(rcli EXISTS ignored) == 0 ]] || fail "--stream NAME wrote to SUBJECT's key"

rcli SET plain text >/dev/null
expect_exit 65 "$VITNET" mq pub "$U" plain 'x' --stream
expect_contains "$ERR" "WRONGTYPE"
