#!/usr/bin/env bash
# Whole-process time of `vitnet tls gen dev localhost 127.0.0.1` (with a fresh XDG_DATA_HOME, so
# the development CA is made too: two keys, two certificates, four files) against the same work
# done by the two `openssl req` commands a developer would type (a CA, then a leaf signed by it
# with its SAN and profile given by -addext).
#
# Usage: bench/tls_gen.sh VITNET_BINARY
# Env:   PAIRS (default 7)  timed pairs after one warm-up pair
#        REPS (default 20)  runs of each side per sample (one run takes milliseconds)
# Last line: ratio=<median of vitnet/openssl time> (lower is better)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init tls_gen

V="$(vitnet_binary "${1:-}")"
need openssl
PAIRS="$(bench_pairs 7)"
REPS="${REPS:-20}"
[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || die "REPS must be a positive integer"
echo "tls_gen: $REPS runs per sample, $PAIRS pairs, vitnet $V, $(openssl version)"

run_vitnet() {
    local d="$BENCH_TMP/v.$1"
    mkdir -p "$d"
    XDG_DATA_HOME="$d/data" "$V" -q tls gen dev --out-dir "$d" localhost 127.0.0.1 >/dev/null ||
        die "vitnet tls gen dev failed"
}

run_openssl() {
    local d="$BENCH_TMP/o.$1"
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
        -keyout "$d/ca-key.pem" -out "$d/ca.pem" -days 3650 -subj "/CN=bench CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        2>/dev/null || die "openssl req (CA) failed"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
        -keyout "$d/localhost-key.pem" -out "$d/localhost.pem" -days 397 -subj "/CN=localhost" \
        -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -addext "basicConstraints=critical,CA:FALSE" -addext "keyUsage=critical,digitalSignature" \
        -addext "extendedKeyUsage=serverAuth" 2>/dev/null || die "openssl req (leaf) failed"
}

# Seconds for REPS runs of one side, each into a new directory. vitnet fsyncs what it writes
# (files are complete or absent after a crash; openssl does not sync): the directories of the
# last sample are removed and the file system synced before the clock starts, so neither side
# pays for flushing the other's writes.
sample() {
    local side="$1" i t0 t1
    rm -rf "$BENCH_TMP"/v.* "$BENCH_TMP"/o.*
    sync
    t0="$(now)"
    for ((i = 0; i < REPS; i++)); do "run_$side" "$i"; done
    t1="$(now)"
    elapsed "$t0" "$t1"
}

# Both sides make certificates that verify, or the comparison means nothing.
run_vitnet check
openssl verify -x509_strict -purpose sslserver -verify_hostname localhost \
    -CAfile "$BENCH_TMP/v.check/data/vitnet/ca/ca.pem" "$BENCH_TMP/v.check/localhost.pem" >/dev/null ||
    die "vitnet's certificate does not verify"
run_openssl check
openssl verify -purpose sslserver -verify_hostname localhost \
    -CAfile "$BENCH_TMP/o.check/ca.pem" "$BENCH_TMP/o.check/localhost.pem" >/dev/null ||
    die "openssl's certificate does not verify"

echo "warmup vitnet=$(sample vitnet)s openssl=$(sample openssl)s"
ratios=()
vts=()
ots=()
for ((p = 1; p <= PAIRS; p++)); do
    tv="$(sample vitnet)"
    to="$(sample openssl)"
    r="$(awk -v a="$tv" -v b="$to" 'BEGIN { printf "%.3f", a / b }')"
    echo "pair $p vitnet=${tv}s openssl=${to}s ratio=$r"
    ratios+=("$r")
    vts+=("$tv")
    ots+=("$to")
done
mv="$(median "${vts[@]}")"
mo="$(median "${ots[@]}")"
per() { awk -v t="$1" -v n="$REPS" 'BEGIN { printf "%.1f", t / n * 1000 }'; }
echo "summary: vitnet $(per "$mv") ms per CA + leaf, openssl req x2 $(per "$mo") ms"
echo "ratio=$(fmt2 "$(median "${ratios[@]}")") (vitnet tls gen dev time / openssl req time; lower is better)"
