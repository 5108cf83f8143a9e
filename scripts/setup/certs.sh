#!/usr/bin/env bash
# `BTC_SECURE=1 make setup`: a local CA and this host's node certificate (Kafka's TLS listeners and KRaft quorum,
# Elasticsearch's HTTP and transport), under BTC_SECRETS (folder 0700, files 0600). Idempotent: existing files are
# kept, so an operator's own files are used as they are: ca.crt (the CA that signed the nodes), node.crt and
# node.key (PEM, the key unencrypted PKCS#8, the certificate carrying every name and address clients use).
# Reads: BTC_SECRETS, BTC_NODE_HOSTS (addresses or names put in the certificate besides 127.0.0.1 and localhost).
set -euo pipefail
. "$(dirname "$0")/../../bin/env.sh"
umask 077
mkdir -p "$BTC_SECRETS"
chmod 700 "$BTC_SECRETS"
cd "$BTC_SECRETS"
say() { printf '    %s\n' "$*"; }
if [ ! -s ca.crt ]; then
  openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -keyout ca.key -out ca.crt -subj "/O=btc-realtime/CN=btc-realtime local CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  say "created a local CA: $BTC_SECRETS/ca.crt (10 years)"
fi
# Names and addresses of the nodes: loopback, and every host of BTC_NODE_HOSTS.
san="IP:127.0.0.1,DNS:localhost"
for h in ${BTC_NODE_HOSTS//,/ }; do
  if [[ "$h" =~ ^[0-9.]+$ || "$h" == *:* ]]; then san="$san,IP:$h"; else san="$san,DNS:$h"; fi
done
if [ ! -s node.crt ]; then
  [ -s ca.key ] || { echo "    FAILED: $BTC_SECRETS/ca.crt is yours but node.crt is missing: put node.crt and node.key signed by it there" >&2; exit 1; }
  openssl req -new -newkey rsa:2048 -nodes -keyout node.key -out node.csr -subj "/O=btc-realtime/CN=btc-realtime-node" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' "$san" > node.ext
  openssl x509 -req -in node.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -out node.crt -extfile node.ext 2>/dev/null
  rm -f node.csr node.ext
  say "created the node certificate $BTC_SECRETS/node.crt for $san (825 days)"
fi
openssl verify -CAfile ca.crt node.crt >/dev/null || { echo "    FAILED: node.crt is not signed by ca.crt" >&2; exit 1; }
for h in ${BTC_NODE_HOSTS//,/ }; do
  if [[ "$h" =~ ^[0-9.]+$ || "$h" == *:* ]]; then check=(-checkip "$h"); else check=(-checkhost "$h"); fi
  openssl x509 -in node.crt -noout "${check[@]}" | grep -q "does match" \
    || { echo "    FAILED: node.crt does not name $h (BTC_NODE_HOSTS): delete node.crt to issue a new one" >&2; exit 1; }
done
# Kafka reads its key and certificate from one PEM file.
cat node.key node.crt > node.pem
find . -maxdepth 1 -type f -exec chmod 600 {} +
say "certificates in $BTC_SECRETS: ca.crt, node.crt, node.key, node.pem (files 0600)"
