// What Elasticsearch did during a part of `make bench`, from its own statistics (`_nodes/stats/indices`, summed over
// the nodes, every index: run the bench alone): documents indexed and the time spent indexing, searches (query and
// fetch phases), gets, refreshes (all, and those asked by clients: `refresh=wait_for` and `_refresh`), merges.
// Taken before and after the pipeline's drain and the raw `_bulk`, the difference per 1,000 transactions shows
// where the pipeline makes Elasticsearch work harder than a plain bulk of the same documents (issue 18, point 3).

import type { Config } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";

export const ES_WORK_FIELDS = [
  "index_total",
  "index_ms",
  "query_total",
  "query_ms",
  "fetch_total",
  "fetch_ms",
  "get_total",
  "get_ms",
  "refresh_total",
  "refresh_ms",
  "external_refresh_total",
  "merge_total",
  "merge_ms",
] as const;
export type EsWork = Record<(typeof ES_WORK_FIELDS)[number], number>;

type NodeIndices = {
  indexing?: { index_total?: number; index_time_in_millis?: number };
  search?: { query_total?: number; query_time_in_millis?: number; fetch_total?: number; fetch_time_in_millis?: number };
  get?: { total?: number; time_in_millis?: number };
  refresh?: { total?: number; total_time_in_millis?: number; external_total?: number };
  merges?: { total?: number; total_time_in_millis?: number };
};

/** One node's counters as EsWork (missing counters are 0). */
export function workOf(i: NodeIndices): EsWork {
  return {
    index_total: i.indexing?.index_total ?? 0,
    index_ms: i.indexing?.index_time_in_millis ?? 0,
    query_total: i.search?.query_total ?? 0,
    query_ms: i.search?.query_time_in_millis ?? 0,
    fetch_total: i.search?.fetch_total ?? 0,
    fetch_ms: i.search?.fetch_time_in_millis ?? 0,
    get_total: i.get?.total ?? 0,
    get_ms: i.get?.time_in_millis ?? 0,
    refresh_total: i.refresh?.total ?? 0,
    refresh_ms: i.refresh?.total_time_in_millis ?? 0,
    external_refresh_total: i.refresh?.external_total ?? 0,
    merge_total: i.merges?.total ?? 0,
    merge_ms: i.merges?.total_time_in_millis ?? 0,
  };
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
