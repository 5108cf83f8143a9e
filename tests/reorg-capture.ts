// A capture of two chain splits deeper than one block, for the reorganisation tests (the reference's unit test
// and the cluster test). Hashes are sha256 of labels. The blocks come as blockchain.info rawblock bodies (and,
// for branch B, their announcements first), in the producers' capture shape, in publishing order:
//   P at H-1, then fork 1: A at H..H+2 (ViaBTC) arrives, then B at H..H+3 (Foundry USA), oldest first: B wins;
//   fork 2 on B's tip: C at H+4..H+5 (F2Pool), then D at H+4..H+6 (AntPool), newest first: D wins.
// Block times are 10 minutes apart from 2024-03-31T23:00Z, so the splits cross a UTC day and month boundary.
// Prices: one before the blocks, one among them (23:35), one after them all (so nothing stays pending).
// `padTxs` adds that many ordinary transactions to every rawblock (about 600 bytes each), for measurements.

import { createHash } from "node:crypto";
import type { Captured } from "../scripts/producers/capture.ts";

export const H = 840_010;
const T0 = Date.parse("2024-03-31T23:00:00Z");
const hashOf = (label: string) => createHash("sha256").update(label).digest("hex");
const hex = (text: string) => Buffer.from(text, "latin1").toString("hex");

type Blk = { label: string; prev: string; height: number; tag: string; miner: string };
const blk = (label: string, prev: string, height: number, tag: string, miner: string): Blk => ({
  label,
  prev,
  height,
  tag,
  miner,
});
const branch = (name: string, from: number, n: number, parent: string, tag: string, miner: string) =>
  Array.from({ length: n }, (_, i) =>
    blk(`${name}${from + i}`, i === 0 ? parent : `${name}${from + i - 1}`, from + i, tag, miner),
  );

export const P = blk("P", "P-parent", H - 1, "MARA Pool", "MARA Pool");
export const A = branch("A", H, 3, "P", "/ViaBTC/", "ViaBTC");
export const B = branch("B", H, 4, "P", "Foundry USA Pool", "Foundry USA");
export const C = branch("C", H + 4, 2, `B${H + 3}`, "F2Pool", "F2Pool");
export const D = branch("D", H + 4, 3, `B${H + 3}`, "/AntPool/", "AntPool");
const ALL = [P, ...A, ...B, ...C, ...D];

const timeOf = (b: Blk) => T0 + (b.height - P.height) * 600_000 + (b.label.startsWith("A") ? 30_000 : 0);
const pad = (label: string, i: number) => ({
  hash: hashOf(`${label}-tx${i}`),
  inputs: [{ sequence: 4294967295, prev_out: { addr: `bc1qpayer${i}`, value: 100_000 + i }, script: "00".repeat(107) }],
  out: [
    { type: 0, spent: false, value: 60_000 + i, n: 0, addr: `bc1qpayee${i}`, script: "0014".padEnd(44, "a") },
    { type: 0, spent: false, value: 39_000, n: 1, addr: `bc1qchange${i}`, script: "0014".padEnd(44, "b") },
  ],
});
const reward = (b: Blk) => 312_500_000 + 1_000 * ALL.indexOf(b);
const rawblock = (b: Blk, padTxs: number) =>
  JSON.stringify({
    hash: hashOf(b.label),
    ver: 536870912,
    prev_block: hashOf(b.prev),
    time: timeOf(b) / 1000,
    n_tx: padTxs + 1,
    main_chain: true,
    height: b.height,
    tx: [
      {
        hash: hashOf(`${b.label}-coinbase`),
        inputs: [{ sequence: 4294967295, script: `03${b.height.toString(16).padStart(6, "0")}${hex(b.tag)}` }],
        out: [{ type: 0, spent: false, value: reward(b), n: 0, addr: `bc1qminer${b.label}`, script: "00" }],
      },
      ...Array.from({ length: padTxs }, (_, i) => pad(b.label, i)),
    ],
  });
const announcement = (b: Blk) =>
  JSON.stringify({ op: "block", x: { hash: hashOf(b.label), height: b.height, time: timeOf(b) / 1000, nTx: 1 } });
const ticker = (eur: string) => JSON.stringify({ EUR: { "15m": eur, last: eur, buy: eur, sell: eur, symbol: "€" } });

/** The capture in phases (each published after the bolts caught up with the previous one), the miner of every
 * block by hash (stated by hand, for the reference), and the hashes of the blocks that must lose. */
export function reorgCapture(padTxs = 0) {
  let at = T0 + 3 * 3_600_000;
  const line = (feed: string, text: string): Captured => ({ at: at++, feed, text });
  const raw = (b: Blk) => line("blockchain.info/rawblock", rawblock(b, padTxs));
  const prices: Captured[] = [
    { at: T0 - 60_000, feed: "blockchain.info/ticker", text: ticker("65000.01") },
    { at: T0 + 35 * 60_000, feed: "blockchain.info/ticker", text: ticker("65123.45") },
    { at: T0 + 2 * 3_600_000, feed: "blockchain.info/ticker", text: ticker("65200") },
  ];
  const phases: Captured[][] = [
    [...prices, raw(P), ...A.map(raw)],
    ...B.map((b) => [line("blockchain.info/ws", announcement(b)), raw(b)]),
    [...C.map(raw), ...[...D].reverse().map(raw)],
  ];
  const minerOf = new Map(ALL.map((b) => [hashOf(b.label), b.miner]));
  return {
    phases,
    lines: phases.flat(),
    minerOf: (hash: string) => minerOf.get(hash) ?? "not in the capture",
    losers: [...A, ...C].map((b) => hashOf(b.label)),
    winners: [P, ...B, ...D].map((b) => hashOf(b.label)),
  };
}
