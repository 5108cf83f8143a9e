// The pipeline part of `make bench`: the prices, transactions and volume bolts as real processes in the bench's
// namespace, timed *with EUR* on a backlog: a price (received before the first transaction), the transactions,
// then a second price (received after the last one) are published with the bolts stopped; the clock runs from the
// bolts' start to the moment every hour of btc-volume is complete: its count, satoshis, EUR cents and largest
// transaction (satoshis and EUR) equal to what the published transactions give, nothing pending. Freshness at rest.

import type { Message } from "kafkajs";
import { boltGroup } from "../backup/offsets.ts";
import { transactionOf } from "../domain/chain.ts";
import { centsOf, priceE8Of } from "../domain/pricing.ts";
import { hourKey } from "../domain/rollups.ts";
import { type Config, indicesOf, PROJECT_ROOT, topicsOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient, receivedAtOf } from "../lib/kafka.ts";
import { sleep } from "../lib/log.ts";
import { ReliableProducer } from "../lib/reliable-producer.ts";
import { route } from "../producers/records.ts";
import { spawnChild } from "./bench-procs.ts";

export const BOLTS = ["prices", "transactions", "volume"] as const;

/** Start the bolts (and, with `standby`, the same three writing to the standby cluster in their own groups);
 * resolves once each one's consumer group is stable with a member. */
export async function startBolts(cfg: Config, standby?: Config) {
  const env = { ...process.env, BTC_NAMESPACE: cfg.namespace, LOG_LEVEL: "warn" };
  const spawn = (b: string, name: string, extra = {}) => ({
    name,
    proc: spawnChild(["bun", `scripts/bolts/${b}.ts`], {
      cwd: PROJECT_ROOT,
      env: { ...env, ...extra },
      output: "inherit",
    }),
  });
  const procs = BOLTS.map((b) => spawn(b, `bolt:${b}`));
  if (standby)
    procs.push(...BOLTS.map((b) => spawn(b, `bolt:${b}-standby`, { ES_STANDBY: "1", ES_TARGET: "standby" })));
  const admin = kafkaClient(cfg, "bench-admin").admin();
  await admin.connect();
  const groups = BOLTS.flatMap((b) => [boltGroup(cfg, b), ...(standby ? [boltGroup(standby, b)] : [])]);
  for (;;) {
    const { groups: g } = await admin.describeGroups(groups);
    if (g.every((x) => x.state === "Stable" && x.members.length > 0)) break;
    for (const p of procs) if (p.proc.exitCode !== null) throw new Error(`${p.name} exited ${p.proc.exitCode}`);
    await sleep(250);
  }
  await admin.disconnect();
  return { procs, groups };
}

/** A coinbase/spot price record, received at `at`, as the bpi producer publishes it. */
export function priceRecord(cfg: Config, at: number, eur: string): Message {
  const text = JSON.stringify({ data: { amount: eur, base: "BTC", currency: "EUR" } });
  const r = route(topicsOf(cfg), { at, feed: "coinbase/spot", text }, "simulated");
  if (!("topic" in r)) throw new Error(r.skip);
  return r.message;
}

type Want = { count: number; sat: number; cents: number; max: number; maxCents: number };

/** What each hour of btc-volume must hold once complete: every transaction valued at `eur` (the earlier price). */
export function expectedHours(messages: Message[], eur: string): Map<string, Want> {
  const e8 = BigInt(priceE8Of(Number(eur)));
  const seen = new Set<string>();
  const sat = new Map<number, { count: number; sat: number; max: number }>();
  for (const m of messages) {
    const tx = transactionOf(String(m.value), receivedAtOf({ headers: m.headers, timestamp: "0" }));
    if ("error" in tx) throw new Error(`bench record refused: ${tx.error}`);
    if (seen.has(tx.hash)) continue;
    seen.add(tx.hash);
    const h = sat.get(tx.hour) ?? { count: 0, sat: 0, max: 0 };
    sat.set(tx.hour, { count: h.count + 1, sat: h.sat + tx.value_sat, max: Math.max(h.max, tx.value_sat) });
  }
  const out = new Map<string, Want>();
  for (const [hour, h] of sat)
    out.set(hourKey(hour), {
      ...h,
      cents: Number(centsOf(BigInt(h.sat) * e8)),
      maxCents: Number(centsOf(BigInt(h.max) * e8)),
    });
  return out;
}

type VolumeHit = { _id: string; _source?: Record<string, number> };

/** How many expected hours btc-volume holds complete (count, satoshis, EUR cents, nothing pending). */
export async function completeHours(cfg: Config, want: Map<string, Want>): Promise<number> {
  const res = await esClient(cfg)
    .search({ index: indicesOf(cfg).volume, size: 1000, query: { ids: { values: [...want.keys()] } } })
    .catch(() => undefined);
  let done = 0;
  for (const h of (res?.hits.hits ?? []) as VolumeHit[]) {
    const w = want.get(h._id);
    const d = h._source ?? {};
    if (
      w &&
      d.tx_count === w.count &&
      d.volume_sat === w.sat &&
      d.volume_eur_cents === w.cents &&
      d.max_sat === w.max &&
      d.max_eur_cents === w.maxCents &&
      d.pending_count === 0
    )
      done++;
  }
  return done;
}

/** The backlog: the first price, the transactions and the second price published with the bolts stopped; then
 * `start` starts the bolts and waits for their groups to be stable, and the clock runs from then until every hour is
 * complete with EUR (the bolts' start, a fixed latency of a few seconds, is kept apart: bolts_started_ms). */
export async function runBacklog(
  cfg: Config,
  messages: Message[],
  start: () => Promise<void>,
  progress: (s: string) => void,
) {
  const times = messages.map((m) => JSON.parse(String(m.value)).x.time * 1000) as number[];
  const [first, last] = [times.reduce((a, b) => Math.min(a, b)), times.reduce((a, b) => Math.max(a, b))];
  const [eur1, eur2] = ["43123.45", "43210.99"];
  const producer = new ReliableProducer(cfg, "bench", 60_000);
  const p0 = performance.now();
  await producer.send(topicsOf(cfg).bpi, [priceRecord(cfg, first - 60_000, eur1)]);
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send(topicsOf(cfg).transactions, messages.slice(i, i + 1000));
    if (i % 50_000 === 0) progress(`${i}/${messages.length} published`);
  }
  await producer.send(topicsOf(cfg).bpi, [priceRecord(cfg, last + 1000, eur2)]);
  const publishedMs = performance.now() - p0;
  await producer.disconnect();
  const want = expectedHours(messages, eur1);
  const t0 = performance.now();
  await start();
  const ready = performance.now(); // the bolts' groups stable: the clock of the drain starts here
  for (;;) {
    const done = await completeHours(cfg, want);
    progress(`${done}/${want.size} hours complete with EUR`);
    if (done === want.size) break;
    await sleep(500);
  }
  const end = performance.now();
  return {
    ms: Math.round(end - ready),
    bolts_started_ms: Math.round(ready - t0),
    ms_with_bolts_start: Math.round(end - t0),
    published_ms: Math.round(publishedMs),
    hours: want.size,
    prices_eur: [eur1, eur2],
  };
}

/** Freshness at rest: one transaction at a time into an empty past hour; ms from the send acknowledged (and from
 * the send started) to the hour's btc-volume document searchable with tx_count 1. */
export async function freshness(cfg: Config, template: Message, samples: number) {
  const producer = new ReliableProducer(cfg, "bench-fresh", 60_000);
  const es = esClient(cfg);
  const fromAck: number[] = [];
  const fromSend: number[] = [];
  for (let i = 0; i < samples; i++) {
    const hour = Date.UTC(2025, 0, 1, i);
    const msg = JSON.parse(String(template.value)) as { x: { hash: string; time: number } };
    msg.x.hash = `${"f".repeat(56)}${String(i).padStart(8, "0")}`;
    msg.x.time = hour / 1000 + 60;
    const sent = performance.now();
    const m = { ...template, key: msg.x.hash, value: JSON.stringify(msg) };
    await producer.send(topicsOf(cfg).transactions, [m]);
    const acked = performance.now();
    const query = { bool: { filter: [{ ids: { values: [hourKey(hour)] } }, { term: { tx_count: 1 } }] } };
    for (;;) {
      const r = await es.search({ index: indicesOf(cfg).volume, size: 0, track_total_hits: true, query });
      if (((r.hits.total as { value: number } | undefined)?.value ?? 0) > 0) break;
      if (performance.now() - acked > 60_000) throw new Error(`hour ${hourKey(hour)} not searchable after 60 s`);
      await sleep(10);
    }
    fromAck.push(Math.round(performance.now() - acked));
    fromSend.push(Math.round(performance.now() - sent));
  }
  await producer.disconnect();
  return { fromAck, fromSend };
}
