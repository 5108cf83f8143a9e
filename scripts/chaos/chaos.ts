// make chaos: the pipeline under faults, reconciled exactly. A seeded stream (chaos-stream.ts: hours of simulated
// traffic with repeats, block races, late prices and late transactions across hour/day/month boundaries, poison
// and hostile messages) is replayed by the real producers, and extra transactions (not in the stream, timed inside
// it) come through a third, live producer from a local WebSocket server (chaos-source.ts), while the real bolts
// (child processes, restarted when they die, with a test hook that also kills them between the Elasticsearch
// acknowledgement and the offset commit) undergo the faults of chaos-faults.ts, each landed while records are in
// flight: bolts killed, rebalance churn, a bolt held past retention, the raw index closed, the source's connection
// closed then silent, and (CHAOS_CLUSTER_FAULTS) brokers frozen and killed, Elasticsearch nodes killed and stopped.
// Then every figure of btc-volume and btc-miner is compared with the reference figures of the stream plus the
// extra transactions (reference-figures.ts: plain loops, no code of the bolts): counts and satoshis exact, EUR to
// the cent. A table of fault, lag when it landed, recovery
// time, and records lost and doubled is printed and written to chaos-results/ (CHAOS_RESULTS_DIR). Exit 0 only
// when all is exact.
// It works in its own namespace, but it kills, freezes and stops the running clusters' brokers and nodes: run it
// on a test platform (CHAOS_CONFIRM=yes). Env: CHAOS_SEED (1), CHAOS_FULL (1; 0: the short schedule), CHAOS_HOURS
// (22 for the full schedule, 3 for the short one), CHAOS_SPEED (replay speed, 60), CHAOS_CLUSTER_FAULTS (1; 0: only
// the bolts' and the source's faults), CHAOS_STANDBY (1: the full schedule loses the primary cluster while the
// standby serves, which needs ES_STANDBY=1 and make up; 0: without), CHAOS_RESULTS_DIR (chaos-results), and the
// Kafka / Elasticsearch variables.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { pipelineHealth } from "../health/pipeline-health.ts";
import { type Config, loadConfig, PROJECT_ROOT, topicsOf } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { fatal, sleep } from "../lib/log.ts";
import { captureLine } from "../producers/capture.ts";
import { actualFigures, differences } from "../reference/figures.ts";
import { type Figures, referenceFigures } from "../reference/reference-figures.ts";
import { dropIndices, ensureIndices } from "../setup/indices.ts";
import { ensureTopics } from "../setup/topics.ts";
import { esNotReady, kafkaNotReady } from "../setup/wait-ready.ts";
import { clusterLoss, type StandbySide, startStandbySide } from "./chaos-cluster-loss.ts";
import { BOLT_NAMES, Crew } from "./chaos-crew.ts";
import { esNodes, inject, type Outcome, schedule } from "./chaos-faults.ts";
import { ChaosSource, LIVE_WS } from "./chaos-source.ts";
import { chaosStream, extraTransactions } from "./chaos-stream.ts";

/** Transactions missing from and counted twice in the hours, against the reference. */
export function lostAndDoubled(want: Figures, got: Figures): { lost: number; doubled: number } {
  let lost = 0;
  let doubled = 0;
  for (const hour of new Set([...Object.keys(want.volume), ...Object.keys(got.volume)])) {
    const d = (got.volume[hour]?.tx_count ?? 0) - (want.volume[hour]?.tx_count ?? 0);
    if (d < 0) lost -= d;
    else doubled += d;
  }
  return { lost, doubled };
}

/** How many times the test hook killed a bolt between the acknowledgement and the commit (from the bolts' logs). */
function hookKillsIn(dir: string, namespace: string): number {
  let n = 0;
  for (const f of readdirSync(dir))
    if (f.startsWith(namespace) && f.endsWith(".log"))
      n += readFileSync(`${dir}/${f}`, "utf8").split("test hook: killed").length - 1;
  return n;
}

async function untilSettled(cfg: Config, want: Figures, timeoutMs: number): Promise<string[]> {
  let diff = ["not read yet"];
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(2000)) {
    diff = differences(want, await actualFigures(cfg).catch(() => ({ volume: {}, miners: {}, pending: 1 })));
    if (diff.length === 0) return diff;
  }
  return diff;
}

export async function chaos(env: Record<string, string | undefined> = process.env) {
  const seed = Number(env.CHAOS_SEED ?? 1);
  const full = (env.CHAOS_FULL ?? "1") === "1";
  const cfg = loadConfig({ ...env, BTC_NAMESPACE: `chaos-${seed}-${Date.now().toString(36)}` });
  await ensureTopics(cfg);
  await ensureIndices(cfg);
  const startMs = Date.UTC(2026, 9, 31, 22); // 2 h before a UTC day and month turn
  const hours = Number(env.CHAOS_HOURS || (full ? 22 : 3)); // the stream outlasts the schedule at CHAOS_SPEED 60
  const stream = { seed, startMs, hours, rate: 0.15 };
  const { lines, minerOf } = chaosStream(stream);
  const extras = extraTransactions(stream, lines); // served live by chaos-source.ts, not replayed
  const want = referenceFigures([...lines, ...extras], (h) => minerOf.get(h) ?? "Unknown");
  const file = `${PROJECT_ROOT}/var/log/chaos/${cfg.namespace}.jsonl`;
  mkdirSync(`${PROJECT_ROOT}/var/log/chaos`, { recursive: true });
  writeFileSync(file, `${lines.map(captureLine).join("\n")}\n`);
  console.log(
    `chaos: seed ${seed}, ${lines.length} messages over ${hours} h + ${extras.length} live, namespace ${cfg.namespace}`,
  );
  const crewEnv = {
    LOG_LEVEL: "info",
    BOLT_SESSION_TIMEOUT_MS: "8000",
    BOLT_RETRY_MAX_MS: "2000",
    BOLT_TEST_CRASH_AFTER_WRITE: "0.02",
  };
  const withStandby = full && env.CHAOS_CLUSTER_FAULTS !== "0" && (env.CHAOS_STANDBY ?? "1") === "1";
  const side: StandbySide | undefined = withStandby ? await startStandbySide(cfg, crewEnv) : undefined;
  const crew = new Crew(cfg, crewEnv);
  for (const b of BOLT_NAMES) crew.startBolt(b);
  await sleep(3000);
  const speed = env.CHAOS_SPEED ?? "60";
  const source = await ChaosSource.start(cfg, extras);
  const producers = [
    crew.startProducer("bpi", file, speed),
    crew.startProducer("blockchain", file, speed),
    crew.startLiveProducer(source.url, LIVE_WS),
  ];
  const started = Date.now();
  const outcomes: Outcome[] = [];
  try {
    const loss = side ? clusterLoss(cfg, side, esNodes(cfg)) : undefined;
    for (const f of schedule(cfg, full, env.CHAOS_CLUSTER_FAULTS !== "0", [source.fault()], loss ? [loss.fault] : [])) {
      const o = await inject(cfg, crew, f);
      outcomes.push(o);
      console.log(`  ${o.inFlight ? "in flight" : "IDLE     "} lag ${String(o.lagAtFault).padStart(6)}  ${f.name}`);
    }
    await untilSettled(cfg, want, full ? 600_000 : 300_000);
    if (side) await untilSettled(side.cfg, want, 300_000);
    const lossOutcome = outcomes.find((o) => o.fault === loss?.fault.name);
    if (loss && lossOutcome) {
      lossOutcome.detail = await loss.failback();
      console.log(`  cluster loss: ${lossOutcome.detail}`);
    }
  } finally {
    // also on a fatal error: no producer, bolt or server of this run is left behind
    for (const p of producers) p.kill("SIGTERM");
    await crew.stop();
    await side?.crew.stop();
    side?.dashboard.kill("SIGTERM");
    await source.stop();
  }
  const got = await actualFigures(cfg);
  const diff = differences(want, got);
  const standbyDiff = side ? differences(want, await actualFigures(side.cfg)) : undefined;
  const { lost, doubled } = lostAndDoubled(want, got);
  const report = {
    seed,
    profile: cfg.profile,
    full,
    messages: lines.length,
    live_extras: source.summary(),
    minutes: Math.round((Date.now() - started) / 600) / 100,
    bolt_restarts: crew.restarts,
    crashes_between_ack_and_commit: hookKillsIn(`${PROJECT_ROOT}/var/log/chaos`, cfg.namespace),
    faults: outcomes,
    lost,
    doubled,
    exact: diff.length === 0,
    differences: diff.slice(0, 20),
    standby: standbyDiff
      ? { exact: standbyDiff.length === 0, differences: standbyDiff.slice(0, 20) }
      : "not run (CHAOS_STANDBY=0, the short schedule or no cluster faults)",
  };
  const dir = env.CHAOS_RESULTS_DIR || `${PROJECT_ROOT}/chaos-results`;
  mkdirSync(dir, { recursive: true });
  // the latest run, and one file per schedule and seed (three seeds of the full schedule are the issue's record)
  const profile = cfg.profile === "full" ? "" : `-${cfg.profile}`; // full-seed-21.json, short-seed-7-small.json
  for (const name of [`latest-${cfg.profile}`, `${full ? "full" : "short"}-seed-${seed}${profile}`])
    writeFileSync(`${dir}/${name}.json`, `${JSON.stringify(report, null, 2)}\n`);
  console.table(outcomes.map((o) => ({ ...o, recoveryMs: o.recoveryMs ?? "never" })));
  console.log(`lost ${lost}, doubled ${doubled}, figures ${report.exact ? "EXACT" : `DIFFER: ${diff.join("; ")}`}`);
  if (standbyDiff)
    console.log(`standby figures ${standbyDiff.length === 0 ? "EXACT" : `DIFFER: ${standbyDiff.join("; ")}`}`);
  const live = report.live_extras;
  console.log(
    `live extras: ${live.extras}, sent once ${live.sent_once}, sent twice ${live.sent_more_than_once}, in Kafka ` +
      `${live.in_kafka}, ${live.connections} connections, losses logged: ${live.losses_logged.join("; ")}`,
  );
  console.log(`bolt restarts ${crew.restarts} (${report.crashes_between_ack_and_commit} by the ack/commit hook)`);
  const health = await pipelineHealth(cfg, { timeoutMs: 5000 }).catch(() => undefined);
  if (health) console.log(`dead letters ${health.deadLetters}, reference rejects ${want.rejects}`);
  await dropNamespace(cfg);
  if (side) await dropIndices(side.cfg);
  // leave the clusters as found: every broker registered, Elasticsearch green
  for (const until = Date.now() + 180_000; Date.now() < until; await sleep(1000))
    if (!(await kafkaNotReady(cfg)) && !(await esNotReady(cfg))) break;
  return report;
}

async function dropNamespace(cfg: Config) {
  const admin = kafkaClient(cfg, "chaos-drop").admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(topicsOf(cfg)) }).catch(() => {});
  await admin.disconnect();
  await dropIndices(cfg); // the generations behind the aliases (deleting an alias deletes nothing)
}

if (import.meta.main) {
  if (process.env.CHAOS_CONFIRM !== "yes") {
    console.error(
      "make chaos kills and freezes the running brokers and nodes: run it on a test platform with CHAOS_CONFIRM=yes",
    );
    process.exit(2);
  }
  chaos()
    .then((r) => {
      const live = r.live_extras.sent_once === r.live_extras.extras && r.live_extras.reconnections_logged;
      const standby = typeof r.standby === "string" || r.standby.exact;
      const ok = live && r.exact && standby && r.lost === 0 && r.doubled === 0 && r.faults.every((f) => f.inFlight);
      process.exit(ok ? 0 : 1);
    })
    .catch(fatal);
}
