// The pipeline's health in one call, for the dashboard and `make status`: per bolt consumer group its lag (sum over
// its topics' partitions of end offset - committed offset), its rate (messages per second, from the change of its
// committed offsets between two samples), the dead letters (sum of the dead-letter topic's end offsets; with a
// tally, per bolt with the newest reason: dead-letters.ts reads what is new), and the clusters' health
// (Elasticsearch _cluster/health; Kafka brokers registered and the active controller).
// Every probe is bounded (1.5 s by default; the dead letters' read 8 s) so a cluster that is down makes the answer
// say so, never hang. Reads: Kafka offsets, the dead-letter topic when asked (no index). Env: KAFKA_BROKERS, ES_NODES
// (+ credentials), BTC_NAMESPACE.
// A read that fails or does not answer in time leaves that figure unknown (null, with the reason), never 0, and
// every bolt always has its entry.
// Run: `bun scripts/health/pipeline-health.ts` prints the JSON (two samples 1 s apart for the rates); `--lag` prints
// the total lag, or `unknown (<why>)` and exits 1 (make replay waits for 0).

import type { Client } from "@elastic/elasticsearch";
import type { Admin } from "kafkajs";
import { fatalOrUsage, toolArgs } from "../lib/args.ts";
import { type Config, configOrExit, topicsOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { sleep } from "../lib/log.ts";
import { loadTally, saveTally, summaryOf, type Tally, tallyFile, updateTally } from "./dead-letters.ts";
import {
  BOLTS,
  type BoltHealth,
  defaultTopics,
  groupFigures,
  groupOf,
  type Health,
  lagSummary,
  type Offsets,
  type Read,
  rateOf,
  type Sample,
  type TopicOffsets,
  type Unknown,
  unknownBolts,
  unknownText,
} from "./health-figures.ts";
import { topicIdOf } from "./topic-id.ts";

export * from "./health-figures.ts";

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, sleep(ms).then(() => Promise.reject(new TimeoutError(ms)))]);
class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}
/** Bound a read and keep its failure as a reason: `what` names what was not read (public), the error is the detail. */
const settle = <T>(ms: number, p: Promise<T>, what: string): Promise<Read<T>> =>
  within(ms, p).then(
    (value) => ({ ok: true as const, value }),
    (e) => ({
      ok: false as const,
      unknown:
        e instanceof TimeoutError
          ? { why: `no answer from Kafka within ${e.ms} ms (${what})` }
          : { why: `${what} could not be read`, detail: (e as Error).message },
    }),
  );

async function offsetsOf(admin: Admin, topic: string): Promise<TopicOffsets> {
  const ends: Offsets = {};
  const starts: Offsets = {};
  for (const p of await admin.fetchTopicOffsets(topic)) {
    ends[`${topic}/${p.partition}`] = Number(p.high);
    starts[`${topic}/${p.partition}`] = Number(p.low);
  }
  return { ends, starts };
}

async function groupOffsets(admin: Admin, cfg: Config, bolt: string, ms: number) {
  const group = groupOf(cfg, bolt);
  const got = await settle(ms, admin.fetchOffsets({ groupId: group }), "committed offsets");
  const committed: Read<Offsets> = got.ok ? { ok: true, value: {} } : got;
  if (got.ok && committed.ok)
    for (const t of got.value)
      for (const p of t.partitions) committed.value[`${t.topic}/${p.partition}`] = Number(p.offset);
  const read = got.ok ? got.value.map((t) => t.topic) : [];
  const topics = [...new Set([...(defaultTopics(cfg)[bolt] ?? []), ...read])].sort();
  const offsets = got.ok
    ? Object.fromEntries(
        await Promise.all(topics.map(async (t) => [t, await settle(ms, offsetsOf(admin, t), "end offsets")] as const)),
      )
    : {};
  const sum = committed.ok ? Object.values(committed.value).reduce((s, o) => s + Math.max(0, o), 0) : undefined;
  return { bolt, group, topics, ...groupFigures(committed, topics, offsets), sum };
}

async function kafkaPart(cfg: Config, admin: Admin, ms: number, prev?: Sample) {
  const dlqTopic = topicsOf(cfg).deadLetters;
  const [cluster, groups, dlqOffsets] = await Promise.all([
    settle(ms, admin.describeCluster(), "the cluster"),
    Promise.all(BOLTS.map((b) => groupOffsets(admin, cfg, b, ms))),
    settle(ms, offsetsOf(admin, dlqTopic), "dead-letter offsets"),
  ]);
  const known = groups.filter((g) => g.sum !== undefined).map((g) => [g.group, g.sum!]);
  const sample: Sample = { at: Date.now(), committed: Object.fromEntries(known) };
  const bolts: BoltHealth[] = groups.map(({ sum: _s, ...g }) => ({ ...g, rate: rateOf(prev, sample, g.group) }));
  const byPartition = (o: Offsets) =>
    Object.fromEntries(Object.entries(o).map(([tp, n]) => [tp.slice(dlqTopic.length + 1), n]));
  const dlq = dlqOffsets.ok
    ? {
        total: Object.values(dlqOffsets.value.ends).reduce((s, o) => s + o, 0),
        starts: byPartition(dlqOffsets.value.starts),
        ends: byPartition(dlqOffsets.value.ends),
      }
    : null;
  return { cluster, bolts, sample, dlq };
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
 * `reader` (make status: "status", the dashboard: "dashboard"; its consumer group btc-<reader>-dead-letters).
 * Each read is bounded by `timeoutMs`; what did not answer is unknown, with the reason, never 0 or left out. */
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
  const ms = opts.timeoutMs ?? 1500;
  const own = !opts.admin;
  const admin = opts.admin ?? kafkaClient(cfg, "pipeline-health").admin({ retry: { retries: 0 } });
  const esP = esPart(opts.es ?? esClient(cfg));
  const expected = cfg.kafka.brokers.length;
  const connected: Read<unknown> = own ? await settle(ms, admin.connect(), "a connection") : { ok: true, value: 0 };
  const k = connected.ok
    ? await kafkaPart(cfg, admin, ms, opts.previous).catch((e: Error) => ({ ok: false as const, error: e }))
    : undefined;
  if (own) void admin.disconnect().catch(() => {});
  const part = k && !("error" in k) ? k : undefined;
  const failed: Unknown | undefined = !connected.ok
    ? connected.unknown
    : part
      ? part.cluster.ok
        ? undefined
        : part.cluster.unknown
      : { why: "Kafka could not be asked", detail: k && "error" in k ? k.error.message : undefined };
  const bolts = part?.bolts ?? unknownBolts(cfg, failed!);
  const c = part?.cluster.ok ? part.cluster.value : undefined;
  const kafka: Health["kafka"] = c
    ? {
        ok: c.controller !== null && c.controller >= 0 && c.brokers.length >= expected,
        brokers: c.brokers.length,
        expected,
        controller: c.controller,
      }
    : { ok: false, brokers: null, expected, controller: null, error: unknownText(failed!) };
  const dl = opts.deadLetters;
  const dlq = part?.dlq;
  let dlError: string | undefined;
  if (dl && dlq) {
    // the topic's id, so that a re-created topic starts the tally over; not read: the tally stays, its rest unread
    const kafkaDl = kafkaClient(cfg, "pipeline-health-dead-letters");
    dl.tally = await topicIdOf(cfg, topicsOf(cfg).deadLetters, Math.max(ms, 3000))
      .then((id) => updateTally(kafkaDl, cfg, dl.reader, dl.tally, { id, ...dlq }))
      .catch((e: Error) => {
        dlError = e.message;
        return dl.tally;
      });
  }
  return {
    at: Date.now(),
    bolts,
    deadLetters: dlq?.total ?? null,
    deadLetterBolts: dl && dlq ? { ...summaryOf(dl.tally, dlq.ends), error: dlError } : null,
    kafka,
    es: await esP,
    sample: part?.sample ?? { at: Date.now(), committed: {} },
  };
}

async function main() {
  const { lag } = toolArgs("bun scripts/health/pipeline-health.ts [--lag]", { lag: { type: "boolean" } }).values;
  const cfg = configOrExit();
  if (lag) {
    // make replay: the total lag, or unknown with the reason (exit 1), never 0 for what was not read
    const total = lagSummary(await pipelineHealth(cfg, { timeoutMs: 5000 }));
    console.log(total);
    process.exit(/^\d+$/.test(total) ? 0 : 1);
  }
  const first = await pipelineHealth(cfg, { timeoutMs: 5000 });
  await sleep(1000);
  const file = tallyFile(cfg, "status");
  const deadLetters = { reader: "status", tally: loadTally(file, topicsOf(cfg).deadLetters) };
  const h = await pipelineHealth(cfg, { previous: first.sample, deadLetters, timeoutMs: 5000 });
  saveTally(file, deadLetters.tally);
  console.log(JSON.stringify(h, null, 2));
  process.exit(h.kafka.ok && h.es.ok && h.bolts.every((b) => b.lag !== null) ? 0 : 1);
}

if (import.meta.main) main().catch(fatalOrUsage);
