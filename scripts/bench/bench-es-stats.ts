// What Elasticsearch did during a part of `make bench`, from its own statistics (`_nodes/stats/indices`, summed over
// the nodes, every index: run the bench alone): documents indexed and the time spent indexing, searches (query and
// fetch phases), gets, refreshes (all, and those asked by clients: `refresh=wait_for` and `_refresh`), merges, and
// the shard-level bulk requests (one per bulk per shard copy: their count says how many documents a bulk carried).
// Taken before and after the pipeline's drain and the raw `_bulk`, the difference per 1,000 transactions shows
// where the pipeline makes Elasticsearch work harder than a plain bulk of the same documents (issue 18, point 3).

import type { Config } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";

/** Each counter and where `_nodes/stats/indices` keeps it (section, field). */
const COUNTERS = {
  index_total: ["indexing", "index_total"],
  index_ms: ["indexing", "index_time_in_millis"],
  query_total: ["search", "query_total"],
  query_ms: ["search", "query_time_in_millis"],
  fetch_total: ["search", "fetch_total"],
  fetch_ms: ["search", "fetch_time_in_millis"],
  get_total: ["get", "total"],
  get_ms: ["get", "time_in_millis"],
  refresh_total: ["refresh", "total"],
  refresh_ms: ["refresh", "total_time_in_millis"],
  external_refresh_total: ["refresh", "external_total"],
  merge_total: ["merges", "total"],
  merge_ms: ["merges", "total_time_in_millis"],
  shard_bulk_total: ["bulk", "total_operations"],
  shard_bulk_ms: ["bulk", "total_time_in_millis"],
} as const;
export const ES_WORK_FIELDS = Object.keys(COUNTERS) as (keyof typeof COUNTERS)[];
export type EsWork = Record<keyof typeof COUNTERS, number>;

type NodeIndices = Record<string, Record<string, number> | undefined>;

/** One node's counters as EsWork (missing counters are 0). */
export function workOf(i: NodeIndices): EsWork {
  return Object.fromEntries(ES_WORK_FIELDS.map((k) => [k, i[COUNTERS[k][0]]?.[COUNTERS[k][1]] ?? 0])) as EsWork;
}

/** `after` - `before`, and that per 1,000 transactions (3 decimals). */
export function workBetween(before: EsWork, after: EsWork, n: number) {
  const delta = Object.fromEntries(ES_WORK_FIELDS.map((k) => [k, after[k] - before[k]])) as EsWork;
  const per = Object.fromEntries(ES_WORK_FIELDS.map((k) => [k, Math.round((delta[k] * 1e6) / n) / 1000]));
  return { total: delta, per_1000_tx: per as EsWork };
}

/** The cluster's counters now, summed over its nodes. */
export async function esWork(cfg: Config): Promise<EsWork> {
  const r = (await esClient(cfg).nodes.stats({ metric: "indices" })) as {
    nodes: Record<string, { indices: NodeIndices }>;
  };
  const sum = Object.fromEntries(ES_WORK_FIELDS.map((k) => [k, 0])) as EsWork;
  for (const node of Object.values(r.nodes)) {
    const w = workOf(node.indices);
    for (const k of ES_WORK_FIELDS) sum[k] += w[k];
  }
  return sum;
}
