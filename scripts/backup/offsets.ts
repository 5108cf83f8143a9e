// The bolts' consumer groups around a backup: their committed offsets, recorded just before a snapshot starts (so
// everything they cover was acknowledged by Elasticsearch, hence is in the snapshot), and, after a restore, moved
// back to those offsets (kafkajs admin setOffsets: the groups must have no member, i.e. the bolts are stopped), so
// the bolts read again from Kafka everything that came after the snapshot. Groups: btc-<bolt> (namespaced, with
// BOLT_GROUP_SUFFIX, as scripts/lib/consume.ts names them). Topics: each bolt's input topic (offsets only).
// Env: KAFKA_BROKERS (+ credentials), BTC_NAMESPACE, BOLT_GROUP_SUFFIX.

import type { Admin } from "kafkajs";
import { BOLTS, defaultTopics, groupOf } from "../health/pipeline-health.ts";
import type { Config } from "../lib/config.ts";
import type { Log, Recorded, ResetPlan } from "./backup-plan.ts";

/** The consumer group of a bolt, as the bolt itself names it. */
export const boltGroup = (cfg: Config, bolt: string) => `${groupOf(cfg, bolt)}${cfg.bolt.groupSuffix}`;
/** The input topic of a bolt. */
export const topicOf = (cfg: Config) => (bolt: string) => defaultTopics(cfg)[bolt]![0]!;

/** Every bolt's committed offset on each partition of its topic (-1 where it committed nothing). */
export async function recordOffsets(admin: Admin, cfg: Config): Promise<Recorded> {
  const out: Recorded = {};
  for (const bolt of BOLTS) {
    const topic = topicOf(cfg)(bolt);
    const [got] = await admin.fetchOffsets({ groupId: boltGroup(cfg, bolt), topics: [topic] });
    const parts = [...(got?.partitions ?? [])].sort((a, b) => a.partition - b.partition);
    out[bolt] = parts.map((p) => Number(p.offset));
  }
  return out;
}

/** Where each partition of the bolts' topics starts and ends now, by topic. */
export async function logsOf(admin: Admin, cfg: Config): Promise<Record<string, Log[]>> {
  const out: Record<string, Log[]> = {};
  for (const bolt of BOLTS) {
    const topic = topicOf(cfg)(bolt);
    const parts = [...(await admin.fetchTopicOffsets(topic))].sort((a, b) => a.partition - b.partition);
    out[topic] = parts.map((p) => ({ low: Number(p.low), high: Number(p.high) }));
  }
  return out;
}

/** The bolts' groups that still have members (a bolt running). */
export async function busyGroups(admin: Admin, cfg: Config): Promise<string[]> {
  const { groups } = await admin.describeGroups(BOLTS.map((b) => boltGroup(cfg, b)));
  return groups.filter((g) => g.members.length > 0).map((g) => g.groupId);
}

/** Wait until no bolt is a member of its group (a bolt killed without a goodbye holds it a session timeout). */
export async function waitGroupsIdle(admin: Admin, cfg: Config): Promise<void> {
  for (const until = Date.now() + cfg.bolt.sessionTimeoutMs + 15_000; ; await Bun.sleep(1000)) {
    const busy = await busyGroups(admin, cfg);
    if (busy.length === 0) return;
    if (Date.now() > until) throw new Error(`bolts still consume (${busy.join(", ")}): stop them first`);
  }
}

/** Move every bolt's group to the plan's offsets (the bolts must be stopped). */
export async function moveGroups(admin: Admin, cfg: Config, plan: ResetPlan): Promise<void> {
  for (const m of plan.moves)
    await admin.setOffsets({
      groupId: boltGroup(cfg, m.bolt),
      topic: m.topic,
      partitions: m.partitions.map((p) => ({ partition: p.partition, offset: String(p.offset) })),
    });
}
