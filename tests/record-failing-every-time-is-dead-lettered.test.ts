// A record that fails every time is dead-lettered with its reason, and the records behind it go on. The miners bolt
// refuses a day of more than 10,000 blocks (one search returns at most 10,000); its update sits between two good
// days on the update topic's only partition. Before the fix the partition stalled on it for good (the day behind it
// never written, lag never 0); now the slice is tried 3 times, halved until the day fails alone, and that update
// goes to the dead-letter topic with the error, once; both good days are written.
// Elasticsearch is a private single node (tests/private-es.ts, port PRIVATE_ES_PORT or 19330: a busy shared cluster
// made the 10,001-block day's searches time out); Kafka is the shared cluster, in a namespace (one partition).
// Run: bun test --timeout 420000 tests/record-failing-every-time-is-dead-lettered.test.ts

import { afterAll, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import type { Admin } from "kafkajs";
import { type Config, indicesOf, topicsOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { ReliableProducer } from "../scripts/lib/reliable-producer.ts";
import { deadLetters, spawnBolt } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { adminOf, boltOffsets } from "./in-flight.ts";
import { type PrivateEs, startPrivateEs } from "./private-es.ts";

let cfg: Config | undefined;
let admin: Admin | undefined;
let bolt: Subprocess | undefined;
let node: PrivateEs | undefined;

afterAll(async () => {
  bolt?.kill("SIGKILL");
  await admin?.disconnect().catch(() => {});
  if (cfg) await dropNamespace(cfg).catch(() => {});
  await node?.stop();
});

const DAY = 86_400_000;
const BIG = Date.UTC(2026, 9, 1);
const GOOD = [Date.UTC(2026, 9, 2), Date.UTC(2026, 9, 3)];
const keyOf = (day: number) => `day:${new Date(day).toISOString()}`;

/** `n` blocks of `miner` spread over `day`, as the blocks bolt writes them (the fields the miners bolt reads). */
function blocks(day: number, n: number, miner: string, from: number) {
  return Array.from({ length: n }, (_, i) => ({
    hash: `${miner}-${String(from + i).padStart(8, "0")}`,
    height: from + i,
    time: day + Math.floor((i * DAY) / n),
    day,
    month: Date.UTC(2026, 9, 1),
    miner,
    reward_sat: 312_500_000 + i,
    fees_known: true,
    orphaned: false,
  }));
}

test("a day the miners bolt refuses every time is dead-lettered once; the days around it are written", async () => {
  node = await startPrivateEs(Number(process.env.PRIVATE_ES_PORT || 19330));
  const env = { ES_NODES: node.url, INDEX_REPLICAS: "0", INDEX_SHARDS: "1" };
  cfg = await freshNamespace("culprit", { TOPIC_PARTITIONS: "1", ...env });
  admin = await adminOf(cfg);
  const es = esClient(cfg);
  const idx = indicesOf(cfg);
  const docs = [...blocks(BIG, 10_001, "Big Pool", 0), ...blocks(GOOD[0]!, 3, "A Pool", 20_000)];
  docs.push(...blocks(GOOD[1]!, 2, "C Pool", 30_000));
  for (let i = 0; i < docs.length; i += 5000) {
    const part = docs.slice(i, i + 5000);
    const res = await es.bulk({
      operations: part.flatMap((d) => [{ index: { _index: idx.rawBlocks, _id: d.hash } }, d]),
    });
    expect(res.errors).toBe(false);
  }
  await es.indices.refresh({ index: idx.rawBlocks });

  const producer = new ReliableProducer(cfg, "test-culprit", 30_000);
  const keys = [GOOD[0]!, BIG, GOOD[1]!].map(keyOf);
  await producer.send(
    topicsOf(cfg).minerUpdates,
    keys.map((k) => ({ key: k, value: k })),
  );
  await producer.disconnect();
  bolt = spawnBolt(cfg, "miners", env);

  const written = async () => {
    await es.indices.refresh({ index: idx.miner });
    const res = await es.search<{ miner: string; blocks: number }>({ index: idx.miner, size: 100 });
    return res.hits.hits.map((h) => `${h._source!.miner}:${h._source!.blocks}`).sort();
  };
  let seen: string[] = [];
  let lag = -1;
  for (const end = Date.now() + 120_000; Date.now() < end; await Bun.sleep(1000)) {
    seen = await written();
    lag = (await boltOffsets(admin, cfg, "miners")).lag;
    if (seen.length === 2 && lag === 0) break;
  }
  console.log(`miner documents ${JSON.stringify(seen)}, lag ${lag}`);
  expect(seen).toEqual(["A Pool:3", "C Pool:2"]);
  expect(lag).toBe(0);
  const dlq = await deadLetters(cfg);
  expect(dlq.map((d) => d.value)).toEqual([keyOf(BIG)]);
  expect(dlq[0]!.reason).toContain("failed 3 times with this record alone");
  expect(dlq[0]!.reason).toContain("10001 blocks, more than one search returns");
  expect(bolt.exitCode).toBeNull();
}, 420_000);
