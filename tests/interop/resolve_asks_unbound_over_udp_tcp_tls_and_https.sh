#!/usr/bin/env bash
# resolve against unbound (local-data, started here on free loopback ports with its DNS over TLS
# and DNS over HTTPS listeners, no recursion to the outside: the zone is local and everything
# else is refused): answers over udp, tcp, tls (verified with the test CA) and https (POST and
# GET), NXDOMAIN, and REFUSED (exit 76) for a name outside its zones.
source "$(dirname "$0")/../lib/lib.sh"
need unbound
source "$(dirname "$0")/../lib/pki.sh"

pki_server unbound "DNS:localhost,IP:127.0.0.1"
udp=$(free_port)
dot=$(free_port)
doh=$(free_port)
cat >"$T/unbound.conf" <<CONF
server:
  interface: 127.0.0.1@$udp
  interface: 127.0.0.1@$dot
  interface: 127.0.0.1@$doh
  tls-port: $dot
  https-port: $doh
  http-endpoint: "/dns-query"
  http-notls-downstream: no
  tls-service-key: "$PKI/unbound.key"
  tls-service-pem: "$PKI/unbound.pem"
  do-daemonize: no
  use-syslog: no
  logfile: ""
  chroot: ""
  username: ""
  directory: "$T"
  pidfile: "$T/unbound.pid"
  num-threads: 1
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  do-not-query-localhost: yes
  local-zone: "svc.test." static
  local-data: "svc.test. 60 IN SOA ns.svc.test. admin.svc.test. 1 3600 600 86400 30"
  local-data: "api.svc.test. 60 IN A 127.0.0.70"
  local-data: "api.svc.test. 60 IN AAAA ::1"
  local-data: "svc.test. 60 IN MX 5 mx.svc.test."
  local-data: 'svc.test. 60 IN TXT "from unbound"'
  local-zone: "." refuse
remote-control:
  control-enable: no
CONF
bg unbound -d -c "$T/unbound.conf" >"$T/unbound.log" 2>&1
wait_until 10 tcp_listening "$doh" || { show "$T/unbound.log"; fail "unbound did not start"; }

expect_exit 0 "$VITNET" resolve --short api.svc.test -s "127.0.0.1:$udp"
expect_content "$OUT" '127.0.0.70\n::1\n'
expect_exit 0 "$VITNET" resolve --short svc.test MX -s "tcp://127.0.0.1:$udp"
expect_content "$OUT" '5 mx.svc.test.\n'
expect_exit 0 "$VITNET" resolve --short svc.test TXT -s "tls://127.0.0.1:$dot" --ca "$PKI/ca.pem"
expect_content "$OUT" '"from unbound"\n'
expect_exit 0 "$VITNET" resolve --short api.svc.test A -s "https://127.0.0.1:$doh/dns-query" --ca "$PKI/ca.pem"
expect_content "$OUT" '127.0.0.70\n'
expect_exit 0 "$VITNET" resolve --short api.svc.test AAAA --doh-get -s "https://127.0.0.1:$doh/dns-query" --ca "$PKI/ca.pem"
expect_content "$OUT" '::1\n'
expect_exit 1 "$VITNET" resolve nosuch.svc.test A -s "127.0.0.1:$udp"
expect_contains "$ERR" "NXDOMAIN"
expect_exit 76 "$VITNET" resolve example.com A -s "127.0.0.1:$udp"
expect_contains "$ERR" "REFUSED"
