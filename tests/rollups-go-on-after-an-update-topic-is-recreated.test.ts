// Proves: after an update topic is deleted and created again (offsets start again at 0), the rollup bolt's later
// writes still land: a transaction added afterwards is counted in its hour. Writes are guarded by the stored
// document's version (lib/doc-versions.ts), not by the update records' offsets; with offsets, every later write
// was refused as stale and the hour froze silently.
// Run: bun test --timeout 300000 tests/rollups-go-on-after-an-update-topic-is-recreated.test.ts

import { afterAll, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { type Config, topicsOf } from "../scripts/lib/config.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { ensureTopics } from "../scripts/setup/topics.ts";
import { BOLTS, type BoltName, expectedFigures, GOLDEN, spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { publishCapture, readCaptureFile } from "./publish-capture.ts";

let cfg: Config | undefined;
const procs = new Map<BoltName, Subprocess>();
const more = join(tmpdir(), `golden-plus-one-${process.pid}.jsonl`);
afterAll(async () => {
  for (const p of procs.values()) p.kill("SIGKILL");
  rmSync(more, { force: true });
  if (cfg) await dropNamespace(cfg);
});

test("a re-created update topic does not freeze the figures", async () => {
  cfg = await freshNamespace("recreated");
  await publishCapture(cfg, readCaptureFile(GOLDEN));
  for (const b of BOLTS) procs.set(b, spawnBolt(cfg, b));
  expect(await waitForFigures(cfg, expectedFigures(), 120_000)).toEqual([]);

  procs.get("volume")!.kill("SIGKILL");
  await procs.get("volume")!.exited;
  const admin = kafkaClient(cfg, "test-recreate").admin();
  await admin.connect();
  const topic = topicsOf(cfg).volumeUpdates;
  await admin.deleteTopics({ topics: [topic] });
  for (let i = 0; (await admin.listTopics()).includes(topic) && i < 60; i++) await Bun.sleep(500);
  for (let i = 0; ; i++) {
    const ok = await ensureTopics(cfg).then(
      () => true,
      () => false,
    );
    if (ok && (await admin.listTopics()).includes(topic)) break;
    if (i > 30) throw new Error(`${topic} not re-created`);
    await Bun.sleep(1000);
  }
  await admin.disconnect();
  procs.set("volume", spawnBolt(cfg, "volume"));

  // one more transaction in an hour that already has figures
  const golden = (await Bun.file(GOLDEN).text()).trimEnd();
  const first = golden.split("\n")[0]!;
  const extra = first.replace(/"hash":"[0-9a-f]{64}"/, `"hash":"${"e".repeat(64)}"`);
  expect(extra).not.toBe(first);
  writeFileSync(more, `${golden}\n${extra}\n`);
  const want = expectedFigures(more);
  await publishCapture(
    cfg,
    readCaptureFile(more).filter((c) => c.text.includes("e".repeat(64))),
  );
  const diff = await waitForFigures(cfg, want, 90_000);
  expect(diff).toEqual([]);
});
