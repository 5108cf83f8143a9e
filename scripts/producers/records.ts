// The Kafka record contract of the producers, as pure functions: which topic and key a received message goes to,
// and its headers. value = the bytes as received; headers feed, received-at (epoch ms), origin; timestamp =
// received-at. Transactions keyed by tx hash, blocks (announcements and details) by height, prices by "BTC-EUR".

import type { Message } from "kafkajs";
import { isPriceFeed } from "../domain/price-sources.ts";
import type { Captured } from "./capture.ts";

export const FEEDS = [
  "blockchain.info/ws",
  "blockchain.info/ticker",
  "blockchain.info/rawblock",
  "kraken/ticker",
  "coinbase/spot",
  "coindesk/bpi",
  "mempool.space/block",
  "mempool.space/block-txs",
] as const;
export type Origin = "live" | "simulated" | "replay";
export type TopicNames = { bpi: string; blocks: string; transactions: string };
export type Routed = { topic: string; message: Message; droppable: boolean } | { skip: string };

const BLOCK_FEEDS = new Set(["blockchain.info/rawblock", "mempool.space/block", "mempool.space/block-txs"]);

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isHeight = (h: unknown): h is number => typeof h === "number" && Number.isSafeInteger(h) && h >= 0;

/** The height of a block-details body (rawblock, mempool block, or mempool txs whose status has it). */
export function heightOfDetails(feed: string, body: unknown): number | undefined {
  if (feed === "mempool.space/block-txs" && Array.isArray(body)) {
    const h = (body[0] as { status?: { block_height?: unknown } } | undefined)?.status?.block_height;
    return isHeight(h) ? h : undefined;
  }
  const h = (body as { height?: unknown } | undefined)?.height;
  return isHeight(h) ? h : undefined;
}

/** Where a received message goes; `height` is the announced height when the caller knows it (block details). */
export function route(topics: TopicNames, c: Captured, origin: Origin, height?: number): Routed {
  const headers = { feed: c.feed, "received-at": String(Math.round(c.at)), origin };
  const make = (topic: string, key: string, droppable: boolean): Routed => ({
    topic,
    droppable,
    message: { key, value: c.text, headers, timestamp: String(Math.round(c.at)) },
  });
  if (isPriceFeed(c.feed)) return make(topics.bpi, "BTC-EUR", false);
  const body = json(c.text);
  if (body === undefined) return { skip: `${c.feed}: not JSON` };
  if (c.feed === "blockchain.info/ws") {
    const m = body as { op?: unknown; x?: { hash?: unknown; height?: unknown } };
    if (m.op === "utx") {
      if (typeof m.x?.hash !== "string") return { skip: "utx without x.hash" };
      return make(topics.transactions, m.x.hash, true);
    }
    if (m.op === "block") {
      if (!isHeight(m.x?.height)) return { skip: "block without x.height" };
      return make(topics.blocks, String(m.x.height), false);
    }
    return { skip: `op ${String(m.op)} is not published` };
  }
  if (BLOCK_FEEDS.has(c.feed)) {
    const h = height ?? heightOfDetails(c.feed, body);
    if (h === undefined) return { skip: `${c.feed}: no height` };
    return make(topics.blocks, String(h), false);
  }
  return { skip: `unknown feed ${c.feed}` };
}
