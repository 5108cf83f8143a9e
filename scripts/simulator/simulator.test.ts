// The simulator's long-run figures against its parameters, with the tolerances stated per test (seeded, so the
// figures are deterministic; the tolerances are several standard deviations of the sampling error).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { subsidyAt } from "../domain/bitcoin.ts";
import { parsePrice } from "../domain/price-sources.ts";
import type { Captured } from "../producers/capture.ts";
import { REAL_TX_PER_SECOND, simulateChain, simulatePrices } from "./simulator.ts";
import { type Pool, poolShares } from "./simulator-random.ts";

const pools = JSON.parse(
  readFileSync(new URL("../../vendor/mining-pools/pools-v2.json", import.meta.url), "utf8"),
) as Pool[];
const START = Date.UTC(2026, 10, 29);

function take(gen: Generator<Captured>, untilMs: number): Captured[] {
  const out: Captured[] = [];
  for (const c of gen) {
    if (c.at > untilMs) break;
    out.push(c);
  }
  return out;
}
const ops = (cs: Captured[], op: string) =>
  cs.filter((c) => c.feed === "blockchain.info/ws" && c.text.includes(`"op":"${op}"`));

test("same seed, same traffic; another seed, other traffic", () => {
  const o = { startMs: START, rate: 1, blockSeconds: 60, pools };
  const a = take(simulateChain({ ...o, seed: 7 }), START + 300_000);
  const b = take(simulateChain({ ...o, seed: 7 }), START + 300_000);
  const c = take(simulateChain({ ...o, seed: 8 }), START + 300_000);
  expect(a).toEqual(b);
  expect(a[0]).not.toEqual(c[0]);
  expect(
    [...Array(5)].map(
      (
        (g) => () =>
          g.next().value
      )(simulatePrices({ seed: 3 })),
    ),
  ).toEqual(
    [...Array(5)].map(
      (
        (g) => () =>
          g.next().value
      )(simulatePrices({ seed: 3 })),
    ),
  );
});

describe("one simulated hour at x1, blocks every 60 s", () => {
  const hour = take(
    simulateChain({ seed: 42, startMs: START, rate: 1, blockSeconds: 60, pools, repeatProb: 0.01 }),
    START + 3_600_000,
  );
  const utx = ops(hour, "utx");
  test("transactions: 7 tx/s within 3% (Poisson sd 0.6%), in time order", () => {
    const rate = utx.length / 3600;
    expect(Math.abs(rate / REAL_TX_PER_SECOND - 1)).toBeLessThan(0.03);
    for (let i = 1; i < hour.length; i++) expect(hour[i]!.at).toBeGreaterThanOrEqual(hour[i - 1]!.at);
  });
  test("outputs 1-5, integer satoshis, heavy-tailed values, repeats about repeatProb", () => {
    const values: number[] = [];
    const hashes = new Set<string>();
    let repeats = 0;
    for (const c of utx) {
      const x = JSON.parse(c.text).x as {
        hash: string;
        out: { value: number }[];
        inputs: { prev_out: { value: number } }[];
      };
      expect(x.out.length).toBeGreaterThanOrEqual(1);
      expect(x.out.length).toBeLessThanOrEqual(5);
      expect(x.hash).toMatch(/^[0-9a-f]{64}$/);
      const v = x.out.reduce((a, o) => a + o.value, 0);
      expect(Number.isSafeInteger(v)).toBe(true);
      expect(x.inputs.reduce((a, i) => a + i.prev_out.value, 0)).toBeGreaterThan(v);
      if (hashes.has(x.hash)) repeats++;
      hashes.add(x.hash);
      values.push(v);
    }
    values.sort((a, b) => a - b);
    const median = values[values.length >> 1]!;
    const p999 = values[Math.floor(values.length * 0.999)]!;
    expect(median).toBeGreaterThan(200_000);
    expect(median).toBeLessThan(1_200_000);
    expect(p999 / median).toBeGreaterThan(1000);
    expect(repeats / utx.length).toBeGreaterThan(0.005);
    expect(repeats / utx.length).toBeLessThan(0.015);
  });
  test("each block: announcement then rawblock at the same height, coinbase = subsidy + fees with a pool tag", () => {
    const blocks = ops(hour, "block");
    const raws = hour.filter((c) => c.feed === "blockchain.info/rawblock");
    expect(raws.length).toBe(blocks.length);
    for (const r of raws) {
      const b = JSON.parse(r.text);
      const cb = b.tx[0];
      const sum = cb.out.reduce((a: number, o: { value: number }) => a + o.value, 0);
      expect(sum).toBe(subsidyAt(b.height) + b.fee);
      expect(subsidyAt(b.height)).toBe(312_500_000);
      const script = Buffer.from(cb.inputs[0].script, "hex");
      expect(script.readUIntLE(1, 3)).toBe(b.height);
      expect(pools.some((p) => p.tags.some((t) => script.includes(Buffer.from(t))))).toBe(true);
    }
  });
});

test("blocks: mean gap = blockSeconds within 5% over 4,000 blocks (sd 1.6%); pool shares within 1.5 points", () => {
  const s = take(
    simulateChain({ seed: 9, startMs: START, rate: 0.0001, blockSeconds: 600, pools, forkProb: 0.01 }),
    START + 4000 * 600_000,
  );
  const ann = ops(s, "block").map((c) => JSON.parse(c.text).x as { height: number; hash: string });
  const raws = s.filter((c) => c.feed === "blockchain.info/rawblock").map((c) => JSON.parse(c.text));
  const heights = new Set(ann.map((a) => a.height));
  const forks = ann.length - heights.size;
  expect(Math.abs((4000 * 600) / heights.size / 600 - 1)).toBeLessThan(0.05);
  expect(forks / heights.size).toBeGreaterThan(0.005);
  expect(forks / heights.size).toBeLessThan(0.015);
  expect(raws.filter((r) => r.main_chain === false).length).toBe(forks);
  const shares = poolShares(pools);
  const counts = new Map<string, number>();
  for (const r of raws) {
    const script = Buffer.from(r.tx[0].inputs[0].script, "hex").subarray(4);
    const p = shares.find((s) => script.indexOf(Buffer.from(s.pool.tags[0]!)) === 0)!;
    counts.set(p.pool.name, (counts.get(p.pool.name) ?? 0) + 1);
  }
  for (const name of ["Foundry USA", "AntPool", "ViaBTC", "F2Pool"]) {
    const want = shares.find((s) => s.pool.name === name)!.share;
    expect(Math.abs((counts.get(name) ?? 0) / raws.length - want)).toBeLessThan(0.015);
  }
});

test("prices: a walk near its level, parsable as /ticker, 10-tick moves small", () => {
  const g = simulatePrices({ seed: 5, startEur: 90_000 });
  let prev: number | undefined;
  for (let i = 0; i < 8640; i++) {
    const p = parsePrice("blockchain.info/ticker", g.next().value as string);
    if ("error" in p) throw new Error(p.error);
    expect(p.eur).toBeGreaterThan(70_000);
    expect(p.eur).toBeLessThan(115_000);
    if (prev) expect(Math.abs(p.eur / prev - 1)).toBeLessThan(0.01);
    prev = p.eur;
  }
});
