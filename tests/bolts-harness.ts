// Shared by the bolts' integration tests: the golden capture, its expected figures computed independently of the
// bolts' code (plain loops over the capture), the bolts as child processes, and reading the figures back.

import { createHash } from "node:crypto";
import { mkdirSync, openSync } from "node:fs";
import type { Subprocess } from "bun";
import { type Config, indicesOf, topicsOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { envOf, ROOT } from "./cluster.ts";
import { readCaptureFile } from "./publish-capture.ts";

export const GOLDEN = `${ROOT}/tests/fixtures/golden.jsonl`;
export const BOLTS = ["prices", "transactions", "blocks", "volume", "miners"] as const;
export type BoltName = (typeof BOLTS)[number];
/** Fast failure detection for killed bolts (a dead member holds its partitions for a session timeout). */
export const TEST_BOLT_ENV = {
  BOLT_SESSION_TIMEOUT_MS: "8000",
  BOLT_RETRY_MAX_MS: "1000",
  BOLT_STALL_TIMEOUT_MS: "120000",
};

/** parsed JSON of the capture (untyped on purpose: the expectations read it independently of the bolts) */
type J = ReturnType<typeof JSON.parse>;
const HOSTILE = "<img src=x onerror=alert(1)>";
const label = (l: string) => createHash("sha256").update(l).digest("hex");
/** The miner each block of the golden capture must be credited to (by label), stated by hand. */
const MINERS: Record<string, string> = {
  A: "Foundry USA",
  B1: "AntPool",
  B2: "F2Pool",
  C: "ViaBTC",
  D: HOSTILE,
  E: "Unknown",
  X1: "AntPool",
  X2: "Foundry USA",
  Y: "ViaBTC",
};
const minerByHash = new Map(Object.entries(MINERS).map(([l, m]) => [label(l), m]));

type Vol = { tx_count: number; volume_sat: number; max_sat: number; volume_eur: number; max_eur: number };
type Min = { blocks: number; reward_sat: number; reward_eur: number; fees_unknown_blocks: number };
export type Figures = { volume: Record<string, Vol>; miners: Record<string, Min> };

/** The figures the golden capture must give, and how many records each source topic must dead-letter. */
export function expectedFigures(file = GOLDEN): Figures & { rejects: number } {
  const lines = readCaptureFile(file);
  const json = (t: string): J => {
    try {
      return JSON.parse(t);
    } catch {
      return undefined;
    }
  };
  const prices: Array<{ at: number; e8: bigint }> = [];
  let rejects = 0;
  for (const l of lines) {
    const b = json(l.text);
    const eur =
      l.feed === "blockchain.info/ticker"
        ? b?.EUR?.last
        : l.feed === "kraken/ticker"
          ? b?.result?.XXBTZEUR?.c?.[0]
          : l.feed === "coinbase/spot"
            ? b?.data?.amount
            : undefined;
    if (l.feed.includes("ticker") || l.feed.includes("spot")) {
      const e8 = decimalE8(eur);
      if (e8 !== undefined && e8 > 0n) prices.push({ at: l.at, e8 });
      else rejects++;
    }
  }
  // stable sort by time: the last one at or before t wins (ties: the later line, as the same-millisecond rule)
  prices.sort((a, b) => a.at - b.at);
  const priceAt = (t: number) => [...prices].reverse().find((p) => p.at <= t)?.e8 ?? prices[0]!.e8;
  const txs = new Map<string, { time: number; sat: number }>();
  const blocks = new Map<string, { height: number; time: number; prev?: string; reward?: number }>();
  for (const l of lines) {
    const b = json(l.text);
    if (l.feed === "blockchain.info/ws" && b?.op !== "block") {
      const outs: unknown[] = b?.x?.out ?? [];
      const ok = /^[0-9a-f]{64}$/.test(b?.x?.hash) && outs.every((o: J) => Number.isInteger(o.value) && o.value >= 0);
      const sat = outs.reduce((s: number, o: J) => s + o.value, 0);
      if (!ok || sat > 21e14) rejects++;
      else if (!txs.has(b.x.hash)) txs.set(b.x.hash, { time: b.x.time * 1000, sat });
      continue;
    }
    if (PRICE(l.feed)) continue;
    const part =
      b?.op === "block"
        ? { hash: b.x.hash, height: b.x.height, time: b.x.time }
        : l.feed === "mempool.space/block"
          ? { hash: b.id, height: b.height, time: b.timestamp, prev: b.previousblockhash }
          : l.feed === "mempool.space/block-txs"
            ? {
                hash: b[0].status.block_hash,
                height: b[0].status.block_height,
                time: b[0].status.block_time,
                reward: b[0].vout.reduce((s: number, o: J) => s + o.value, 0),
              }
            : b && {
                hash: b.hash,
                height: b.height,
                time: b.time,
                prev: b.prev_block,
                reward: b.tx[0].out.reduce((s: number, o: J) => s + o.value, 0),
              };
    if (
      !part ||
      !Number.isInteger(part.height) ||
      (part.reward !== undefined && b.tx?.[0].out.some((o: J) => o.value < 0))
    ) {
      rejects++;
      continue;
    }
    const prev = blocks.get(part.hash) ?? { height: part.height, time: part.time * 1000 };
    blocks.set(part.hash, {
      ...prev,
      ...(part.prev ? { prev: part.prev } : {}),
      ...(part.reward !== undefined ? { reward: part.reward } : {}),
    });
  }
  const volume: Record<string, Vol> = {};
  const sums = new Map<string, bigint>();
  const maxes = new Map<string, bigint>();
  for (const tx of txs.values()) {
    const hour = new Date(Math.floor(tx.time / 3_600_000) * 3_600_000).toISOString();
    volume[hour] ??= { tx_count: 0, volume_sat: 0, max_sat: 0, volume_eur: 0, max_eur: 0 };
    const v = volume[hour]!;
    const e16 = BigInt(tx.sat) * priceAt(tx.time);
    v.tx_count++;
    v.volume_sat += tx.sat;
    v.max_sat = Math.max(v.max_sat, tx.sat);
    sums.set(hour, (sums.get(hour) ?? 0n) + e16);
    if (e16 > (maxes.get(hour) ?? 0n)) maxes.set(hour, e16);
  }
  for (const [hour, e16] of sums) volume[hour]!.volume_eur = roundCents(e16);
  for (const [hour, e16] of maxes) volume[hour]!.max_eur = roundCents(e16);
  const miners: Record<string, Min> = {};
  const minerE16 = new Map<string, bigint>();
  for (const [hash, blk] of blocks) {
    const children = [...blocks.values()].filter((c) => c.height === blk.height + 1 && c.prev);
    if (children.length > 0 && !children.some((c) => c.prev === hash)) continue; // lost a split
    const miner = minerByHash.get(hash)!;
    const reward = blk.reward ?? 625_000_000;
    const d = new Date(blk.time);
    const periods = [
      `day:${new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())).toISOString()}`,
      `month:${new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString()}`,
    ];
    for (const p of periods) {
      miners[`${p}:${miner}`] ??= { blocks: 0, reward_sat: 0, reward_eur: 0, fees_unknown_blocks: 0 };
      const m = miners[`${p}:${miner}`]!;
      m.blocks++;
      m.reward_sat += reward;
      minerE16.set(`${p}:${miner}`, (minerE16.get(`${p}:${miner}`) ?? 0n) + BigInt(reward) * priceAt(blk.time));
      if (blk.reward === undefined) m.fees_unknown_blocks++;
    }
  }
  for (const [id, e16] of minerE16) miners[id]!.reward_eur = roundCents(e16);
  return { volume, miners, rejects };
}

/** A price as sent (a JSON number or a decimal string) as an integer of 1e-8 EUR, by plain string handling. */
function decimalE8(v: unknown): bigint | undefined {
  const text = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
  const m = /^(\d+)(?:\.(\d{1,8}))?$/.exec(text);
  return m ? BigInt(m[1]!) * 100_000_000n + BigInt((m[2] ?? "").padEnd(8, "0")) : undefined;
}
/** 1e-16 EUR (satoshis times 1e-8 EUR per BTC) as EUR, rounded once to the cent, half up. */
const roundCents = (e16: bigint) => Number((e16 + 50_000_000_000_000n) / 100_000_000_000_000n) / 100;
const PRICE = (feed: string) => /ticker|spot|bpi/.test(feed);

/** The figures in Elasticsearch now (only fully priced documents count as final). */
export async function actualFigures(cfg: Config): Promise<Figures & { pending: number }> {
  const es = esClient(cfg);
  const idx = indicesOf(cfg);
  const all = async (index: string) =>
    (await es.search({ index, size: 1000, query: { match_all: {} } })).hits.hits.map((h) => ({
      id: h._id!,
      ...(h._source as J),
    }));
  const volume: Record<string, Vol> = {};
  const miners: Record<string, Min> = {};
  let pending = 0;
  for (const v of await all(idx.volume)) {
    volume[v.id] = {
      tx_count: v.tx_count,
      volume_sat: v.volume_sat,
      max_sat: v.max_sat,
      volume_eur: v.volume_eur,
      max_eur: v.max_eur,
    };
    pending += v.pending_count;
  }
  for (const m of await all(idx.miner)) {
    miners[m.id] = {
      blocks: m.blocks,
      reward_sat: m.reward_sat,
      reward_eur: m.reward_eur,
      fees_unknown_blocks: m.fees_unknown_blocks,
    };
    pending += m.pending_count;
  }
  return { volume, miners, pending };
}

/** Differences between figures (satoshis, counts and EUR cents exact); empty when equal. */
export function differences(want: Figures, got: Figures & { pending?: number }): string[] {
  const out: string[] = [];
  if (got.pending) out.push(`${got.pending} pending valuations`);
  for (const kind of ["volume", "miners"] as const) {
    const w = want[kind] as Record<string, Record<string, number>>;
    const g = got[kind] as Record<string, Record<string, number>>;
    for (const id of new Set([...Object.keys(w), ...Object.keys(g)])) {
      if (!w[id] || !g[id]) {
        out.push(`${kind} ${id}: ${w[id] ? "missing" : "unexpected"}`);
        continue;
      }
      for (const [f, v] of Object.entries(w[id]!)) {
        const a = g[id]![f]!;
        const ok = a === v;
        if (!ok) out.push(`${kind} ${id} ${f}: ${a}, expected ${v}`);
      }
    }
  }
  return out;
}

/** Poll until the figures equal the expected ones or the time is up; returns the last differences. */
export async function waitForFigures(cfg: Config, want: Figures, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  let diff: string[] = ["not read yet"];
  while (Date.now() < until) {
    diff = differences(want, await actualFigures(cfg).catch(() => ({ volume: {}, miners: {}, pending: 1 })));
    if (diff.length === 0) return diff;
    await Bun.sleep(500);
  }
  return diff;
}

/** Start a bolt as a child process in a namespace; its log goes to test-artifacts/<ns>-<bolt>.log. */
export function spawnBolt(cfg: Config, name: BoltName, extra: Record<string, string> = {}): Subprocess {
  mkdirSync(`${ROOT}/test-artifacts`, { recursive: true });
  const out = openSync(`${ROOT}/test-artifacts/${cfg.namespace}-${name}.log`, "a");
  return Bun.spawn(["bun", `scripts/bolts/${name}.ts`], {
    cwd: ROOT,
    env: envOf(cfg.namespace, { ...TEST_BOLT_ENV, ...extra }),
    stdout: out,
    stderr: out,
  });
}

export type DeadLetter = { reason: string; topic: string; where: string; bolt: string; value: string };
/** How many distinct source records were dead-lettered (a record refused, then replayed after a crash before its
 * commit, is dead-lettered again: at-least-once). */
export const distinct = (dlq: DeadLetter[]) => new Set(dlq.map((d) => d.where)).size;

/** Every record of the namespace's dead-letter topic. */
export async function deadLetters(cfg: Config) {
  const topic = topicsOf(cfg).deadLetters;
  const kafka = kafkaClient(cfg, "test-dlq");
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
  const out: DeadLetter[] = [];
  if (total === 0) return out;
  const consumer = kafka.consumer({ groupId: `${cfg.namespace}-test-dlq-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message: m }) => {
        const h = (n: string) => m.headers?.[n]?.toString() ?? "";
        out.push({
          reason: h("dlq-reason"),
          topic: h("dlq-topic"),
          where: `${h("dlq-topic")}/${h("dlq-partition")}/${h("dlq-offset")}`,
          bolt: h("dlq-bolt"),
          value: m.value?.toString() ?? "",
        });
        if (out.length >= total) resolve();
      },
    });
  });
  await consumer.disconnect();
  return out;
}
