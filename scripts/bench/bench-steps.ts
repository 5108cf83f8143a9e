// The paced steps of `make bench` (BENCH_STEPS, default x1 30 s, x10 120 s, x100 60 s, x1000 300 s): simulated
// traffic at x times the real rate (7 tx/s), published at the pace of the wall clock (transaction times = now, a
// price every BENCH_PRICE_EVERY_S, as the live feed does) into the prices, transactions and volume bolts already
// running in the bench's namespace. Per step: the rate asked and reached, the lag of the transactions and volume
// groups every second and whether it stayed bounded, CPU and memory per program, what Elasticsearch did (its own
// `_nodes/stats`); at x10, freshness: from a transaction's send acknowledged to its hour counting it (count and
// BTC), and from a price's send acknowledged to its hour valuing everything before it (EUR). After each step the
// backlog drains and every hour is compared with what was published (bench-expect.ts: plain loops, not the bolts'
// code): count, satoshis, EUR cents, largest.

import type { Message } from "kafkajs";
import { boltGroup } from "../backup/offsets.ts";
import { type Config, topicsOf } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { sleep } from "../lib/log.ts";
import { ReliableProducer } from "../lib/reliable-producer.ts";
import { route } from "../producers/records.ts";
import { simulateChain } from "../simulator/simulator.ts";
import { esWork, workBetween } from "./bench-es-stats.ts";
import { Expected, hourOfMs, volumeMismatches } from "./bench-expect.ts";
import { priceRecord } from "./bench-pipeline.ts";
import { type Prog, sampleUsage } from "./bench-procs.ts";
import { latency } from "./bench-report.ts";
import { lagOf, lagTrend } from "./bench-step-lag.ts";

export type Step = { x: number; seconds: number };
/** "1:30,10:120" as steps; refuses what does not parse. */
export function parseSteps(spec: string): Step[] {
  return spec.split(",").map((s) => {
    const [x, seconds] = s.split(":").map(Number);
    if (!Number.isInteger(x) || !(x! > 0) || !Number.isInteger(seconds) || !(seconds! > 0))
      throw new Error(`BENCH_STEPS: "${s}" is not x:seconds (e.g. 1000:300)`);
    return { x: x!, seconds: seconds! };
  });
}

/** CPU ms of this thread since `from`. */
function threadMsSince(from: NodeJS.CpuUsage): number {
  const d = process.threadCpuUsage(from);
  return (d.user + d.system) / 1000;
}

const POOLS = [{ id: 1, name: "BenchPool", addresses: [], tags: ["/bench/"], link: "" }];

/** Run every step, one after the other, on the running bolts; `progs` are sampled for CPU and memory. With
 * `standby` (BENCH_STANDBY=1), the standby's bolts run too: their lag is sampled and their figures checked as well. */
export async function runSteps(
  cfg: Config,
  steps: Step[],
  progs: Prog[],
  priceEveryS: number,
  say: (s: string) => void,
  standby?: Config,
) {
  const topics = topicsOf(cfg);
  const producer = new ReliableProducer(cfg, "bench-steps", 60_000);
  const admin = kafkaClient(cfg, "bench-steps-admin").admin();
  await admin.connect();
  const lag = async () => {
    const tx = await lagOf(admin, boltGroup(cfg, "transactions"), topics.transactions);
    const vol = await lagOf(admin, boltGroup(cfg, "volume"), topics.volumeUpdates);
    return [tx + vol, tx, vol] as const;
  };
  const standbyLag = async () =>
    standby
      ? (await lagOf(admin, boltGroup(standby, "transactions"), topics.transactions)) +
        (await lagOf(admin, boltGroup(standby, "volume"), topics.volumeUpdates))
      : 0;
  const expected = new Expected();
  let priceN = 0;
  const sendPrice = async () => {
    const at = Date.now();
    const eur = (90_000 + 37.13 * Math.sin(priceN++) + priceN / 100).toFixed(2);
    await producer.send(topics.bpi, [priceRecord(cfg, at, eur)]);
    expected.price(at, eur);
    return at;
  };
  await sendPrice();
  await sleep(1100); // the first transaction is after the first price (whole seconds)
  const results = [];
  for (const [i, step] of steps.entries()) {
    const rate = 7 * step.x;
    const t0 = Date.now();
    const chain = simulateChain({
      seed: 11 + i,
      startMs: t0,
      rate: step.x,
      blockSeconds: 1e12,
      pools: POOLS,
      repeatProb: 0,
    });
    const usage = sampleUsage(progs);
    const es0 = await esWork(cfg); // what Elasticsearch did in the step, from its own statistics
    const lags: Array<[number, number]> = [];
    const standbyLags: Array<[number, number]> = [];
    const split: number[][] = []; // [s, transactions group, volume group]
    const fresh = { count: [] as number[], eur: [] as number[] };
    const watchers: Promise<void>[] = [];
    const freshness = step.x === 10;
    let published = 0;
    // The bench's own instruments, in CPU ms of its thread, not the platform's work: the reference's sums, and the
    // simulated feed's making (standing in for blockchain.info, which is not on the platform's machine)
    let referenceMs = 0;
    let sourceMs = 0;
    const repeats0 = expected.repeats;
    let nextPrice = t0 + priceEveryS * 1000;
    let nextLag = t0;
    let nextSample = t0;
    let next = chain.next().value!;
    while (Date.now() < t0 + step.seconds * 1000) {
      // as the producers' publisher (publisher.ts): a batch leaves once its first record is PRODUCER_LINGER_MS old
      const linger = next.at + cfg.producers.lingerMs - Date.now();
      if (next.at <= Date.now() && linger > 0) await sleep(linger);
      const s0 = process.threadCpuUsage();
      const due = [];
      while (next.at <= Date.now() && due.length < 5000) {
        due.push(next);
        next = chain.next().value!;
      }
      sourceMs += threadMsSince(s0);
      const batch: Message[] = [];
      for (const c of due) {
        const r = route(topics, c, "simulated");
        if ("topic" in r && r.topic === topics.transactions) batch.push(r.message);
      }
      if (batch.length > 0) {
        await producer.send(topics.transactions, batch);
        const acked = Date.now();
        const r0 = process.threadCpuUsage();
        for (const m of batch) expected.tx(String(m.value));
        referenceMs += threadMsSince(r0);
        published += batch.length;
        const m = JSON.parse(String(batch.at(-1)!.value)) as { x: { time: number } };
        if (freshness && acked >= nextSample) {
          nextSample = acked + 1000; // one sample a second
          watchers.push(expected.whenCounted(cfg, hourOfMs(m.x.time * 1000), acked, fresh.count));
        }
      } else await sleep(5);
      if (Date.now() >= nextPrice) {
        const at = await sendPrice();
        nextPrice += priceEveryS * 1000;
        if (freshness) watchers.push(expected.whenPriced(cfg, at, Date.now(), fresh.eur));
      }
      if (Date.now() >= nextLag) {
        nextLag += 1000;
        void lag().then(
          ([all, tx, vol]) => {
            const t = (Date.now() - t0) / 1000;
            lags.push([t, all]);
            split.push([Math.round(t), tx, vol]);
          },
          () => {},
        );
        if (standby)
          void standbyLag().then(
            (n) => standbyLags.push([(Date.now() - t0) / 1000, n]),
            () => {},
          );
      }
    }
    const secs = (Date.now() - t0) / 1000;
    say(`x${step.x}: ${published} tx in ${secs.toFixed(0)} s; draining and checking the figures`);
    await sleep(1100);
    await sendPrice(); // values everything published: nothing stays pending
    const d0 = Date.now();
    while ((await lag())[0] > 0) await sleep(500);
    const drainMs = Date.now() - d0;
    while ((await standbyLag()) > 0) await sleep(500);
    const standbyDrainMs = Date.now() - d0;
    await Promise.all(watchers);
    const mismatches = await volumeMismatches(cfg, expected, 120_000);
    const standbyMismatches = standby ? await volumeMismatches(standby, expected, 120_000) : [];
    const use = usage.stop();
    const es_work = workBetween(es0, await esWork(cfg), published);
    results.push({
      x: step.x,
      seconds: Math.round(secs),
      asked_tx_per_s: rate,
      published,
      published_tx_per_s: Math.round(published / secs),
      repeated: expected.repeats - repeats0,
      lag: { ...lagTrend(lags, rate), samples: split },
      drain_ms: drainMs,
      exact: mismatches.length === 0,
      mismatches: mismatches.slice(0, 5),
      ...(freshness ? { freshness: { count_btc_ms: latency(fresh.count), eur_ms: latency(fresh.eur) } } : {}),
      ...(standby
        ? {
            standby: {
              lag: { ...lagTrend(standbyLags, rate), samples: standbyLags.map(([t, n]) => [Math.round(t), n]) },
              behind_s_max: Math.round((lagTrend(standbyLags, rate).max / rate) * 10) / 10,
              drain_ms: standbyDrainMs,
              exact: standbyMismatches.length === 0,
              mismatches: standbyMismatches.slice(0, 5),
            },
          }
        : {}),
      es_work,
      usage: { ...use, reference_cpu_s: Math.round(referenceMs) / 1000, source_cpu_s: Math.round(sourceMs) / 1000 },
    });
    say(
      `x${step.x}: lag ${JSON.stringify(results.at(-1)!.lag.max)} max, drained in ${drainMs} ms, exact: ${mismatches.length === 0}`,
    );
    const sb = results.at(-1)!.standby;
    if (sb)
      say(
        `x${step.x}: standby lag ${sb.lag.max} max (${sb.behind_s_max} s of traffic), drained in ${sb.drain_ms} ms, exact: ${sb.exact}`,
      );
  }
  await Promise.all([producer.disconnect(), admin.disconnect()]);
  return results;
}
