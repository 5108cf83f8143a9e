// The results of `make bench`: the machine they were measured on, written as JSON to
// bench-results/<profile>-<date>.json and bench-results/latest-<profile>.json, and a short report on the console
// ending with docs/bench.md's table (machine and date in its header). Speeds are compared only as ratios of figures
// measured in the same run.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { writeChart } from "./bench-chart.ts";
import type { Usage } from "./bench-procs.ts";
import { RESULTS_DIR, readmeTable } from "./bench-readme.ts";

/** Nearest-rank percentile of `xs` (p in 0-100). */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

export const latency = (xs: number[]) => ({
  p50: percentile(xs, 50),
  p95: percentile(xs, 95),
  p99: percentile(xs, 99),
  samples_ms: xs,
});

export function machineFacts() {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {}
  const nproc = Number(Bun.spawnSync(["nproc"]).stdout.toString().trim()) || cpus().length;
  return { nproc, mem_total_mb: Math.round(totalmem() / 1_048_576), cpu_model: model, bun: Bun.version };
}

type Rate = { records_per_s?: number; docs_per_s?: number; tx_per_s?: number };
export type BenchResult = {
  date: string;
  profile: string;
  n: number;
  machine: ReturnType<typeof machineFacts> & { elasticsearch?: string; kafka?: string };
  kafka: { producer_perf: Rate & Record<string, unknown>; consumer_perf: Rate & Record<string, unknown> } & Record<
    string,
    Rate & Record<string, unknown>
  >;
  elasticsearch: { raw_bulk: Rate & Record<string, unknown> };
  pipeline: Rate & {
    ms: number;
    ratio_to_es_raw_bulk: number;
    ratio_to_kafka_producer_perf: number;
    ratio_to_kafka_producer_perf_gzip: number;
    ratio_to_client_produce?: number;
    ratio_to_kafkajs_produce?: number; // before 2026-12-06
    usage: { programs: Usage[]; machine_cpu_busy_pct: number; machine_busy_cpu_s: number; others_cpu_s: number };
  } & Record<string, unknown>;
  /** every measurement of the run (BENCH_RUNS); the report's figures are the median one's */
  runs?: Array<Record<string, unknown> & { run: number; ratio_to_es_raw_bulk: number }>;
  freshness: { from_ack_ms: ReturnType<typeof latency>; from_send_ms: ReturnType<typeof latency> };
  steps?: Array<{
    x: number;
    seconds: number;
    asked_tx_per_s: number;
    published_tx_per_s: number;
    lag: { max: number; last: number; slope_per_s: number; bounded: boolean; samples: number[][] };
    drain_ms: number;
    exact: boolean;
    freshness?: { count_btc_ms: ReturnType<typeof latency>; eur_ms: ReturnType<typeof latency> };
    standby?: { lag: { max: number; bounded: boolean }; behind_s_max: number; drain_ms: number; exact: boolean };
    /** reference_cpu_s: the bench's reference sums, inside the publisher's CPU (since 2026-12-06); source_cpu_s: the
     * simulated feed's making, inside it too (since 2026-12-07) */
    usage: {
      programs: Usage[];
      machine_cpu_busy_pct: number;
      machine_busy_cpu_s?: number;
      reference_cpu_s?: number;
      source_cpu_s?: number;
    };
  }>;
  velocity: Array<{ x: number; needs_tx_per_s: number; keeps_up: boolean }>;
};

/** The project's own clients' rates: the producers' (@platformatic/kafka since 2026-12-06; before it, kafkajs's
 * figures were under kafkajs_produce) and the bolts' (kafkajs). */
export function clientRates(k: Record<string, (Rate & Record<string, unknown>) | undefined>) {
  const produce = k.client_produce ?? k.kafkajs_produce;
  return {
    producer: k.client_produce ? "@platformatic/kafka" : "kafkajs",
    consumer: "kafkajs",
    produce: produce?.records_per_s,
    consume: (k.client_consume ?? k.kafkajs_consume)?.records_per_s,
  };
}

/** How the bench records were compressed in ProducerPerformance's run like the producers' (its props; results
 * before KAFKA_COMPRESSION were gzip). */
export function likeProducersCompression(k: Record<string, unknown>): string {
  const props = (k.producer_perf_like_kafkajs as { props?: string[] } | undefined)?.props ?? [];
  return props.find((p) => p.startsWith("compression.type="))?.split("=")[1] ?? "gzip";
}

/** Write the JSON files; returns their paths. */
export function writeResults(r: BenchResult): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = r.date.replace(/\.\d+Z$/, "Z").replaceAll(":", "-");
  const files = [join(RESULTS_DIR, `${r.profile}-${stamp}.json`), join(RESULTS_DIR, `latest-${r.profile}.json`)];
  for (const f of files) writeFileSync(f, `${JSON.stringify(r, null, 2)}\n`);
  return [...files, writeChart(files[1]!)]; // the chart of the latest; any other: bun scripts/bench/bench-chart.ts <json>
}

const fmt = (x: number | undefined) => (x === undefined ? "?" : Math.round(x).toLocaleString("en-US"));
const line = (what: string, v: string) => console.log(`${what.padEnd(62)} ${v}`);

export function printReport(r: BenchResult): void {
  const k = r.kafka;
  const p = r.pipeline;
  const f = r.freshness.from_ack_ms;
  console.log("");
  line("Kafka ceiling: ProducerPerformance (idempotent, acks=all)", `${fmt(k.producer_perf.records_per_s)} records/s`);
  line(
    `  same, the bench records, ${likeProducersCompression(k)}, 1 MB batches`,
    `${fmt(k.producer_perf_like_kafkajs?.records_per_s)} records/s`,
  );
  line("Kafka ceiling: ConsumerPerformance (fetch)", `${fmt(k.consumer_perf.records_per_s)} records/s`);
  const c = clientRates(k);
  line(`${c.producer} (the producers' client): produce, idempotent, acks=all`, `${fmt(c.produce)} records/s`);
  line(`${c.consumer} (the bolts' client): consume`, `${fmt(c.consume)} records/s`);
  line(
    "Elasticsearch ceiling: raw _bulk of the pipeline's documents",
    `${fmt(r.elasticsearch.raw_bulk.docs_per_s)} docs/s`,
  );
  line("pipeline with EUR: first published -> every hour complete", `${fmt(p.tx_per_s)} tx/s`);
  line("  pipeline / Elasticsearch raw _bulk", p.ratio_to_es_raw_bulk.toFixed(2));
  line("  pipeline / Kafka ProducerPerformance", p.ratio_to_kafka_producer_perf.toFixed(2));
  line(
    `  pipeline / Kafka ProducerPerformance, ${likeProducersCompression(k)}, 1 MB batches`,
    p.ratio_to_kafka_producer_perf_gzip.toFixed(2),
  );
  line(
    `  pipeline / ${c.producer} produce`,
    (p.ratio_to_client_produce ?? p.ratio_to_kafkajs_produce ?? NaN).toFixed(2),
  );
  line("freshness at rest (ack -> hour searchable), p50 / p95 / p99", `${f.p50} / ${f.p95} / ${f.p99} ms`);
  const use = p.usage;
  console.log(
    `\nduring the pipeline run: machine CPU busy ${use.machine_cpu_busy_pct}%, other processes ${use.others_cpu_s} CPU s`,
  );
  for (const u of p.usage.programs)
    console.log(
      `  ${u.program.padEnd(22)} ${u.cpu_s.toFixed(1).padStart(7)} CPU s  ${String(u.max_rss_mb).padStart(6)} MB max RSS`,
    );
  const pw = (p as { es_work?: { per_1000_tx: Record<string, number> } }).es_work;
  const bw = (r.elasticsearch.raw_bulk as { es_work?: { per_1000_tx: Record<string, number> } }).es_work;
  if (pw && bw) {
    console.log("\nElasticsearch's own statistics per 1,000 transactions: the pipeline's drain / the raw _bulk");
    for (const k of Object.keys(pw.per_1000_tx))
      console.log(`  ${k.padEnd(24)} ${String(pw.per_1000_tx[k]).padStart(10)} / ${String(bw.per_1000_tx[k])}`);
  }
  for (const v of r.velocity)
    console.log(
      `velocity x${v.x}: needs ${v.needs_tx_per_s} tx/s: ${v.keeps_up ? "keeps up" : "falls behind (Kafka buffers it)"}`,
    );
  console.log(`\n${readmeTable(r)}`);
}
