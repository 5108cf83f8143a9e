// make rebuild's decisions, no I/O: which history Kafka no longer holds that the current indices cover (the reason
// to refuse), whether the rebuild's consumer groups have caught up, and the lines that show it. Used by
// scripts/setup/rebuild-history.ts, rebuild-bolts.ts and rebuild.ts.

/** The rebuild's own consumer groups: each bolt's group with this suffix (BOLT_GROUP_SUFFIX of its bolts). */
export const REBUILD_GROUP_SUFFIX = "-rebuild";

/** Where a partition of a source topic starts now: its log start offset (records below it are deleted). */
export type LogStart = { topic: string; partition: number; start: number };

/** Documents of an index made from records that Kafka deleted, so the rebuild could not make them again: below a
 * partition's log start (`partition`, `start`), or without a Kafka position at all (`trimmed`: the partitions of
 * the topic whose log no longer starts at 0). */
export type Held = {
  topic: string;
  index: string;
  count: number;
  earliest: string;
  partition?: number;
  start?: number;
  trimmed?: number[];
};

/** The partitions whose log no longer starts at 0: only there can history be missing. */
export const trimmed = (starts: LogStart[]) => starts.filter((s) => s.start > 0);

/** What the refusal says: each partition, where Kafka starts, what the index holds from before it. */
export function refusalLines(held: Held[], allowed: boolean): string[] {
  if (held.length === 0) return [];
  const head = allowed
    ? "REBUILD_ALLOW_LOSS=yes: going on, and losing the history Kafka no longer holds:"
    : "refused: Kafka no longer holds history that the current indices cover, so a rebuild would lose it:";
  const lines = held.map((h) =>
    h.partition !== undefined
      ? `  ${h.topic} partition ${h.partition}: Kafka's log starts at offset ${h.start}; ${h.index} holds ${h.count} ` +
        `document(s) made from records before it (earliest: ${h.earliest})`
      : `  ${h.topic} partitions ${h.trimmed?.join(", ")} no longer start at offset 0; ${h.index} holds ${h.count} ` +
        `document(s) that do not say where their records are (${h.earliest}), so they may come from before`,
  );
  const tail = allowed
    ? []
    : [
        "nothing was changed. Keep the current indices (they are the only copy of that history), or rebuild anyway,",
        "knowingly losing it: REBUILD_ALLOW_LOSS=yes REBUILD_CONFIRM=yes make rebuild",
      ];
  return [head, ...lines, ...tail];
}

/** Offsets per "topic/partition". */
export type Offsets = Record<string, number>;

/** Records a group still has to read to reach `targets` (end offsets taken at some moment); nothing committed
 * counts from the log start. */
export function behind(targets: Offsets, committed: Offsets, starts: Offsets = {}): number {
  let n = 0;
  for (const [tp, end] of Object.entries(targets))
    n += Math.max(0, end - Math.max(starts[tp] ?? 0, committed[tp] ?? 0));
  return n;
}

/** One progress line: each rebuild bolt's lag (records it has still to read). */
export function progressLine(lags: Record<string, number>, elapsedMs: number): string {
  const parts = Object.entries(lags).map(([bolt, n]) => `${bolt} ${n}`);
  return `    ${Math.round(elapsedMs / 1000)} s, lag: ${parts.join(", ")}`;
}

/** The bolts in the order their records flow: sources first, then the rollups fed by the update topics. */
export const SOURCE_BOLTS = ["prices", "transactions", "blocks"] as const;
export const ROLLUP_BOLTS = ["volume", "miners"] as const;
