// The golden capture (tests/fixtures/golden.jsonl) published to a fresh namespace with the producers' record
// contract, through the five bolts started as child processes, against the real Kafka and Elasticsearch: the
// hourly volumes and the miners per day and month equal the figures computed independently from the capture
// (satoshis exact, EUR within a cent), and the dead-letter topic holds exactly the malformed and hostile records,
// each with its reason and origin. Also: the hostile pool name is stored as literal text.
// Run: bun test --timeout 180000 tests/golden-capture-gives-exact-figures.test.ts

import { afterAll, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import type { Config } from "../scripts/lib/config.ts";
import { indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { BOLTS, deadLetters, distinct, expectedFigures, GOLDEN, spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { publishCapture, readCaptureFile } from "./publish-capture.ts";

let cfg: Config | undefined;
const procs: Subprocess[] = [];
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  if (cfg) await dropNamespace(cfg);
});

test("the golden capture gives exactly the expected figures, and only the bad records are dead-lettered", async () => {
  cfg = await freshNamespace("golden");
  const want = expectedFigures();
  await publishCapture(cfg, readCaptureFile(GOLDEN));
  const started = Date.now();
  for (const b of BOLTS) procs.push(spawnBolt(cfg, b));
  const diff = await waitForFigures(cfg, want, 120_000);
  expect(diff).toEqual([]);
  console.log(`figures exact ${((Date.now() - started) / 1000).toFixed(1)} s after the bolts started`);

  const dlq = await deadLetters(cfg);
  expect(distinct(dlq)).toBe(want.rejects);
  for (const d of dlq) expect(d.reason).not.toBe("");
  expect(dlq.map((d) => d.reason).join("\n")).toContain("negative");
  expect(dlq.map((d) => d.reason).join("\n")).toContain("21 million");
  expect(distinct(dlq.filter((d) => d.bolt === "prices"))).toBe(2);
  expect(distinct(dlq.filter((d) => d.bolt === "blocks"))).toBe(3);

  const es = esClient(cfg);
  const hostile = await es.search({
    index: indicesOf(cfg).rawBlocks,
    query: { term: { miner: "<img src=x onerror=alert(1)>" } },
  });
  expect(hostile.hits.hits.length).toBe(1);
  const orphans = await es.search({ index: indicesOf(cfg).rawBlocks, query: { term: { orphaned: true } } });
  expect(orphans.hits.hits.map((h) => (h._source as { miner: string }).miner).sort()).toEqual(["AntPool", "F2Pool"]);
});
