import { expect, test } from "bun:test";
import { referenceFigures } from "../reference/reference-figures.ts";
import { lostAndDoubled } from "./chaos.ts";
import { chaosStream } from "./chaos-stream.ts";

const start = Date.UTC(2026, 9, 31, 22);
const { lines, minerOf } = chaosStream({ seed: 1, startMs: start, hours: 3, rate: 0.15 });

test("the chaos stream is the same for a seed, and holds what it must", () => {
  expect(chaosStream({ seed: 1, startMs: start, hours: 3, rate: 0.15 }).lines).toEqual(lines);
  const prices = lines.filter((l) => l.feed === "blockchain.info/ticker" && l.text.includes('"last":'));
  const late = prices.filter((p, i) => i > 0 && p.at < prices[i - 1]!.at);
  expect(late.length).toBeGreaterThan(5); // observations delivered after later ones
  const races = new Map<number, number>();
  for (const l of lines.filter((x) => x.feed === "blockchain.info/rawblock"))
    races.set(JSON.parse(l.text).height, (races.get(JSON.parse(l.text).height) ?? 0) + 1);
  expect([...races.values()].some((n) => n > 1)).toBe(true); // blocks racing at one height
  expect(minerOf.size).toBeGreaterThanOrEqual(races.size);
});

test("its reference figures span a day and a month turn, and count the poison as rejects", () => {
  const want = referenceFigures(lines, (h) => minerOf.get(h) ?? "Unknown");
  expect(Object.keys(want.volume).length).toBe(3);
  expect(Object.keys(want.miners).some((k) => k.startsWith("month:2026-10"))).toBe(true);
  expect(Object.keys(want.miners).some((k) => k.startsWith("month:2026-11"))).toBe(true);
  expect(want.rejects).toBeGreaterThanOrEqual(6 * 5);
});

test("lost and doubled transactions are read from the hours' counts", () => {
  const v = (tx_count: number) => ({ tx_count, volume_sat: 0, max_sat: 0, volume_eur: 0, max_eur: 0 });
  const want = { volume: { a: v(3), b: v(2) }, miners: {} };
  expect(lostAndDoubled(want, { volume: { a: v(2), b: v(3) }, miners: {} })).toEqual({ lost: 1, doubled: 1 });
  expect(lostAndDoubled(want, { volume: { a: v(3) }, miners: {} })).toEqual({ lost: 2, doubled: 0 });
});
