// The wire formats the simulator writes, the same as the live sources send: blockchain.info WebSocket `utx` and
// `block` messages, /rawblock/<hash> bodies (tx[0] is the coinbase: BIP34 height, the pool's tag as ASCII/UTF-8
// hex, outputs summing to subsidy + fees) and /ticker bodies. Pure: everything random comes from the Rng passed.

import { hexOf, intOf, type Rng } from "./simulator-random.ts";

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const pickChars = (rng: Rng, set: string, n: number) =>
  Array.from({ length: n }, () => set[Math.floor(rng() * set.length)]).join("");

/** An address and its output script, in the proportions seen on chain (mostly P2WPKH, then P2SH, then P2PKH). */
export function addressOf(rng: Rng): { addr: string; script: string } {
  const r = rng();
  const h = hexOf(rng, 20);
  if (r < 0.6) return { addr: `bc1q${pickChars(rng, BECH32, 38)}`, script: `0014${h}` };
  if (r < 0.85) return { addr: `3${pickChars(rng, BASE58, 33)}`, script: `a914${h}87` };
  return { addr: `1${pickChars(rng, BASE58, 33)}`, script: `76a914${h}88ac` };
}

export type Output = { addr: string; script: string; value: number };

/** A `utx` message as the blockchain.info WebSocket sends it (tx_index 0 everywhere, as today). */
export function utxMessage(rng: Rng, t: { hash: string; timeSec: number; outs: Output[]; fee: number }): string {
  const outTotal = t.outs.reduce((a, o) => a + o.value, 0);
  const nIn = intOf(rng, 1, 3);
  const inputs = [];
  let left = outTotal + t.fee;
  for (let i = 0; i < nIn; i++) {
    const value = i === nIn - 1 ? left : Math.floor(left * (0.3 + 0.4 * rng()));
    left -= value;
    const a = addressOf(rng);
    const prev = { spent: true, tx_index: 0, type: 0, addr: a.addr, value, n: intOf(rng, 0, 3), script: a.script };
    inputs.push({ sequence: 4294967293, prev_out: prev, script: "" });
  }
  const size = 10 + 148 * nIn + 34 * t.outs.length;
  const out = t.outs.map((o, n) => ({
    spent: false,
    tx_index: 0,
    type: 0,
    addr: o.addr,
    value: o.value,
    n,
    script: o.script,
  }));
  const x = {
    lock_time: 0,
    ver: 2,
    size,
    inputs,
    time: t.timeSec,
    tx_index: 0,
    vin_sz: nIn,
    hash: t.hash,
    vout_sz: out.length,
    relayed_by: "0.0.0.0",
    out,
  };
  return JSON.stringify({ op: "utx", x });
}

export type SimBlock = {
  hash: string;
  prevHash: string;
  height: number;
  timeSec: number;
  nTx: number;
  fee: number;
  reward: number;
  tag: string;
  payout: { addr: string; script: string };
  mainChain: boolean;
  /** the pool the simulator drew (what a reference credits the block to) */
  pool?: string;
};

const sizeOf = (b: SimBlock) => Math.min(2_300_000, 250 + b.nTx * 420);
const weightOf = (b: SimBlock) => Math.min(3_993_000, sizeOf(b) * 3);

/** A `block` announcement as today's feed sends it: reward 0, indexes 0, empty foundBy, no coinbase. */
export function blockMessage(rng: Rng, b: SimBlock): string {
  const x = {
    txIndexes: [],
    nTx: b.nTx,
    estimatedBTCSent: intOf(rng, 10, 200) * 1e9,
    totalBTCSent: intOf(rng, 200, 2000) * 1e9,
    reward: 0,
    size: sizeOf(b),
    weight: weightOf(b),
    blockIndex: 0,
    prevBlockIndex: 0,
    height: b.height,
    hash: b.hash,
    mrklRoot: hexOf(rng, 32),
    difficulty: 126_411_437_451_912.23,
    version: 0x20000000 + intOf(rng, 0, 0xffff) * 0x2000,
    time: b.timeSec,
    bits: 386_022_054,
    nonce: intOf(rng, 0, 0xffffffff),
    foundBy: { description: "", ip: "", link: "", time: 0 },
  };
  return JSON.stringify({ op: "block", x });
}

const hexText = (s: string) => Buffer.from(s, "utf8").toString("hex");

/** The coinbase's input script: BIP34 height push, the pool's tag, an extranonce. */
export function coinbaseScript(rng: Rng, height: number, tag: string): string {
  const h = Buffer.alloc(3);
  h.writeUIntLE(height, 0, 3);
  return `03${h.toString("hex")}${hexText(tag)}${hexOf(rng, 8)}`;
}

/** A /rawblock/<hash> body with only tx[0], the coinbase (n_tx says how many the block has). */
export function rawblockBody(rng: Rng, b: SimBlock): string {
  const coinbase = {
    hash: hexOf(rng, 32),
    ver: 2,
    vin_sz: 1,
    vout_sz: 2,
    size: 250,
    weight: 892,
    fee: 0,
    relayed_by: "0.0.0.0",
    lock_time: 0,
    tx_index: 0,
    double_spend: false,
    time: b.timeSec,
    block_index: null,
    block_height: b.height,
    inputs: [
      {
        sequence: 4294967295,
        witness: `0120${"00".repeat(32)}`,
        script: coinbaseScript(rng, b.height, b.tag),
        index: 0,
        prev_out: { n: 4294967295, value: 0, type: 0, spent: true, tx_index: 0, script: "" },
      },
    ],
    out: [
      {
        type: 0,
        spent: false,
        value: b.reward,
        spending_outpoints: [],
        n: 0,
        tx_index: 0,
        script: b.payout.script,
        addr: b.payout.addr,
      },
      {
        type: 0,
        spent: false,
        value: 0,
        spending_outpoints: [],
        n: 1,
        tx_index: 0,
        script: `6a24aa21a9ed${hexOf(rng, 32)}`,
      },
    ],
  };
  return JSON.stringify({
    hash: b.hash,
    ver: 0x20000000,
    prev_block: b.prevHash,
    mrkl_root: hexOf(rng, 32),
    time: b.timeSec,
    bits: 386_022_054,
    next_block: [],
    fee: b.fee,
    nonce: intOf(rng, 0, 0xffffffff),
    n_tx: b.nTx,
    size: sizeOf(b),
    block_index: 0,
    main_chain: b.mainChain,
    height: b.height,
    weight: weightOf(b),
    tx: [coinbase],
  });
}

/** A blockchain.info /ticker body (the currencies the pipeline reads, in its shape). */
export function tickerBody(eur: number, usd: number, gbp: number): string {
  const q = (p: number, symbol: string) => {
    const r = Math.round(p * 100) / 100;
    return { "15m": r, last: r, buy: r, sell: r, symbol };
  };
  return JSON.stringify({ EUR: q(eur, "EUR"), GBP: q(gbp, "GBP"), USD: q(usd, "USD") });
}
