#!/usr/bin/env bash
# make replay FILE=capture.jsonl [SPEED=1|N|max]: replay a capture into the running platform. Both producers are
# restarted in replay mode on that file (written to var/run/producers.env, which bin/producer reads: variables
# given to supervisorctl never reach the programs), this waits until both logged "replay finished", then until
# every bolt's lag is read as 0 (the pipeline caught up; a lag Kafka did not give is "unknown", never 0), and says
# so. The producers then stay idle in replay mode; `make up` or `make demo` puts them back on the live sources or
# the simulator.
# Reads: FILE, SPEED (default max), REPLAY_WAIT_S (default 1800: give up waiting after this, exit 1).
set -euo pipefail
. "$(dirname "$0")/../../bin/env.sh"
cd "$BTC_HOME"
ctl() { supervisorctl -c supervisord.conf "$@"; }
file="${FILE:-}"; speed="${SPEED:-max}"; wait_s="${REPLAY_WAIT_S:-1800}"
[ -n "$file" ] || { echo "usage: make replay FILE=capture.jsonl [SPEED=1|N|max]" >&2; exit 2; }
[ -r "$file" ] || { echo "replay: cannot read $file" >&2; exit 2; }
[[ "$speed" =~ ^(max|[0-9]+(\.[0-9]+)?)$ ]] || { echo "replay: SPEED must be max or a number, not '$speed'" >&2; exit 2; }
ctl pid >/dev/null 2>&1 || { echo "replay: the platform is not running: make up (or make demo) first" >&2; exit 1; }
abs="$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"
chmod a+r "$abs" 2>/dev/null || true
echo "==> replaying $abs at speed $speed ($(wc -l <"$abs") lines)"
printf 'SOURCE_MODE=replay\nREPLAY_FILE=%s\nREPLAY_SPEED=%s\n' "$abs" "$speed" > "$BTC_VAR/run/producers.env"
declare -A from
for p in bpi blockchain; do
  log="$BTC_VAR/log/$p.log"; from[$p]=$(( $( [ -f "$log" ] && stat -c %s "$log" || echo 0) + 1 ))
done
ctl restart producer: 2>&1 | sed '/not running/d; s/^/    /'
t0=$(date +%s)
for p in bpi blockchain; do
  log="$BTC_VAR/log/$p.log"
  until [ -f "$log" ] && tail -c +"${from[$p]}" "$log" | grep -q '"replay finished"'; do
    if tail -c +"${from[$p]}" "$log" 2>/dev/null | grep -q '"level":"error"'; then
      echo "replay: producer:$p failed, see $log:" >&2; tail -c +"${from[$p]}" "$log" | grep '"level":"error"' | tail -3 >&2; exit 1
    fi
    (( $(date +%s) - t0 < wait_s )) || { echo "replay: producer:$p not finished after ${wait_s} s ($log)" >&2; exit 1; }
    sleep 1
  done
  echo "    producer:$p: $(tail -c +"${from[$p]}" "$log" | grep '"replay finished"' | tail -1)"
done
echo "==> published in $(( $(date +%s) - t0 )) s; waiting for the bolts to catch up"
# the total lag, or "unknown (<why>)" when Kafka did not answer: only a lag read as 0 is caught up
until lag=$(bun scripts/health/pipeline-health.ts --lag 2>&1 | tail -1) && [ "$lag" = 0 ]; do
  (( $(date +%s) - t0 < wait_s )) || { echo "replay: the bolts' lag is ${lag:-unknown} after ${wait_s} s: make status" >&2; exit 1; }
  printf '    lag %s\n' "${lag:-unknown (no answer)}"; sleep 3
done
echo "==> replay done and the pipeline caught up in $(( $(date +%s) - t0 )) s: the dashboard shows the capture's period"
