# Certificate material for the TLS tests, made with the openssl CLI (not with `vitnet tls gen`, so
# the transport tests do not depend on it). tests/cli/tls_transport_certs_pass_openssl_x509_strict.sh
# proves the material sound: the leaves pass `openssl verify -x509_strict` for their purpose and
# names, so a failing transport test points at vitnet, not at its fixtures.
#
# Source it after lib.sh, do not run it:
#   source "$(dirname "$0")/../lib/lib.sh"
#   source "$(dirname "$0")/../lib/pki.sh"
# It skips the test when openssl is missing, and gives, in $PKI (a directory under $T):
#   pki_ca                      ca.pem / ca.key: a root CA with the extensions strict verifiers want
#                               (basicConstraints critical CA:TRUE, keyUsage critical keyCertSign+cRLSign,
#                               SKI; AKI as openssl adds it)
#   pki_server NAME SAN [DAYS]  NAME.pem / NAME.key: a server leaf signed by the CA, SAN as given
#                               (e.g. "DNS:localhost,IP:127.0.0.1"), EKU serverAuth, SKI and AKI
#   pki_client NAME [DAYS]      NAME.pem / NAME.key: a client leaf (EKU clientAuth, CN=NAME)
#   pki_expired NAME SAN        NAME.pem / NAME.key: a server leaf valid only on 1-2 January 2020
#                               (`openssl ca -startdate/-enddate`: openssl 3.0's x509 cannot backdate)
#   pki_sha256 FILE             the certificate's fingerprint as sha256:AB:CD:...
# Each function makes the CA first when needed. Keys are ECDSA P-256 (fast to make).

need openssl
PKI=$T/pki
mkdir -p "$PKI"

_pki_run() {
  # openssl chatters on stderr even when it works: keep it for the failure message only.
  if ! "$@" >"$PKI/openssl.log" 2>&1; then
    show "$PKI/openssl.log"
    fail "openssl failed making test certificates: $*"
  fi
}

pki_ca() {
  [[ -s $PKI/ca.pem ]] && return 0
  _pki_run openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key"
  _pki_run openssl req -x509 -new -key "$PKI/ca.key" -sha256 -days 30 -subj "/CN=vitnet test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$PKI/ca.pem"
}

# _pki_leaf NAME CN EXTFILE DAYS — key, CSR and certificate signed by the CA.
_pki_leaf() {
  pki_ca
  _pki_run openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$1.key"
  _pki_run openssl req -new -key "$PKI/$1.key" -subj "/CN=$2" -out "$PKI/$1.csr"
  _pki_run openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days "$4" -sha256 -extfile "$3" -out "$PKI/$1.pem"
}

_pki_server_ext() { # FILE SAN
  cat >"$1" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$2
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
EOF
}

pki_server() {
  local name=$1 san=$2 days=${3:-2}
  local cn=${san%%,*}
  cn=${cn#*:}
  _pki_server_ext "$PKI/$name.ext" "$san"
  _pki_leaf "$name" "$cn" "$PKI/$name.ext" "$days"
}

pki_client() {
  local name=$1 days=${2:-2}
  cat >"$PKI/$name.ext" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
EOF
  _pki_leaf "$name" "$name" "$PKI/$name.ext" "$days"
}

pki_expired() {
  local name=$1 san=$2
  pki_ca
  _pki_server_ext "$PKI/$name.ext" "$san"
  _pki_run openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key"
  _pki_run openssl req -new -key "$PKI/$name.key" -subj "/CN=expired" -out "$PKI/$name.csr"
  mkdir -p "$PKI/db.$name"
  : >"$PKI/db.$name/index.txt"
  openssl rand -hex 16 >"$PKI/db.$name/serial"
  cat >"$PKI/db.$name/ca.cnf" <<EOF
[ca]
default_ca = test
[test]
database = $PKI/db.$name/index.txt
new_certs_dir = $PKI/db.$name
serial = $PKI/db.$name/serial
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no
[anything]
commonName = supplied
EOF
  _pki_run openssl ca -batch -notext -config "$PKI/db.$name/ca.cnf" -cert "$PKI/ca.pem" -keyfile "$PKI/ca.key" \
    -in "$PKI/$name.csr" -startdate 20200101000000Z -enddate 20200102000000Z -extfile "$PKI/$name.ext" \
    -out "$PKI/$name.pem"
}

pki_sha256() {
  local fp
  fp=$(openssl x509 -in "$1" -noout -fingerprint -sha256) || fail "cannot fingerprint $1"
  echo "sha256:${fp#*=}"
}
