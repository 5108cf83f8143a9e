import { expect, test } from "bun:test";
import { deadLetterLines, emptyTally, foldLetter, type Letter, planRead, summaryOf, unreadOf } from "./dead-letters.ts";

const T = "t-p3-btc-dead-letters";
const ID = "8a46902b-5451-44f0-b722-54e2730caf66";
const letter = (offset: number, bolt: string, reason: string, at: number): Letter => ({
  offset: String(offset),
  timestamp: String(at),
  headers: { "dlq-bolt": Buffer.from(bolt), "dlq-reason": Buffer.from(reason), "dlq-at": Buffer.from(String(at)) },
});

test("a first read plans every partition from its log start; what retention deleted before is counted apart", () => {
  const { tally, ranges } = planRead(emptyTally(T), T, ID, { 0: 0, 1: 4, 2: 0 }, { 0: 3, 1: 6, 2: 0 });
  expect(ranges).toEqual({ 0: { from: 0, to: 3 }, 1: { from: 4, to: 6 } });
  expect(tally.deleted).toBe(4);
  expect(unreadOf(tally, { 0: 3, 1: 6, 2: 0 })).toBe(5);
});

test("each bolt counted by its dlq-bolt header, the newest reason kept; a record read twice counts once", () => {
  const { tally } = planRead(emptyTally(T), T, ID, { 0: 0, 1: 0 }, { 0: 3, 1: 1 });
  foldLetter(tally, 0, letter(0, "transactions", "not JSON", 100));
  foldLetter(tally, 0, letter(1, "transactions", "output 0 value -5 is negative", 300));
  foldLetter(tally, 1, letter(0, "prices", "price is zero", 200));
  foldLetter(tally, 0, letter(1, "transactions", "output 0 value -5 is negative", 300)); // fetched again
  foldLetter(tally, 0, letter(2, "transactions", "late in the log, older dlq-at", 50));
  expect(summaryOf(tally, { 0: 3, 1: 1 })).toEqual({
    bolts: [
      { bolt: "prices", count: 1, newestAt: 200, newestReason: "price is zero" },
      { bolt: "transactions", count: 3, newestAt: 300, newestReason: "output 0 value -5 is negative" },
    ],
    deleted: 0,
    unread: 0,
  });
});

test("the next call reads only what is new; a re-created topic or another topic starts over", () => {
  const first = planRead(emptyTally(T), T, ID, { 0: 0 }, { 0: 2 }).tally;
  foldLetter(first, 0, letter(0, "volume", "not an hour", 1));
  foldLetter(first, 0, letter(1, "volume", "not an hour", 2));
  const again = planRead(first, T, ID, { 0: 0 }, { 0: 5 });
  expect(again.ranges).toEqual({ 0: { from: 2, to: 5 } });
  expect(again.tally.bolts.volume!.count).toBe(2);
  expect(first.next).toEqual({ 0: 2 }); // the previous tally is left as it was
  expect(planRead(first, T, ID, { 0: 0 }, { 0: 2 }).ranges).toEqual({});
  const deletedSince = planRead(first, T, ID, { 0: 4 }, { 0: 5 });
  expect([deletedSince.tally.deleted, deletedSince.ranges]).toEqual([2, { 0: { from: 4, to: 5 } }]);
  const recreated = planRead(first, T, ID, { 0: 0 }, { 0: 1 });
  expect([recreated.tally.bolts, recreated.ranges]).toEqual([{}, { 0: { from: 0, to: 1 } }]);
  expect(planRead(first, "other", ID, { 0: 0 }, { 0: 2 }).tally.bolts).toEqual({});
});

test("make status prints per bolt its count and newest reason, on one line, with what is unread or deleted", () => {
  const s = {
    bolts: [{ bolt: "prices", count: 2, newestAt: Date.UTC(2026, 0, 1), newestReason: "not JSON:\n\u001b[31m" }],
    deleted: 3,
    unread: 1,
  };
  const lines = deadLetterLines(5, s, Date.UTC(2026, 0, 1) + 61_000);
  expect(lines[0]).toBe("  dead letters: 5");
  expect(lines[1]).toBe("    prices                2  newest 2026-01-01T00:00:00.000Z (61 s ago): not JSON: [31m");
  expect(lines.slice(2)).toEqual([
    "    3 deleted by retention before they were read (bolt unknown)",
    "    1 not read yet (the read ran out of time: run make status again)",
  ]);
  expect(deadLetterLines(null, null)).toEqual(["  dead letters: unknown"]);
  expect(deadLetterLines(1, { bolts: [], deleted: 0, unread: 1, error: "t: Kafka gave no topic id" })[1]).toBe(
    "    1 not read yet (not read: t: Kafka gave no topic id: run make status again)",
  );
});

test("a re-created topic (another topic id) starts over even when its offsets are past what was read", () => {
  const first = planRead(emptyTally(T), T, ID, { 0: 0 }, { 0: 5 }).tally;
  for (let i = 0; i < 5; i++) foldLetter(first, 0, letter(i, "transactions", "old run", i));
  expect(first.topicId).toBe(ID);
  expect(planRead(first, T, ID, { 0: 0 }, { 0: 8 }).ranges).toEqual({ 0: { from: 5, to: 8 } });
  const recreated = planRead(first, T, "2f9c0c1e-0000-4000-8000-000000000001", { 0: 0 }, { 0: 8 });
  expect(recreated.ranges).toEqual({ 0: { from: 0, to: 8 } });
  expect(recreated.tally.bolts).toEqual({});
  expect(recreated.tally.topicId).toBe("2f9c0c1e-0000-4000-8000-000000000001");
  // a tally saved before topic ids were kept starts over once
  const { topicId: _, ...old } = first;
  expect(planRead(old, T, ID, { 0: 0 }, { 0: 8 }).ranges).toEqual({ 0: { from: 0, to: 8 } });
});
