// A stream of an hour and a half (tests/in-flight.ts: the seeded stream of make chaos, with repeats, late prices
// and transactions, block races and poison, across a day and a month turn) flows through the five bolts (child
// processes, real Kafka and Elasticsearch) while each bolt is killed with SIGKILL and started again (as supervisord
// would), twice for most: every kill lands while that bolt is consuming and has records waiting (its committed
// offsets moved since its last start and its lag is not zero, checked just before; a kill on an idle bolt would
// prove nothing). The figures are exactly the reference's (nothing lost, nothing counted twice), and the
// dead-letter topic holds only the bad records (one may be dead-lettered again when a kill falls between its
// dead-lettering and its commit). Bolts run with an 8 s session timeout (BOLT_SESSION_TIMEOUT_MS).
// Run: BTC_PROFILE=full bun test --timeout 420000 tests/bolts-killed-repeatedly-give-same-figures.test.ts

import { afterAll, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import type { Admin } from "kafkajs";
import type { Config } from "../scripts/lib/config.ts";
import { BOLTS, type BoltName, deadLetters, distinct, spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { adminOf, faultStream, publishPaced, waitInFlight } from "./in-flight.ts";

let cfg: Config | undefined;
let admin: Admin | undefined;
const procs = new Map<BoltName, Subprocess>();
afterAll(async () => {
  for (const p of procs.values()) p.kill("SIGKILL");
  await admin?.disconnect();
  if (cfg) await dropNamespace(cfg);
});

const KILLS: BoltName[] = ["transactions", "prices", "volume", "miners", "blocks", "transactions", "volume", "prices"];

test("bolts killed with SIGKILL while records are in flight give the same exact figures", async () => {
  cfg = await freshNamespace("kill9");
  admin = await adminOf(cfg);
  const { lines, want } = faultStream(11);
  for (const b of BOLTS) procs.set(b, spawnBolt(cfg, b));
  const feeding = publishPaced(cfg, lines, 60_000);
  const since = new Map<BoltName, number>();
  const landed: string[] = [];
  for (const bolt of KILLS) {
    const at = await waitInFlight(admin, cfg, bolt, since.get(bolt) ?? 0, 40_000);
    procs.get(bolt)!.kill("SIGKILL");
    await procs.get(bolt)!.exited;
    procs.set(bolt, spawnBolt(cfg, bolt));
    since.set(bolt, at.committed);
    landed.push(`${bolt} (lag ${at.lag})`);
    expect(at.lag).toBeGreaterThan(0);
  }
  console.log(`killed with SIGKILL, each with records in flight: ${landed.join(", ")}`);
  await feeding;
  const diff = await waitForFigures(cfg, want, 150_000);
  expect(diff).toEqual([]);
  const dlq = await deadLetters(cfg);
  expect(distinct(dlq)).toBe(want.rejects);
  expect(dlq.some((d) => d.reason.startsWith("elasticsearch refused"))).toBe(false);
}, 400_000);
