// The simulator: realistic synthetic traffic in the live sources' wire formats, as pure generators of
// {at, feed, text} (the capture's shape) that take the clock and the seed as arguments, so a run is reproducible.
// - transactions: a Poisson stream at rate x 7 tx/s; values log-normal (median ~0.005 BTC, sigma 2.3: most small,
//   rare whales, capped at 5,000 BTC) split over 1-5 outputs; ~0.2% are notified twice (0.1-5 s later);
// - blocks: exponential gaps of mean blockSeconds; pool drawn by hashrate share (simulator-random.ts); reward =
//   subsidyAt(height) + fees; the announcement, then 0.2-1.5 s later the /rawblock body; ~0.3% of heights get a
//   second, competing block (main_chain false) a few seconds later;
// - prices: a EUR random walk (per 10 s tick, sigma 0.06%, pulled weakly back to its start) as /ticker bodies.

import { subsidyAt } from "../domain/bitcoin.ts";
import type { Captured } from "../producers/capture.ts";
import {
  addressOf,
  blockMessage,
  type Output,
  rawblockBody,
  type SimBlock,
  tickerBody,
  utxMessage,
} from "./simulator-formats.ts";
import {
  expOf,
  hexOf,
  intOf,
  normalOf,
  type Pool,
  poolShares,
  type Rng,
  rngOf,
  weightedIndex,
} from "./simulator-random.ts";

export const REAL_TX_PER_SECOND = 7;
/** Height 840,000 (the fourth halving) was mined at this time; heights are extrapolated from it at 600 s a block. */
const H840K_MS = Date.UTC(2024, 3, 20, 0, 9, 27);

export type ChainOptions = {
  seed: number;
  startMs: number;
  rate: number;
  blockSeconds: number;
  pools: readonly Pool[];
  startHeight?: number;
  repeatProb?: number;
  forkProb?: number;
};

/** A realistic height for a time. */
export const heightAt = (ms: number) => 840_000 + Math.max(0, Math.floor((ms - H840K_MS) / 600_000));

const OUTPUT_COUNT_WEIGHTS = [0.15, 0.6, 0.12, 0.07, 0.06];

/** A transaction's outputs: total value log-normal, split over 1 to 5 outputs. */
export function outputsOf(rng: Rng): Output[] {
  const total = Math.max(546, Math.min(5000e8, Math.round(500_000 * Math.exp(2.3 * normalOf(rng)))));
  const n = weightedIndex(rng, OUTPUT_COUNT_WEIGHTS) + 1;
  const outs: Output[] = [];
  let left = total;
  for (let i = 0; i < n; i++) {
    const value = i === n - 1 ? left : Math.floor(left * rng() * 0.9);
    left -= value;
    outs.push({ ...addressOf(rng), value });
  }
  return outs;
}

/** Transactions and blocks, in time order, forever (take what you need). */
export function* simulateChain(o: ChainOptions): Generator<Captured> {
  const rng = rngOf(o.seed);
  const shares = poolShares(o.pools);
  const weights = shares.map((s) => s.share);
  const txMeanMs = 1000 / (REAL_TX_PER_SECOND * o.rate);
  const blockMeanMs = o.blockSeconds * 1000;
  let height = o.startHeight ?? heightAt(o.startMs);
  let tip = `00000000000000000001${hexOf(rng, 22)}`;
  let nextTx = o.startMs + expOf(rng, txMeanMs);
  let nextBlock = o.startMs + expOf(rng, blockMeanMs);
  const pending: Captured[] = [];
  const later = (c: Captured) => {
    const i = pending.findIndex((p) => p.at > c.at);
    pending.splice(i < 0 ? pending.length : i, 0, c);
  };
  const makeBlock = (at: number, h: number, prevHash: string, mainChain: boolean): SimBlock => {
    const pool = shares[weightedIndex(rng, weights)]!.pool;
    const nTx = Math.max(1, Math.round(3500 + 900 * normalOf(rng)));
    const fee = Math.round(nTx * 1000 * Math.exp(0.5 * normalOf(rng)));
    const payoutAddr = pool.addresses.length > 0 ? pool.addresses[intOf(rng, 0, pool.addresses.length - 1)] : undefined;
    const payout = payoutAddr ? { addr: payoutAddr, script: addressOf(rng).script } : addressOf(rng);
    const hash = `00000000000000000000${hexOf(rng, 22)}`;
    return {
      hash,
      prevHash,
      height: h,
      timeSec: Math.floor(at / 1000) - intOf(rng, 0, 30),
      nTx,
      fee,
      reward: subsidyAt(h) + fee,
      tag: pool.tags[0]!,
      payout,
      mainChain,
      pool: pool.name,
    };
  };
  const announce = (at: number, b: SimBlock) => {
    later({ at, feed: "blockchain.info/ws", text: blockMessage(rng, b), truth: { hash: b.hash, miner: b.pool! } });
    later({ at: at + 200 + rng() * 1300, feed: "blockchain.info/rawblock", text: rawblockBody(rng, b) });
  };
  for (;;) {
    const first = pending[0];
    if (first && first.at <= nextTx && first.at <= nextBlock) {
      yield pending.shift()!;
    } else if (nextTx <= nextBlock) {
      const at = nextTx;
      nextTx += expOf(rng, txMeanMs);
      const text = utxMessage(rng, {
        hash: hexOf(rng, 32),
        timeSec: Math.floor(at / 1000),
        outs: outputsOf(rng),
        fee: intOf(rng, 200, 20_000),
      });
      if (rng() < (o.repeatProb ?? 0.002)) later({ at: at + 100 + rng() * 4900, feed: "blockchain.info/ws", text });
      yield { at, feed: "blockchain.info/ws", text };
    } else {
      const at = nextBlock;
      nextBlock += expOf(rng, blockMeanMs);
      const b = makeBlock(at, height, tip, true);
      announce(at, b);
      if (rng() < (o.forkProb ?? 0.003)) announce(at + 1000 + rng() * 9000, makeBlock(at, height, tip, false));
      tip = b.hash;
      height++;
    }
  }
}

/** /ticker bodies of a EUR random walk, one per price tick. */
export function* simulatePrices(o: { seed: number; startEur?: number }): Generator<string> {
  const rng = rngOf(o.seed ^ 0x5eed);
  const target = Math.log(o.startEur ?? 90_000);
  let logEur = target;
  let fx = 1.16;
  for (;;) {
    logEur += 0.0006 * normalOf(rng) + 0.002 * (target - logEur);
    fx *= 1 + 0.00005 * normalOf(rng);
    const eur = Math.exp(logEur);
    yield tickerBody(eur, eur * fx, eur * 0.87);
  }
}
