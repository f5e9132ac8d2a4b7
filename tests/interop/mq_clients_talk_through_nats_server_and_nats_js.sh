#!/usr/bin/env bash
# vitnet's mq clients on nats-server, meeting nats.js clients: vitnet pub → nats.js sub with
# headers; nats.js pub → vitnet sub --json (subject, data, repeated headers); vitnet req → a
# nats.js responder; nats.js request → vitnet reply --exec; vitnet req with nothing subscribed →
# 69 (no responders); vitnet sub with nothing published → 75 after --timeout; two vitnet subs in
# one --queue group share the messages.
source "$(dirname "$0")/../lib/lib.sh"
need_node_module nats
peer=$VITNET_SOURCE/tests/lib/node/nats_peer.js
start_nats_server
U=$NATS_URL

bg node "$peer" sub "$U" orders.new 2 "$T/sub.ready" >"$T/js-sub.out" 2>"$T/js-sub.err"
JS_SUB=$BG_PID
wait_until 10 test -s "$T/sub.ready" || { show "$T/js-sub.err"; fail "the nats.js subscriber did not start"; }
expect_exit 0 "$VITNET" mq pub "$U" orders.new 'first order' -H 'Trace-Id: t1'
printf 'second order\n' | expect_exit 0 "$VITNET" mq pub "$U" orders.new
wait_exit "$JS_SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/js-sub.err"; fail "the nats.js subscriber exited with $WAIT_RC"; }
expect_content "$T/js-sub.out" '{"subject":"orders.new","data":"first order","headers":{"Trace-Id":"t1"}}
{"subject":"orders.new","data":"second order","headers":{}}
'

bg "$VITNET" mq sub "$U" 'events.>' --count 1 --json --timeout 10s >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
sleep 0.5
node "$peer" pub "$U" events.user.created '{"id":7}' k=one k=two || fail "nats.js publish"
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "vitnet mq sub exited with $WAIT_RC"; }
expect_contains "$T/sub.out" '"subject":"events.user.created","data":"{\"id\":7}","headers":{"k":["one","two"]}'

bg node "$peer" reply "$U" svc.upper "$T/reply.ready" 2>"$T/js-reply.err"
wait_until 10 test -s "$T/reply.ready" || { show "$T/js-reply.err"; fail "the nats.js responder did not start"; }
expect_exit 0 "$VITNET" mq req "$U" svc.upper 'make me loud'
expect_content "$OUT" 'MAKE ME LOUD\n'

bg "$VITNET" mq reply "$U" svc.rev --exec 'rev' --count 1 2>"$T/reply.err"
REPLY=$BG_PID
sleep 0.5
node "$peer" req "$U" svc.rev 'stressed' >"$T/js-req.out" 2>"$T/js-req.err" || { show "$T/js-req.err"; show "$T/reply.err"; fail "nats.js request to vitnet mq reply"; }
expect_content "$T/js-req.out" 'desserts\n'
wait_exit "$REPLY" 5

expect_exit 69 "$VITNET" mq req "$U" nobody.listens hello
expect_contains "$ERR" "no responders"
expect_exit 75 "$VITNET" mq sub "$U" silence --timeout 300ms
expect_contains "$ERR" "no message within"

bg "$VITNET" mq sub "$U" jobs --queue workers --timeout 2s >"$T/w1.out" 2>&1
W1=$BG_PID
bg "$VITNET" mq sub "$U" jobs --queue workers --timeout 2s >"$T/w2.out" 2>&1
W2=$BG_PID
sleep 0.5
seq 1 40 | expect_exit 0 "$VITNET" mq pub "$U" jobs
wait_exit "$W1" 10
wait_exit "$W2" 10
total=$(cat "$T/w1.out" "$T/w2.out" | grep -c '^[0-9]*$')
[[ $total == 40 ]] || { show "$T/w1.out"; show "$T/w2.out"; fail "the queue group got $total of 40 messages"; }
[[ $(sort -n "$T/w1.out" "$T/w2.out" | uniq | wc -l) == 40 ]] || fail "a message reached both members"
