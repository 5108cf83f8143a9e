// The parts of `make bench` that need no cluster: reading Kafka's perf tools' output, percentiles, and what a
// complete hour of btc-volume must hold.
import { expect, test } from "bun:test";
import { centsOf, priceE8Of } from "../domain/pricing.ts";
import { loadConfig } from "../lib/config.ts";
import { parseConsumerPerf, parseProducerPerf } from "./bench-kafka-tools.ts";
import { expectedHours, priceRecord } from "./bench-pipeline.ts";
import { percentile } from "./bench-report.ts";
import { benchRecords } from "./bench-setup.ts";

test("ProducerPerformance: the final summary line, not the progress lines", () => {
  const out = [
    "12001 records sent, 2400.2 records/sec (2.33 MB/sec), 900.1 ms avg latency, 1500.0 ms max latency.",
    "20000 records sent, 8180.000000 records/sec (7.95 MB/sec), 964.80 ms avg latency, 1655.00 ms max latency, 1011 ms 50th, 1582 ms 95th, 1623 ms 99th, 1650 ms 99.9th.",
  ].join("\n");
  expect(parseProducerPerf(out)).toEqual({
    records: 20000,
    records_per_s: 8180,
    mb_per_s: 7.95,
    avg_latency_ms: 964.8,
    max_latency_ms: 1655,
    p50_ms: 1011,
    p95_ms: 1582,
    p99_ms: 1623,
  });
  expect(parseProducerPerf("ERROR something")).toBeUndefined();
});

test("ConsumerPerformance: the header and the line after it", () => {
  const out = [
    "WARN a log line",
    "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
    "2026-11-29 13:38:01:123, 2026-11-29 13:38:02:456, 19.26, 14.45, 20000, 15003.75, 310, 231, 83.4, 86580.0866",
  ].join("\n");
  const row = parseConsumerPerf(out)!;
  expect(row["data.consumed.in.nMsg"]).toBe("20000");
  expect(Number(row["fetch.nMsg.sec"])).toBeCloseTo(86580.0866);
  expect(parseConsumerPerf("start.time, end.time")).toBeUndefined();
});

test("percentiles by nearest rank", () => {
  const xs = Array.from({ length: 20 }, (_, i) => 20 - i);
  expect([percentile(xs, 50), percentile(xs, 95), percentile(xs, 99)]).toEqual([10, 19, 20]);
  expect(percentile([7], 99)).toBe(7);
});

test("a complete hour: every bench transaction counted once and valued at the earlier price", () => {
  const cfg = loadConfig({ BTC_NAMESPACE: "bench-unit" });
  const records = benchRecords(cfg, 500);
  const want = expectedHours([...records, records[0]!], "43123.45");
  const total = [...want.values()].reduce((s, h) => s + h.count, 0);
  expect(total).toBe(500);
  for (const h of want.values()) expect(h.cents).toBe(Number(centsOf(BigInt(h.sat) * BigInt(priceE8Of(43123.45)))));
  const price = priceRecord(cfg, 1_767_225_600_000, "43123.45");
  expect(price.key).toBe("BTC-EUR");
  expect(price.headers).toMatchObject({ feed: "coinbase/spot", "received-at": "1767225600000" });
});
