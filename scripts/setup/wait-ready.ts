// Wait until the clusters of the profile are ready: every Kafka broker registered with an active controller
// (the KRaft quorum), and Elasticsearch green with every node joined. Prints progress every 5 s; exits 1 after
// WAIT_TIMEOUT_S (default 300) saying what is still missing. With ES_STANDBY=1 the standby cluster too (green, every
// standby node joined).
// Reads: BTC_PROFILE, KAFKA_BROKERS, ES_NODES, ES_STANDBY, ES_STANDBY_NODES(_N), WAIT_TIMEOUT_S.

import { type Config, configOrExit, standbyConfigOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { fatal, sleep } from "../lib/log.ts";

export type Readiness = { kafka: string | null; es: string | null };

/** What still keeps the Kafka cluster from being ready (null when ready). */
export async function kafkaNotReady(cfg: Config): Promise<string | null> {
  const admin = kafkaClient(cfg, "wait-ready").admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const c = await admin.describeCluster();
    if (c.controller === null || c.controller < 0) return "no active controller (KRaft quorum not formed)";
    if (c.brokers.length < cfg.kafka.brokers.length)
      return `${c.brokers.length}/${cfg.kafka.brokers.length} brokers registered`;
    return null;
  } catch (e) {
    return `unreachable (${(e as Error).message})`;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** What still keeps Elasticsearch from being ready (null when green with every node). */
export async function esNotReady(cfg: Config): Promise<string | null> {
  try {
    const h = await esClient(cfg).cluster.health({ timeout: "2s" }, { requestTimeout: 5000, maxRetries: 0 });
    if (h.number_of_nodes < cfg.es.nodes.length)
      return `${h.number_of_nodes}/${cfg.es.nodes.length} nodes, ${h.status}`;
    if (h.status !== "green") return `${h.status} (${h.unassigned_shards} unassigned shards)`;
    return null;
  } catch (e) {
    return `unreachable (${(e as Error).message})`;
  }
}

async function main() {
  const cfg = configOrExit();
  const standby = cfg.standby.enabled ? standbyConfigOf() : null;
  const timeoutS = Number(process.env.WAIT_TIMEOUT_S ?? 300);
  const t0 = Date.now();
  let lastPrint = 0;
  for (;;) {
    const [kafka, primary, sb] = await Promise.all([
      kafkaNotReady(cfg),
      esNotReady(cfg),
      standby ? esNotReady(standby) : null,
    ]);
    const es = primary ?? (sb && `standby cluster: ${sb}`);
    const elapsed = Math.round((Date.now() - t0) / 1000);
    if (!kafka && !es) {
      const also = standby ? `, the standby green (${standby.es.nodes.length} nodes)` : "";
      console.log(
        `    ready after ${elapsed} s: Kafka quorum of ${cfg.kafka.brokers.length}, Elasticsearch green${also}`,
      );
      return;
    }
    if (elapsed > timeoutS) {
      console.error(`    not ready after ${timeoutS} s: Kafka: ${kafka ?? "ok"}; Elasticsearch: ${es ?? "ok"}`);
      console.error("    look at var/log/kafka-*.log and var/log/elasticsearch*.log, or run make status");
      process.exit(1);
    }
    if (Date.now() - lastPrint > 5000) {
      lastPrint = Date.now();
      console.log(`    ${elapsed} s: Kafka: ${kafka ?? "ok"}; Elasticsearch: ${es ?? "ok"}`);
    }
    await sleep(1000);
  }
}

if (import.meta.main) main().catch(fatal);
