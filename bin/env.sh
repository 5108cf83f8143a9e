# Sourced by every bin/ script: the project's paths and the profile, from the environment and an optional .env.
# Like Kafka's bin/kafka-run-class.sh, it only sets variables; it runs nothing.
BTC_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -f "$BTC_HOME/.env" ]; then set -a; . "$BTC_HOME/.env"; set +a; fi
BTC_PROFILE="${BTC_PROFILE:-full}"
case "$BTC_PROFILE" in full|small) ;; *) echo "BTC_PROFILE must be 'full' or 'small', not '$BTC_PROFILE'" >&2; exit 1 ;; esac
BTC_VAR="${BTC_VAR:-$BTC_HOME/var}"
BTC_DATA="$BTC_VAR/data/$BTC_PROFILE"
KAFKA_VERSION=4.1.1
ES_VERSION=8.19.21
KAFKA_HOME="${KAFKA_HOME:-$BTC_VAR/opt/kafka}"
ES_HOME="${ES_HOME:-$BTC_VAR/opt/elasticsearch-$ES_VERSION}"
ES_USER="${ES_USER:-btc}"
if [ "$BTC_PROFILE" = full ]; then KAFKA_PORTS="9092 9093 9094"; ES_NODES_N="1 2 3"; else KAFKA_PORTS="9092"; ES_NODES_N="1"; fi
export BTC_HOME BTC_PROFILE BTC_VAR BTC_DATA KAFKA_HOME ES_HOME
