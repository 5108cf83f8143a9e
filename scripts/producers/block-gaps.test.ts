import { expect, test } from "bun:test";
import { BlockGaps, parentExpected, retryDelay, type Wanted } from "./block-gaps.ts";
import type { Captured } from "./capture.ts";

const hash = (n: number) => n.toString(16).padStart(64, "0");
const raw = (n: number): Captured => ({
  at: Date.now(),
  feed: "blockchain.info/rawblock",
  text: JSON.stringify({
    hash: hash(n),
    prev_block: hash(n - 1),
    height: n,
    time: 1_706_745_600,
    tx: [{ inputs: [{ script: "00" }], out: [{ value: 1, addr: "x" }] }],
  }),
});

/** A source with blocks 1..tip whose details fail `failures[n]` times; what the gaps published, by height. */
function harness(tip: number, failures: Record<number, number> = {}) {
  const published: number[] = [];
  const asked: number[] = [];
  let waiting: Wanted[] = [];
  const gaps = new BlockGaps({
    fetchDetails: async (h) => {
      const n = Number.parseInt(h, 16);
      asked.push(n);
      if ((failures[n] ?? 0) > 0) {
        failures[n]!--;
        throw new Error("HTTP 500");
      }
      return [raw(n)];
    },
    publish: (_c, height) => published.push(height),
    fetchTip: async () => ({ hash: hash(tip), height: tip }),
    retryMaxMs: 100,
    onChange: (w) => {
      waiting = w;
    },
  });
  return { gaps, published, asked, waiting: () => waiting };
}
const settle = () => Bun.sleep(5);

test("retry delays grow from 2 s, capped, with jitter between 0.5 and 1.5 times", () => {
  expect([1, 2, 3].map((n) => retryDelay(n, 300_000, () => 0.5))).toEqual([2000, 4000, 8000]);
  expect(retryDelay(30, 300_000, () => 0.5)).toBe(300_000);
  expect(retryDelay(1, 300_000, () => 0)).toBe(1000);
  expect(retryDelay(1, 300_000, () => 0.999)).toBeLessThan(3000);
});

test("a parent is expected only at heights this run already covers (not below its first block)", () => {
  expect(parentExpected(100, [])).toBe(false);
  expect(parentExpected(100, [100])).toBe(false);
  expect(parentExpected(103, [100, 103])).toBe(true);
  expect(parentExpected(10, [10, 500])).toBe(false); // more than REORG_DEPTH below the highest
});

test("announcements missed while the connection was down: the unseen tip is fetched, then its parents", async () => {
  const h = harness(5);
  h.gaps.announced(hash(1), 1);
  h.gaps.announced(hash(2), 2);
  await settle();
  await h.gaps.checkTip(); // 3, 4, 5 never announced
  for (let i = 0; i < 10; i++) await settle();
  expect(h.published.sort()).toEqual([1, 2, 3, 4, 5]);
  await h.gaps.checkTip();
  await settle();
  expect(h.asked.sort()).toEqual([1, 2, 3, 4, 5]); // nothing fetched twice
});

test("the first block of a run is not walked back; a height skipped is, down to a block seen", async () => {
  const h = harness(9);
  h.gaps.announced(hash(5), 5);
  await settle();
  h.gaps.announced(hash(8), 8); // 6 and 7 skipped
  for (let i = 0; i < 10; i++) await settle();
  expect(h.published.sort()).toEqual([5, 6, 7, 8]);
});

test("details failing from every source are tried again until they come; the blocks waiting are told", async () => {
  const h = harness(3, { 2: 3 });
  h.gaps.announced(hash(1), 1);
  h.gaps.announced(hash(2), 2);
  await settle();
  expect(h.waiting().map((w) => [w.height, w.attempts, w.reason])).toEqual([[2, 1, "HTTP 500"]]);
  await Bun.sleep(600); // retries after about 100 ms each (retryMaxMs)
  expect(h.published.sort()).toEqual([1, 2]);
  expect(h.asked.filter((n) => n === 2).length).toBe(4);
  expect(h.waiting()).toEqual([]);
  h.gaps.stop();
});

test("a new run resumes from the previous one: blocks mined while it was down are fetched, its waiting ones too", async () => {
  const h = harness(9);
  h.gaps.resume({
    tip: { hash: hash(5), height: 5 },
    waiting: [{ hash: hash(3), height: 3, why: "announced", since: 0, attempts: 7, reason: "HTTP 500" }],
  });
  await h.gaps.checkTip(); // 9 never seen: 9, 8, 7, 6 fetched, down to 5
  for (let i = 0; i < 10; i++) await settle();
  expect(h.published.sort()).toEqual([3, 6, 7, 8, 9]);
  expect(h.gaps.tip()).toEqual({ hash: hash(9), height: 9 });
});

test("an announced height is not trusted: a bogus one far above stops no walk back", async () => {
  const h = harness(9, { 1000000: 99 });
  h.gaps.announced(hash(5), 5);
  h.gaps.announced(hash(1_000_000), 1_000_000); // its details never come
  await settle();
  h.gaps.announced(hash(8), 8);
  for (let i = 0; i < 10; i++) await settle();
  expect(h.published.sort()).toEqual([5, 6, 7, 8]);
  h.gaps.stop();
});
