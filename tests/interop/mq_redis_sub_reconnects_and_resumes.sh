#!/usr/bin/env bash
# With --reconnect, vitnet subs whose redis-server restarts say so on stderr, connect again and
# go on: pub/sub subscribes again, a stream reader reads on after the last entry it printed.
# Without --reconnect a subscriber exits 69 naming the lost connection.
source "$(dirname "$0")/../lib/lib.sh"
start_redis_server --appendonly yes --appendfsync always
port=$REDIS_PORT
U=$REDIS_URL

bg "$VITNET" mq sub "$U" news --reconnect -1 --count 2 --timeout 20s >"$T/sub.out" 2>"$T/sub.err"
SUB=$BG_PID
bg "$VITNET" mq sub "$U" log --stream --reconnect -1 --count 2 --timeout 20s >"$T/stream.out" 2>"$T/stream.err"
STREAM=$BG_PID
bg "$VITNET" mq sub "$U" news --timeout 20s >"$T/once.out" 2>"$T/once.err"
ONCE=$BG_PID
wait_until 10 redis_subscribed news 2 || fail "the subscribers did not subscribe"
wait_until 10 bash -c "redis-cli -p $port CLIENT LIST | grep -q 'cmd=xread'" || fail "the stream reader did not start"
rcli PUBLISH news before >/dev/null
rcli XADD log '*' data first >/dev/null
wait_until 5 grep -q before "$T/sub.out" || fail "the first message did not arrive"
wait_until 5 grep -q first "$T/stream.out" || fail "the first entry did not arrive"

kill "$REDIS_PID"
wait_exit "$REDIS_PID" 10
wait_exit "$ONCE" 10
[[ $WAIT_RC == 69 ]] || { show "$T/once.err"; fail "without --reconnect the subscriber exited $WAIT_RC, expected 69"; }
expect_contains "$T/once.err" "connection lost"
wait_until 5 grep -q reconnecting "$T/sub.err" || { show "$T/sub.err"; fail "no word of the lost connection"; }

# The same port, the same data (the append-only file keeps the stream).
bg redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly yes --dir "$T" >"$T/redis2.log" 2>&1
wait_until 10 tcp_listening "$port" || { show "$T/redis2.log"; fail "redis-server did not start again"; }
wait_until 10 redis_subscribed news || { show "$T/sub.err"; fail "the subscriber did not subscribe again"; }
wait_until 10 grep -q 'reading stream log again after' "$T/stream.err" || { show "$T/stream.err"; fail "the stream reader did not say where it resumes"; }
rcli PUBLISH news after >/dev/null
rcli XADD log '*' data second >/dev/null
wait_exit "$SUB" 10
[[ $WAIT_RC == 0 ]] || { show "$T/sub.err"; fail "the subscriber exited with $WAIT_RC"; }
expect_content "$T/sub.out" 'before\nafter\n'
wait_exit "$STREAM" 10
[[ $WAIT_RC == 0 ]] || { show "$T/stream.err"; fail "the stream reader exited with $WAIT_RC"; }
expect_content "$T/stream.out" 'first\nsecond\n'
expect_contains "$T/stream.err" "reconnected to"
