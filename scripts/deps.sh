#!/usr/bin/env bash
# Installs everything vitnet needs to build, test and benchmark, from Debian's packages.
# Idempotent: when every package is present it only asks dpkg and returns.
set -euo pipefail

packages=(
  # build
  g++ cmake ninja-build ccache pkg-config make
  libcli11-dev libasio-dev libssl-dev libfmt-dev libcurl4-openssl-dev doctest-dev nlohmann-json3-dev
  libtomlplusplus-dev
  # tests: real peers and tools the end-to-end tests drive
  ncat socat netcat-openbsd python3 util-linux coreutils procps curl
  openssl gnutls-bin faketime
  # HTTP and WebSocket peers: load generators, a browser, client/server libraries
  wrk apache2-utils chromium python3-websockets node-ws
  # benchmarks: anchors
  iperf3 nmap nginx-light
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
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
