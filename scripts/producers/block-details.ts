// The details of an announced block, which today's announcements lack (reward 0, no previous hash, no coinbase):
// GET {BLOCKCHAIN_API}/rawblock/<hash> with retries, else mempool.space's {MEMPOOL_API}/api/block/<hash> and
// /api/block/<hash>/txs (whose first transaction is the coinbase). Bodies are returned as received, with their
// feed name and receive time, for the caller to capture and publish; when every source failed, it throws with why
// (the caller tries again later: block-gaps.ts). fetchTip: the source's newest block, from {BLOCKCHAIN_API}/latestblock
// else mempool.space's /api/blocks/tip/hash and /height.

import { log, sleep } from "../lib/log.ts";
import type { Captured } from "./capture.ts";

export type DetailsOptions = {
  blockchainApi: string;
  mempoolApi: string;
  retries: number;
  timeoutMs: number;
  /** a rawblock body larger than this goes to the fallback (Kafka's record size bound) */
  maxBytes: number;
};

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const trim = (s: string) => s.replace(/\/+$/, "");

/** GET a URL's body as text (exact bytes kept, BOM included), or throw with a reason. */
export async function getText(url: string, timeoutMs: number): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
  const text = decoder.decode(await res.arrayBuffer());
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return text;
}

/** GET with retries (backoff 0.5, 1, 2 s... with jitter); `check` refuses a body with a reason. */
async function getWithRetries(url: string, o: DetailsOptions, check: (t: string) => string | undefined) {
  let last = "";
  for (let i = 0; i <= o.retries; i++) {
    if (i > 0) await sleep(Math.round(500 * 2 ** (i - 1) * (0.5 + Math.random())));
    try {
      const text = await getText(url, o.timeoutMs);
      const bad = check(text);
      if (!bad) return text;
      last = bad;
    } catch (e) {
      last = (e as Error).name === "TimeoutError" ? `timeout after ${o.timeoutMs} ms` : (e as Error).message;
    }
    log.info("block details: try failed", { url, attempt: i + 1, reason: last });
  }
  throw new Error(last);
}

/** A JSON body whose `hash`/`id` is the block's (or an array for /txs). */
function expect(hash: string, field: "hash" | "id" | "array", maxBytes = Number.POSITIVE_INFINITY) {
  return (text: string): string | undefined => {
    if (text.length > maxBytes) return `body of ${text.length} bytes is over ${maxBytes}`;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return "not JSON";
    }
    if (field === "array") return Array.isArray(body) && body.length > 0 ? undefined : "not a list of transactions";
    return (body as Record<string, unknown> | null)?.[field] === hash ? undefined : "not the block asked for";
  };
}

/** The details bodies of a block (one rawblock, or mempool's block and txs); throws when every source failed. */
export async function fetchBlockDetails(hash: string, o: DetailsOptions): Promise<Captured[]> {
  let rawblock = "";
  try {
    const text = await getWithRetries(`${trim(o.blockchainApi)}/rawblock/${hash}`, o, expect(hash, "hash", o.maxBytes));
    return [{ at: Date.now(), feed: "blockchain.info/rawblock", text }];
  } catch (e) {
    rawblock = (e as Error).message;
    log.warn("rawblock unavailable, trying mempool.space", { hash, reason: rawblock });
  }
  try {
    const base = `${trim(o.mempoolApi)}/api/block/${hash}`;
    const block = await getWithRetries(base, o, expect(hash, "id"));
    const blockAt = Date.now();
    const txs = await getWithRetries(`${base}/txs`, o, expect(hash, "array"));
    return [
      { at: blockAt, feed: "mempool.space/block", text: block },
      { at: Date.now(), feed: "mempool.space/block-txs", text: txs },
    ];
  } catch (e) {
    const reason = `rawblock: ${rawblock}; mempool.space: ${(e as Error).message}`;
    log.error("block details unavailable from every source", { hash, reason });
    throw new Error(reason);
  }
}

const HASH = /^[0-9a-f]{64}$/;

/** The source's newest block: blockchain.info's /latestblock, else mempool.space's tip; throws with why. */
export async function fetchTip(o: DetailsOptions): Promise<{ hash: string; height: number }> {
  const reasons: string[] = [];
  try {
    const tip = JSON.parse(await getText(`${trim(o.blockchainApi)}/latestblock`, o.timeoutMs)) as Record<
      string,
      unknown
    >;
    if (typeof tip.hash === "string" && HASH.test(tip.hash) && Number.isSafeInteger(tip.height))
      return { hash: tip.hash, height: tip.height as number };
    reasons.push("latestblock: no hash and height");
  } catch (e) {
    reasons.push(`latestblock: ${(e as Error).message}`);
  }
  try {
    const base = `${trim(o.mempoolApi)}/api/blocks/tip`;
    const hash = (await getText(`${base}/hash`, o.timeoutMs)).trim();
    const height = Number((await getText(`${base}/height`, o.timeoutMs)).trim());
    if (HASH.test(hash) && Number.isSafeInteger(height)) return { hash, height };
    reasons.push("mempool.space tip: not a hash and a height");
  } catch (e) {
    reasons.push(`mempool.space tip: ${(e as Error).message}`);
  }
  throw new Error(reasons.join("; "));
}
