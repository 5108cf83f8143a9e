// The plain reference of the Kibana panel tests: the figures each panel must show for a time range, computed from
// tests/kibana-fixture.ts with plain loops. A period (hour, day, month) is shown when it overlaps the range:
// start <= max and its end > min; prices are the mean of the observations inside the range, per bucket.

import { MINERS, VALUE, VOLUME } from "./kibana-fixture.ts";
import type { Range } from "./kibana-vega.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Reference: the volume hours overlapping the range, in order. */
export const hoursOf = (r: Range) => VOLUME.filter((v) => v.hour <= r.max && v.hour + HOUR > r.min);

/** Reference: top 5 miners (reward desc, name asc) of each day or month overlapping the range, pills applied. */
export function minersOf(period: "day" | "month", unit: "btc" | "eur", r: Range, keep = (_m: string) => true) {
  const next = (t: number) => {
    const d = new Date(t);
    return period === "day" ? t + DAY : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  };
  const docs = MINERS.filter((m) => m.period === period && m.start <= r.max && next(m.start) > r.min && keep(m.miner));
  const reward = (m: (typeof MINERS)[number]) => (unit === "btc" ? m.reward_sat / 1e8 : m.reward_eur_cents / 100);
  return [...new Set(docs.map((m) => m.start))]
    .sort((a, b) => a - b)
    .flatMap((s) =>
      docs
        .filter((m) => m.start === s)
        .sort((a, b) => reward(b) - reward(a) || (a.miner < b.miner ? -1 : 1))
        .slice(0, 5)
        .map((m) => [s, m.miner, reward(m)]),
    );
}

/** Reference: the mean price of each bucket [k, k + width) from the range's first, observations inside the range. */
export function pricesOf(r: Range, first: number, width: number) {
  const out: Array<[number, number | null]> = [];
  for (let k = first; k <= r.max; k += width) {
    const eur = VALUE.filter((v) => v.time >= Math.max(k, r.min) && v.time < k + width && v.time <= r.max).map(
      (v) => v.eur,
    );
    out.push([k, eur.length ? eur.reduce((a, b) => a + b) / eur.length : null]);
  }
  return out;
}
