#!/usr/bin/env bash
# Two vitnet subs in one --group share a stream's entries, none twice: the first takes --count 4,
# the second the rest (--until-end); with --ack nothing is left pending (XPENDING).
source "$(dirname "$0")/../lib/lib.sh"
start_redis_server
U=$REDIS_URL

for i in $(seq 1 10); do rcli XADD jobs '*' data "job $i" >/dev/null; done
expect_exit 0 "$VITNET" mq sub "$U" jobs --stream --group workers --from start --count 4 --ack
cp "$OUT" "$T/a.out"
expect_exit 0 "$VITNET" mq sub "$U" jobs --stream --queue workers --until-end --ack
cp "$OUT" "$T/b.out"
expect_content "$T/a.out" 'job 1\njob 2\njob 3\njob 4\n'
expect_content "$T/b.out" 'job 5\njob 6\njob 7\njob 8\njob 9\njob 10\n'
[[ $(rcli XPENDING jobs workers | head -1) == 0 ]] || { rcli XPENDING jobs workers >&2; fail "entries left pending despite --ack"; }

# Live: two members waiting at once get every new entry between them, once.
bg "$VITNET" mq sub "$U" jobs --stream --group workers --ack --timeout 2s >"$T/w1.out" 2>"$T/w1.err"
W1=$BG_PID
bg "$VITNET" mq sub "$U" jobs --stream --group workers --ack --timeout 2s >"$T/w2.out" 2>"$T/w2.err"
W2=$BG_PID
wait_until 10 bash -c "[[ \$(redis-cli -p $REDIS_PORT CLIENT LIST | grep -c 'cmd=xreadgroup') -ge 2 ]]" || fail "the members did not start reading"
seq 1 20 | expect_exit 0 "$VITNET" mq pub "$U" jobs --stream
wait_exit "$W1" 10
wait_exit "$W2" 10
total=$(cat "$T/w1.out" "$T/w2.out" | wc -l)
[[ $total == 20 ]] || { show "$T/w1.out"; show "$T/w2.out"; show "$T/w1.err"; fail "the group got $total of 20 entries"; }
[[ $(sort -n "$T/w1.out" "$T/w2.out" | uniq | wc -l) == 20 ]] || fail "an entry reached both members"
[[ -s $T/w1.out && -s $T/w2.out ]] || { show "$T/w1.out"; show "$T/w2.out"; fail "one member got every entry"; }
[[ $(rcli XPENDING jobs workers | head -1) == 0 ]] || fail "entries left pending despite --ack"
