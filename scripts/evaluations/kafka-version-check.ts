// Does a Kafka install run this platform? On a PRIVATE 3-node KRaft cluster of that install (kafka-private-cluster.ts,
// ports 29192-29194 by default: never the platform's brokers), in order: format the storage, start, form a quorum
// (MetadataQuorumCommand), create and re-check the pipeline's topics (scripts/setup/topics.ts: no drift), an
// idempotent kafkajs produce (the project's ReliableProducer, gzip) and a kafkajs consumer group reading it back,
// the same with @platformatic/kafka, then the perf tools `make bench` runs (ProducerPerformance, ConsumerPerformance,
// bench-kafka-tools.ts), and the nodes' log lines about unknown, unused or deprecated configuration keys.
// The cluster is stopped and deleted at the end. Prints each step; writes bench-results/kafka-version-check-<v>.json.
// Usage: KAFKA_HOME=/tmp/kafka-4.4.0 bun scripts/evaluations/kafka-version-check.ts [--port 29192] [--records 5000]
// [--keep-logs] (the stopped cluster's folder is left for reading, to delete by hand)

import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { consumerPerf, producerPerf } from "../bench/bench-kafka-tools.ts";
import { benchRecords } from "../bench/bench-setup.ts";
import { fatalOrUsage, toolArgs, wholeArg } from "../lib/args.ts";
import { loadConfig, PROJECT_ROOT, topicsOf } from "../lib/config.ts";
import { ensureTopics } from "../setup/topics.ts";
import { type ClientName, consumeN, openProducer, toRecs } from "./kafka-clients-pair.ts";
import { configWarnings, PrivateCluster } from "./kafka-private-cluster.ts";
import { KafkajsReliableProducer } from "./kafkajs-producer.ts";

type Step = { step: string; ok: boolean; ms: number; detail?: unknown };

const USAGE = "bun scripts/evaluations/kafka-version-check.ts [--port 29192] [--records 5000] [--keep-logs]";

async function main() {
  const { values: a } = toolArgs(USAGE, {
    port: { type: "string" },
    records: { type: "string" },
    "keep-logs": { type: "boolean" },
  });
  const cluster = new PrivateCluster(undefined, wholeArg("port", a.port, 29192));
  const n = wholeArg("records", a.records, 5000);
  const version = readdirSync(join(cluster.home, "libs"))
    .find((f) => /^kafka_2\.13-.+\.jar$/.test(f))
    ?.replace(/^kafka_2\.13-|\.jar$/g, "");
  const cfg = loadConfig({ ...process.env, KAFKA_BROKERS: cluster.brokers.join(","), BTC_NAMESPACE: "vcheck" });
  const topics = topicsOf(cfg);
  const recs = benchRecords(cfg, n);
  const steps: Step[] = [];
  const step = async (name: string, f: () => Promise<unknown> | unknown) => {
    const t0 = performance.now();
    try {
      const detail = await f();
      steps.push({ step: name, ok: true, ms: Math.round(performance.now() - t0), detail });
    } catch (e) {
      steps.push({ step: name, ok: false, ms: Math.round(performance.now() - t0), detail: String(e).slice(0, 1500) });
    }
    const s = steps.at(-1)!;
    console.log(`${s.ok ? "ok  " : "FAIL"} ${name} (${s.ms} ms) ${JSON.stringify(s.detail ?? "").slice(0, 400)}`);
    return s.ok;
  };
  console.log(`Kafka ${version} from ${cluster.home}: private cluster ${cluster.brokers.join(",")} in ${cluster.root}`);
  const checks = async () => {
    if (!(await step("format the storage (kafka.tools.StorageTool)", () => cluster.format()))) return;
    cluster.startAll();
    if (!(await step("start 3 nodes, 3 brokers registered", () => cluster.waitHealthy([], 300_000)))) return;
    await step("KRaft quorum (MetadataQuorumCommand describe --status)", async () => {
      const r = await cluster.tool("org.apache.kafka.tools.MetadataQuorumCommand", ["describe", "--status"], 120_000);
      if (r.code !== 0) throw new Error(r.stderr.slice(-800));
      return r.stdout.split("\n").filter((l) => /LeaderId|CurrentVoters|HighWatermark/.test(l));
    });
    await step("create the pipeline's topics (scripts/setup/topics.ts)", async () => (await ensureTopics(cfg)).created);
    await step("check them again: no drift", async () => {
      const { drift } = await ensureTopics(cfg);
      if (Object.keys(drift).length > 0) throw new Error(JSON.stringify(drift));
    });
    await step(`kafkajs: ReliableProducer (idempotent, acks=all, gzip), ${n} records`, async () => {
      const p = new KafkajsReliableProducer(cfg, "vcheck", 30_000);
      for (let i = 0; i < n; i += 500) await p.send(topics.transactions, recs.slice(i, i + 500));
      await p.disconnect();
    });
    for (const client of ["kafkajs", "platformatic"] as ClientName[]) {
      if (client === "platformatic")
        await step(`platformatic: idempotent produce, ${n} records`, async () => {
          const p = await openProducer("platformatic", cfg, "gzip", "vcheck");
          const r = toRecs(recs);
          for (let i = 0; i < n; i += 500) await p.send(topics.blocks, r.slice(i, i + 500));
          await p.close();
        });
      const topic = client === "kafkajs" ? topics.transactions : topics.blocks;
      await step(`${client}: consumer group reads them back`, async () => {
        const c = await consumeN(client, cfg, topic, `vcheck-${client}`, n);
        return { ...c, read_ms: Math.round(c.read_ms) };
      });
    }
    const size = Math.round(recs.reduce((s, m) => s + Buffer.byteLength(String(m.value)), 0) / n);
    await step("ProducerPerformance (bench-kafka-tools.ts)", () => producerPerf(cfg, topics.bpi, n, size));
    await step("ConsumerPerformance (bench-kafka-tools.ts)", () => consumerPerf(cfg, topics.bpi, n));
  };
  try {
    await checks();
  } finally {
    await cluster.stopAll();
    const warnings = configWarnings(cluster.logs());
    steps.push({
      step: "configuration warnings in the nodes' logs",
      ok: warnings.length === 0,
      ms: 0,
      detail: warnings,
    });
    console.log(`configuration warnings: ${warnings.length}\n${warnings.join("\n")}`);
    if (a["keep-logs"]) console.log(`logs kept in ${cluster.root}`);
    else cluster.remove();
  }
  const dir = join(PROJECT_ROOT, "bench-results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `kafka-version-check-${version}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), version, steps }, null, 2)}\n`);
  console.log(`results: ${file}`);
  process.exit(steps.every((s) => s.ok) ? 0 : 1);
}

if (import.meta.main) main().catch(fatalOrUsage);
