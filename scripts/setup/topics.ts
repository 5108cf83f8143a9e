// Create the Kafka topics of the pipeline, or check the ones that exist: a difference between the specification
// and the live cluster (partitions, replication, configs) is reported and the script exits 2; nothing is changed
// behind the operator's back. Running it twice changes nothing.
// Topics: p3-btc-bpi, p3-btc-blocks, p3-btc-transactions (the sources), p3-btc-volume-updates and
// p3-btc-miner-updates (between bolts), p3-btc-dead-letters (rejected records, with their reason).
// Reads: KAFKA_BROKERS, TOPIC_PARTITIONS (9), TOPIC_REPLICATION (3; 1 small), TOPIC_MIN_INSYNC (2; 1 small),
//        KAFKA_RETENTION_HOURS (720), BTC_NAMESPACE.

import { ConfigResourceTypes } from "kafkajs";
import { type Config, configOrExit, topicsOf } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { fatal, sleep } from "../lib/log.ts";

export type TopicSpec = { topic: string; partitions: number; replication: number; configs: Record<string, string> };

/** The specification of every topic, from the configuration. */
export function topicSpecs(cfg: Config): TopicSpec[] {
  const configs = {
    "min.insync.replicas": String(cfg.kafka.minInsync),
    "retention.ms": String(cfg.kafka.retentionHours * 3_600_000),
    "cleanup.policy": "delete",
    // Retention counts from when the broker appended a record, never from the time a producer gave it: a replayed
    // capture or a bench dated in the past would otherwise be deleted before it is consumed. The source's own
    // time travels in the received-at header.
    "message.timestamp.type": "LogAppendTime",
  };
  const topics = topicsOf(cfg);
  return Object.values(topics).map((topic) => ({
    topic,
    partitions: cfg.kafka.partitions,
    replication: cfg.kafka.replication,
    // A real block's details (/rawblock with every transaction) weigh 1 to 3 MB: let records of up to 32 MB in,
    // and into the dead-letter topic, which must be able to hold any record a bolt refuses.
    configs:
      topic === topics.blocks || topic === topics.deadLetters
        ? { ...configs, "max.message.bytes": String(32 * 1024 * 1024) }
        : { ...configs },
  }));
}

/** Differences between a spec and what the cluster has, as sentences (empty when they match). */
export function topicDrift(
  spec: TopicSpec,
  live: { partitions: number; replication: number; configs: Record<string, string> },
): string[] {
  const out: string[] = [];
  // More partitions than the spec is a topic grown live (scripts/scale/partitions.ts; Kafka cannot lower it): fine.
  if (live.partitions < spec.partitions)
    out.push(
      `${live.partitions} partitions, expected ${spec.partitions} (make kafka-partitions PARTITIONS=${spec.partitions})`,
    );
  if (live.replication !== spec.replication) out.push(`replication ${live.replication}, expected ${spec.replication}`);
  for (const [k, v] of Object.entries(spec.configs))
    if (live.configs[k] !== v) out.push(`${k}=${live.configs[k] ?? "(unset)"}, expected ${v}`);
  return out;
}

/** Create missing topics and compare the others; returns what was created and the drift found. */
export async function ensureTopics(cfg: Config, say: (line: string) => void = () => {}) {
  // Metadata just after a creation (ours or a concurrent one) can be briefly incomplete: retry those errors.
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensureTopicsOnce(cfg, say);
    } catch (e) {
      if (!(e as { retriable?: boolean }).retriable || attempt >= 5) throw e;
      say(`retrying after: ${(e as Error).message}`);
      await sleep(1000 * attempt);
    }
  }
}

async function ensureTopicsOnce(cfg: Config, say: (line: string) => void) {
  const admin = kafkaClient(cfg, "setup-topics").admin();
  await admin.connect();
  try {
    const specs = topicSpecs(cfg);
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions,
          replicationFactor: s.replication,
          configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
        })),
      });
      for (const s of missing)
        say(`created topic ${s.topic} (${s.partitions} partitions, replication ${s.replication})`);
    }
    const present = specs.filter((s) => existing.has(s.topic));
    const drift: Record<string, string[]> = {};
    if (present.length > 0) {
      const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: present.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.topic })),
      });
      for (const s of present) {
        const m = meta.topics.find((t) => t.name === s.topic)!;
        const r = described.resources.find((x) => x.resourceName === s.topic);
        const configs = Object.fromEntries((r?.configEntries ?? []).map((c) => [c.configName, c.configValue]));
        const replication = m.partitions[0]?.replicas.length ?? 0;
        const diffs = topicDrift(s, { partitions: m.partitions.length, replication, configs });
        if (diffs.length === 0) say(`topic ${s.topic}: as specified`);
        else {
          drift[s.topic] = diffs;
          say(`DRIFT topic ${s.topic}: ${diffs.join("; ")}`);
          const fix = Object.entries(s.configs)
            .filter(([k, v]) => configs[k] !== v)
            .map(([k, v]) => `${k}=${v.includes(",") ? `[${v}]` : v}`);
          if (fix.length > 0)
            say(
              `  its configuration: bin/kafka-configs --entity-type topics --entity-name ${s.topic} --alter --add-config ${fix.join(",")}`,
            );
        }
      }
    }
    return { created: missing.map((s) => s.topic), drift };
  } finally {
    await admin.disconnect();
  }
}

async function main() {
  const cfg = configOrExit();
  const { drift } = await ensureTopics(cfg, (line) => console.log(`    ${line}`));
  const n = Object.keys(drift).length;
  if (n > 0) {
    console.error(
      `${n} topic(s) differ from the specification: fix them by hand (bin/kafka-configs, bin/kafka-topics) or re-create them`,
    );
    process.exit(2);
  }
}

if (import.meta.main) main().catch(fatal);
