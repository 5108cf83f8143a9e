// Proves: a snapshot taken while records flow (bolts consuming, lag not zero) is enough to lose every index and come
// back exact. The seeded stream of tests/in-flight.ts flows through the five bolts; make snapshot's code takes a
// snapshot with records in flight (the bolts' offsets recorded in its metadata); more records arrive; the bolts are
// stopped (still with lag), every index of the namespace is deleted while the rest of the stream lands in Kafka;
// make restore's code restores the snapshot (into a cluster with none of the indices), moves the bolts' groups back
// to the recorded offsets, and starts the bolts: every figure equals the reference, to the satoshi and the cent, and
// the dead letters are the bad records. A second restore over the restored indices is refused without
// RESTORE_CONFIRM=yes. Then the scheduled snapshots (scripts/backup/schedule.ts, every 10 s, SNAPSHOT_KEEP=1) take
// one and delete the older ones. Prints the snapshot's and the restore's times and sizes (docs/backups.md).
// Run: BTC_PROFILE=full bun test --timeout 600000 tests/snapshot-wipe-restore-resumes-exact.test.ts

import { afterAll, expect, test } from "bun:test";
import { openSync, readFileSync } from "node:fs";
import type { Subprocess } from "bun";
import type { Admin } from "kafkajs";
import { bytes, snapshotPrefix } from "../scripts/backup/backup-plan.ts";
import { restore } from "../scripts/backup/restore.ts";
import { listSnapshots, platformIndices, type Taken, takeSnapshot } from "../scripts/backup/snapshot.ts";
import type { Config } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { Refused } from "../scripts/lib/refused.ts";
import { dropIndices } from "../scripts/setup/indices.ts";
import { BOLTS, type BoltName, deadLetters, distinct, spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, envOf, freshNamespace, ROOT } from "./cluster.ts";
import { adminOf, boltOffsets, faultStream, publishPaced, waitInFlight } from "./in-flight.ts";

let cfg: Config | undefined;
let admin: Admin | undefined;
const procs = new Map<BoltName, Subprocess>();
let scheduler: Subprocess | undefined;
const stopBolts = async () => {
  for (const p of procs.values()) p.kill("SIGTERM");
  await Promise.all([...procs.values()].map((p) => p.exited));
  procs.clear();
};
const startBolts = async () => {
  for (const b of BOLTS) procs.set(b, spawnBolt(cfg!, b));
};
afterAll(async () => {
  scheduler?.kill("SIGKILL");
  for (const p of procs.values()) p.kill("SIGKILL");
  await admin?.disconnect();
  if (!cfg) return;
  const es = esClient(cfg); // every snapshot of the namespace, finished or not (a delete cancels a running one)
  const repository = cfg.backup.repo;
  const mine = await es.snapshot.get({ repository, snapshot: `${snapshotPrefix(cfg.namespace)}*` }).catch(() => null);
  for (const s of mine?.snapshots ?? []) await es.snapshot.delete({ repository, snapshot: s.snapshot }).catch(() => {});
  await es.close();
  await dropNamespace(cfg);
});
const say = (line: string) => console.log(line);
let taken: Taken | undefined;

test("snapshot with records in flight, more records, bolts stopped, indices wiped, restore, resume: exact", async () => {
  cfg = await freshNamespace("snapshot");
  admin = await adminOf(cfg);
  const { lines, want } = faultStream(21);
  await startBolts();
  const half = Math.floor(lines.length * 0.6);
  const feeding = publishPaced(cfg, lines.slice(0, half), 30_000);
  await waitInFlight(admin, cfg, "transactions", 0, 240_000);
  taken = await takeSnapshot(cfg, say);
  expect(taken.lag).toBeGreaterThan(0); // records were in flight when the offsets were recorded
  expect(taken.indices.length).toBe(6);

  const more = feeding.then(() => publishPaced(cfg!, lines.slice(half), 30_000)); // more records after it
  const after = await boltOffsets(admin, cfg, "transactions");
  await waitInFlight(admin, cfg, "transactions", after.committed + 50, 240_000);
  const atStop = await boltOffsets(admin, cfg, "transactions");
  await stopBolts();
  expect(atStop.lag).toBeGreaterThan(0);
  const wiped = await dropIndices(cfg);
  expect(wiped.length).toBe(6);
  await more; // the rest of the stream lands in Kafka while the cluster holds none of the indices

  const r = await restore(cfg, { say, live: { stop: async () => {}, start: startBolts } });
  expect(r.snapshot).toBe(taken.name);
  expect(r.replay).toBeGreaterThan(0);
  expect(procs.size).toBe(5);
  const t0 = Date.now();
  expect(await waitForFigures(cfg, want, 240_000)).toEqual([]);
  const caughtUpMs = Date.now() - t0;
  expect(distinct(await deadLetters(cfg))).toBe(want.rejects);

  const again = restore(cfg, { say, live: { stop: async () => {}, start: async () => {} } });
  await expect(again).rejects.toThrow(Refused);
  await expect(again).rejects.toThrow(/RESTORE_CONFIRM=yes/);
  console.log(
    `MEASURED ${JSON.stringify({
      records: lines.length,
      snapshot: { ms: taken.ms, shards: taken.shards, size: bytes(taken.totalBytes), bytes: taken.totalBytes },
      lagAtSnapshot: taken.lag,
      restore: { ms: r.ms, replayed: r.replay },
      exactAfterRestoreMs: caughtUpMs,
    })}`,
  );
}, 560_000);

test("the scheduled snapshots take one on their cron and keep SNAPSHOT_KEEP", async () => {
  if (!cfg || !taken) throw new Error("the first test did not run");
  const log = `${ROOT}/test-artifacts/${cfg.namespace}-snapshots.log`;
  const out = openSync(log, "a");
  const env = envOf(cfg.namespace, { SNAPSHOT_SCHEDULE: "*/10 * * * * *", SNAPSHOT_KEEP: "1" });
  scheduler = Bun.spawn(["bun", "scripts/backup/schedule.ts"], { cwd: ROOT, env, stdout: out, stderr: out });
  const read = () => readFileSync(log, "utf8");
  for (const until = Date.now() + 180_000; Date.now() < until && !read().includes("deleted by the retention"); )
    await Bun.sleep(1000);
  scheduler.kill("SIGTERM");
  await scheduler.exited;
  expect(read()).toContain("snapshot taken");
  expect(read()).toContain("deleted by the retention");
  const es = esClient(cfg);
  const left = await listSnapshots(cfg, es);
  const indices = await platformIndices(cfg, es);
  await es.close();
  expect(left.map((s) => s.name)).not.toContain(taken.name);
  expect(left.filter((s) => s.state === "SUCCESS").length).toBeGreaterThanOrEqual(1);
  expect(indices.length).toBe(6);
}, 240_000);
