// The simulator's randomness: a seedable PRNG (sfc32 seeded by splitmix32), the distributions it
// draws from, and the pools' hashrate shares. Pure: the same seed gives the same draws on any machine.

export type Rng = () => number;

/** A generator of uniform numbers in [0, 1) from a 32-bit seed: sfc32 (128-bit state, period 2^127 on average)
 * seeded by splitmix32. Not mulberry32: its seeds are all points on one cycle of 2^32 states, so the draws of
 * two seeds run into each other after a few hundred million draws (make bench's x1000 step sent the x10 step's
 * transactions again). */
export function rngOf(seed: number): Rng {
  let z = seed >>> 0;
  const splitmix = () => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
    return (t ^ (t >>> 16)) >>> 0;
  };
  let [a, b, c, d] = [splitmix(), splitmix(), splitmix(), 1];
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 15; i++) next();
  return () => next() / 4294967296;
}

/** Exponential with the given mean (the gaps of a Poisson process). */
export const expOf = (rng: Rng, mean: number): number => -Math.log(1 - rng()) * mean;

/** Standard normal (Box-Muller). */
export function normalOf(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A whole number in [lo, hi]. */
export const intOf = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** n random bytes as lowercase hex. */
export function hexOf(rng: Rng, bytes: number): string {
  let s = "";
  for (let i = 0; i < bytes; i++)
    s += Math.floor(rng() * 256)
      .toString(16)
      .padStart(2, "0");
  return s;
}

/** Draw an index by weights (which need not sum to 1). */
export function weightedIndex(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** The mining-pools table's entries (vendor/mining-pools/pools-v2.json). */
export type Pool = { id: number; name: string; addresses: string[]; tags: string[]; link: string };

/**
 * Hashrate shares of the simulated network. The table has none, so: the ten biggest pools get a fixed share
 * close to their 2025 one (by name, below), and the remaining 6% is spread evenly over every other pool that has a
 * coinbase tag (so the bolts can recognise it). Returns the pools with their shares, summing to 1.
 */
export const BIG_POOL_SHARES: Readonly<Record<string, number>> = {
  "Foundry USA": 0.3,
  AntPool: 0.18,
  ViaBTC: 0.12,
  F2Pool: 0.1,
  SpiderPool: 0.07,
  "MARA Pool": 0.05,
  Luxor: 0.04,
  "Binance Pool": 0.03,
  SECPOOL: 0.03,
  "Braiins Pool": 0.02,
};

export function poolShares(pools: readonly Pool[]): { pool: Pool; share: number }[] {
  const withTag = pools.filter((p) => p.tags.length > 0);
  const big = withTag.filter((p) => p.name in BIG_POOL_SHARES);
  const rest = withTag.filter((p) => !(p.name in BIG_POOL_SHARES));
  const bigTotal = big.reduce((a, p) => a + BIG_POOL_SHARES[p.name]!, 0);
  const restShare = rest.length > 0 ? (1 - bigTotal) / rest.length : 0;
  const all = [
    ...big.map((pool) => ({ pool, share: BIG_POOL_SHARES[pool.name]! })),
    ...rest.map((pool) => ({ pool, share: restShare })),
  ];
  const sum = all.reduce((a, p) => a + p.share, 0);
  return all.map((p) => ({ pool: p.pool, share: p.share / sum }));
}
