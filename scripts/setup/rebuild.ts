// make rebuild: rebuild every Elasticsearch index from the history Kafka keeps (KAFKA_RETENTION_HOURS), the answer
// to an Elasticsearch cluster that was lost or wiped. It stops the bolts, deletes and re-creates the indices from
// es-indices.http, resets every bolt's consumer group to the earliest offsets, and starts the bolts again; they
// replay the topics and, their writes being idempotent, end with the same figures as before the loss.
// Asks for REBUILD_CONFIRM=yes, since it deletes the indices. Reads: BTC_PROFILE, KAFKA_*, ES_*, BTC_NAMESPACE.

import { $ } from "zx";
import { configOrExit, indicesOf, PROJECT_ROOT } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { fatal } from "../lib/log.ts";
import { BOLTS, defaultTopics, groupOf } from "../tools/pipeline-health.ts";
import { ensureIndices } from "./indices.ts";

const ROOT = PROJECT_ROOT;

async function main() {
  const cfg = configOrExit();
  if (process.env.REBUILD_CONFIRM !== "yes") {
    console.error("this deletes and rebuilds every index from Kafka: run it as REBUILD_CONFIRM=yes make rebuild");
    process.exit(1);
  }
  const ctl = (...args: string[]) => $({ cwd: ROOT, nothrow: true })`supervisorctl -c supervisord.conf ${args}`;
  const status = (await ctl("status")).stdout.split("\n").map((l) => l.split(/\s+/)[0] ?? "");
  const bolts = status.filter((name) => name.startsWith("storm:bolt-"));
  console.log("==> [1/4] stopping the bolts");
  if (bolts.length > 0) await ctl("stop", ...bolts);
  console.log("==> [2/4] deleting and re-creating the indices");
  const es = esClient(cfg);
  await es.indices.delete({ index: Object.values(indicesOf(cfg)), ignore_unavailable: true });
  await ensureIndices(cfg, (l) => console.log(`    ${l}`));
  console.log("==> [3/4] resetting the bolts' consumer groups to the earliest offsets");
  const admin = kafkaClient(cfg, "rebuild").admin();
  await admin.connect();
  const topics = defaultTopics(cfg);
  for (const bolt of BOLTS)
    for (const topic of topics[bolt] ?? []) {
      await admin.resetOffsets({ groupId: groupOf(cfg, bolt), topic, earliest: true });
      console.log(`    ${groupOf(cfg, bolt)} on ${topic}: earliest`);
    }
  await admin.disconnect();
  console.log("==> [4/4] starting the bolts: they replay the topics (make status shows their lag going down)");
  if (bolts.length > 0) await ctl("start", ...bolts);
}

if (import.meta.main) main().catch(fatal);
