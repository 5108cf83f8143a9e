import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { blockPartOf, mergeBlock, transactionOf, withPart } from "./chain.ts";

const samples = readFileSync(new URL("../../tests/fixtures/blockchain-info-ws.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n");
const msgOf = (line: string) => JSON.stringify((JSON.parse(line) as { msg: unknown }).msg);
const H = (c: string) => c.repeat(64);
const utx = (x: Record<string, unknown>) =>
  JSON.stringify({ op: "utx", x: { hash: H("a"), time: 1_706_745_600, inputs: [{}], out: [{ value: 5 }], ...x } });

test("a real utx: value is the sum of its outputs, in satoshis", () => {
  const tx = transactionOf(msgOf(samples[0]!), 1570497833000);
  expect(tx).toMatchObject({
    value_sat: 6_798_102_343,
    time: 1570497833000,
    hour: 1570496400000,
    inputs: 1,
    outputs: 2,
  });
});

test("impossible or malformed transactions are refused with a reason", () => {
  expect(transactionOf("nope")).toHaveProperty("error");
  expect(transactionOf(utx({ out: [{ value: -1 }] }))).toMatchObject({ error: expect.stringContaining("negative") });
  expect(transactionOf(utx({ out: [{ value: 2_100_000_000_000_001 }] }))).toHaveProperty("error");
  expect(
    transactionOf(utx({ out: [{ value: 1_500_000_000_000_000 }, { value: 1_500_000_000_000_000 }] })),
  ).toMatchObject({
    error: expect.stringContaining("21 million"),
  });
  expect(transactionOf(utx({ out: [{ value: "100" }] }))).toHaveProperty("error");
  expect(transactionOf(utx({ hash: "xyz" }))).toHaveProperty("error");
  expect(transactionOf(utx({ time: 12 }))).toHaveProperty("error");
  expect(transactionOf(utx({ time: 1_706_745_600 }), 1_600_000_000_000)).toHaveProperty("error");
});

const raw = (hash: string, prev: string, cb: { script: string; outs: Array<[number, string]> }) =>
  JSON.stringify({
    hash,
    prev_block: prev,
    height: 827_001,
    time: 1_706_745_600,
    main_chain: true,
    tx: [{ inputs: [{ script: cb.script }], out: cb.outs.map(([value, addr]) => ({ value, addr })) }],
  });
const ann = (hash: string, foundBy: string) =>
  JSON.stringify({ op: "block", x: { hash, height: 827_001, time: 1_706_745_600, foundBy: { description: foundBy } } });
const meta = { feed: "f", receivedAt: 1 };

test("announcement and details merge to the same block in either order", () => {
  const a = blockPartOf("blockchain.info/ws", ann(H("b"), "Someone"));
  const d = blockPartOf(
    "blockchain.info/rawblock",
    raw(H("b"), H("c"), { script: Buffer.from("/ViaBTC/").toString("hex"), outs: [[700_000_000, "x"]] }),
  );
  if ("error" in a || "error" in d) throw new Error("parse");
  const ad = mergeBlock(mergeBlock(undefined, a, meta), d, meta);
  const da = mergeBlock(mergeBlock(undefined, d, meta), a, meta);
  expect(ad).toEqual(da);
  expect(ad).toMatchObject({
    miner: "ViaBTC",
    miner_match: "tag",
    reward_sat: 700_000_000,
    subsidy_sat: 625_000_000,
    fees_sat: 75_000_000,
    fees_known: true,
  });
  const onlyAnn = mergeBlock(undefined, a, meta);
  expect(onlyAnn).toMatchObject({ miner: "Someone", reward_sat: 625_000_000, fees_known: false, has_details: false });
  expect(mergeBlock(ad, d, meta)).toEqual(ad);
});

test("mempool.space block and txs give the chain link and the coinbase", () => {
  const b = blockPartOf(
    "mempool.space/block",
    JSON.stringify({ id: H("d"), height: 5, timestamp: 1_706_745_600, previousblockhash: H("e") }),
  );
  expect(b).toMatchObject({ kind: "header", prev_block: H("e") });
  const txs = [
    {
      status: { block_hash: H("d"), block_height: 5, block_time: 1_706_745_600 },
      vin: [{ scriptsig: "00" }],
      vout: [{ value: 10, scriptpubkey_address: "a" }],
    },
  ];
  expect(blockPartOf("mempool.space/block-txs", JSON.stringify(txs))).toMatchObject({
    kind: "details",
    coinbase: { reward_sat: 10 },
  });
  expect(blockPartOf("blockchain.info/rawblock", "{")).toHaveProperty("error");
});

test("withPart: a repeat writes nothing; new facts are written once, with where the message is, never its text", () => {
  const body = raw(H("b"), H("c"), { script: Buffer.from("/ViaBTC/").toString("hex"), outs: [[700_000_000, "x"]] });
  const d = blockPartOf("blockchain.info/rawblock", body);
  const a = blockPartOf("blockchain.info/ws", ann(H("b"), "Someone"));
  if ("error" in d || "error" in a) throw new Error("parse");
  const rec = (feed: string, offset: number) => ({ feed, topic: "p3-btc-blocks", partition: 4, offset });
  const m = (feed: string, offset: number) => ({ feed, receivedAt: 5, record: rec(feed, offset) });
  const first = withPart(undefined, d, m("blockchain.info/rawblock", 10))!;
  expect(first.records).toEqual([rec("blockchain.info/rawblock", 10)]);
  expect(JSON.stringify(first)).not.toContain(`"tx"`);
  expect(Object.keys(first).some((k) => k.startsWith("raw"))).toBe(false);
  expect(JSON.stringify(first).length).toBeLessThan(1000);
  expect(withPart(first, d, m("blockchain.info/rawblock", 11))).toBeUndefined();
  const both = withPart(first, a, m("blockchain.info/ws", 12))!;
  expect(both).toMatchObject({ miner: "ViaBTC", found_by: "Someone", announced_at: 5 });
  expect(both.records!.map((r) => r.offset)).toEqual([10, 12]);
  expect(withPart(both, a, m("blockchain.info/ws", 13))).toBeUndefined();
  const legacy = { ...both, raw_details: "x".repeat(3_000_000) } as typeof both; // a document from before
  expect(Object.keys(withPart(legacy, a, m("blockchain.info/ws", 12))!)).not.toContain("raw_details");
  expect(withPart(both, d, { ...m("blockchain.info/rawblock", 14), receivedAt: 4 })?.records).toEqual([
    rec("blockchain.info/rawblock", 14),
    rec("blockchain.info/ws", 12),
  ]);
});

test("untrusted chain text: an announcement never moves a detailed block's height; a block naming itself is refused", () => {
  const d = blockPartOf("blockchain.info/rawblock", raw(H("b"), H("c"), { script: "00", outs: [[1, "x"]] }));
  const moved = JSON.stringify({ op: "block", x: { hash: H("b"), height: 900_000, time: 1_706_745_600 } });
  const a = blockPartOf("blockchain.info/ws", moved);
  if ("error" in a || "error" in d) throw new Error("parse");
  expect(mergeBlock(mergeBlock(undefined, d, meta), a, meta).height).toBe(827_001);
  expect(mergeBlock(mergeBlock(undefined, a, meta), d, meta).height).toBe(827_001);
  const self = blockPartOf("blockchain.info/rawblock", raw(H("b"), H("b"), { script: "00", outs: [[1, "x"]] }));
  expect(self).toEqual({ error: "prev_block is the block itself" });
});
