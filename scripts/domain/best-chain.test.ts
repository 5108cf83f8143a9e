import { expect, test } from "bun:test";
import { type Linked, orphanFlags, REORG_DEPTH } from "./best-chain.ts";

const H = 800_000;
/** A branch of `n` blocks from height `from`, each naming the previous one; the first names `parent`. */
function branch(name: string, from: number, n: number, parent = "P"): Linked[] {
  return Array.from({ length: n }, (_, i) => ({
    hash: `${name}${from + i}`,
    height: from + i,
    prev_block: i === 0 ? parent : `${name}${from + i - 1}`,
  }));
}

/** The blocks arriving one at a time, the bolt applying the flags it is given after each; the final flags. */
function arrive(order: Linked[], start: Linked[] = []): Record<string, boolean> {
  const known: Linked[] = start.map((b) => ({ ...b, orphaned: false }));
  for (const b of order) {
    known.push({ ...b, orphaned: false });
    for (const [hash, o] of orphanFlags(known, [b.height])) known.find((k) => k.hash === hash)!.orphaned = o;
  }
  return Object.fromEntries(known.map((k) => [k.hash, k.orphaned ?? false]));
}
const orphans = (flags: Record<string, boolean>) =>
  Object.entries(flags)
    .filter(([, o]) => o)
    .map(([h]) => h)
    .sort();
const names = (bs: Linked[]) => bs.map((b) => b.hash).sort();

const A = branch("A", H, 3); // A at h, h+1, h+2
const B = branch("B", H, 4); // B at h .. h+3: B wins

test("A then B: the whole losing branch is orphaned, not only its tip", () => {
  expect(orphans(arrive([...A, ...B]))).toEqual(names(A));
});

test("B then A: every block of A is orphaned as it arrives", () => {
  expect(orphans(arrive([...B, ...A]))).toEqual(names(A));
});

test("B's blocks newest first: A is orphaned once B is linked down to the fork", () => {
  expect(orphans(arrive([...A, ...[...B].reverse()]))).toEqual(names(A));
});

test("interleaved arrivals and a whole slice at once give the same flags", () => {
  const mixed = [A[0]!, B[0]!, A[1]!, B[1]!, A[2]!, B[3]!, B[2]!];
  expect(orphans(arrive(mixed))).toEqual(names(A));
  const all = [...A, ...B];
  expect(
    [...orphanFlags(all, [H, H + 1, H + 2, H + 3]).entries()]
      .filter(([, o]) => o)
      .map(([h]) => h)
      .sort(),
  ).toEqual(names(A));
});

test("a split deeper than 3 blocks: the 7 blocks of the loser are orphaned, then un-orphaned when it wins again", () => {
  const deepA = branch("A", H, 7);
  const deepB = branch("B", H, 8);
  expect(orphans(arrive([...deepA, ...deepB]))).toEqual(names(deepA));
  const more = branch("A", H + 7, 2, `A${H + 6}`); // A grows to h+8, past B
  expect(
    orphans(
      arrive(
        more,
        [...deepA, ...deepB].map((b) => ({ ...b, orphaned: b.hash.startsWith("A") })),
      ),
    ),
  ).toEqual(names(deepB));
});

test("a 1-block race at the tip keeps both until a child names one (the existing tie rule)", () => {
  const p = { hash: "p", height: H, prev_block: "P" };
  const q = { hash: "q", height: H, prev_block: "P" };
  expect(orphans(arrive([p, q]))).toEqual([]);
  expect(orphans(arrive([p, q, { hash: "c", height: H + 1, prev_block: "q" }]))).toEqual(["p"]);
});

test("an unknown parent decides nothing below it until it arrives", () => {
  const b3 = B[3]!; // names B(h+2), not received yet
  const flags = arrive([...A, b3]);
  expect(orphans(flags)).toEqual([`A${H + 2}`]); // B(h+2) is not A(h+2); below, nothing known decides
  expect(orphans(arrive([B[2]!, B[1]!], [...A.slice(0, 2), b3]))).toEqual(names(A.slice(0, 2)));
  // a tip announced without its parent (no prev_block yet): the blocks below are not judged by it
  const announced = { hash: "E", height: H + 3 };
  expect(orphans(arrive([announced], [...A, B[0]!]))).toEqual([`B${H}`]);
});

test(`a block more than REORG_DEPTH (${REORG_DEPTH}) below an arrival is never re-evaluated`, () => {
  const longA = branch("A", H, REORG_DEPTH + 10);
  const longB = branch("B", H, REORG_DEPTH + 11);
  const known = [...longA.map((b) => ({ ...b, orphaned: false })), ...longB.map((b) => ({ ...b, orphaned: true }))];
  known.at(-1)!.orphaned = false; // B's new tip just arrived
  const changes = orphanFlags(known, [H + REORG_DEPTH + 10]);
  expect([...changes.keys()].every((h) => Number(h.slice(1)) >= H + 10)).toBe(true);
  expect(changes.get(`A${H + 10}`)).toBe(true);
  expect(changes.get(`B${H + 10}`)).toBe(false);
  expect(changes.has(`A${H + 9}`)).toBe(false);
});

test("a block flagged orphaned that a child names is counted again", () => {
  const p = { hash: "p", height: H, prev_block: "P", orphaned: true };
  const c = { hash: "c", height: H + 1, prev_block: "p" };
  expect(orphanFlags([p, c], [H + 1])).toEqual(new Map([["p", false]]));
});
