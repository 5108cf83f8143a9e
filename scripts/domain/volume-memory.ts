// The volume bolt's memory of the hours it aggregated: each minute's figures, when the hour was last aggregated
// whole, and the version of the hour's document its own write left. Pure, no I/O. The memory of an hour is used
// only while the stored document is still at that version: once any other writer (another instance holding the
// hour after a repartition, a rebuild) wrote it, or the group rebalanced, the hour is aggregated whole again.

import type { MinuteFigures } from "./volume-minutes.ts";

/** How many hours are kept (the oldest used is forgotten first). */
const KEPT_HOURS = 48;
/** An hour is aggregated whole again when an update comes this long after its last whole aggregation, so that a
 * minute read while a write was not yet visible everywhere heals as the whole-hour rollup always did, at one
 * whole-hour search per hour per 30 s. */
export const WHOLE_HOUR_EVERY_MS = 30_000;
export type Version = { seqNo: number; primaryTerm: number };
export type Known = { minutes: Map<number, MinuteFigures>; wholeAt: number; at?: Version };

export class MinuteCache {
  private hours = new Map<number, Known>();
  private assignment = -1;
  /** The hour's minutes, or undefined when unknown (never aggregated, or partitions may have moved since). */
  get(hour: number, assignment: number): Known | undefined {
    if (assignment !== this.assignment) {
      this.hours.clear();
      this.assignment = assignment;
    }
    return this.hours.get(hour);
  }
  set(hour: number, known: Known) {
    this.hours.delete(hour);
    this.hours.set(hour, known);
    if (this.hours.size > KEPT_HOURS) this.hours.delete(this.hours.keys().next().value!);
  }
}

/** The memory of an hour if the stored document is still the one it wrote (`stored`: the version read now). */
export function stillCurrent(known: Known | undefined, stored: Version | undefined): Known | undefined {
  return known && known.at?.seqNo === stored?.seqNo && known.at?.primaryTerm === stored?.primaryTerm
    ? known
    : undefined;
}

/** Whether an update re-aggregates the whole hour: unknown, whole-hour update, or the last whole one too old. */
export function wholeHour(known: Known | undefined, spans: unknown, now: number): boolean {
  return !known || !spans || now - known.wholeAt >= WHOLE_HOUR_EVERY_MS;
}

/** The minutes whose transaction count differs from what was known of them: [minute ISO, before, after]. Only
 * the minutes the update did not touch (`touched`) are compared, and a count there never changes: a difference
 * means a minute had been read short (a whole aggregation heals it) or was lost. */
export function countDrift(before: Map<number, MinuteFigures>, after: Map<number, MinuteFigures>, touched: number[]) {
  const out: Array<[string, number, number]> = [];
  for (const start of new Set([...before.keys(), ...after.keys()])) {
    const [was, now] = [before.get(start)?.count ?? 0, after.get(start)?.count ?? 0];
    if (was !== now && !touched.includes(start)) out.push([new Date(start).toISOString(), was, now]);
  }
  return out;
}
