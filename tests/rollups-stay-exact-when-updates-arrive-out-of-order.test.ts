// Proves, with the real transactions and volume handlers against the real Elasticsearch cluster, that an hour's
// volume document always ends with the figures of the latest update, whatever the update records' timestamps and
// offsets say, and that a minute is never read short:
// - two update records appended in the same millisecond on either side of a multiple of 1024 (offsets 2047, 2048);
// - a later update record whose timestamp is seconds older (its partition's leader moved to a broker whose clock
//   is behind; or the update topic was re-created or repartitioned);
// - two instances holding the same hour (a repartitioned update topic moves keys): the second one's memory of
//   the hour must not be kept once the first one wrote it;
// - a retried `create` answered 409 while its first try is not yet searchable: the hour it announces must count it.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { KafkaMessage } from "kafkajs";
import { handler as minersHandler } from "../scripts/bolts/miners.ts";
import { handler as transactionsHandler } from "../scripts/bolts/transactions.ts";
import { handler as volumeHandler } from "../scripts/bolts/volume.ts";
import type { MinerDoc } from "../scripts/domain/rollups.ts";
import { updateValue } from "../scripts/domain/volume-minutes.ts";
import { type Config, indicesOf } from "../scripts/lib/config.ts";
import type { BoltContext, Slice } from "../scripts/lib/consume.ts";
import { esClient } from "../scripts/lib/es.ts";
import { ReliableProducer } from "../scripts/lib/reliable-producer.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";

const HOUR = Date.UTC(2024, 1, 1, 10);
let cfg: Config;
let producer: ReliableProducer;
let n = 0;

beforeAll(async () => {
  cfg = await freshNamespace("rollup-order");
  producer = new ReliableProducer(cfg, "test-rollup-order", 30_000);
});
afterAll(async () => {
  await producer.disconnect();
  await dropNamespace(cfg);
});

const ctxOf = (assignment = 1): BoltContext => ({ producer, assignment, heartbeat: async () => {} });
const record = (value: string, offset: number, timestamp: number): KafkaMessage =>
  ({
    key: Buffer.from(value),
    value: Buffer.from(value),
    offset: String(offset),
    timestamp: String(timestamp),
    headers: {},
  }) as never;

/** A blockchain.info `utx` message of one output of `sat` satoshis at `time` (ms). */
function utx(sat: number, time: number) {
  n++;
  const hash = (n.toString(16) + "ab".repeat(32)).slice(0, 64);
  const x = { hash, time: Math.floor(time / 1000), size: 200, inputs: [], out: [{ value: sat, n: 0, addr: "bc1q" }] };
  return record(JSON.stringify({ op: "utx", x }), n, time);
}

async function writeTransactions(messages: KafkaMessage[]) {
  const slice: Slice = { topic: "tx", partition: 0, messages };
  expect(await transactionsHandler(cfg)(slice, ctxOf())).toEqual([]);
}

async function volumeCount(): Promise<number> {
  const es = esClient(cfg);
  await es.indices.refresh({ index: indicesOf(cfg).volume });
  const doc = await es.get({ index: indicesOf(cfg).volume, id: new Date(HOUR).toISOString() }).catch(() => undefined);
  return (doc?._source as { tx_count?: number } | undefined)?.tx_count ?? 0;
}

const whole = new Date(HOUR).toISOString();

test("a later update in the same millisecond across a multiple of 1024 is not lost", async () => {
  const volume = volumeHandler(cfg);
  const t = Date.now();
  await writeTransactions([utx(1000, HOUR + 60_000)]);
  expect(await volume({ topic: "u", partition: 0, messages: [record(whole, 2047, t)] }, ctxOf())).toEqual([]);
  expect(await volumeCount()).toBe(1);
  await writeTransactions([utx(2000, HOUR + 120_000)]);
  expect(await volume({ topic: "u", partition: 0, messages: [record(whole, 2048, t)] }, ctxOf())).toEqual([]);
  expect(await volumeCount()).toBe(2);
});

test("a later update with an older timestamp (a leader's clock behind) is not lost", async () => {
  const volume = volumeHandler(cfg);
  const t = Date.now() + 60_000;
  await writeTransactions([utx(3000, HOUR + 180_000)]);
  expect(await volume({ topic: "u", partition: 0, messages: [record(whole, 10, t)] }, ctxOf())).toEqual([]);
  expect(await volumeCount()).toBe(3);
  await writeTransactions([utx(4000, HOUR + 240_000)]);
  expect(await volume({ topic: "u", partition: 0, messages: [record(whole, 11, t - 5_000)] }, ctxOf())).toEqual([]);
  expect(await volumeCount()).toBe(4);
});

test("two instances on one hour: a memory another instance wrote past is not kept", async () => {
  const [a, b] = [volumeHandler(cfg), volumeHandler(cfg)];
  const span = (from: number) => updateValue(HOUR, { from, to: from + 1 });
  let t = Date.now() + 120_000;
  // b learns the hour, then a (the new owner after a repartition) counts a transaction in minute 6.
  expect(await b({ topic: "u", partition: 0, messages: [record(whole, 20, t++)] }, ctxOf())).toEqual([]);
  await writeTransactions([utx(5000, HOUR + 360_000)]);
  expect(await a({ topic: "u", partition: 1, messages: [record(span(HOUR + 360_000), 1, t++)] }, ctxOf())).toEqual([]);
  expect(await volumeCount()).toBe(5);
  // b gets the next update of minute 7 only: its memory of minute 6 is stale and must not be written back.
  await writeTransactions([utx(6000, HOUR + 420_000)]);
  expect(await b({ topic: "u", partition: 0, messages: [record(span(HOUR + 420_000), 21, t++)] }, ctxOf())).toEqual([]);
  expect(await volumeCount()).toBe(6);
});

test("a retried create answered 409 while its first try is not yet searchable is counted in its hour", async () => {
  const es = esClient(cfg);
  const index = indicesOf(cfg).rawTransactions;
  await es.indices.putSettings({ index, settings: { index: { refresh_interval: "-1" } } });
  try {
    const m = utx(7000, HOUR + 480_000);
    const tx = JSON.parse(m.value!.toString()).x;
    // The first try landed in Elasticsearch but is not searchable yet (its answer was lost: a timeout).
    const slice: Slice = { topic: "tx", partition: 0, messages: [m] };
    await writeFirstTry(index, tx.hash, slice, m);
    await writeTransactions([m]);
    const t = Date.now() + 180_000;
    expect(await volumeHandler(cfg)({ topic: "u", partition: 0, messages: [record(whole, 30, t)] }, ctxOf())).toEqual(
      [],
    );
    expect(await volumeCount()).toBe(7);
  } finally {
    await es.indices.putSettings({ index, settings: { index: { refresh_interval: null as never } } });
  }
});

async function writeFirstTry(index: string, id: string, slice: Slice, m: KafkaMessage) {
  const { transactionDoc } = await import("../scripts/bolts/transactions.ts");
  const { transactionOf } = await import("../scripts/domain/chain.ts");
  const tx = transactionOf(m.value!.toString(), Number(m.timestamp));
  if ("error" in tx) throw new Error(tx.error);
  await esClient(cfg).create({ index, id, document: transactionDoc(tx, slice, m, false), refresh: false });
}

const DAY = Date.UTC(2024, 1, 1);
const dayKey = `day:${new Date(DAY).toISOString()}`;
let height = 800_000;
async function addBlock(miner: string, reward: number) {
  height++;
  const time = DAY + (height - 800_000) * 600_000;
  const doc = { hash: `${height}`.padStart(64, "0"), height, time, miner, reward_sat: reward, fees_known: true };
  await esClient(cfg).index({
    index: indicesOf(cfg).rawBlocks,
    id: doc.hash,
    document: { ...doc, day: DAY, month: Date.UTC(2024, 1), orphaned: false },
    refresh: true,
  });
}
async function minerBlocks(): Promise<Record<string, number>> {
  const es = esClient(cfg);
  await es.indices.refresh({ index: indicesOf(cfg).miner });
  const res = await es.search({ index: indicesOf(cfg).miner, size: 100, query: { term: { period: "day" } } });
  return Object.fromEntries(res.hits.hits.map((h) => [(h._source as MinerDoc).miner, (h._source as MinerDoc).blocks]));
}

test("miners: a later update in the same millisecond across 1024, or with an older timestamp, is not lost", async () => {
  const miners = minersHandler(cfg);
  const t = Date.now();
  await addBlock("AntPool", 625_000_000);
  expect(await miners({ topic: "m", partition: 0, messages: [record(dayKey, 2047, t)] }, ctxOf())).toEqual([]);
  expect(await minerBlocks()).toEqual({ AntPool: 1 });
  await addBlock("AntPool", 625_000_000);
  expect(await miners({ topic: "m", partition: 0, messages: [record(dayKey, 2048, t)] }, ctxOf())).toEqual([]);
  expect(await minerBlocks()).toEqual({ AntPool: 2 });
  await addBlock("F2Pool", 625_000_000);
  expect(await miners({ topic: "m", partition: 0, messages: [record(dayKey, 2049, t - 5_000)] }, ctxOf())).toEqual([]);
  expect(await minerBlocks()).toEqual({ AntPool: 2, F2Pool: 1 });
});
