import { expect, test } from "bun:test";
import { schedule, summarize } from "./bench-kafka-clients-rows.ts";

test("for each compression, the client that goes first alternates from one repetition to the next", () => {
  const runs = schedule(4);
  expect(runs.map((r) => `${r.rep} ${r.compression}`)).toEqual(
    [1, 2, 3, 4].flatMap((rep) => [`${rep} none`, `${rep} gzip`]),
  );
  for (const compression of ["none", "gzip"]) {
    const firsts = runs.filter((r) => r.compression === compression).map((r) => r.order[0]);
    expect(firsts).toEqual(["kafkajs", "platformatic", "kafkajs", "platformatic"]);
  }
});

test("the medians are per client and compression", () => {
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
  expect(summarize(rows)).toEqual({
    "kafkajs gzip": { produce_records_per_s: 20, consume_records_per_s: 200, produce_cpu_ms: 1, consume_cpu_ms: 1 },
  });
});
