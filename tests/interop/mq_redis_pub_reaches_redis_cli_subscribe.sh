#!/usr/bin/env bash
# vitnet mq pub on redis:// is PUBLISH: a redis-cli SUBSCRIBE gets MESSAGE and each stdin line;
# headers and a reply subject, which redis pub/sub cannot carry, are refused with 65.
source "$(dirname "$0")/../lib/lib.sh"
start_redis_server
U=$REDIS_URL

bg redis-cli -p "$REDIS_PORT" SUBSCRIBE greet >"$T/cli.out" 2>"$T/cli.err"
wait_until 10 redis_subscribed greet || { show "$T/cli.err"; fail "redis-cli did not subscribe"; }
expect_exit 0 "$VITNET" mq pub "$U" greet 'hello redis'
printf 'line one\nline two\n' | expect_exit 0 "$VITNET" mq pub "$U" greet
wait_until 10 has_lines 1 "$T/cli.out" 'line two' || { show "$T/cli.out"; fail "redis-cli did not get the messages"; }
expect_content "$T/cli.out" 'subscribe\ngreet\n1\nmessage\ngreet\nhello redis\nmessage\ngreet\nline one\nmessage\ngreet\nline two\n'

expect_exit 65 "$VITNET" mq pub "$U" greet 'with a header' -H 'trace: 1'
expect_contains "$ERR" "redis pub/sub carries no headers"
expect_exit 65 "$VITNET" mq pub "$U" greet 'answer me' --reply back
expect_contains "$ERR" "no reply subjects"
expect_not_contains "$T/cli.out" 'with a header'
