// make bench: how fast the pipeline goes in the steady state, as ratios of this machine's own ceilings measured in
// the same run. BENCH_RUNS measurements (bench-run.ts), each in fresh namespaces: Kafka's own
// kafka-producer-perf-test / kafka-consumer-perf-test (records of the bench's average size, idempotent, acks=all),
// the project's kafkajs client, the pipeline (prices, transactions and volume bolts, real processes) draining a
// backlog of BENCH_TX transactions to every hour complete with EUR, and a raw `_bulk` of exactly the documents it
// wrote into an index with the same mapping and settings; CPU seconds per 1,000 transactions of every program,
// Elasticsearch's JVMs included. The median run (by the pipeline's ratio to the raw `_bulk`) is the report, every
// run is kept. Then freshness at rest and the paced steps (x1 ... x1000) on fresh bolts. Results:
// bench-results/<profile>-<date>.json and bench-results/latest-<profile>.json. Works in its own namespaces on the
// running clusters (make up first). Reads: BENCH_TX (records; empty: 250000 on the full profile, 500000 on the
// small one), BENCH_RUNS (3), BENCH_TIMEOUT_S (default 5400: exit 1 naming the step), BENCH_STEPS, BENCH_STANDBY (1:
// the standby cluster's bolts run too during the paced steps, their lag measured; needs ES_STANDBY=1 and make up),
// the usual KAFKA_* / ES_* variables, KAFKA_HOME.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { fatal } from "../lib/log.ts";
import { onShutdown } from "../lib/shutdown.ts";
import { REAL_TX_PER_SECOND } from "../simulator/simulator.ts";
import { kafkaHome } from "./bench-kafka-tools.ts";
import { freshness, startBolts } from "./bench-pipeline.ts";
import { clusterProcs, stopChildren } from "./bench-procs.ts";
import { type BenchResult, latency, machineFacts, printReport, writeResults } from "./bench-report.ts";
import { measure, medianBy } from "./bench-run.ts";
import {
  abandon,
  armTimeout,
  benchRecords,
  cleanup,
  namespace,
  otherTopics,
  standbyOf,
  state,
  step,
} from "./bench-setup.ts";
import { parseSteps, runSteps } from "./bench-steps.ts";

const FRESHNESS_SAMPLES = 20;

/** A whole number >= 1 from the environment, or its default; refused with the variable's name. */
function wholeEnv(name: string, fallback: number): number {
  const v = process.env[name] ? Number(process.env[name]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name}=${process.env[name]}: expected a whole number >= 1`);
  return v;
}

async function main() {
  const profile = loadConfig().profile;
  const n = wholeEnv("BENCH_TX", profile === "full" ? 250_000 : 500_000);
  const runs = wholeEnv("BENCH_RUNS", 3);
  const timeoutS = wholeEnv("BENCH_TIMEOUT_S", 5400);
  const timer = armTimeout(timeoutS);
  onShutdown("stop the bench's bolts, drop its namespaces", abandon); // Ctrl-C leaves nothing running
  const date = new Date().toISOString();
  console.log(`btc-realtime bench: ${runs} x ${n} transactions, profile ${profile}, limit ${timeoutS} s`);
  const others = await otherTopics(loadConfig({ ...process.env, BTC_NAMESPACE: "" }));
  if (others.topics > 0)
    console.log(
      `  warning: the cluster holds ${others.topics} other topics (${others.partitions} partitions) beside the platform's, ` +
        `e.g. ${others.names.slice(0, 3).join(", ")}: their replicas cost the brokers CPU on every send and are measured too ` +
        "(docs/bench.md, 'A clean cluster')",
    );
  const measured = [];
  for (let i = 1; i <= runs; i++) {
    const m = await measure(n, `run ${i}/${runs}`);
    console.log(
      `  run ${i}: pipeline ${m.pipeline.tx_per_s} tx/s, raw _bulk ${m.raw_bulk.docs_per_s} docs/s, ratio ${m.pipeline.ratio_to_es_raw_bulk.toFixed(2)}`,
    );
    measured.push(m);
  }
  const median = medianBy(measured, (m) => m.pipeline.ratio_to_es_raw_bulk);
  step("freshness and paced steps: namespace and bolts");
  const paced = await namespace("paced");
  const standby = process.env.BENCH_STANDBY === "1" ? await standbyOf(paced) : undefined;
  const bolts = await startBolts(paced, standby);
  const progs = [
    ...bolts.procs.map((b) => ({ name: b.name, pid: b.proc.pid })),
    { name: "bench (publisher, polls)", pid: process.pid },
  ];
  step(`freshness: ${FRESHNESS_SAMPLES} single transactions`);
  const fresh = await freshness(paced, benchRecords(paced, 1)[0]!, FRESHNESS_SAMPLES);
  const steps = parseSteps(process.env.BENCH_STEPS || "1:30,10:120,100:60,1000:300");
  step(`paced steps: ${steps.map((s) => `x${s.x} ${s.seconds} s`).join(", ")}`);
  const stepResults = await runSteps(
    paced,
    steps,
    [...progs, ...clusterProcs()],
    Number(process.env.BENCH_PRICE_EVERY_S || 5),
    (d) => {
      state.detail = d;
      console.log(`  ${d}`);
    },
    standby,
  );
  step("stopping the bolts");
  await stopChildren();
  const jar = readdirSync(join(kafkaHome(), "libs")).find((f) => /^kafka-clients-.+\.jar$/.test(f));
  const nodes = await esClient(paced).nodes.info({ filter_path: "nodes.*.version" });
  const esVersion = [...new Set(Object.values(nodes.nodes ?? {}).map((x) => x.version))].join(", ");
  const result: BenchResult = {
    date,
    profile,
    n,
    machine: { ...machineFacts(), kafka: jar?.replace(/^kafka-clients-|\.jar$/g, ""), elasticsearch: esVersion },
    kafka: {
      ...median.kafka,
      other_topics_at_start: others,
      topics: {
        partitions: paced.kafka.partitions,
        replication: paced.kafka.replication,
        min_insync: paced.kafka.minInsync,
      },
    },
    elasticsearch: { raw_bulk: median.raw_bulk },
    pipeline: { ...median.pipeline, mode: "backlog drained, bolts started after publishing" },
    runs: measured.map((m, i) => ({
      run: i + 1,
      pipeline_tx_per_s: m.pipeline.tx_per_s,
      raw_bulk_docs_per_s: m.raw_bulk.docs_per_s,
      ratio_to_es_raw_bulk: m.pipeline.ratio_to_es_raw_bulk,
      producer_perf_records_per_s: m.kafka.producer_perf.records_per_s,
      consumer_perf_records_per_s: m.kafka.consumer_perf.records_per_s,
      pipeline_ms: m.pipeline.ms,
      machine_cpu_busy_pct: m.pipeline.usage.machine_cpu_busy_pct,
      cpu_s_per_1000_tx: m.pipeline.cpu_s_per_1000_tx,
      raw_bulk_es_cpu_s_per_1000_docs: m.raw_bulk.es_cpu_s_per_1000_docs,
    })),
    freshness: { from_ack_ms: latency(fresh.fromAck), from_send_ms: latency(fresh.fromSend) },
    steps: stepResults,
    velocity: stepResults.map((p) => ({
      x: p.x,
      needs_tx_per_s: REAL_TX_PER_SECOND * p.x,
      keeps_up: p.lag.bounded && p.exact && p.published_tx_per_s >= 0.95 * p.asked_tx_per_s,
    })),
  };
  step("cleaning up");
  await cleanup();
  clearTimeout(timer);
  printReport(result);
  console.log(`\nresults: ${writeResults(result).join(", ")}`);
  process.exit(0);
}

if (import.meta.main)
  main().catch(async (e) => {
    if (state.abandoned) return; // the time limit is stopping the bench
    console.error(`bench failed during "${state.step}"`);
    await abandon();
    fatal(e);
  });
