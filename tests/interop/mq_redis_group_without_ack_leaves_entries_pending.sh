#!/usr/bin/env bash
# Without --ack, what a group member read stays pending (XPENDING counts it), and the same
# --consumer gets its own pending entries again first when it comes back.
source "$(dirname "$0")/../lib/lib.sh"
start_redis_server
U=$REDIS_URL

for i in 1 2 3; do rcli XADD tasks '*' data "task $i" >/dev/null; done
expect_exit 0 "$VITNET" mq sub "$U" tasks --stream --group g --consumer c1 --from start --count 2
expect_content "$OUT" 'task 1\ntask 2\n'
[[ $(rcli XPENDING tasks g | head -1) == 2 ]] || { rcli XPENDING tasks g >&2; fail "expected 2 entries pending"; }

expect_exit 0 "$VITNET" mq sub "$U" tasks --stream --group g --consumer c1 --until-end --ack
expect_content "$OUT" 'task 1\ntask 2\ntask 3\n'
[[ $(rcli XPENDING tasks g | head -1) == 0 ]] || { rcli XPENDING tasks g >&2; fail "expected nothing pending after --ack"; }
