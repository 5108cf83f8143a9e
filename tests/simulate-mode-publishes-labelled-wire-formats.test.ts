// Proves: SOURCE_MODE=simulate (make demo's default) publishes, through the same path as live, transactions,
// block announcements with their rawblock bodies, and prices in the live wire formats, every record labelled
// origin=simulated; both producers stop on SIGTERM within 10 s with exit 0.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { subsidyAt } from "../scripts/domain/bitcoin.ts";
import { parsePrice } from "../scripts/domain/price-sources.ts";
import { type Config, topicsOf } from "../scripts/lib/config.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { readTopic, startProducer } from "./producers-kit.ts";

let cfg: Config;
beforeAll(async () => {
  cfg = await freshNamespace("simulate");
});
afterAll(async () => {
  await dropNamespace(cfg);
});

test("x10 transactions, a block every ~2 s, a price every second: all in Kafka, labelled simulated", async () => {
  const env = {
    SOURCE_MODE: "simulate",
    SIM_RATE: "10",
    SIM_BLOCK_SECONDS: "2",
    SIM_SEED: "11",
    BPI_SCHEDULE: "* * * * * *",
  };
  const chain = startProducer("blockchain", cfg, env);
  const bpi = startProducer("bpi", cfg, env);
  await Bun.sleep(8000);
  for (const p of [chain, bpi]) {
    const t0 = Date.now();
    expect(await p.stop()).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
  }
  const t = topicsOf(cfg);
  const [txs, blocks, prices] = await Promise.all([
    readTopic(cfg, t.transactions, 1),
    readTopic(cfg, t.blocks, 1),
    readTopic(cfg, t.bpi, 1),
  ]);
  console.log(JSON.stringify({ txs: txs.length, blocks: blocks.length, prices: prices.length }));
  expect(txs.length).toBeGreaterThan(300);
  expect(prices.length).toBeGreaterThanOrEqual(4);
  for (const r of [...txs, ...blocks, ...prices]) expect(r.headers.origin).toBe("simulated");
  for (const r of txs.slice(0, 50)) expect(JSON.parse(r.value.toString()).x.hash).toBe(r.key);
  const raws = blocks.filter((r) => r.headers.feed === "blockchain.info/rawblock");
  expect(blocks.filter((r) => r.headers.feed === "blockchain.info/ws").length).toBeGreaterThanOrEqual(raws.length);
  expect(raws.length).toBeGreaterThan(0);
  for (const r of raws) {
    const b = JSON.parse(r.value.toString());
    expect(String(b.height)).toBe(r.key);
    expect(b.tx[0].out.reduce((a: number, o: { value: number }) => a + o.value, 0)).toBe(subsidyAt(b.height) + b.fee);
  }
  for (const r of prices) {
    expect(r.key).toBe("BTC-EUR");
    expect("eur" in parsePrice(r.headers.feed!, r.value.toString())).toBe(true);
  }
}, 90_000);
