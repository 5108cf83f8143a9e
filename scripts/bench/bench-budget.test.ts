import { expect, test } from "bun:test";
import { stepBudget, stepBudgetRow } from "./bench-budget.ts";

const step = (reference_cpu_s?: number, source_cpu_s?: number) =>
  ({
    x: 1000,
    seconds: 100,
    asked_tx_per_s: 7000,
    published_tx_per_s: 5000,
    usage: {
      machine_cpu_busy_pct: 90,
      machine_busy_cpu_s: 180,
      reference_cpu_s,
      source_cpu_s,
      programs: [
        { program: "bench (publisher, polls)", pid: 1, cpu_s: 60, max_rss_mb: 1 },
        { program: "elasticsearch#1", pid: 2, cpu_s: 50, max_rss_mb: 1 },
        { program: "kafka-9092", pid: 3, cpu_s: 10, max_rss_mb: 1 },
        { program: "bolt:transactions", pid: 4, cpu_s: 20, max_rss_mb: 1 },
        { program: "bolt:volume", pid: 5, cpu_s: 5, max_rss_mb: 1 },
      ],
    },
  }) as never;

test("a step's CPU per transaction published, the bench's own reference apart, and what 70% of the cores allow", () => {
  const b = stepBudget(step(10), 2)!;
  // 500,000 tx: publisher (60 - 10) s, Elasticsearch 50 s, brokers 10 s, bolts 25 s
  expect([b.publisher, b.reference, b.es, b.brokers, b.bolts].map((x) => Math.round(x * 1e6) / 1e6)).toEqual([
    0.1, 0.02, 0.1, 0.02, 0.05,
  ]);
  expect(b.total).toBeCloseTo(0.27, 10);
  expect(Math.round(b.allowedTxPerS)).toBe(5185); // 0.7 * 2,000 ms / 0.27
  expect(stepBudgetRow(step(10), 2)![1]).toContain("(and the bench's own: the reference sums 0.020)");
  expect(stepBudgetRow(step(), 2)![0]).toContain("publisher (with the bench's reference and the simulated feed) +");
  expect(stepBudget({ ...(step() as object), published_tx_per_s: 0 } as never, 2)).toBeUndefined();
});

test("the simulated feed's making is the bench's own too: apart from the publisher and from the machine's busy time", () => {
  const b = stepBudget(step(10, 20), 2)!;
  // publisher (60 - 10 - 20) s over 500,000 tx; 30 of the machine's 180 busy CPU s were the bench's instruments
  expect(Math.round(b.publisher * 1e6) / 1e6).toBe(0.06);
  expect(Math.round(b.source * 1e6) / 1e6).toBe(0.04);
  expect(b.busyWithoutInstrumentsPct).toBeCloseTo(75, 10);
  expect(stepBudgetRow(step(10, 20), 2)![1]).toContain(
    "(and the bench's own: the simulated feed 0.040, the reference sums 0.020)",
  );
  expect(stepBudgetRow(step(10), 2)![0]).toContain("publisher (with the simulated feed)");
});
