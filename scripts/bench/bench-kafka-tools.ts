// Kafka's own ceilings for `make bench`: kafka-producer-perf-test and kafka-consumer-perf-test, i.e.
// org.apache.kafka.tools.ProducerPerformance and ConsumerPerformance from the installed jars (KAFKA_HOME/libs), on a
// topic of the bench's namespace (same partitions, replication, min.insync.replicas as the pipeline's), with records
// of the bench's average `utx` size and the producers' guarantees: idempotent, acks=all.

import type { Config } from "../lib/config.ts";
import { kafkaHome } from "../lib/kafka-tools.ts";
import { run } from "./bench-procs.ts";

export { kafkaHome };

export const PRODUCER_CLASS = "org.apache.kafka.tools.ProducerPerformance";
export const CONSUMER_CLASS = "org.apache.kafka.tools.ConsumerPerformance";

const java = (cls: string, args: string[]) => ["java", "-Xmx256m", "-cp", `${kafkaHome()}/libs/*`, cls, ...args];

export type ProducerPerf = {
  records: number;
  records_per_s: number;
  mb_per_s: number;
  avg_latency_ms: number;
  max_latency_ms: number;
  p50_ms?: number;
  p95_ms?: number;
  p99_ms?: number;
};

/** The summary line of ProducerPerformance ("N records sent, R records/sec (M MB/sec), ... ms 99th, ..."). */
export function parseProducerPerf(out: string): ProducerPerf | undefined {
  const re =
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency(?:, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th)?/;
  const lines = out.split("\n").filter((l) => re.test(l));
  const summary = lines.findLast((l) => l.includes("50th")) ?? lines.at(-1);
  const m = summary ? re.exec(summary) : null;
  if (!m) return undefined;
  const n = (i: number) => (m[i] === undefined ? undefined : Number(m[i]));
  return {
    records: n(1)!,
    records_per_s: n(2)!,
    mb_per_s: n(3)!,
    avg_latency_ms: n(4)!,
    max_latency_ms: n(5)!,
    p50_ms: n(6),
    p95_ms: n(7),
    p99_ms: n(8),
  };
}

/** ConsumerPerformance's result: its header line ("start.time, end.time, ...") and the line after it, as a record. */
export function parseConsumerPerf(out: string): Record<string, string> | undefined {
  const lines = out.split("\n").map((l) => l.trim());
  const i = lines.findIndex((l) => l.startsWith("start.time"));
  if (i < 0 || !lines[i + 1]) return undefined;
  const names = lines[i]!.split(/,\s*/);
  const values = lines[i + 1]!.split(/,\s*/);
  if (values.length !== names.length) return undefined;
  return Object.fromEntries(names.map((k, j) => [k, values[j]!]));
}

/** ProducerPerformance: `n` records, unthrottled, idempotent, acks=all. As asked: random records of `size` bytes,
 * no compression, the tool's default batches. `like` = the real records (a payload file, one per line), compressed
 * as the project's producers compress them (KAFKA_COMPRESSION), batches of up to 1 MB. */
export async function producerPerf(
  cfg: Config,
  topic: string,
  n: number,
  size: number,
  like?: { payloadFile: string },
) {
  const props = [
    `bootstrap.servers=${cfg.kafka.brokers.join(",")}`,
    "acks=all",
    "enable.idempotence=true",
    "linger.ms=5",
    ...(like ? [`compression.type=${cfg.kafka.compression}`, "batch.size=1048576"] : ["compression.type=none"]),
  ];
  const payload = like ? ["--payload-file", like.payloadFile] : ["--record-size", String(size)];
  const args = ["--topic", topic, "--num-records", String(n), ...payload, "--throughput", "-1"];
  const r = await run(java(PRODUCER_CLASS, [...args, "--producer-props", ...props]), 600_000);
  const perf = parseProducerPerf(r.stdout);
  if (r.code !== 0 || !perf || perf.records !== n)
    throw new Error(`${PRODUCER_CLASS} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-600)}`);
  return { ...perf, record_size: size, payload: like ? "the bench records" : "random", props: props.slice(1) };
}

/** ConsumerPerformance: read `n` records of `topic` from the start, in a group of the bench's namespace. */
export async function consumerPerf(cfg: Config, topic: string, n: number) {
  const group = `${cfg.namespace}-perf-consumer`;
  const args = ["--bootstrap-server", cfg.kafka.brokers.join(","), "--topic", topic, "--messages", String(n)];
  const r = await run(java(CONSUMER_CLASS, [...args, "--group", group, "--timeout", "60000"]), 600_000);
  const row = parseConsumerPerf(r.stdout);
  const count = Number(row?.["data.consumed.in.nMsg"]);
  if (r.code !== 0 || !row || count < n)
    throw new Error(`${CONSUMER_CLASS} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-600)}`);
  return {
    records: count,
    records_per_s: Number(row["fetch.nMsg.sec"]),
    with_group_join_records_per_s: Number(row["nMsg.sec"]),
    rebalance_ms: Number(row["rebalance.time.ms"]),
    fetch_ms: Number(row["fetch.time.ms"]),
    group,
  };
}
