#!/usr/bin/env bash
# `make secure-sync` (BTC_SECURE=1): apply the password files of BTC_SECRETS to the running clusters after a
# rotation or a new user, without restarting them, then the ACLs:
# - Elasticsearch: rewrites the users and roles (file realm, roles for BTC_NAMESPACE added to the node's earlier
#   namespaces) of every node of this host; a node reloads them within 5 s, so the old password stops working then;
# - Kafka: sets the SCRAM credential of each user whose password file changed since the last sync (all of them the
#   first time, or with SECURE_SYNC_ALL=1), through the brokers with Kafka's ConfigCommand (org.apache.kafka.tools),
#   as `setup` (as `broker` for setup's own); the password reaches the tool in a 0600 file, never on its command
#   line; connections already open stay up, new ones need the new password;
# - the ACLs of BTC_NAMESPACE (scripts/setup/secure-kafka.ts).
# Then restart the programs whose password changed (docs/security.md, "Rotating a password").
# Reads: BTC_SECRETS, KAFKA_BROKERS (default: node 1 of BTC_NODE_HOSTS), BTC_NAMESPACE, SECURE_SYNC_ALL.
set -euo pipefail
. "$(dirname "$0")/../../bin/env.sh"
cd "$BTC_HOME"
[ "$BTC_SECURE" = 1 ] || { echo "make secure-sync is for secure mode: set BTC_SECURE=1" >&2; exit 1; }
[ -s "$BTC_SECRETS/ca.crt" ] || { echo "no $BTC_SECRETS/ca.crt: run BTC_SECURE=1 make setup first" >&2; exit 1; }

n=0
for d in "$ES_DATA"/es-*/config; do
  [ -f "$d/elasticsearch.yml" ] || continue
  bun scripts/setup/secure-es.ts files "$d" | sed 's/^/    /'; n=$((n + 1))
done
[ "$n" -gt 0 ] || echo "    no Elasticsearch node on this host ($ES_DATA): users left to the nodes' hosts"

bootstrap="${KAFKA_BROKERS:-$(node_host 1):9092}"; bootstrap="${bootstrap%%,*}"
stamp="$BTC_SECRETS/.synced"
umask 077
props="$(mktemp "$BTC_SECRETS/.client-XXXXXX")"
args="$(mktemp "$BTC_SECRETS/.java-args-XXXXXX")"   # the tool's arguments, a password among them: never on its command line
trap 'rm -f "$props" "$args"' EXIT
client() {   # the admin client's properties, as $1
  {
    echo "security.protocol=SASL_SSL"
    echo "sasl.mechanism=SCRAM-SHA-512"
    echo "ssl.truststore.type=PEM"
    echo "ssl.truststore.location=$BTC_SECRETS/ca.crt"
    printf 'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";\n' \
      "$1" "$(cat "$BTC_SECRETS/kafka/$1")"
  } > "$props"
}
cp=("$KAFKA_HOME"/libs/*)
cp="$(IFS=:; echo "${cp[*]}")"
for f in "$BTC_SECRETS"/kafka/*; do
  user="$(basename "$f")"
  if [ "${SECURE_SYNC_ALL:-0}" != 1 ] && [ -f "$stamp" ] && [ ! "$f" -nt "$stamp" ]; then continue; fi
  if [ "$user" = setup ]; then client broker; else client setup; fi
  java_args_file "$args" org.apache.kafka.tools.ConfigCommand --bootstrap-server "$bootstrap" --command-config "$props" \
    --alter --entity-type users --entity-name "$user" --add-config "SCRAM-SHA-512=[password=$(cat "$f")]"
  java -Dlog4j2.configurationFile="$BTC_HOME/config/kafka-log4j2.yaml" -cp "$cp" @"$args" 2>&1 \
    | grep -E "Completed|rror" | sed 's/^/    /'
done
touch "$stamp"
bun scripts/setup/secure-kafka.ts | sed 's/^/    /'
