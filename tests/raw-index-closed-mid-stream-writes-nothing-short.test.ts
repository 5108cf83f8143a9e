// Searches and writes failing mid-stream: the namespace's btc-raw-transactions index is closed (POST
// /<index>/_close) for 8 s while the volume bolt is consuming and has lag (checked just before), the stream
// (tests/in-flight.ts) still flowing, then opened again. The transactions bolt's writes meet the closing and closed
// index (403 cluster_block_exception, 400 index_closed_exception), and so do the prices bolt's searches. Then, once
// the figures are exact, it is closed again and every hour re-announced to the volume bolt (as the prices bolt does
// for a late observation): those last rollups are searched while the index is closed and while it reopens (shards
// still starting), and nothing comes after them to correct a short one. Afterwards: the figures are exactly the
// reference's (no rollup written short), the dead-letter topic holds only the bad records (a closed index is
// transient: nothing dead-lettered for it), and no bolt exited nor had its consumer crash (no restart loop).
// Run: BTC_PROFILE=full bun test --timeout 420000 tests/raw-index-closed-mid-stream-writes-nothing-short.test.ts
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Subprocess } from "bun";
import type { Admin } from "kafkajs";
import { type Config, indicesOf, topicsOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { publishKeys } from "../scripts/lib/kafka.ts";
import { ReliableProducer } from "../scripts/lib/reliable-producer.ts";
import { BOLTS, deadLetters, distinct, spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace, ROOT } from "./cluster.ts";
import { adminOf, boltOffsets, faultStream, publishPaced, waitInFlight } from "./in-flight.ts";

let cfg: Config | undefined;
let admin: Admin | undefined;
const procs: Subprocess[] = [];
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  await admin?.disconnect();
  if (cfg) {
    await esClient(cfg)
      .indices.open({ index: indicesOf(cfg).rawTransactions })
      .catch(() => {});
    await dropNamespace(cfg);
  }
});

const logOf = (c: Config, bolt: string) => readFileSync(`${ROOT}/test-artifacts/${c.namespace}-${bolt}.log`, "utf8");
const count = (text: string, what: string) => text.split(what).length - 1;

const blockedLetters = async (c: Config) =>
  (await deadLetters(c)).filter((d) => /refused|closed|block/i.test(d.reason)).map((d) => `${d.bolt}: ${d.reason}`);

test("btc-raw-transactions closed mid-stream: no rollup short, nothing dead-lettered for it, no exit", async () => {
  cfg = await freshNamespace("closed");
  admin = await adminOf(cfg);
  const es = esClient(cfg);
  const index = indicesOf(cfg).rawTransactions;
  const { lines, want } = faultStream(13);
  for (const b of BOLTS) procs.push(spawnBolt(cfg, b));
  const feeding = publishPaced(cfg, lines, 60_000);
  const at = await waitInFlight(admin, cfg, "volume", 0, 60_000);
  await es.indices.close({ index }, { requestTimeout: 120_000 });
  console.log(`${index} closed; the volume bolt had lag ${at.lag}`);
  expect(at.lag).toBeGreaterThan(0);
  await Bun.sleep(8000);
  await es.indices.open({ index, wait_for_active_shards: 1, timeout: "120s" }, { requestTimeout: 150_000 });
  console.log(`${index} open again`);
  expect(await blockedLetters(cfg)).toEqual([]);
  await feeding;
  expect(await waitForFigures(cfg, want, 150_000)).toEqual([]);

  // the last word on every hour, said while the index is closed and while it reopens
  await es.indices.close({ index }, { requestTimeout: 120_000 });
  const hours = Object.keys(want.volume);
  const producer = new ReliableProducer(cfg, cfg.kafka.clientId, 30_000);
  await publishKeys(producer, topicsOf(cfg).volumeUpdates, hours);
  await producer.disconnect();
  await Bun.sleep(3000);
  const waiting = await boltOffsets(admin, cfg, "volume");
  console.log(`${index} closed again, ${hours.length} hours re-announced; the volume bolt has lag ${waiting.lag}`);
  expect(waiting.lag).toBeGreaterThan(0);
  await es.indices.open({ index, wait_for_active_shards: 0 }, { requestTimeout: 120_000 });
  for (let i = 0; i < 600 && (await boltOffsets(admin, cfg, "volume")).lag > 0; i++) await Bun.sleep(100);
  expect((await boltOffsets(admin, cfg, "volume")).lag).toBe(0);
  expect(await waitForFigures(cfg, want, 5000)).toEqual([]);

  expect(await blockedLetters(cfg)).toEqual([]);
  expect(distinct(await deadLetters(cfg))).toBe(want.rejects);
  expect(procs.filter((p) => p.exitCode !== null)).toEqual([]);
  const logs = BOLTS.map((b) => [b, logOf(cfg!, b)] as const);
  console.log(
    `slices failed and consumed again: ${logs.map(([b, l]) => `${b} ${count(l, "slice failed")}`).join(", ")}`,
  );
  expect(logs.filter(([, l]) => count(l, "consumer crashed") > 0).map(([b]) => b)).toEqual([]);
}, 400_000);
