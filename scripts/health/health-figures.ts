// The pipeline's health figures, pure: the bolts and their groups and topics, the types of a probe's answer (a
// figure not read is null with its reason: `Unknown`), and the arithmetic (lag, records lost to retention, rates, a
// group's figures from what could be read, the total lag make replay waits on). No I/O; pipeline-health.ts reads
// Kafka and Elasticsearch and re-exports all of this. No env.

import type { Config } from "../lib/config.ts";
import { topicsOf } from "../lib/config.ts";
import type { DeadLetterSummary } from "./dead-letters.ts";

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
/** Why a figure is unknown: `why` is safe to show anyone (no address, no internal name), `detail` is for operators. */
export type Unknown = { why: string; detail?: string };
export type BoltHealth = {
  bolt: string;
  group: string;
  topics: string[];
  /** null: unknown (see `unknown`), never 0 for what could not be read */
  lag: number | null;
  rate: number | null;
  /** records deleted (retention) before this group read them: log start above its committed offset; null: unknown */
  lost: number | null;
  unknown?: Unknown;
};
export type Health = {
  at: number;
  /** always one per bolt of BOLTS, in that order */
  bolts: BoltHealth[];
  deadLetters: number | null;
  /** per bolt, when a tally was given (null otherwise, or when Kafka did not answer) */
  deadLetterBolts: DeadLetterSummary | null;
  /** brokers and controller null: not known (Kafka did not answer; `error` says why) */
  kafka: { ok: boolean; brokers: number | null; expected: number; controller: number | null; error?: string };
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

/** A read that answered, or why it did not. */
export type Read<T> = { ok: true; value: T } | { ok: false; unknown: Unknown };
export type TopicOffsets = { ends: Offsets; starts: Offsets };

/** A group's lag and losses from what could be read: unknown, with the reason, as soon as one part is missing (its
 * committed offsets, a topic's offsets, an empty answer, a committed partition without an end offset). */
export function groupFigures(
  committed: Read<Offsets>,
  topics: string[],
  offsets: Record<string, Read<TopicOffsets>>,
): { lag: number | null; lost: number | null; unknown?: Unknown } {
  const unknown = (u: Unknown) => ({ lag: null, lost: null, unknown: u });
  if (!committed.ok) return unknown(committed.unknown);
  const ends: Offsets = {};
  const starts: Offsets = {};
  for (const t of topics) {
    const o = offsets[t];
    if (!o) return unknown({ why: "a topic's offsets were not read", detail: t });
    if (!o.ok) return unknown(o.unknown);
    if (Object.keys(o.value.ends).length === 0) return unknown({ why: "Kafka gave no end offsets", detail: t });
    Object.assign(ends, o.value.ends);
    Object.assign(starts, o.value.starts);
  }
  const orphan = Object.keys(committed.value).find((tp) => ends[tp] === undefined);
  if (orphan) return unknown({ why: "no end offset for a partition the group committed", detail: orphan });
  return { lag: lagOf(ends, committed.value), lost: lostOf(starts, committed.value) };
}

/** The total lag, or "unknown (<bolt>: <why>)" when one bolt's is (make replay waits for "0"). */
export function lagSummary(h: Pick<Health, "bolts">): string {
  const u = h.bolts.find((b) => b.lag === null);
  if (u || h.bolts.length < BOLTS.length)
    return `unknown (${u ? `${u.bolt}: ${unknownText(u.unknown ?? { why: "not read" })}` : "a bolt is missing"})`;
  return String(h.bolts.reduce((s, b) => s + (b.lag ?? 0), 0));
}

/** An unknown's text for operators: why, and the detail when there is one. */
export const unknownText = (u: Unknown) => `${u.why}${u.detail ? `; ${u.detail}` : ""}`;

/** Every bolt's line when Kafka could not be asked at all. */
export const unknownBolts = (cfg: Config, u: Unknown): BoltHealth[] =>
  BOLTS.map((bolt) => ({
    bolt,
    group: groupOf(cfg, bolt),
    topics: defaultTopics(cfg)[bolt] ?? [],
    lag: null,
    rate: null,
    lost: null,
    unknown: u,
  }));
