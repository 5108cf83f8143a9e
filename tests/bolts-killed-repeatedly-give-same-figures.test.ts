// The golden capture through the five bolts (child processes, real Kafka and Elasticsearch) while bolts are
// killed with SIGKILL several times mid-run and started again (as supervisord would): the figures are exactly
// those of the golden test (nothing lost, nothing counted twice), and the dead-letter topic holds only the bad
// records (a bad record may be dead-lettered again when a kill falls between its dead-lettering and its commit).
// The capture is published in two halves, the second while bolts are being killed. Bolts run with an 8 s
// session timeout (BOLT_SESSION_TIMEOUT_MS) so a killed member's partitions move on quickly.
// Run: bun test --timeout 180000 tests/bolts-killed-repeatedly-give-same-figures.test.ts

import { afterAll, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import type { Config } from "../scripts/lib/config.ts";
import {
  BOLTS,
  type BoltName,
  deadLetters,
  distinct,
  expectedFigures,
  GOLDEN,
  spawnBolt,
  waitForFigures,
} from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { publishCapture, readCaptureFile } from "./publish-capture.ts";

let cfg: Config | undefined;
const procs = new Map<BoltName, Subprocess>();
afterAll(async () => {
  for (const p of procs.values()) p.kill("SIGKILL");
  if (cfg) await dropNamespace(cfg);
});

async function killAndRestart(c: Config, names: readonly BoltName[]) {
  for (const n of names) procs.get(n)?.kill("SIGKILL");
  await Promise.all(names.map((n) => procs.get(n)?.exited));
  await Bun.sleep(300);
  for (const n of names) procs.set(n, spawnBolt(c, n));
}

test("bolts killed with SIGKILL several times give the same exact figures", async () => {
  cfg = await freshNamespace("kill9");
  const want = expectedFigures();
  const lines = readCaptureFile(GOLDEN);
  const half = Math.floor(lines.length / 2);
  await publishCapture(cfg, lines.slice(0, half));
  for (const b of BOLTS) procs.set(b, spawnBolt(cfg, b));
  const rounds: BoltName[][] = [
    [...BOLTS],
    ["transactions", "blocks", "prices"],
    ["volume", "miners", "blocks"],
    ["prices", "transactions"],
  ];
  let kills = 0;
  for (const [i, round] of rounds.entries()) {
    await Bun.sleep(3000 + Math.floor(Math.random() * 3000));
    await killAndRestart(cfg, round);
    kills += round.length;
    if (i === 1) await publishCapture(cfg, lines.slice(half));
  }
  console.log(`${kills} bolt processes killed with SIGKILL`);
  const diff = await waitForFigures(cfg, want, 120_000);
  expect(diff).toEqual([]);
  const dlq = await deadLetters(cfg);
  expect(distinct(dlq)).toBe(want.rejects);
  expect(dlq.some((d) => d.reason.startsWith("elasticsearch refused"))).toBe(false);
});
