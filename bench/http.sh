#!/usr/bin/env bash
# HTTP GET of a small static file under load: `wrk -t2 -c64` against `vitnet serve http:// --dir`
# and against nginx with 2 workers (access log off on both), alternating, after one warm-up each.
#
# Usage: bench/http.sh VITNET_BINARY
# Env:   PAIRS (default 5)   vitnet/nginx pairs
#        SECONDS_EACH        wrk duration per run (default 5)
# Last line: ratio=<median vitnet_rps/nginx_rps> (higher is better; target >= 1.0)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init http

V="$(vitnet_binary "${1:-}")"
need wrk
need nginx
PAIRS="$(bench_pairs 5)"
SECS="${SECONDS_EACH:-5}"

mkdir -p "$BENCH_TMP/www" "$BENCH_TMP/nginx/tmp" "$BENCH_TMP/nginx/logs"
chmod 755 "$BENCH_TMP" "$BENCH_TMP/www"  # nginx workers run as an unprivileged user
printf '<!doctype html><title>small</title><p>a small static file for the benchmark</p>\n' >"$BENCH_TMP/www/small.html"

spawn "$V" -q serve "http://127.0.0.1:0" --dir "$BENCH_TMP/www" --ready-file "$BENCH_TMP/serve.ready"
VURL="$(wait_ready_file "$BENCH_TMP/serve.ready" "$SPAWNED_PID")"

NPORT="$(free_port)"
cat >"$BENCH_TMP/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $BENCH_TMP/nginx/nginx.pid;
error_log $BENCH_TMP/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $BENCH_TMP/nginx/tmp; proxy_temp_path $BENCH_TMP/nginx/tmp;
  fastcgi_temp_path $BENCH_TMP/nginx/tmp; uwsgi_temp_path $BENCH_TMP/nginx/tmp;
  scgi_temp_path $BENCH_TMP/nginx/tmp;
  types { text/html html; }
  server { listen 127.0.0.1:$NPORT; root $BENCH_TMP/www; }
}
CONF
spawn nginx -c "$BENCH_TMP/nginx/nginx.conf" -p "$BENCH_TMP/nginx"
wait_listen "$NPORT" "$SPAWNED_PID"
NURL="http://127.0.0.1:$NPORT"

# Requests per second of one wrk run; fails on any socket error or non-2xx answer.
rps() {
    wrk -t2 -c64 -d"${2}s" "$1/small.html" >"$BENCH_TMP/wrk.out" 2>&1 || die "wrk failed: $(cat "$BENCH_TMP/wrk.out")"
    if grep -qE "Socket errors|Non-2xx" "$BENCH_TMP/wrk.out"; then
        die "errors under load at $1: $(grep -E 'Socket errors|Non-2xx' "$BENCH_TMP/wrk.out")"
    fi
    awk '/Requests\/sec/ { print $2 }' "$BENCH_TMP/wrk.out"
}

echo "http: wrk -t2 -c64 -d${SECS}s GET of a $(wc -c <"$BENCH_TMP/www/small.html")-byte file, $PAIRS pairs, vitnet $V, $(nginx -v 2>&1)"
rps "$VURL" 1 >/dev/null
rps "$NURL" 1 >/dev/null
ratios=()
for i in $(seq "$PAIRS"); do
    v="$(rps "$VURL" "$SECS")"
    n="$(rps "$NURL" "$SECS")"
    r="$(div "$v" "$n")"
    ratios+=("$r")
    echo "pair $i: vitnet ${v} req/s nginx ${n} req/s ratio $r"
done
echo "ratio=$(median "${ratios[@]}")"
