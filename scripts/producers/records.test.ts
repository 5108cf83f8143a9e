import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { parseCaptureLine } from "./capture.ts";
import { route } from "./records.ts";

const topics = { bpi: "bpi", blocks: "blocks", transactions: "transactions" };
const fx = (p: string) => readFileSync(new URL(`../../tests/fixtures/${p}`, import.meta.url), "utf8");
const [utx, block] = fx("blockchain-info-ws.jsonl").split("\n").filter(Boolean).map(parseCaptureLine);

test("a real utx: transactions, key the tx hash, value the exact text, headers and timestamp = received-at", () => {
  const r = route(topics, utx!, "live");
  if ("skip" in r) throw new Error(r.skip);
  expect(r.topic).toBe("transactions");
  expect(r.droppable).toBe(true);
  expect(r.message).toEqual({
    key: "17d08bf0696851e3ab7ab32c09e461454c6ac6046510436beedc9c059ec5870d",
    value: utx!.text,
    timestamp: "1570497833000",
    headers: { feed: "blockchain.info/ws", "received-at": "1570497833000", origin: "live" },
  });
});

test("a real block announcement: blocks, key the height", () => {
  const r = route(topics, block!, "replay");
  if ("skip" in r) throw new Error(r.skip);
  expect([r.topic, r.message.key, r.droppable, r.message.headers?.origin]).toEqual([
    "blocks",
    "614187",
    false,
    "replay",
  ]);
});

test("block details: key from the announced height, else from the body", () => {
  const at = 1;
  const txs = fx("blocks/mempool-block-txs.json");
  const r1 = route(topics, { at, feed: "mempool.space/block-txs", text: txs }, "live");
  const r2 = route(topics, { at, feed: "mempool.space/block", text: fx("blocks/mempool-block.json") }, "live");
  const r3 = route(topics, { at, feed: "blockchain.info/rawblock", text: '{"hash":"00"}' }, "live", 614_188);
  for (const [r, key] of [
    [r1, "614187"],
    [r2, "614187"],
    [r3, "614188"],
  ] as const) {
    if ("skip" in r) throw new Error(r.skip);
    expect([r.topic, r.message.key]).toEqual(["blocks", key]);
  }
});

test("prices: bpi, key BTC-EUR; pong and garbage are not published", () => {
  const p = route(topics, { at: 1, feed: "coinbase/spot", text: "{}" }, "simulated");
  expect("skip" in p ? p.skip : [p.topic, p.message.key, p.message.headers?.origin]).toEqual([
    "bpi",
    "BTC-EUR",
    "simulated",
  ]);
  expect(route(topics, { at: 1, feed: "blockchain.info/ws", text: '{"op":"pong"}' }, "live")).toEqual({
    skip: "op pong is not published",
  });
  expect(route(topics, { at: 1, feed: "blockchain.info/ws", text: "garbage" }, "live")).toEqual({
    skip: "blockchain.info/ws: not JSON",
  });
});
