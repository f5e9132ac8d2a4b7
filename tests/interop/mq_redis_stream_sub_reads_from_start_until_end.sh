#!/usr/bin/env bash
# vitnet mq sub --stream reads what redis-cli XADDs: --from start --until-end prints every entry
# and exits 0 (envelopes carry the entry id, other fields as headers); --from last only the last;
# --from ID that entry and those after; --from new (the default) waits for what comes next.
source "$(dirname "$0")/../lib/lib.sh"
start_redis_server
U=$REDIS_URL

id1=$(rcli XADD log '*' data one)
id2=$(rcli XADD log '*' data two level info)
id3=$(rcli XADD log '*' temp 20)

expect_exit 0 "$VITNET" mq sub "$U" log --stream --from start --until-end --json
[[ $(wc -l <"$OUT") == 3 ]] || { show "$OUT"; fail "expected 3 entries"; }
expect_contains "$OUT" "{\"subject\":\"log\",\"id\":\"$id1\",\"data\":\"one\","
expect_contains "$OUT" "{\"subject\":\"log\",\"id\":\"$id2\",\"data\":\"two\",\"headers\":{\"level\":\"info\"},"
expect_contains "$OUT" "{\"subject\":\"log\",\"id\":\"$id3\",\"data\":\"{\\\"temp\\\":\\\"20\\\"}\","

expect_exit 0 "$VITNET" mq sub "$U" log --stream --from last --until-end
expect_content "$OUT" '{"temp":"20"}\n'
expect_exit 0 "$VITNET" mq sub "$U" log --stream --from "$id2" --until-end
expect_content "$OUT" 'two\n{"temp":"20"}\n'
expect_exit 0 "$VITNET" mq sub "$U" log --stream --until-end
expect_empty "$OUT"
expect_exit 0 "$VITNET" mq sub "$U" empty --stream --from start --until-end
expect_empty "$OUT"

bg "$VITNET" mq sub "$U" log --stream --count 1 --timeout 10s >"$T/new.out" 2>"$T/new.err"
SUB=$BG_PID
wait_until 10 bash -c "redis-cli -p $REDIS_PORT CLIENT LIST | grep -q 'cmd=xread'" || { show "$T/new.err"; fail "vitnet did not start reading"; }
rcli XADD log '*' data four >/dev/null
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/new.err"; fail "vitnet mq sub exited with $WAIT_RC"; }
expect_content "$T/new.out" 'four\n'

expect_exit 64 "$VITNET" mq sub "$U" log --stream --from yesterday
expect_contains "$ERR" "give start, new, last or an entry id"
