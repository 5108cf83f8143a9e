// The two Kafka clients compared on the same brokers (issue 8 item 5, issue 18 point 5): kafkajs 2.2.4 (the
// project's client) and @platformatic/kafka, under Bun. The same N bench records (simulated `utx` messages, about
// 1 KB, from bench-setup.ts), each client behind the project's way of sending (kafka-fault-senders.ts: kafkajs in
// lib/kafka.ts's ReliableProducer, platformatic in the same wrapper, a producer replaced after a failed send),
// idempotent, acks=all, gzip as lib/kafka.ts sends, one send() = PRODUCER_BATCH_MAX records, sent one after the
// other; produce throughput and CPU, then consume throughput and CPU (a new consumer group from the beginning until
// N records, each record counted by the same callback in both), per client, in the same run, the client that goes
// first alternating; a warm-up repetition first, left out of the medians, then `reps` repetitions. Each (client,
// repetition) has a topic of its own in the run's namespace (`bench-clients-<time>`), made as scripts/setup/topics.ts
// makes the transactions topic (TOPIC_PARTITIONS, TOPIC_REPLICATION, TOPIC_MIN_INSYNC, LogAppendTime); topics and
// groups are deleted at the end. Results: a table, and bench-results/kafka-clients-<date>.json.
// Usage: bun scripts/evaluations/bench-kafka-clients.ts [--reps 3]; reads BENCH_TX (records, default 100000),
// KAFKA_BROKERS (default: the profile's brokers), PRODUCER_BATCH_MAX, KAFKA_HOME (the broker version reported).

import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { kafkaHome } from "../bench/bench-kafka-tools.ts";
import { machineFacts } from "../bench/bench-report.ts";
import { benchRecords } from "../bench/bench-setup.ts";
import { fatalOrUsage, toolArgs, wholeArg } from "../lib/args.ts";
import { type Config, configOrExit, loadConfig, PROJECT_ROOT, topicsOf } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { within } from "../lib/reliable-producer.ts";
import { topicSpecs } from "../setup/topics.ts";
import { printRows, type Row, schedule, summarize } from "./bench-kafka-clients-rows.ts";
import { type ClientName, consumeN, type Rec, toRecs } from "./kafka-clients-pair.ts";
import { openFaultSender } from "./kafka-fault-senders.ts";

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Within `ms`, or throw naming `what`. */
const bounded = <T>(what: string, p: Promise<T>, ms = 600_000): Promise<T> => within(p, ms, what);

/** `f` until it succeeds, for up to 30 s (a new topic's metadata reaches every broker a little later). */
async function retrying<T>(what: string, f: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await f();
    } catch (e) {
      if (attempt >= 30) throw new Error(`${what}: ${(e as Error).message}`);
      await Bun.sleep(1000);
    }
  }
}

/** Produce all `recs` in sends of `batch` (gzip, behind the project's wrapper), then read them back; one row. */
async function measure(cfg: Config, client: ClientName, topic: string, recs: Rec[], batch: number) {
  const wrapped = client === "kafkajs" ? "kafkajs-reliable" : "platformatic-replaced";
  const producer = await openFaultSender(wrapped, cfg, topic, cfg.kafka.sendTimeoutMs);
  let cpu = cpuMs();
  const t0 = performance.now();
  for (let i = 0; i < recs.length; i += batch) await producer.send(recs.slice(i, i + batch));
  const produce_ms = performance.now() - t0;
  const produce_cpu_ms = cpuMs() - cpu;
  await producer.close();
  cpu = cpuMs();
  const c = await bounded(`${client} consume`, consumeN(client, cfg, topic, `${topic}-group`, recs.length));
  const consume_cpu_ms = cpuMs() - cpu;
  if (c.count !== recs.length) throw new Error(`${client} read ${c.count} records of ${recs.length} from ${topic}`);
  return {
    produce_ms: Math.round(produce_ms),
    produce_records_per_s: Math.round((recs.length * 1000) / produce_ms),
    produce_cpu_ms: Math.round(produce_cpu_ms),
    consume_records_per_s: Math.round((recs.length * 1000) / c.read_ms),
    consume_join_ms: c.join_ms,
    consume_cpu_ms: Math.round(consume_cpu_ms),
  };
}

/** The whole comparison on `base`'s brokers; `reps` repetitions of N records (BENCH_TX). */
export async function benchKafkaClients(base: Config, n: number, reps = 3) {
  const cfg = loadConfig({ ...process.env, BTC_NAMESPACE: `bench-clients-${Date.now().toString(36)}` });
  const spec = topicSpecs(cfg).find((s) => s.topic === topicsOf(cfg).transactions)!;
  const recs = toRecs(benchRecords(base, n));
  const avgBytes = Math.round(recs.reduce((s, r) => s + r.value.length, 0) / n);
  const admin = kafkaClient(cfg, "bench-clients-admin").admin();
  await admin.connect();
  const topics: string[] = [];
  const rows: Row[] = [];
  try {
    for (const { rep, compression, order } of schedule(reps)) {
      for (const [position, client] of order.entries()) {
        const topic = `${cfg.namespace}-${client}-${compression}-r${rep}`;
        topics.push(topic);
        const configEntries = Object.entries(spec.configs).map(([name, value]) => ({ name, value }));
        const t = { topic, numPartitions: spec.partitions, replicationFactor: spec.replication, configEntries };
        await admin.createTopics({ waitForLeaders: true, topics: [t] });
        await retrying(`${topic} metadata`, async () => {
          const md = await admin.fetchTopicMetadata({ topics: [topic] });
          if (md.topics[0]!.partitions.some((p) => p.leader < 0)) throw new Error("partitions without a leader");
        });
        const m = await measure(cfg, client, topic, recs, cfg.producers.batchMax);
        const offsets = await retrying(`${topic} offsets`, () => admin.fetchTopicOffsets(topic));
        const stored = offsets.reduce((s, o) => s + Number(o.high), 0);
        if (stored !== n) throw new Error(`${topic} holds ${stored} records, ${n} were sent`);
        rows.push({ client, compression, rep, position: position + 1, ...m, load1: loadavg()[0]! });
        console.log(JSON.stringify(rows.at(-1)));
      }
    }
  } finally {
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.deleteGroups(topics.map((t) => `${t}-group`)).catch(() => {});
    await admin.disconnect();
  }
  const jar = readdirSync(join(kafkaHome(), "libs")).find((f) => /^kafka-clients-.+\.jar$/.test(f));
  const plat = (await Bun.file(join(PROJECT_ROOT, "node_modules/@platformatic/kafka/package.json")).json()).version;
  return {
    date: new Date().toISOString(),
    n,
    record_bytes_avg: avgBytes,
    batch: cfg.producers.batchMax,
    brokers: cfg.kafka.brokers,
    topic: { partitions: spec.partitions, replication: spec.replication, configs: spec.configs },
    machine: { ...machineFacts(), kafka: jar?.replace(/^kafka-clients-|\.jar$/g, ""), kafka_home: kafkaHome() },
    clients: { kafkajs: "2.2.4 (patches/kafkajs@2.2.4.patch)", "@platformatic/kafka": String(plat) },
    rows,
    median: summarize(rows, n),
  };
}

async function main() {
  const { values: a } = toolArgs("bun scripts/evaluations/bench-kafka-clients.ts [--reps 3]", {
    reps: { type: "string" },
  });
  const reps = wholeArg("reps", a.reps, 3);
  const base = configOrExit();
  const n = Number(process.env.BENCH_TX || 100_000);
  if (!Number.isInteger(n) || n < 1) throw new Error("expected BENCH_TX to be a whole number >= 1");
  console.log(`Kafka clients: ${n} records x ${reps} repetitions on ${base.kafka.brokers.join(",")}`);
  const r = await benchKafkaClients(base, n, reps);
  printRows(r.rows);
  console.log("\nmedians:", JSON.stringify(r.median, null, 1));
  const dir = join(PROJECT_ROOT, "bench-results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `kafka-clients-${r.date.replace(/\.\d+Z$/, "Z").replaceAll(":", "-")}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  console.log(`results: ${file}`);
  process.exit(0);
}

if (import.meta.main) main().catch(fatalOrUsage);
