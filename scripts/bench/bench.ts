// make bench: how fast the pipeline goes, as ratios of this machine's own ceilings measured in the same run.
// Ceilings: Kafka's own kafka-producer-perf-test / kafka-consumer-perf-test (records of the bench's average size,
// idempotent, acks=all), the project's kafkajs client alone, and a raw `_bulk` of exactly the documents the
// pipeline wrote, into an index with the same mapping and settings. Pipeline: the prices, transactions and volume
// bolts (real processes), from the first transaction published to every hour complete with EUR; freshness at rest
// (p50/p95/p99); CPU and memory of each program. Results: bench-results/<profile>-<date>.json and
// bench-results/latest-<profile>.json. Works in its own namespaces on the running clusters (make up first).
// Reads: BENCH_TX (records, default 20000), BENCH_TIMEOUT_S (default 1800: exit 1 naming the step), BENCH_STANDBY
// (1: the standby cluster's bolts run too, their lag per step measured; needs ES_STANDBY=1 and make up), the usual
// KAFKA_* / ES_* variables, KAFKA_HOME.

import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { indicesOf, loadConfig, topicsOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { fatal } from "../lib/log.ts";
import { REAL_TX_PER_SECOND } from "../simulator/simulator.ts";
import { consumeAll, esBulkCeiling, produce, readBack } from "./bench-ceilings.ts";
import { consumerPerf, kafkaHome, producerPerf } from "./bench-kafka-tools.ts";
import { freshness, runPipeline, startBolts } from "./bench-pipeline.ts";
import { clusterProcs, sampleUsage, stopChildren } from "./bench-procs.ts";
import { type BenchResult, latency, machineFacts, printReport, writeResults } from "./bench-report.ts";
import { abandon, armTimeout, benchRecords, cleanup, namespace, standbyOf, state, step } from "./bench-setup.ts";
import { parseSteps, runSteps } from "./bench-steps.ts";

const FRESHNESS_SAMPLES = 20;

const perS = (n: number, ms: number) => Math.round((n * 1000) / ms);

async function main() {
  const n = Number(process.env.BENCH_TX || 20_000);
  const timeoutS = Number(process.env.BENCH_TIMEOUT_S || 1800);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_TX=${process.env.BENCH_TX}: expected a whole number >= 1`);
  if (!(timeoutS > 0)) throw new Error(`BENCH_TIMEOUT_S=${process.env.BENCH_TIMEOUT_S}: expected a positive number`);
  const timer = armTimeout(timeoutS);
  const date = new Date().toISOString();
  console.log(`btc-realtime bench: ${n} simulated transactions, profile ${loadConfig().profile}, limit ${timeoutS} s`);
  step("namespaces: topics and indices");
  const ceil = await namespace("ceiling");
  const pipe = await namespace("pipeline");
  const records = benchRecords(pipe, n);
  const size = Math.round(records.reduce((s, m) => s + Buffer.byteLength(String(m.value)), 0) / n);
  step(`Kafka ceiling: ProducerPerformance, ${n} records of ${size} bytes`);
  const producer_perf = await producerPerf(ceil, topicsOf(ceil).transactions, n, size);
  step("Kafka: ProducerPerformance with the bench records, gzip, 1 MB batches (as kafkajs sends)");
  const payloadFile = join(tmpdir(), `${pipe.namespace}-payload.txt`);
  writeFileSync(payloadFile, `${records.map((m) => String(m.value)).join("\n")}\n`);
  const producer_perf_like_kafkajs = await producerPerf(ceil, topicsOf(ceil).blocks, n, size, { payloadFile });
  rmSync(payloadFile);
  step("Kafka ceiling: ConsumerPerformance");
  const consumer_perf = await consumerPerf(ceil, topicsOf(ceil).transactions, n);
  step("kafkajs: produce and consume");
  const produceMs = await produce(ceil, topicsOf(ceil).bpi, records);
  const consumeMs = await consumeAll(ceil, topicsOf(ceil).bpi, n);
  const standby = process.env.BENCH_STANDBY === "1" ? await standbyOf(pipe) : undefined;
  step(`pipeline: starting the bolts${standby ? " (and the standby's)" : ""}`);
  const bolts = await startBolts(pipe, standby);
  const progs = [
    ...bolts.procs.map((b) => ({ name: b.name, pid: b.proc.pid })),
    { name: "bench (kafkajs, polls)", pid: process.pid },
  ];
  step("pipeline with EUR");
  const usage = sampleUsage([...progs, ...clusterProcs()]);
  const run = await runPipeline(pipe, records, (d) => {
    state.detail = d;
  });
  const use = usage.stop();
  step("Elasticsearch ceiling: reading back the pipeline's documents");
  const docs = await readBack(pipe, indicesOf(pipe).rawTransactions);
  if (docs.length !== n) throw new Error(`the pipeline wrote ${docs.length} raw documents for ${n} transactions`);
  step(`freshness: ${FRESHNESS_SAMPLES} single transactions`);
  const fresh = await freshness(pipe, records[0]!, FRESHNESS_SAMPLES);
  const steps = parseSteps(process.env.BENCH_STEPS || "1:30,10:120,100:60,1000:300");
  step(`paced steps: ${steps.map((s) => `x${s.x} ${s.seconds} s`).join(", ")}`);
  const paced = await runSteps(
    pipe,
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
  step(`Elasticsearch ceiling: raw _bulk of ${docs.length} documents`);
  const raw_bulk = await esBulkCeiling(ceil, indicesOf(ceil).rawTransactions, docs);
  const txPerS = (n * 1000) / run.ms;
  const kafkajs = perS(n, produceMs);
  const jar = readdirSync(join(kafkaHome(), "libs")).find((f) => /^kafka-clients-.+\.jar$/.test(f));
  const nodes = await esClient(pipe).nodes.info({ filter_path: "nodes.*.version" });
  const esVersion = [...new Set(Object.values(nodes.nodes ?? {}).map((x) => x.version))].join(", ");
  const result: BenchResult = {
    date,
    profile: pipe.profile,
    n,
    machine: {
      ...machineFacts(),
      kafka: jar?.replace(/^kafka-clients-|\.jar$/g, ""),
      elasticsearch: esVersion,
    },
    kafka: {
      producer_perf,
      producer_perf_like_kafkajs,
      consumer_perf,
      kafkajs_produce: {
        records: n,
        ms: Math.round(produceMs),
        records_per_s: kafkajs,
        compression: "gzip",
        batch: 1000,
      },
      kafkajs_consume: { records: n, ms: Math.round(consumeMs), records_per_s: perS(n, consumeMs) },
      topics: {
        partitions: pipe.kafka.partitions,
        replication: pipe.kafka.replication,
        min_insync: pipe.kafka.minInsync,
      },
    },
    elasticsearch: {
      raw_bulk: { ...raw_bulk, shards: pipe.es.shards, replicas: pipe.es.replicas, refresh: "one at the end" },
    },
    pipeline: {
      ...run,
      tx: n,
      tx_per_s: Math.round(txPerS),
      ratio_to_es_raw_bulk: txPerS / raw_bulk.docs_per_s,
      ratio_to_kafka_producer_perf: txPerS / producer_perf.records_per_s,
      ratio_to_kafka_producer_perf_gzip: txPerS / producer_perf_like_kafkajs.records_per_s,
      ratio_to_kafkajs_produce: txPerS / kafkajs,
      usage: use,
    },
    freshness: { from_ack_ms: latency(fresh.fromAck), from_send_ms: latency(fresh.fromSend) },
    steps: paced,
    velocity: paced.map((p) => ({
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
