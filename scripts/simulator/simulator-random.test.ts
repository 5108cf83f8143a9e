import { expect, test } from "bun:test";
import { rngOf } from "./simulator-random.ts";

// make bench's steps draw from seeds 11, 12, 13, 14: with a generator whose every seed is a point on one cycle of
// 2^32 states (mulberry32), seed 14 reached seed 12's start after 218,520,065 draws, so x1000 for 300 s sent again
// 8,255 transactions of x10 (same hashes: counted once, as they must be) and the bench's reference counted twice.
test("the draws of nearby seeds do not run into each other within the 250 million draws of x1000 for 300 s", () => {
  const start = rngOf(12);
  const [a, b, c] = [start(), start(), start()];
  const other = rngOf(14);
  let [p2, p1] = [-1, -1];
  let met = -1;
  for (let i = 0; i < 250_000_000 && met < 0; i++) {
    const v = other();
    if (p2 === a && p1 === b && v === c) met = i - 2;
    [p2, p1] = [p1, v];
  }
  expect(met).toBe(-1);
}, 60_000);

test("uniform in [0, 1), the same for the same seed, another for another seed", () => {
  const [x, y, z] = [rngOf(7), rngOf(7), rngOf(8)];
  const xs = Array.from({ length: 10_000 }, () => x());
  expect(Array.from({ length: 10_000 }, () => y())).toEqual(xs);
  expect(z()).not.toBe(xs[0]);
  expect(xs.every((v) => v >= 0 && v < 1)).toBe(true);
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
});
