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
//      aggregation aggregates it whole again. The memory of an hour is used only while the stored document is
//      still the version this process wrote (domain/volume-memory.ts). Every write is guarded by the version of
//      the document read before computing (lib/doc-versions.ts: if_seq_no, or a create): when another writer came
//      first (an instance that held the hour before a repartition or a rebalance), the hour is computed again, so
//      the last write is the one computed last, whatever the update records' timestamps and offsets. Bad update
//      records, and an update whose document Elasticsearch refuses for good, go to p3-btc-dead-letters. No refresh
//      is forced: the writers of what it reads wait for theirs.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS.

import type { KafkaMessage } from "kafkajs";
import { priceIntervals } from "../domain/pricing.ts";
import { hourKey } from "../domain/rollups.ts";
import { countDrift, type Known, MinuteCache, stillCurrent, wholeHour } from "../domain/volume-memory.ts";
import {
  HOUR,
  hourDocOf,
  MINUTE,
  minutesFiguresOf,
  minutesOf,
  minutesRequest,
  parseUpdate,
  type Span,
} from "../domain/volume-minutes.ts";
import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedOf, runBolt, type Slice } from "../lib/consume.ts";
import { guardOf, storedVersions } from "../lib/doc-versions.ts";
import { esClient, withRetry } from "../lib/es.ts";
import { type BulkOp, bulkWrite } from "../lib/es-bulk.ts";
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

/** After this many conflicts in a row (other writers on the same hours), the slice fails and is consumed again. */
const MAX_CONFLICTS = 10;

export function handler(cfg: Config, es = esClient(cfg)) {
  const idx = indicesOf(cfg);
  const cache = new MinuteCache();
  return async (slice: Slice, ctx: BoltContext): Promise<Rejected[]> => {
    const { hours, rejected } = updatesOf(slice);
    let todo = [...hours.keys()];
    for (let attempt = 0; todo.length > 0; attempt++) {
      if (attempt === MAX_CONFLICTS)
        throw Object.assign(new Error(`btc-volume: ${todo.length} hours written by others ${attempt} times in a row`), {
          transient: true, // contention, not the records' fault (lib/settle.ts)
        });
      const stored = await storedVersions(es, idx.volume, todo.map(hourKey), cfg.bolt.retryMaxMs, ctx.heartbeat);
      const ops: BulkOp<number>[] = [];
      const computed = new Map<number, Known>();
      for (const hour of todo) {
        const u = hours.get(hour)!;
        const at = stored.get(hourKey(hour));
        const known = stillCurrent(cache.get(hour, ctx.assignment), at);
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
        const drift = known ? countDrift(known.minutes, minutes, minutesOf(hour, whole ? undefined : u.spans)) : [];
        if (drift.length > 0) log.warn("untouched minutes changed count", { hour: hourKey(hour), whole, drift });
        computed.set(hour, { minutes, wholeAt: whole ? Date.now() : known!.wholeAt });
        const doc = hourDocOf(hour, minutes.values(), Date.now());
        if (doc) ops.push({ ...guardOf(at), index: idx.volume, id: hourKey(hour), doc, ref: hour });
        else if (at)
          ops.push({
            op: "delete",
            index: idx.volume,
            id: hourKey(hour),
            ifSeqNo: at.seqNo,
            ifPrimaryTerm: at.primaryTerm,
            ref: hour,
          });
      }
      const written = new Map<number, Known["at"]>();
      const refused = await bulkWrite(es, ops, {
        retryMaxMs: cfg.bolt.retryMaxMs,
        onRetry: ctx.heartbeat,
        onWritten: (hour, at) => written.set(hour, at),
      });
      todo = refused.filter((r) => r.status === 409).map((r) => r.ref);
      for (const r of refused)
        if (r.status !== 409)
          rejected.push(rejectedOf(slice, hours.get(r.ref)!.last, `btc-volume refused: ${r.reason}`));
      for (const [hour, known] of computed)
        if (!todo.includes(hour)) cache.set(hour, { ...known, at: written.get(hour) });
      if (todo.length > 0)
        log.info("hours written by another writer meanwhile: computing them again", { hours: todo.map(hourKey) });
    }
    return rejected;
  };
}

async function main() {
  const cfg = configOrExit();
  await runBolt({ cfg, name: "volume", topics: [topicsOf(cfg).volumeUpdates], handle: handler(cfg) });
}

if (import.meta.main) main().catch(fatal);
