#!/usr/bin/env bash
# rediss:// is Redis over TLS (redis-server --tls-port): vitnet pub and sub verify the server
# against --ca and work as over redis://; without --ca the self-made CA is not trusted (76).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"
need redis-server redis-cli
pki_ca
pki_server server IP:127.0.0.1
REDIS_PORT=$(free_port)
bg redis-server --port 0 --tls-port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$T" \
  --tls-cert-file "$PKI/server.pem" --tls-key-file "$PKI/server.key" --tls-auth-clients no >"$T/redis-server.log" 2>&1
wait_until 10 tcp_listening "$REDIS_PORT" || { show "$T/redis-server.log"; skip "this redis-server does not take --tls-port"; }
U=rediss://127.0.0.1:$REDIS_PORT

expect_exit 0 "$VITNET" mq pub "$U" secure 'over tls' --stream -H k:v --ca "$PKI/ca.pem"
expect_exit 0 "$VITNET" mq sub "$U" secure --stream --from start --until-end --json --ca "$PKI/ca.pem"
expect_contains "$OUT" '"subject":"secure","id":"'
expect_contains "$OUT" '"data":"over tls","headers":{"k":"v"}'
expect_exit 76 "$VITNET" mq sub "$U" secure --stream --from start --until-end
expect_contains "$ERR" "certificate verify failed"
