#!/usr/bin/env bash
# The secure stage of the tests (BTC_SECURE=1), self-contained: in network namespaces made here (a bridge in
# "data" at 10.251.0.1 with two other hosts, "app" 10.251.0.2 and "ops" 10.251.0.3), generate a CA, certificates
# and passwords into a scratch folder (0600), start one Kafka broker and one Elasticsearch node (profile small,
# bin/kafka-node and bin/es-node, TLS and authentication on) in "data", run `bun test tests/secure-*.test.ts` in
# "ops" (a bolt and a producer run in "app"), and tear everything down on exit, whatever happened.
# Needs root (ip netns), openssl, iproute2, and `make setup` done. Touches nothing outside its namespaces and
# scratch folder: the clusters on 127.0.0.1 keep running. usage: bash tests/run-secure.sh [bun test args]
# Reads: SECURE_TEST_KEEP=1 keeps the scratch folder (logs) after the run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
t0=$(date +%s)
. bin/env.sh   # the installs (KAFKA_HOME, ES_HOME) of this checkout, before the scratch BTC_VAR replaces var/
export KAFKA_HOME ES_HOME
[ "$(id -u)" = 0 ] || { echo "tests/run-secure.sh needs root (network namespaces)" >&2; exit 1; }
for c in ip openssl bun java setsid; do
  command -v "$c" >/dev/null || { echo "tests/run-secure.sh needs $c (apt-get install iproute2 openssl; make setup)" >&2; exit 1; }
done
[ -d "$KAFKA_HOME/libs" ] && [ -x "$ES_HOME/bin/elasticsearch" ] || { echo "no Kafka or Elasticsearch install: run make setup" >&2; exit 1; }
id="btcs$$"
scratch="$(mktemp -d /tmp/btc-secure-XXXXXX)"
chmod 755 "$scratch"
step() { printf '==> [%3ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

teardown() {
  local rc=$?
  step "tearing down (namespaces $id-*, $scratch)"
  for ns in app ops data; do
    for pid in $(ip netns pids "$id-$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  done
  for _ in $(seq 1 30); do
    left=0; for ns in app ops data; do [ -z "$(ip netns pids "$id-$ns" 2>/dev/null)" ] || left=1; done
    [ "$left" = 0 ] && break; sleep 1
  done
  for ns in app ops data; do
    for pid in $(ip netns pids "$id-$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  sleep 0.5
  for ns in app ops data; do ip netns del "$id-$ns" 2>/dev/null || true; done
  if [ "$rc" != 0 ]; then
    mkdir -p "$ROOT/test-artifacts"
    for f in "$scratch"/log/*.log "$scratch"/var/data/small/kafka-9092/acls.log; do
      [ -f "$f" ] && cp "$f" "$ROOT/test-artifacts/secure-$(basename "$f")"
    done
  fi
  if [ "${SECURE_TEST_KEEP:-0}" = 1 ]; then echo "    kept $scratch"; else rm -rf "$scratch"; fi
  step "secure stage finished (exit $rc) in $(( $(date +%s) - t0 )) s"
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

step "network: namespaces $id-data (10.251.0.1, bridge), $id-app (10.251.0.2), $id-ops (10.251.0.3)"
for ns in data app ops; do ip netns add "$id-$ns"; ip -n "$id-$ns" link set lo up; done
ip -n "$id-data" link add br0 type bridge
ip -n "$id-data" addr add 10.251.0.1/24 dev br0
ip -n "$id-data" link set br0 up
n=2
for ns in app ops; do
  ip link add "v$ns" netns "$id-data" type veth peer name eth0 netns "$id-$ns"
  ip -n "$id-data" link set "v$ns" master br0
  ip -n "$id-data" link set "v$ns" up
  ip -n "$id-$ns" addr add "10.251.0.$n/24" dev eth0
  ip -n "$id-$ns" link set eth0 up
  n=$((n + 1))
done

export BTC_SECURE=1 BTC_PROFILE=small BTC_NODE_HOSTS=10.251.0.1 BTC_NAMESPACE=
# Set empty, so that neither bin/env.sh nor Bun fills them from a .env of the checkout: the defaults derive from above.
export KAFKA_BROKERS= ES_NODES= BTC_IDENTITY= KAFKA_USERNAME= KAFKA_PASSWORD= KAFKA_CA_CERT= ES_USERNAME= ES_PASSWORD=
export ES_API_KEY= ES_CA_CERT= ES_SECURITY= TOPIC_REPLICATION= INDEX_REPLICAS= INDEX_SHARDS=
export BTC_VAR="$scratch/var" ES_BASE="$scratch/es" BTC_SECRETS="$scratch/secrets"
export KAFKA_HEAP=384m ES_HEAP=512m
mkdir -p "$scratch/log" "$ES_BASE" && chmod 755 "$ES_BASE"
step "certificates and passwords (scripts/setup/certs.sh, secure-secrets.ts) into $BTC_SECRETS"
bash scripts/setup/certs.sh
bun scripts/setup/secure-secrets.ts

step "starting Kafka (SASL_SSL 10.251.0.1:9092, KRaft over mTLS :19092) and Elasticsearch (https :9200) in $id-data"
ip netns exec "$id-data" setsid bin/kafka-node 9092 > "$scratch/log/kafka-9092.log" 2>&1 &
ip netns exec "$id-data" setsid bin/es-node 1 > "$scratch/log/elasticsearch1.log" 2>&1 &
# Long steps run in the background and are waited for, so a TERM or INT tears down at once.
ip netns exec "$id-ops" env WAIT_TIMEOUT_S=180 bun scripts/setup/wait-ready.ts &
wait $!
ip netns exec "$id-ops" bun scripts/setup/topics.ts
ip netns exec "$id-ops" bun scripts/setup/indices.ts
ip netns exec "$id-ops" bun scripts/setup/secure-kafka.ts

step "bun test tests/secure-*.test.ts (in $id-ops)"
export SECURE_TEST_DATA_NS="$id-data" SECURE_TEST_APP_NS="$id-app" SECURE_TEST_OPS_NS="$id-ops" SECURE_TEST_SCRATCH="$scratch"
ip netns exec "$id-ops" bun test --timeout 240000 "${@:-tests/secure-}" &
wait $!
