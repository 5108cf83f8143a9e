import { expect, test } from "bun:test";
import { parseRead, verdict } from "./kafka-fault-verdict.ts";

const read = (keys: string[]) => keys.map((key, offset) => ({ key, partition: 0, offset }));

test("a console-consumer line gives the record's partition, offset and key", () => {
  expect(parseRead("Partition:4\tOffset:17\tabc")).toEqual({ partition: 4, offset: 17, key: "abc" });
  expect(parseRead("Processed a total of 3 messages")).toBeUndefined();
});

test("acknowledged records must be in the topic exactly once; rejected ones may or may not be", () => {
  const sends = [
    { keys: ["a", "b"], ok: true, ms: 40, at: 0 },
    { keys: ["c"], ok: false, ms: 10_000, at: 300, error: "timeout" },
    { keys: ["d"], ok: true, ms: 50, at: 40_000 },
  ];
  const good = verdict(sends, read(["a", "b", "c", "d"]), 35_000, 10_000);
  expect(good).toMatchObject({ pass: true, missing: 0, duplicated: 0, rejected_but_written: 1, acked_records: 3 });
  const bad = verdict(sends, read(["a", "a", "d"]), 35_000, 10_000);
  expect(bad).toMatchObject({ pass: false, missing: 1, duplicated: 1 });
  expect(bad.duplicated_by_send[0]).toMatchObject({ send: 0, records: 1 });
});

test("a send slower than the bound, or no acknowledged send after the fault, fails", () => {
  const slow = [{ keys: ["a"], ok: true, ms: 12_001, at: 36_000 }];
  expect(verdict(slow, read(["a"]), 35_000, 10_000).pass).toBe(false);
  const never = [{ keys: ["a"], ok: true, ms: 10, at: 0 }];
  expect(verdict(never, read(["a"]), 35_000, 10_000)).toMatchObject({ pass: false, acked_sends_after_fault: 0 });
});
