// Pure Bitcoin arithmetic shared by the producers (simulator) and the bolts: satoshis are integers at the core,
// BTC and EUR are derived. No I/O here.

export const SATS_PER_BTC = 100_000_000;
/** 21 million BTC: no amount can exceed it. */
export const MAX_MONEY_SATS = 21_000_000 * SATS_PER_BTC;
export const HALVING_INTERVAL = 210_000;

/** The block subsidy at a height, in satoshis (50 BTC halved every 210,000 blocks; 3.125 BTC from 840,000). */
export function subsidyAt(height: number): number {
  if (!Number.isInteger(height) || height < 0) throw new RangeError(`bad height ${height}`);
  const halvings = Math.floor(height / HALVING_INTERVAL);
  if (halvings >= 64) return 0;
  return Number((50n * 100_000_000n) >> BigInt(halvings));
}

/** Satoshis as BTC (a derived, display-only number). */
export function btcOf(sats: number): number {
  return sats / SATS_PER_BTC;
}

/** True for a whole, non-negative amount no larger than all the bitcoins there will ever be. */
export function isValidSats(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= MAX_MONEY_SATS;
}

/** Start of the UTC hour, day and month of a time (epoch ms), as epoch ms. */
export function hourOf(ms: number): number {
  return Math.floor(ms / 3_600_000) * 3_600_000;
}
export function dayOf(ms: number): number {
  return Math.floor(ms / 86_400_000) * 86_400_000;
}
export function monthOf(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}
