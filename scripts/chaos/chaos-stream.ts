// The known stream of `make chaos`: hours of seeded simulated traffic in the live sources' wire formats (capture
// shape), made harder on purpose: repeated transactions, blocks racing at one height (1-block splits), a price
// every 10 s with some observations delivered late (after later ones), transactions delivered late across an hour,
// a day and a month boundary (the stream starts 2 h before a UTC month turns), and poison and hostile messages.
// Returns the lines in delivery order and who mined each block (the simulator's own draw: the ground truth).
// Pure: the same seed gives the same stream.

import { POOLS } from "../domain/pools.ts";
import type { Captured } from "../producers/capture.ts";
import { simulateChain, simulatePrices } from "../simulator/simulator.ts";
import { addressOf, utxMessage } from "../simulator/simulator-formats.ts";
import { hexOf, intOf, rngOf } from "../simulator/simulator-random.ts";

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

const WS_FEED = "blockchain.info/ws";
/** The hash of a `utx` message's text. */
export const hashOfUtx = (text: string) => (JSON.parse(text) as { x?: { hash?: string } }).x?.hash;

/** `n` transactions not in `stream` (seeded: the same for a seed), timed inside its span, as capture lines (at =
 * the transaction's own time, what the bolts read from it): the lines to add to the stream's reference figures. */
export function extraTransactions(o: ChaosStreamOptions, stream: Captured[], n = 40): Captured[] {
  const taken = new Set(
    stream.filter((l) => l.feed === WS_FEED && l.text.includes('"utx"')).map((l) => hashOfUtx(l.text)),
  );
  const rng = rngOf(o.seed ^ 0x50c3ce);
  const first = Math.ceil(o.startMs / 1000) + 1;
  const out: Captured[] = [];
  while (out.length < n) {
    const hash = hexOf(rng, 32);
    const timeSec = intOf(rng, first, Math.floor((o.startMs + o.hours * 3_600_000) / 1000) - 2);
    const outs = Array.from({ length: intOf(rng, 1, 3) }, () => ({ ...addressOf(rng), value: intOf(rng, 546, 5e8) }));
    const text = utxMessage(rng, { hash, timeSec, outs, fee: intOf(rng, 200, 20_000) });
    if (taken.has(hash)) continue;
    taken.add(hash);
    out.push({ at: timeSec * 1000, feed: WS_FEED, text });
  }
  return out.sort((a, b) => a.at - b.at);
}
