// The bench tables of docs/bench.md, generated from the results files (bench-results/latest-<profile>.json) between
// the markers `<!-- bench:<profile> -->` and `<!-- /bench:<profile> -->`, and the README's summary of them
// (`<!-- bench:summary -->`, bench-budget.ts); scripts/bench/bench-readme.test.ts fails when they drift apart. Usage: `bun scripts/bench/bench-readme.ts` rewrites the page's tables.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/config.ts";
import { fatal } from "../lib/log.ts";
import { budgetOf, budgetRow, summaryTable } from "./bench-budget.ts";
import { threadsRow } from "./bench-es-threads.ts";
import { type BenchResult, clientRates, likeProducersCompression } from "./bench-report.ts";

/** Where make bench writes its results (bench-report.ts) and this reads the latest of each profile. */
export const RESULTS_DIR = join(PROJECT_ROOT, "bench-results");

/** The page that holds the bench tables, relative to the project's root. */
export const BENCH_PAGE = "docs/bench.md";

const fmt = (x: number | undefined) => (x === undefined ? "?" : Math.round(x).toLocaleString("en-US"));

/** The table of a result (scripts/bench/bench-readme.ts puts it between the profile's markers in docs/bench.md). */
export function readmeTable(r: BenchResult): string {
  const k = r.kafka;
  const c = clientRates(k);
  const p = r.pipeline;
  const f = r.freshness.from_ack_ms;
  const m = r.machine;
  const rows: Array<[string, string]> = [
    [
      "Kafka ceiling: kafka-producer-perf-test (idempotent, acks=all)",
      `${fmt(k.producer_perf.records_per_s)} records/s`,
    ],
    [
      `same, the bench records, ${likeProducersCompression(k)}, 1 MB batches (as the producers)`,
      `${fmt(k.producer_perf_like_kafkajs?.records_per_s)} records/s`,
    ],
    ["Kafka ceiling: kafka-consumer-perf-test", `${fmt(k.consumer_perf.records_per_s)} records/s`],
    [`${c.producer} produce / ${c.consumer} consume`, `${fmt(c.produce)} / ${fmt(c.consume)} records/s`],
    [
      "Elasticsearch ceiling: raw `_bulk` of the pipeline's documents",
      `${fmt(r.elasticsearch.raw_bulk.docs_per_s)} docs/s`,
    ],
    [
      r.runs
        ? `**pipeline with EUR**: a backlog of ${r.n.toLocaleString("en-US")} tx drained to every hour complete, median of ${r.runs.length} runs (ratios: ${r.runs.map((x) => x.ratio_to_es_raw_bulk.toFixed(2)).join(", ")})`
        : `**pipeline with EUR** (${r.n.toLocaleString("en-US")} tx as fast as they come, to every hour complete)`,
      `**${fmt(p.tx_per_s)} tx/s** (${p.ratio_to_es_raw_bulk.toFixed(2)} of raw \`_bulk\`, ${p.ratio_to_kafka_producer_perf.toFixed(2)} of the Kafka producer)`,
    ],
    ...cpuRows(r),
    [
      "freshness at rest, send acknowledged to the hour searchable, p50 / p95 / p99",
      `${f.p50} / ${f.p95} / ${f.p99} ms`,
    ],
  ];
  for (const s of r.steps ?? []) {
    const lag = `lag max ${fmt(s.lag.max)}, ${s.lag.bounded ? "bounded" : `growing ${fmt(s.lag.slope_per_s)}/s`}`;
    rows.push([
      `paced x${s.x} for ${s.seconds} s (asks ${fmt(s.asked_tx_per_s)} tx/s)`,
      `published ${fmt(s.published_tx_per_s)} tx/s, ${lag}, drained in ${fmt(s.drain_ms / 1000)} s, figures ${s.exact ? "exact" : "NOT exact"}, machine ${fmt(s.usage?.machine_cpu_busy_pct)}% busy`,
    ]);
    if (s.freshness)
      rows.push([
        `freshness at x${s.x}, p50 / p95 / p99: count and BTC / EUR after the next price`,
        `${s.freshness.count_btc_ms.p50} / ${s.freshness.count_btc_ms.p95} / ${s.freshness.count_btc_ms.p99} ms; ${s.freshness.eur_ms.p50} / ${s.freshness.eur_ms.p95} / ${s.freshness.eur_ms.p99} ms`,
      ]);
  }
  const head = `| \`make bench\`, ${r.profile} profile, ${r.date.slice(0, 10)}, ${m.nproc} cores ${m.cpu_model}, ${Math.round(m.mem_total_mb / 1024)} GB | measured in one run |`;
  return [head, "|---|---|", ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join("\n");
}

/** CPU seconds per 1,000 transactions during the median run's drain, per kind of program, Elasticsearch's for the
 * same documents in the raw `_bulk`, and the budget they make (none for results older than the steady-state bench). */
function cpuRows(r: BenchResult): Array<[string, string]> {
  const b = budgetOf(r);
  if (!b) return [];
  const per = r.pipeline.cpu_s_per_1000_tx as Record<string, number>;
  const bolts = Object.keys(per).filter((k) => k.startsWith("bolt:"));
  return [
    [
      "CPU s per 1,000 tx during the drain: Elasticsearch (JVMs) / brokers / each bolt",
      `${b.es.toFixed(2)} / ${b.brokers.toFixed(2)} / ${bolts.map((k) => `${k.slice(5)} ${per[k]!.toFixed(2)}`).join(", ")}`,
    ],
    ["CPU s per 1,000 docs of Elasticsearch in the raw `_bulk`", b.esRaw.toFixed(2)],
    ...esWorkRow(r),
    ...threadsRow(r),
    budgetRow(b),
  ];
}

/** Elasticsearch's own statistics per 1,000 transactions, the drain against the raw `_bulk` (bench-es-stats.ts). */
function esWorkRow(r: BenchResult): Array<[string, string]> {
  type Work = { es_work?: { per_1000_tx: Record<string, number> } };
  const p = (r.pipeline as Work).es_work?.per_1000_tx;
  const b = (r.elasticsearch.raw_bulk as Work).es_work?.per_1000_tx;
  if (!p || !b) return [];
  const keys = [
    "index_ms",
    "query_total",
    "query_ms",
    "refresh_total",
    "refresh_ms",
    "merge_ms",
    "shard_bulk_total",
  ].filter(
    (k) => p[k] !== undefined && b[k] !== undefined, // results older than a counter do not have it
  );
  return [
    [
      "Elasticsearch per 1,000 tx, drain / raw `_bulk` (its `_nodes/stats`)",
      keys.map((k) => `${k} ${p[k]} / ${b[k]}`).join(", "),
    ],
  ];
}

/** `text` with what lies between `<!-- bench:<name> -->` and `<!-- /bench:<name> -->` replaced by `table`. */
function between(text: string, file: string, name: string, table: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a < 0 || b < a) throw new Error(`${file} has no ${open} ... ${close} markers`);
  return `${text.slice(0, a + open.length)}\n${table}\n${text.slice(b)}`;
}

/** The page's text with each profile's table replaced by the one of its latest results (when there are some). */
export function withTables(page: string, results: Partial<Record<string, BenchResult>>): string {
  let out = page;
  for (const [profile, r] of Object.entries(results)) if (r) out = between(out, BENCH_PAGE, profile, readmeTable(r));
  return out;
}

/** The README's text with its summary of the latest results (bench-budget.ts) between `<!-- bench:summary -->`. */
export const withSummary = (readme: string, results: Partial<Record<string, BenchResult>>) =>
  between(readme, "README.md", "summary", summaryTable(results));

export function latestResults(): Partial<Record<string, BenchResult>> {
  const out: Partial<Record<string, BenchResult>> = {};
  for (const profile of ["full", "small"]) {
    const f = join(RESULTS_DIR, `latest-${profile}.json`);
    if (existsSync(f)) out[profile] = JSON.parse(readFileSync(f, "utf8"));
  }
  return out;
}

if (import.meta.main) {
  try {
    const file = join(PROJECT_ROOT, BENCH_PAGE);
    writeFileSync(file, withTables(readFileSync(file, "utf8"), latestResults()));
    const readme = join(PROJECT_ROOT, "README.md");
    writeFileSync(readme, withSummary(readFileSync(readme, "utf8"), latestResults()));
    console.log(`${BENCH_PAGE}, README.md: bench tables regenerated from bench-results/latest-*.json`);
  } catch (e) {
    fatal(e);
  }
}
