// Proves: a price observation that arrives after later ones were consumed (a late source, a replay of a second
// capture) re-values the transactions and blocks it covers. The golden capture without one mid observation is
// processed to its exact figures (every amount in that span valued at the observation before it), then the
// missing observation is published last: the figures become exactly those of the whole capture. Both expectations
// come from the plain reference implementation (tests/bolts-harness.ts), which orders observations by their time.
// Run: bun test --timeout 300000 tests/late-price-observation-revalues-what-it-covers.test.ts

import { afterAll, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { Config } from "../scripts/lib/config.ts";
import { BOLTS, expectedFigures, GOLDEN, spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { publishCapture, readCaptureFile } from "./publish-capture.ts";

let cfg: Config | undefined;
const procs: Subprocess[] = [];
const early = join(tmpdir(), `golden-without-late-${process.pid}.jsonl`);
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  rmSync(early, { force: true });
  if (cfg) await dropNamespace(cfg);
});

test("a late price observation re-values exactly what it covers", async () => {
  cfg = await freshNamespace("late-price");
  const lines = readCaptureFile(GOLDEN);
  const text = (await Bun.file(GOLDEN).text()).split("\n").filter(Boolean);
  const late = lines.findIndex((l) => l.feed === "kraken/ticker" && l.text.includes("XXBTZEUR"));
  expect(late).toBeGreaterThan(0);
  writeFileSync(early, `${text.filter((_, i) => i !== late).join("\n")}\n`);
  const before = expectedFigures(early);
  const after = expectedFigures(GOLDEN);
  expect(before.volume).not.toEqual(after.volume); // the late observation does change figures
  expect(before.miners).not.toEqual(after.miners);

  await publishCapture(
    cfg,
    lines.filter((_, i) => i !== late),
  );
  for (const b of BOLTS) procs.push(spawnBolt(cfg, b));
  expect(await waitForFigures(cfg, before, 120_000)).toEqual([]);
  await publishCapture(cfg, [lines[late]!]);
  expect(await waitForFigures(cfg, after, 60_000)).toEqual([]);
});
