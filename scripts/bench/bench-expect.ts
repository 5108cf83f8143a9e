// What the bench's paced steps published, and what btc-volume must therefore hold: plain loops over the
// transactions and prices as they were sent (no code of the bolts or of scripts/domain), EUR in BigInt from the
// prices' decimal text, rounded once half up to the cent. Also the freshness watchers: how long after a send the
// hour counts a transaction, or values everything before a price.

import type { Config } from "../lib/config.ts";
import { indicesOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { sleep } from "../lib/log.ts";

const HOUR_MS = 3_600_000;
export const hourOfMs = (ms: number) => ms - (ms % HOUR_MS);
const iso = (ms: number) => new Date(ms).toISOString();
const PER_CENT = 100_000_000_000_000n; // 1e-16 EUR (satoshi x 1e-8 EUR/BTC) per cent

type Field = "tx_count" | "priced_count";

export type HourFigures = {
  tx_count: number;
  volume_sat: number;
  max_sat: number;
  volume_eur_cents: number;
  max_eur_cents: number;
};

export class Expected {
  private prices: Array<{ at: number; e8: bigint }> = [];
  private hours = new Map<number, { times: number[]; sats: number[] }>();

  /** A price sent, received at `at`, as its decimal text ("90012.34"). */
  price(at: number, eur: string) {
    const [whole, frac = ""] = eur.split(".");
    this.prices.push({ at, e8: BigInt(whole!) * 100_000_000n + BigInt(frac.padEnd(8, "0")) });
    this.prices.sort((a, b) => a.at - b.at);
  }

  /** Messages whose hash had been sent before: counted once, at their first sending, as the platform must. */
  repeats = 0;
  private seen = new Set<string>();

  /** A `utx` message sent. */
  tx(text: string) {
    const x = (JSON.parse(text) as { x: { hash: string; time: number; out: Array<{ value: number }> } }).x;
    if (this.seen.has(x.hash)) {
      this.repeats++;
      return;
    }
    this.seen.add(x.hash);
    const time = x.time * 1000;
    let sat = 0;
    for (const o of x.out) sat += o.value;
    const h = this.hours.get(hourOfMs(time)) ?? { times: [], sats: [] };
    this.hours.set(hourOfMs(time), h);
    h.times.push(time);
    h.sats.push(sat);
  }

  /** Transactions of an hour sent so far, or those before `before`. */
  countOf(hour: number, before = Number.POSITIVE_INFINITY): number {
    const h = this.hours.get(hour);
    if (!h) return 0;
    let n = 0;
    for (const t of h.times) if (t < before) n++;
    return n;
  }

  /** The last price at or before t, else the earliest. */
  private e8At(t: number): bigint {
    let p = this.prices[0]!.e8;
    for (const x of this.prices) if (x.at <= t) p = x.e8;
    return p;
  }

  figures(): Map<string, HourFigures> {
    const out = new Map<string, HourFigures>();
    for (const [hour, h] of this.hours) {
      let sum = 0n;
      let maxE16 = 0n;
      let volume = 0;
      let max = 0;
      h.times.forEach((t, i) => {
        const sat = h.sats[i]!;
        const e16 = BigInt(sat) * this.e8At(t);
        sum += e16;
        if (e16 > maxE16) maxE16 = e16;
        volume += sat;
        if (sat > max) max = sat;
      });
      const cents = (e16: bigint) => Number((e16 + PER_CENT / 2n) / PER_CENT);
      out.set(iso(hour), {
        tx_count: h.times.length,
        volume_sat: volume,
        max_sat: max,
        volume_eur_cents: cents(sum),
        max_eur_cents: cents(maxE16),
      });
    }
    return out;
  }

  /** The freshness waits not yet satisfied, all polled by one search every 25 ms (one poll per waiter would make
   * the measurement itself a good part of Elasticsearch's load at x10). */
  private waits: Array<{ hour: number; field: Field; n: number; since: number; done: (e?: Error) => void }> = [];

  /** Resolves when the hour's document is searchable with at least `n` transactions (`priced`: priced ones). */
  private until(cfg: Config, hour: number, field: Field, n: number) {
    return new Promise<void>((resolve, reject) => {
      this.waits.push({ hour, field, n, since: Date.now(), done: (e) => (e ? reject(e) : resolve()) });
      if (this.waits.length === 1) void this.poll(cfg);
    });
  }

  private async poll(cfg: Config) {
    const es = esClient(cfg);
    while (this.waits.length > 0) {
      const ids = [...new Set(this.waits.map((w) => iso(w.hour)))];
      const r = await es
        .search<Record<Field, number>>({
          index: indicesOf(cfg).volume,
          size: ids.length,
          query: { ids: { values: ids } },
        })
        .catch(() => undefined);
      const docs = new Map((r?.hits.hits ?? []).map((h) => [h._id, h._source]));
      this.waits = this.waits.filter((w) => {
        if ((docs.get(iso(w.hour))?.[w.field] ?? -1) >= w.n) w.done();
        else if (Date.now() - w.since > 120_000)
          w.done(new Error(`hour ${iso(w.hour)}: ${w.field} ${w.n} not searchable after 120 s`));
        else return true;
        return false;
      });
      await sleep(25);
    }
  }

  /** ms from `acked` to the hour counting every transaction of it sent so far, pushed into `out`. */
  async whenCounted(cfg: Config, hour: number, acked: number, out: number[]) {
    await this.until(cfg, hour, "tx_count", this.countOf(hour));
    out.push(Date.now() - acked);
  }

  /** ms from `acked` (a price received at `at`) to its hour valuing every transaction before it, pushed into `out`. */
  async whenPriced(cfg: Config, at: number, acked: number, out: number[]) {
    const hour = hourOfMs(at);
    await this.until(cfg, hour, "priced_count", this.countOf(hour, at));
    out.push(Date.now() - acked);
  }
}

/** The hours whose btc-volume document differs from the expected figures (or is pending), after waiting up to
 * `timeoutMs` for them to settle; empty when all is exact. */
export async function volumeMismatches(cfg: Config, want: Expected, timeoutMs: number): Promise<string[]> {
  const expected = want.figures();
  const es = esClient(cfg);
  let bad: string[] = [];
  for (const t0 = Date.now(); Date.now() - t0 < timeoutMs; await sleep(1000)) {
    const res = await es.mget<Record<string, number>>({ index: indicesOf(cfg).volume, ids: [...expected.keys()] });
    bad = [];
    for (const d of res.docs) {
      const w = expected.get(d._id)!;
      const got = "found" in d && d.found ? d._source! : undefined;
      const keys = Object.keys(w) as Array<keyof HourFigures>;
      const off = keys.filter((k) => got?.[k] !== w[k]);
      if (got?.pending_count !== 0) off.push("pending_count" as never);
      if (off.length > 0) bad.push(`${d._id}: ${off.map((k) => `${k} ${got?.[k]} != ${w[k] ?? 0}`).join(", ")}`);
    }
    if (bad.length === 0) return bad;
  }
  return bad;
}
