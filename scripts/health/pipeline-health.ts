// The pipeline's health in one call, for the dashboard and `make status`: per bolt consumer group its lag (sum over
// its topics' partitions of end offset - committed offset), its rate (messages per second, from the change of its
// committed offsets between two samples), the dead letters (sum of the dead-letter topic's end offsets; with a
// tally, per bolt with the newest reason: dead-letters.ts reads what is new), and the clusters' health
// (Elasticsearch _cluster/health; Kafka brokers registered and the active controller).
// Every probe is bounded (about 1.5 s; the dead letters' read 8 s) so a cluster that is down makes the answer say
// so, never hang. Reads: Kafka offsets, the dead-letter topic when asked (no index). Env: KAFKA_BROKERS, ES_NODES
// (+ credentials), BTC_NAMESPACE.
// Run: `bun scripts/health/pipeline-health.ts` prints the JSON (two samples 1 s apart for the rates).

import type { Client } from "@elastic/elasticsearch";
import type { Admin } from "kafkajs";
import { type Config, configOrExit, topicsOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { fatal, sleep } from "../lib/log.ts";
import {
  type DeadLetterSummary,
  loadTally,
  saveTally,
  summaryOf,
  type Tally,
  tallyFile,
  updateTally,
} from "./dead-letters.ts";

export const BOLTS = ["prices", "transactions", "blocks", "volume", "miners"] as const;

/** The topics each bolt reads before it has committed anything (after that, its committed topics are used too). */
export function defaultTopics(cfg: Pick<Config, "namespace">): Record<string, string[]> {
  const t = topicsOf(cfg);
  return {
    prices: [t.bpi],
    transactions: [t.transactions],
    blocks: [t.blocks],
    volume: [t.volumeUpdates],
    miners: [t.minerUpdates],
  };
}

export const groupOf = (cfg: Pick<Config, "namespace">, bolt: string) =>
  `${cfg.namespace ? `${cfg.namespace}-` : ""}btc-${bolt}`;

/** Offsets per "topic/partition". */
export type Offsets = Record<string, number>;
export type Sample = { at: number; committed: Record<string, number> };
export type BoltHealth = {
  bolt: string;
  group: string;
  topics: string[];
  lag: number;
  rate: number | null;
  /** records deleted (retention) before this group read them: log start above its committed offset */
  lost: number;
};
export type Health = {
  at: number;
  bolts: BoltHealth[];
  deadLetters: number | null;
  /** per bolt, when a tally was given (null otherwise, or when Kafka did not answer) */
  deadLetterBolts: DeadLetterSummary | null;
  kafka: { ok: boolean; brokers: number; expected: number; controller: number | null; error?: string };
  es: {
    ok: boolean;
    status?: string;
    nodes?: number;
    activeShards?: number;
    unassignedShards?: number;
    error?: string;
  };
  sample: Sample;
};

/** Lag of a group: for each partition, end minus committed (nothing committed counts from 0). */
export function lagOf(ends: Offsets, committed: Offsets): number {
  let lag = 0;
  for (const [tp, end] of Object.entries(ends)) lag += Math.max(0, end - Math.max(0, committed[tp] ?? 0));
  return lag;
}

/** Records a group will never read: for each partition, how far the log start is above the committed offset
 * (nothing committed counts from 0). */
export function lostOf(starts: Offsets, committed: Offsets): number {
  let lost = 0;
  for (const [tp, low] of Object.entries(starts)) lost += Math.max(0, low - Math.max(0, committed[tp] ?? 0));
  return lost;
}

/** Messages per second from two samples of a group's summed committed offsets (null without a usable pair). */
export function rateOf(prev: Sample | undefined, cur: Sample, group: string): number | null {
  if (!prev || cur.at - prev.at < 200) return null;
  const a = prev.committed[group];
  const b = cur.committed[group];
  if (a === undefined || b === undefined) return null;
  return Math.max(0, ((b - a) * 1000) / (cur.at - prev.at));
}

const within = <T>(ms: number, p: Promise<T>, what: string) =>
  Promise.race([p, sleep(ms).then(() => Promise.reject(new Error(`${what}: no answer within ${ms} ms`)))]);

async function offsetsOf(admin: Admin, topic: string): Promise<{ ends: Offsets; starts: Offsets }> {
  const ends: Offsets = {};
  const starts: Offsets = {};
  for (const p of await admin.fetchTopicOffsets(topic).catch(() => [])) {
    ends[`${topic}/${p.partition}`] = Number(p.high);
    starts[`${topic}/${p.partition}`] = Number(p.low);
  }
  return { ends, starts };
}

async function groupOffsets(admin: Admin, cfg: Config, bolt: string) {
  const group = groupOf(cfg, bolt);
  const committed: Offsets = {};
  const got = await admin.fetchOffsets({ groupId: group }).catch(() => []);
  for (const t of got) for (const p of t.partitions) committed[`${t.topic}/${p.partition}`] = Number(p.offset);
  const topics = [...new Set([...(defaultTopics(cfg)[bolt] ?? []), ...got.map((t) => t.topic)])].sort();
  const all = await Promise.all(topics.map((t) => offsetsOf(admin, t)));
  const ends: Offsets = Object.assign({}, ...all.map((o) => o.ends));
  const starts: Offsets = Object.assign({}, ...all.map((o) => o.starts));
  const sum = Object.values(committed).reduce((s, o) => s + Math.max(0, o), 0);
  return { group, topics, lag: lagOf(ends, committed), lost: lostOf(starts, committed), sum };
}

async function kafkaPart(cfg: Config, admin: Admin, prev?: Sample) {
  const cluster = await admin.describeCluster();
  const groups = await Promise.all(BOLTS.map((b) => groupOffsets(admin, cfg, b)));
  const sample: Sample = { at: Date.now(), committed: Object.fromEntries(groups.map((g) => [g.group, g.sum])) };
  const dlqTopic = topicsOf(cfg).deadLetters;
  const byPartition = (o: Offsets) =>
    Object.fromEntries(Object.entries(o).map(([tp, n]) => [tp.slice(dlqTopic.length + 1), n]));
  const dlqOffsets = await offsetsOf(admin, dlqTopic);
  const dlq = Object.values(dlqOffsets.ends).reduce((s, o) => s + o, 0);
  const bolts = groups.map((g, i) => ({ bolt: BOLTS[i]!, ...g, rate: rateOf(prev, sample, g.group) }));
  return {
    cluster,
    bolts,
    sample,
    dlq,
    dlqStarts: byPartition(dlqOffsets.starts),
    dlqEnds: byPartition(dlqOffsets.ends),
  };
}

async function esPart(es: Client): Promise<Health["es"]> {
  try {
    const h = await es.cluster.health({}, { requestTimeout: 1500, maxRetries: 0 });
    const status = String(h.status).toLowerCase();
    return {
      ok: status !== "red",
      status,
      nodes: h.number_of_nodes,
      activeShards: h.active_shards,
      unassignedShards: h.unassigned_shards,
    };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** One probe. Pass the previous answer's `sample` for rates; `admin`/`es` to reuse connections (the dashboard);
 * `deadLetters` for the dead letters per bolt: its tally is brought up to date (replaced) by reading what is new, as
 * `reader` (make status: "status", the dashboard: "dashboard"; its consumer group btc-<reader>-dead-letters). */
export async function pipelineHealth(
  cfg: Config,
  opts: {
    admin?: Admin;
    es?: Client;
    previous?: Sample;
    timeoutMs?: number;
    deadLetters?: { reader: string; tally: Tally };
  } = {},
): Promise<Health> {
  const own = !opts.admin;
  const admin = opts.admin ?? kafkaClient(cfg, "pipeline-health").admin({ retry: { retries: 0 } });
  const esP = esPart(opts.es ?? esClient(cfg));
  const expected = cfg.kafka.brokers.length;
  let kafka: Health["kafka"];
  let k: Awaited<ReturnType<typeof kafkaPart>> | undefined;
  try {
    const probe = async () => {
      if (own) await admin.connect();
      return kafkaPart(cfg, admin, opts.previous);
    };
    k = await within(opts.timeoutMs ?? 1500, probe(), "kafka");
    const controller = k.cluster.controller;
    const ok = controller !== null && controller >= 0 && k.cluster.brokers.length >= expected;
    kafka = { ok, brokers: k.cluster.brokers.length, expected, controller };
  } catch (e) {
    kafka = { ok: false, brokers: 0, expected, controller: null, error: (e as Error).message };
  } finally {
    if (own) void admin.disconnect().catch(() => {});
  }
  const bolts = k?.bolts.map(({ sum: _s, ...b }) => b) ?? [];
  const dl = opts.deadLetters;
  if (dl && k) {
    const kafkaDl = kafkaClient(cfg, "pipeline-health-dead-letters");
    dl.tally = await updateTally(kafkaDl, cfg, dl.reader, dl.tally, k.dlqStarts, k.dlqEnds).catch(() => dl.tally);
  }
  return {
    at: Date.now(),
    bolts,
    deadLetters: k?.dlq ?? null,
    deadLetterBolts: dl && k ? summaryOf(dl.tally, k.dlqEnds) : null,
    kafka,
    es: await esP,
    sample: k?.sample ?? { at: Date.now(), committed: {} },
  };
}

async function main() {
  const cfg = configOrExit();
  const admin = kafkaClient(cfg, "pipeline-health").admin({ retry: { retries: 0 } });
  await admin.connect();
  const first = await pipelineHealth(cfg, { admin });
  await sleep(1000);
  const file = tallyFile(cfg, "status");
  const deadLetters = { reader: "status", tally: loadTally(file, topicsOf(cfg).deadLetters) };
  const h = await pipelineHealth(cfg, { admin, previous: first.sample, deadLetters });
  saveTally(file, deadLetters.tally);
  await admin.disconnect();
  console.log(JSON.stringify(h, null, 2));
  process.exit(h.kafka.ok && h.es.ok ? 0 : 1);
}

if (import.meta.main) main().catch(fatal);
