// Backups' decisions, no I/O: the snapshots' names, the bolts' committed offsets carried in a snapshot's metadata
// (Elasticsearch takes at most 1024 bytes there), which snapshots the retention deletes, and where each bolt's group
// resumes after a restore (the recorded offsets, checked against what Kafka still holds).
// Used by scripts/backup/snapshot.ts, restore.ts and schedule.ts.

/** Per bolt, its group's committed offset on each partition of its topic (index = partition; -1: none committed). */
export type Recorded = Record<string, number[]>;
/** What a snapshot records beside the indices: who took it and where every bolt's group stood just before. */
export type SnapshotMeta = { ns: string; suffix: string; at: number; offsets: Recorded };

/** Elasticsearch refuses a snapshot whose metadata is 1024 bytes or more. */
export const META_MAX_BYTES = 1023;

/** Every snapshot of a namespace starts with this (production: `btc-`; a test namespace `t-x`: `t-x-btc-`). */
export const snapshotPrefix = (ns: string) => `${ns ? `${ns}-` : ""}btc-`;

/** A snapshot's name: the prefix and the UTC time to the millisecond, lowercase as Elasticsearch wants it. */
export function snapshotName(ns: string, at: Date): string {
  const iso = at.toISOString(); // 2026-12-06T10:50:00.123Z
  return `${snapshotPrefix(ns)}${iso.slice(0, 10)}t${iso.slice(11, 23).replaceAll(":", "-").replace(".", "-")}z`;
}

/** The metadata object a snapshot carries (compact: offsets as comma-separated strings); throws when too big. */
export function encodeMeta(m: SnapshotMeta): Record<string, unknown> {
  const o = Object.fromEntries(Object.entries(m.offsets).map(([bolt, offs]) => [bolt, offs.join(",")]));
  const meta = { btc: 1, ns: m.ns, suffix: m.suffix, at: m.at, o };
  const bytes = Buffer.byteLength(JSON.stringify(meta));
  if (bytes > META_MAX_BYTES)
    throw new Error(`the bolts' offsets take ${bytes} bytes, more than a snapshot's metadata holds (1024)`);
  return meta;
}

/** The metadata of a snapshot taken by make snapshot, or undefined for any other snapshot. */
export function decodeMeta(meta: unknown): SnapshotMeta | undefined {
  const m = meta as { btc?: unknown; ns?: unknown; suffix?: unknown; at?: unknown; o?: Record<string, unknown> };
  if (m?.btc !== 1 || typeof m.ns !== "string" || typeof m.at !== "number" || typeof m.o !== "object") return undefined;
  const offsets: Recorded = {};
  for (const [bolt, s] of Object.entries(m.o ?? {})) {
    const offs = String(s).split(",").map(Number);
    if (!offs.every((n) => Number.isSafeInteger(n) && n >= -1)) return undefined;
    offsets[bolt] = offs;
  }
  return { ns: m.ns, suffix: typeof m.suffix === "string" ? m.suffix : "", at: m.at, offsets };
}

export type SnapshotRow = { name: string; state: string; startMs: number };

/** The newest successful snapshot (a PARTIAL one misses shards, a FAILED one everything). */
export const newestUsable = <T extends SnapshotRow>(rows: T[]): T | undefined =>
  [...rows].filter((r) => r.state === "SUCCESS").sort((a, b) => b.startMs - a.startMs)[0];

/** What the retention deletes: every finished snapshot but the newest `keep` successful ones (never one running). */
export function retentionDeletes(rows: SnapshotRow[], keep: number): string[] {
  const kept = new Set(
    [...rows]
      .filter((r) => r.state === "SUCCESS")
      .sort((a, b) => b.startMs - a.startMs)
      .slice(0, keep)
      .map((r) => r.name),
  );
  if (kept.size === 0) return []; // nothing good yet: keep whatever there is to look at
  return rows.filter((r) => !kept.has(r.name) && r.state !== "IN_PROGRESS").map((r) => r.name);
}

/** Where a partition of a topic stands in Kafka now. */
export type Log = { low: number; high: number };
export type Move = { bolt: string; topic: string; partitions: { partition: number; offset: number }[] };
export type ResetPlan = { moves: Move[]; replay: number; lost: string[]; notes: string[] };

/** Where each bolt's group resumes after a restore: the recorded offset, or the log start when nothing was committed
 * or the partition is new; records Kafka deleted since the snapshot (below the log start) are `lost`. */
export function resetPlan(recorded: Recorded, topicOf: (bolt: string) => string, logs: Record<string, Log[]>) {
  const plan: ResetPlan = { moves: [], replay: 0, lost: [], notes: [] };
  for (const [bolt, offs] of Object.entries(recorded)) {
    const topic = topicOf(bolt);
    const parts = logs[topic] ?? [];
    if (offs.length > parts.length)
      plan.notes.push(`${topic} has ${parts.length} partitions, the snapshot knew ${offs.length}`);
    const partitions = parts.map(({ low, high }, partition) => {
      const rec = offs[partition] ?? -1;
      let offset = rec < 0 ? low : rec;
      if (rec > high) {
        plan.notes.push(`${topic} partition ${partition} ends at ${high}, below the snapshot's ${rec} (re-created?)`);
        offset = low;
      } else if (rec >= 0 && rec < low) {
        plan.lost.push(`${topic} partition ${partition}: the snapshot resumes at ${rec}, Kafka's log starts at ${low}`);
        offset = low;
      }
      plan.replay += high - offset;
      return { partition, offset };
    });
    plan.moves.push({ bolt, topic, partitions });
  }
  return plan;
}

/** Records the bolts had still to read when the offsets were recorded (in flight at the snapshot). */
export function lagOf(recorded: Recorded, topicOf: (bolt: string) => string, logs: Record<string, Log[]>): number {
  let n = 0;
  for (const [bolt, offs] of Object.entries(recorded))
    (logs[topicOf(bolt)] ?? []).forEach(({ low, high }, p) => {
      n += Math.max(0, high - Math.max(low, offs[p] ?? -1));
    });
  return n;
}

/** Bytes for people: 1.2 MB. */
export function bytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  for (; n >= 1000 && i < units.length - 1; i++) n /= 1000;
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}
