// The bench tables of docs/bench.md are the ones the latest results files give (a drift test), and the paced steps' pure
// parts: the steps' syntax, whether a lag stayed bounded, and the expected figures of what was published.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/config.ts";
import { Expected } from "./bench-expect.ts";
import { BENCH_PAGE, latestResults, withSummary, withTables } from "./bench-readme.ts";
import { lagTrend } from "./bench-step-lag.ts";
import { parseSteps } from "./bench-steps.ts";

test("docs/bench.md's tables equal those of bench-results/latest-*.json (bun scripts/bench/bench-readme.ts)", () => {
  const page = readFileSync(join(PROJECT_ROOT, BENCH_PAGE), "utf8");
  expect(withTables(page, latestResults())).toBe(page);
});

test("the README's bench summary is that of bench-results/latest-*.json (bun scripts/bench/bench-readme.ts)", () => {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  expect(withSummary(readme, latestResults())).toBe(readme);
});

test("BENCH_STEPS: x:seconds, comma-separated; anything else is refused with the culprit", () => {
  expect(parseSteps("1:30,1000:300")).toEqual([
    { x: 1, seconds: 30 },
    { x: 1000, seconds: 300 },
  ]);
  expect(() => parseSteps("1000")).toThrow('"1000" is not x:seconds');
  expect(() => parseSteps("10:-5")).toThrow("is not x:seconds");
});

test("a lag that levels off is bounded; one that keeps growing is not", () => {
  const flat = Array.from({ length: 60 }, (_, t) => [t, 500 + (t % 3) * 100] as [number, number]);
  expect(lagTrend(flat, 7000).bounded).toBe(true);
  const growing = Array.from({ length: 60 }, (_, t) => [t, t * 1500] as [number, number]);
  const g = lagTrend(growing, 7000);
  expect(g.bounded).toBe(false);
  expect(g.slope_per_s).toBe(1500);
  expect(g.max).toBe(59 * 1500);
});

test("expected hours: the last price at or before a transaction (else the earliest), rounded once to the cent, a repeated hash once", () => {
  const e = new Expected();
  const h = Date.UTC(2026, 10, 29, 10);
  e.price(h + 10_500, "90000.01");
  e.price(h + 20_000, "90000.02");
  const utx = (sec: number, values: number[], hash = `h${sec}`) =>
    JSON.stringify({ op: "utx", x: { hash, time: (h + sec * 1000) / 1000, out: values.map((value) => ({ value })) } });
  e.tx(utx(5, [1])); // before any price: the earliest, 90000.01 EUR/BTC x 1 sat = 0.0009000001 EUR
  e.tx(utx(11, [1, 1])); // at 90000.01
  e.tx(utx(20, [100_000_000])); // at 20 s exactly: 90000.02
  e.tx(utx(30, [7], "h11")); // a hash sent before: counted once, at its first sending
  expect(e.repeats).toBe(1);
  expect(e.figures().get(new Date(h).toISOString())).toEqual({
    tx_count: 3,
    volume_sat: 100_000_003,
    max_sat: 100_000_000,
    volume_eur_cents: 9_000_002, // 90000.02 + 3 x 0.0009 EUR = 90000.0227 -> 90000.02
    max_eur_cents: 9_000_002,
  });
  expect(e.countOf(h, h + 20_000)).toBe(2);
});
