// What Elasticsearch did during a part of `make bench`, from its own statistics (`_nodes/stats` indices and jvm,
// summed over the nodes, every index: run the bench alone): documents indexed and the time spent indexing, searches
// (query and fetch phases), gets, refreshes (all, and those asked by clients: `refresh=wait_for` and `_refresh`),
// merges, the shard-level bulk requests (one per bulk per shard copy: their count says how many documents a bulk
// carried), and the JVM's garbage collections (young and old, count and time).
// Taken before and after the pipeline's drain and the raw `_bulk`, the difference per 1,000 transactions shows
// where the pipeline makes Elasticsearch work harder than a plain bulk of the same documents (issue 18, point 3).

import type { Config } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";

/** Each counter and where a node's `_nodes/stats` keeps it. */
const COUNTERS = {
  index_total: ["indices", "indexing", "index_total"],
  index_ms: ["indices", "indexing", "index_time_in_millis"],
  query_total: ["indices", "search", "query_total"],
  query_ms: ["indices", "search", "query_time_in_millis"],
  fetch_total: ["indices", "search", "fetch_total"],
  fetch_ms: ["indices", "search", "fetch_time_in_millis"],
  get_total: ["indices", "get", "total"],
  get_ms: ["indices", "get", "time_in_millis"],
  refresh_total: ["indices", "refresh", "total"],
  refresh_ms: ["indices", "refresh", "total_time_in_millis"],
  external_refresh_total: ["indices", "refresh", "external_total"],
  merge_total: ["indices", "merges", "total"],
  merge_ms: ["indices", "merges", "total_time_in_millis"],
  shard_bulk_total: ["indices", "bulk", "total_operations"],
  shard_bulk_ms: ["indices", "bulk", "total_time_in_millis"],
  gc_young_total: ["jvm", "gc", "collectors", "young", "collection_count"],
  gc_young_ms: ["jvm", "gc", "collectors", "young", "collection_time_in_millis"],
  gc_old_total: ["jvm", "gc", "collectors", "old", "collection_count"],
  gc_old_ms: ["jvm", "gc", "collectors", "old", "collection_time_in_millis"],
} as const;
export const ES_WORK_FIELDS = Object.keys(COUNTERS) as (keyof typeof COUNTERS)[];
export type EsWork = Record<keyof typeof COUNTERS, number>;

/** One node's counters as EsWork (missing counters are 0). */
export function workOf(node: unknown): EsWork {
  const at = (path: readonly string[]) =>
    path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], node);
  return Object.fromEntries(ES_WORK_FIELDS.map((k) => [k, Number(at(COUNTERS[k]) ?? 0)])) as EsWork;
}

/** `after` - `before`, and that per 1,000 transactions (3 decimals). */
export function workBetween(before: EsWork, after: EsWork, n: number) {
  const delta = Object.fromEntries(ES_WORK_FIELDS.map((k) => [k, after[k] - before[k]])) as EsWork;
  const per = Object.fromEntries(ES_WORK_FIELDS.map((k) => [k, Math.round((delta[k] * 1e6) / n) / 1000]));
  return { total: delta, per_1000_tx: per as EsWork };
}

/** The cluster's counters now, summed over its nodes. */
export async function esWork(cfg: Config): Promise<EsWork> {
  const r = (await esClient(cfg).nodes.stats({ metric: ["indices", "jvm"] })) as { nodes: Record<string, unknown> };
  const sum = Object.fromEntries(ES_WORK_FIELDS.map((k) => [k, 0])) as EsWork;
  for (const node of Object.values(r.nodes)) {
    const w = workOf(node);
    for (const k of ES_WORK_FIELDS) sum[k] += w[k];
  }
  return sum;
}
