#!/usr/bin/env bash
# The integration tests: bring up the full profile's clusters (3 Kafka brokers, 3 Elasticsearch nodes) under
# supervisord if they are not up, run every tests/*.test.ts against them, and stop what this script started.
# Each test file works in its own namespace (BTC_NAMESPACE), so the production topics and indices are untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
export BTC_PROFILE=full
started=0
if ! supervisorctl -c supervisord.conf pid >/dev/null 2>&1; then started=1; fi
cleanup() { if [ "$started" = 1 ]; then echo "==> stopping the clusters this run started"; make -s down || true; fi; }
trap cleanup EXIT
UP_CLUSTERS_ONLY=1 bash scripts/setup/up.sh
echo "==> integration tests (tests/), full profile"
BTC_TEST_OWNS_CLUSTERS=$started bun test --timeout 420000 tests "$@"
# The small profile uses the same ports: it is checked only when this run owns the clusters (CI, a fresh start).
if [ "$started" = 1 ] && [ $# -eq 0 ]; then
  echo "==> small profile: restarting the clusters with BTC_PROFILE=small"
  make -s down
  BTC_PROFILE=small UP_CLUSTERS_ONLY=1 bash scripts/setup/up.sh
  BTC_PROFILE=small bun test --timeout 120000 tests/small-profile-runs-one-broker-one-node.test.ts
else
  echo "==> small profile not checked: the clusters were already running (stop them with make down to include it)"
fi
if [ $# -eq 0 ]; then
  echo "==> secure mode: TLS + SCRAM + ACLs, Elasticsearch roles, a second host (network namespaces of its own)"
  bash tests/run-secure.sh
fi
