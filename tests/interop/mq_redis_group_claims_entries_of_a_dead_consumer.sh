#!/usr/bin/env bash
# An entry pending for over a minute in a consumer that went away is claimed (XAUTOCLAIM) and
# delivered to a new member of the group, which acknowledges it with --ack.
source "$(dirname "$0")/../lib/lib.sh"
start_redis_server
U=$REDIS_URL

rcli XGROUP CREATE orders g 0 MKSTREAM >/dev/null
id=$(rcli XADD orders '*' data 'lost order')
rcli XREADGROUP GROUP g dead COUNT 1 STREAMS orders '>' >/dev/null
# As if "dead" had read it an hour ago and then died.
rcli XCLAIM orders g dead 0 "$id" IDLE 3600000 >/dev/null
[[ $(rcli XPENDING orders g | sed -n 4p) == dead ]] || { rcli XPENDING orders g >&2; fail "setup: not pending for 'dead'"; }

expect_exit 0 "$VITNET" mq sub "$U" orders --stream --group g --until-end --ack --json
expect_contains "$OUT" "\"id\":\"$id\",\"data\":\"lost order\""
[[ $(rcli XPENDING orders g | head -1) == 0 ]] || { rcli XPENDING orders g >&2; fail "the claimed entry is still pending"; }
