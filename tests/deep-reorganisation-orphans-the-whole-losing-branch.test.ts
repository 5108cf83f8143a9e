// Chain splits deeper than one block, through the real prices, blocks and miners bolts (child processes, real Kafka
// and Elasticsearch, a fresh namespace): when a longer branch wins, every block of the losing branch gets
// orphaned:true, not only its tip, and the miners' figures (btc-miner, per day and month) equal the reference's.
// The capture (tests/reorg-capture.ts): branch A (3 blocks) arrives, then B (4 blocks) one block at a time, each
// published once the blocks bolt has caught up with the previous one (so the order is the one stated); then, on
// B's tip, C (2 blocks) and D (3 blocks, newest first) in one go. The splits cross a UTC day and month boundary.
// Run: BTC_PROFILE=full bun test --timeout 420000 tests/deep-reorganisation-orphans-the-whole-losing-branch.test.ts

import { afterAll, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { type Config, indicesOf, topicsOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { referenceFigures } from "../scripts/reference/reference-figures.ts";
import { spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { publishCapture } from "./publish-capture.ts";
import { reorgCapture } from "./reorg-capture.ts";

let cfg: Config | undefined;
const procs: Subprocess[] = [];
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  if (cfg) await dropNamespace(cfg);
});

/** Wait until the blocks bolt's group has committed every record of the blocks topic. */
async function blocksCaughtUp(c: Config, timeoutMs: number): Promise<void> {
  const admin = kafkaClient(c, "test-reorg-lag").admin();
  await admin.connect();
  try {
    const topic = topicsOf(c).blocks;
    for (const until = Date.now() + timeoutMs; Date.now() < until; await Bun.sleep(300)) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [done] = await admin.fetchOffsets({
        groupId: `${c.namespace}-btc-blocks${c.bolt.groupSuffix}`,
        topics: [topic],
      });
      const at = new Map(done!.partitions.map((p) => [p.partition, Number(p.offset)]));
      if (ends.every((e) => Number(e.high) === 0 || (at.get(e.partition) ?? -1) >= Number(e.high))) return;
    }
    throw new Error("the blocks bolt did not catch up");
  } finally {
    await admin.disconnect();
  }
}

test("a longer branch orphans every block of the losing one, and the miners' figures equal the reference", async () => {
  cfg = await freshNamespace("reorg");
  const capture = reorgCapture();
  const want = referenceFigures(capture.lines, capture.minerOf);
  // stated by hand: the losing branches' pools (ViaBTC for A, F2Pool for C) are credited nothing
  expect(Object.keys(want.miners).filter((id) => /:(ViaBTC|F2Pool)$/.test(id))).toEqual([]);
  for (const b of ["prices", "blocks", "miners"] as const) procs.push(spawnBolt(cfg, b));
  for (const phase of capture.phases) {
    await publishCapture(cfg, phase);
    await blocksCaughtUp(cfg, 120_000);
  }
  expect(await waitForFigures(cfg, want, 180_000)).toEqual([]);

  const es = esClient(cfg);
  const res = await es.search<{ hash: string; orphaned: boolean }>({
    index: indicesOf(cfg).rawBlocks,
    size: 100,
    _source: ["hash", "orphaned"],
  });
  const docs = res.hits.hits.map((h) => h._source!);
  expect(docs.length).toBe(capture.losers.length + capture.winners.length);
  expect(
    docs
      .filter((d) => d.orphaned)
      .map((d) => d.hash)
      .sort(),
  ).toEqual([...capture.losers].sort());
});
