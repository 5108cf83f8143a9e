// The CPU budget of a bench result: what the pipeline's own CPU per transaction, measured during the drain, allows on
// this machine's cores, against the raw `_bulk` measured in the same run. It says why a ratio target (issue 18:
// 0.7 of the raw `_bulk`) can or cannot be met here: the raw `_bulk` has every core for Elasticsearch, the pipeline
// shares them with the brokers and the bolts. Pure: docs/bench.md's and the README's rows (bench-readme.ts).

import { threadsRow } from "./bench-es-threads.ts";
import type { BenchResult } from "./bench-report.ts";

export type Budget = {
  cores: number;
  /** CPU s per 1,000 tx during the drain: Elasticsearch's JVMs, the brokers, the bolts */
  es: number;
  brokers: number;
  bolts: number;
  /** Elasticsearch's CPU s per 1,000 documents in the raw `_bulk` */
  esRaw: number;
  rawDocsPerS: number;
  /** tx/s the cores allow at the measured cost, 100% busy, and that as a ratio of the raw `_bulk` */
  capTxPerS: number;
  capRatio: number;
  /** the same if Elasticsearch did no more per transaction than in the raw `_bulk` */
  capRatioEsAsRaw: number;
  /** CPU s per 1,000 tx the whole pipeline may cost for `target` of the raw `_bulk`, and Elasticsearch's share of
   * it with the brokers and bolts as measured */
  totalAllowed: number;
  esAllowed: number;
};

const sumOf = (o: Record<string, number>, f: (k: string) => boolean) =>
  Object.entries(o).reduce((a, [k, v]) => (f(k) ? a + v : a), 0);

/** The budget of a result's median run (undefined for results older than the steady-state bench). */
export function budgetOf(r: BenchResult, target = 0.7): Budget | undefined {
  const per = r.pipeline.cpu_s_per_1000_tx as Record<string, number> | undefined;
  const raw = r.elasticsearch.raw_bulk.es_cpu_s_per_1000_docs as Record<string, number> | undefined;
  if (!per || !raw) return undefined;
  const cores = r.machine.nproc;
  const es = sumOf(per, (k) => k.startsWith("elasticsearch"));
  const brokers = sumOf(per, (k) => k.startsWith("kafka"));
  const bolts = sumOf(per, (k) => k.startsWith("bolt:"));
  const esRaw = sumOf(raw, () => true);
  const rawDocsPerS = r.elasticsearch.raw_bulk.docs_per_s;
  if (!rawDocsPerS) return undefined;
  const capTxPerS = (cores * 1000) / (es + brokers + bolts);
  return {
    cores,
    es,
    brokers,
    bolts,
    esRaw,
    rawDocsPerS,
    capTxPerS,
    capRatio: capTxPerS / rawDocsPerS,
    capRatioEsAsRaw: (cores * 1000) / (esRaw + brokers + bolts) / rawDocsPerS,
    totalAllowed: (cores * 1000) / (target * rawDocsPerS),
    esAllowed: (cores * 1000) / (target * rawDocsPerS) - brokers - bolts,
  };
}

const n2 = (x: number) => x.toFixed(2);
const n3 = (x: number) => x.toFixed(3);

/** The budget as one table row: [what, figures]. */
export function budgetRow(b: Budget, target = 0.7): [string, string] {
  return [
    `CPU budget of the drain on ${b.cores} cores, CPU s per 1,000 tx: Elasticsearch + brokers + bolts`,
    `${n3(b.es)} + ${n3(b.brokers)} + ${n3(b.bolts)} = ${n3(b.es + b.brokers + b.bolts)}: at most ${Math.round(b.capTxPerS).toLocaleString("en-US")} tx/s with the machine 100% busy, ${n2(b.capRatio)} of the raw \`_bulk\` (${n2(b.capRatioEsAsRaw)} if Elasticsearch did only the raw \`_bulk\`'s ${n3(b.esRaw)}); ${target} needs ${n3(b.totalAllowed)} in all, so Elasticsearch under ${n3(Math.max(0, b.esAllowed))} with the brokers and bolts as measured`,
  ];
}

type Step = NonNullable<BenchResult["steps"]>[number];

/** A paced step's CPU per transaction published (ms): the bench's publisher (the producers' routing and client,
 * standing in for the producers; the bench's own instruments apart when measured: its reference sums, and the
 * simulated feed's making, which stands in for blockchain.info), Elasticsearch, the brokers, the bolts; the tx/s the
 * cores allow at `busy` (0.7) of the machine for the platform's work; and the machine's busy percentage without the
 * instruments. Undefined when nothing was published or the usage was not sampled. */
export function stepBudget(s: Step, cores: number, busy = 0.7) {
  const programs = s.usage?.programs ?? [];
  const tx = s.published_tx_per_s * s.seconds;
  if (!tx || programs.length === 0) return undefined;
  const ms = (f: (name: string) => boolean) =>
    (programs.filter((p) => f(p.program)).reduce((a, p) => a + p.cpu_s, 0) * 1000) / tx;
  const reference = ((s.usage?.reference_cpu_s ?? 0) * 1000) / tx; // the bench's check, not the producers' work
  const source = ((s.usage?.source_cpu_s ?? 0) * 1000) / tx; // the simulated feed, not the producers' work
  const publisher = ms((p) => p.startsWith("bench")) - reference - source;
  const es = ms((p) => p.startsWith("elasticsearch"));
  const brokers = ms((p) => p.startsWith("kafka"));
  const bolts = ms((p) => p.startsWith("bolt:"));
  const total = publisher + es + brokers + bolts;
  const { machine_cpu_busy_pct: pct, machine_busy_cpu_s: busyS } = s.usage!;
  const instrumentsS = (s.usage?.reference_cpu_s ?? 0) + (s.usage?.source_cpu_s ?? 0);
  const busyWithoutInstrumentsPct = busyS ? pct * (1 - instrumentsS / busyS) : undefined;
  return {
    publisher,
    reference,
    source,
    es,
    brokers,
    bolts,
    total,
    busy,
    allowedTxPerS: (busy * cores * 1000) / total,
    busyWithoutInstrumentsPct,
  };
}

/** The bench's own instruments measured apart, as the row says them. */
function instrumentsText(b: { source: number; reference: number }): string {
  const parts = [
    ...(b.source ? [`the simulated feed ${n3(b.source)}`] : []),
    ...(b.reference ? [`the reference sums ${n3(b.reference)}`] : []),
  ];
  return parts.length ? ` (and the bench's own: ${parts.join(", ")})` : "";
}

/** The bench's own instruments that were not measured apart, so are inside the publisher's figure (older results). */
function insidePublisher(s: Step): string {
  const inside = [
    ...(s.usage?.reference_cpu_s === undefined ? ["the bench's reference"] : []),
    ...(s.usage?.source_cpu_s === undefined ? ["the simulated feed"] : []),
  ];
  return inside.length ? ` (with ${inside.join(" and ")})` : "";
}

/** The step's budget as one table row. */
export function stepBudgetRow(s: Step, cores: number): [string, string] | undefined {
  const b = stepBudget(s, cores);
  if (!b) return undefined;
  const need = (b.busy * cores * 1000) / s.asked_tx_per_s;
  return [
    `x${s.x}: CPU ms per transaction published: publisher${insidePublisher(s)} + Elasticsearch + brokers + bolts`,
    `${n3(b.publisher)} + ${n3(b.es)} + ${n3(b.brokers)} + ${n3(b.bolts)} = ${n3(b.total)}${instrumentsText(b)}: ${cores} cores ${Math.round(b.busy * 100)}% busy allow ${Math.round(b.allowedTxPerS).toLocaleString("en-US")} tx/s; ${s.asked_tx_per_s.toLocaleString("en-US")} tx/s at ${Math.round(b.busy * 100)}% needs ${n3(need)} in all`,
  ];
}

/** ", N% without the bench's own instruments" when they were measured apart. */
function withoutInstruments(s: Step, cores: number): string {
  const pct = stepBudget(s, cores)?.busyWithoutInstrumentsPct;
  return pct === undefined || s.usage?.source_cpu_s === undefined
    ? ""
    : ` (${Math.round(pct)}% without the bench's simulated feed and reference sums)`;
}

/** The README's rows for each profile's latest result: the drain against the raw `_bulk`, the budget, the paced
 * x10 freshness and x1000 (docs/bench.md has the whole tables). */
export function summaryTable(results: Partial<Record<string, BenchResult>>): string {
  const rows: string[] = [];
  for (const [profile, r] of Object.entries(results)) {
    if (!r) continue;
    const runs = r.runs ? ` (${r.runs.map((x) => n2(x.ratio_to_es_raw_bulk)).join(", ")})` : "";
    const day = r.date.slice(0, 10);
    rows.push(
      `| ${profile}, ${day}: a backlog drained, against the raw \`_bulk\` of the same documents, median of ${r.runs?.length ?? 1}${runs} | ${Math.round(r.pipeline.tx_per_s ?? 0).toLocaleString("en-US")} tx/s, **${n2(r.pipeline.ratio_to_es_raw_bulk)}** |`,
    );
    const b = budgetOf(r);
    if (b) rows.push(`| ${profile}: ${budgetRow(b).join(" | ")} |`);
    for (const t of threadsRow(r)) rows.push(`| ${profile}: ${t.join(" | ")} |`);
    for (const s of r.steps ?? []) {
      if (s.freshness)
        rows.push(
          `| ${profile}: freshness at x${s.x}, p99, count and BTC / EUR | ${s.freshness.count_btc_ms.p99} / ${s.freshness.eur_ms.p99} ms (machine ${s.usage?.machine_cpu_busy_pct ?? "?"}% busy) |`,
        );
      if (s.x !== 1000) continue;
      rows.push(
        `| ${profile}: x1000 for ${s.seconds} s | ${s.published_tx_per_s.toLocaleString("en-US")} of ${s.asked_tx_per_s.toLocaleString("en-US")} tx/s, lag ${s.lag.bounded ? "bounded" : "growing"}, figures ${s.exact ? "exact" : "NOT exact"}, machine ${s.usage?.machine_cpu_busy_pct ?? "?"}% busy${withoutInstruments(s, r.machine.nproc)} |`,
      );
      const sb = stepBudgetRow(s, r.machine.nproc);
      if (sb) rows.push(`| ${profile}: ${sb.join(" | ")} |`);
    }
  }
  return ["| `make bench` on this machine | measured |", "|---|---|", ...rows].join("\n");
}
