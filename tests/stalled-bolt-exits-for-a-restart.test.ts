// "No silent stall": a bolt whose consumer can neither fetch nor heartbeat (every broker frozen with SIGSTOP)
// for BOLT_STALL_TIMEOUT_MS exits non-zero, so supervisord restarts it, instead of hanging silently.
// The brokers are always thawed (SIGCONT) before the test ends.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { $ } from "bun";
import { type Config, topicsOf } from "../scripts/lib/config.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { spawnBolt } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";

let cfg: Config;
let brokers: number[] = [];
const signal = (sig: NodeJS.Signals) => {
  for (const pid of brokers)
    try {
      process.kill(pid, sig);
    } catch {}
};

beforeAll(async () => {
  cfg = await freshNamespace("stall");
});
afterAll(async () => {
  signal("SIGCONT");
  // Thawed brokers re-elect and catch up: wait until every partition is fully replicated again.
  const admin = kafkaClient(cfg, "test-stall-thaw").admin();
  await admin.connect();
  for (const end = Date.now() + 90_000; Date.now() < end; await Bun.sleep(500)) {
    const md = await admin.fetchTopicMetadata({ topics: Object.values(topicsOf(cfg)) }).catch(() => undefined);
    if (md?.topics.every((t) => t.partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length))) break;
  }
  await admin.disconnect();
  await dropNamespace(cfg);
});

test("a bolt that cannot reach Kafka for longer than the stall timeout exits 1", async () => {
  const bolt = spawnBolt(cfg, "volume", { BOLT_STALL_TIMEOUT_MS: "4000" });
  await Bun.sleep(8000); // joined its group and fetching
  expect(bolt.exitCode).toBeNull();
  brokers = (await $`pgrep -f ${"kafka.Kafka .*server.properties"}`.nothrow().text())
    .trim()
    .split("\n")
    .map(Number)
    .filter(Boolean);
  expect(brokers.length).toBeGreaterThanOrEqual(1);
  const t0 = Date.now();
  signal("SIGSTOP");
  try {
    const code = await Promise.race([bolt.exited, Bun.sleep(30_000).then(() => "still running")]);
    expect(code).toBe(1);
    // the watchdog (4 s) plus at most the 10 s shutdown bound
    expect(Date.now() - t0).toBeLessThan(20_000);
  } finally {
    signal("SIGCONT");
    bolt.kill("SIGKILL");
  }
}, 60_000);
