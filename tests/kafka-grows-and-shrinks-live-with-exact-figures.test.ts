// Proves scenario 1 as the seed answers it: while an hour and a half of traffic flows (tests/in-flight.ts, a seventh
// published just before each step)
// through the five bolts, the operator grows Kafka live with the platform's own commands and shrinks it again:
// a broker is added (make kafka-add-broker), the namespace's partitions spread onto it (make kafka-rebalance, Kafka's
// reassignment, throttled), the input and update topics go from 9 to 18 partitions (make kafka-partitions), every
// bolt goes from 1 to 3 instances, then the broker is drained (make kafka-drain) and removed (make
// kafka-remove-broker). Each step lands with records in flight (the transactions bolt's lag read first, non-zero).
// At the end nothing is lost or counted twice: every figure equals the plain reference, and the dead letters are
// exactly the bad records. Each step's duration and the lag before it are printed (the README's figures).
// Run: BTC_PROFILE=full bun test --timeout 600000 tests/kafka-grows-and-shrinks-live-with-exact-figures.test.ts

import { afterAll, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import type { Admin } from "kafkajs";
import { groupOf } from "../scripts/health/pipeline-health.ts";
import type { Config } from "../scripts/lib/config.ts";
import { brokerIds } from "../scripts/scale/kafka-cluster.ts";
import { BOLTS, deadLetters, distinct, spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, envOf, freshNamespace, ROOT } from "./cluster.ts";
import { adminOf, boltOffsets, faultStream, publishPaced, waitInFlight } from "./in-flight.ts";

let cfg: Config | undefined;
let admin: Admin | undefined;
let added: number | undefined;
const procs: Subprocess[] = [];

/** Run one of the scale commands in the namespace; returns its duration (ms), throws with its output on failure. */
async function scale(script: string, ...args: string[]): Promise<number> {
  const t0 = Date.now();
  const p = Bun.spawn(["bun", `scripts/scale/${script}.ts`, ...args], {
    cwd: ROOT,
    env: envOf(cfg!.namespace),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = [await new Response(p.stdout).text(), await new Response(p.stderr).text(), await p.exited];
  console.log(out.trim());
  if (code !== 0) throw new Error(`scripts/scale/${script}.ts ${args.join(" ")} exited ${code}: ${out}${err}`);
  return Date.now() - t0;
}

afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  // Whatever happened, the cluster goes back to its three brokers.
  if (added !== undefined && cfg) {
    await scale("reassign", "drain", "--broker", String(added)).catch((e) => console.error(e));
    await scale("broker-remove", "--broker", String(added)).catch((e) => console.error(e));
  }
  await admin?.disconnect();
  if (cfg) await dropNamespace(cfg);
});

test("Kafka grown and shrunk live under load: brokers, partitions and instances, every figure exact", async () => {
  cfg = await freshNamespace("grow");
  admin = await adminOf(cfg);
  const { lines, want } = faultStream(21);
  for (const b of BOLTS) procs.push(spawnBolt(cfg, b));
  // The stream in 7 parts, in order: one is published (over 5 s) just before each step, so every step lands with
  // records in flight however long the previous one took; the last part after the last step.
  const part = Math.ceil(lines.length / 7);
  let sent = 0;
  const figures: string[] = [];
  const step = async (what: string, run: () => Promise<number>) => {
    await publishPaced(cfg!, lines.slice(sent, sent + part), 5_000);
    sent += part;
    const at = await waitInFlight(admin!, cfg!, "transactions", 0, 120_000);
    expect(at.lag).toBeGreaterThan(0);
    const ms = await run();
    figures.push(`${what}: ${(ms / 1000).toFixed(1)} s (transactions lag before: ${at.lag})`);
  };
  const before = await brokerIds(admin);
  await step("add a broker", () => scale("broker-add"));
  added = (await brokerIds(admin)).find((b) => !before.includes(b));
  expect(added).toBeDefined();
  await step("rebalance the namespace's partitions onto it", () => scale("reassign", "rebalance"));
  const placed = await admin.fetchTopicMetadata({ topics: [`${cfg.namespace}-p3-btc-transactions`] });
  expect(placed.topics[0]!.partitions.some((p) => p.replicas.includes(added!))).toBe(true);
  await step("9 -> 18 partitions", () => scale("partitions", "--partitions", "18"));
  await step("1 -> 3 instances of each bolt (until every group has 3 members)", async () => {
    const t0 = Date.now();
    for (const b of BOLTS) procs.push(spawnBolt(cfg!, b), spawnBolt(cfg!, b));
    const groups = BOLTS.map((b) => groupOf(cfg!, b));
    for (;;) {
      const { groups: g } = await admin!.describeGroups(groups);
      if (g.every((x) => x.state === "Stable" && x.members.length === 3)) return Date.now() - t0;
      if (Date.now() - t0 > 180_000) throw new Error(`groups not at 3 members: ${g.map((x) => x.members.length)}`);
      await Bun.sleep(500);
    }
  });
  await step("drain the added broker", () => scale("reassign", "drain", "--broker", String(added)));
  await step("remove it", () => scale("broker-remove", "--broker", String(added)));
  expect(await brokerIds(admin)).toEqual(before);
  added = undefined;
  console.log(`growth steps, each with records in flight:\n  ${figures.join("\n  ")}`);
  await publishPaced(cfg, lines.slice(sent), 5_000);
  const lagAfter = await boltOffsets(admin, cfg, "transactions");
  console.log(`transactions lag when the last record was published: ${lagAfter.lag}`);
  expect(await waitForFigures(cfg, want, 240_000)).toEqual([]);
  const dlq = await deadLetters(cfg);
  expect(distinct(dlq)).toBe(want.rejects);
  expect(dlq.some((d) => d.reason.startsWith("elasticsearch refused"))).toBe(false);
}, 900_000);
