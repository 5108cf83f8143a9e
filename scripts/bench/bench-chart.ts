// The chart of a `make bench` result: one self-contained HTML page (inline SVG, no script, no network) beside the
// JSON, bench-results/latest-<profile>.html: the rates measured in the run as bars (the ceilings and the pipeline),
// and for each paced step the consumer lag over time with the rate asked. Usage: written by bench.ts, or
// `bun scripts/bench/bench-chart.ts bench-results/latest-full.json` to draw it again from a results file.

import { readFileSync, writeFileSync } from "node:fs";
import { fatalOrUsage, toolArgs } from "../lib/args.ts";
import { likeProducersCompression } from "./bench-report.ts";

type StepLike = { x: number; asked_tx_per_s: number; published_tx_per_s: number; exact: boolean };
type ResultLike = {
  date: string;
  profile: string;
  machine: { nproc: number; cpu_model: string };
  steps?: Array<StepLike & { lag: { bounded: boolean; max: number; samples: number[][] } }>;
};

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Horizontal bars, one per [label, value]. */
export function barsSvg(bars: Array<[string, number]>, unit: string): string {
  const max = Math.max(1, ...bars.map(([, v]) => v));
  const rows = bars.map(([label, v], i) => {
    const w = Math.round((v / max) * 420);
    return `<text x="0" y="${i * 26 + 16}">${esc(label)}</text><rect x="330" y="${i * 26 + 4}" width="${w}" height="16" fill="#4a7fb5"/><text x="${336 + w}" y="${i * 26 + 16}">${fmt(v)} ${unit}</text>`;
  });
  return `<svg width="900" height="${bars.length * 26 + 8}" font-family="sans-serif" font-size="12">${rows.join("")}</svg>`;
}

/** The lag of a step over time ([s, transactions group, volume group] samples), as polylines on a 600 x 160 plot. */
export function lagSvg(samples: number[][]): string {
  const tMax = Math.max(1, ...samples.map(([t]) => t!));
  const yMax = Math.max(1, ...samples.flatMap(([, ...ys]) => ys));
  const line = (k: number, color: string) => {
    const pts = samples.map(
      (s) => `${60 + Math.round((s[0]! / tMax) * 540)},${170 - Math.round(((s[k] ?? 0) / yMax) * 160)}`,
    );
    return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.join(" ")}"/>`;
  };
  return `<svg width="620" height="190" font-family="sans-serif" font-size="11"><line x1="60" y1="170" x2="600" y2="170" stroke="#999"/><line x1="60" y1="10" x2="60" y2="170" stroke="#999"/><text x="0" y="14">${fmt(yMax)}</text><text x="0" y="170">0</text><text x="560" y="186">${fmt(tMax)} s</text><text x="70" y="186" fill="#c0392b">transactions group</text><text x="200" y="186" fill="#27ae60">volume group</text>${line(1, "#c0392b")}${line(2, "#27ae60")}</svg>`;
}

/** The whole page for a result object (the JSON bench.ts writes). */
export function chartHtml(r: ResultLike & Record<string, unknown>): string {
  const get = (path: string) => path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], r);
  const rate = (label: string, path: string): [string, number] => [label, Number(get(path) ?? 0)];
  const bars = [
    rate("Kafka ProducerPerformance", "kafka.producer_perf.records_per_s"),
    rate(
      `Kafka ProducerPerformance, ${likeProducersCompression(get("kafka") as Record<string, unknown>)}, 1 MB`,
      "kafka.producer_perf_like_kafkajs.records_per_s",
    ),
    get("kafka.client_produce")
      ? rate("@platformatic/kafka produce", "kafka.client_produce.records_per_s")
      : rate("kafkajs produce", "kafka.kafkajs_produce.records_per_s"),
    rate("Elasticsearch raw _bulk", "elasticsearch.raw_bulk.docs_per_s"),
    rate("pipeline with EUR", "pipeline.tx_per_s"),
  ];
  const steps = (r.steps ?? []).map(
    (s) =>
      `<h3>x${s.x}: asked ${fmt(s.asked_tx_per_s)} tx/s, published ${fmt(s.published_tx_per_s)} tx/s; lag ${s.lag.bounded ? "bounded" : "GROWING"} (max ${fmt(s.lag.max)} records); figures ${s.exact ? "exact" : "NOT exact"}</h3>${lagSvg(s.lag.samples)}`,
  );
  return `<!doctype html><meta charset="utf-8"><title>btc-realtime bench ${esc(r.profile)} ${esc(r.date)}</title>
<body style="font-family:sans-serif;max-width:960px"><h1>make bench: ${esc(r.profile)} profile, ${esc(r.date)}</h1>
<p>${r.machine.nproc} cores, ${esc(r.machine.cpu_model)}. Every rate below was measured in the same run.</p>
<h2>Ceilings and the pipeline (records or documents per second)</h2>${barsSvg(bars, "/s")}
<h2>Paced steps: consumer lag (transactions + volume groups, records) over time</h2>${steps.join("\n")}
</body>`;
}

/** Write the page beside a results JSON file; returns its path. */
export function writeChart(jsonFile: string): string {
  const out = jsonFile.replace(/\.json$/, ".html");
  writeFileSync(out, chartHtml(JSON.parse(readFileSync(jsonFile, "utf8"))));
  return out;
}

if (import.meta.main) {
  try {
    const usage = "bun scripts/bench/bench-chart.ts [bench-results/latest-full.json]";
    const [file] = toolArgs(usage, {}, { positionals: 1 }).positionals;
    console.log(writeChart(file ?? "bench-results/latest-full.json"));
  } catch (e) {
    fatalOrUsage(e);
  }
}
