#!/usr/bin/env bash
# resolve against dnsmasq (started here on a free loopback port, reading no resolv.conf and no
# hosts file, forwarding nothing): its --address, --host-record, --txt-record, --srv-host and
# --cname answers, NXDOMAIN for names under a domain it is local for, over UDP and TCP; and
# connect through --resolver pointed at it.
source "$(dirname "$0")/../lib/lib.sh"
need dnsmasq

port=$(free_udp_port)
bg dnsmasq -k -C /dev/null --port "$port" --listen-address 127.0.0.1 --bind-interfaces \
  --no-resolv --no-hosts --pid-file="$T/dnsmasq.pid" --user="$(id -un)" --group="$(id -gn)" \
  --local=/lan.test/ --address=/wild.lan.test/127.0.0.5 --host-record=h.lan.test,127.0.0.6,::1 \
  --txt-record=t.lan.test,"hello world" --srv-host=_x._tcp.lan.test,h.lan.test,4242,1,2 \
  --cname=c.lan.test,h.lan.test --host-record=app.lan.test,127.0.0.1 --log-facility=- >"$T/dnsmasq.log" 2>&1
wait_until 10 udp_bound "$port" || { show "$T/dnsmasq.log"; fail "dnsmasq did not start"; }
s=127.0.0.1:$port

expect_exit 0 "$VITNET" resolve --short h.lan.test -s "$s"
expect_content "$OUT" '127.0.0.6\n::1\n'
expect_exit 0 "$VITNET" resolve --short any.wild.lan.test A -s "tcp://$s"
expect_content "$OUT" '127.0.0.5\n'
expect_exit 0 "$VITNET" resolve --short t.lan.test TXT -s "$s"
expect_content "$OUT" '"hello world"\n'
expect_exit 0 "$VITNET" resolve --short _x._tcp.lan.test SRV -s "$s"
expect_content "$OUT" '1 2 4242 h.lan.test.\n'
expect_exit 0 "$VITNET" --json resolve c.lan.test A -s "$s"
python3 -c 'import json,sys; o=json.loads(open(sys.argv[1]).readline()); a=o["message"]["answerRRs"]; assert [r["TYPEname"] for r in a]==["CNAME","A"] and a[1]["rdataA"]=="127.0.0.6", a' "$OUT" || { show "$OUT"; fail "CNAME"; }
expect_exit 1 "$VITNET" resolve nosuch.lan.test A -s "$s"
expect_contains "$ERR" "NXDOMAIN"
expect_exit 0 "$VITNET" resolve --short -x 127.0.0.6 -s "$s"
expect_content "$OUT" 'h.lan.test.\n'

start_serve tcp://127.0.0.1:0 --reply hi -k
app=$(url_port "$URL")
expect_exit 0 "$VITNET" --resolver "$s" connect "app.lan.test:$app" </dev/null
expect_content "$OUT" 'hi'
