// make bench: how fast the pipeline goes, as ratios of this machine's own ceilings measured in the same run.
// Ceilings: (1) Kafka: simulated `utx` records produced with the idempotent producer (acks=all) and read back by a
// bare consumer, per second; (2) Elasticsearch: raw-transaction documents bulk-indexed per second.
// Pipeline: the same records through the transactions and volume bolts (real processes), from the first record
// published to the last one counted in btc-volume. Then the velocity scenarios: x1 (7 tx/s) to x1000 (7000 tx/s)
// against the measured pipeline rate. Works in its own namespace on the running clusters (make up first).
// Reads: BENCH_TX (records, default 20000), the usual KAFKA_* / ES_* variables.

import { hourKey } from "../domain/rollups.ts";
import { type Config, indicesOf, loadConfig, PROJECT_ROOT, topicsOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { connectProducer, kafkaClient, sendBounded } from "../lib/kafka.ts";
import { fatal, sleep } from "../lib/log.ts";
import { route } from "../producers/records.ts";
import { ensureIndices } from "../setup/indices.ts";
import { ensureTopics } from "../setup/topics.ts";
import { consumeAll, esCeiling, produce } from "./bench-ceilings.ts";
import { REAL_TX_PER_SECOND, simulateChain } from "./simulator.ts";

const ROOT = PROJECT_ROOT;
const POOLS = [{ id: 1, name: "BenchPool", addresses: [], tags: ["/bench/"], link: "" }];

/** `n` simulated transactions, as the producers would publish them. */
export function benchRecords(cfg: Config, n: number) {
  const out = [];
  const chain = simulateChain({
    seed: 7,
    startMs: Date.UTC(2026, 0, 1),
    rate: 1000,
    blockSeconds: 1e9,
    pools: POOLS,
    repeatProb: 0,
  });
  for (const c of chain) {
    if (!c.text.includes('"op":"utx"')) continue;
    const r = route(topicsOf(cfg), c, "simulated");
    if ("topic" in r) out.push(r.message);
    if (out.length >= n) break;
  }
  return out;
}

/** Rate as a line of the report. */
export const rateLine = (what: string, n: number, ms: number) => `${what.padEnd(44)} ${Math.round((n * 1000) / ms)}/s`;

async function namespace(name: string): Promise<Config> {
  const cfg = loadConfig({ ...process.env, BTC_NAMESPACE: `bench-${name}-${Date.now().toString(36)}` });
  await ensureTopics(cfg);
  await ensureIndices(cfg);
  return cfg;
}

/** Freshness: one transaction at a time into an empty hour, from its publication to its hour searchable (ms). */
async function freshness(
  cfg: Config,
  template: ReturnType<typeof benchRecords>[number],
  samples: number,
): Promise<number[]> {
  const producer = await connectProducer(kafkaClient(cfg, "bench-fresh"));
  const es = esClient(cfg);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const hour = Date.UTC(2025, 0, 1, i); // before the records' receive time: late data, an empty hour
    const msg = JSON.parse(String(template.value)) as { x: { hash: string; time: number } };
    msg.x.hash = `${"f".repeat(56)}${String(i).padStart(8, "0")}`;
    msg.x.time = hour / 1000 + 60;
    const t0 = performance.now();
    await sendBounded(
      producer,
      topicsOf(cfg).transactions,
      [{ ...template, key: msg.x.hash, value: JSON.stringify(msg) }],
      30_000,
    );
    const id = hourKey(hour);
    while (!(await es.exists({ index: indicesOf(cfg).volume, id }).catch(() => false))) {
      if (performance.now() - t0 > 60_000) throw new Error(`hour ${id} not searchable after 60 s`);
      await sleep(20);
    }
    out.push(Math.round(performance.now() - t0));
  }
  await producer.disconnect();
  return out;
}

async function pipeline(cfg: Config, messages: ReturnType<typeof benchRecords>): Promise<number> {
  const env = { ...process.env, BTC_NAMESPACE: cfg.namespace, LOG_LEVEL: "warn" };
  const bolts = ["transactions", "volume"].map((b) =>
    Bun.spawn(["bun", `scripts/bolts/${b}.ts`], { cwd: ROOT, env, stdout: "ignore" }),
  );
  await sleep(5000);
  const t0 = performance.now();
  await produce(cfg, messages);
  const es = esClient(cfg);
  const unique = new Set(messages.map((m) => String(m.key))).size;
  for (;;) {
    const r = await es
      .search({ index: indicesOf(cfg).volume, size: 0, aggs: { n: { sum: { field: "tx_count" } } } })
      .catch(() => undefined);
    const counted = (r?.aggregations?.n as { value?: number } | undefined)?.value ?? 0;
    if (counted >= unique) break;
    if (performance.now() - t0 > 600_000) throw new Error(`pipeline counted ${counted}/${unique} after 10 minutes`);
    await sleep(250);
  }
  const ms = performance.now() - t0;
  const fresh = await freshness(cfg, messages[0]!, 5);
  console.log(`freshness at rest: transaction published -> its hour searchable in btc-volume: ${fresh.join(", ")} ms`);
  for (const b of bolts) b.kill("SIGTERM");
  return ms;
}

async function main() {
  const n = Number(process.env.BENCH_TX ?? 20_000);
  console.log(`btc-realtime bench: ${n} simulated transactions, profile ${process.env.BTC_PROFILE ?? "full"}`);
  const ceilingCfg = await namespace("ceiling");
  const messages = benchRecords(ceilingCfg, n);
  const produceMs = await produce(ceilingCfg, messages);
  console.log(rateLine("Kafka ceiling: produce (acks=all, idempotent)", n, produceMs));
  const consumeMs = await consumeAll(ceilingCfg, n);
  console.log(rateLine("Kafka ceiling: consume", n, consumeMs));
  const esMs = await esCeiling(ceilingCfg, n);
  console.log(rateLine("Elasticsearch ceiling: bulk index", n, esMs));
  const pipeCfg = await namespace("pipeline");
  const pipeMs = await pipeline(pipeCfg, benchRecords(pipeCfg, n));
  const pipeRate = (n * 1000) / pipeMs;
  console.log(rateLine("pipeline: published -> counted in btc-volume", n, pipeMs));
  const ceiling = Math.min((n * 1000) / produceMs, (n * 1000) / esMs);
  console.log(`pipeline / min(ceilings) = ${(pipeRate / ceiling).toFixed(2)}`);
  for (const x of [1, 10, 100, 1000]) {
    const need = REAL_TX_PER_SECOND * x;
    console.log(
      `velocity x${x}: needs ${need} tx/s: ${pipeRate >= need ? "keeps up" : `falls behind by ${Math.round(need - pipeRate)} tx/s (lag grows; Kafka buffers it)`}`,
    );
  }
  for (const cfg of [ceilingCfg, pipeCfg])
    await esClient(cfg).indices.delete({ index: Object.values(indicesOf(cfg)), ignore_unavailable: true });
  const admin = kafkaClient(ceilingCfg, "bench").admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [...Object.values(topicsOf(ceilingCfg)), ...Object.values(topicsOf(pipeCfg))] });
  await admin.disconnect();
  process.exit(0);
}

if (import.meta.main) main().catch(fatal);
