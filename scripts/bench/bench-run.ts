// One measurement of `make bench` (it runs BENCH_RUNS of them and reports the median): in fresh namespaces, Kafka's
// own perf tools and the project's kafkajs client at the bench records' size, the pipeline draining a backlog of
// the bench's transactions (published with the bolts stopped, then the bolts started: the steady state, where the
// bolts' start is a few seconds of minutes), and a raw `_bulk` of exactly the documents the pipeline wrote into a
// copy of the index (same mapping and settings). CPU seconds of every program (the bolts, the bench, each broker,
// each Elasticsearch JVM) during the drain and during the raw `_bulk`, also per 1,000 transactions, what
// Elasticsearch did in each (its own statistics: bench-es-stats.ts) and its CPU by kind of thread
// (bench-es-threads.ts).

import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { indicesOf, topicsOf } from "../lib/config.ts";
import { consumeAll, esBulkCeiling, produce, readBack } from "./bench-ceilings.ts";
import { esWork, workBetween } from "./bench-es-stats.ts";
import { sampleEsThreads } from "./bench-es-threads.ts";
import { consumerPerf, producerPerf } from "./bench-kafka-tools.ts";
import { runBacklog, startBolts } from "./bench-pipeline.ts";
import { clusterProcs, sampleUsage, stopChildren, type Usage } from "./bench-procs.ts";
import { benchRecords, cleanup, namespace, state, step } from "./bench-setup.ts";

const PAYLOAD_RECORDS = 20_000;

const perS = (n: number, ms: number) => Math.round((n * 1000) / ms);

/** CPU seconds per 1,000 transactions of each program (2 decimals). */
export const perThousand = (programs: Usage[], n: number) =>
  Object.fromEntries(programs.map((u) => [u.program, Math.round(((u.cpu_s * 1000) / n) * 1000) / 1000]));

/** The median of `xs` by `key` (the lower middle of an even count): the run a report stands for. */
export function medianBy<T>(xs: T[], key: (x: T) => number): T {
  const sorted = [...xs].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export async function measure(n: number, label: string) {
  step(`${label}: namespaces, ${n} records`);
  const ceil = await namespace("ceiling");
  const pipe = await namespace("pipeline");
  const records = benchRecords(pipe, n);
  const size = Math.round(records.reduce((s, m) => s + Buffer.byteLength(String(m.value)), 0) / n);
  step(`${label}: Kafka ceiling, ProducerPerformance, ${n} records of ${size} bytes`);
  const producer_perf = await producerPerf(ceil, topicsOf(ceil).transactions, n, size);
  step(
    `${label}: Kafka, ProducerPerformance with the bench records, ${pipe.kafka.compression}, 1 MB batches (as the producers)`,
  );
  const payloadFile = join(tmpdir(), `${pipe.namespace}-payload.txt`);
  // The tool holds its payload file in its heap and sends a record of it picked at random each time: 20,000 of the
  // bench records are the same mix (250,000 ran it out of its 256 MB heap).
  const payloads = records.slice(0, PAYLOAD_RECORDS).map((m) => String(m.value));
  writeFileSync(payloadFile, `${payloads.join("\n")}\n`);
  const producer_perf_like_kafkajs = await producerPerf(ceil, topicsOf(ceil).blocks, n, size, { payloadFile });
  rmSync(payloadFile);
  step(`${label}: Kafka ceiling, ConsumerPerformance`);
  const consumer_perf = await consumerPerf(ceil, topicsOf(ceil).transactions, n);
  step(`${label}: the producers' client (@platformatic/kafka) and the bolts' (kafkajs), produce and consume`);
  const produceMs = await produce(ceil, topicsOf(ceil).bpi, records);
  const consumeMs = await consumeAll(ceil, topicsOf(ceil).bpi, n);
  step(`${label}: pipeline, a backlog of ${n} transactions drained with EUR`);
  let usage: ReturnType<typeof sampleUsage> | undefined;
  let esThreads: ReturnType<typeof sampleEsThreads> | undefined;
  const es0 = await esWork(pipe);
  const run = await runBacklog(
    pipe,
    records,
    async () => {
      const bolts = await startBolts(pipe);
      const progs = [
        ...bolts.procs.map((b) => ({ name: b.name, pid: b.proc.pid })),
        { name: "bench (publisher, polls)", pid: process.pid },
      ];
      usage = sampleUsage([...progs, ...clusterProcs()]);
      esThreads = sampleEsThreads(clusterProcs());
    },
    (d) => {
      state.detail = d;
    },
  );
  const use = usage!.stop();
  const pipeThreads = esThreads!.stop(n);
  const pipeWork = workBetween(es0, await esWork(pipe), n);
  await stopChildren();
  step(`${label}: Elasticsearch ceiling, reading back the pipeline's documents`);
  const docs = await readBack(pipe, indicesOf(pipe).rawTransactions);
  if (docs.length !== n) throw new Error(`the pipeline wrote ${docs.length} raw documents for ${n} transactions`);
  step(`${label}: Elasticsearch ceiling, raw _bulk of ${docs.length} documents`);
  const esUse = sampleUsage(clusterProcs().filter((p) => p.name.startsWith("elasticsearch")));
  const bulkThreads = sampleEsThreads(clusterProcs());
  const es1 = await esWork(ceil);
  const raw_bulk = await esBulkCeiling(ceil, indicesOf(ceil).rawTransactions, docs);
  const bulkWork = workBetween(es1, await esWork(ceil), n);
  const esCpu = esUse.stop();
  const rawThreads = bulkThreads.stop(n);
  await cleanup(); // this run's topics and indices: three runs of 250,000 documents would fill the disk
  const txPerS = (n * 1000) / run.ms;
  const produced = perS(n, produceMs);
  return {
    kafka: {
      producer_perf,
      producer_perf_like_kafkajs,
      consumer_perf,
      client_produce: {
        client: "@platformatic/kafka (lib/reliable-producer.ts)",
        records: n,
        ms: Math.round(produceMs),
        records_per_s: produced,
        compression: pipe.kafka.compression,
        batch: 1000,
      },
      client_consume: { client: "kafkajs", records: n, ms: Math.round(consumeMs), records_per_s: perS(n, consumeMs) },
    },
    raw_bulk: {
      ...raw_bulk,
      shards: pipe.es.shards,
      replicas: pipe.es.replicas,
      refresh: "the index's own interval, one at the end",
      es_cpu_s: esCpu.programs.reduce((s, u) => s + u.cpu_s, 0),
      es_cpu_s_per_1000_docs: perThousand(esCpu.programs, n),
      es_work: bulkWork,
      es_threads: rawThreads,
    },
    pipeline: {
      ...run,
      tx: n,
      tx_per_s: Math.round(txPerS),
      ratio_to_es_raw_bulk: txPerS / raw_bulk.docs_per_s,
      ratio_to_kafka_producer_perf: txPerS / producer_perf.records_per_s,
      ratio_to_kafka_producer_perf_gzip: txPerS / producer_perf_like_kafkajs.records_per_s,
      ratio_to_client_produce: txPerS / produced,
      usage: use,
      cpu_s_per_1000_tx: perThousand(use.programs, n),
      es_work: pipeWork,
      es_threads: pipeThreads,
    },
  };
}
