#!/usr/bin/env bash
# AUTH from the URL: redis://:PASS@ and redis://PASS@ (as redis-cli reads it) for requirepass,
# redis://USER:PASS@ for an ACL user; a wrong password exits 77 (WRONGPASS), none 77 (NOAUTH).
# redis://HOST/N selects database N (out of range: 76; not a number: 64); nothing listening: 69.
source "$(dirname "$0")/../lib/lib.sh"
start_redis_server --requirepass s3cret
H=127.0.0.1:$REDIS_PORT
rcli -a s3cret ACL SETUSER alice on '>pw' '~*' '&*' '+@all' >/dev/null

expect_exit 0 "$VITNET" mq pub "redis://:s3cret@$H" k one --stream
expect_exit 0 "$VITNET" mq pub "redis://s3cret@$H" k two --stream
expect_exit 0 "$VITNET" mq pub "redis://alice:pw@$H/2" k three --stream
[[ $(rcli -a s3cret XLEN k) == 2 ]] || fail "database 0 should hold two entries"
[[ $(rcli -a s3cret -n 2 XLEN k) == 1 ]] || fail "database 2 should hold one entry"
expect_exit 0 "$VITNET" mq sub "redis://s3cret@$H/2" k --stream --from start --until-end
expect_content "$OUT" 'three\n'

expect_exit 77 "$VITNET" mq pub "redis://:wrong@$H" k x --stream
expect_contains "$ERR" "WRONGPASS"
expect_not_contains "$ERR" "wrong"
expect_exit 77 "$VITNET" mq sub "redis://$H" k --timeout 1s
expect_contains "$ERR" "NOAUTH"
expect_exit 76 "$VITNET" mq pub "redis://:s3cret@$H/99" k x --stream
expect_contains "$ERR" "SELECT 99 refused"
expect_exit 64 "$VITNET" mq pub "redis://:s3cret@$H/two" k x --stream
expect_contains "$ERR" "database number"
expect_exit 69 "$VITNET" mq pub "redis://127.0.0.1:$(free_port)" k x
