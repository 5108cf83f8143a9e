// Volume bolt (group btc-volume): the hourly volume and maximum, in satoshis and in EUR, from the raw transactions.
// In: p3-btc-volume-updates (key = an hour as ISO; one partition per hour, so one writer per hour, as Storm's
//     fields grouping; value = the hour, or `hour/from/to`: the span of it that changed). Sent by the transactions
//     bolt once its writes are searchable, and by the prices bolt for the spans a price observation re-values.
// Out: btc-volume, id = hour ISO: count, volume and largest in satoshis (exact) and BTC; in EUR by an as-of join
//      (domain/volume-minutes.ts): each minute of the hour cut into the intervals on which one price holds
//      (btc-value, up to the price stream's watermark), one aggregation of btc-raw-transactions with a sum and
//      maximum per interval, each times its price, summed exactly over the minutes and rounded once to the cent;
//      what lies past the watermark is pending. Only the minutes an update touched are aggregated again: the
//      others come from this process's memory of the hour, which is forgotten whenever the group rebalances (a
//      restart or a new assignment starts with the whole hour); an update 30 s or more after the hour's last whole
//      aggregation aggregates it whole again. Written with an external version that grows along
//      the update topic (lib/consume.ts updateVersion), so a stale write from an instance that lost the partition
//      never overwrites a newer one. Bad update records, and an update whose document Elasticsearch refuses for
//      good, go to p3-btc-dead-letters. No refresh is forced: the writers of what it reads wait for theirs.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS.

import type { KafkaMessage } from "kafkajs";
import { priceIntervals } from "../domain/pricing.ts";
import { hourKey } from "../domain/rollups.ts";
import {
  HOUR,
  hourDocOf,
  MINUTE,
  type MinuteFigures,
  minutesFiguresOf,
  minutesOf,
  minutesRequest,
  parseUpdate,
  type Span,
} from "../domain/volume-minutes.ts";
import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedOf, runBolt, type Slice, updateVersion } from "../lib/consume.ts";
import { type BulkOp, bulkWrite, esClient, withRetry } from "../lib/es.ts";
import type { Rejected } from "../lib/kafka.ts";
import { fatal, log } from "../lib/log.ts";
import { priceWindow } from "../lib/price-index.ts";

/** Per valid hour of a slice: its last update record and the spans it changed (undefined: the whole hour). */
export function updatesOf(slice: Slice) {
  const hours = new Map<number, { last: KafkaMessage; spans?: Span[] }>();
  const rejected: Rejected[] = [];
  for (const m of slice.messages) {
    const u = parseUpdate(m.value?.toString("utf8") ?? "");
    if (!u) {
      rejected.push(rejectedOf(slice, m, "not an hour in ISO form, nor hour/from/to"));
      continue;
    }
    const prev = hours.get(u.hour);
    const spans = !u.span || (prev && !prev.spans) ? undefined : [...(prev?.spans ?? []), u.span];
    hours.set(u.hour, { last: m, spans });
  }
  return { hours, rejected };
}

/** The figures of the minutes of the hours this process has aggregated since it was last assigned partitions, and
 * when each hour was last aggregated whole. */
const KEPT_HOURS = 48;
/** An hour is aggregated whole again when an update comes this long after its last whole aggregation, so that a
 * minute read while a write was not yet visible everywhere (a create answered 409 by a retry while the first try
 * was still being indexed) heals as the whole-hour rollup always did, at one whole-hour search per hour per 30 s. */
export const WHOLE_HOUR_EVERY_MS = 30_000;
type Known = { minutes: Map<number, MinuteFigures>; wholeAt: number };
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

export function handler(cfg: Config, es = esClient(cfg)) {
  const idx = indicesOf(cfg);
  const cache = new MinuteCache();
  return async (slice: Slice, ctx: BoltContext): Promise<Rejected[]> => {
    const { hours, rejected } = updatesOf(slice);
    const ops: BulkOp<number>[] = [];
    for (const [hour, u] of hours) {
      const known = cache.get(hour, ctx.assignment);
      const whole = wholeHour(known, u.spans, Date.now());
      const window = await priceWindow(es, cfg, hour, hour + HOUR, ctx.heartbeat);
      const plan = minutesOf(hour, whole ? undefined : u.spans).map((start) => ({
        start,
        intervals: priceIntervals(window, start, start + MINUTE).intervals,
      }));
      const res = await withRetry(
        "volume aggregation",
        () => es.search({ index: idx.rawTransactions, ...minutesRequest(hour, plan) } as never),
        cfg.bolt.retryMaxMs,
        ctx.heartbeat,
      );
      const minutes = new Map(whole ? [] : known?.minutes);
      for (const [start, f] of minutesFiguresOf(plan, res.aggregations as never))
        f ? minutes.set(start, f) : minutes.delete(start);
      const drift = known ? countDrift(known.minutes, minutes, u.spans ? minutesOf(hour, u.spans) : []) : [];
      if (drift.length > 0) log.warn("untouched minutes changed count", { hour: hourKey(hour), whole, drift });
      cache.set(hour, { minutes, wholeAt: whole ? Date.now() : known!.wholeAt });
      const doc = hourDocOf(hour, minutes.values(), Date.now());
      ops.push({
        op: doc ? "index" : "delete",
        index: idx.volume,
        id: hourKey(hour),
        doc: doc ?? undefined,
        version: updateVersion(u.last),
        ref: hour,
      });
    }
    const refused = await bulkWrite(es, ops, { retryMaxMs: cfg.bolt.retryMaxMs, onRetry: ctx.heartbeat });
    for (const r of refused)
      rejected.push(rejectedOf(slice, hours.get(r.ref)!.last, `btc-volume refused: ${r.reason}`));
    return rejected;
  };
}

async function main() {
  const cfg = configOrExit();
  await runBolt({ cfg, name: "volume", topics: [topicsOf(cfg).volumeUpdates], handle: handler(cfg) });
}

if (import.meta.main) main().catch(fatal);
