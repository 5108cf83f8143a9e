// Three instances of every bolt in each consumer group (as supervisord's numprocs=3 would run them), on the golden
// capture, against the real Kafka and Elasticsearch: the figures are exactly those one instance gives (the
// expected figures of the golden test), and the dead-letter topic holds only the bad records. One instance of
// each bolt is started late, so a rebalance happens while the others are working.
// Run: bun test --timeout 180000 tests/three-instances-equal-one.test.ts

import { afterAll, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import type { Config } from "../scripts/lib/config.ts";
import { BOLTS, deadLetters, distinct, expectedFigures, GOLDEN, spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { publishCapture, readCaptureFile } from "./publish-capture.ts";

let cfg: Config | undefined;
const procs: Subprocess[] = [];
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  if (cfg) await dropNamespace(cfg);
});

test("three instances per bolt give the same figures as one", async () => {
  cfg = await freshNamespace("three");
  const want = expectedFigures();
  await publishCapture(cfg, readCaptureFile(GOLDEN));
  for (let i = 0; i < 2; i++) for (const b of BOLTS) procs.push(spawnBolt(cfg, b));
  await Bun.sleep(4000);
  for (const b of BOLTS) procs.push(spawnBolt(cfg, b));
  const diff = await waitForFigures(cfg, want, 300_000);
  expect(diff).toEqual([]);
  expect(procs.filter((p) => p.exitCode !== null)).toEqual([]);
  const dlq = await deadLetters(cfg);
  expect(distinct(dlq)).toBe(want.rejects);
});
