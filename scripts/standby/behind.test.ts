import { expect, test } from "bun:test";
import { clusterLag, type EndSample, keepRecent, secondsBehind } from "./behind.ts";

const T = "t/0";
const U = "u/0";
const h: EndSample[] = [
  { at: 0, ends: { [T]: 10, [U]: 5 } },
  { at: 2000, ends: { [T]: 20, [U]: 5 } },
  { at: 4000, ends: { [T]: 30, [U]: 9 } },
];

test("seconds behind: 0 when everything is read, the age of the newest sample read, unknown beyond the history", () => {
  expect(secondsBehind(h, { [T]: 30, [U]: 9 }, 5000)).toBe(0);
  expect(secondsBehind(h, { [T]: 25, [U]: 9 }, 5000)).toBe(3); // read all of the sample at 2 s
  expect(secondsBehind(h, { [T]: 10, [U]: 5 }, 5000)).toBe(5);
  expect(secondsBehind(h, { [T]: 9, [U]: 5 }, 5000)).toBeNull();
  expect(secondsBehind(h, {}, 5000)).toBeNull(); // a group that never committed
});

test("the history keeps the recent samples and the newest older one", () => {
  const kept = keepRecent(h, { at: 10_000, ends: { [T]: 40 } }, 7000);
  expect(kept.map((s) => s.at)).toEqual([2000, 4000, 10_000]);
  expect(keepRecent([], { at: 1, ends: {} }, 10).map((s) => s.at)).toEqual([1]);
});

test("a cluster: each bolt against its own topics, the slowest bolt's seconds, unknown when one is unknown", () => {
  const groups: Array<{ bolt: string; group: string; topics: string[]; committed: Record<string, number> }> = [
    { bolt: "transactions", group: "btc-transactions-standby", topics: ["t"], committed: { [T]: 20 } },
    { bolt: "volume", group: "btc-volume-standby", topics: ["u"], committed: { [U]: 9 } },
  ];
  const lag = clusterLag("standby", groups, h, 5000);
  expect(lag).toEqual({
    cluster: "standby",
    bolts: [
      { bolt: "transactions", group: "btc-transactions-standby", lag: 10, behindS: 3 },
      { bolt: "volume", group: "btc-volume-standby", lag: 0, behindS: 0 },
    ],
    lag: 10,
    behindS: 3,
  });
  const lost = clusterLag("primary", [{ ...groups[0]!, committed: {} }], h, 5000);
  expect(lost.behindS).toBeNull();
  expect(lost.lag).toBe(30);
});
