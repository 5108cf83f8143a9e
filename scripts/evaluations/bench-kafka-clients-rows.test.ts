import { expect, test } from "bun:test";
import { schedule, summarize } from "./bench-kafka-clients-rows.ts";

test("a warm-up repetition first, then gzip as the project sends, the client that goes first alternating", () => {
  const runs = schedule(4);
  expect(runs.map((r) => `${r.rep} ${r.compression}`)).toEqual([0, 1, 2, 3, 4].map((rep) => `${rep} gzip`));
  expect(runs.map((r) => r.order[0])).toEqual(["platformatic", "kafkajs", "platformatic", "kafkajs", "platformatic"]);
});

test("the medians are per client and compression, without the warm-up, with CPU per record", () => {
  const row = {
    rep: 1,
    position: 1,
    produce_ms: 1,
    produce_cpu_ms: 1,
    consume_join_ms: 1,
    consume_cpu_ms: 1,
    load1: 1,
  };
  const rows = [10, 30, 20].map((x) => ({
    ...row,
    client: "kafkajs" as const,
    compression: "gzip" as const,
    produce_records_per_s: x,
    consume_records_per_s: x * 10,
  }));
  const warmup = { ...rows[0]!, rep: 0, produce_records_per_s: 1, produce_cpu_ms: 99 };
  expect(summarize([warmup, ...rows], 1000)).toEqual({
    "kafkajs gzip": {
      produce_records_per_s: 20,
      consume_records_per_s: 200,
      produce_cpu_ms: 1,
      consume_cpu_ms: 1,
      produce_cpu_us_per_record: 1,
      consume_cpu_us_per_record: 1,
    },
  });
});
