// Proves: `make rebuild` rebuilds every index into a new generation with the real bolts while the live bolts go on,
// and swaps every alias at once, losing nothing: records published while it replays, and while the live bolts are
// stopped for the swap, are in the figures afterwards, and the live bolts, started again, write to the new
// generation; what the live bolts consumed just before they stopped reaches it too (the drain). A deployment from before the aliases (concrete indices under the names) keeps working and is
// converted, its old indices kept as `<name>-g0`; a second rebuild moves to generation 2 and, with
// REBUILD_DROP_OLD=yes, deletes generation 1. Figures are compared exactly with the reference of the capture.
// The live bolts are this test's own (no supervisorctl): the rebuild stops and starts them through its hooks.
// Run: BTC_PROFILE=full bun test --timeout 420000 tests/rebuild-keeps-history-and-swaps-aliases.test.ts

import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import type { Subprocess } from "bun";
import { pipelineHealth } from "../scripts/health/pipeline-health.ts";
import { type Config, indicesOf, loadConfig } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { type Captured, captureLine } from "../scripts/producers/capture.ts";
import { ensureIndices, indexSpecs } from "../scripts/setup/indices.ts";
import { rebuild } from "../scripts/setup/rebuild.ts";
import { ensureTopics } from "../scripts/setup/topics.ts";
import { BOLTS, expectedFigures, GOLDEN, spawnBolt, TEST_BOLT_ENV, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, envOf, ROOT } from "./cluster.ts";
import { publishCapture, readCaptureFile } from "./publish-capture.ts";

const ARTIFACTS = `${ROOT}/test-artifacts`;
const ns = `t-rebuild-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const cfg: Config = loadConfig(envOf(ns));
const live = new Map<string, Subprocess>();
afterAll(async () => {
  for (const p of live.values()) p.kill("SIGKILL");
  await dropNamespace(cfg);
});

const golden = readCaptureFile(GOLDEN);
/** More transactions: the capture's own, with another hash (so they count again), same times and outputs. */
function moreTransactions(tag: string): Captured[] {
  return golden.flatMap((c) => {
    if (c.feed !== "blockchain.info/ws") return [];
    let m: { op?: string; x?: { hash?: unknown } };
    try {
      m = JSON.parse(c.text);
    } catch {
      return []; // the capture's malformed messages
    }
    if (m?.op !== "utx" || !/^[0-9a-f]{64}$/.test(String(m.x?.hash))) return [];
    m.x!.hash = createHash("sha256").update(`${tag}${m.x!.hash}`).digest("hex");
    return [{ ...c, text: JSON.stringify(m) }];
  });
}
/** The reference figures of the golden capture plus more records. */
function expected(...more: Captured[][]) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = `${ARTIFACTS}/${ns}-${more.length}.jsonl`;
  writeFileSync(file, [...golden, ...more.flat()].map((c) => `${captureLine(c)}\n`).join(""));
  return expectedFigures(file);
}
const during = moreTransactions("during");
const beforeStop = moreTransactions("before-stop");
const atSwap = moreTransactions("swap");
const after = moreTransactions("after");

/** This test's live bolts, as the rebuild sees them. Stopping them first publishes `beforeStop` and waits until they
 * have consumed it (into the old generation: only the rebuild's drain can bring it to the new one), then, once they
 * are stopped, publishes `whileStopped` (their committed offsets stay before it). */
const liveBolts = (beforeStop: Captured[] = [], whileStopped: Captured[] = []) => ({
  stop: async () => {
    await publishCapture(cfg, beforeStop);
    for (const until = Date.now() + 120_000; Date.now() < until; await Bun.sleep(500))
      if ((await pipelineHealth(cfg, { timeoutMs: 10_000 })).bolts.every((b) => b.lag === 0)) break;
    for (const p of live.values()) p.kill("SIGTERM");
    await Promise.all([...live.values()].map((p) => p.exited));
    live.clear();
    await publishCapture(cfg, whileStopped);
  },
  start: async () => {
    for (const b of BOLTS) live.set(b, spawnBolt(cfg, b));
  },
});
const said: string[] = [];
const say = (line: string) => {
  said.push(line);
  console.log(line);
};
const es = esClient(cfg);
const aliasTargets = async () =>
  Object.fromEntries(
    await Promise.all(
      indexSpecs(cfg).map(async (s) => [s.name, Object.keys(await es.indices.getAlias({ name: s.name }))]),
    ),
  );
const count = async (index: string) => {
  await es.indices.refresh({ index });
  return (await es.count({ index })).count;
};

test("a deployment with concrete indices is rebuilt into generation 1 while records keep coming", async () => {
  await ensureTopics(cfg);
  for (const spec of indexSpecs(cfg)) // as before the aliases: concrete indices under the names
    await es.indices.create({ index: spec.name, settings: spec.settings, mappings: spec.mappings as never });
  expect(await ensureIndices(cfg)).toEqual({ created: [], drift: {} });
  await publishCapture(cfg, golden);
  await liveBolts().start();
  expect(await waitForFigures(cfg, expected(), 180_000)).toEqual([]);
  const rawTx = indicesOf(cfg).rawTransactions;
  const before = await count(rawTx);

  const running = rebuild(cfg, { live: liveBolts(beforeStop, atSwap), say, boltEnv: TEST_BOLT_ENV, logDir: ARTIFACTS });
  await publishCapture(cfg, during);
  const r = await running;
  expect(r.generation).toBe(1);
  expect(said.some((l) => /lag: prices \d+, transactions \d+, blocks \d+, volume \d+, miners \d+/.test(l))).toBe(true);
  expect(await waitForFigures(cfg, expected(during, beforeStop, atSwap), 180_000)).toEqual([]);
  for (const [alias, targets] of Object.entries(await aliasTargets())) expect(targets).toEqual([`${alias}-g1`]);
  expect(r.old).toEqual(indexSpecs(cfg).map((s) => `${s.name}-g0`));
  expect(await count(`${rawTx}-g0`)).toBeGreaterThanOrEqual(before); // the old indices, kept
  expect(live.size).toBe(5); // started again: they write to the new generation
  await publishCapture(cfg, after);
  expect(await waitForFigures(cfg, expected(during, beforeStop, atSwap, after), 180_000)).toEqual([]);
}, 400_000);

test("a second rebuild moves every alias to generation 2, and REBUILD_DROP_OLD=yes deletes generation 1", async () => {
  const dropOld = { ...cfg, rebuild: { ...cfg.rebuild, dropOld: true } };
  const r = await rebuild(dropOld, { live: liveBolts(), say, boltEnv: TEST_BOLT_ENV, logDir: ARTIFACTS });
  expect(r.generation).toBe(2);
  expect(await waitForFigures(cfg, expected(during, beforeStop, atSwap, after), 180_000)).toEqual([]);
  for (const [alias, targets] of Object.entries(await aliasTargets())) expect(targets).toEqual([`${alias}-g2`]);
  const left = Object.keys(await es.indices.get({ index: `${ns}-*` })).sort();
  expect(left).toEqual(
    indexSpecs(cfg)
      .flatMap((s) => [`${s.name}-g0`, `${s.name}-g2`])
      .sort(),
  );
}, 400_000);
