import { expect, test } from "bun:test";
import { BOLTS, type BoltHealth } from "./health-figures.ts";
import { boltLines, waitingLine, waitingLines } from "./pipeline-report.ts";

const bolt = (name: string, lag: number | null, rate: number | null = 2): BoltHealth => ({
  bolt: name,
  group: `btc-${name}`,
  topics: [],
  lag,
  rate,
  lost: lag === null ? null : 0,
  unknown: lag === null ? { why: "no answer from Kafka within 5000 ms (end offsets)" } : undefined,
});

test("every bolt has its line; an unknown lag says unknown and why, and the section is not ok", () => {
  const known = boltLines({ bolts: BOLTS.map((b) => bolt(b, 0)) });
  expect(known.ok).toBe(true);
  expect(known.lines).toHaveLength(5);
  const r = boltLines({ bolts: BOLTS.map((b) => bolt(b, b === "prices" ? 3 : null, b === "prices" ? 0 : null)) });
  expect(r.ok).toBe(false);
  expect(r.lines[0]).toBe("  prices         lag        3  0.0 msg/s  (group btc-prices)");
  expect(r.lines[1]).toMatch(/STUCK: 3 records/);
  expect(r.lines[2]).toBe("  transactions   lag  unknown  - msg/s  (group btc-transactions)");
  expect(r.lines[3]).toBe("    UNKNOWN: no answer from Kafka within 5000 ms (end offsets)");
  expect(r.lines.filter((l) => l.includes(" lag "))).toHaveLength(5);
  expect(r.lines.join("\n")).not.toMatch(/lag +0 /);
  expect(boltLines({ bolts: [] }).ok).toBe(false);
});

test("waiting for a price: unknown when unread, 'at least' while its bolts lag or their lag is unknown", () => {
  const all = (lag: number | null) => BOLTS.map((b) => bolt(b, lag));
  expect(waitingLine("transactions", { n: 0 }, all(0))).toBe("  transactions waiting for a price: 0");
  expect(waitingLine("blocks", { n: 2, since: "2026-01-01" }, all(0))).toBe(
    "  blocks waiting for a price: 2 (the oldest in the period of 2026-01-01)",
  );
  expect(waitingLine("transactions", { error: "btc-volume: timeout" }, all(0))).toBe(
    "  transactions waiting for a price: unknown (btc-volume: timeout)",
  );
  expect(waitingLine("transactions", { n: 0 }, all(null))).toBe(
    "  transactions waiting for a price: at least 0; more may wait: lag unknown for transactions, volume",
  );
  const behind = all(0).map((b) => (b.bolt === "transactions" ? bolt("transactions", 19_000) : b));
  expect(waitingLine("transactions", { n: 5 }, behind)).toBe(
    "  transactions waiting for a price: at least 5; not counted yet: transactions has 19000 records to read",
  );
  expect(waitingLine("blocks", { n: 1 }, behind)).toBe("  blocks waiting for a price: 1");
  expect(waitingLine("blocks", { n: 1 }, [])).toMatch(/at least 1; more may wait/);
  expect(waitingLines({ transactions: { n: 0 }, blocks: { error: "x" } }, { bolts: all(0) }).ok).toBe(false);
});
