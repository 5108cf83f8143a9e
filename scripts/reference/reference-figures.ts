// The reference figures of a capture: what btc-volume and btc-miner must hold, computed with plain loops over the
// messages, string decimals and BigInt, independently of the bolts' code (it imports nothing of scripts/domain).
// Used by the integration tests (tests/bolts-harness.ts) and by `make chaos` as the ground truth.
// Rules (docs/write-path.md, "What the figures mean"): a transaction counts once by hash, its value the sum of its outputs; the price in effect
// at t is the last observation received at or before t, else the earliest; EUR = satoshis x price, summed exactly
// and rounded once, half up, to the cent; a block off the best chain lost a split (the chain walked back over
// prev_block links from the highest blocks, lostSplits); a block without details is worth the subsidy, its fees
// unknown.

import type { Captured } from "../producers/capture.ts";
import { lostSplits } from "./reference-chain.ts";

/** parsed JSON of the capture (untyped on purpose) */
// biome-ignore lint/suspicious/noExplicitAny: the reference reads raw JSON without the bolts' types
type J = any;

export type Vol = { tx_count: number; volume_sat: number; max_sat: number; volume_eur: number; max_eur: number };
export type Min = { blocks: number; reward_sat: number; reward_eur: number; fees_unknown_blocks: number };
export type Figures = { volume: Record<string, Vol>; miners: Record<string, Min> };

/** The figures a capture must give, and how many of its records the bolts must dead-letter; `minerOf` names the
 * pool each block is credited to (stated by hand for the golden capture; the simulator's own draw for chaos). */
export function referenceFigures(lines: Captured[], minerOf: (hash: string) => string): Figures & { rejects: number } {
  const json = (t: string): J => {
    try {
      return JSON.parse(t);
    } catch {
      return undefined;
    }
  };
  const prices: Array<{ at: number; e8: bigint }> = [];
  let rejects = 0;
  for (const l of lines) {
    const b = json(l.text);
    const eur =
      l.feed === "blockchain.info/ticker"
        ? b?.EUR?.last
        : l.feed === "kraken/ticker"
          ? b?.result?.XXBTZEUR?.c?.[0]
          : l.feed === "coinbase/spot"
            ? b?.data?.amount
            : undefined;
    if (l.feed.includes("ticker") || l.feed.includes("spot")) {
      const e8 = decimalE8(eur);
      if (e8 !== undefined && e8 > 0n) prices.push({ at: l.at, e8 });
      else rejects++;
    }
  }
  // stable sort by time: the last one at or before t wins (ties: the later line, as the same-millisecond rule)
  prices.sort((a, b) => a.at - b.at);
  const priceAt = (t: number) => [...prices].reverse().find((p) => p.at <= t)?.e8 ?? prices[0]!.e8;
  const txs = new Map<string, { time: number; sat: number }>();
  const blocks = new Map<string, { height: number; time: number; prev?: string; reward?: number }>();
  for (const l of lines) {
    const b = json(l.text);
    if (l.feed === "blockchain.info/ws" && b?.op !== "block") {
      const outs: unknown[] = b?.x?.out ?? [];
      const ok = /^[0-9a-f]{64}$/.test(b?.x?.hash) && outs.every((o: J) => Number.isInteger(o.value) && o.value >= 0);
      const sat = outs.reduce((s: number, o: J) => s + o.value, 0);
      if (!ok || sat > 21e14) rejects++;
      else if (!txs.has(b.x.hash)) txs.set(b.x.hash, { time: b.x.time * 1000, sat });
      continue;
    }
    if (PRICE(l.feed)) continue;
    const part =
      b?.op === "block"
        ? { hash: b.x.hash, height: b.x.height, time: b.x.time }
        : l.feed === "mempool.space/block"
          ? { hash: b.id, height: b.height, time: b.timestamp, prev: b.previousblockhash }
          : l.feed === "mempool.space/block-txs"
            ? {
                hash: b[0].status.block_hash,
                height: b[0].status.block_height,
                time: b[0].status.block_time,
                reward: b[0].vout.reduce((s: number, o: J) => s + o.value, 0),
              }
            : b && {
                hash: b.hash,
                height: b.height,
                time: b.time,
                prev: b.prev_block,
                reward: b.tx[0].out.reduce((s: number, o: J) => s + o.value, 0),
              };
    if (
      !part ||
      !Number.isInteger(part.height) ||
      (part.reward !== undefined && b.tx?.[0].out.some((o: J) => o.value < 0))
    ) {
      rejects++;
      continue;
    }
    const prev = blocks.get(part.hash) ?? { height: part.height, time: part.time * 1000 };
    blocks.set(part.hash, {
      ...prev,
      ...(part.prev ? { prev: part.prev } : {}),
      ...(part.reward !== undefined ? { reward: part.reward } : {}),
    });
  }
  const volume: Record<string, Vol> = {};
  const sums = new Map<string, bigint>();
  const maxes = new Map<string, bigint>();
  for (const tx of txs.values()) {
    const hour = new Date(Math.floor(tx.time / 3_600_000) * 3_600_000).toISOString();
    volume[hour] ??= { tx_count: 0, volume_sat: 0, max_sat: 0, volume_eur: 0, max_eur: 0 };
    const v = volume[hour]!;
    const e16 = BigInt(tx.sat) * priceAt(tx.time);
    v.tx_count++;
    v.volume_sat += tx.sat;
    v.max_sat = Math.max(v.max_sat, tx.sat);
    sums.set(hour, (sums.get(hour) ?? 0n) + e16);
    if (e16 > (maxes.get(hour) ?? 0n)) maxes.set(hour, e16);
  }
  for (const [hour, e16] of sums) volume[hour]!.volume_eur = roundCents(e16);
  for (const [hour, e16] of maxes) volume[hour]!.max_eur = roundCents(e16);
  const miners: Record<string, Min> = {};
  const minerE16 = new Map<string, bigint>();
  const lost = lostSplits(blocks);
  for (const [hash, blk] of blocks) {
    if (lost.has(hash)) continue;
    const miner = minerOf(hash);
    const reward = blk.reward ?? Math.floor(5_000_000_000 / 2 ** Math.floor(blk.height / 210_000));
    const d = new Date(blk.time);
    const periods = [
      `day:${new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())).toISOString()}`,
      `month:${new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString()}`,
    ];
    for (const p of periods) {
      miners[`${p}:${miner}`] ??= { blocks: 0, reward_sat: 0, reward_eur: 0, fees_unknown_blocks: 0 };
      const m = miners[`${p}:${miner}`]!;
      m.blocks++;
      m.reward_sat += reward;
      minerE16.set(`${p}:${miner}`, (minerE16.get(`${p}:${miner}`) ?? 0n) + BigInt(reward) * priceAt(blk.time));
      if (blk.reward === undefined) m.fees_unknown_blocks++;
    }
  }
  for (const [id, e16] of minerE16) miners[id]!.reward_eur = roundCents(e16);
  return { volume, miners, rejects };
}

/** A price as sent (a JSON number or a decimal string) as an integer of 1e-8 EUR, by plain string handling. */
function decimalE8(v: unknown): bigint | undefined {
  const text = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
  const m = /^(\d+)(?:\.(\d{1,8}))?$/.exec(text);
  return m ? BigInt(m[1]!) * 100_000_000n + BigInt((m[2] ?? "").padEnd(8, "0")) : undefined;
}
/** 1e-16 EUR (satoshis times 1e-8 EUR per BTC) as EUR, rounded once to the cent, half up. */
const roundCents = (e16: bigint) => Number((e16 + 50_000_000_000_000n) / 100_000_000_000_000n) / 100;
const PRICE = (feed: string) => /ticker|spot|bpi/.test(feed);
