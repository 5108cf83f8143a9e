// Raises the partition count of the platform's topics live (scenario 1: more partitions, so more bolt instances
// can share the work; in a group, instances beyond the partition count wait idle). Kafka cannot lower it. The bolts
// see the new partitions within their metadata refresh (30 s, lib/consume.ts) and rebalance; a keyed update topic
// then sends some hours or periods to another partition, so two instances may briefly compute the same one: their
// writes are guarded by the version each read (lib/doc-versions.ts), so the last write is the one computed last.
// Producers start using the new partitions at their next metadata refresh.
// usage: bun scripts/scale/partitions.ts --partitions N [--topics a,b]   (default: every topic of the platform)
// Env: the Kafka variables, BTC_NAMESPACE. Set TOPIC_PARTITIONS=N in .env too, so topics.ts expects N.

import { fatalOrUsage, toolArgs, UsageError, wholeArg } from "../lib/args.ts";
import { configOrExit, topicsOf } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";

const USAGE = "bun scripts/scale/partitions.ts --partitions N [--topics a,b]";

/** The topics to grow and the count each goes to; refuses a count lower than a topic has. */
export function growth(current: Map<string, number>, wanted: number): Array<{ topic: string; count: number }> {
  for (const [topic, n] of current)
    if (n > wanted) throw new UsageError(`${topic} has ${n} partitions: Kafka cannot lower that to ${wanted}`);
  return [...current].filter(([, n]) => n < wanted).map(([topic]) => ({ topic, count: wanted }));
}

async function main() {
  const { values } = toolArgs(USAGE, { partitions: { type: "string" }, topics: { type: "string" } });
  if (values.partitions === undefined) throw new UsageError(`--partitions N is needed\nusage: ${USAGE}`);
  const wanted = wholeArg("partitions", values.partitions, 0);
  const cfg = configOrExit();
  const topics = values.topics?.split(",") ?? Object.values(topicsOf(cfg));
  const admin = kafkaClient(cfg, "scale-partitions").admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics });
    const todo = growth(new Map(meta.topics.map((t) => [t.name, t.partitions.length])), wanted);
    if (todo.length === 0) return console.log(`==> every topic already has ${wanted} partitions`);
    await admin.createPartitions({ topicPartitions: todo });
    for (const t of todo) console.log(`    ${t.topic}: ${t.count} partitions`);
    console.log(`==> ${todo.length} topics grown to ${wanted} partitions; set TOPIC_PARTITIONS=${wanted} in .env`);
  } finally {
    await admin.disconnect();
  }
}

if (import.meta.main) main().catch(fatalOrUsage);
