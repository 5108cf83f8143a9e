#!/usr/bin/env bash
# make setup: install everything btc-realtime needs on a Debian 12 machine, idempotently, with progress.
# Downloads only from Debian's archive, the npm registry and Maven Central. Run as root (apt, the ES user).
# Reads: KAFKA_HOME, ES_HOME (use existing installs instead of ours), BTC_SKIP_APT=1 (packages already there),
#        WITH_BROWSER=1 (also Debian's Chromium, for the dashboard's browser tests), BTC_SECURE=1 (also a CA,
#        certificates and passwords in BTC_SECRETS for the secure mode; kept when they exist).
# A failed step says what failed and how to retry; a second run changes nothing.
set -euo pipefail
. "$(dirname "$0")/../../bin/env.sh"
cd "$BTC_HOME"
BUN_VERSION=1.4.5
step() { printf '\n==> [%s] %s\n' "$1" "$2"; }
ok() { printf '    ok: %s\n' "$*"; }
die() { printf '    FAILED: %s\n    retry with: make setup\n' "$*" >&2; exit 1; }

# The user must exist before bin/env.sh decides where Elasticsearch lives (ES_BASE).
if ! id "${ES_USER:-btc}" >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "${ES_USER:-btc}" || die "useradd ${ES_USER:-btc}"
  ok "created user ${ES_USER:-btc}, who runs Elasticsearch"; . "$(dirname "$0")/../../bin/env.sh"
fi

step 1/8 "Debian packages (supervisor, Java 17, Maven, unzip, openssl, iproute2)"
need=()
for p in supervisor openjdk-17-jre-headless maven unzip curl util-linux openssl iproute2; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ "${WITH_BROWSER:-0}" = 1 ]; then dpkg -s chromium >/dev/null 2>&1 || need+=(chromium); fi
if [ ${#need[@]} -eq 0 ]; then ok "all present"
elif [ "${BTC_SKIP_APT:-0}" = 1 ]; then die "missing Debian packages: ${need[*]} (BTC_SKIP_APT=1 was set)"
else
  [ "$(id -u)" = 0 ] || die "installing ${need[*]} needs root: run sudo make setup"
  apt-get update -qq || die "apt-get update (Debian's archive unreachable?)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || die "apt-get install ${need[*]}"
  ok "installed ${need[*]}"
fi
# Debian starts its own supervisord on install; this project runs its own, from supervisord.conf.
if systemctl is-active --quiet supervisor 2>/dev/null; then systemctl disable --now supervisor >/dev/null 2>&1 || true; fi

step 2/8 "Bun $BUN_VERSION (from the npm registry)"
if command -v bun >/dev/null && [ "$(bun --version)" = "$BUN_VERSION" ]; then ok "bun $(bun --version)"
else npm install -g --no-fund --no-audit "bun@$BUN_VERSION" >/dev/null || die "npm install -g bun@$BUN_VERSION"; ok "bun $(bun --version)"; fi

step 3/8 "npm dependencies (bun.lock, frozen)"
bun install --frozen-lockfile --no-progress >/dev/null || die "bun install --frozen-lockfile"
ok "$(ls node_modules | wc -l) packages in node_modules"

step 4/8 "Apache Kafka $KAFKA_VERSION (Maven Central: org.apache.kafka:kafka_2.13 and its dependencies)"
if [ "$KAFKA_HOME" != "$BTC_VAR/opt/kafka" ]; then ok "using KAFKA_HOME=$KAFKA_HOME"
elif [ -f "$KAFKA_HOME/libs/kafka_2.13-$KAFKA_VERSION.jar" ] && [ -f "$KAFKA_HOME/.complete" ]; then ok "$(ls "$KAFKA_HOME/libs" | wc -l) jars in $KAFKA_HOME/libs"
else
  rm -rf "$KAFKA_HOME"
  mkdir -p "$BTC_VAR/log"
  mvn -B -q -Dstyle.color=never -f tools/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$KAFKA_HOME/libs" >"$BTC_VAR/log/setup-kafka.log" 2>&1 \
    || die "mvn dependency:copy-dependencies for Kafka (Maven Central unreachable? see var/log/setup-kafka.log)"
  touch "$KAFKA_HOME/.complete"; ok "$(ls "$KAFKA_HOME/libs" | wc -l) jars in $KAFKA_HOME/libs"
fi

step 5/8 "Elasticsearch $ES_VERSION (Maven Central: org.elasticsearch.distribution.integ-test-zip)"
if [ "$ES_HOME" != "$ES_BASE/opt/elasticsearch-$ES_VERSION" ]; then ok "using ES_HOME=$ES_HOME"
elif [ -x "$ES_HOME/bin/elasticsearch" ] && [ -f "$ES_HOME/.complete" ]; then ok "$ES_HOME"
else
  mkdir -p "$BTC_VAR/log"
  echo "    downloading about 100 MB..."
  mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
    -DoutputDirectory="$BTC_VAR/opt/dl" >"$BTC_VAR/log/setup-elasticsearch.log" 2>&1 \
    || die "mvn dependency:copy of Elasticsearch $ES_VERSION (Maven Central unreachable? see var/log/setup-elasticsearch.log)"
  rm -rf "$ES_HOME"; mkdir -p "$ES_BASE/opt"
  unzip -q -o "$BTC_VAR/opt/dl/elasticsearch-$ES_VERSION.zip" -d "$ES_BASE/opt" || die "unzip of Elasticsearch"
  chmod -R a+rX "$ES_HOME"; touch "$ES_HOME/.complete"; ok "$ES_HOME"
fi

step 6/8 "the unprivileged user '$ES_USER' that runs Elasticsearch, and the data folders"
mkdir -p "$BTC_VAR/log" "$BTC_VAR/run"
for prof in full small; do for n in 1 2 3; do
  d="$ES_BASE/data/$prof/es-$n"; mkdir -p "$d"
  [ "$(stat -c %U "$d")" = "$ES_USER" ] || chown -R "$ES_USER:" "$d"
done; done
setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups test -r "$ES_HOME/bin/elasticsearch" -a -w "$ES_BASE/data/full/es-1" \
  || die "user $ES_USER cannot read $ES_HOME or write $ES_BASE/data (set ES_BASE to a folder it can reach)"
ok "Elasticsearch data under $ES_BASE/data/{full,small}/es-N, owned by $ES_USER"

step 7/8 "secure mode (BTC_SECURE=$BTC_SECURE): a local CA, the node certificate, one password per user"
if [ "$BTC_SECURE" = 1 ]; then
  dpkg -s openssl >/dev/null 2>&1 || [ "${BTC_SKIP_APT:-0}" = 1 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null || die "apt-get install openssl"
  bash scripts/setup/certs.sh || die "certificates in $BTC_SECRETS (scripts/setup/certs.sh)"
  bun scripts/setup/secure-secrets.ts || die "passwords in $BTC_SECRETS (scripts/setup/secure-secrets.ts)"
  ok "secrets in $BTC_SECRETS (folders 0700, files 0600; never in git: var/ is ignored)"
else ok "off: the clusters listen on 127.0.0.1 without TLS or passwords (BTC_SECURE=1 make setup turns it on)"; fi

step 8/8 "configuration"
if [ -f .env ]; then ok ".env present (your settings)"; else ok "no .env: the defaults of .env.example apply (profile $BTC_PROFILE)"; fi
printf '\nsetup complete. Next: make up (or make demo)\n'
