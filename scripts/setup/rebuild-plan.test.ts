import { expect, test } from "bun:test";
import { behind, progressLine, refusalLines, trimmed } from "./rebuild-plan.ts";

test("the refusal names the topic, the partition, Kafka's log start and what the index holds from before it", () => {
  const held = [{ topic: "t", partition: 0, start: 6, index: "i", count: 6, earliest: "offset 0" }];
  const lines = refusalLines(held, false);
  expect(lines[0]).toStartWith("refused:");
  expect(lines[1]).toBe(
    "  t partition 0: Kafka's log starts at offset 6; i holds 6 document(s) made from records before it (earliest: offset 0)",
  );
  expect(lines.join("\n")).toContain("REBUILD_ALLOW_LOSS=yes");
  expect(refusalLines(held, true)[0]).toContain("going on");
  expect(refusalLines([], false)).toEqual([]);
  const unplaced = { topic: "b", index: "j", count: 2, earliest: "indexed before issue 8", trimmed: [1, 4] };
  expect(refusalLines([unplaced], false)[1]).toBe(
    "  b partitions 1, 4 no longer start at offset 0; j holds 2 document(s) that do not say where their records are (indexed before issue 8), so they may come from before",
  );
});

test("only partitions whose log no longer starts at 0 are checked", () => {
  const starts = [0, 3, 0, 1].map((start, partition) => ({ topic: "t", partition, start }));
  expect(trimmed(starts).map((s) => s.partition)).toEqual([1, 3]);
});

test("records behind a target: from the committed offset, or the log start when nothing is committed", () => {
  expect(behind({ "t/0": 10, "t/1": 5 }, { "t/0": 4 })).toBe(11);
  expect(behind({ "t/0": 10, "t/1": 5 }, { "t/0": 12, "t/1": -1 }, { "t/1": 3 })).toBe(2);
  expect(progressLine({ prices: 0, volume: 12 }, 65_400)).toBe("    65 s, lag: prices 0, volume 12");
});
