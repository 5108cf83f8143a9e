// The bounded buffer with a fake Kafka: down (sends fail), then back. Memory stays within its bounds, every drop
// is counted, block records evict transactions, and what was buffered is delivered in order once Kafka is back.
import { expect, test } from "bun:test";
import type { Message } from "kafkajs";
import { Publisher } from "./publisher.ts";

const tx = (i: number) => ({ topic: "tx", droppable: true, message: { key: `t${i}`, value: `{"i":${i}}` } });
const block = (h: number) => ({ topic: "blocks", droppable: false, message: { key: String(h), value: "{}" } });

test("Kafka down: bounded, drops counted, blocks kept; Kafka back: buffered records delivered in order", async () => {
  let up = false;
  const got: { topic: string; messages: Message[] }[] = [];
  const p = new Publisher(
    async (topic, messages) => {
      if (!up) throw new Error("broker down");
      got.push({ topic, messages });
    },
    { max: 100, maxBytes: 1_000_000, batchMax: 30 },
  );
  p.start();
  for (let i = 0; i < 150; i++) p.push(tx(i));
  expect(p.count).toBe(100);
  expect(p.dropped).toBe(50);
  for (let h = 0; h < 5; h++) expect(p.push(block(h))).toBe(true);
  expect(p.count).toBe(100);
  expect(p.dropped).toBe(55);
  up = true;
  for (let i = 0; i < 50 && p.count > 0; i++) await Bun.sleep(100);
  expect(p.count).toBe(0);
  const txKeys = got.filter((g) => g.topic === "tx").flatMap((g) => g.messages.map((m) => m.key));
  expect(txKeys).toEqual(Array.from({ length: 95 }, (_, i) => `t${i + 5}`));
  expect(got.filter((g) => g.topic === "blocks").flatMap((g) => g.messages.map((m) => m.key))).toEqual([
    "0",
    "1",
    "2",
    "3",
    "4",
  ]);
  expect(got.every((g) => g.messages.length <= 30)).toBe(true);
  await p.close(1000);
  expect(p.published).toBe(100);
});

test("the byte bound holds too; pushWait applies back-pressure instead of dropping", async () => {
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const p = new Publisher(
    async () => {
      await gate;
    },
    { max: 1000, maxBytes: 2000, batchMax: 2 },
  );
  p.start();
  for (let i = 0; i < 20; i++) p.push(tx(i));
  expect(p.bytes).toBeLessThanOrEqual(2000);
  const dropped = p.dropped;
  expect(dropped).toBeGreaterThan(0);
  let waited = false;
  const w = p.pushWait(tx(99)).then(() => (waited = true));
  await Bun.sleep(100);
  expect(waited).toBe(false);
  release();
  await w;
  expect(p.dropped).toBe(dropped);
  await p.close(1000);
});

test("a record Kafka refuses as too large is split out, then dropped and counted, and the rest still goes", async () => {
  const sent: string[] = [];
  const p = new Publisher(
    async (_t, messages) => {
      if (messages.some((m) => m.key === "big"))
        throw Object.assign(new Error("too big"), { type: "MESSAGE_TOO_LARGE" });
      sent.push(...messages.map((m) => String(m.key)));
    },
    { max: 100, maxBytes: 1e6, batchMax: 10 },
  );
  p.start();
  p.push(tx(1));
  p.push({ ...tx(2), message: { key: "big", value: "x" } });
  p.push(tx(3));
  for (let i = 0; i < 20 && p.count > 0; i++) await Bun.sleep(50);
  expect(sent).toEqual(["t1", "t3"]);
  expect(p.dropped).toBe(1);
  await p.close(500);
});

test("a block or price record never waits behind a backlog of transaction batches", async () => {
  const sent: string[] = [];
  let release = () => {};
  const p = new Publisher(
    async (topic) => {
      sent.push(topic);
      await new Promise<void>((r) => (release = r));
    },
    { max: 10_000, maxBytes: 10_000_000, batchMax: 10 },
  );
  p.start();
  for (let i = 0; i < 200; i++) p.push(tx(i)); // 20 batches of transactions
  await Bun.sleep(10);
  p.push(block(1));
  p.push({ topic: "bpi", droppable: false, message: { key: "BTC-EUR", value: "{}" } });
  for (let i = 0; i < 4; i++) {
    release();
    await Bun.sleep(5);
  }
  // the first transaction batch was already in flight; the block and the price go right after it
  expect(sent.slice(0, 3)).toEqual(["tx", "blocks", "bpi"]);
  for (let i = 0; i < 40 && p.count > 0; i++) {
    release();
    await Bun.sleep(2);
  }
  release();
  await p.close(1000);
  expect(p.published).toBe(202);
});

test("linger: a send waits until its first record is lingerMs old, so records pushed meanwhile go in the same batch", async () => {
  const sends = (lingerMs: number) => {
    const got: number[] = [];
    const p = new Publisher(
      async (_topic, messages) => {
        got.push(messages.length);
      },
      { max: 1000, maxBytes: 1e6, batchMax: 100, lingerMs },
    );
    return { p, got };
  };
  for (const [lingerMs, want] of [
    [0, [1, 9]], // no linger: the first record leaves alone, the rest while it is in flight
    [80, [10]],
  ] as const) {
    const { p, got } = sends(lingerMs);
    p.start();
    p.push(tx(0));
    await Bun.sleep(20);
    for (let i = 1; i < 10; i++) p.push(tx(i));
    for (let i = 0; i < 50 && p.count > 0; i++) await Bun.sleep(20);
    expect(got).toEqual([...want]);
    await p.close(1000);
  }
});

test("linger: a full batch and a closing publisher do not wait", async () => {
  const got: number[] = [];
  const p = new Publisher(
    async (_topic, messages) => {
      got.push(messages.length);
    },
    { max: 1000, maxBytes: 1e6, batchMax: 5, lingerMs: 60_000 },
  );
  for (let i = 0; i < 7; i++) p.push(tx(i));
  p.start();
  await Bun.sleep(50);
  expect(got).toEqual([5]); // the full batch went at once; the 2 left linger
  const t0 = performance.now();
  await p.close(5000);
  expect(got).toEqual([5, 2]);
  expect(performance.now() - t0).toBeLessThan(1000);
});
