// Moves partition replicas with Kafka's own reassignment tool (bin/kafka-reassign-partitions): `rebalance` spreads
// them evenly over every registered broker (after `make kafka-add-broker`), `drain --broker N` moves every replica
// off broker N (before `make kafka-remove-broker`). The plan is the fewest moves (scripts/scale/reassign-plan.ts);
// it is executed with a replication throttle (each new replica is copied before an old one is dropped, so no
// partition is ever under-replicated or below min.insync.replicas), then verified every 3 s with the number of
// partitions done, until every move is complete; the last verify removes the throttle. The plan and the previous
// placement are kept in var/log/reassign-<time>.json (the latter to go back: --execute with it).
// usage: bun scripts/scale/reassign.ts rebalance|drain [--broker N] [--topics a,b] [--throttle BYTES_PER_S]
// Env: the Kafka variables, BTC_NAMESPACE (rebalance: the platform's topics by default), BTC_PROFILE.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Admin } from "kafkajs";
import { fatalOrUsage, toolArgs, UsageError, wholeArg } from "../lib/args.ts";
import { configOrExit, PROJECT_ROOT, topicsOf } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { brokerIds, kafkaTool, placementsOf, waitFor } from "./kafka-cluster.ts";
import { balancedPlan, type Placement, reassignmentJson, verifyProgress } from "./reassign-plan.ts";

const USAGE = "bun scripts/scale/reassign.ts rebalance|drain [--broker N] [--topics a,b] [--throttle BYTES_PER_S]";
/** Default replication throttle: 20 MB/s per broker, well under what the local disks take. */
export const THROTTLE = 20_000_000;

/** Execute a plan with Kafka's tool and verify until it is complete; returns how long it took (ms). */
export async function executePlan(plan: Placement[], before: Placement[], throttle: number, say = console.log) {
  const dir = join(PROJECT_ROOT, "var/log");
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = join(dir, `reassign-${stamp}.json`);
  writeFileSync(file, reassignmentJson(plan));
  writeFileSync(join(dir, `reassign-${stamp}-before.json`), reassignmentJson(before));
  say(`==> moving ${plan.length} partitions (plan: ${file}), throttle ${throttle} B/s`);
  const exec = await kafkaTool(
    "kafka-reassign-partitions",
    "--execute",
    "--reassignment-json-file",
    file,
    "--throttle",
    String(throttle),
  );
  if (exec.exitCode !== 0) throw new Error(`kafka-reassign-partitions --execute failed: ${exec.stdout}${exec.stderr}`);
  let last = "";
  return waitFor(
    "reassignment complete",
    async () => {
      const v = await kafkaTool("kafka-reassign-partitions", "--verify", "--reassignment-json-file", file);
      const { done, moving, elsewhere } = verifyProgress(v.stdout);
      if (elsewhere.length > 0)
        throw new Error(
          `partitions placed elsewhere than planned meanwhile (another reassignment?): ${elsewhere.join(" ")}`,
        );
      const line = `    ${done}/${plan.length} partitions moved${moving.length ? `, moving: ${moving.slice(0, 6).join(" ")}` : ""}`;
      if (line !== last) say(line);
      last = line;
      // The tool exits 1 when a topic of the plan was deleted meanwhile (it cannot clear that topic's throttle).
      return moving.length === 0 && done === plan.length;
    },
    30 * 60_000,
    say,
  );
}

/** Spread the replicas of `topics` (every topic: undefined) evenly over `keep`, planning again when a topic of the
 * plan was deleted meanwhile. */
export async function moveReplicas(admin: Admin, keep: number[], topics: string[] | undefined, throttle: number) {
  for (let attempt = 1; ; attempt++) {
    const before = await placementsOf(admin, topics);
    const plan = balancedPlan(before, keep);
    if (plan.length === 0) return { moved: 0, ms: 0 };
    const previous = before.filter((p) => plan.some((q) => q.topic === p.topic && q.partition === p.partition));
    try {
      return { moved: plan.length, ms: await executePlan(plan, previous, throttle) };
    } catch (e) {
      if (attempt === 5 || !String(e).includes("UnknownTopicOrPartitionException")) throw e;
      console.log("    a topic of the plan was deleted meanwhile: planning again");
    }
  }
}

async function main() {
  const { values, positionals } = toolArgs(
    USAGE,
    { broker: { type: "string" }, topics: { type: "string" }, throttle: { type: "string" } },
    { positionals: 1 },
  );
  const what = positionals[0];
  if (what !== "rebalance" && what !== "drain") throw new UsageError(`rebalance or drain?\nusage: ${USAGE}`);
  if (what === "drain" && values.broker === undefined) throw new UsageError(`drain needs --broker N\nusage: ${USAGE}`);
  const cfg = configOrExit();
  const admin = kafkaClient(cfg, "scale-reassign").admin();
  await admin.connect();
  try {
    const brokers = await brokerIds(admin);
    const drained = what === "drain" ? wholeArg("broker", values.broker, 0) : undefined;
    if (drained !== undefined && !brokers.includes(drained))
      throw new UsageError(`broker ${drained} is not in the cluster (brokers: ${brokers.join(", ")})`);
    // rebalance: the platform's topics (or --topics); drain: every topic, internal ones included.
    const topics = values.topics?.split(",") ?? (what === "rebalance" ? Object.values(topicsOf(cfg)) : undefined);
    const keep = brokers.filter((b) => b !== drained);
    const throttle = wholeArg("throttle", values.throttle, THROTTLE);
    const { moved, ms } = await moveReplicas(admin, keep, topics, throttle);
    if (moved === 0) console.log(`==> nothing to move: the replicas are spread over brokers ${keep.join(", ")}`);
    else console.log(`==> ${what} done in ${(ms / 1000).toFixed(1)} s: ${moved} partitions moved, throttle removed`);
    if (drained !== undefined)
      console.log(`    broker ${drained} holds nothing now: make kafka-remove-broker BROKER=${drained}`);
  } finally {
    await admin.disconnect();
  }
}

if (import.meta.main) main().catch(fatalOrUsage);
