import { expect, test } from "bun:test";
import { balancedPlan, loadOf, type Placement, verifyProgress } from "./reassign-plan.ts";

/** 9 partitions of 2 topics, replication 3, on brokers 1-3 (as topics.ts creates them). */
const placements: Placement[] = ["a", "b"].flatMap((topic) =>
  Array.from({ length: 9 }, (_, partition) => ({
    topic,
    partition,
    replicas: [1, 2, 3].map((_, i) => ((partition + i) % 3) + 1),
  })),
);
const apply = (ps: Placement[], plan: Placement[]) =>
  ps.map((p) => plan.find((q) => q.topic === p.topic && q.partition === p.partition) ?? p);

test("a fourth broker gets an even share with the fewest moves, replication kept, no broker twice", () => {
  const plan = balancedPlan(placements, [1, 2, 3, 4]);
  const after = apply(placements, plan);
  const load = [...loadOf(after, [1, 2, 3, 4]).values()];
  expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(1);
  expect(load.reduce((s, l) => s + l, 0)).toBe(54);
  for (const p of after) expect(new Set(p.replicas).size).toBe(3);
  // 54 replicas over 4 brokers: 13 or 14 move to broker 4, one replica per moved partition.
  expect(plan.length).toBeGreaterThanOrEqual(13);
  expect(plan.length).toBeLessThanOrEqual(14);
});

test("every topic gets its share of the new broker, not only the first ones listed (the traffic is per topic)", () => {
  // Six topics as a namespace has them: 162 replicas, about 40 move; each topic's 27 replicas end 7/7/7/6.
  const six: Placement[] = ["a", "b", "c", "d", "e", "f"].flatMap((topic) =>
    placements.filter((p) => p.topic === "a").map((p) => ({ ...p, topic })),
  );
  const after = apply(six, balancedPlan(six, [1, 2, 3, 4]));
  for (const topic of ["a", "b", "c", "d", "e", "f"]) {
    const load = [
      ...loadOf(
        after.filter((p) => p.topic === topic),
        [1, 2, 3, 4],
      ).values(),
    ];
    expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(1);
  }
  const load = [...loadOf(after, [1, 2, 3, 4]).values()];
  expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(1);
  for (const p of after) expect(new Set(p.replicas).size).toBe(3);
});

test("draining a broker moves every replica it holds and nothing else than needed", () => {
  const four = apply(placements, balancedPlan(placements, [1, 2, 3, 4]));
  const plan = balancedPlan(four, [1, 2, 3]);
  const after = apply(four, plan);
  expect(after.some((p) => p.replicas.includes(4))).toBe(false);
  expect(plan.length).toBe(four.filter((p) => p.replicas.includes(4)).length);
  for (const p of after) expect(new Set(p.replicas).size).toBe(3);
});

test("a balanced cluster needs no move; a drain below the replication factor is refused", () => {
  expect(balancedPlan(placements, [1, 2, 3])).toEqual([]);
  expect(() => balancedPlan(placements, [1, 2])).toThrow("replication 3 needs 3 brokers");
});

test("the tool's --verify output read as progress", () => {
  const out =
    "Status of partition reassignment:\nReassignment of partition a-0 is completed.\nReassignment of partition a-1 is still in progress.\n";
  expect(verifyProgress(out)).toEqual({ done: 1, moving: ["a-1"], elsewhere: [] });
  const gone = "There is no active reassignment of partition b-1, but replica set is  rather than 2,3,1.\n";
  expect(verifyProgress(gone)).toEqual({ done: 1, moving: [], elsewhere: [] });
  const moved = "There is no active reassignment of partition b-2, but replica set is 1,2,3 rather than 2,3,4.\n";
  expect(verifyProgress(moved)).toEqual({ done: 0, moving: [], elsewhere: ["b-2"] });
});
