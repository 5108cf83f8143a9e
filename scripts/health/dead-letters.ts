// Dead letters per bolt, for `make status` and the dashboard: the bolt of each record of p3-btc-dead-letters is its
// `dlq-bolt` header (lib/kafka.ts deadLetterMessage; the key stays the original record's), the reason `dlq-reason`,
// the time `dlq-at`. Counted by reading the topic itself (the truth, whatever restarted), from where the previous
// read stopped: a tally keeps per partition the next offset to read, per bolt the count and the newest reason, so a
// call reads only what is new (nothing when the end offsets did not move). Records deleted by retention before any
// read are counted apart (their bolt is unknown). The tally names the topic by its Kafka topic id (topic-id.ts): a
// re-created topic (another id, whatever its offsets; or an end below what was read) starts over.
// In: p3-btc-dead-letters, through the reader's own consumer group `btc-<reader>-dead-letters` (offsets never
// committed: the tally is the position). Out: nothing; make status keeps its tally in
// var/run/health/<namespace>/dead-letters-status.json, the dashboard in memory. Env: the Kafka variables.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { IHeaders, Kafka } from "kafkajs";
import { type Config, topicsOf } from "../lib/config.ts";
import { headerText } from "../lib/kafka.ts";

export type BoltLetters = { count: number; newestAt: number; newestReason: string };
export type Tally = {
  topic: string;
  /** the topic's Kafka topic id when it was read (a tally without one, from before ids, starts over) */
  topicId?: string;
  /** per partition, the next offset to read */
  next: Record<string, number>;
  bolts: Record<string, BoltLetters>;
  /** records deleted by retention before they were read (their bolt unknown) */
  deleted: number;
};
export type Offsets = Record<string, number>;
export type Range = { from: number; to: number };
export type Letter = { offset: string; headers?: IHeaders; timestamp: string };

export const emptyTally = (topic: string, topicId?: string): Tally => ({
  topic,
  topicId,
  next: {},
  bolts: {},
  deleted: 0,
});

/** What to read per partition, [from, to), and the tally to fold it into: a re-created topic (another topic id, an
 * end below what was read, or another name) starts again; a log start above what was read counts the skipped
 * records as deleted. */
export function planRead(prev: Tally, topic: string, topicId: string, starts: Offsets, ends: Offsets) {
  const reset =
    prev.topic !== topic || prev.topicId !== topicId || Object.entries(prev.next).some(([p, n]) => (ends[p] ?? 0) < n);
  const tally: Tally = reset ? emptyTally(topic, topicId) : structuredClone(prev);
  const ranges: Record<string, Range> = {};
  for (const [p, end] of Object.entries(ends)) {
    const start = starts[p] ?? 0;
    const next = tally.next[p] ?? 0;
    if (start > next) tally.deleted += start - next;
    tally.next[p] = Math.max(next, start);
    if (end > tally.next[p]!) ranges[p] = { from: tally.next[p]!, to: end };
  }
  return { tally, ranges };
}

/** Count one dead letter read from `partition` (records below the tally's position are already counted). */
export function foldLetter(t: Tally, partition: number, m: Letter): void {
  const offset = Number(m.offset);
  if (offset < (t.next[partition] ?? 0)) return;
  t.next[partition] = offset + 1;
  const bolt = headerText(m.headers, "dlq-bolt") || "(no dlq-bolt header)";
  const at = Number(headerText(m.headers, "dlq-at")) || Number(m.timestamp) || 0;
  t.bolts[bolt] ??= { count: 0, newestAt: 0, newestReason: "" };
  const b = t.bolts[bolt]!;
  b.count++;
  if (at >= b.newestAt) {
    b.newestAt = at;
    b.newestReason = headerText(m.headers, "dlq-reason") ?? "";
  }
}

/** Records in the topic not read yet (a read that ran out of time, or new since). */
export function unreadOf(t: Tally, ends: Offsets): number {
  return Object.entries(ends).reduce((s, [p, end]) => s + Math.max(0, end - (t.next[p] ?? 0)), 0);
}

/** Read the planned ranges into the tally (mutated in place, partition by partition), for at most `timeoutMs`; what
 * was not reached stays unread for the next call. */
export async function readRanges(
  kafka: Kafka,
  groupId: string,
  t: Tally,
  ranges: Record<string, Range>,
  timeoutMs: number,
): Promise<void> {
  const todo = new Set(Object.keys(ranges));
  if (todo.size === 0) return;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 6000,
    rebalanceTimeout: 6000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    retry: { retries: 2 },
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: t.topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      const check = (p: string) => {
        if ((t.next[p] ?? 0) >= ranges[p]!.to) todo.delete(p);
        if (todo.size === 0) resolve();
      };
      void consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const p = String(batch.partition);
            if (!ranges[p]) return;
            for (const m of batch.messages) if (Number(m.offset) < ranges[p]!.to) foldLetter(t, batch.partition, m);
            check(p);
          },
        })
        .catch(resolve);
      for (const [p, r] of Object.entries(ranges))
        consumer.seek({ topic: t.topic, partition: Number(p), offset: String(r.from) });
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => {});
  }
}

/** Bring a tally up to the topic's offsets (starts and ends per partition) and id: reads only what is new. */
export async function updateTally(
  kafka: Kafka,
  cfg: Pick<Config, "namespace">,
  reader: string,
  prev: Tally,
  topic: { id: string; starts: Offsets; ends: Offsets },
  timeoutMs = 8000,
): Promise<Tally> {
  const { tally, ranges } = planRead(prev, topicsOf(cfg).deadLetters, topic.id, topic.starts, topic.ends);
  const group = `${cfg.namespace ? `${cfg.namespace}-` : ""}btc-${reader}-dead-letters`;
  await readRanges(kafka, group, tally, ranges, timeoutMs);
  return tally;
}

/** Where a reader that does not stay up (make status) keeps its tally between runs. */
export const tallyFile = (cfg: Pick<Config, "healthDir">, reader: string) =>
  join(cfg.healthDir, `dead-letters-${reader}.json`);

/** A tally saved by a previous run (or an empty one). */
export function loadTally(file: string, topic: string): Tally {
  try {
    const t = JSON.parse(readFileSync(file, "utf8")) as Tally;
    return t.topic === topic && t.next && t.bolts ? t : emptyTally(topic);
  } catch {
    return emptyTally(topic);
  }
}

/** Save a tally (whole or not at all: written aside, then renamed); false when the folder is not writable. */
export function saveTally(file: string, t: Tally): boolean {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(t));
    renameSync(`${file}.${process.pid}`, file);
    return true;
  } catch {
    return false;
  }
}

export type DeadLetterSummary = {
  bolts: Array<{ bolt: string } & BoltLetters>;
  /** deleted by retention before they were read (bolt unknown) */
  deleted: number;
  /** in the topic but not read yet */
  unread: number;
  /** why this read stopped short (the topic's id or records not read), when it did */
  error?: string;
};

/** The per-bolt view of a tally (bolts by name), against the topic's end offsets. */
export function summaryOf(t: Tally, ends: Offsets): DeadLetterSummary {
  const bolts = Object.entries(t.bolts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([bolt, b]) => ({ bolt, ...b }));
  return { bolts, deleted: t.deleted, unread: unreadOf(t, ends) };
}

/** The dead-letter lines of make status: the total, then per bolt its count and newest reason. */
export function deadLetterLines(total: number | null, s: DeadLetterSummary | null, now = Date.now()): string[] {
  const out = [`  dead letters: ${total ?? "unknown"}`];
  for (const b of s?.bolts ?? [])
    out.push(
      `    ${b.bolt.padEnd(14)} ${String(b.count).padStart(8)}  newest ${new Date(b.newestAt).toISOString()} ` +
        `(${Math.round((now - b.newestAt) / 1000)} s ago): ${b.newestReason.replace(/[\s\p{Cc}]+/gu, " ").slice(0, 160)}`,
    );
  if (s?.deleted) out.push(`    ${s.deleted} deleted by retention before they were read (bolt unknown)`);
  if (s?.unread)
    out.push(
      `    ${s.unread} not read yet (${s.error ? `not read: ${s.error.slice(0, 160)}` : "the read ran out of time"}: run make status again)`,
    );
  return out;
}
