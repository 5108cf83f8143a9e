// The known stream of `make chaos`: hours of seeded simulated traffic in the live sources' wire formats (capture
// shape), made harder on purpose: repeated transactions, blocks racing at one height (1-block splits), a price
// every 10 s with some observations delivered late (after later ones), transactions delivered late across an hour,
// a day and a month boundary (the stream starts 2 h before a UTC month turns), and poison and hostile messages.
// Returns the lines in delivery order and who mined each block (the simulator's own draw: the ground truth).
// Pure: the same seed gives the same stream.

import { POOLS } from "../domain/pools.ts";
import type { Captured } from "./capture.ts";
import { simulateChain, simulatePrices } from "./simulator.ts";
import { rngOf } from "./simulator-random.ts";

export type ChaosStreamOptions = { seed: number; startMs: number; hours: number; rate: number };

const PRICE_EVERY_MS = 10_000;
const LATE_PRICE_SHARE = 0.02;
const LATE_PRICE_MS = 15 * 60_000;
const LATE_TX_MS = 25 * 60_000;

/** Poison and hostile messages, each one the bolts must dead-letter (and never count). */
export function poisonLines(at: number): Captured[] {
  const ws = "blockchain.info/ws";
  const utx = (x: unknown) => JSON.stringify({ op: "utx", x });
  const hash = (c: string) => c.repeat(64);
  return [
    { at, feed: ws, text: "{not json" },
    { at, feed: ws, text: utx({ hash: hash("a"), time: Math.floor(at / 1000), out: [{ value: -5 }] }) },
    {
      at,
      feed: ws,
      text: utx({ hash: hash("b"), time: Math.floor(at / 1000), out: [{ value: 2_100_000_000_000_001 }] }),
    },
    {
      at,
      feed: ws,
      text: utx({ hash: "<script>alert(1)</script>", time: Math.floor(at / 1000), out: [{ value: 1 }] }),
    },
    { at, feed: "blockchain.info/ticker", text: '{"EUR":{"last":"abc"}}' },
    { at, feed: "blockchain.info/ticker", text: "<html>502 Bad Gateway</html>" },
  ];
}

/** The chaos stream, in the order it is delivered, and the miner of each block by hash. */
export function chaosStream(o: ChaosStreamOptions): { lines: Captured[]; minerOf: Map<string, string> } {
  const end = o.startMs + o.hours * 3_600_000;
  const rng = rngOf(o.seed ^ 0xc4a05);
  const minerOf = new Map<string, string>();
  const timed: Captured[] = [];
  const chain = simulateChain({
    seed: o.seed,
    startMs: o.startMs + 1,
    rate: o.rate,
    blockSeconds: 600,
    pools: POOLS,
    repeatProb: 0.01,
    forkProb: 0.15,
  });
  for (const c of chain) {
    if (c.at >= end) break;
    if (c.truth) minerOf.set(c.truth.hash, c.truth.miner);
    const { truth: _, ...line } = c;
    // late across a boundary: some transactions made in the last 10 minutes of an hour arrive 25 minutes later
    const late = c.feed === "blockchain.info/ws" && c.text.includes('"op":"utx"') && c.at % 3_600_000 > 3_000_000;
    timed.push(late && rng() < 0.05 ? { ...line, at: c.at + LATE_TX_MS } : line);
  }
  const prices = simulatePrices({ seed: o.seed });
  for (let at = o.startMs; at < end; at += PRICE_EVERY_MS) {
    const text = prices.next().value as string;
    const late = at > o.startMs && rng() < LATE_PRICE_SHARE;
    // a late observation keeps its own time (received-at) but is delivered after later ones
    timed.push({ at, feed: "blockchain.info/ticker", text, ...(late ? { deliverAt: at + LATE_PRICE_MS } : {}) });
  }
  const every = Math.floor((end - o.startMs) / 7);
  for (let i = 1; i <= 6; i++) timed.push(...poisonLines(o.startMs + i * every));
  // a last observation after everything, so every amount can be valued (what comes after the last price waits)
  const last = Math.max(...timed.map((c) => (c as { deliverAt?: number }).deliverAt ?? c.at)) + 1000;
  timed.push({ at: last, feed: "blockchain.info/ticker", text: prices.next().value as string });
  const deliverAt = (c: Captured) => (c as { deliverAt?: number }).deliverAt ?? c.at;
  const lines = timed
    .map((c, i) => ({ c, i }))
    .sort((a, b) => deliverAt(a.c) - deliverAt(b.c) || a.i - b.i)
    .map(({ c }) => {
      const { deliverAt: _, ...line } = c as Captured & { deliverAt?: number };
      return line;
    });
  return { lines, minerOf };
}
