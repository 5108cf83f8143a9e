# Sourced by every bin/ script: the project's paths and the profile, from the environment and an optional .env.
# Like Kafka's bin/kafka-run-class.sh, it only sets variables; it runs nothing.
BTC_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# btc_dotenv FILE: export FILE's variables that the environment does not set (the environment wins, even empty).
# The strict format of scripts/lib/dotenv.ts, with the same refusals (FILE:LINE: reason, then exit 1), so that Bun
# and bash read the same variables: KEY=VALUE, VALUE empty, 'single', "double" (no " \ $ `) or bare (no space,
# quote, # \ $ `); comments on their own line; literal (nothing expanded or run); no export, no key twice.
btc_dotenv() {
  local file="$1" line name raw value n=0 seen=" " dq=\" sq=\' why
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1)); why=""
    if [[ $line == *$'\r'* ]]; then why="a carriage return (save the file with Unix line endings)"
    elif [[ $line =~ ^[[:space:]]*(#|$) ]]; then continue
    elif [[ $line =~ ^export[[:space:]] ]]; then why="'export' is not taken (write KEY=VALUE)"
    elif [[ $line != *=* ]]; then why="expected KEY=VALUE"
    else
      name="${line%%=*}"; raw="${line#*=}"
      if ! [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then why="'$name' is not a variable name (no space around =)"
      elif [ -z "$raw" ]; then value=""
      elif [[ ${raw:0:1} == "$sq" || ${raw:0:1} == "$dq" ]]; then
        local q="${raw:0:1}" rest="${raw:1}"
        if [[ $rest != *"$q"* ]]; then why="unterminated $q quote"
        elif [[ ${rest%%"$q"*}$q != "$rest" ]]; then why="text after the closing quote (a comment goes on its own line)"
        else
          value="${rest%"$q"}"
          if [[ $q == "$dq" && $value =~ [\\\$\`] ]]; then why="\\, \$ or \` inside double quotes (nothing is expanded: use single quotes)"; fi
        fi
      elif [[ $raw =~ [\$\`] ]]; then why="\$ or \` in a bare value (nothing is expanded or run: use single quotes)"
      elif [[ $raw =~ [[:space:]] ]]; then why="a value with spaces must be quoted (a comment goes on its own line)"
      elif [[ $raw =~ [\'\"\\#] ]]; then why="a quote, # or \\ in a bare value (quote the whole value)"
      else value="$raw"
      fi
      if [ -z "$why" ] && [[ $seen == *" $name "* ]]; then why="$name is set twice"; fi
    fi
    if [ -n "$why" ]; then echo "$file:$n: $why" >&2; return 1; fi
    seen="$seen$name "
    [ -n "${!name+x}" ] || export "$name=$value"
  done < "$file"
}
# Only .env is read, by bash here and by Bun (scripts/lib/config.ts); a .env.local would be read by neither.
if [ -f "$BTC_HOME/.env.local" ]; then echo "$BTC_HOME/.env.local: not read (only .env is): move its lines into .env" >&2; exit 1; fi
if [ -f "$BTC_HOME/.env" ]; then btc_dotenv "$BTC_HOME/.env" || exit 1; fi
BTC_PROFILE="${BTC_PROFILE:-full}"
case "$BTC_PROFILE" in full|small) ;; *) echo "BTC_PROFILE must be 'full' or 'small', not '$BTC_PROFILE'" >&2; exit 1 ;; esac
BTC_VAR="${BTC_VAR:-$BTC_HOME/var}"
BTC_DATA="$BTC_VAR/data/$BTC_PROFILE"
KAFKA_VERSION=4.4.0
ES_VERSION=8.19.21
KAFKA_HOME="${KAFKA_HOME:-$BTC_VAR/opt/kafka}"
ES_USER="${ES_USER:-btc}"
# Elasticsearch runs as ES_USER, who must reach its install and data: under var/ when every folder above it is
# searchable by that user, else under /var/lib/btc-realtime/<checkout hash> (a checkout inside /root, say).
if [ -z "${ES_BASE:-}" ]; then
  ES_BASE="$BTC_VAR"
  if [ "$(id -u)" = 0 ] && id "$ES_USER" >/dev/null 2>&1 && ! setpriv --reuid="$ES_USER" --regid="$ES_USER" --clear-groups test -x "$BTC_HOME" 2>/dev/null; then
    ES_BASE="/var/lib/btc-realtime/$(printf %s "$BTC_HOME" | md5sum | cut -c1-8)"
  fi
fi
ES_HOME="${ES_HOME:-$ES_BASE/opt/elasticsearch-$ES_VERSION}"
ES_DATA="$ES_BASE/data/$BTC_PROFILE"
if [ "$BTC_PROFILE" = full ]; then KAFKA_PORTS="9092 9093 9094"; ES_NODES_N="1 2 3"; else KAFKA_PORTS="9092"; ES_NODES_N="1"; fi
# Brokers that can be added to the running cluster (scripts/scale/, supervisord group kafka-grow): broker only, node
# id PORT - 9091; the KRaft controllers stay the brokers of KAFKA_PORTS.
KAFKA_GROW_PORTS="9095 9096 9097"
export BTC_HOME BTC_PROFILE BTC_VAR BTC_DATA KAFKA_HOME ES_HOME ES_BASE ES_DATA
# Secure mode (BTC_SECURE=1): TLS and authentication on both clusters, certificates and passwords in BTC_SECRETS.
BTC_SECURE="${BTC_SECURE:-0}"
case "$BTC_SECURE" in 0|1) ;; *) echo "BTC_SECURE must be 0 or 1, not '$BTC_SECURE'" >&2; exit 1 ;; esac
BTC_SECRETS="${BTC_SECRETS:-$BTC_VAR/secrets}"
export BTC_SECURE BTC_SECRETS
# node_host N: the address node N of the profile listens on: the Nth of BTC_NODE_HOSTS, else its first, else loopback.
node_host() {
  local hosts=()
  IFS=', ' read -r -a hosts <<< "${BTC_NODE_HOSTS:-}"
  echo "${hosts[$(($1 - 1))]:-${hosts[0]:-127.0.0.1}}"
}
# java_args_file FILE ARG...: write ARG... into FILE (make it with mktemp: 0600), one quoted argument a line, for
# `java @FILE`: a Java tool's arguments that hold a password never reach a command line (/proc/<pid>/cmdline is
# readable by every local account). The main class goes in the file too; remove FILE after use.
java_args_file() {
  local f="$1" a; shift
  for a in "$@"; do a="${a//\\/\\\\}"; printf '"%s"\n' "${a//\"/\\\"}"; done > "$f"
}
# is_loopback HOST: whether HOST is a loopback address (127.0.0.0/8, ::1), or a name every address of which is one
# (localhost): addresses are checked, not names (127.evil.example is a name like any other).
is_loopback() {
  local a o1 o2 o3 o4 addrs
  if [[ "$1" =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]]; then
    o1=${BASH_REMATCH[1]} o2=${BASH_REMATCH[2]} o3=${BASH_REMATCH[3]} o4=${BASH_REMATCH[4]}
    [ "$((10#$o1))" = 127 ] && [ "$((10#$o2))" -le 255 ] && [ "$((10#$o3))" -le 255 ] && [ "$((10#$o4))" -le 255 ]
    return
  fi
  case "$1" in ::1|0:0:0:0:0:0:0:1) return 0 ;; *:*|*[!A-Za-z0-9.-]*|"") return 1 ;; esac
  addrs="$(getent ahosts "$1" 2>/dev/null | awk '{print $1}' | sort -u)" || return 1
  [ -n "$addrs" ] || return 1
  for a in $addrs; do case "$a" in ::1) ;; *:*) return 1 ;; *) is_loopback "$a" || return 1 ;; esac; done
}
# Nodes reachable from the network run only in secure mode.
BTC_NODE_HOSTS="${BTC_NODE_HOSTS:-}"
if [ "$BTC_SECURE" != 1 ]; then
  for h in ${BTC_NODE_HOSTS//,/ }; do
    if is_loopback "$h"; then :; else
      echo "refusing to start: BTC_NODE_HOSTS has $h, not a loopback address, and secure mode is off, so Kafka and" >&2
      echo "Elasticsearch would be open to the network without TLS or passwords. Turn it on: BTC_SECURE=1 make setup" >&2
      echo "(a CA, certificates and passwords in $BTC_SECRETS), then BTC_SECURE=1 make up, or put BTC_SECURE=1 in .env." >&2
      echo "See docs/security.md." >&2
      exit 1
    fi
  done
fi
