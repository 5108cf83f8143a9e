import { expect, test } from "bun:test";
import {
  bytes,
  decodeMeta,
  encodeMeta,
  lagOf,
  newestUsable,
  resetPlan,
  retentionDeletes,
  snapshotName,
  snapshotPrefix,
} from "./backup-plan.ts";
import { sharedRepoPath } from "./repository.ts";

test("snapshot names: the namespace's prefix and the UTC time, lowercase, sortable", () => {
  const at = new Date(Date.UTC(2026, 11, 6, 10, 50, 0, 123));
  expect(snapshotName("", at)).toBe("btc-2026-12-06t10-50-00-123z");
  expect(snapshotName("t-x", at)).toBe("t-x-btc-2026-12-06t10-50-00-123z");
  expect(snapshotName("t-x", at).startsWith(snapshotPrefix(""))).toBe(false); // production never lists a test's
});

test("the bolts' offsets go into the metadata and come back; too many are refused; others' snapshots are ignored", () => {
  const meta = { ns: "t-x", suffix: "", at: 1, offsets: { prices: [-1, 0, 12], volume: [1_000_000_000_000, 5] } };
  expect(decodeMeta(JSON.parse(JSON.stringify(encodeMeta(meta))))).toEqual(meta);
  const nine = Array.from({ length: 9 }, () => 999_999_999_999);
  const five = { prices: nine, transactions: nine, blocks: nine, volume: nine, miners: nine };
  expect(() => encodeMeta({ ...meta, ns: "a-long-test-namespace-name", offsets: five })).not.toThrow();
  const thirty = Array.from({ length: 30 }, () => 999_999); // TOPIC_PARTITIONS=30: too many for the metadata
  expect(() =>
    encodeMeta({
      ...meta,
      offsets: { prices: thirty, transactions: thirty, blocks: thirty, volume: thirty, miners: thirty },
    }),
  ).toThrow(/1024/);
  expect(decodeMeta(undefined)).toBeUndefined();
  expect(decodeMeta({ taken_by: "someone" })).toBeUndefined();
  expect(decodeMeta({ btc: 1, ns: "", at: 1, o: { prices: "1,x" } })).toBeUndefined();
});

test("retention keeps the newest successful snapshots, deletes the rest, never one running", () => {
  const rows = [
    { name: "a", state: "SUCCESS", startMs: 1 },
    { name: "b", state: "FAILED", startMs: 2 },
    { name: "c", state: "SUCCESS", startMs: 3 },
    { name: "d", state: "PARTIAL", startMs: 4 },
    { name: "e", state: "SUCCESS", startMs: 5 },
    { name: "f", state: "IN_PROGRESS", startMs: 6 },
  ];
  expect(retentionDeletes(rows, 2).sort()).toEqual(["a", "b", "d"]);
  expect(retentionDeletes(rows, 10).sort()).toEqual(["b", "d"]);
  expect(retentionDeletes([{ name: "x", state: "FAILED", startMs: 1 }], 1)).toEqual([]);
  expect(newestUsable(rows)?.name).toBe("e");
});

test("a restore resumes each group at the recorded offsets; what Kafka deleted is named, new partitions start", () => {
  const topicOf = (b: string) => `topic-${b}`;
  const logs = {
    "topic-prices": [
      { low: 0, high: 10 },
      { low: 0, high: 4 },
    ],
    "topic-volume": [
      { low: 5, high: 20 },
      { low: 0, high: 3 },
      { low: 2, high: 9 },
    ],
  };
  const plan = resetPlan({ prices: [7, -1], volume: [3, 30] }, topicOf, logs);
  expect(plan.moves).toEqual([
    {
      bolt: "prices",
      topic: "topic-prices",
      partitions: [
        { partition: 0, offset: 7 },
        { partition: 1, offset: 0 },
      ],
    },
    {
      bolt: "volume",
      topic: "topic-volume",
      partitions: [
        { partition: 0, offset: 5 },
        { partition: 1, offset: 0 },
        { partition: 2, offset: 2 },
      ],
    },
  ]);
  expect(plan.lost).toEqual(["topic-volume partition 0: the snapshot resumes at 3, Kafka's log starts at 5"]);
  expect(plan.notes.join()).toMatch(/partition 1 ends at 3, below the snapshot's 30/);
  expect(plan.replay).toBe(3 + 4 + 15 + 3 + 7);
  expect(lagOf({ prices: [7, -1] }, topicOf, logs)).toBe(3 + 4);
});

test("the repository's folder is the one path.repo every node has, or the message says what to do", () => {
  expect(sharedRepoPath({ a: { name: "es1", repo: ["/s"] }, b: { name: "es2", repo: ["/s"] } })).toBe("/s");
  const missing = sharedRepoPath({ a: { name: "es1", repo: ["/s"] }, b: { name: "es2" } });
  expect(String(missing)).toMatch(/es2 have no path\.repo.*restart them one at a time/);
  expect(String(sharedRepoPath({ a: { name: "es1", repo: ["/s"] }, b: { name: "e2", repo: ["/t"] } }))).toMatch(
    /ES_SNAPSHOT_DIR/,
  );
  expect(bytes(999)).toBe("999 B");
  expect(bytes(1_234_567)).toBe("1.2 MB");
});
