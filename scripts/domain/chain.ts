// Reading and validating the chain's messages, and the block document they merge into: pure, no I/O.
// transactionOf: a blockchain.info `utx` as the raw transaction document's fields (value = sum of outputs, exact
// satoshis) or why it is refused. blockPartOf: an announcement (`{"op":"block"}`), a blockchain.info rawblock, or
// mempool.space's block / block txs, as the part of a block it tells (the message parsed once). mergeBlock: a
// stored block plus a part, with the miner and the reward derived again (the same result whatever order the parts
// come in). withPart: the same, or nothing when the stored block already holds the part's facts (a repeat: no
// write). A block document holds facts and where each feed's message is in Kafka, never the message text (a
// rawblock weighs megabytes). Which blocks lost a chain split: best-chain.ts.

import { btcOf, dayOf, hourOf, isValidSats, MAX_MONEY_SATS, monthOf, subsidyAt } from "./bitcoin.ts";
import { coinbaseText, type MinerMatch, minerOfBlock, readableTag } from "./pools.ts";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const HASH = /^[0-9a-f]{64}$/;
/** The genesis block's time (s): nothing on the chain is older. */
export const GENESIS_S = 1_231_006_505;
/** How far ahead of its receipt a message's own time may be (clock skew, s). */
export const FUTURE_SLACK_S = 2 * 3600;

export type Refusal = { error: string };
export type Tx = { hash: string; time: number; hour: number; value_sat: number; inputs: number; outputs: number };

function parseJson(text: string): { json: Json } | Refusal {
  try {
    const json = obj(JSON.parse(text));
    return json ? { json } : { error: "not a JSON object" };
  } catch {
    return { error: `not JSON: ${JSON.stringify(text.slice(0, 40))}` };
  }
}

/** A time in seconds as epoch ms, if it is a whole number between the genesis block and receipt + slack. */
function timeOf(v: unknown, receivedAt: number | undefined, what: string): number | Refusal {
  if (typeof v !== "number" || !Number.isSafeInteger(v))
    return { error: `${what} is not a whole number: ${JSON.stringify(v)}` };
  const limit = (receivedAt ?? Date.now()) / 1000 + FUTURE_SLACK_S;
  if (v < GENESIS_S || v > limit) return { error: `${what} ${v} is before the genesis block or in the future` };
  return v * 1000;
}

/** Sum of output values in satoshis, each and the total between 0 and 21 million BTC. */
function sumOutputs(outs: unknown[], field: string): number | Refusal {
  let sum = 0;
  for (const [i, o] of outs.entries()) {
    const v = obj(o)?.[field];
    if (typeof v !== "number" || !Number.isSafeInteger(v))
      return { error: `output ${i} ${field} is not a whole number: ${JSON.stringify(v)}` };
    if (!isValidSats(v)) return { error: `output ${i} ${field} ${v} is negative or above 21 million BTC` };
    sum += v;
  }
  if (sum > MAX_MONEY_SATS) return { error: `outputs sum to ${sum} satoshis, above 21 million BTC` };
  return sum;
}

/** A blockchain.info `utx` message as a transaction, or why it is refused. */
export function transactionOf(text: string, receivedAt?: number): Tx | Refusal {
  const parsed = parseJson(text);
  if ("error" in parsed) return parsed;
  const m = parsed.json;
  if (m.op !== "utx") return { error: `op ${JSON.stringify(m.op)} is not utx` };
  const x = obj(m.x);
  if (!x) return { error: "no x object" };
  if (typeof x.hash !== "string" || !HASH.test(x.hash))
    return { error: `hash ${JSON.stringify(x.hash)?.slice(0, 80)} is not 64 hex digits` };
  const time = timeOf(x.time, receivedAt, "time");
  if (typeof time !== "number") return time;
  if (!Array.isArray(x.out) || x.out.length === 0) return { error: "out is not a non-empty array" };
  if (x.inputs !== undefined && !Array.isArray(x.inputs)) return { error: "inputs is not an array" };
  const value = sumOutputs(x.out, "value");
  if (typeof value !== "number") return value;
  const inputs = Array.isArray(x.inputs) ? x.inputs.length : 0;
  return { hash: x.hash, time, hour: hourOf(time), value_sat: value, inputs, outputs: x.out.length };
}

export type Coinbase = { addresses: string[]; scriptHex: string; reward_sat: number };
export type BlockPart = {
  kind: "announcement" | "details" | "header";
  hash: string;
  height: number;
  time: number;
  prev_block?: string;
  main_chain?: boolean;
  found_by?: string;
  coinbase?: Coinbase;
};

function coinbaseOf(
  tx0: unknown,
  inField: string,
  scriptField: string,
  outField: string,
  valueField: string,
  addrField: string,
): Coinbase | Refusal {
  const t = obj(tx0);
  const ins = t?.[inField];
  const outs = t?.[outField];
  if (!t || !Array.isArray(ins) || !Array.isArray(outs) || outs.length === 0)
    return { error: "no coinbase transaction with inputs and outputs" };
  const script = obj(ins[0])?.[scriptField];
  if (typeof script !== "string" || !/^[0-9a-fA-F]*$/.test(script)) return { error: "coinbase script is not hex" };
  const reward = sumOutputs(outs, valueField);
  if (typeof reward !== "number") return reward;
  const addresses = outs.map((o) => obj(o)?.[addrField]).filter((a): a is string => typeof a === "string" && a !== "");
  return { addresses, scriptHex: script, reward_sat: reward };
}

function checkHashHeight(hash: unknown, height: unknown): Refusal | undefined {
  if (typeof hash !== "string" || !HASH.test(hash))
    return { error: `block hash ${JSON.stringify(hash)?.slice(0, 80)} is not 64 hex digits` };
  if (typeof height !== "number" || !Number.isSafeInteger(height) || height < 0)
    return { error: `height ${JSON.stringify(height)} is not a whole number` };
}

/** A message of the blocks topic as the part of a block it tells, or why it is refused. */
export function blockPartOf(feed: string, text: string, receivedAt?: number): BlockPart | Refusal {
  const parsed: unknown = (() => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  })();
  if (parsed === undefined) return { error: `not JSON: ${JSON.stringify(text.slice(0, 40))}` };
  if (feed === "mempool.space/block-txs") {
    if (!Array.isArray(parsed) || parsed.length === 0) return { error: "block txs is not a non-empty array" };
    const status = obj(obj(parsed[0])?.status);
    const bad = checkHashHeight(status?.block_hash, status?.block_height);
    if (bad) return bad;
    const time = timeOf(status?.block_time, receivedAt, "block_time");
    if (typeof time !== "number") return time;
    const cb = coinbaseOf(parsed[0], "vin", "scriptsig", "vout", "value", "scriptpubkey_address");
    if ("error" in cb) return cb;
    return {
      kind: "details",
      hash: status!.block_hash as string,
      height: status!.block_height as number,
      time,
      coinbase: cb,
    };
  }
  const m = obj(parsed);
  if (!m) return { error: "not a JSON object" };
  if (feed === "blockchain.info/ws" || m.op !== undefined) {
    if (m.op !== "block") return { error: `op ${JSON.stringify(m.op)} is not block` };
    const x = obj(m.x);
    const bad = checkHashHeight(x?.hash, x?.height);
    if (bad) return bad;
    const time = timeOf(x!.time, receivedAt, "time");
    if (typeof time !== "number") return time;
    const fb = obj(x!.foundBy)?.description;
    return {
      kind: "announcement",
      hash: x!.hash as string,
      height: x!.height as number,
      time,
      found_by: typeof fb === "string" ? fb : undefined,
    };
  }
  if (feed === "mempool.space/block") {
    const bad = checkHashHeight(m.id, m.height);
    if (bad) return bad;
    const time = timeOf(m.timestamp, receivedAt, "timestamp");
    if (typeof time !== "number") return time;
    const prev = m.previousblockhash;
    if (typeof prev !== "string" || !HASH.test(prev)) return { error: "previousblockhash is not 64 hex digits" };
    if (prev === m.id) return { error: "previousblockhash is the block itself" };
    return { kind: "header", hash: m.id as string, height: m.height as number, time, prev_block: prev };
  }
  if (feed === "blockchain.info/rawblock") {
    const bad = checkHashHeight(m.hash, m.height);
    if (bad) return bad;
    const time = timeOf(m.time, receivedAt, "time");
    if (typeof time !== "number") return time;
    if (typeof m.prev_block !== "string" || !HASH.test(m.prev_block))
      return { error: "prev_block is not 64 hex digits" };
    if (m.prev_block === m.hash) return { error: "prev_block is the block itself" };
    if (!Array.isArray(m.tx)) return { error: "tx is not an array" };
    const cb = coinbaseOf(m.tx[0], "inputs", "script", "out", "value", "addr");
    if ("error" in cb) return cb;
    const main = typeof m.main_chain === "boolean" ? m.main_chain : undefined;
    return {
      kind: "details",
      hash: m.hash as string,
      height: m.height as number,
      time,
      prev_block: m.prev_block,
      main_chain: main,
      coinbase: cb,
    };
  }
  return { error: `unknown blocks feed ${feed}` };
}

/** The stored block (btc-raw-blocks), every field as in es-indices.http. */
export type BlockDoc = {
  hash: string;
  height: number;
  time: number;
  day: number;
  month: number;
  prev_block?: string;
  main_chain?: boolean;
  orphaned: boolean;
  miner: string;
  miner_match: MinerMatch;
  coinbase_tag?: string;
  payout_address?: string;
  found_by?: string;
  reward_sat: number;
  reward_btc: number;
  subsidy_sat: number;
  fees_sat?: number;
  fees_known: boolean;
  has_details: boolean;
  origin?: string;
  announced_at?: number;
  detailed_at?: number;
  /** where the message of each feed whose facts the document holds is in Kafka (it keeps the exact bytes) */
  records?: BlockRecord[];
};
export type BlockRecord = { feed: string; topic: string; partition: number; offset: number };
export type PartMeta = { feed: string; receivedAt: number; origin?: string; record: BlockRecord };

/** Fields of the message text that documents from before issue 8 hold: dropped when such a block is rewritten. */
const LEGACY_TEXT = ["raw_announcement", "raw_details"];
const minOf = (a: number | undefined, b: number) => (a === undefined ? b : Math.min(a, b));

/** A block after one more part: stored fields kept, the part's added, miner and reward derived again. */
export function mergeBlock(prev: BlockDoc | undefined, part: BlockPart, meta: Omit<PartMeta, "record">): BlockDoc {
  const d: BlockDoc = prev
    ? { ...prev }
    : ({ hash: part.hash, height: part.height, orphaned: false, has_details: false } as BlockDoc);
  for (const k of LEGACY_TEXT) delete (d as Record<string, unknown>)[k];
  // the details tell the block's height and time; an announcement only until they come (chain text is untrusted)
  if (part.kind !== "announcement" || !d.detailed_at) d.height = part.height;
  if (part.kind !== "announcement" || d.time === undefined) d.time = part.time;
  d.day = dayOf(d.time);
  d.month = monthOf(d.time);
  if (part.prev_block) d.prev_block = part.prev_block;
  if (part.main_chain !== undefined) d.main_chain = part.main_chain;
  if (meta.origin) d.origin = meta.origin;
  if (part.kind === "announcement") {
    if (part.found_by !== undefined) d.found_by = part.found_by.slice(0, 500);
    d.announced_at = minOf(d.announced_at, meta.receivedAt);
  } else d.detailed_at = minOf(d.detailed_at, meta.receivedAt);
  const subsidy = subsidyAt(d.height);
  d.subsidy_sat = subsidy;
  if (part.coinbase) {
    const byTable = minerOfBlock({ addresses: part.coinbase.addresses, scriptHex: part.coinbase.scriptHex }, undefined);
    d.has_details = true;
    d.reward_sat = part.coinbase.reward_sat;
    d.payout_address = part.coinbase.addresses[0];
    d.coinbase_tag = readableTag(coinbaseText(part.coinbase.scriptHex));
    d.miner_match = byTable.match;
    d.miner = byTable.miner;
  }
  if (!d.has_details) d.reward_sat = subsidy;
  d.fees_known = d.has_details;
  if (d.has_details) d.fees_sat = Math.max(0, d.reward_sat - subsidy);
  else delete d.fees_sat;
  d.reward_btc = btcOf(d.reward_sat);
  if (d.miner_match !== "address" && d.miner_match !== "tag") {
    const m = minerOfBlock(undefined, d.found_by);
    d.miner = m.miner;
    d.miner_match = m.match;
  }
  return d;
}

/** A stored block with one more part, or undefined when the stored block already holds the part's facts (a
 * repeat, or a feed telling what another already told): nothing to write. Compared field by field (every field is
 * a number, string or boolean), no text parsed again. The part's Kafka record replaces that of its feed. */
export function withPart(prev: BlockDoc | undefined, part: BlockPart, meta: PartMeta): BlockDoc | undefined {
  const next = mergeBlock(prev, part, meta);
  if (prev && sameFacts(prev, next)) return undefined;
  const others = (prev?.records ?? []).filter((r) => r.feed !== meta.feed);
  next.records = [...others, meta.record].sort((a, b) => (a.feed < b.feed ? -1 : 1));
  return next;
}

function sameFacts(a: BlockDoc, b: BlockDoc): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof BlockDoc)[]);
  keys.delete("records");
  return [...keys].every((k) => a[k] === b[k]);
}
