#!/usr/bin/env bash
# make up / make demo: start supervisord if needed, the clusters of the profile, wait for a KRaft quorum and a
# green Elasticsearch, create the topics and indices, then (unless UP_CLUSTERS_ONLY=1) the bolts, the dashboard
# and the producers. Reads BTC_PROFILE, SOURCE_MODE (else UP_MODE: live for make up, simulate for make demo),
# DASHBOARD_PORT. ES_STANDBY=1: also the standby cluster (standby:elasticsearch-standbyN, ES_STANDBY_NODES_N), its
# indices, and its bolts (standby:bolt-*-standby).
set -euo pipefail
. "$(dirname "$0")/../../bin/env.sh"
cd "$BTC_HOME"
ctl() { supervisorctl -c supervisord.conf "$@"; }
t0=$(date +%s)
standby_ports=""; [ "${ES_STANDBY:-0}" != 1 ] || standby_ports=$(seq "${ES_STANDBY_HTTP_PORT:-9210}" $(( ${ES_STANDBY_HTTP_PORT:-9210} + ${ES_STANDBY_NODES_N:-1} - 1 )))
mkdir -p "$BTC_VAR/log" "$BTC_VAR/run"
if ! ctl pid >/dev/null 2>&1; then
  # Another checkout's clusters on our ports would be used silently (and a fault test would stop processes it did
  # not start): refuse, and say whose they are.
  for port in $KAFKA_PORTS $(for n in $ES_NODES_N; do echo $((9199 + n)); done) $standby_ports; do
    pid=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
    if [ -n "$pid" ]; then
      echo "port $port is already held by pid $pid ($(readlink "/proc/$pid/cwd" 2>/dev/null || echo '?')), not by this checkout's supervisord:" >&2
      echo "stop those clusters first (make down in their checkout), then run this again" >&2
      exit 1
    fi
  done
  echo "==> starting supervisord (profile $BTC_PROFILE)"; supervisord -c supervisord.conf; sleep 1
fi
kafka=(); for p in $KAFKA_PORTS; do kafka+=("storm:kafka-$p"); done
es=(); for n in $ES_NODES_N; do es+=("es-kibana:elasticsearch$n"); done
if [ "${ES_STANDBY:-0}" = 1 ]; then
  # supervisord's programs (the dashboard, the standby's) read .env, not this shell's environment
  grep -qx 'ES_STANDBY=1' .env 2>/dev/null || echo "    warning: ES_STANDBY=1 is not in .env: the dashboard and the standby's programs will not see it; put it there" >&2
  ctl reread >/dev/null && ctl update standby | sed 's/^/    /'   # the standby group of an older supervisord.conf
  for n in $(seq 1 "${ES_STANDBY_NODES_N:-1}"); do es+=("standby:elasticsearch-standby$n"); done
fi
echo "==> starting ${kafka[*]} ${es[*]}"
ctl start "${kafka[@]}" "${es[@]}" | sed 's/^/    /'
echo "==> waiting for the KRaft quorum and a green Elasticsearch"
bun scripts/setup/wait-ready.ts
bun scripts/setup/topics.ts
# secure mode: the ACLs of every program, before any program starts (the brokers also create them in the background)
if [ "${BTC_SECURE:-0}" = 1 ]; then bun scripts/setup/secure-kafka.ts; fi
bun scripts/setup/indices.ts
bun scripts/backup/repository.ts
if [ "${ES_STANDBY:-0}" = 1 ]; then echo "==> the standby's indices"; ES_TARGET=standby bun scripts/setup/indices.ts; fi
if [ "${UP_CLUSTERS_ONLY:-0}" != 1 ]; then
  mode="${SOURCE_MODE:-${UP_MODE:-simulate}}"
  echo "==> starting the bolts, the dashboard and the producers (SOURCE_MODE=$mode)"
  # The producers read their mode from this file (bin/producer): supervisord's own environment may be older.
  printf 'SOURCE_MODE=%s\n' "$mode" > "$BTC_VAR/run/producers.env"
  mapfile -t bolts < <(ctl status | awk -v sb="${ES_STANDBY:-0}" '$1 ~ /^storm:bolt-/ || (sb == 1 && $1 ~ /^standby:bolt-/) {print $1}')
  ctl start "${bolts[@]}" es-kibana:dashboard 2>&1 | sed '/already started/d; s/^/    /'
  # the scheduled snapshots (docs/backups.md); a supervisord started before the program existed does not know it
  ctl start es-kibana:snapshots 2>&1 | sed '/already started/d; s/^/    /' \
    || echo "    es-kibana:snapshots unknown to the running supervisord: make down, then make up, loads it"
  ctl reread >/dev/null && ctl update producer | sed 's/^/    /'   # an edited [program:] of a producer takes effect
  ctl restart producer: 2>&1 | sed '/not running/d; s/^/    /'
  [ -n "${KIBANA_HOME:-}" ] && ctl start es-kibana:kibana | sed 's/^/    /'
fi
echo "==> up in $(( $(date +%s) - t0 )) s. Dashboard: http://127.0.0.1:${DASHBOARD_PORT:-8080}/   status: make status"
