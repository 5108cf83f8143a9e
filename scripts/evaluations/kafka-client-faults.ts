// The Kafka clients under broker faults (issue 8, item 5), on a PRIVATE 3-node KRaft cluster that this tool starts
// and deletes (kafka-private-cluster.ts, ports 29092-29094): never the platform's brokers. Takes minutes: a tool,
// not a test of the default suite. For each way of sending (kafka-fault-senders.ts) and each scenario, 20,000 bench
// records (simulated `utx`, keyed by tx hash) go out in sends of 100, one send at a time, at most one send every
// 300 ms, to a topic of their own (9 partitions, replication 3, min.insync.replicas 2):
// - frozen: node 3 is SIGSTOPped 5 s after the start, for 30 s, then SIGCONT;
// - loss: node 3 is SIGKILLed at 5 s, node 2 at 15 s (one node left: no quorum, no ISR of 2), both restart at 35 s.
// Then, once every partition's ISR is full again, the topic is read back and judged (kafka-fault-verdict.ts): every
// send settled within the bound + 2 s, sends acknowledged again after the fault, each acknowledged record once.
// Usage: bun scripts/evaluations/kafka-client-faults.ts [--variants a,b] [--scenarios frozen,loss] [--records 20000]
// Reads KAFKA_HOME (the Kafka the private cluster runs). Results: a table, bench-results/kafka-client-faults-<date>.json.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchRecords } from "../bench/bench-setup.ts";
import { fatalOrUsage, toolArgs, wholeArg } from "../lib/args.ts";
import { type Config, loadConfig, PROJECT_ROOT } from "../lib/config.ts";
import { errorChain } from "../lib/reliable-producer.ts";
import { topicSpecs } from "../setup/topics.ts";
import { type Rec, toRecs } from "./kafka-clients-pair.ts";
import { openFaultSender, VARIANTS, type Variant } from "./kafka-fault-senders.ts";
import { readBack, type Send, verdict } from "./kafka-fault-verdict.ts";
import { PrivateCluster } from "./kafka-private-cluster.ts";

const BOUND_MS = 10_000;
const BATCH = 100;
const PACE_MS = 300;
export const SCENARIOS = ["frozen", "loss"] as const;
export type Scenario = (typeof SCENARIOS)[number];
/** The fault of `scenario` on `cluster`; resolves at its end (ms since `t0`). */
async function inject(cluster: PrivateCluster, scenario: Scenario, say: (s: string) => void): Promise<void> {
  await Bun.sleep(5000);
  if (scenario === "frozen") {
    cluster.signal(2, "SIGSTOP");
    say("node 3 frozen");
    await Bun.sleep(30_000);
    cluster.signal(2, "SIGCONT");
    say("node 3 thawed");
    return;
  }
  cluster.signal(2, "SIGKILL");
  say("node 3 killed");
  await Bun.sleep(10_000);
  cluster.signal(1, "SIGKILL");
  say("node 2 killed: no quorum");
  await Bun.sleep(20_000);
  cluster.start(1);
  cluster.start(2);
  say("nodes 2 and 3 restarted");
}

/** One variant under one scenario, on its own topic. */
export async function runFault(cluster: PrivateCluster, cfg: Config, v: Variant, sc: Scenario, recs: Rec[]) {
  const topic = `faults-${v}-${sc}-${Date.now().toString(36)}`;
  const spec = topicSpecs(cfg)[0]!;
  const configs = ["min.insync.replicas=2", `message.timestamp.type=${spec.configs["message.timestamp.type"]}`];
  const create = ["--create", "--topic", topic, "--partitions", "9", "--replication-factor", "3"];
  const ok = await cluster.tool("org.apache.kafka.tools.TopicCommand", [
    ...create,
    ...configs.flatMap((c) => ["--config", c]),
  ]);
  if (ok.code !== 0) throw new Error(`creating ${topic}: ${ok.stderr.slice(-500)}`);
  await cluster.waitHealthy([topic]);
  const t0 = Date.now();
  const say = (s: string) => console.log(`  [${((Date.now() - t0) / 1000).toFixed(1)} s] ${v} ${sc}: ${s}`);
  const sender = await openFaultSender(v, cfg, topic, BOUND_MS);
  const sends: Send[] = [];
  let faultEnd = Number.POSITIVE_INFINITY;
  const fault = inject(cluster, sc, say).then(() => {
    faultEnd = Date.now() - t0;
  });
  for (let i = 0; i < recs.length; i += BATCH) {
    const batch = recs.slice(i, i + BATCH);
    const at = Date.now();
    const keys = batch.map((r) => r.key.toString());
    try {
      await sender.send(batch);
      sends.push({ keys, ok: true, ms: Date.now() - at, at: at - t0 });
    } catch (e) {
      sends.push({ keys, ok: false, ms: Date.now() - at, at: at - t0, error: errorChain(e).slice(0, 600) });
    }
    await Bun.sleep(Math.max(0, PACE_MS - (Date.now() - at)));
  }
  await fault;
  say(`all ${sends.length} sends settled; closing`);
  await sender.close();
  const healthy_after_ms = await cluster.waitHealthy([topic]);
  const v2 = verdict(sends, await readBack(cluster, topic), faultEnd, BOUND_MS);
  say(`${v2.pass ? "PASS" : "FAIL"} ${JSON.stringify({ ...v2, errors: undefined, duplicated_by_send: undefined })}`);
  return { variant: v, scenario: sc, topic, fault_end_s: faultEnd / 1000, late: sender.late, healthy_after_ms, ...v2 };
}

const USAGE =
  "bun scripts/evaluations/kafka-client-faults.ts [--variants a,b] [--scenarios frozen,loss] [--records 20000]";

async function main() {
  const { values: a } = toolArgs(USAGE, {
    variants: { type: "string" },
    scenarios: { type: "string" },
    records: { type: "string" },
  });
  const variants = (a.variants?.split(",") ?? [...VARIANTS]) as Variant[];
  const scenarios = (a.scenarios?.split(",") ?? [...SCENARIOS]) as Scenario[];
  const n = wholeArg("records", a.records, 20_000);
  const cluster = new PrivateCluster();
  const cfg = loadConfig({ ...process.env, KAFKA_BROKERS: cluster.brokers.join(","), BTC_NAMESPACE: "faults" });
  const recs = toRecs(benchRecords(cfg, n));
  console.log(`private cluster ${cluster.root}: Kafka from ${cluster.home}, ${cluster.brokers.join(",")}`);
  const results = [];
  try {
    cluster.format();
    cluster.startAll();
    console.log(`quorum and 3 brokers after ${await cluster.waitHealthy()} ms`);
    for (const sc of scenarios) for (const v of variants) results.push(await runFault(cluster, cfg, v, sc, recs));
  } finally {
    await cluster.stopAll();
    cluster.remove();
  }
  console.log(
    "\nvariant                scenario  sends  rejected  slowest ms  acked  after  missing  dup  rej-written  late ok/err  result",
  );
  for (const r of results)
    console.log(
      [r.variant.padEnd(22), r.scenario.padEnd(8), r.sends, r.rejected_sends, r.slowest_ms, r.acked_records]
        .concat([
          r.acked_sends_after_fault,
          r.missing,
          r.duplicated,
          r.rejected_but_written,
          `${r.late.resolved}/${r.late.rejected}`,
          r.pass ? "PASS" : "FAIL",
        ])
        .join("  "),
    );
  const date = new Date().toISOString();
  const dir = join(PROJECT_ROOT, "bench-results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `kafka-client-faults-${date.replace(/\.\d+Z$/, "Z").replaceAll(":", "-")}.json`);
  writeFileSync(file, `${JSON.stringify({ date, kafka_home: cluster.home, bound_ms: BOUND_MS, results }, null, 2)}\n`);
  console.log(`results: ${file}`);
  process.exit(results.every((r) => r.pass) ? 0 : 1);
}

if (import.meta.main) main().catch(fatalOrUsage);
