// The price in effect at a time, from the price observations (btc-value), and when a time may be valued: pure.
// Rule (issue 4): the last observation at or before t, or the earliest one when t is before all of them; a time is
// valued only once the price stream has passed it (an observation later than t has been consumed), so a lagging
// price consumer or a replay at any speed gives the same EUR figures. No I/O here.

export type Observation = { time: number; eur: number; source: string };

/** The observations a valuation may use, as one consistent snapshot of btc-value (see bolts/valuation.ts). */
export type PriceSnapshot = {
  /** time of the latest observation consumed (undefined: none yet) */
  latest: number | undefined;
  /** observations sorted by (time, source): the one in effect at the window's start, then the window's */
  prices: Observation[];
  /** the list is complete for times below this (the window's end, or the last one returned when truncated) */
  completeBelow: number;
};

/** Observation order: time, then source (two sources at one millisecond still give one answer). */
export function byTime(a: Observation, b: Observation): number {
  return a.time - b.time || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);
}

/** The observation in effect at t: the last at or before t, else the earliest. `prices` sorted by byTime. */
export function priceAt(prices: Observation[], t: number): Observation | undefined {
  let lo = 0;
  let hi = prices.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (prices[mid]!.time <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return prices[found === -1 ? 0 : found];
}

/** The observation to value time t with, or undefined while the price stream has not passed t. */
export function valuationAt(snap: PriceSnapshot, t: number): Observation | undefined {
  if (snap.latest === undefined || !(t < snap.latest) || !(t < snap.completeBelow)) return undefined;
  return priceAt(snap.prices, t);
}
