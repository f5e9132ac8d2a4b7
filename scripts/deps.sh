#!/usr/bin/env bash
# Installs the Debian packages vitnet needs, by group:
#   build   compiler, build tools and the -dev libraries (`make`, `make demo`)
#   test    the real peers and tools the end-to-end and interop tests drive (`make test`)
#   bench   the anchors the benchmarks compare against (`make bench`)
#   fuzz    clang and libFuzzer, for `make fuzz` (the corpus replay in `make test` needs neither)
#
# Usage: scripts/deps.sh [build|test|bench|fuzz]...   (default: build)
# Idempotent: when every package is present it asks dpkg once and returns.
set -euo pipefail

build_packages=(
  g++ cmake ninja-build ccache pkg-config make
  libcli11-dev libasio-dev libssl-dev libfmt-dev libcurl4-openssl-dev doctest-dev nlohmann-json3-dev
  libtomlplusplus-dev libmsgpack-cxx-dev
)
test_packages=(
  # peers and tools: connect/serve interop, TLS, the HTTP test server, setpriv, script, faketime
  ncat socat netcat-openbsd python3 util-linux bsdutils coreutils procps curl
  openssl gnutls-bin faketime nmap
  # HTTP and WebSocket peers: load generators, a browser, client/server libraries
  wrk apache2-utils chromium python3-websockets node-ws
  # JSON-RPC peers: a language server, an HTTP server library
  clangd python3-jsonrpclib-pelix
)
bench_packages=(
  # anchors: relay and throughput (socat, ncat, iperf3), scan (nmap), HTTP (nginx, wrk),
  # TLS (openssl), WebSocket (python3-websockets); python3 drives several of them
  socat ncat iperf3 nmap nginx-light wrk openssl python3 python3-websockets
)
# libFuzzer (libclang_rt.fuzzer) is only recommended by clang, and recommends are not installed;
# clang 14 is Debian 12's default.
fuzz_packages=(clang libclang-rt-14-dev)

(($# > 0)) || set -- build
packages=()
for group in "$@"; do
  case $group in
    build) packages+=("${build_packages[@]}") ;;
    test) packages+=("${test_packages[@]}") ;;
    bench) packages+=("${bench_packages[@]}") ;;
    fuzz) packages+=("${fuzz_packages[@]}") ;;
    *) echo "deps: unknown group '$group' (usage: scripts/deps.sh [build|test|bench|fuzz]...)" >&2; exit 64 ;;
  esac
done

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
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 77; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
