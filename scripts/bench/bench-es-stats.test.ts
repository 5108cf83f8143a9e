import { expect, test } from "bun:test";
import { workBetween, workOf } from "./bench-es-stats.ts";

test("a node's statistics read as counters, missing ones 0; the difference per 1,000 transactions", () => {
  const before = workOf({
    indices: { indexing: { index_total: 100, index_time_in_millis: 50 }, refresh: { total: 4 } },
  });
  expect(before.index_total).toBe(100);
  expect(before.merge_total).toBe(0);
  const after = workOf({
    indices: {
      indexing: { index_total: 2100, index_time_in_millis: 1050 },
      refresh: { total: 24, external_total: 10 },
      search: { query_total: 500 },
      bulk: { total_operations: 8 },
    },
    jvm: { gc: { collectors: { young: { collection_count: 3, collection_time_in_millis: 40 } } } },
  });
  const w = workBetween(before, after, 2000);
  expect(w.total.index_total).toBe(2000);
  expect(w.per_1000_tx.index_ms).toBe(500);
  expect(w.per_1000_tx.refresh_total).toBe(10);
  expect(w.per_1000_tx.query_total).toBe(250);
  expect(w.total.shard_bulk_total).toBe(8);
  expect(w.total.gc_young_ms).toBe(40);
  expect(w.total.gc_old_ms).toBe(0);
});
