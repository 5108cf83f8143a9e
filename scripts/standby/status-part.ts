// make status's part about the standby Elasticsearch cluster (called by scripts/setup/status.ts): whether it is on,
// its _cluster/health, each standby bolt's group and its lag behind Kafka (records; unknown when Kafka does not
// answer), and which cluster the dashboard serves from, as it last wrote it (var/run/health/<namespace>/
// dashboard-serving.json, with its age; unknown when no dashboard has written it).
// Reads: the standby's _cluster/health, Kafka offsets. Env: ES_STANDBY, ES_STANDBY_NODES(_N), BTC_NAMESPACE.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SERVING_FILE } from "../dashboard/clusters.ts";
import type { ServingInfo } from "../dashboard/failover.ts";
import { lagOf } from "../health/pipeline-health.ts";
import { type Config, standbyConfigOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { committedOf, endsNow, only } from "./behind.ts";

/** The line about the dashboard's cluster, from what it last wrote (`null`: nothing written). */
export function servingLine(saved: (ServingInfo & { at: number }) | null, now: number): string {
  if (!saved) return "dashboard serving from: unknown (no dashboard has reported; is es-kibana:dashboard running?)";
  const age = Math.round((now - saved.at) / 1000);
  const since = new Date(saved.since).toISOString();
  const behind = saved.behindS === null ? "unknown" : `${saved.behindS} s`;
  return `dashboard serving from: ${saved.cluster.toUpperCase()} since ${since}, ${behind} behind Kafka (reported ${age} s ago)`;
}

function readServing(cfg: Config): (ServingInfo & { at: number }) | null {
  try {
    return JSON.parse(readFileSync(join(cfg.healthDir, SERVING_FILE), "utf8"));
  } catch {
    return null;
  }
}

/** Print the part; false when the standby is on and not healthy (unreachable, red, or a group's lag unknown). */
export async function standbyPart(cfg: Config): Promise<boolean> {
  console.log("== Standby Elasticsearch");
  if (!cfg.standby.enabled) {
    console.log("  off (ES_STANDBY=0): the dashboard has no cluster to fail over to");
    return true;
  }
  const sb = standbyConfigOf();
  let ok = true;
  try {
    const h = await esClient(sb).cluster.health({}, { requestTimeout: 5000, maxRetries: 0 });
    console.log(
      `  cluster ${h.cluster_name}: ${h.status.toUpperCase()}, ${h.number_of_nodes} nodes (${sb.es.nodes.join(" ")}), ${h.active_shards} active shards, ${h.unassigned_shards} unassigned`,
    );
    ok = h.status !== "red";
  } catch (e) {
    console.log(`  UNREACHABLE (${sb.es.nodes.join(" ")}): ${(e as Error).message}`);
    ok = false;
  }
  const admin = kafkaClient(cfg, "status-standby").admin({ retry: { retries: 1 } });
  try {
    await admin.connect();
    const { ends } = await endsNow(admin, cfg);
    for (const g of await committedOf(admin, cfg, "standby"))
      console.log(
        `  ${g.bolt.padEnd(14)} lag ${String(lagOf(only(ends, g.topics), g.committed)).padStart(8)}  (group ${g.group})`,
      );
  } catch (e) {
    console.log(`  lag of the standby's groups: unknown (${(e as Error).message})`);
    ok = false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
  console.log(`  ${servingLine(readServing(cfg), Date.now())}`);
  return ok;
}
