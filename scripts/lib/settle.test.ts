import { expect, test } from "bun:test";
import type { KafkaMessage } from "kafkajs";
import type { Slice } from "./consume.ts";
import { KafkaSendError, SendTimeout } from "./reliable-producer.ts";
import { isTransient, settleSlice } from "./settle.ts";

const sliceOf = (n: number): Slice => ({
  topic: "t",
  partition: 0,
  messages: Array.from(
    { length: n },
    (_, i) => ({ offset: String(i), key: null, value: Buffer.from(`m${i}`) }) as KafkaMessage,
  ),
});
const fast = { tries: 3, pause: async () => {} };

test("a record that fails every time is isolated and dead-lettered with its reason; the others are handled", async () => {
  const handled = new Set<string>();
  let runs = 0;
  const rejected = await settleSlice(
    sliceOf(10),
    async (s) => {
      runs++;
      if (s.messages.some((m) => m.offset === "6")) throw new Error("period of 10,001 blocks");
      for (const m of s.messages) handled.add(m.offset);
      return [];
    },
    fast,
  );
  expect(rejected.map((r) => r.offset)).toEqual(["6"]);
  expect(rejected[0]!.reason).toContain("period of 10,001 blocks");
  expect(rejected[0]!.reason).toContain("failed 3 times");
  expect([...handled].sort()).toEqual(["0", "1", "2", "3", "4", "5", "7", "8", "9"]);
  expect(runs).toBeLessThan(30);
});

test("rejects of the parts are kept, in order", async () => {
  const rejected = await settleSlice(
    sliceOf(4),
    async (s) => {
      if (s.messages.some((m) => m.offset === "3")) throw new Error("bad");
      return s.messages.filter((m) => m.offset === "0").map((m) => ({ ...s, ...m, reason: "not JSON" }));
    },
    fast,
  );
  expect(rejected.map((r) => [r.offset, r.reason.slice(0, 8)])).toEqual([
    ["0", "not JSON"],
    ["3", "slice fa"],
  ]);
});

test("an error that passes is retried on the whole slice, nothing dead-lettered", async () => {
  let runs = 0;
  const rejected = await settleSlice(
    sliceOf(5),
    async () => {
      if (++runs < 3) throw new Error("once or twice");
      return [];
    },
    fast,
  );
  expect(rejected).toEqual([]);
  expect(runs).toBe(3);
});

test("Kafka or Elasticsearch unavailable is waited for, however long: never the record's fault", async () => {
  let runs = 0;
  const errors = [
    new SendTimeout("send took too long"),
    new KafkaSendError("send to t failed: MultipleErrors: Producing messages failed"),
    Object.assign(new Error("broker gone"), { name: "KafkaJSConnectionError" }),
    Object.assign(new Error("timeout"), { name: "TimeoutError" }),
    Object.assign(new Error("busy"), { meta: { statusCode: 503 } }),
    Object.assign(new Error("written by others 10 times"), { transient: true }),
  ];
  const rejected = await settleSlice(
    sliceOf(1),
    async () => {
      const e = errors[runs++];
      if (e) throw e;
      return [];
    },
    fast,
  );
  expect(rejected).toEqual([]);
  expect(runs).toBe(errors.length + 1);
  for (const e of errors) expect(isTransient(e)).toBe(true);
  expect(isTransient(new Error("period of 10,001 blocks"))).toBe(false);
  expect(
    isTransient(
      Object.assign(new Error("x"), {
        meta: { statusCode: 400, body: { error: { type: "too_many_buckets_exception" } } },
      }),
    ),
  ).toBe(false);
});

test("a fatal error stops at once", async () => {
  let runs = 0;
  const fatal = Object.assign(new Error("credentials refused"), { fatal: true });
  await expect(
    settleSlice(
      sliceOf(3),
      async () => {
        runs++;
        throw fatal;
      },
      fast,
    ),
  ).rejects.toBe(fatal);
  expect(runs).toBe(1);
});
