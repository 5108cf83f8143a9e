import { expect, test } from "bun:test";
import { transactionOf } from "../domain/chain.ts";
import { referenceFigures } from "../reference/reference-figures.ts";
import { chaosStream, extraTransactions } from "./chaos-stream.ts";

const o = { seed: 7, startMs: Date.UTC(2026, 9, 31, 22), hours: 3, rate: 0.15 };
const { lines, minerOf } = chaosStream(o);
const extras = extraTransactions(o, lines);
const hashOf = (text: string) => JSON.parse(text).x.hash as string;

test("the extra transactions are the same for a seed, other for another, and none is in the stream", () => {
  expect(extraTransactions(o, lines)).toEqual(extras);
  const other = extraTransactions({ ...o, seed: 8 }, chaosStream({ ...o, seed: 8 }).lines);
  expect(other.map((e) => hashOf(e.text))).not.toEqual(extras.map((e) => hashOf(e.text)));
  const streamed = new Set(lines.filter((l) => l.text.includes('"op":"utx"')).map((l) => hashOf(l.text)));
  const hashes = extras.map((e) => hashOf(e.text));
  expect(hashes.length).toBe(40);
  expect(new Set(hashes).size).toBe(40);
  expect(hashes.filter((h) => streamed.has(h))).toEqual([]);
  // a hash the stream already has is skipped: the stream plus the extras is refused none of them
  expect(extraTransactions(o, [...lines, ...extras], 40).map((e) => hashOf(e.text))).not.toContain(hashes[0]);
});

test("each is a valid utx timed inside the stream, the time the bolts derive from it being its line's `at`", () => {
  const end = o.startMs + o.hours * 3_600_000;
  for (const e of extras) {
    const tx = transactionOf(e.text, Date.UTC(2026, 10, 29)); // received live, long after
    if ("error" in tx) throw new Error(tx.error);
    expect(tx.time).toBe(e.at);
    expect(e.at).toBeGreaterThan(o.startMs);
    expect(e.at).toBeLessThan(end);
    expect(Number.isSafeInteger(tx.value_sat) && tx.value_sat > 0).toBe(true);
  }
  expect(extras.map((e) => e.at)).toEqual(extras.map((e) => e.at).sort((a, b) => a - b));
});

test("added to the reference, they count in its hours like the stream's own transactions", () => {
  const miner = (h: string) => minerOf.get(h) ?? "Unknown";
  const base = referenceFigures(lines, miner);
  const both = referenceFigures([...lines, ...extras], miner);
  const total = (f: typeof base, k: "tx_count" | "volume_sat") => Object.values(f.volume).reduce((s, v) => s + v[k], 0);
  expect(Object.keys(both.volume)).toEqual(Object.keys(base.volume));
  expect(total(both, "tx_count") - total(base, "tx_count")).toBe(40);
  const sats = extras.reduce(
    (s, e) => s + JSON.parse(e.text).x.out.reduce((a: number, x: { value: number }) => a + x.value, 0),
    0,
  );
  expect(total(both, "volume_sat") - total(base, "volume_sat")).toBe(sats);
  expect(both.miners).toEqual(base.miners);
  expect(both.rejects).toBe(base.rejects);
});
