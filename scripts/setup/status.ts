// make status: the truth about the clusters and the pipeline, in one screen.
// - every supervisord program and its state;
// - Kafka: brokers, the KRaft quorum (leader, voters, follower lag), offline and under-replicated partitions;
// - Elasticsearch: the facts of GET _cluster/health (status, nodes, active and unassigned shards) and the indices;
// - the pipeline (health/pipeline-report.ts): per bolt its consumer lag and rate (or UNKNOWN with the reason: never
//   0 for what Kafka did not answer), STUCK when it has lag and made no progress in 3 s, LOST
//   when Kafka deleted records before it read them, the dead letters per bolt with the newest reason (read from the
//   dead-letter topic, only what is new since the last run: var/run/health/<ns>/dead-letters-status.json), and what
//   waits for a price, since when;
// - the sources, as the producers last reported them: per feed its last message, SILENT or FAILING sources and
//   why, lost connections.
// Exits 1 when something is down or degraded, so scripts can use it. Reads: BTC_PROFILE, KAFKA_*, ES_*, KAFKA_HOME,
// BTC_SECURE (then Kafka's quorum tool logs in as `status` over TLS, through a private temporary properties file).

import { join } from "node:path";
import { $ } from "zx";
import { deadLetterLines, loadTally, saveTally, tallyFile } from "../health/dead-letters.ts";
import { pipelineHealth } from "../health/pipeline-health.ts";
import { boltLines, STUCK_WINDOW_MS, waitingForPrice, waitingLines } from "../health/pipeline-report.ts";
import { type Config, configOrExit, indicesOf, PROJECT_ROOT, topicsOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { commandConfigArgs, withToolConfig } from "../lib/kafka-tools.ts";
import { fatal, sleep } from "../lib/log.ts";
import { readSourceHealth, sourceProblems } from "../producers/source-health.ts";
import { standbyPart } from "../standby/status-part.ts";

const ROOT = PROJECT_ROOT;
$.verbose = false;
$.quiet = true;

/** Partitions whose in-sync replicas are fewer than their replicas, or that have no leader; and those being moved
 * by a reassignment (make kafka-rebalance, kafka-drain: more replicas than `replication` while the new ones copy). */
export function degradedPartitions(
  topics: Array<{
    name: string;
    partitions: Array<{ partitionId: number; leader: number; replicas: number[]; isr: number[] }>;
  }>,
  replication = Number.POSITIVE_INFINITY,
) {
  const out: string[] = [];
  for (const t of topics)
    for (const p of t.partitions) {
      if (p.leader < 0) out.push(`${t.name}/${p.partitionId} OFFLINE`);
      else if (p.isr.length < p.replicas.length)
        out.push(`${t.name}/${p.partitionId} isr ${p.isr.length}/${p.replicas.length}`);
      if (p.replicas.length > replication) out.push(`${t.name}/${p.partitionId} being moved (replicas ${p.replicas})`);
    }
  return out;
}

async function supervisorPart(): Promise<boolean> {
  console.log("== supervisord");
  const r = await $({ nothrow: true, cwd: ROOT })`supervisorctl -c supervisord.conf status`;
  const text = r.stdout.trim() || r.stderr.trim();
  console.log(text.replace(/^/gm, "  ") || "  (no output)");
  return r.exitCode === 0 || r.exitCode === 3; // 3: some programs are stopped, which autostart=false makes normal
}

async function kafkaPart(cfg: Config): Promise<boolean> {
  console.log("== Kafka");
  const admin = kafkaClient(cfg, "status").admin({ retry: { retries: 1 } });
  try {
    await admin.connect();
    const c = await admin.describeCluster();
    console.log(`  brokers ${c.brokers.map((b) => `${b.nodeId}@${b.port}`).join(" ")}; controller ${c.controller}`);
    const libs = join(process.env.KAFKA_HOME || join(ROOT, "var/opt/kafka"), "libs/*");
    // Kafka's own tool, as this program's Kafka user over TLS in secure mode (lib/kafka-tools.ts: a private temp file)
    const q = await withToolConfig(
      cfg,
      (props) =>
        $({
          nothrow: true,
          timeout: "20s",
        })`java -cp ${libs} org.apache.kafka.tools.MetadataQuorumCommand --bootstrap-server ${cfg.kafka.brokers[0]!} ${commandConfigArgs(props)} describe --status`,
    );
    const quorum = Object.fromEntries(
      q.stdout
        .split("\n")
        .map((l) => l.split(":").map((s) => s.trim()))
        .filter((kv) => kv.length >= 2)
        .map(([k, ...v]) => [k, v.join(":")]),
    );
    console.log(
      `  KRaft quorum: leader ${quorum.LeaderId ?? "?"}, epoch ${quorum.LeaderEpoch ?? "?"}, voters ${[...(quorum.CurrentVoters ?? "").matchAll(/"id":\s*(\d+)/g)].map((m) => m[1]).join(",") || "?"}, max follower lag ${quorum.MaxFollowerLag ?? "?"}`,
    );
    const meta = await admin.fetchTopicMetadata({
      topics: (await admin.listTopics()).filter((t) => !t.startsWith("__")),
    });
    const bad = degradedPartitions(meta.topics, cfg.kafka.replication);
    console.log(
      `  ${meta.topics.length} topics; ${bad.length === 0 ? "every partition fully replicated" : `${bad.length} degraded or being moved: ${bad.slice(0, 12).join(", ")}`}`,
    );
    return bad.length === 0 && c.brokers.length >= cfg.kafka.brokers.length;
  } catch (e) {
    console.log(`  UNREACHABLE: ${(e as Error).message}`);
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function esPart(cfg: Config): Promise<boolean> {
  console.log("== Elasticsearch");
  const es = esClient(cfg);
  try {
    const h = await es.cluster.health({}, { requestTimeout: 5000, maxRetries: 0 });
    console.log(
      `  cluster ${h.cluster_name}: ${h.status.toUpperCase()}, ${h.number_of_nodes} nodes, ${h.active_primary_shards} primary / ${h.active_shards} active shards, ${h.unassigned_shards} unassigned, ${h.relocating_shards} relocating`,
    );
    const idx = await es.cat.indices({
      index: Object.values(indicesOf(cfg)),
      format: "json",
      h: "index,health,docs.count,pri,rep",
    });
    for (const i of idx)
      console.log(`  ${String(i.index).padEnd(24)} ${i.health} docs ${i["docs.count"]} shards ${i.pri}x(1+${i.rep})`);
    return h.status === "green";
  } catch (e) {
    console.log(`  UNREACHABLE: ${(e as Error).message}`);
    return false;
  }
}

/** The sources as the producers last saw them (var/run/health/<namespace>/producer-*.json). */
function sourcesPart(cfg: Config): boolean {
  console.log("== Sources");
  const all = readSourceHealth(cfg.healthDir);
  if (all.length === 0) console.log("  no producer has reported (not started?)");
  const now = Date.now();
  let ok = true;
  for (const h of all) {
    const feeds = Object.entries(h.feeds)
      .map(([f, x]) => `${f} ${Math.round((now - x.last) / 1000)} s ago (${x.count})`)
      .join(", ");
    console.log(`  ${h.producer} (${h.mode}): last messages: ${feeds || "none"}`);
    for (const p of sourceProblems(h, now)) {
      ok = false;
      console.log(`    ${p}`);
    }
  }
  return ok;
}

async function pipelinePart(cfg: Config): Promise<boolean> {
  console.log("== Pipeline");
  try {
    const first = await pipelineHealth(cfg, { timeoutMs: 5000 });
    await sleep(STUCK_WINDOW_MS);
    const file = tallyFile(cfg, "status");
    const deadLetters = { reader: "status", tally: loadTally(file, topicsOf(cfg).deadLetters) };
    const p = await pipelineHealth(cfg, { timeoutMs: 5000, previous: first.sample, deadLetters });
    saveTally(file, deadLetters.tally);
    const bolts = boltLines(p);
    for (const l of bolts.lines) console.log(l);
    for (const l of deadLetterLines(p.deadLetters, p.deadLetterBolts)) console.log(l);
    // Valued in the rollups once the price stream has passed them: what waits is counted there.
    const waiting = waitingLines(await waitingForPrice(cfg, esClient(cfg)), p);
    for (const l of waiting.lines) console.log(l);
    return bolts.ok && waiting.ok && p.deadLetters !== null;
  } catch (e) {
    console.log(`  unavailable: ${(e as Error).message}`);
    return false;
  }
}

async function main() {
  const cfg = configOrExit();
  console.log(`btc-realtime status, profile ${cfg.profile}, ${new Date().toISOString()}`);
  const ok = [
    await supervisorPart(),
    await kafkaPart(cfg),
    await esPart(cfg),
    await standbyPart(cfg),
    await pipelinePart(cfg),
    sourcesPart(cfg),
  ];
  process.exit(ok.every(Boolean) ? 0 : 1);
}

if (import.meta.main) main().catch(fatal);
