#!/usr/bin/env bash
# --resolver (and VITNET_RESOLVER) make commands resolve host names through the given DNS server:
# connect reaches a name only that server knows; the option's URL is checked before anything runs.
source "$(dirname "$0")/../lib/lib.sh"

start_serve tcp://127.0.0.1:0 --reply hello -k
port=$(url_port "$URL")
printf 'app.internal.test. 60 IN A 127.0.0.1\n' >"$T/r.zone"
DNS_RECORDS=$T/r.zone start_dns_server
expect_exit 0 "$VITNET" --resolver "$DNS_SERVER" connect "app.internal.test:$port" </dev/null
expect_content "$OUT" 'hello'
VITNET_RESOLVER=$DNS_SERVER expect_exit 0 "$VITNET" connect "tcp://app.internal.test:$port" </dev/null
expect_content "$OUT" 'hello'
# resolve itself asks the --resolver server when given none.
expect_exit 0 "$VITNET" --resolver "$DNS_SERVER" resolve --short app.internal.test A
expect_content "$OUT" '127.0.0.1\n'
# localhost stays the system's (RFC 6761), whatever the resolver says.
expect_exit 0 "$VITNET" --resolver "$DNS_SERVER" connect "localhost:$port" </dev/null
expect_content "$OUT" 'hello'
expect_exit 64 "$VITNET" --resolver 'ftp://x' connect "localhost:$port" </dev/null
expect_contains "$ERR" "invalid DNS server 'ftp://x'"
