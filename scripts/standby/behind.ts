// How far each cluster's bolts are behind Kafka, in records and in seconds, for the dashboard's failover ("standby,
// N s behind") and make status. A cluster's bolts are the five consumer groups btc-<bolt> (the primary) or
// btc-<bolt>-standby (the standby, ES_TARGET=standby). Seconds behind: Kafka's end offsets are sampled every few
// seconds; a cluster is N s behind when everything Kafka held N s ago is read (committed) by its groups, and the
// newer samples are not: so N is exact to the sampling interval, 0 when nothing is left to read, and unknown (null)
// when even the oldest sample kept is not read yet.
// Reads: Kafka offsets only (the bolts' topics, their groups). No index. Env: as config.ts (BTC_NAMESPACE).

import type { Admin } from "kafkajs";
import { BOLTS, defaultTopics, groupOf, lagOf, type Offsets } from "../health/pipeline-health.ts";
import { type Config, STANDBY_GROUP_SUFFIX } from "../lib/config.ts";

export type Cluster = "primary" | "standby";
export const suffixOf = (c: Cluster) => (c === "standby" ? STANDBY_GROUP_SUFFIX : "");

/** Kafka's end offsets at a moment (every bolt's topics, per "topic/partition"). */
export type EndSample = { at: number; ends: Offsets };

/** Whether the group has read every record of `ends` (a partition it never committed counts from 0). */
export const hasRead = (ends: Offsets, committed: Offsets) => lagOf(ends, committed) === 0;

/** Seconds the group is behind: 0 when it has read everything of the newest sample; else now minus the time of the
 * newest sample it has read; null when it has read none of the samples kept (older than the history). */
export function secondsBehind(history: EndSample[], committed: Offsets, now: number): number | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const s = history[i]!;
    if (hasRead(s.ends, committed)) return i === history.length - 1 ? 0 : Math.max(0, Math.round((now - s.at) / 1000));
  }
  return null;
}

/** The history with `s` added and the samples older than `keepMs` (but the newest older one) dropped. */
export function keepRecent(history: EndSample[], s: EndSample, keepMs: number): EndSample[] {
  const all = [...history, s];
  const firstRecent = all.findIndex((x) => s.at - x.at <= keepMs);
  return all.slice(Math.max(0, firstRecent - 1));
}

/** Kafka's end offsets of every bolt's topics now. */
export async function endsNow(admin: Admin, cfg: Config): Promise<EndSample> {
  const topics = [...new Set(Object.values(defaultTopics(cfg)).flat())];
  const ends: Offsets = {};
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic)) ends[`${topic}/${p.partition}`] = Number(p.high);
  return { at: Date.now(), ends };
}

/** The committed offsets of a cluster's five groups (per "topic/partition" of the bolt's topics). */
export async function committedOf(admin: Admin, cfg: Config, cluster: Cluster) {
  const out: Array<{ bolt: string; group: string; topics: string[]; committed: Offsets }> = [];
  for (const bolt of BOLTS) {
    const group = `${groupOf(cfg, bolt)}${suffixOf(cluster)}`;
    const topics = defaultTopics(cfg)[bolt]!;
    const committed: Offsets = {};
    for (const t of await admin.fetchOffsets({ groupId: group, topics }))
      for (const p of t.partitions) committed[`${t.topic}/${p.partition}`] = Number(p.offset);
    out.push({ bolt, group, topics, committed });
  }
  return out;
}

export type ClusterLag = {
  cluster: Cluster;
  /** per bolt: records still to read and seconds behind */
  bolts: Array<{ bolt: string; group: string; lag: number; behindS: number | null }>;
  /** records still to read, in all */
  lag: number;
  /** the slowest bolt's seconds behind (null: unknown, more than the history kept) */
  behindS: number | null;
};

/** Only the partitions of `topics`. */
export const only = (o: Offsets, topics: string[]): Offsets =>
  Object.fromEntries(Object.entries(o).filter(([tp]) => topics.includes(tp.slice(0, tp.lastIndexOf("/")))));

/** A cluster's groups against `history` (oldest first, not empty). */
export function clusterLag(
  cluster: Cluster,
  groups: Awaited<ReturnType<typeof committedOf>>,
  history: EndSample[],
  now: number,
): ClusterLag {
  const bolts = groups.map((g) => {
    const mine = history.map((h) => ({ at: h.at, ends: only(h.ends, g.topics) }));
    const lag = lagOf(mine[mine.length - 1]!.ends, g.committed);
    return { bolt: g.bolt, group: g.group, lag, behindS: secondsBehind(mine, g.committed, now) };
  });
  const unknown = bolts.some((b) => b.behindS === null);
  return {
    cluster,
    bolts,
    lag: bolts.reduce((s, b) => s + b.lag, 0),
    behindS: unknown ? null : Math.max(0, ...bolts.map((b) => b.behindS!)),
  };
}

/** The history of end offsets and both clusters' lag: `sample()` every few seconds. */
export class Behind {
  private history: EndSample[] = [];
  constructor(
    private cfg: Config,
    private admin: Admin,
    /** how much history is kept: a cluster further behind is "more than" this (unknown) */
    private keepMs = 15 * 60_000,
  ) {}

  async sample(clusters: Cluster[] = ["primary", "standby"]): Promise<ClusterLag[]> {
    const s = await endsNow(this.admin, this.cfg);
    this.history = keepRecent(this.history, s, this.keepMs);
    const groups = await Promise.all(clusters.map((c) => committedOf(this.admin, this.cfg, c)));
    return clusters.map((c, i) => clusterLag(c, groups[i]!, this.history, Date.now()));
  }
}
