#!/usr/bin/env bash
# Makes the certificates of a test or demo A-Cube: a private CA, a server certificate for 127.0.0.1 and localhost
# (the simulator's mutual-TLS port), and one client certificate per PEM serial number (subject CN = the serial, as
# the simulator scopes notifications by it). EC P-256 keys, valid for 100 years. For tests and demos only: the keys
# are not secret.
#
#   scripts/make-certificates.sh DIR [PEM…]       e.g. scripts/make-certificates.sh Samples/certificates E001-000001
#
# Writes DIR/ca.crt, DIR/ca.key, DIR/server.crt, DIR/server.key and DIR/<PEM>.crt, DIR/<PEM>.key. An existing CA in
# DIR is reused, so more PEMs can be added later.
set -euo pipefail
dir=${1:?usage: make-certificates.sh DIR [PEM…]}
shift
mkdir -p "$dir"
days=36500
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
if [[ ! -f "$dir/ca.crt" || ! -f "$dir/ca.key" ]]; then
    key "$dir/ca.key"
    openssl req -x509 -new -key "$dir/ca.key" -days "$days" -subj "/O=Quadra test/CN=Quadra test A-Cube CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$dir/ca.crt"
fi
sign() { # name subject extensions
    local csr
    csr=$(mktemp)
    key "$dir/$1.key"
    openssl req -new -key "$dir/$1.key" -subj "$2" -out "$csr"
    openssl x509 -req -in "$csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days "$days" \
        -extfile <(printf '%s\n' "$3") -out "$dir/$1.crt" 2>/dev/null
    rm -f "$csr"
}
if [[ ! -f "$dir/server.crt" ]]; then
    sign server "/O=Quadra test/CN=127.0.0.1" \
        "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth
basicConstraints=CA:FALSE"
fi
for pem in "$@"; do
    sign "$pem" "/O=Quadra test/CN=$pem" "extendedKeyUsage=clientAuth
basicConstraints=CA:FALSE"
done
rm -f "$dir/ca.srl"
