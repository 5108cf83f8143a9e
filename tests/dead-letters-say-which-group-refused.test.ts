// Two consumer groups of the same bolt (the standby cluster's bolts, ES_TARGET=standby, read in groups suffixed
// -standby; BOLT_GROUP_SUFFIX names any other) each refuse the same bad record: the dead letters say which group
// refused it (`dlq-bolt` is the bolt's name and its group suffix), so the tally counts each group's letters once
// instead of one bolt's twice.
// Run: BTC_PROFILE=full bun test --timeout 420000 tests/dead-letters-say-which-group-refused.test.ts

import { afterAll, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { poisonLines } from "../scripts/chaos/chaos-stream.ts";
import { emptyTally } from "../scripts/health/dead-letters.ts";
import { pipelineHealth } from "../scripts/health/pipeline-health.ts";
import type { Config } from "../scripts/lib/config.ts";
import { spawnBolt } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { publishCapture } from "./publish-capture.ts";

let cfg: Config | undefined;
const procs: Subprocess[] = [];
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  if (cfg) await dropNamespace(cfg);
});

test("the same bad record refused by two groups of the transactions bolt: one letter per group, each named", async () => {
  cfg = await freshNamespace("dlqgroups");
  procs.push(spawnBolt(cfg, "transactions"), spawnBolt(cfg, "transactions", { BOLT_GROUP_SUFFIX: "-second" }));
  // 4 bad transactions (not JSON, negative, above 21 million BTC, hostile hash); 2 bad prices no bolt here reads
  await publishCapture(cfg, poisonLines(Date.UTC(2026, 0, 1)));
  const deadLetters = { reader: "test", tally: emptyTally("") };
  let counts: Array<[string, number]> = [];
  for (const until = Date.now() + 90_000; Date.now() < until; await Bun.sleep(500)) {
    const h = await pipelineHealth(cfg, { timeoutMs: 5000, deadLetters });
    counts = (h.deadLetterBolts?.bolts ?? []).map((b) => [b.bolt, b.count]);
    if (h.deadLetters === 8) break;
  }
  expect(counts).toEqual([
    ["transactions", 4],
    ["transactions-second", 4],
  ]);
}, 300_000);
