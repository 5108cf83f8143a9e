// Poison messages sent to two bolts (transactions and prices, real child processes, their own namespace) are
// counted per bolt, with the newest reason, by `make status` (scripts/setup/status.ts, run as a program), by
// pipeline-health with a tally, and by the dashboard's health API; a later call reads only the dead letters that
// are new (its tally is kept by offset: a count planted in the tally survives, so nothing was read twice).
// Run: BTC_PROFILE=full bun test --timeout 420000 tests/dead-letters-are-counted-per-bolt.test.ts

import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import type { Subprocess } from "bun";
import { poisonLines } from "../scripts/chaos/chaos-stream.ts";
import { emptyTally } from "../scripts/health/dead-letters.ts";
import { pipelineHealth } from "../scripts/health/pipeline-health.ts";
import type { Config } from "../scripts/lib/config.ts";
import { spawnBolt } from "./bolts-harness.ts";
import { startDashboard } from "./browser.ts";
import { dropNamespace, envOf, freshNamespace, ROOT } from "./cluster.ts";
import { publishCapture } from "./publish-capture.ts";

let cfg: Config | undefined;
const procs: Subprocess[] = [];
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  if (cfg) {
    await dropNamespace(cfg);
    rmSync(cfg.healthDir, { recursive: true, force: true });
  }
});

async function deadLettersAre(c: Config, n: number) {
  for (const until = Date.now() + 90_000; Date.now() < until; await Bun.sleep(500))
    if ((await pipelineHealth(c, { timeoutMs: 5000 })).deadLetters === n) return;
  throw new Error(`the dead-letter topic never held ${n} records`);
}

async function status(c: Config): Promise<string> {
  const p = Bun.spawn(["bun", "scripts/setup/status.ts"], { cwd: ROOT, env: envOf(c.namespace), stdout: "pipe" });
  const out = await new Response(p.stdout).text();
  await p.exited;
  return out;
}
const lineOf = (out: string, bolt: string) => out.split("\n").find((l) => l.startsWith(`    ${bolt} `)) ?? "";

test("dead letters are counted per bolt, with the newest reason, reading only what is new", async () => {
  cfg = await freshNamespace("dlq");
  for (const b of ["transactions", "prices"] as const) procs.push(spawnBolt(cfg, b));
  const at = Date.UTC(2026, 0, 1);
  // 4 for the transactions bolt (not JSON, negative, above 21 million BTC, hostile hash), 2 for the prices bolt
  await publishCapture(cfg, poisonLines(at));
  await deadLettersAre(cfg, 6);

  const first = await status(cfg);
  expect(first).toContain("  dead letters: 6\n");
  expect(lineOf(first, "transactions")).toMatch(/^ {4}transactions +4 {2}newest \d{4}-.*Z \(\d+ s ago\): \S/);
  expect(lineOf(first, "prices")).toMatch(/^ {4}prices +2 {2}newest /);
  expect(first).not.toMatch(/^ {4}(blocks|volume|miners) /m);

  const deadLetters = { reader: "test", tally: emptyTally("") };
  const h = await pipelineHealth(cfg, { timeoutMs: 5000, deadLetters });
  expect(h.deadLetterBolts?.bolts.map((b) => [b.bolt, b.count])).toEqual([
    ["prices", 2],
    ["transactions", 4],
  ]);
  expect(h.deadLetterBolts?.unread).toBe(0);
  const prices = h.deadLetterBolts!.bolts.find((b) => b.bolt === "prices")!;
  expect(prices.newestReason).toMatch(/not JSON|not a number|price/i);
  expect(lineOf(first, "prices")).toContain(prices.newestReason.slice(0, 40));

  // one more for the transactions bolt: the next reads count it, and only it
  deadLetters.tally.bolts.transactions!.count += 100;
  await publishCapture(cfg, [{ at: at + 1000, feed: "blockchain.info/ws", text: "{still not json" }]);
  await deadLettersAre(cfg, 7);
  const again = await pipelineHealth(cfg, { timeoutMs: 5000, deadLetters });
  expect(again.deadLetterBolts?.bolts.find((b) => b.bolt === "transactions")?.count).toBe(105);
  expect(again.deadLetterBolts?.bolts.find((b) => b.bolt === "transactions")?.newestReason).toMatch(/^not JSON/);
  expect(lineOf(await status(cfg), "transactions")).toMatch(/^ {4}transactions +5 {2}newest .*: not JSON/);

  const dash = await startDashboard(cfg.namespace, `${cfg.namespace}-dlq`);
  try {
    let bolts: Array<{ bolt: string; dead?: number; deadReason?: string }> = [];
    for (let i = 0; i < 60 && !bolts.some((b) => b.dead === 5); i++, await Bun.sleep(500))
      bolts = ((await (await fetch(`${dash.url}/api/health`)).json()) as { bolts: typeof bolts }).bolts;
    expect(bolts.map((b) => [b.bolt, b.dead])).toEqual([
      ["prices", 2],
      ["transactions", 5],
      ["blocks", 0],
      ["volume", 0],
      ["miners", 0],
    ]);
    expect(bolts[1]!.deadReason).toBe("not JSON");
  } finally {
    await dash.stop();
  }
}, 300_000);
