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

test("a block naming a parent not received yet waits and decides nothing, until its branch is linked down", () => {
  const b3 = B[3]!; // names B(h+2), not received yet
  expect(orphans(arrive([...A, b3]))).toEqual([`B${H + 3}`]); // A stays counted
  expect(orphans(arrive([B[2]!, B[1]!], [...A.slice(0, 2), b3]))).toEqual(names([B[1]!, B[2]!, b3]));
  expect(orphans(arrive([B[2]!, B[1]!, B[0]!], [...A.slice(0, 2), b3]))).toEqual(names(A.slice(0, 2)));
  // a tip announced without its details, above a single block: it links to that block
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

// Untrusted input (issue 17): the best chain is decided only by connected blocks; an unconnected one waits.
const tip = branch("T", H, 3); // T(h) .. T(h+2), the real chain
const counted = (flags: Record<string, boolean>) =>
  Object.entries(flags)
    .filter(([, o]) => !o)
    .map(([h]) => h)
    .sort();

test("a bogus block one above the tip naming an unknown parent waits; the real tip stays counted", () => {
  const bogus = { hash: "bogus", height: H + 3, prev_block: "nowhere" };
  expect(orphans(arrive([...tip, bogus]))).toEqual(["bogus"]);
  expect(orphans(arrive([bogus, ...tip]))).toEqual(["bogus"]);
});

test("a parent missing: the child waits, the race below counts both, until the parent arrives and decides", () => {
  const race = [tip[0]!, { hash: "R", height: H, prev_block: "P" }];
  const child = { hash: "C", height: H + 2, prev_block: "X" }; // X (h+1) never seen yet
  expect(orphans(arrive([...race, child]))).toEqual(["C"]);
  const x = { hash: "X", height: H + 1, prev_block: "R" };
  expect(orphans(arrive([...race, child, x]))).toEqual([`T${H}`]);
  expect(orphans(arrive([x, child, ...race]))).toEqual([`T${H}`]);
});

test("a child without prev_block above a race waits (its parent is ambiguous) until its details name one", () => {
  const race = [tip[0]!, { hash: "R", height: H, prev_block: "P" }];
  const announced = { hash: "C", height: H + 1 };
  expect(orphans(arrive([...race, announced]))).toEqual(["C"]);
  const detailed = arrive([{ ...announced, prev_block: "R" }], [...race]);
  expect(orphans(detailed)).toEqual([`T${H}`]);
});

test("an announced block without prev_block above a single tip counts: its parent can only be that tip", () => {
  const announced = { hash: "E", height: H + 3 };
  expect(orphans(arrive([...tip, announced]))).toEqual([]);
  const child = { hash: "F", height: H + 4, prev_block: "E" };
  expect(orphans(arrive([...tip, announced, child]))).toEqual([]);
});

test("a whole height missing: every block above it waits, in any order, and counts once it arrives", () => {
  const chain = branch("K", H, 6);
  const gap = chain.filter((b) => b.height !== H + 2);
  expect(counted(arrive(gap))).toEqual([`K${H}`, `K${H + 1}`]);
  expect(counted(arrive([...gap].reverse()))).toEqual([`K${H}`, `K${H + 1}`]);
  expect(orphans(arrive([chain[2]!], gap))).toEqual([]);
});

test("the lowest known block, and a block more than REORG_DEPTH above any other, start the known chain", () => {
  expect(orphans(arrive([{ hash: "first", height: H, prev_block: "never-seen" }]))).toEqual([]);
  const far = { hash: "far", height: H + 2 + REORG_DEPTH + 1, prev_block: "never-seen" };
  expect(orphans(arrive([...tip, far]))).toEqual([]);
  const near = { hash: "near", height: H + 2 + REORG_DEPTH, prev_block: "never-seen" };
  expect(orphans(arrive([...tip, near]))).toEqual(["near"]);
});

test("a block naming a parent at another height than just below it is not connected", () => {
  expect(orphans(arrive([...tip, { hash: "skip", height: H + 3, prev_block: `T${H}` }]))).toEqual(["skip"]);
});

test("orphanFlags changes nothing above the bound it is given (the caller judges blocks on 100 above them)", () => {
  const chain = branch("K", H, 6);
  const gap = chain.filter((b) => b.height !== H + 2).map((b) => ({ ...b, orphaned: b.height > H + 2 }));
  const changes = orphanFlags([...gap, chain[2]!], [H + 2], H + 4);
  expect([...changes.keys()].sort()).toEqual([`K${H + 3}`, `K${H + 4}`]);
});
