// The reference's chain rule and the bolts' (domain/best-chain.ts) leave out the same blocks, on hand-made cases and
// on many random block sets: races, deep splits, missing parents, blocks without prev_block, bogus blocks.
import { expect, test } from "bun:test";
import { bestChainFlags, type Linked } from "../domain/best-chain.ts";
import { lostSplits } from "./reference-chain.ts";

const leftOutByBolts = (bs: Linked[]) =>
  [...bestChainFlags(bs)]
    .filter(([, o]) => o)
    .map(([h]) => h)
    .sort();
const leftOutByReference = (bs: Linked[]) =>
  [...lostSplits(new Map(bs.map((b) => [b.hash, { height: b.height, prev: b.prev_block }])))].sort();

test("hand-made: a bogus block above the tip waits, a missing parent makes its child wait, a race counts both", () => {
  const bs: Linked[] = [
    { hash: "a", height: 10, prev_block: "z" },
    { hash: "b", height: 11, prev_block: "a" },
    { hash: "r", height: 11, prev_block: "a" },
    { hash: "bogus", height: 12, prev_block: "nowhere" },
    { hash: "c", height: 13, prev_block: "missing" },
  ];
  expect(leftOutByReference(bs)).toEqual(["bogus", "c"]);
  expect(leftOutByBolts(bs)).toEqual(["bogus", "c"]);
});

/** A seeded generator (mulberry32 is enough for a test). */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("random block sets: the reference and the bolts leave out the same blocks", () => {
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed);
    const bs: Linked[] = [];
    const n = 3 + Math.floor(r() * 25);
    for (let i = 0; i < n; i++) {
      const height = 100 + Math.floor(r() * 12) + (r() < 0.05 ? 150 : 0);
      const below = bs.filter((b) => b.height === height - 1);
      const pick = r();
      const prev_block =
        pick < 0.7 && below.length > 0
          ? below[Math.floor(r() * below.length)]!.hash
          : pick < 0.85
            ? undefined
            : `unknown${Math.floor(r() * 3)}`;
      bs.push({ hash: `s${seed}b${i}`, height, prev_block });
    }
    expect({ seed, out: leftOutByReference(bs) }).toEqual({ seed, out: leftOutByBolts(bs) });
  }
});
