#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make-certs.sh DIR — test-time certificates for the fault matrix (nothing is
# checked in: keys and dates are always fresh).
#
#   ca.pem                      a private CA the client is told to trust (ca_file)
#   good.pem / good.key         signed by the CA for DNS:localhost, IP:127.0.0.1
#   expired.pem / expired.key   same names, but already expired
#   wronghost.pem / wronghost.key  valid dates, SAN DNS:wrong.example only
#   <name>.sha256               lower-case hex SHA-256 of the DER certificate
#
# Expired without faketime: OpenSSL 3.0's `x509 -req` accepts a negative -days,
# which sets notAfter = now - 1 day (notBefore stays now), so `openssl verify`
# reports "certificate has expired" (X509_V_ERR_CERT_HAS_EXPIRED).  A plain
# `req -x509 -days 1` would still be valid for a day, and -not_before/-not_after
# only exist from OpenSSL 3.4 on.  (`openssl ca -startdate/-enddate` also works
# but needs a CA database and config file.)
set -eu
dir=$1
openssl=${OPENSSL:-openssl}
cd "$dir"

key() { "$openssl" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key ca.key
"$openssl" req -x509 -new -key ca.key -out ca.pem -days 30 -subj "/CN=Mailpeek fault CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

sign() {  # name days san
  key "$1.key"
  "$openssl" req -new -key "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$3" > "$1.ext"
  "$openssl" x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out "$1.pem" -days "$2" -extfile "$1.ext" 2>/dev/null
  "$openssl" x509 -in "$1.pem" -outform DER | "$openssl" dgst -sha256 -r | cut -d' ' -f1 > "$1.sha256"
  rm -f "$1.csr" "$1.ext"
}

sign good 30 "DNS:localhost,IP:127.0.0.1"
sign expired -1 "DNS:localhost,IP:127.0.0.1"
sign wronghost 30 "DNS:wrong.example"

# Fail here (not in the C test) if this OpenSSL made something else than intended.
"$openssl" verify -CAfile ca.pem good.pem >/dev/null
if "$openssl" verify -CAfile ca.pem expired.pem >/dev/null 2>&1; then
  echo "make-certs.sh: expired.pem verifies; this OpenSSL ignored -days -1" >&2
  exit 1
fi
