// One price tick, I/O injected: ask the sources in order until one gives a sound price. A source that errors,
// times out, or returns nonsense (non-numeric, zero, negative, a jump beyond the bound from the last accepted
// price) is skipped with its reason. If every source is refused for a jump on 3 ticks in a row, the market really
// moved: the reference is forgotten and the next sound price accepted.

import { jumpError, type Price, parsePrice } from "../domain/price-sources.ts";
import type { Captured } from "./capture.ts";

export type PriceState = { lastEur?: number; jumpOnlyTicks: number };
export type Fetched = { text: string; at: number } | { error: string };
export type TickResult = {
  accepted?: Captured & { price: Price };
  /** the bodies that arrived and were refused (captured, not published) */
  refused: Captured[];
  skipped: { feed: string; reason: string }[];
};

/** Judge one body against the state: the price, or why it is refused. */
export function judge(feed: string, text: string, state: PriceState, maxJumpPct: number): Price | { error: string } {
  const p = parsePrice(feed, text);
  if ("error" in p) return p;
  const jump = jumpError(p.eur, state.lastEur, maxJumpPct);
  return jump ? { error: jump } : p;
}

/** Record a tick's outcome in the state (mutates it). */
export function settle(state: PriceState, r: TickResult): void {
  if (r.accepted) {
    state.lastEur = r.accepted.price.eur;
    state.jumpOnlyTicks = 0;
  } else if (r.skipped.length > 0 && r.skipped.every((s) => s.reason.startsWith("jump"))) {
    if (++state.jumpOnlyTicks >= 3) {
      state.lastEur = undefined;
      state.jumpOnlyTicks = 0;
    }
  }
}

export async function pollOnce(
  feeds: readonly string[],
  fetchBody: (feed: string) => Promise<Fetched>,
  state: PriceState,
  maxJumpPct: number,
): Promise<TickResult> {
  const r: TickResult = { refused: [], skipped: [] };
  for (const feed of feeds) {
    const got = await fetchBody(feed);
    if ("error" in got) {
      r.skipped.push({ feed, reason: got.error });
      continue;
    }
    const price = judge(feed, got.text, state, maxJumpPct);
    if ("error" in price) {
      r.skipped.push({ feed, reason: price.error });
      r.refused.push({ feed, ...got });
      continue;
    }
    r.accepted = { feed, ...got, price };
    break;
  }
  settle(state, r);
  return r;
}
