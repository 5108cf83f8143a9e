// Proves: (1) the bytes of each record in Kafka are exactly what the source sent (WebSocket text, HTTP bodies),
// with the contract's keys and headers; (2) block details come from /rawblock, or from mempool.space when
// /rawblock fails; (3) the capture of that live run, replayed at max speed into another namespace, gives the same
// Kafka content (topic, partition, key, value, feed, received-at), only origin=replay differs; Kafka timestamps
// are the brokers' append times (LogAppendTime: retention never deletes a replayed record before it is read).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, topicsOf } from "../scripts/lib/config.ts";
import { parseCaptureLine } from "../scripts/producers/capture.ts";
import { dropNamespace, freshNamespace, ROOT } from "./cluster.ts";
import { type Rec, readTopic, startProducer, waitFor } from "./producers-kit.ts";

const fx = (p: string) => readFileSync(join(ROOT, "tests/fixtures", p), "utf8");
const [utx, block] = fx("blockchain-info-ws.jsonl")
  .split("\n")
  .filter(Boolean)
  .map((l) => parseCaptureLine(l).text);
const H2 = "00000000000000000002a3b1e6f1d0c6a1b7c3d2e9f8a7b6c5d4e3f2a1b0c9d8";
const oddUtx = `{ "op":"utx", "x": {"hash":"${"ab".repeat(32)}", "note":"café 🐟 \\u00e9", "out":[{"value":1.0e3}] } }`;
const block2 = `{"op":"block","x":{"height":614188,"hash":"${H2}","reward":0,"foundBy":{"description":""}}}`;
const rawblock2 = `{"hash":"${H2}",  "height":614188, "prev_block":"0000000000000000000cd9a8dccfc8dc498d406f3a0dd594ea8dd0b9e113c5ae", "fee":12345, "tx":[{"inputs":[{"script":"03"}],"out":[{"value":1250012345}]}]}`;
const wsSent = [utx!, '{"op":"pong"}', oddUtx, block!, block2];
const mempoolBlock = fx("blocks/mempool-block.json");
const mempoolTxs = fx("blocks/mempool-block-txs.json");

let live: Config;
let replayed: Config;
const capture = join(tmpdir(), `bytes-${process.pid}.jsonl`);
const server = Bun.serve({
  port: 0,
  fetch(req, srv) {
    const path = new URL(req.url).pathname;
    if (path === "/inv") return srv.upgrade(req) ? undefined : new Response("no", { status: 400 });
    if (path.endsWith(`/rawblock/${H2}`)) return new Response(rawblock2);
    if (path.startsWith("/rawblock/")) return new Response("oops", { status: 500 });
    if (path.endsWith("/txs")) return new Response(mempoolTxs);
    if (path.startsWith("/api/block/")) return new Response(mempoolBlock);
    return new Response("not found", { status: 404 });
  },
  websocket: {
    message(ws, msg) {
      if (String(msg) === '{"op":"blocks_sub"}') for (const m of wsSent) ws.send(m);
    },
  },
});

beforeAll(async () => {
  live = await freshNamespace("bytes-live");
  replayed = await freshNamespace("bytes-replay");
});
afterAll(async () => {
  server.stop(true);
  rmSync(capture, { force: true });
  await dropNamespace(live);
  await dropNamespace(replayed);
});

const comparable = (rs: Rec[]) =>
  rs
    .map((r) => ({
      p: r.partition,
      key: r.key,
      value: r.value.toString("hex"),
      feed: r.headers.feed,
      at: r.headers["received-at"],
    }))
    .sort((a, b) => (a.value < b.value ? -1 : 1));

test("live: Kafka holds the source's bytes; replay of its capture: the same content", async () => {
  const testStart = Date.now() - 1000;
  const base = `http://127.0.0.1:${server.port}`;
  const p = startProducer("blockchain", live, {
    SOURCE_MODE: "live",
    BLOCKCHAIN_WS_URL: `ws://127.0.0.1:${server.port}/inv`,
    BLOCKCHAIN_API: base,
    MEMPOOL_API: base,
    BLOCK_FETCH_RETRIES: "1",
    CAPTURE_FILE: capture,
  });
  const t = topicsOf(live);
  const txs = await readTopic(live, t.transactions, 2);
  const blocks = await readTopic(live, t.blocks, 5);
  expect(await p.stop()).toBe(0);

  expect(txs.map((r) => r.value.toString("hex")).sort()).toEqual(
    [utx!, oddUtx].map((s) => Buffer.from(s).toString("hex")).sort(),
  );
  const odd = txs.find((r) => r.key === "ab".repeat(32))!;
  expect(odd.value.equals(Buffer.from(oddUtx, "utf8"))).toBe(true);
  for (const r of [...txs, ...blocks]) {
    expect(r.headers.origin).toBe("live");
    // the broker's append time (LogAppendTime), so retention never deletes a replayed record before it is read
    expect(Number(r.timestamp)).toBeGreaterThanOrEqual(testStart);
  }
  const byFeed = (feed: string) =>
    blocks.filter((r) => r.headers.feed === feed).map((r) => [r.key, r.value.toString()]);
  expect(byFeed("blockchain.info/ws").sort()).toEqual([
    ["614187", block!],
    ["614188", block2],
  ]);
  expect(byFeed("blockchain.info/rawblock")).toEqual([["614188", rawblock2]]);
  expect(byFeed("mempool.space/block")).toEqual([["614187", mempoolBlock]]);
  expect(byFeed("mempool.space/block-txs")).toEqual([["614187", mempoolTxs]]);
  expect(p.lines.some((l) => l.includes("rawblock unavailable, trying mempool.space"))).toBe(true);

  const lines = readFileSync(capture, "utf8").split("\n").filter(Boolean).map(parseCaptureLine);
  expect(lines.filter((c) => c.feed === "blockchain.info/ws").map((c) => c.text)).toEqual(wsSent);

  const r = startProducer("blockchain", replayed, { SOURCE_MODE: "replay", REPLAY_FILE: capture, REPLAY_SPEED: "max" });
  await waitFor("replay finished", () => r.lines.some((l) => l.includes("replay finished")), 30_000);
  const t2 = topicsOf(replayed);
  const txs2 = await readTopic(replayed, t2.transactions, 2);
  const blocks2 = await readTopic(replayed, t2.blocks, 5);
  expect(await r.stop()).toBe(0);
  expect(comparable(txs2)).toEqual(comparable(txs));
  expect(comparable(blocks2)).toEqual(comparable(blocks));
  expect([...txs2, ...blocks2].every((x) => x.headers.origin === "replay")).toBe(true);
  // replayed: the Kafka timestamp is the broker's append time, the source's time stays in received-at
  for (const x of [...txs2, ...blocks2])
    expect(Number(x.timestamp)).toBeGreaterThanOrEqual(Number(x.headers["received-at"]));
}, 120_000);
