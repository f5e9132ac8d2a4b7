#!/usr/bin/env bash
# The seam (docs/ARCHITECTURE.md): commands reach the network only through net::, so they run
# unchanged on the mock network. No command names an asio, OpenSSL or libcurl type or includes
# their headers, or a private header of net/. Proto codecs are sans-io: no asio either.
source "$(dirname "$0")/../lib/lib.sh"
cd "$VITNET_SOURCE"
found=0
report() { echo "$1:" >&2; echo "$2" >&2; found=1; }
names=$(grep -rnE 'asio::|SSL_|EVP_|X509_|RAND_|curl_|CURL' commands/ || true)
[[ -z $names ]] || report "commands/ names a backend type" "$names"
includes=$(grep -rnE '#include <(asio|openssl|curl)' commands/ cli/args/ || true)
[[ -z $includes ]] || report "commands/ includes a backend header" "$includes"
private=$(grep -rnE '#include "net/(real/state|sim/objects|tls/impl|x509/ossl|http_client/(curl|multi))' \
  commands/ cli/ proto/ || true)
[[ -z $private ]] || report "a private header of net/ is included outside net/" "$private"
codecs=$(grep -rnE 'asio::|#include <asio' proto/ || true)
[[ -z $codecs ]] || report "a codec in proto/ does I/O" "$codecs"
exit $found
