#!/usr/bin/env bash
# Bytes relayed over tls:// on loopback (1 GiB): `vitnet connect --ca CA tls://...` fed by a file ->
# `vitnet serve -k --sink tls://...` (certificate from an openssl-made CA), against socat with
# OPENSSL addresses on both ends (the client verifying with cafile=CA; same OpenSSL, same TLS 1.3
# cipher), measured with socat's default buffer (8 KiB) and with -b131072; both are reported.
#
# Each round runs vitnet, socat (default), socat -b131072, one after the other (A B C A B C ...),
# after one warm-up round; a pair is vitnet with either socat of the same round.
#
# Usage: bench/tls_relay.sh VITNET_BINARY
# Env:   PAIRS (default 5)             rounds after the warm-up
#        TLS_RELAY_BYTES (1073741824)  bytes per run
#        RUN_TIMEOUT (120)             seconds before a single run is declared hung
# Every vitnet run is checked: the server's --json close event must count all the bytes.
# Last line: ratio=<median vitnet throughput / socat default throughput> ... (higher is better)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init tls_relay

V="$(vitnet_binary "${1:-}")"
need socat
need openssl
need python3
PAIRS="$(bench_pairs 5)"
SIZE="${TLS_RELAY_BYTES:-1073741824}"
[[ "$SIZE" =~ ^[1-9][0-9]*$ ]] || die "TLS_RELAY_BYTES must be a positive integer"
RUN_TIMEOUT="${RUN_TIMEOUT:-120}"

# ---- certificates: a CA and a leaf for 127.0.0.1, made with the openssl CLI -----------------
PKI="$BENCH_TMP/pki"
mkdir -p "$PKI"
pki() { "$@" >>"$PKI/openssl.log" 2>&1 || { cat "$PKI/openssl.log" >&2; die "openssl failed: $*"; }; }
pki openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key"
pki openssl req -x509 -new -key "$PKI/ca.key" -sha256 -days 2 -subj "/CN=vitnet bench CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" -out "$PKI/ca.pem"
pki openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/server.key"
pki openssl req -new -key "$PKI/server.key" -subj "/CN=localhost" -out "$PKI/server.csr"
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid:always" >"$PKI/server.ext"
pki openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -set_serial 1 \
    -days 2 -sha256 -extfile "$PKI/server.ext" -out "$PKI/server.pem"
CA="$PKI/ca.pem" CERT="$PKI/server.pem" KEY="$PKI/server.key"

# ---- the data file, created once ------------------------------------------------------------
make_data_file "$SIZE" tls-relay
GIB="$(awk -v s="$SIZE" 'BEGIN { printf "%.2f", s / 1073741824 }')"
echo "tls_relay: $SIZE bytes ($GIB GiB) from $DATA, $PAIRS rounds, vitnet $V"

# ---- servers --------------------------------------------------------------------------------
spawn "$V" --json serve -k --sink -q --cert "$CERT" --key "$KEY" tls://127.0.0.1:0 \
    --ready-file "$BENCH_TMP/vitnet.ready" >"$BENCH_TMP/vitnet-serve.json" 2>"$BENCH_TMP/vitnet-serve.err"
VITNET_PID="$SPAWNED_PID"
VITNET_URL="$(wait_ready_file "$BENCH_TMP/vitnet.ready" "$VITNET_PID")"

socat_server() { # PORT [SOCAT OPTIONS...]
    local port="$1"
    shift
    spawn socat "$@" -u "OPENSSL-LISTEN:$port,bind=127.0.0.1,cert=$CERT,key=$KEY,verify=0,reuseaddr,fork" OPEN:/dev/null
    wait_listen "$port" "$SPAWNED_PID"
}
SOCAT_PORT="$(free_port)"
socat_server "$SOCAT_PORT"
SOCAT_PID="$SPAWNED_PID"
SOCATB_PORT="$(free_port)"
socat_server "$SOCATB_PORT" -b131072
SOCATB_PID="$SPAWNED_PID"

check_servers() {
    kill -0 "$VITNET_PID" 2>/dev/null || {
        cat "$BENCH_TMP/vitnet-serve.err" >&2
        die "vitnet serve --sink died"
    }
    kill -0 "$SOCAT_PID" 2>/dev/null || die "the socat server died"
    kill -0 "$SOCATB_PID" 2>/dev/null || die "the socat -b131072 server died"
}

# The vitnet server's close events: every finished vitnet run must have delivered SIZE bytes.
VITNET_RUNS=0
check_vitnet_bytes() {
    local i got
    for ((i = 0; i < 50; i++)); do
        got="$(grep -c '"event":"close"' "$BENCH_TMP/vitnet-serve.json" || true)"
        ((got >= VITNET_RUNS)) && break
        sleep 0.1
    done
    python3 - "$BENCH_TMP/vitnet-serve.json" "$VITNET_RUNS" "$SIZE" <<'EOF' || die "vitnet did not relay every byte"
import json, sys
path, runs, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
closes = [o for o in map(json.loads, filter(str.strip, open(path))) if o.get("event") == "close"]
if len(closes) != runs:
    sys.exit(f"error: tls_relay: {len(closes)} close events from vitnet serve, expected {runs}")
for c in closes:
    if c.get("bytes_in") != size or c.get("reason") != "eof":
        sys.exit(f"error: tls_relay: vitnet serve got {c.get('bytes_in')} bytes ({c.get('reason')}), expected {size}")
EOF
}

# ---- one timed run: prints seconds --------------------------------------------------------
client() { # TOOL
    case "$1" in
        vitnet) timeout "$RUN_TIMEOUT" "$V" connect -q --ca "$CA" "$VITNET_URL" <"$DATA" ;;
        socat) timeout "$RUN_TIMEOUT" socat -u - "OPENSSL:127.0.0.1:$SOCAT_PORT,cafile=$CA" <"$DATA" ;;
        socatb) timeout "$RUN_TIMEOUT" socat -b131072 -u - "OPENSSL:127.0.0.1:$SOCATB_PORT,cafile=$CA" <"$DATA" ;;
    esac
}

run() { # TOOL -> seconds on stdout
    local t0 t1 rc=0
    sleep 0.2 # let the previous run's server side drain
    t0="$(now)"
    client "$1" </dev/null 2>"$BENCH_TMP/client.err" || rc=$?
    t1="$(now)"
    if ((rc)); then
        cat "$BENCH_TMP/client.err" >&2
        ((rc == 124)) && die "$1 client hung: no exit after ${RUN_TIMEOUT}s"
        die "$1 client failed with exit status $rc"
    fi
    if [[ -s "$BENCH_TMP/client.err" ]]; then
        echo "note: $1 client wrote on stderr: $(head -c 300 "$BENCH_TMP/client.err")" >&2
    fi
    check_servers
    if [[ "$1" == vitnet ]]; then
        VITNET_RUNS=$((VITNET_RUNS + 1))
        check_vitnet_bytes
    fi
    elapsed "$t0" "$t1"
}

gibps() { awk -v s="$SIZE" -v t="$1" 'BEGIN { printf "%.2f", s / 1073741824 / t }'; }

# run() counts the vitnet runs in VITNET_RUNS: never call it in a $(...) subshell; its output goes
# to a file instead.
run vitnet >"$BENCH_TMP/w1"
run socat >"$BENCH_TMP/w2"
run socatb >"$BENCH_TMP/w3"
echo "warmup vitnet=$(cat "$BENCH_TMP/w1")s socat=$(cat "$BENCH_TMP/w2")s socat_b131072=$(cat "$BENCH_TMP/w3")s"

ratios=() ratios_b=() vts=() sts=() sbts=()
for ((i = 1; i <= PAIRS; i++)); do
    run vitnet >"$BENCH_TMP/tv"
    run socat >"$BENCH_TMP/ts"
    run socatb >"$BENCH_TMP/tb"
    tv="$(cat "$BENCH_TMP/tv")" ts="$(cat "$BENCH_TMP/ts")" tb="$(cat "$BENCH_TMP/tb")"
    r="$(div "$ts" "$tv")" rb="$(div "$tb" "$tv")"
    ratios+=("$r") ratios_b+=("$rb") vts+=("$tv") sts+=("$ts") sbts+=("$tb")
    echo "pair $i vitnet=${tv}s ($(gibps "$tv") GiB/s) socat=${ts}s ($(gibps "$ts") GiB/s) ratio=$r" \
        "socat_b131072=${tb}s ($(gibps "$tb") GiB/s) ratio_b131072=$rb"
done

VT="$(median "${vts[@]}")" ST="$(median "${sts[@]}")" SBT="$(median "${sbts[@]}")"
RATIO="$(fmt2 "$(median "${ratios[@]}")")"
RATIO_B="$(fmt2 "$(median "${ratios_b[@]}")")"
echo "summary: vitnet median ${VT}s ($(gibps "$VT") GiB/s), socat median ${ST}s ($(gibps "$ST") GiB/s)," \
    "socat -b131072 median ${SBT}s ($(gibps "$SBT") GiB/s); all $VITNET_RUNS vitnet runs delivered every byte"
# The limit: what one core encrypts with AES-256-GCM in 16 KiB records (openssl speed, taken in
# this run), against which vitnet's relay throughput is printed as a fraction.
LIMIT_KBPS="$(openssl speed -evp aes-256-gcm -bytes 16384 -seconds 2 2>/dev/null |
    awk '/^AES-256-GCM/ { sub(/k$/, "", $2); print $2 }')"
LIMIT_GIBPS="$(awk -v k="${LIMIT_KBPS:-0}" 'BEGIN { printf "%.2f", k * 1000 / 1073741824 }')"
FRACTION="$(awk -v v="$(gibps "$VT")" -v l="$LIMIT_GIBPS" 'BEGIN { if (l > 0) printf "%.2f", v / l; else print "unknown" }')"
echo "limit: openssl speed -evp aes-256-gcm -bytes 16384: $LIMIT_GIBPS GiB/s on one core;" \
    "vitnet's relay median is $FRACTION of it"
echo "ratio=$RATIO (median vitnet throughput / socat default throughput; higher is better; target >= 1.5)" \
    "ratio_b131072=$RATIO_B (target >= 2) limit_fraction=$FRACTION (aim >= 0.6)"
