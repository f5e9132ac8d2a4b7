#!/usr/bin/env bash
# Installs the Debian packages vitnet needs, by group:
#   build   compiler, build tools and the -dev libraries (`make`, `make demo`)
#   test    the real peers and tools the end-to-end and interop tests drive (`make test`)
#   bench   the anchors the benchmarks compare against (`make bench`)
#   fuzz    clang and libFuzzer, for `make fuzz` (the corpus replay in `make test` needs neither)
#   package what CPack's Debian generator calls, for `make package` (test brings it too: a test
#           builds the package)
#
# Usage: scripts/deps.sh [build|test|bench|fuzz|package]...   (default: build)
# Idempotent: when every package is present it asks dpkg once and returns. The test group also
# (and bench) installs the node peers of tests/package-lock.json into tests/node_modules (npm ci), again only
# when package.json or its lock changed since the last install.
set -euo pipefail

build_packages=(
  g++ cmake ninja-build ccache pkg-config make
  libcli11-dev libasio-dev libssl-dev libfmt-dev libcurl4-openssl-dev doctest-dev nlohmann-json3-dev
  libtomlplusplus-dev libmsgpack-cxx-dev libnghttp2-dev
  # QUIC and HTTP/3 (net/quic, proto/http3): ngtcp2 with its GnuTLS crypto backend, nghttp3
  libngtcp2-dev libngtcp2-crypto-gnutls-dev libnghttp3-dev libgnutls28-dev
)
test_packages=(
  # peers and tools: connect/serve interop, TLS, the HTTP test server, setpriv, script, faketime
  ncat socat netcat-openbsd python3 util-linux bsdutils coreutils procps curl
  openssl gnutls-bin faketime nmap
  # HTTP and WebSocket peers: load generators, a browser, client/server libraries
  wrk apache2-utils chromium python3-websockets node-ws
  # JSON-RPC peers: language servers, an HTTP server library; MessagePack-RPC peers: Neovim and
  # python3-msgpack
  clangd python3-pylsp python3-jsonrpclib-pelix neovim python3-msgpack
  # messaging peers: a NATS server (JetStream with -js), an MQTT broker and its clients, Redis
  nats-server mosquitto mosquitto-clients redis-server redis-tools
  # DNS peers: dig, kdig, drill and dnspython as clients; dnsmasq (the binary, without its system
  # service) and unbound as servers; ldns to cross-check the DNS codec in unit tests
  bind9-dnsutils knot-dnsutils ldnsutils python3-dnspython dnsmasq-base unbound libldns-dev
  # CI-facing outputs: junitparser reads the JUnit of test net as publish-unit-test-result-action
  # does; lintian checks the .deb of make package
  python3-junitparser lintian
  # QUIC peers: ngtcp2's GnuTLS example client and server (HTTP/3); kdig +quic (knot-dnsutils) for DoQ
  ngtcp2-client ngtcp2-server
)
bench_packages=(
  # anchors: relay and throughput (socat, ncat, iperf3), scan (nmap), HTTP (nginx; wrk and h2load
  # from nghttp2-client as the two load generators), TLS (openssl), WebSocket (node ws, with
  # python3-websockets as a second line); python3 drives several of them
  socat ncat iperf3 nmap nginx-light wrk nghttp2-client openssl python3 python3-websockets
  # RPC (bench/rpc.sh): redis-benchmark's PING against redis-server; node json-rpc-2.0 comes with
  # the node peers
  redis-server redis-tools
  # mq (bench/mq.sh): nats-server, the anchor of mq bench; mosquitto for the record
  nats-server mosquitto
  # DNS (bench/dns.sh): dnsperf against serve dns://, unbound and dnsmasq
  dnsperf unbound dnsmasq-base bind9-dnsutils
  # QUIC and HTTP/3 (bench/quic.sh): ngtcp2's GnuTLS example server and client
  ngtcp2-client ngtcp2-server
)
# libFuzzer (libclang_rt.fuzzer) is only recommended by clang, and recommends are not installed;
# clang 14 is Debian 12's default.
fuzz_packages=(clang libclang-rt-14-dev)
# make package: dpkg-shlibdeps (dpkg-dev) computes Depends:, and CPack finds the ELF files to give
# it with file(1). Not in build: `make` and `make demo` package nothing, and dpkg-dev pulls in a
# good part of perl.
package_packages=(dpkg-dev file)

(($# > 0)) || set -- build
packages=()
node_peers=
for group in "$@"; do
  case $group in
    build) packages+=("${build_packages[@]}") ;;
    test) packages+=("${test_packages[@]}" "${package_packages[@]}"); node_peers=1 ;;
    bench) packages+=("${bench_packages[@]}"); node_peers=1 ;;
    fuzz) packages+=("${fuzz_packages[@]}") ;;
    package) packages+=("${package_packages[@]}") ;;
    *) echo "deps: unknown group '$group' (usage: scripts/deps.sh [build|test|bench|fuzz|package]...)" >&2; exit 64 ;;
  esac
done
# The node peers need node and npm. Debian's only when the commands are missing: a machine with
# NodeSource's node (npm included) keeps it, and Debian's npm would not install beside it.
if [[ -n $node_peers ]]; then
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

# One dpkg-query for every package asked; one not known to dpkg at all gets no line (and dpkg-query
# exits 1), so whatever is not reported installed is missing.
declare -A installed=()
while read -r name status; do
  if [[ $status == "install ok installed" ]]; then installed[${name%%:*}]=1; fi
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)

missing=()
declare -A seen=()
for p in "${packages[@]}"; do
  if [[ -n ${installed[$p]:-} || -n ${seen[$p]:-} ]]; then continue; fi
  seen[$p]=1
  missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "deps: installing ${missing[*]}" >&2
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 77; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The node peers (JSON-RPC libraries, an MCP server) at the versions of tests/package-lock.json, as
# the user running this (no root needed). npm ci empties tests/node_modules first, so the stamp of
# the lock file's checksum is there only after a complete install of that lock; none of the
# packages needs an install script.
[[ -n $node_peers ]] || exit 0
tests_dir=$(cd "$(dirname "$0")/../tests" && pwd)
stamp=$tests_dir/node_modules/.vitnet-lock.sha256
sum=$(cat "$tests_dir/package.json" "$tests_dir/package-lock.json" | sha256sum)
if [[ -f $stamp && $(<"$stamp") == "$sum" ]]; then exit 0; fi
echo "deps: installing the node peers into tests/node_modules (npm ci)" >&2
(cd "$tests_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
printf '%s\n' "$sum" >"$stamp"
