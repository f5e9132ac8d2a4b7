#!/usr/bin/env bash
# HTTP GET of a small static file under load against `vitnet serve http:// --dir` and against
# nginx with 2 workers (access log off on both), alternating, after one warm-up each. Two load
# generators, so that the result does not depend on one: `wrk -t2 -c64` and `h2load --h1 -t2 -c64`
# (nghttp2's, over HTTP/1.1).
#
# Usage: bench/http.sh VITNET_BINARY
# Env:   PAIRS (default 5)   vitnet/nginx pairs per load generator
#        SECONDS_EACH        duration per run (default 5)
# Lines: h2load_ratio=<median> before the last; the last: ratio=<median vitnet_rps/nginx_rps with
# wrk> (higher is better; target >= 1.25 with both)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init http

V="$(vitnet_binary "${1:-}")"
need wrk
need h2load
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
    timeout $((2 * $2 + 30)) wrk -t2 -c64 -d"${2}s" "$1/small.html" >"$BENCH_TMP/wrk.out" 2>&1 ||
        die "wrk failed or hung: $(cat "$BENCH_TMP/wrk.out")"
    if grep -qE "Socket errors|Non-2xx" "$BENCH_TMP/wrk.out"; then
        die "errors under load at $1: $(grep -E 'Socket errors|Non-2xx' "$BENCH_TMP/wrk.out")"
    fi
    awk '/Requests\/sec/ { print $2 }' "$BENCH_TMP/wrk.out"
}

# The same with h2load over HTTP/1.1; fails unless every request succeeded with a 2xx. A count of
# requests (50,000 per second of SECONDS_EACH: about that long at the rates seen on this machine),
# not a duration: h2load 1.52's duration mode (-D) once ran on for minutes after its time was up.
# `timeout` bounds every run.
H2_REQUESTS=50000
h2rps() {
    local n=$((H2_REQUESTS * $2))
    timeout $((10 * $2 + 30)) h2load --h1 -t2 -c64 -n "$n" "$1/small.html" >"$BENCH_TMP/h2load.out" 2>&1 ||
        die "h2load failed or hung: $(tail -5 "$BENCH_TMP/h2load.out")"
    awk '/^requests:/ { if ($2 == 0 || $2 != $8 || $10 != 0 || $12 != 0 || $14 != 0) bad = 1 }
         /^status codes:/ { if ($5 != 0 || $7 != 0 || $9 != 0) bad = 1 }
         /^finished in/ { rps = $4 }
         END { if (bad || rps == "") exit 1; print rps }' "$BENCH_TMP/h2load.out" ||
        die "errors under load at $1: $(grep -E '^(requests|status codes):' "$BENCH_TMP/h2load.out")"
}

# pairs NAME FUNCTION: PAIRS alternating runs of FUNCTION against vitnet and nginx; prints each
# pair and sets MEDIAN.
pairs() {
    local name=$1 fn=$2 i v n r ratios=()
    "$fn" "$VURL" 1 >/dev/null
    "$fn" "$NURL" 1 >/dev/null
    for i in $(seq "$PAIRS"); do
        v="$("$fn" "$VURL" "$SECS")"
        n="$("$fn" "$NURL" "$SECS")"
        r="$(div "$v" "$n")"
        ratios+=("$r")
        echo "$name pair $i: vitnet ${v} req/s nginx ${n} req/s ratio $r"
    done
    MEDIAN="$(median "${ratios[@]}")"
}

echo "http: GET of a $(wc -c <"$BENCH_TMP/www/small.html")-byte file, 64 connections, ${SECS}s runs, $PAIRS pairs per load generator, vitnet $V, $(nginx -v 2>&1)"
pairs h2load h2rps
echo "h2load_ratio=$MEDIAN"
pairs wrk rps
echo "ratio=$MEDIAN"
