// Which pool mined a block, as mempool.space attributes it, against vendor/mining-pools/pools-v2.json (MIT, from
// mempool/mining-pools): a payout address of the coinbase's outputs first, then a pool tag found in the coinbase
// script read as text (each tag a case-insensitive pattern, as mempool.space does), else a non-empty attribution
// from the source (blockchain.info's foundBy.description), else "Unknown". Names are kept as literal text (a
// hostile name is data; whoever displays it escapes it). Pure, no I/O.

import table from "../../vendor/mining-pools/pools-v2.json";

export type Pool = { id: number; name: string; addresses: string[]; tags: string[]; link: string };
export type MinerMatch = "address" | "tag" | "found_by" | "unknown";
export type Miner = { miner: string; match: MinerMatch };

/** Longest miner name kept (the miner keyword ignores longer values and ids are capped at 512 bytes). */
export const MINER_NAME_MAX = 200;

type Index = { byAddress: Map<string, string>; tags: Array<{ name: string; re: RegExp }> };
const indexes = new WeakMap<Pool[], Index>();

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function indexOf(pools: Pool[]): Index {
  let idx = indexes.get(pools);
  if (idx) return idx;
  idx = { byAddress: new Map(), tags: [] };
  for (const pool of pools) {
    for (const a of pool.addresses) if (!idx.byAddress.has(a)) idx.byAddress.set(a, pool.name);
    for (const tag of pool.tags) {
      let re: RegExp;
      try {
        re = new RegExp(tag, "i");
      } catch {
        re = new RegExp(escapeRe(tag), "i");
      }
      idx.tags.push({ name: pool.name, re });
    }
  }
  indexes.set(pools, idx);
  return idx;
}

export const POOLS: Pool[] = table as Pool[];

/** A coinbase script (hex) read as text, one character per byte, as mempool.space's hex2ascii does. */
export function coinbaseText(scriptHex: string): string {
  let out = "";
  for (let i = 0; i + 1 < scriptHex.length; i += 2) {
    const byte = Number.parseInt(scriptHex.slice(i, i + 2), 16);
    if (Number.isNaN(byte)) break;
    out += String.fromCharCode(byte);
  }
  return out;
}

/** The readable part of a coinbase text (printable runs of 3+ characters, joined by a space), for display. */
export function readableTag(text: string): string {
  return (text.match(/[\x20-\x7e]{3,}/g) ?? []).join(" ").trim().slice(0, 500);
}

/** The pool named by a coinbase (payout addresses, then tags) or, failing that, by the source's attribution. */
export function minerOfBlock(
  coinbase: { addresses: string[]; scriptHex: string } | undefined,
  foundBy: string | undefined,
  pools: Pool[] = POOLS,
): Miner {
  const idx = indexOf(pools);
  if (coinbase) {
    for (const a of coinbase.addresses) {
      const name = idx.byAddress.get(a);
      if (name) return { miner: name, match: "address" };
    }
    const text = coinbaseText(coinbase.scriptHex);
    for (const t of idx.tags) if (t.re.test(text)) return { miner: t.name, match: "tag" };
  }
  const named = (foundBy ?? "").trim();
  if (named) return { miner: named.slice(0, MINER_NAME_MAX), match: "found_by" };
  return { miner: "Unknown", match: "unknown" };
}
