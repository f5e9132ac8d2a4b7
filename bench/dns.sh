#!/usr/bin/env bash
# DNS: queries per second that dnsperf gets from `vitnet serve dns://` (one process, one thread),
# unbound 1.17 (local-data, 2 threads, SO_REUSEPORT) and dnsmasq 2.90 (a hosts file), the same
# query file (1000 names of one zone, A, all answered) against each, alternating, after one
# warm-up each; then `vitnet resolve -f` of 100 names against 100 separate `dig` runs and one
# `dig -f`, all asking the same local server.
#
# Usage: bench/dns.sh VITNET_BINARY
# Env:   PAIRS (default 3), SECONDS_PER_RUN (default 5)
# Last lines: ratio_unbound=<median vitnet/unbound qps> (target >= 1.0)
#             ratio_dnsmasq=<median vitnet/dnsmasq qps> (target >= 2.0)
#             ratio_resolve_vs_dig_runs=<vitnet resolve -f time / 100 dig runs' time> (target <= 0.5)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init dns

V="$(vitnet_binary "${1:-}")"
need dnsperf
need unbound
need dnsmasq
need dig
PAIRS="$(bench_pairs 3)"
SECS="${SECONDS_PER_RUN:-5}"

zone=$BENCH_TMP/bench.zone
hosts=$BENCH_TMP/bench.hosts
queries=$BENCH_TMP/queries
unbound_data=$BENCH_TMP/unbound.local
{
    echo '$ORIGIN bench.test.'
    echo '$TTL 300'
    echo '@ IN SOA ns admin 1 3600 600 86400 60'
} >"$zone"
: >"$hosts"
: >"$queries"
echo 'local-zone: "bench.test." static' >"$unbound_data"
for i in $(seq 1 1000); do
    ip="127.1.$((i / 256)).$((i % 256))"
    echo "h$i IN A $ip" >>"$zone"
    echo "$ip h$i.bench.test" >>"$hosts"
    echo "local-data: \"h$i.bench.test. 300 IN A $ip\"" >>"$unbound_data"
    echo "h$i.bench.test A" >>"$queries"
done

spawn "$V" -q serve dns://127.0.0.1:0 --records "$zone" --ready-file "$BENCH_TMP/v.ready"
VURL="$(wait_ready_file "$BENCH_TMP/v.ready" "$SPAWNED_PID")"
VPORT="${VURL##*:}"

UPORT="$(free_port)"
cat >"$BENCH_TMP/unbound.conf" <<CONF
server:
  interface: 127.0.0.1@$UPORT
  do-daemonize: no
  use-syslog: no
  logfile: ""
  chroot: ""
  username: ""
  directory: "$BENCH_TMP"
  pidfile: "$BENCH_TMP/unbound.pid"
  num-threads: 2
  so-reuseport: yes
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  include: "$unbound_data"
remote-control:
  control-enable: no
CONF
spawn unbound -d -c "$BENCH_TMP/unbound.conf"
wait_listen "$UPORT" "$SPAWNED_PID"

DPORT="$(free_port)"
spawn dnsmasq -k -C /dev/null --port "$DPORT" --listen-address 127.0.0.1 --bind-interfaces \
    --no-resolv --no-hosts --addn-hosts="$hosts" --local=/bench.test/ --cache-size=10000 \
    --pid-file="$BENCH_TMP/dnsmasq.pid" --user="$(id -un)" --group="$(id -gn)"
wait_listen "$DPORT" "$SPAWNED_PID"

# Queries per second of one dnsperf run against PORT; fails unless every query was answered
# NOERROR.
qps() {
    dnsperf -s 127.0.0.1 -p "$1" -d "$queries" -l "$SECS" -c 4 -q 200 >"$BENCH_TMP/perf.out" 2>&1 ||
        die "dnsperf against port $1 failed: $(tail -5 "$BENCH_TMP/perf.out")"
    awk '/Queries lost:/ { if ($3 + 0 > 0) { print "lost " $3 > "/dev/stderr" } }
         /NOERROR/ { ok = 1 }
         /Queries per second:/ { q = $4 }
         END { if (!ok || q == "") exit 1; print q }' "$BENCH_TMP/perf.out" ||
        die "dnsperf against port $1: not every answer NOERROR: $(cat "$BENCH_TMP/perf.out")"
}

echo "dns: dnsperf -c 4 -q 200, ${SECS}s per run, $PAIRS rounds; vitnet $V; unbound $(unbound -V | awk 'NR==1 {print $2}') 2 threads; $(dnsmasq --version | head -1 | cut -d' ' -f1-3)"
qps "$VPORT" >/dev/null; qps "$UPORT" >/dev/null; qps "$DPORT" >/dev/null
ru=(); rd=()
for i in $(seq "$PAIRS"); do
    v="$(qps "$VPORT")"
    u="$(qps "$UPORT")"
    d="$(qps "$DPORT")"
    ru+=("$(div "$v" "$u")")
    rd+=("$(div "$v" "$d")")
    echo "round $i: vitnet $v qps, unbound $u qps, dnsmasq $d qps; vitnet/unbound $(div "$v" "$u"), vitnet/dnsmasq $(div "$v" "$d")"
done

# 100 names, one process against one each.
head -100 "$queries" >"$BENCH_TMP/names100"
t0="$(now)"
"$V" resolve --short -f "$BENCH_TMP/names100" -s "127.0.0.1:$VPORT" >"$BENCH_TMP/r.out" || die "resolve -f failed"
t1="$(now)"
[[ $(wc -l <"$BENCH_TMP/r.out") == 100 ]] || die "resolve -f gave $(wc -l <"$BENCH_TMP/r.out") answers, not 100"
while read -r name type; do dig @127.0.0.1 -p "$VPORT" +short "$name" "$type" >/dev/null; done <"$BENCH_TMP/names100"
t2="$(now)"
dig @127.0.0.1 -p "$VPORT" +short -f "$BENCH_TMP/names100" >"$BENCH_TMP/d.out"
t3="$(now)"
r="$(elapsed "$t0" "$t1")"; runs="$(elapsed "$t1" "$t2")"; batch="$(elapsed "$t2" "$t3")"
echo "100 names: vitnet resolve -f ${r}s, 100 dig runs ${runs}s, dig -f ${batch}s"
echo "ratio_unbound=$(median "${ru[@]}")"
echo "ratio_dnsmasq=$(median "${rd[@]}")"
echo "ratio_resolve_vs_dig_runs=$(div "$r" "$runs")"
echo "ratio_resolve_vs_dig_f=$(div "$r" "$batch")"
